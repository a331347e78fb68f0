//! Crash safety of the real `zhifa` binary: killing the server with SIGKILL (`kill -9`) in
//! the middle of writes loses no acknowledged event.
//!
//! The scenario: start `zhifa serve --demo` on a fresh database (SQLite in a temporary data
//! directory, or a fresh PostgreSQL database when `ZHIFA_TEST_DB=postgres`), log in through
//! the JSON API as the county market regulator's administrator, and let several concurrent
//! clients register auxiliary staff (`POST /api/v1/agencies/{id}/officers`) as fast as the
//! server accepts them. About a second later, while requests are still in flight, the process
//! is killed without any chance to flush or shut down. Then the server is started again on the
//! same database.
//!
//! The rule: a `201 Created` response is a promise that the event is durable. Every person the
//! server acknowledged before dying must be listed after the restart, with the same id and
//! name. Requests that were in flight when the server died may fail or may have been stored;
//! neither counts against the rule. After the restart the server must also answer `/healthz`
//! and accept a new write, and the tamper-evident ledger must verify (rule X-01): every
//! stored event covered by the signed checkpoint committed with it.
//!
//! Backends: `ZHIFA_TEST_DB` = `sqlite` (default) or `postgres`; for PostgreSQL the admin URL
//! comes from `ZHIFA_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`), and a
//! database `zhifa_c_<random>` is created with `psql` and dropped at the end.

mod support;

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use support::TestStore;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The agency whose staff the writers register.
const AGENCY: &str = "安乡县市场监督管理局";
/// Concurrent writers.
const WRITERS: usize = 8;
/// How long the writers run before the server is killed.
const WRITE_FOR: Duration = Duration::from_secs(1);
/// Fewer acknowledged writes than this and the test proves nothing.
const MIN_ACKNOWLEDGED: usize = 5;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

// ---------------------------------------------------------------------------------------------
// The server process

/// A running `zhifa serve`; killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(store: &TestStore, demo: bool) -> Server {
        let mut cmd = Command::from(store.serve_command(demo));
        if std::env::var_os("ZHIFA_LOG").is_none() {
            cmd.env("ZHIFA_LOG", "warn");
        }
        cmd.stderr(Stdio::inherit()).kill_on_drop(true);
        let mut child = cmd.spawn().expect("start the zhifa binary");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let started = async {
            while let Some(line) = lines.next_line().await.expect("read server stdout") {
                if line.contains("已启动") {
                    return support::parse_base_url(&line);
                }
            }
            None
        };
        let base = match tokio::time::timeout(Duration::from_secs(60), started).await {
            Ok(Some(base)) => base,
            Ok(None) => panic!("the server exited before it started: {:?}", child.wait().await),
            Err(_) => panic!("the server did not start within 60 s"),
        };
        assert!(base.starts_with("http://127.0.0.1:"), "unexpected server URL {base}");
        // Keep draining stdout so the server can never block on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `kill -9`: no graceful shutdown, nothing flushed by the program.
    async fn kill(&mut self) {
        self.child.kill().await.expect("SIGKILL the server");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("response {} is not JSON ({e}): {}", self.status, String::from_utf8_lossy(&self.body))
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A logged-in API client: the session cookie and its CSRF token.
#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// One request; `Err` for transport failures (refused, reset, timed out).
async fn send(
    client: &HttpClient,
    method: Method,
    url: &str,
    session: Option<&Session>,
    body: Option<&Value>,
) -> Result<Resp, String> {
    let mut req = Request::builder().method(method).uri(url);
    if let Some(s) = session {
        req = req.header(COOKIE, &s.cookie).header("x-csrf-token", &s.csrf);
    }
    let payload = match body {
        Some(v) => {
            req = req.header(CONTENT_TYPE, "application/json");
            Bytes::from(serde_json::to_vec(v).expect("serialize request"))
        }
        None => Bytes::new(),
    };
    let req = req.body(Full::new(payload)).map_err(|e| e.to_string())?;
    let exchange = async {
        let res = client.request(req).await.map_err(|e| format!("request failed: {e:?}"))?;
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.map_err(|e| format!("body failed: {e}"))?.to_bytes();
        Ok(Resp { status, headers, body })
    };
    tokio::time::timeout(Duration::from_secs(15), exchange).await.map_err(|_| "timed out".to_string())?
}

async fn get(client: &HttpClient, server: &Server, path: &str, session: Option<&Session>) -> Resp {
    send(client, Method::GET, &server.url(path), session, None).await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

async fn login(client: &HttpClient, server: &Server) -> Session {
    let creds = json!({"username": "scj-admin", "password": "zhifa2026"});
    let res = send(client, Method::POST, &server.url("/api/v1/session"), None, Some(&creds))
        .await
        .unwrap_or_else(|e| panic!("log in: {e}"));
    assert_eq!(res.status, StatusCode::OK, "log in: {}", res.text());
    let csrf = res.json()["csrf_token"].as_str().expect("csrf_token in the login response").to_string();
    let cookie = res
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("zhifa_session="))
        .and_then(|v| v.split(';').next())
        .expect("zhifa_session cookie in the login response")
        .to_string();
    Session { cookie, csrf }
}

// ---------------------------------------------------------------------------------------------
// Test data

/// A valid 18-character citizen ID (GB 11643) for the n-th test person: region 430721 (安乡县),
/// a birth date from 1990-01-01 on (one day per thousand people), a 3-digit sequence and the
/// check character.
fn citizen_id(n: usize) -> String {
    let birth = NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + chrono::Days::new((n / 1000) as u64);
    support::citizen_id(&format!("430721{}{:03}", birth.format("%Y%m%d"), n % 1000))
}

/// The id of the agency's handling (enforcement) unit, read from the officer form's unit list
/// (the API has no units endpoint).
fn handling_unit_id(form_html: &str) -> Option<String> {
    let start = form_html.find(r#"name="unit_id""#)?;
    let select = &form_html[start..];
    let select = &select[..select.find("</select>")?];
    select.split("<option value=\"").skip(1).find_map(|opt| {
        let (value, rest) = opt.split_once('"')?;
        let text = rest.split_once('>')?.1.split("</option>").next()?;
        text.contains("承办").then(|| value.to_string())
    })
}

// ---------------------------------------------------------------------------------------------
// The writers

#[derive(Default)]
struct Outcomes {
    /// (id, name) of every 201 response.
    acknowledged: Vec<(String, String)>,
    /// Non-201 responses: (status, body).
    refused: Vec<(StatusCode, String)>,
    /// Transport errors, with whether they happened before the kill.
    failed_before_kill: Vec<String>,
    failed_after_kill: usize,
}

struct Writer {
    client: HttpClient,
    url: String,
    session: Session,
    unit_id: String,
    next: Arc<AtomicUsize>,
    killed: Arc<AtomicBool>,
    outcomes: Arc<Mutex<Outcomes>>,
}

impl Writer {
    /// Registers people until the server stops answering.
    async fn run(self) {
        loop {
            let n = self.next.fetch_add(1, Ordering::SeqCst);
            let name = format!("测试人员{n}");
            let body = json!({
                "unit_id": self.unit_id,
                "name": name,
                "citizen_id": citizen_id(n),
                "kind": "auxiliary",
                "position": "协管员",
            });
            let res = send(&self.client, Method::POST, &self.url, Some(&self.session), Some(&body)).await;
            let mut out = self.outcomes.lock().unwrap();
            match res {
                Ok(r) if r.status == StatusCode::CREATED => {
                    let id =
                        serde_json::from_slice::<Value>(&r.body).ok().and_then(|v| v["id"].as_str().map(String::from));
                    match id {
                        Some(id) => out.acknowledged.push((id, name)),
                        None => out.refused.push((r.status, r.text())),
                    }
                }
                Ok(r) => {
                    out.refused.push((r.status, r.text()));
                    if out.refused.len() > 100 {
                        return;
                    }
                }
                Err(e) => {
                    if self.killed.load(Ordering::SeqCst) {
                        out.failed_after_kill += 1;
                    } else {
                        out.failed_before_kill.push(e);
                    }
                    return;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The test

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_during_writes_loses_no_acknowledged_event() {
    let t0 = Instant::now();
    let store = TestStore::new("zhifa_c_");
    let mut server = Server::start(&store, true).await;
    eprintln!("[crash] {} server at {} after {:?}", store.backend(), server.base, t0.elapsed());

    // Log in, find the agency and its handling unit.
    let http = client();
    let session = login(&http, &server).await;
    let agencies = get(&http, &server, "/api/v1/agencies", Some(&session)).await;
    assert_eq!(agencies.status, StatusCode::OK, "{}", agencies.text());
    let agency_id = agencies
        .json()
        .as_array()
        .expect("agency list")
        .iter()
        .find(|a| a["name"] == AGENCY)
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("{AGENCY} in the demo data"))
        .to_string();
    let form = get(&http, &server, &format!("/agencies/{agency_id}/officers/new"), Some(&session)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let unit_id = handling_unit_id(&form.text()).expect("a handling unit (承办) in the officer form");
    let before = get(&http, &server, &format!("/api/v1/agencies/{agency_id}/officers"), Some(&session)).await;
    let before = before.json().as_array().map_or(0, Vec::len);

    // Write concurrently, then kill -9 while the writers are still sending.
    let officers_url = server.url(&format!("/api/v1/agencies/{agency_id}/officers"));
    let next = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            tokio::spawn(
                Writer {
                    client: http.clone(),
                    url: officers_url.clone(),
                    session: session.clone(),
                    unit_id: unit_id.clone(),
                    next: next.clone(),
                    killed: killed.clone(),
                    outcomes: outcomes.clone(),
                }
                .run(),
            )
        })
        .collect();
    tokio::time::sleep(WRITE_FOR).await;
    let still_writing = writers.iter().filter(|w| !w.is_finished()).count();
    killed.store(true, Ordering::SeqCst);
    server.kill().await;
    let sent_at_kill = next.load(Ordering::SeqCst);
    for w in writers {
        tokio::time::timeout(Duration::from_secs(30), w).await.expect("writers stop after the kill").expect("writer");
    }
    let outcomes = std::mem::take(&mut *outcomes.lock().unwrap());
    eprintln!(
        "[crash] killed after {WRITE_FOR:?} with {still_writing}/{WRITERS} writers active: {} acknowledged, \
         {} refused, {} failed after the kill, {} requests started",
        outcomes.acknowledged.len(),
        outcomes.refused.len(),
        outcomes.failed_after_kill,
        sent_at_kill,
    );
    assert!(still_writing > 0, "every writer had stopped before the kill; the kill was not during writes");
    assert!(
        outcomes.failed_before_kill.is_empty(),
        "requests failed before the kill: {:?}",
        outcomes.failed_before_kill
    );
    assert!(
        outcomes.refused.is_empty(),
        "the server refused writes: {:?}",
        &outcomes.refused[..outcomes.refused.len().min(5)]
    );
    assert!(
        outcomes.acknowledged.len() >= MIN_ACKNOWLEDGED,
        "only {} writes acknowledged before the kill; the test proves nothing",
        outcomes.acknowledged.len()
    );

    // Restart on the same database: every acknowledged write is there.
    drop(server);
    let t_restart = Instant::now();
    let server = Server::start(&store, false).await;
    eprintln!("[crash] restarted at {} in {:?}", server.base, t_restart.elapsed());
    let http = client();
    let health = get(&http, &server, "/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK, "healthz after restart: {}", health.text());
    let session = login(&http, &server).await;
    let list = get(&http, &server, &format!("/api/v1/agencies/{agency_id}/officers"), Some(&session)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let list = list.json();
    let stored: std::collections::HashMap<&str, &str> = list
        .as_array()
        .expect("officer list")
        .iter()
        .filter_map(|o| Some((o["id"].as_str()?, o["name"].as_str()?)))
        .collect();
    let lost: Vec<_> =
        outcomes.acknowledged.iter().filter(|(id, name)| stored.get(id.as_str()) != Some(&name.as_str())).collect();
    assert!(lost.is_empty(), "{} acknowledged writes lost after kill -9: {lost:?}", lost.len());
    let extra = stored.len().saturating_sub(before + outcomes.acknowledged.len());
    eprintln!(
        "[crash] after restart: all {} acknowledged present ({extra} unacknowledged in-flight writes also stored)",
        outcomes.acknowledged.len()
    );

    // And the store still takes writes.
    let n = next.load(Ordering::SeqCst);
    let body = json!({
        "unit_id": unit_id,
        "name": format!("测试人员{n}"),
        "citizen_id": citizen_id(n),
        "kind": "auxiliary",
        "position": "协管员",
    });
    let res = send(
        &http,
        Method::POST,
        &server.url(&format!("/api/v1/agencies/{agency_id}/officers")),
        Some(&session),
        Some(&body),
    )
    .await
    .expect("write after restart");
    assert_eq!(res.status, StatusCode::CREATED, "write after restart: {}", res.text());

    // Rule X-01: the ledger survived the crash too. Every committed event, and only those,
    // is covered by the signed checkpoint committed with it, and the tree verifies.
    drop(server);
    let url = store.database_url.clone().unwrap_or_else(|| zhifa_store::sqlite_url(store.dir.path()));
    let key = zhifa_store::LedgerKey::load(&store.dir.path().join("ledger.key")).expect("the server's ledger key");
    let db = zhifa_store::Db::open(&url, key).await.expect("open the database after the server");
    let report = db.verify_ledger(|_| {}).await.expect("verify the ledger");
    assert!(report.is_intact(), "ledger after kill -9: {:?}", report.issues);
    assert_eq!(report.ledger_size as i64, db.event_count().await.expect("count events"));
    eprintln!("[crash] ledger intact: {} events under checkpoint {}", report.ledger_size, report.root);
    db.close().await;
    eprintln!("[crash] done in {:?}", t0.elapsed());
}
