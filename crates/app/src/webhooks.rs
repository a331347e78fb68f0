//! Webhooks of upper-level platforms (D-14): a platform registers an address and is told of
//! every publication that changes on the portal — published, taken down, withdrawn — with a
//! thin notice it can follow to the open data (`/api/v1/open/decisions/{id}`).
//!
//! Each delivery is one POST of JSON (`{"deliveries": [...]}`, at most [`BATCH`] changes)
//! signed with HMAC-SHA256 under the webhook's secret (`X-Zhifa-Signature: sha256=<hex>`
//! over the body) and numbered (`X-Zhifa-Delivery`). A webhook's position — the
//! publications projection's `changed_at` it was told up to — moves only when the platform
//! answers 2xx, so a failed delivery is sent again at the next round and a platform may
//! see a change twice, never miss one. One node delivers at a time (the `webhooks` job of
//! `sweep_state`).

use chrono::Utc;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use uuid::Uuid;
use zhifa_core::Rejection;
use zhifa_core::access::Principal;
use zhifa_store::supervision::WebhookRow;

use crate::{App, AppError, AppResult};

/// Changes per delivery.
pub const BATCH: i64 = 100;
/// The job's name in `sweep_state`.
const JOB: &str = "webhooks";
/// How long one platform may take to answer.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// One change as a platform is told of it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Delivery {
    pub id: Uuid,
    /// `public`, `taken_down`, `withdrawn` or `prepared`.
    pub status: String,
    /// `decision`, `inspection` or `execution`.
    pub kind: &'static str,
    pub agency_id: Uuid,
    pub document_number: String,
    pub published_on: Option<chrono::NaiveDate>,
    /// The open-data address of its notice.
    pub url: String,
}

/// The signature header's value of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn kind_code(k: zhifa_core::disclosure::publication::NoticeKind) -> &'static str {
    use zhifa_core::disclosure::publication::NoticeKind;
    match k {
        NoticeKind::Decision => "decision",
        NoticeKind::Inspection => "inspection",
        NoticeKind::Execution => "execution",
    }
}

impl App {
    /// Registers a platform's webhook (the platform administrator): told of changes from
    /// now on. Returns the webhook with its secret, shown this once.
    pub async fn register_webhook(&self, by: &Principal, url: &str) -> AppResult<WebhookRow> {
        by.can_administer_platform()?;
        let url = url.trim();
        let parsed = reqwest::Url::parse(url).map_err(|_| {
            Rejection::one("url", format!("“{url}”不是有效的网址，例如 https://example.gov.cn/hooks/zhifa"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Rejection::one("url", "网址须以 http:// 或 https:// 开头并含主机名").into());
        }
        let row = WebhookRow {
            id: Uuid::new_v4(),
            url: url.to_string(),
            secret: hex::encode(rand::random::<[u8; 32]>()),
            created_at: Utc::now().to_rfc3339(),
            position: self.db.publications_position().await?,
            delivered_at: None,
            failures: 0,
            last_error: None,
        };
        self.db.add_webhook(&row).await?;
        Ok(row)
    }

    /// The webhooks (the platform administrator).
    pub async fn webhooks(&self, by: &Principal) -> AppResult<Vec<WebhookRow>> {
        by.can_administer_platform()?;
        Ok(self.db.webhooks().await?)
    }

    pub async fn remove_webhook(&self, by: &Principal, id: Uuid) -> AppResult<()> {
        by.can_administer_platform()?;
        if self.db.remove_webhook(id).await? { Ok(()) } else { Err(AppError::NotFound("推送地址")) }
    }

    /// Delivers what changed to every webhook, as `holder`, unless another node is at it
    /// (`None`). Returns the changes delivered.
    pub async fn deliver_webhooks(&self, holder: &str) -> AppResult<Option<usize>> {
        let now = Utc::now();
        if self.db.claim_job(JOB, holder, now, now + chrono::TimeDelta::minutes(5)).await?.is_none() {
            return Ok(None);
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client =
            reqwest::Client::builder().timeout(TIMEOUT).build().map_err(|e| AppError::Conflict(e.to_string()))?;
        let mut delivered = 0;
        let result = async {
            for hook in self.db.webhooks().await? {
                let rows = self.db.publication_changes(hook.position, BATCH).await?;
                let Some(last) = rows.last().map(|r| r.changed_at) else { continue };
                let deliveries: Vec<Delivery> = rows
                    .iter()
                    .map(|r| Delivery {
                        id: r.record_id,
                        status: r.status.clone(),
                        kind: kind_code(r.notice.kind),
                        agency_id: r.agency_id,
                        document_number: r.notice.document_number.clone(),
                        published_on: r.published_on,
                        url: self.documents.public_url(&format!("/api/v1/open/decisions/{}", r.record_id)),
                    })
                    .collect();
                let body = serde_json::to_vec(&serde_json::json!({ "deliveries": deliveries })).expect("serializes");
                let sent = client
                    .post(&hook.url)
                    .header("content-type", "application/json")
                    .header("x-zhifa-signature", signature(&hook.secret, &body))
                    .header("x-zhifa-delivery", Uuid::new_v4().to_string())
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => {
                        self.db.webhook_delivered(hook.id, last, Utc::now()).await?;
                        delivered += deliveries.len();
                    }
                    Ok(r) => self.db.webhook_failed(hook.id, &format!("HTTP {}", r.status())).await?,
                    Err(e) => self.db.webhook_failed(hook.id, &e.to_string()).await?,
                }
            }
            AppResult::Ok(())
        }
        .await;
        self.db.release_job(JOB, holder).await?;
        result.map(|()| Some(delivered))
    }
}
