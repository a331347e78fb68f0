//! Shared helpers of the in-process HTTP tests: a router over a fresh database with the
//! demo data, and a cookie-keeping browser that logs in through the form.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_store::testing::TestDb;
use zhifa_web::{AppState, WebConfig, router};

pub struct TestApp {
    pub _db: TestDb,
    pub app: App,
    pub router: axum::Router,
    /// The evidence store's directory, when the app has one (issued PDFs live there).
    pub _files: Option<tempfile::TempDir>,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

/// A logged-in browser: its session cookie and CSRF token.
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn with_demo() -> TestApp {
        let t = TestDb::new().await;
        let app = App::new(t.db.clone());
        app.load_demo().await.unwrap();
        let router = router(AppState::new(app.clone(), WebConfig::default()));
        TestApp { _db: t, app, router, _files: None }
    }

    /// The demo with an evidence store in a temporary directory, so documents can be
    /// issued (their PDFs are stored there).
    pub async fn with_demo_and_files() -> TestApp {
        let t = TestDb::new().await;
        let dir = tempfile::tempdir().unwrap();
        let files = zhifa_blob::Uploads::open(&zhifa_blob::BlobConfig::new(dir.path())).unwrap();
        let app = App::new(t.db.clone()).with_files(files);
        app.load_demo().await.unwrap();
        let router = router(AppState::new(app.clone(), WebConfig::default()));
        TestApp { _db: t, app, router, _files: Some(dir) }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        // Lossy: a binary body (a PDF) is checked by its status, type and first bytes.
        let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
        Resp { status, headers, body }
    }

    pub async fn get(&self, b: Option<&Browser>, path: &str) -> Resp {
        let mut req = Request::get(path);
        if let Some(b) = b {
            req = req.header(header::COOKIE, &b.cookie);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, b: &Browser, path: &str, fields: &[(&str, &str)], with_csrf: bool) -> Resp {
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        if with_csrf {
            pairs.push(("_csrf", &b.csrf));
        }
        let body: String = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
        let req = Request::post(path)
            .header(header::COOKIE, &b.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Logs in through the login form, as a browser would.
    pub async fn login(&self, username: &str) -> Browser {
        let page = self.get(None, "/login").await;
        let pre = set_cookie(&page, "zhifa_csrf").expect("pre-session cookie");
        let token = csrf_in(&page.body);
        let anon = Browser { cookie: format!("zhifa_csrf={pre}"), csrf: token };
        let res = self
            .post_form(&anon, "/login", &[("username", username), ("password", zhifa_app::demo::DEMO_PASSWORD)], true)
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{username}: {}", res.body);
        let session = set_cookie(&res, "zhifa_session").expect("session cookie");
        let cookie = format!("zhifa_session={session}");
        let home = self.get(Some(&Browser { cookie: cookie.clone(), csrf: String::new() }), "/").await;
        Browser { cookie, csrf: csrf_in(&home.body) }
    }

    pub async fn agency_id(&self, name: &str) -> Uuid {
        self.app.db.agencies().await.unwrap().into_iter().find(|a| a.info.name == name).unwrap().id
    }
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn set_cookie(r: &Resp, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or("").to_string()))
}

pub fn csrf_in(html: &str) -> String {
    let start = html.find("name=\"_csrf\" value=\"").expect("a form with a CSRF token") + 20;
    html[start..].split('"').next().unwrap().to_string()
}

/// What distinguishes the penalty cases the tests build: the party and the draft's proposal
/// (violation type AX-SC-DJ-001 of 安乡's benchmark, penalty type 罚款).
pub struct DraftTerms<'a> {
    pub party: &'a str,
    pub considerations: &'a str,
    pub proposal: &'a str,
    pub tier: &'a str,
    pub fine: &'a str,
}

/// A penalty case of 安乡县市场监督管理局 (demo data) opened by scj-zf, through initiation
/// and investigation, in its decision stage with an approved draft of `d`'s proposal.
pub async fn penalty_case_in_decision(t: &TestApp, d: &DraftTerms<'_>) -> Uuid {
    let case = zhifa_app::demo_penalty::DemoPenalty {
        party: d.party,
        address: "安乡县",
        summary: "拒不将营业执照置于醒目位置",
        ended_days_ago: 5,
        considerations: d.considerations,
        proposal: d.proposal,
        tier: d.tier,
        fine: d.fine,
    };
    t.app.demo_penalty_in_decision(&case).await.unwrap()
}
