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

#[derive(serde::Deserialize, Default)]
pub struct ConsistencyQuery {
    /// A published checkpoint size.
    #[serde(default)]
    from: String,
    /// A checkpoint the visitor saved earlier, pasted whole.
    #[serde(default)]
    old: String,
}

/// GET /ledger/consistency: anyone checks that an earlier checkpoint's tree is a prefix of
/// today's — nothing published was removed or rewritten since — with a consistency
/// proof verified against both signed checkpoints.
pub async fn consistency(
    State(s): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<ConsistencyQuery>,
) -> Response {
    use crate::forms::{TablePage, render_table};
    let verifier = s.app.db.ledger_key().verifier();
    let latest = match s.app.db.ledger_checkpoint().await {
        Ok(n) => n,
        Err(e) => return internal(e),
    };
    let mut page = TablePage {
        title: "验证账本只增不改（一致性证明）".into(),
        actions: vec![("/ledger".into(), "返回账本公示".into())],
        ..Default::default()
    };
    let outcome: Result<Vec<(String, String)>, String> = async {
        let new = verifier.open_checkpoint(latest.as_bytes()).map_err(|e| format!("当前检查点无法验证：{e}"))?;
        let old_note = if !q.old.trim().is_empty() {
            q.old.replace("\r\n", "\n")
        } else if !q.from.trim().is_empty() {
            let m: u64 = q.from.trim().parse().map_err(|_| format!("检查点大小“{}”应为正整数", q.from.trim()))?;
            s.app
                .db
                .checkpoint_at(m)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("账本没有公布过大小为{m}的检查点"))?
        } else {
            return Err("请粘贴您保存的检查点全文，或填写已公布检查点的大小".into());
        };
        let old_note = if old_note.ends_with('\n') { old_note } else { format!("{old_note}\n") };
        let old = verifier
            .open_checkpoint(old_note.as_bytes())
            .map_err(|e| format!("您提供的检查点签名无效或格式错误（{e}）：它不是本账本签发的"))?;
        if old.size > new.size {
            return Err(format!("您提供的检查点大小{}大于当前账本大小{}：账本被截短或回滚", old.size, new.size));
        }
        let proof = s.app.db.consistency_proof(old.size, new.size).await.map_err(|e| e.to_string())?;
        let verdict = match zhifa_ledger::verify_consistency(old.size, new.size, &proof, &old.root, &new.root) {
            Ok(()) => "✔ 一致：旧检查点的全部记录原样保留在当前账本中，其后只有新增".to_string(),
            Err(e) => format!("✘ 不一致：账本在旧检查点之后被改动（{e}）"),
        };
        Ok(vec![
            ("结论".into(), verdict),
            ("旧检查点".into(), format!("大小 {}，根哈希 {}", old.size, old.root)),
            ("当前检查点".into(), format!("大小 {}，根哈希 {}", new.size, new.root)),
            ("一致性证明".into(), proof.iter().map(|h| h.to_string()).collect::<Vec<_>>().join(" ")),
        ])
    }
    .await;
    match outcome {
        Ok(info) => page.info = info,
        Err(msg) => page.notice = Some(msg),
    }
    render_table(&Nav::default(), &page)
}
