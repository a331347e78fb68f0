//! zhifa-web: the HTTP face of zhifa.
//!
//! A handler extracts (the session is an extractor), authorizes through the service it
//! calls, calls one `zhifa-app` operation and renders. Only this crate knows HTTP, HTML,
//! forms and JSON shapes.

mod api;
mod api_benchmarks;
mod api_exchange;
mod api_ledger;
mod api_open;
mod api_review;
mod api_uploads;
mod error;
mod forms;
mod ledger;
mod pages;
mod router;
mod session;

use std::sync::Arc;

pub use router::router;
use zhifa_app::App;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    /// This node's name for the supervision sweep's lease (`zhifa_app::supervision`).
    pub node: Arc<str>,
}

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Send cookies with the Secure flag (behind HTTPS).
    pub secure_cookies: bool,
    /// Largest accepted upload for imports, in bytes.
    pub max_upload_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: false, max_upload_bytes: 10 * 1024 * 1024 }
    }
}

impl AppState {
    pub fn new(app: App, config: WebConfig) -> Self {
        Self { app, config: Arc::new(config), node: zhifa_app::supervision::node_name().into() }
    }
}
