//! Supervision through the services, on either backend (issue 7): the sweep derives the
//! clocks the case page shows, states move with the reader's clock, a change re-derives
//! only what it touches, nodes never sweep at once, and the scope of each role.

use chrono::{Days, TimeDelta, Utc};
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::beijing_now;
use zhifa_core::access::Principal;
use zhifa_core::events::stream;
use zhifa_store::supervision::{ClockQuery, ClockState};
use zhifa_store::testing::TestDb;

async fn login(app: &App, user: &str) -> Principal {
    app.db.account_for_login(user).await.unwrap().unwrap().0.principal()
}

async fn demo() -> (TestDb, App) {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    (t, app)
}

// rule: V-03
#[tokio::test]
async fn the_sweep_watches_every_case_clock_and_states_follow_the_clock() {
    let (_t, app) = demo().await;
    let report = app.sweep("node-a").await.unwrap().expect("no other node sweeps");
    assert!(report.daily, "the first sweep of the day refreshes everything");
    assert!(report.streams.get("case").copied().unwrap_or(0) > 0, "{report:?}");
    assert!(report.clocks > 0);

    // The sweep's clocks of a case are the case page's deadlines.
    let zf = login(&app, "scj-zf").await;
    let mut with_open = None;
    for c in app.cases_for(&zf).await.unwrap() {
        let (clocks, _) = app.case_watch(&zf, c.id).await.unwrap();
        if clocks.iter().any(|c| c.met_at.is_none() && c.unknown.is_none()) {
            with_open = Some((c, clocks));
            break;
        }
    }
    let (case, clocks) = with_open.expect("a demo case with an open deadline");
    let view = app.open_case_file(&zf, case.id, "核查期限").await.unwrap();
    let mut watched: Vec<(String, String)> =
        clocks.iter().filter(|c| c.rule != "L-06").map(|c| (c.rule.clone(), c.what.clone())).collect();
    let mut page: Vec<(String, String)> = view.deadlines.iter().map(|d| (d.rule.to_string(), d.what.clone())).collect();
    watched.sort();
    page.sort();
    assert_eq!(watched, page);

    // The same stored clocks read a year later: every open one is overdue, none was
    // written again.
    let jd = login(&app, "sfj-jd").await;
    let now = beijing_now();
    let later = now + TimeDelta::days(400);
    let today = app.warning_counts(&jd, now, now.date()).await.unwrap();
    let next_year = app.warning_counts(&jd, later, now.date()).await.unwrap();
    let overdue = |c: &[(Uuid, zhifa_store::supervision::StateCounts)]| c.iter().map(|(_, n)| n.overdue).sum::<i64>();
    let open = clocks.iter().filter(|c| c.met_at.is_none() && c.unknown.is_none()).count() as i64;
    assert!(open > 0, "a demo case has an open deadline");
    assert!(overdue(&next_year) >= overdue(&today) + open, "{today:?} {next_year:?}");
    let q = ClockQuery {
        subject: Some(("case".into(), case.id.to_string())),
        state: Some(ClockState::Overdue),
        limit: 100,
        ..Default::default()
    };
    let late = app.warning_list(&jd, q, later).await.unwrap();
    assert_eq!(late.len() as i64, open, "every open clock of the case is overdue a year on");
}

// rule: V-03
#[tokio::test]
async fn a_sweep_derives_again_only_what_changed_and_an_officer_change_reaches_their_cases() {
    let (_t, app) = demo().await;
    app.sweep("node-a").await.unwrap().unwrap();
    let again = app.sweep("node-a").await.unwrap().unwrap();
    assert!(!again.daily);
    assert!(again.streams.is_empty(), "nothing changed, nothing derived: {again:?}");

    // A certificate revoked from before the demo's acts: the officer's cases are derived
    // again and the acts flagged (P-01).
    let admin = login(&app, "admin").await;
    let zf_account = app.db.account_for_login("scj-zf").await.unwrap().unwrap().0;
    let officer = zf_account.officer_id.expect("scj-zf is an officer");
    let (_, certs) = app.officer_for(&admin, officer).await.unwrap();
    let from = beijing_now().date() - Days::new(60);
    app.revoke_certificate(&admin, officer, &certs[0].number, from, "测试：证件被注销").await.unwrap();
    let report = app.sweep("node-a").await.unwrap().unwrap();
    assert!(report.streams.get("case").copied().unwrap_or(0) > 0, "{report:?}");
    assert!(report.streams.contains_key("agency"), "{report:?}");
    let jd = login(&app, "sfj-jd").await;
    let found = app
        .problem_list(&jd, None, Some(zhifa_core::supervision::detectors::Model::UncertifiedAct), 100)
        .await
        .unwrap();
    assert!(!found.is_empty(), "acts after the revocation are flagged");
    assert!(found.iter().all(|p| p.rule == "P-01" && p.subject.kind == "case"));
    assert!(found[0].detail.contains("无有效执法证"), "{}", found[0].detail);
}

// rule: V-03
#[tokio::test]
async fn two_nodes_never_sweep_at_once_and_a_dead_nodes_lease_runs_out() {
    let (_t, app) = demo().await;
    // Another node holds the lease: this one does nothing.
    let now = Utc::now();
    assert!(app.db.claim_sweep("node-b", now, zhifa_app::supervision::lease_end(now)).await.unwrap().is_some());
    assert!(app.sweep("node-a").await.unwrap().is_none());
    // Its lease runs out (the node died): the sweep is taken over.
    app.db.claim_sweep("node-b", now, now - TimeDelta::seconds(1)).await.unwrap().unwrap();
    let report = app.sweep("node-a").await.unwrap().expect("lease expired");
    assert!(report.daily);
    // node-b wakes up: its writes are refused and its position never lands.
    let w = zhifa_store::supervision::Watched { stream_id: stream::agency(Uuid::nil()), ..Default::default() };
    assert!(app.db.put_watched("node-b", Utc::now(), &[w]).await.is_err());
    assert!(!app.db.finish_sweep("node-b", 0, "2000-01-01", Utc::now(), "{}").await.unwrap());
    assert_eq!(app.db.sweep_info().await.unwrap().unwrap().position, report.position);

    // Two nodes started together: one sweeps, the other finds the lease taken or nothing
    // left to do — the streams are derived once in all.
    let app2 = app.clone();
    app.db.reset_sweep().await.unwrap();
    let (a, b) = tokio::join!(app.sweep("node-a"), app2.sweep("node-c"));
    let derived = |r: &Option<zhifa_app::supervision::SweepReport>| {
        r.as_ref().map(|r| r.streams.values().sum::<usize>()).unwrap_or(0)
    };
    let (a, b) = (a.unwrap(), b.unwrap());
    let once: usize = report.streams.values().sum();
    assert!(derived(&a) + derived(&b) <= once + report.streams.get("agency").copied().unwrap_or(0), "{a:?} {b:?}");
    assert!(a.is_some() || b.is_some());
}

// rule: V-03
#[tokio::test]
async fn each_agency_sees_its_own_the_bureau_sees_all_and_the_digest_is_written_once() {
    let (_t, app) = demo().await;
    app.sweep("node-a").await.unwrap().unwrap();
    let zf = login(&app, "scj-zf").await;
    let ltj = login(&app, "ltj-zf").await;
    let jd = login(&app, "sfj-jd").await;
    let now = beijing_now() + TimeDelta::days(400);
    let all = app.warning_counts(&jd, now, now.date()).await.unwrap();
    let own = app.warning_counts(&zf, now, now.date()).await.unwrap();
    assert!(all.len() > own.len(), "{all:?}");
    assert!(own.iter().all(|(a, _)| Some(*a) == zf.agency_id));
    let other = ClockQuery { agency: ltj.agency_id, limit: 10, ..Default::default() };
    assert!(app.warning_list(&zf, other, now).await.is_err(), "another agency's clocks are refused");
    let scj_case = app.cases_for(&zf).await.unwrap()[0].id;
    assert!(app.case_watch(&ltj, scj_case).await.is_err());

    let county = app.latest_digest(&jd).await.unwrap().expect("the county's digest");
    let mine = app.latest_digest(&zf).await.unwrap().expect("the agency's digest");
    assert_eq!(county.day, beijing_now().date());
    assert!(county.overdue >= mine.overdue && county.due_soon >= mine.due_soon);
    assert!(county.text("某县").contains("执法监督日报"));
    // Written once a day: a second node's attempt writes nothing.
    assert!(!app.db.put_digest(&county.day.to_string(), None, "{}", Utc::now()).await.unwrap());
}

// rule: D-11
// rule: V-04
#[tokio::test]
async fn the_annual_report_adds_up_what_folding_every_case_gives_and_renders_as_pdf() {
    use chrono::Datelike;
    use zhifa_core::disclosure::statistics::AnnualStatistics;
    let (_t, app) = demo().await;
    app.sweep("node-a").await.unwrap().unwrap();
    let jd = login(&app, "sfj-jd").await;
    let year = beijing_now().year();
    let county = app.annual_report(&jd, None, year).await.unwrap();
    assert!(county.county && county.title().starts_with("安乡县") && county.title().ends_with("年度行政执法情况报告"));
    let mut any = false;
    for part in &county.parts {
        let mut folds = Vec::new();
        for row in app.db.cases_of_agency(part.id).await.unwrap() {
            folds.push(app.db.load_case(row.id).await.unwrap().unwrap().0);
        }
        let folded = AnnualStatistics::compute(part.id, year, &folds);
        assert_eq!(part.statistics, folded, "{}", part.name);
        any |= !folded.is_empty();
    }
    assert!(any, "the demo did something this year");
    let opened: u64 = county.statistics.opened.iter().map(|(_, n)| n).sum();
    assert_eq!(
        opened,
        county.parts.iter().map(|p| p.statistics.opened.iter().map(|(_, n)| n).sum::<u64>()).sum::<u64>()
    );
    assert!(county.summary().contains(&format!("共办理行政执法案件{opened}件")));

    // An agency's own report; another's is refused.
    let zf = login(&app, "scj-zf").await;
    let own = app.annual_report(&zf, None, year).await.unwrap();
    assert!(!own.county && own.parts.len() == 1 && Some(own.parts[0].id) == zf.agency_id);
    let other = county.parts.iter().find(|p| Some(p.id) != zf.agency_id).unwrap().id;
    assert!(app.annual_report(&zf, Some(other), year).await.is_err());
    assert!(app.annual_report(&jd, None, year + 1).await.is_err(), "a year not begun is refused");

    let (name, pdf) = app.annual_report_pdf(&jd, None, year).await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    assert!(name.ends_with("年度行政执法情况报告.pdf"));
}

/// A platform's receiver: answers every POST with `status`, keeping (headers, body).
async fn receiver(status: u16) -> (String, std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = got.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then as many body bytes as Content-Length says.
            let (head, body) = loop {
                let n = sock.read(&mut chunk).await.unwrap();
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                        .unwrap_or(0);
                    while buf.len() < i + 4 + len {
                        let n = sock.read(&mut chunk).await.unwrap();
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    break (head, buf[i + 4..i + 4 + len].to_vec());
                }
            };
            keep.lock().unwrap().push((head, body));
            let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            sock.write_all(reply.as_bytes()).await.unwrap();
        }
    });
    (format!("http://{addr}/hook"), got)
}

// rule: D-14
#[tokio::test]
async fn a_platforms_webhook_is_told_of_each_new_publication_signed_and_retried_until_accepted() {
    let (_t, app) = demo().await;
    // The published decision is issued first: its PDF goes to a file store.
    let dir = tempfile::tempdir().unwrap();
    let store = zhifa_blob::BlobStore::from_object_store(std::sync::Arc::new(object_store::memory::InMemory::new()));
    let app = app.with_files(zhifa_blob::Uploads::new(store, dir.path().join("uploads"), 1 << 30).unwrap());
    let admin = login(&app, "admin").await;
    let jd = login(&app, "sfj-jd").await;
    assert!(app.register_webhook(&jd, "http://example.org/").await.is_err(), "only the platform administrator");
    let bad = app.register_webhook(&admin, "ftp://example.org/x").await.unwrap_err().to_string();
    assert!(bad.contains("http://"), "{bad}");

    let (ok_url, got) = receiver(200).await;
    let (down_url, refused) = receiver(503).await;
    let ok = app.register_webhook(&admin, &ok_url).await.unwrap();
    let down = app.register_webhook(&admin, &down_url).await.unwrap();
    // Nothing changed since registering: nothing is sent.
    assert_eq!(app.deliver_webhooks("node-a").await.unwrap(), Some(0));
    assert!(got.lock().unwrap().is_empty());

    app.load_demo_publication().await.unwrap();
    let n = app.deliver_webhooks("node-a").await.unwrap().unwrap();
    assert!(n >= 1);
    let (head, body) = got.lock().unwrap().last().cloned().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let first = &v["deliveries"][0];
    assert!(first["url"].as_str().unwrap().contains("/api/v1/open/decisions/"));
    let expected = zhifa_app::webhooks::signature(&ok.secret, &body);
    assert!(head.contains(&format!("x-zhifa-signature: {expected}")), "{head}");
    assert!(!head.contains(&zhifa_app::webhooks::signature("another secret", &body)));

    // Accepted: not sent again. Refused: kept, and sent again at the next round.
    let sent_before = got.lock().unwrap().len();
    app.deliver_webhooks("node-a").await.unwrap();
    assert_eq!(got.lock().unwrap().len(), sent_before, "nothing new for the platform that accepted");
    assert_eq!(refused.lock().unwrap().len(), 2, "the refusing platform is tried again");
    let hooks = app.webhooks(&admin).await.unwrap();
    let down_row = hooks.iter().find(|h| h.id == down.id).unwrap();
    assert_eq!(down_row.failures, 2);
    assert!(down_row.last_error.as_deref().unwrap_or("").contains("503"));
    assert!(hooks.iter().find(|h| h.id == ok.id).unwrap().delivered_at.is_some());

    // Another node while one delivers: nothing.
    let now = Utc::now();
    app.db.claim_job("webhooks", "node-b", now, now + TimeDelta::minutes(5)).await.unwrap().unwrap();
    assert_eq!(app.deliver_webhooks("node-a").await.unwrap(), None);
}

/// A minimal SMTP server: accepts every message, keeping (envelope recipients, data).
async fn smtp_server() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<(Vec<String>, String)>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = got.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let (mut rcpt, mut data, mut in_data) = (Vec::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            keep.lock().unwrap().push((std::mem::take(&mut rcpt), std::mem::take(&mut data)));
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 test\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().to_string());
                        b"250 ok\r\n"
                    } else if upper == "DATA" {
                        in_data = true;
                        b"354 go on\r\n"
                    } else if upper == "QUIT" {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

// rule: V-03
#[tokio::test]
async fn the_countys_daily_digest_is_mailed_once_when_smtp_is_configured() {
    let (_t, app) = demo().await;
    let bad = zhifa_app::mail::MailSettings::new("ftp://x", "a@b.cn", "c@d.cn").unwrap_err();
    assert!(bad.contains("smtp_url"), "{bad}");
    let bad = zhifa_app::mail::MailSettings::new("smtp://127.0.0.1:25", "a@b.cn", " , ").unwrap_err();
    assert!(bad.contains("digest_to"), "{bad}");
    let (port, got) = smtp_server().await;
    let mail = zhifa_app::mail::MailSettings::new(
        &format!("smtp://127.0.0.1:{port}"),
        "执法监督平台 <zhifa@sfj.example.cn>",
        "jd1@sfj.example.cn，jd2@sfj.example.cn",
    )
    .unwrap();
    let app = app.with_mail(mail);
    app.sweep("node-a").await.unwrap().unwrap();
    let sent = got.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "one message: the county's digest");
    assert_eq!(sent[0].0, ["<jd1@sfj.example.cn>", "<jd2@sfj.example.cn>"]);
    assert!(sent[0].1.contains("Subject:") && sent[0].1.to_lowercase().contains("text/plain"), "{}", sent[0].1);
    // Mailed: not again, by this node or another.
    app.sweep("node-a").await.unwrap().unwrap();
    assert_eq!(app.mail_digests().await.unwrap(), 0);
    assert_eq!(got.lock().unwrap().len(), 1);
}
