//! Correction requests and complaints in the store (D-10, D-12): the projection follows the
//! stream and is rebuilt from it; a tracking number taken is an append conflict; the
//! submission times and the portal secret are kept apart from the events.

use chrono::{NaiveDate, TimeDelta, TimeZone, Utc};
use uuid::Uuid;
use zhifa_core::disclosure::feedback::{
    ComplaintTopic, FeedbackEvent, FeedbackKind, FeedbackStatus, Filer, Matter, Outcome, TrackingNumber,
};
use zhifa_core::events::{Actor, stream};
use zhifa_core::profile::ProfileRef;
use zhifa_store::testing::TestDb;
use zhifa_store::{ExpectedVersion, StoreError};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn filed(kind: FeedbackKind, agency: Uuid, on: &str, due: &str, random: [u8; 5]) -> (TrackingNumber, FeedbackEvent) {
    let tracking = TrackingNumber::new(kind, day(on), random);
    let matter = match kind {
        FeedbackKind::Correction => Matter::Correction { publication: Uuid::new_v4() },
        FeedbackKind::Complaint => Matter::Complaint { topic: ComplaintTopic::Enforcement, about: None },
    };
    let event = FeedbackEvent::Filed {
        tracking,
        matter,
        agency,
        filer: Filer { name: None, phone: None, email: None },
        content: "公示的罚款金额与决定书不一致".into(),
        evidence: "决定书原件".into(),
        filed_at: Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap(),
        due: day(due),
        profile: ProfileRef { id: "anxiang".into(), version: 1 },
    };
    (tracking, event)
}

fn public() -> Actor {
    Actor { account_id: None, name: "公众（执法公示平台）".into(), role: None, agency_id: None }
}

// rule: D-10
// rule: D-12
#[tokio::test]
async fn requests_are_listed_open_first_by_due_date_and_rebuilt_from_their_streams() {
    let t = TestDb::new().await;
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let (late, e1) = filed(FeedbackKind::Correction, a, "2026-11-02", "2026-11-05", [1; 5]);
    let (soon, e2) = filed(FeedbackKind::Complaint, a, "2026-11-20", "2026-11-25", [2; 5]);
    let (done, e3) = filed(FeedbackKind::Correction, a, "2026-11-01", "2026-11-04", [3; 5]);
    let (other, e4) = filed(FeedbackKind::Complaint, b, "2026-11-03", "2026-11-06", [4; 5]);
    for (n, e) in [(late, e1), (soon, e2), (done, e3), (other, e4)] {
        t.db.append_to(&public(), &stream::feedback(&n), ExpectedVersion::NoStream, vec![e.into()]).await.unwrap();
    }
    let answered = FeedbackEvent::Answered {
        answer: "经核实，已更正".into(),
        outcome: Outcome::Corrected { what: "金额由二百元更正为一百元".into() },
        by: Uuid::new_v4(),
        at: Utc.with_ymd_and_hms(2026, 11, 3, 2, 0, 0).unwrap(),
        on: day("2026-11-03"),
    };
    t.db.append_to(&public(), &stream::feedback(&done), ExpectedVersion::Exact(1), vec![answered.into()])
        .await
        .unwrap();

    let list = |rows: Vec<zhifa_store::feedback::FeedbackRow>| rows.iter().map(|r| r.tracking).collect::<Vec<_>>();
    assert_eq!(list(t.db.feedback_of_agency(a).await.unwrap()), [late, soon, done]);
    assert_eq!(list(t.db.feedback_all().await.unwrap()), [late, other, soon, done]);
    let row = t.db.feedback_row(&done).await.unwrap().unwrap();
    assert_eq!((row.answered_on, row.outcome.as_deref()), (Some(day("2026-11-03")), Some("已更正")));
    assert_eq!(row.status(day("2026-11-30")), FeedbackStatus::Answered);
    let row = t.db.feedback_row(&late).await.unwrap().unwrap();
    assert_eq!(row.status(day("2026-11-05")), FeedbackStatus::Received);
    assert_eq!(row.status(day("2026-11-06")), FeedbackStatus::Overdue);
    assert!(row.late(day("2026-11-06")) && row.publication.is_some());
    let (fb, version) = t.db.load_feedback(&done).await.unwrap().unwrap();
    assert_eq!((fb.answer.map(|a| a.on), version), (Some(day("2026-11-03")), ExpectedVersion::Exact(2)));

    // The rows come back from the events.
    let before = format!("{:?}", t.db.feedback_all().await.unwrap());
    sqlx::query("DELETE FROM feedback").execute(t.db.writer()).await.unwrap();
    t.db.rebuild_projections().await.unwrap();
    assert_eq!(format!("{:?}", t.db.feedback_all().await.unwrap()), before);
}

#[tokio::test]
async fn a_tracking_number_taken_is_a_conflict() {
    let t = TestDb::new().await;
    let (n, e) = filed(FeedbackKind::Correction, Uuid::new_v4(), "2026-11-02", "2026-11-05", [9; 5]);
    t.db.append_to(&public(), &stream::feedback(&n), ExpectedVersion::NoStream, vec![e.clone().into()]).await.unwrap();
    let err = t.db.append_to(&public(), &stream::feedback(&n), ExpectedVersion::NoStream, vec![e.into()]).await;
    assert!(matches!(err, Err(StoreError::Conflict { .. })), "{err:?}");
    assert_eq!(t.db.feedback_all().await.unwrap().len(), 1);
}

#[tokio::test]
async fn submissions_are_counted_per_client_and_the_portal_secret_is_made_once() {
    let t = TestDb::new().await;
    let now = Utc::now();
    for minutes in [90, 50, 10] {
        t.db.record_feedback_submission("c1", now - TimeDelta::minutes(minutes)).await.unwrap();
    }
    t.db.record_feedback_submission("c2", now).await.unwrap();
    let recent = t.db.feedback_submissions_since("c1", now - TimeDelta::hours(1)).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert!(recent[0] < recent[1]);
    assert_eq!(t.db.portal_secret("form_key", "aa").await.unwrap(), "aa");
    assert_eq!(t.db.portal_secret("form_key", "bb").await.unwrap(), "aa", "the first one stays");
}
