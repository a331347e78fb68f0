//! The public face of the tamper-evident ledger (rule X-01), served without login so that
//! anyone — a party, a supervisor, a journalist, a witness — can check it with standard
//! C2SP tools:
//!
//! - `GET /ledger/checkpoint`: the latest signed checkpoint (tlog-checkpoint in a
//!   signed-note), `text/plain`, never cached for long;
//! - `GET /ledger/key`: the note verifier key `<origin>+<hex id>+<base64>`;
//! - `GET /ledger/tile/<L>/<N>[.p/<W>]`: hash tiles (tlog-tiles). A full tile never changes
//!   and is cacheable for a year; a partial tile is short-lived (the full one replaces it).
//!   A tile beyond the tree is 404, a malformed path 400 with the expected form;
//! - `GET /ledger`: a page in Chinese on what is published and how to verify it.
//!
//! Entry bundles (`tile/entries/…`) are deliberately absent: they would publish the
//! events' contents, personal data included. Those entitled to read a case verify
//! its events on the case's "verify this record" page instead.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use zhifa_ledger::TileId;

use crate::AppState;
use crate::forms::{Nav, render};

/// A full tile never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A partial tile is replaced by a wider one as the log grows.
const SHORT_LIVED: &str = "public, max-age=10";

fn text(status: StatusCode, cache: &'static str, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "ledger endpoint failed");
    text(StatusCode::INTERNAL_SERVER_ERROR, "no-store", "服务器内部错误，请稍后重试\n".into())
}

/// GET /ledger/checkpoint
pub async fn checkpoint(State(s): State<AppState>) -> Response {
    match s.app.db.ledger_checkpoint().await {
        Ok(note) => text(StatusCode::OK, "no-cache", note),
        Err(e) => internal(e),
    }
}

/// GET /ledger/key
pub async fn key(State(s): State<AppState>) -> Response {
    text(StatusCode::OK, "public, max-age=3600", format!("{}\n", s.app.db.ledger_key().verifier_key()))
}

/// GET /ledger/tile/<L>/<N>[.p/<W>] (read from the raw path: tile paths are ASCII and
/// canonical, nothing to decode).
pub async fn tile(State(s): State<AppState>, uri: Uri) -> Response {
    let rest = uri.path().strip_prefix("/ledger/tile/").unwrap_or("");
    if rest == "entries" || rest.starts_with("entries/") {
        return text(
            StatusCode::NOT_FOUND,
            "public, max-age=3600",
            "条目包（tile/entries/…）含执法记录的内容和个人信息，依法不公开；\
             请使用哈希瓦片 /ledger/tile/<L>/<N>[.p/<W>] 验证账本\n"
                .into(),
        );
    }
    let id = match TileId::parse_path(&format!("tile/{rest}")) {
        Ok(id) => id,
        Err(e) => {
            return text(
                StatusCode::BAD_REQUEST,
                "public, max-age=3600",
                format!(
                    "瓦片路径无效（{e}）：应为 /ledger/tile/<层>/<编号>[.p/<宽度>]，编号按三位分组、\
                     除最后一组外加 x 前缀，例如 /ledger/tile/0/000、/ledger/tile/0/x001/234.p/8\n"
                ),
            );
        }
    };
    match s.app.db.tile(id.level, id.index, id.width).await {
        Ok(Some(bytes)) => {
            let cache = if id.is_full() { IMMUTABLE } else { SHORT_LIVED };
            let mut resp = bytes.into_response();
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            resp
        }
        Ok(None) => text(
            StatusCode::NOT_FOUND,
            "no-cache",
            format!("瓦片 {} 不在当前账本中：账本尚未增长到该位置（当前检查点见 /ledger/checkpoint）\n", id.path()),
        ),
        Err(e) => internal(e),
    }
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    nav: Nav,
    origin: String,
    checkpoint: String,
    verifier_key: String,
    size: String,
}

/// GET /ledger: what is published and how anyone can verify it, in Chinese.
pub async fn page(State(s): State<AppState>) -> Response {
    let note = match s.app.db.ledger_checkpoint().await {
        Ok(n) => n,
        Err(e) => return internal(e),
    };
    let key = s.app.db.ledger_key();
    let size = note.lines().nth(1).unwrap_or("").to_string();
    render(
        StatusCode::OK,
        LedgerPage {
            nav: Nav::default(),
            origin: key.origin().to_string(),
            checkpoint: note,
            verifier_key: key.verifier_key(),
            size,
        },
    )
}
