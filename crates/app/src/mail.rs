//! The daily digest by e-mail (V-03), when SMTP is configured: the county's digest goes to
//! the addresses configured (the judicial bureau's supervisors). Through lettre's SMTP
//! transport (plain, STARTTLS or TLS as the `smtp://` / `smtps://` address says, over the
//! rustls the S3 blob store already builds).
//!
//! Several nodes: a digest is marked mailed before it is sent (only one node's mark
//! succeeds) and unmarked if sending fails, so the next sweep tries again.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::supervision::Digest;
use crate::{App, AppResult};

/// Where and to whom the digest is mailed.
#[derive(Debug, Clone)]
pub struct MailSettings {
    url: String,
    from: Mailbox,
    to: Vec<Mailbox>,
}

impl MailSettings {
    /// Checks the settings now: an unusable one is a Chinese error naming it.
    pub fn new(smtp_url: &str, from: &str, to: &str) -> Result<MailSettings, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url).map_err(|e| {
            format!("配置项 smtp_url 无效：“{smtp_url}”：{e}；例如 smtps://user:password@smtp.example.gov.cn")
        })?;
        let from = from.trim().parse::<Mailbox>().map_err(|e| format!("配置项 mail_from 无效：“{from}”：{e}"))?;
        let mut list = Vec::new();
        for t in to.split([',', ';', '，', '；']).map(str::trim).filter(|t| !t.is_empty()) {
            list.push(t.parse::<Mailbox>().map_err(|e| format!("配置项 digest_to 无效：“{t}”：{e}"))?);
        }
        if list.is_empty() {
            return Err("配置项 digest_to 无效：请至少填写一个收件地址，多个以逗号分隔".into());
        }
        Ok(MailSettings { url: smtp_url.to_string(), from, to: list })
    }

    fn message(&self, subject: &str, body: String) -> Result<Message, String> {
        let mut m = Message::builder().from(self.from.clone()).subject(subject);
        for t in &self.to {
            m = m.to(t.clone());
        }
        m.header(ContentType::TEXT_PLAIN).body(body).map_err(|e| e.to_string())
    }
}

impl App {
    /// With the digest mailed by SMTP.
    pub fn with_mail(mut self, mail: MailSettings) -> Self {
        self.mail = Some(mail);
        self
    }

    /// Mails every county digest not mailed yet; returns how many were sent. Nothing
    /// without SMTP settings.
    pub async fn mail_digests(&self) -> AppResult<usize> {
        let Some(mail) = &self.mail else { return Ok(0) };
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut sent = 0;
        for (day, agency, body) in self.db.digests_unmailed().await? {
            if agency.is_some() || !self.db.mark_digest_mailed(&day, None, chrono::Utc::now()).await? {
                continue;
            }
            let result = async {
                let digest: Digest = serde_json::from_str(&body).map_err(|e| e.to_string())?;
                let title = self.county_title().await;
                let message = mail.message(&format!("{title}执法监督日报（{day}）"), digest.text(&title))?;
                let transport =
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(&mail.url).map_err(|e| e.to_string())?.build();
                transport.send(message).await.map_err(|e| e.to_string())
            }
            .await;
            match result {
                Ok(_) => sent += 1,
                Err(e) => {
                    tracing::warn!(day = %day, error = %e, "mailing the digest failed; tried again at the next sweep");
                    self.db.unmark_digest_mailed(&day, None).await?;
                }
            }
        }
        Ok(sent)
    }

    /// The county as the digest names it: the judicial bureau's name without 司法局.
    async fn county_title(&self) -> String {
        let bureau = self.db.agencies().await.unwrap_or_default().into_iter().find(|a| a.info.name.ends_with("司法局"));
        bureau.map(|a| a.info.name.trim_end_matches("司法局").to_string()).unwrap_or_else(|| "全县".into())
    }
}
