//! The public's correction requests (更正申请, D-10) and complaints (投诉举报, D-12):
//! filing on the portal, the public status by tracking number, the answering agency's
//! queue and answer, and the lateness the judicial bureau's supervisors see.
//!
//! Filing checks, in this order, the client's rate limit ([`FeedbackSettings::rate_limit`],
//! over the times kept in `feedback_submissions` under a keyed hash of the client's
//! address), the signed form token and the honeypot ([`spam`]), then the request itself
//! (`decide_file`, which also limits links); every problem is reported at once. A correction
//! names a publication public today or withdrawn (what the portal shows), and its agency
//! answers; a complaint names the agency complained about or, none named, goes to the
//! judicial bureau that supervises the portal. The stream is `feedback:<tracking number>`;
//! a number already taken is an append conflict and another is drawn.
//!
//! The form key is a secret shared by every app node: the `form_key` row of
//! `portal_secrets`, 32 random bytes made by whichever node asks first, cached here.
//!
//! Who reads and answers: the answering agency's heads, legal reviewers, administrators,
//! officers — and, for the judicial bureau, its supervisors; never an auxiliary. The
//! bureau's supervisors (and the platform administrator) read every agency's requests, the
//! late ones flagged.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use uuid::Uuid;
use zhifa_core::Rejection;
use zhifa_core::access::{AccessError, Principal, Role};
use zhifa_core::disclosure::feedback::spam::{self, FormKey, FormToken, RateLimit};
use zhifa_core::disclosure::feedback::{
    AnswerInput, ComplaintTopic, Feedback, FeedbackEvent, FeedbackInput, FeedbackKind, FilerInput, Matter, Outcome,
    PublicStatus, TrackingNumber, decide_answer, decide_file, public_status,
};
use zhifa_core::events::{Actor, stream};
use zhifa_core::profile::{PolicyProfile, version_in_force};
use zhifa_store::feedback::FeedbackRow;
use zhifa_store::publications::PublicationRow;
use zhifa_store::{ExpectedVersion, StoreError};

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// How many times a tracking number is drawn before giving up (35 random bits a day: a
/// second draw is already rare).
const DRAWS: usize = 4;

/// The portal's feedback settings.
#[derive(Clone, Debug)]
pub struct FeedbackSettings {
    /// Submissions allowed per client.
    pub rate_limit: RateLimit,
    /// How far ahead of the wall clock the form-token check reads the time. Zero in
    /// production; a test sets [`spam::FORM_MIN_AGE`] so that it can submit a form at once.
    pub token_clock_ahead: TimeDelta,
    secret: Arc<OnceCell<PortalSecret>>,
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        Self {
            rate_limit: RateLimit { max: 5, window: TimeDelta::hours(1) },
            token_clock_ahead: TimeDelta::zero(),
            secret: Arc::default(),
        }
    }
}

/// The form key and the bytes it is made of (they also key the clients' hashes).
#[derive(Clone)]
struct PortalSecret {
    key: FormKey,
    bytes: [u8; 32],
}

impl std::fmt::Debug for PortalSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PortalSecret(***)")
    }
}

/// A request as the portal's form submits it, parsed at the edge.
#[derive(Debug, Clone)]
pub struct Filing {
    pub kind: FeedbackKind,
    /// A correction: the decision record whose publication it is about.
    pub publication: Option<Uuid>,
    /// A complaint: what it is about.
    pub topic: Option<ComplaintTopic>,
    /// A complaint: the agency complained about, when named.
    pub about: Option<Uuid>,
    pub filer: FilerInput,
    pub content: String,
    pub evidence: String,
    pub form_token: String,
    pub honeypot: String,
}

/// A request in a staff member's list.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub row: FeedbackRow,
    pub agency_name: String,
    /// The lateness flag, for late ones (D-10, D-12).
    pub lateness: Option<String>,
}

/// The requests a staff member sees.
#[derive(Debug, Clone)]
pub struct FeedbackQueue {
    /// Every agency's (the judicial bureau's supervisors, the platform administrator) or
    /// one agency's.
    pub all_agencies: bool,
    pub rows: Vec<QueueRow>,
}

/// One request as its agency sees it: the filer and content included.
#[derive(Debug, Clone)]
pub struct FeedbackItem {
    pub feedback: Feedback,
    pub agency_name: String,
    /// The publication a correction is about, when still on the portal's rows.
    pub publication: Option<PublicationRow>,
    /// The complained-about agency's name, for a complaint that named one.
    pub about_name: Option<String>,
    pub status: PublicStatus,
    pub lateness: Option<String>,
    /// Whether the viewer may answer it (not yet answered, and theirs to answer).
    pub may_answer: bool,
    /// The agencies a complaint may be transferred to.
    pub transfer_to: Vec<(Uuid, String)>,
}

fn hex32(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex32(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn merge(into: &mut Rejection, from: Rejection) {
    for e in from.errors {
        into.add(e.field, e.message);
    }
}

impl App {
    async fn portal_secret(&self) -> AppResult<&PortalSecret> {
        self.feedback
            .secret
            .get_or_try_init(|| async {
                let mut fresh = [0u8; 32];
                rand::rng().fill_bytes(&mut fresh);
                let stored = self.db.portal_secret("form_key", &hex32(&fresh)).await?;
                let bytes = unhex32(&stored)
                    .ok_or_else(|| AppError::Internal(StoreError::Corrupt("portal_secrets.form_key".into())))?;
                Ok(PortalSecret { key: FormKey::new(bytes), bytes })
            })
            .await
    }

    /// The token of a form of `kind` served now, for its hidden field.
    pub async fn feedback_form_token(&self, kind: FeedbackKind) -> AppResult<String> {
        Ok(FormToken::issue(&self.portal_secret().await?.key, Utc::now(), kind).to_string())
    }

    /// The rate limit's key of a client: a hash keyed by the portal secret, so the table
    /// holds no address.
    async fn client_hash(&self, client: &str) -> AppResult<String> {
        let secret = self.portal_secret().await?;
        let mut h = Sha256::new();
        h.update(b"zhifa feedback client\0");
        h.update(secret.bytes);
        h.update(client.as_bytes());
        Ok(hex::encode(h.finalize()))
    }

    /// The judicial bureau that takes complaints naming no agency.
    async fn bureau(&self) -> AppResult<Option<Uuid>> {
        Ok(self.db.agencies().await?.into_iter().find(|a| a.info.is_judicial_bureau).map(|a| a.id))
    }

    async fn agency_profile(&self, agency: Uuid, on: NaiveDate) -> AppResult<PolicyProfile> {
        let row = self.db.agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let versions = self.db.profile_versions(&row.profile_id).await?;
        version_in_force(&versions, on)
            .cloned()
            .ok_or_else(|| Rejection::one("profile", format!("策略配置{}在{on}没有生效的版本", row.profile_id)).into())
    }

    /// The matter and the agency that answers it; problems go into `r`.
    async fn resolve_matter(&self, f: &Filing, r: &mut Rejection) -> AppResult<(Matter, Uuid)> {
        match f.kind {
            FeedbackKind::Correction => {
                let Some(id) = f.publication else {
                    return Ok((Matter::Correction { publication: Uuid::nil() }, Uuid::nil()));
                };
                match self.portal_decision(id).await {
                    Ok(p) => Ok((Matter::Correction { publication: id }, p.agency_id)),
                    Err(AppError::NotFound(_)) => {
                        r.add("publication", "该决定不在公示中，无法申请更正：请从决定的公示页面点击“申请更正”");
                        Ok((Matter::Correction { publication: id }, Uuid::nil()))
                    }
                    Err(e) => Err(e),
                }
            }
            FeedbackKind::Complaint => {
                if f.topic.is_none() {
                    r.add("topic", "请选择投诉举报的事项类别");
                }
                let topic = f.topic.unwrap_or(ComplaintTopic::Enforcement);
                let agency = match f.about {
                    Some(a) if self.db.agency(a).await?.is_some() => a,
                    Some(_) => {
                        r.add("about", "请从列表中选择被投诉的执法机关");
                        Uuid::nil()
                    }
                    None => match self.bureau().await? {
                        Some(b) => b,
                        None => {
                            r.add("about", "请选择被投诉的执法机关");
                            Uuid::nil()
                        }
                    },
                };
                Ok((Matter::Complaint { topic, about: f.about }, agency))
            }
        }
    }

    /// Files a request from the portal for the client `client` (its address); returns its
    /// tracking number (D-10, D-12).
    pub async fn file_feedback(&self, f: &Filing, client: &str) -> AppResult<TrackingNumber> {
        let now = Utc::now();
        let client = self.client_hash(client).await?;
        let limit = self.feedback.rate_limit;
        let previous = self.db.feedback_submissions_since(&client, now - limit.window).await?;
        limit.allows(&previous, now)?;

        let mut r = Rejection::new();
        let key = &self.portal_secret().await?.key;
        if let Err(e) = spam::check_form_token(key, &f.form_token, now + self.feedback.token_clock_ahead, f.kind) {
            merge(&mut r, e);
        }
        if let Err(e) = spam::check_honeypot(&f.honeypot) {
            merge(&mut r, e);
        }
        let (matter, agency) = self.resolve_matter(f, &mut r).await?;
        let today = beijing_now().date();
        let calendar = self.db.work_calendar().await?;
        let input = FeedbackInput {
            matter,
            agency,
            filer: f.filer.clone(),
            content: f.content.clone(),
            evidence: f.evidence.clone(),
        };
        // The profile of the agency that answers; when it is not known, another agency's,
        // only to report every other field.
        let profile_of = if agency.is_nil() { self.db.agencies().await?.first().map(|a| a.id) } else { Some(agency) };
        let profile = match profile_of {
            Some(a) => Some(self.agency_profile(a, today).await?),
            None => None,
        };
        for _ in 0..DRAWS {
            let mut random = [0u8; 5];
            rand::rng().fill_bytes(&mut random);
            let decided = match &profile {
                Some(p) => decide_file(&input, now, today, &calendar, p, random),
                None => Err(Rejection::one("about", "平台尚未登记执法机关，暂不能受理")),
            };
            let event = match decided {
                Ok(event) if r.is_empty() => event,
                Ok(_) => return Err(r.into()),
                Err(e) => {
                    merge(&mut r, e);
                    // The agency is unknown because the publication or the agency named is:
                    // that field says so.
                    if r.errors.iter().any(|e| e.field == "publication" || e.field == "about") {
                        r.errors.retain(|e| e.field != "agency");
                    }
                    return Err(r.into());
                }
            };
            let FeedbackEvent::Filed { tracking, .. } = &event else { unreachable!("decide_file files") };
            let tracking = *tracking;
            let actor =
                Actor { account_id: None, name: "公众（执法公示平台）".into(), role: None, agency_id: None };
            match self
                .db
                .append_to(&actor, &stream::feedback(&tracking), ExpectedVersion::NoStream, vec![event.into()])
                .await
            {
                Ok(_) => {
                    self.db.record_feedback_submission(&client, now).await?;
                    return Ok(tracking);
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict("受理编号生成冲突，请稍后重新提交".into()))
    }

    /// What the public status page shows of a request (never the filer). A mistyped number
    /// is refused with what to check; a well-formed number of no request is `None`.
    pub async fn feedback_status(&self, typed: &str) -> AppResult<Option<PublicStatus>> {
        let tracking = TrackingNumber::parse(typed)?;
        let today = beijing_now().date();
        Ok(self.db.load_feedback(&tracking).await?.map(|(fb, _)| public_status(&fb, today)))
    }

    /// Whether `by` may read an agency's requests: its staff but auxiliaries, and the
    /// supervisors and platform administrator for every agency.
    fn check_feedback_reader(by: &Principal, agency: Uuid) -> AppResult<()> {
        if by.role == Role::Auxiliary {
            return Err(AccessError::Role(by.role.label()).into());
        }
        Ok(by.can_read_agency(agency)?)
    }

    /// Whether `by` may answer for an agency: its heads, legal reviewers, administrators,
    /// officers, and — the judicial bureau's own requests — its supervisors.
    fn check_feedback_answerer(by: &Principal, agency: Uuid) -> AppResult<()> {
        if by.agency_id != Some(agency) {
            return Err(AccessError::OtherAgency.into());
        }
        match by.role {
            Role::Head | Role::LegalReviewer | Role::Administrator | Role::Officer | Role::Supervisor => Ok(()),
            Role::Auxiliary => Err(AccessError::Role(by.role.label()).into()),
        }
    }

    /// The requests `by` sees: a supervisor (or the platform administrator) every agency's,
    /// anyone else of an agency their own; open ones first, soonest due first, each late
    /// one flagged.
    pub async fn feedback_queue(&self, by: &Principal) -> AppResult<FeedbackQueue> {
        if by.role == Role::Auxiliary {
            return Err(AccessError::Role(by.role.label()).into());
        }
        let all_agencies = by.role == Role::Supervisor || by.is_platform_admin();
        let rows = match (all_agencies, by.agency_id) {
            (true, _) => self.db.feedback_all().await?,
            (false, Some(a)) => self.db.feedback_of_agency(a).await?,
            (false, None) => return Err(AccessError::Role(by.role.label()).into()),
        };
        let names: std::collections::HashMap<Uuid, String> =
            self.db.agencies().await?.into_iter().map(|a| (a.id, a.info.name)).collect();
        let today = beijing_now().date();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let lateness = if row.late(today) {
                self.db.load_feedback(&row.tracking).await?.and_then(|(fb, _)| fb.lateness(today))
            } else {
                None
            };
            out.push(QueueRow { agency_name: names.get(&row.agency_id).cloned().unwrap_or_default(), row, lateness });
        }
        Ok(FeedbackQueue { all_agencies, rows: out })
    }

    /// One request with its filer and content, for those who may read it.
    pub async fn feedback_item(&self, by: &Principal, typed: &str) -> AppResult<FeedbackItem> {
        let tracking = TrackingNumber::parse(typed).map_err(|_| AppError::NotFound("该受理编号的事项"))?;
        let (feedback, _) = self.db.load_feedback(&tracking).await?.ok_or(AppError::NotFound("该受理编号的事项"))?;
        Self::check_feedback_reader(by, feedback.agency)?;
        let today = beijing_now().date();
        let agencies = self.db.agencies().await?;
        let name_of = |id: Uuid| agencies.iter().find(|a| a.id == id).map(|a| a.info.name.clone());
        let publication = match feedback.matter {
            Matter::Correction { publication } => self.db.publication_row(publication).await?,
            Matter::Complaint { .. } => None,
        };
        let about_name = match feedback.matter {
            Matter::Complaint { about: Some(a), .. } => name_of(a),
            _ => None,
        };
        let may_answer = feedback.answer.is_none() && Self::check_feedback_answerer(by, feedback.agency).is_ok();
        let transfer_to =
            agencies.iter().filter(|a| a.id != feedback.agency).map(|a| (a.id, a.info.name.clone())).collect();
        Ok(FeedbackItem {
            agency_name: name_of(feedback.agency).unwrap_or_default(),
            publication,
            about_name,
            status: public_status(&feedback, today),
            lateness: feedback.lateness(today),
            may_answer,
            transfer_to,
            feedback,
        })
    }

    /// Answers a request (D-10, D-12): once, by its agency's staff, with its outcome; a
    /// transfer names the agency, whose registered name is recorded.
    pub async fn answer_feedback(&self, by: &Principal, typed: &str, mut input: AnswerInput) -> AppResult<()> {
        let tracking = TrackingNumber::parse(typed).map_err(|_| AppError::NotFound("该受理编号的事项"))?;
        let (feedback, version) =
            self.db.load_feedback(&tracking).await?.ok_or(AppError::NotFound("该受理编号的事项"))?;
        Self::check_feedback_reader(by, feedback.agency)?;
        Self::check_feedback_answerer(by, feedback.agency)?;
        if let Outcome::Transferred { to, to_name } = &mut input.outcome {
            *to_name = if to.is_nil() {
                String::new()
            } else {
                self.db.agency(*to).await?.map(|a| a.info.name).unwrap_or_default()
            };
        }
        let now: DateTime<Utc> = Utc::now();
        let event = decide_answer(&feedback, &input, by.account_id, now, beijing_now().date())?;
        self.db.append_to(&Actor::from(by), &stream::feedback(&tracking), version, vec![event.into()]).await?;
        Ok(())
    }
}
