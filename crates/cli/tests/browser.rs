//! Browser tests: the real `zhifa` server driven through headless Chromium, the way a person
//! uses it — typing into the forms, clicking the links and buttons, reading what the page says.
//!
//! One test starts one `zhifa serve --demo` (SQLite in a temporary data directory, or a fresh
//! PostgreSQL database `zhifa_b_<random>` when `ZHIFA_TEST_DB=postgres`; the admin URL comes
//! from `ZHIFA_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`) and one
//! `chromedriver`, then runs the scenarios in sequence in one browser session, each starting
//! from a fresh login (cookies cleared):
//!
//! 1. `login` — a wrong password shows 用户名或密码错误; the right one shows the home page
//!    greeting 您好; 退出 ends the session.
//! 2. `create_officer` — the administrator of 安乡县市场监督管理局 adds an officer with a law
//!    enforcement certificate through the 新增人员 form; the officer's page shows the name and
//!    the certificate as 有效, and so does the agency's staff list.
//! 3. `bad_input` — a citizen ID with a wrong check digit and a certificate that expires before
//!    it is issued: the form comes back with each Chinese error next to its field, keeps what
//!    was typed, and nobody is added.
//! 4. `other_agency_refused` — the administrator of 莱州市统计局 opening the pages of the
//!    Anxiang agency and its new officer sees 无权访问 and none of the data.
//!
//! 5. `case_whole_process` — an officer of the same agency files a permit case by
//!    application, makes its three initiation records and completes the stage, records an
//!    inquiry and a site inspection with two officers, sees the investigation stage refuse
//!    to complete because the site inspection has no AV record, uploads a video through the
//!    evidence page (progress bar, chunked resumable upload), completes the stage, and
//!    finds every step on the case's timeline.
//!
//! 6. `major_penalty_review` (in `browser/major_penalty.rs`) — a major penalty through the
//!    prior notice, the statement, the legal review with a missing material supplemented,
//!    a refused early decision (L-02), the approval, the collective discussion, and the
//!    decision issued as a PDF with its authenticity page.
//!
//! 7. `portal_certificate` (in `browser/portal.rs`) — the public portal without a login: an
//!    agency's page, an officer's certificate page with its QR code, the QR address opened,
//!    a malformed number refused.
//!
//! 8. `portal_search` (in `browser/portal.rs`) — the decisions searched for a Chinese
//!    phrase, the demo's published decision found with the words marked, the party masked
//!    and the ID number absent, its page and its ledger proof.
//!
//! 9. `portal_correction` (in `browser/portal.rs`) — a correction of that decision asked
//!    for from its page, its tracking number, its status followed by the number.
//!
//! 10. `random_inspection` (in `browser/inspection.rs`) — 双随机、一公开: an officer creates a
//!     plan over the demo's list, the head commits and draws it with a public input, records
//!     task 1's result and publishes it; without a login the portal's page of the plan says
//!     验证结果：一致 and the result opens at its `/gs/decisions/…` page.
//!
//! 11. `supervision_dashboard` (in `browser/supervision.rs`) — 执法监督: the bureau's
//!     dashboard, a sweep, the drill-down from a figure to its clocks and from a metric's
//!     shortfall to the case behind it, the annual report.
//!
//! Debian's `/usr/bin/chromium` and `/usr/bin/chromedriver` are required (a missing one fails
//! the test; `scripts/install-test-deps` installs them). `ZHIFA_SKIP_BROWSER=1` skips the test.
//! When a scenario fails, a screenshot of the page it was on is written to
//! `test-artifacts/<scenario>.png` at the workspace root.

#[path = "browser/inspection.rs"]
mod inspection;
#[path = "browser/major_penalty.rs"]
mod major_penalty;
#[path = "browser/portal.rs"]
mod portal;
#[path = "browser/supervision.rs"]
mod supervision;
mod support;

use std::any::Any;
use std::future::Future;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::elements::Element;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use support::{TestStore, citizen_id};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The password of every demo account.
const PASSWORD: &str = "zhifa2026";
/// The agency whose administrator adds staff.
const AGENCY: &str = "安乡县市场监督管理局";
/// How long the server may take to print its start-up line.
const SERVER_START: Duration = Duration::from_secs(60);
/// How long a page may take to load after a click.
const PAGE_LOAD: Duration = Duration::from_secs(20);
/// How long one scenario may take in all.
const SCENARIO_LIMIT: Duration = Duration::from_secs(240);

// ---------------------------------------------------------------------------------------------
// The test

#[tokio::test(flavor = "multi_thread")]
async fn browser_scenarios() {
    if std::env::var("ZHIFA_SKIP_BROWSER").as_deref() == Ok("1") {
        println!("browser tests skipped (ZHIFA_SKIP_BROWSER=1)");
        return;
    }
    for tool in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(tool).exists(),
            "{tool} is missing: the browser tests need Debian's chromium and chromedriver. \
             Run `scripts/install-test-deps` (as root), or set ZHIFA_SKIP_BROWSER=1 to skip them."
        );
    }
    let started = Instant::now();
    let store = TestStore::new("zhifa_b_");
    let server = Server::start(&store);
    let driver = Driver::start();
    let client = driver.connect().await;
    println!(
        "browser tests on {} at {}: server and Chromium ready in {:.1} s",
        store.backend(),
        server.base,
        started.elapsed().as_secs_f64()
    );
    let ctx = Ctx { c: client.clone(), base: server.base.clone() };

    let mut failures = Vec::new();
    if let Err(e) = run(&ctx, "login", login(ctx.clone())).await {
        failures.push(e);
    }
    let created = match run(&ctx, "create_officer", create_officer(ctx.clone())).await {
        Ok(created) => Some(created),
        Err(e) => {
            failures.push(e);
            None
        }
    };
    if let Err(e) = run(&ctx, "bad_input", bad_input(ctx.clone())).await {
        failures.push(e);
    }
    match created {
        Some(created) => {
            if let Err(e) = run(&ctx, "other_agency_refused", other_agency_refused(ctx.clone(), created)).await {
                failures.push(e);
            }
        }
        None => failures.push("other_agency_refused: not run, it needs the pages created by create_officer".into()),
    }
    if let Err(e) = run(&ctx, "case_whole_process", case_whole_process(ctx.clone())).await {
        failures.push(e);
    }
    if let Err(e) = run(&ctx, "major_penalty_review", major_penalty::major_penalty_review(ctx.clone())).await {
        failures.push(e);
    }
    if let Err(e) = run(&ctx, "portal_certificate", portal::portal_certificate(ctx.clone())).await {
        failures.push(e);
    }
    if let Err(e) = run(&ctx, "portal_search", portal::portal_search(ctx.clone())).await {
        failures.push(e);
    }
    if let Err(e) = run(&ctx, "portal_correction", portal::portal_correction(ctx.clone())).await {
        failures.push(e);
    }
    if let Err(e) = run(&ctx, "random_inspection", inspection::random_inspection(ctx.clone())).await {
        failures.push(e);
    }
    if let Err(e) = run(&ctx, "supervision_dashboard", supervision::supervision_dashboard(ctx.clone())).await {
        failures.push(e);
    }

    if let Err(e) = client.close().await {
        eprintln!("warning: closing the browser session failed: {e}");
    }
    drop(driver);
    if !failures.is_empty() {
        eprintln!("{}", server.log_tail());
    }
    drop(server);
    drop(store);
    println!("browser tests finished in {:.1} s", started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} browser scenario(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// What the scenarios share: the browser session and the server's base URL (no trailing `/`).
#[derive(Clone)]
struct Ctx {
    c: Client,
    base: String,
}

impl Ctx {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") { path.to_string() } else { format!("{}{path}", self.base) }
    }

    async fn goto(&self, path: &str) -> Result<()> {
        let url = self.url(path);
        self.c.goto(&url).await.with_context(|| format!("open {url}"))
    }
}

/// Runs one scenario in its own task, so that a panic is caught like an error; on failure saves a
/// screenshot of the current page and returns a description of the failure.
async fn run<T: Send + 'static>(
    ctx: &Ctx,
    name: &str,
    scenario: impl Future<Output = Result<T>> + Send + 'static,
) -> Result<T, String> {
    let started = Instant::now();
    let task = tokio::spawn(scenario);
    let abort = task.abort_handle();
    let failure = match tokio::time::timeout(SCENARIO_LIMIT, task).await {
        Ok(Ok(Ok(value))) => {
            println!("ok   {name} ({:.1} s)", started.elapsed().as_secs_f64());
            return Ok(value);
        }
        Ok(Ok(Err(e))) => format!("{e:#}"),
        Ok(Err(join)) if join.is_panic() => format!("panicked: {}", panic_message(join.into_panic())),
        Ok(Err(join)) => format!("task failed: {join}"),
        Err(_) => {
            abort.abort();
            format!("did not finish within {} s", SCENARIO_LIMIT.as_secs())
        }
    };
    let url = ctx.c.current_url().await.map(|u| u.to_string()).unwrap_or_else(|e| format!("(unknown: {e})"));
    let shot = match save_screenshot(&ctx.c, name).await {
        Ok(path) => format!("screenshot: {}", path.display()),
        Err(e) => format!("no screenshot: {e:#}"),
    };
    println!("FAIL {name} ({:.1} s): {failure}\n     page: {url}\n     {shot}", started.elapsed().as_secs_f64());
    Err(format!("{name}: {failure} (page {url}; {shot})"))
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload.downcast_ref::<&str>().map_or_else(|| "(no message)".into(), |s| s.to_string()),
    }
}

async fn save_screenshot(c: &Client, name: &str) -> Result<PathBuf> {
    let png = c.screenshot().await.context("take the screenshot")?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    let dir = dir.canonicalize().unwrap_or(dir);
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("write {}", path.display()))?;
    Ok(path)
}

// ---------------------------------------------------------------------------------------------
// The scenarios

/// 1. A wrong password is refused with a message; the right one opens the home page; 退出 ends
///    the session.
async fn login(ctx: Ctx) -> Result<()> {
    start_fresh(&ctx).await?;
    fill_login(&ctx, "admin", "wrong-password").await?;
    let error = ctx.c.find(Locator::Id("login-error")).await.context("a wrong password shows #login-error")?;
    let text = error.text().await?;
    ensure!(text.contains("用户名或密码错误"), "#login-error says “{text}”, expected 用户名或密码错误");
    ensure!(!heading(&ctx).await?.contains("您好"), "a wrong password must not log in");
    let kept = value_of(&ctx.c.find(Locator::Id("f-username")).await?).await?;
    ensure!(kept == "admin", "the user name should stay in the form after a failed login, found “{kept}”");

    fill_login(&ctx, "admin", PASSWORD).await?;
    let h1 = heading(&ctx).await?;
    ensure!(h1.contains("您好"), "after logging in the home page heading should contain 您好, found “{h1}”");
    ensure!(path_of(&ctx).await? == "/", "after logging in the browser should be on /");

    let logout = ctx.c.find(Locator::XPath("//header//form//button[normalize-space()='退出']")).await?;
    click_and_wait(&ctx.c, &logout).await?;
    ensure!(path_of(&ctx).await? == "/login", "退出 should lead to the login page");
    ctx.goto("/").await?;
    ensure!(path_of(&ctx).await? == "/login", "after 退出 the home page should send the browser to the login page");
    Ok(())
}

/// What `create_officer` made, for the later scenarios.
struct Created {
    agency_url: String,
    officer_url: String,
    officer_name: String,
    citizen_id: String,
}

/// 2. The agency administrator adds an officer with a certificate through the UI.
async fn create_officer(ctx: Ctx) -> Result<Created> {
    log_in_as(&ctx, "scj-admin").await?;
    let agency_url = open_agency(&ctx).await?;
    open_new_officer_form(&ctx).await?;

    let tag = unique_tag();
    let name = format!("浏览器测试{}", &tag[..4]);
    let citizen_id = citizen_id(&format!("43072119880512{}", &tag_digits(&tag)[..3]));
    let number = format!("BT-{}", tag.to_ascii_uppercase());
    fill_officer_form(
        &ctx,
        &OfficerForm {
            name: &name,
            citizen_id: &citizen_id,
            number: &number,
            issued_on: "2025-03-01",
            expires_on: &far_future_date(),
        },
    )
    .await?;
    submit_form(&ctx).await?;

    let path = path_of(&ctx).await?;
    let h1 = heading(&ctx).await?;
    ensure!(
        path.starts_with("/officers/"),
        "after 新增人员 the browser should be on the officer's page, but it is on {path} (heading “{h1}”){}",
        form_errors(&ctx).await
    );
    ensure!(h1.contains(&name), "the officer's page heading should show the name {name}, found “{h1}”");
    let status = certificate_status(&ctx, &number).await?;
    ensure!(status == "有效", "certificate {number} should be 有效 on the officer's page, found “{status}”");
    let body = body_text(&ctx).await?;
    ensure!(body.contains("稽查员"), "the officer's page should show the position 稽查员");
    let officer_url = ctx.c.current_url().await?.to_string();

    // The agency's staff list shows the new officer and the certificate too.
    let back =
        ctx.c.find(Locator::LinkText("返回本机关")).await.context("the officer's page links back to the agency")?;
    click_and_wait(&ctx.c, &back).await?;
    let link = ctx.c.find(Locator::LinkText(&name)).await.with_context(|| format!("the agency page lists {name}"))?;
    let row = link.find(Locator::XPath("./ancestor::tr")).await?;
    let row_text = row.text().await?;
    ensure!(
        row_text.contains(&number) && row_text.contains("有效"),
        "the agency's staff list should show {name} with certificate {number} 有效, the row says “{row_text}”"
    );
    Ok(Created { agency_url, officer_url, officer_name: name, citizen_id })
}

/// 3. Bad input: the errors are in Chinese next to their fields, the typed values stay, nobody is
///    added.
async fn bad_input(ctx: Ctx) -> Result<()> {
    log_in_as(&ctx, "scj-admin").await?;
    let agency_url = open_agency(&ctx).await?;
    open_new_officer_form(&ctx).await?;

    let tag = unique_tag();
    let name = format!("错误输入{}", &tag[..4]);
    let valid = citizen_id(&format!("43072119900101{}", &tag_digits(&tag)[..3]));
    let wrong = wrong_check_digit(&valid);
    let number = format!("BX-{}", tag.to_ascii_uppercase());
    fill_officer_form(
        &ctx,
        &OfficerForm {
            name: &name,
            citizen_id: &wrong,
            number: &number,
            issued_on: "2025-03-01",
            expires_on: "2024-03-01",
        },
    )
    .await?;
    submit_form(&ctx).await?;

    let h1 = heading(&ctx).await?;
    ensure!(h1 == "新增人员", "after bad input the page should still be the 新增人员 form, found heading “{h1}”");
    ctx.c.find(Locator::Css("form.stack")).await.context("the form is shown again")?;
    let citizen_error = error_text(&ctx, "citizen_id").await?;
    ensure!(citizen_error.contains("校验位"), "#err-citizen_id should mention 校验位, found “{citizen_error}”");
    let expiry_error = error_text(&ctx, "certificate.expires_on").await?;
    ensure!(
        expiry_error.contains("必须晚于"),
        "#err-certificate.expires_on should say 必须晚于, found “{expiry_error}”"
    );
    for (field, typed) in [
        ("name", name.as_str()),
        ("citizen_id", wrong.as_str()),
        ("certificate.number", number.as_str()),
        ("certificate.issued_on", "2025-03-01"),
        ("certificate.expires_on", "2024-03-01"),
    ] {
        let kept = value_of(&field_input(&ctx, field).await?).await?;
        ensure!(kept == typed, "#f-{field} should still hold “{typed}” after the rejection, found “{kept}”");
    }
    let kind = value_of(&field_input(&ctx, "kind").await?).await?;
    ensure!(kind == "officer", "the chosen 人员类别 should stay selected, found “{kind}”");

    // Nobody was added.
    ctx.goto(&agency_url).await?;
    ensure!(heading(&ctx).await? == AGENCY, "the agency page should open again");
    let links = ctx.c.find_all(Locator::LinkText(&name)).await?;
    ensure!(links.is_empty(), "the rejected person {name} must not be added to the agency");
    ensure!(!body_text(&ctx).await?.contains(&name), "the agency page must not mention the rejected person {name}");
    Ok(())
}

/// 4. Another agency's administrator is refused the Anxiang agency's pages.
async fn other_agency_refused(ctx: Ctx, created: Created) -> Result<()> {
    log_in_as(&ctx, "ltj-admin").await?;
    for (what, url) in [("agency", &created.agency_url), ("officer", &created.officer_url)] {
        ctx.goto(url).await?;
        let h1 = heading(&ctx).await?;
        ensure!(h1.contains("无权访问"), "ltj-admin opening the {what} page {url} should see 无权访问, found “{h1}”");
        let source = ctx.c.source().await?;
        for secret in [created.officer_name.as_str(), created.citizen_id.as_str(), &created.citizen_id[..14]] {
            ensure!(!source.contains(secret), "the refused {what} page must not contain “{secret}”");
        }
        ensure!(
            ctx.c.find_all(Locator::LinkText("新增人员")).await?.is_empty(),
            "the refused {what} page must not offer 新增人员"
        );
    }
    Ok(())
}

/// 5. The whole-process record in the browser: file, record, be refused for missing AV,
///    upload a video, complete the stage, read the timeline.
async fn case_whole_process(ctx: Ctx) -> Result<()> {
    log_in_as(&ctx, "scj-zf").await?;
    ctx.goto("/cases").await?;
    let new = ctx.c.find(Locator::LinkText("立案 / 启动新案件")).await.context("/cases offers 立案")?;
    click_and_wait(&ctx.c, &new).await?;
    let tag = unique_tag();
    let party = format!("浏览器测试餐饮店{}", &tag[..4]);
    field_input(&ctx, "act_kind").await?.select_by_value("permit").await?;
    field_input(&ctx, "procedure").await?.select_by_value("ordinary").await?;
    field_input(&ctx, "initiation").await?.select_by_value("application").await?;
    type_into(&field_input(&ctx, "summary").await?, "申请食品经营许可").await?;
    let boxes = ctx.c.find_all(Locator::Css("#f-officers input[type=checkbox]")).await?;
    ensure!(boxes.len() >= 2, "the officers list offers at least two officers");
    for b in &boxes[..2] {
        b.click().await?;
    }
    field_input(&ctx, "party.kind").await?.select_by_value("organisation").await?;
    type_into(&field_input(&ctx, "party.name").await?, &party).await?;
    submit_form(&ctx).await?;
    ensure!(path_of(&ctx).await?.starts_with("/cases/"), "filing leads to the case page{}", form_errors(&ctx).await);
    let case_url = ctx.c.current_url().await?.to_string();
    ensure!(body_text(&ctx).await?.contains("缺少申请登记"), "the case page lists what initiation lacks");

    // Beijing time, the server's: acts are dated neither after its today nor before the case
    // was opened (P-02), whatever the test machine's time zone.
    let beijing = chrono::Utc::now().naive_utc() + chrono::TimeDelta::hours(8);
    let now = beijing.format("%Y-%m-%dT%H:%M").to_string();
    let today = beijing.format("%Y-%m-%d").to_string();
    add_record(
        &ctx,
        &case_url,
        "application_registration",
        &[
            ("applicant", &party),
            ("matter", "食品经营许可"),
            ("materials", "申请书、营业执照、健康证明"),
            ("received_at", &now),
            ("registrar", "窗口工作人员"),
        ],
        false,
        &[],
    )
    .await?;
    add_record(
        &ctx,
        &case_url,
        "acceptance_decision",
        &[("accepted", "是"), ("reason", "材料齐全，符合法定形式"), ("decided_on", &today)],
        false,
        &[],
    )
    .await?;
    add_record(
        &ctx,
        &case_url,
        "application_receipt",
        &[("receipt_number", "SL-2026-001"), ("issued_on", &today)],
        false,
        &[],
    )
    .await?;
    click_button(&ctx, "complete-stage").await?;
    ensure!(body_text(&ctx).await?.contains("当前阶段：调查取证"), "initiation completes{}", form_errors(&ctx).await);

    add_record(
        &ctx,
        &case_url,
        "inquiry",
        &[
            ("interviewee", "店主"),
            ("place", "店内"),
            ("started_at", &now),
            ("ended_at", &now),
            ("rights_notified", "是"),
            ("content", "问：经营场所面积？答：80平方米。"),
        ],
        true,
        &[],
    )
    .await?;
    add_record(
        &ctx,
        &case_url,
        "site_inspection",
        &[
            ("place", "后厨"),
            ("started_at", &now),
            ("ended_at", &now),
            ("present", "店主"),
            ("content", "布局合理，设施齐全"),
        ],
        true,
        &[],
    )
    .await?;
    click_button(&ctx, "complete-stage").await?;
    let refusal = body_text(&ctx).await?;
    ensure!(
        refusal.contains("不能完成") && refusal.contains("现场检查（勘验）笔录须有音像记录"),
        "without AV the investigation stage refuses, naming the site inspection; the page says: {}",
        refusal.chars().take(400).collect::<String>()
    );

    // Upload a video for the site inspection.
    ctx.goto(&case_url).await?;
    let row = ctx.c.find(Locator::XPath("//table[@id='records']//tr[td/a[contains(.,'现场检查')]]")).await?;
    let upload = row.find(Locator::LinkText("上传音像")).await.context("the site inspection row offers 上传音像")?;
    click_and_wait(&ctx.c, &upload).await?;
    let video = std::env::temp_dir().join(format!("zhifa-browser-{tag}.mp4"));
    let mut bytes = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    bytes.resize(3 << 20, 7);
    std::fs::write(&video, &bytes)?;
    ctx.c.find(Locator::Id("f-file")).await?.send_keys(video.to_str().context("path")?).await?;
    for (id, v) in [("captured_at", now.as_str())] {
        let el = ctx.c.find(Locator::Id(&format!("f-{id}"))).await?;
        ctx.c
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                vec![serde_json::to_value(&el)?, json!(v)],
            )
            .await?;
    }
    for (id, v) in [
        ("place", "后厨"),
        ("captured_by", "执法人员"),
        ("production_method", "执法记录仪拍摄"),
        ("maker", "执法人员"),
        ("proves", "经营场所布局与设施"),
    ] {
        type_into(&ctx.c.find(Locator::Id(&format!("f-{id}"))).await?, v).await?;
    }
    let submit = ctx.c.find(Locator::Id("upload-submit")).await?;
    let deadline = Instant::now() + PAGE_LOAD;
    while submit.attr("disabled").await?.is_some() {
        ensure!(Instant::now() < deadline, "the upload button stays disabled after choosing a file");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click_and_wait(&ctx.c, &submit).await?;
    let _ = std::fs::remove_file(&video);
    ensure!(
        path_of(&ctx).await?.starts_with("/cases/"),
        "after the upload the browser is back on the case page{}",
        form_errors(&ctx).await
    );
    let page = body_text(&ctx).await?;
    ensure!(page.contains("现场检查.mp4") || page.contains(".mp4"), "the AV table lists the video");

    click_button(&ctx, "complete-stage").await?;
    let done = body_text(&ctx).await?;
    ensure!(
        done.contains("当前阶段：审查决定"),
        "with the video the investigation stage completes{}",
        form_errors(&ctx).await
    );
    let timeline = ctx.c.find(Locator::Id("timeline")).await?.text().await?;
    for step in ["启动案件", "制作申请登记", "完成“启动”阶段", "制作询问笔录", "存入录像", "完成“调查取证”阶段"]
    {
        ensure!(timeline.contains(step), "the timeline shows “{step}”");
    }
    Ok(())
}

/// From the case page, makes a record of `kind` through its form and checks it is saved.
async fn add_record(
    ctx: &Ctx,
    case_url: &str,
    kind: &str,
    fields: &[(&str, &str)],
    on_site: bool,
    other: &[(&str, &str)],
) -> Result<()> {
    let text = make_record(ctx, case_url, kind, fields, on_site, other).await?;
    ensure!(
        text.contains("已保存"),
        "{kind} is saved{}; the page says: {}",
        form_errors(ctx).await,
        text.chars().take(800).collect::<String>()
    );
    Ok(())
}

/// From the case page, fills the form of a record of `kind` and submits it; returns the
/// text of the page that answers. `fields` are the record's fields (`fields.<key>`), `other`
/// the form's other controls by name (a select takes the option of that value, or else the
/// first whose text contains it). An on-site act names two officers who showed their
/// certificates and sign, and the party's signature.
async fn make_record(
    ctx: &Ctx,
    case_url: &str,
    kind: &str,
    fields: &[(&str, &str)],
    on_site: bool,
    other: &[(&str, &str)],
) -> Result<String> {
    ctx.goto(case_url).await?;
    ctx.c
        .find(Locator::Id("kind"))
        .await?
        .select_by_value(kind)
        .await
        .with_context(|| format!("the menu offers {kind}"))?;
    let new = ctx.c.find(Locator::XPath("//form[select[@id='kind']]//button")).await?;
    click_and_wait(&ctx.c, &new).await?;
    let named = fields.iter().map(|(k, v)| (format!("fields.{k}"), *v));
    for (name, value) in named.chain(other.iter().map(|(k, v)| (k.to_string(), *v))) {
        let input = ctx
            .c
            .find(Locator::Css(&format!("[name='{name}']")))
            .await
            .with_context(|| format!("{kind} has {name}"))?;
        match (input.tag_name().await?.as_str(), input.attr("type").await?.as_deref()) {
            ("select", _) => {
                if input.select_by_value(value).await.is_err() {
                    let option = input
                        .find(Locator::XPath(&format!(".//option[contains(., '{value}')]")))
                        .await
                        .with_context(|| format!("{name} offers {value}"))?;
                    option.click().await?;
                }
            }
            (_, Some("date" | "datetime-local")) => {
                ctx.c
                    .execute("arguments[0].value = arguments[1];", vec![serde_json::to_value(&input)?, json!(value)])
                    .await?;
            }
            _ => type_into(&input, value).await?,
        }
    }
    if on_site {
        for b in ctx.c.find_all(Locator::Css("#f-officers input[type=checkbox]")).await?.iter().take(2) {
            b.click().await?;
        }
        ctx.c.find(Locator::Id("f-credentials_shown")).await?.click().await?;
        // Each officer who took part signs the record.
        for b in ctx.c.find_all(Locator::Css("#f-officers_signed input[type=checkbox]")).await?.iter().take(2) {
            b.click().await?;
        }
        if !other.iter().any(|(k, _)| *k == "signature.signer") {
            type_into(&ctx.c.find(Locator::Id("f-signature.signer")).await?, "店主").await?;
        }
    }
    submit_form(ctx).await?;
    body_text(ctx).await
}

async fn click_button(ctx: &Ctx, id: &str) -> Result<()> {
    let b = ctx.c.find(Locator::Id(id)).await.with_context(|| format!("the page has #{id}"))?;
    click_and_wait(&ctx.c, &b).await
}

// ---------------------------------------------------------------------------------------------
// Steps a person takes

/// Opens the login page with no session (cookies cleared).
async fn start_fresh(ctx: &Ctx) -> Result<()> {
    ctx.goto("/login").await?;
    ctx.c.delete_all_cookies().await?;
    ctx.goto("/login").await?;
    ensure!(heading(ctx).await? == "登录", "the login page should show the heading 登录");
    Ok(())
}

async fn fill_login(ctx: &Ctx, user: &str, password: &str) -> Result<()> {
    type_into(&ctx.c.find(Locator::Id("f-username")).await?, user).await?;
    type_into(&ctx.c.find(Locator::Id("f-password")).await?, password).await?;
    submit_form(ctx).await
}

async fn log_in_as(ctx: &Ctx, user: &str) -> Result<()> {
    start_fresh(ctx).await?;
    fill_login(ctx, user, PASSWORD).await?;
    let h1 = heading(ctx).await?;
    ensure!(h1.contains("您好"), "{user} should be logged in, the page heading is “{h1}”");
    Ok(())
}

/// From the agency list, follows the link to the Anxiang market regulator; returns its URL.
async fn open_agency(ctx: &Ctx) -> Result<String> {
    ctx.goto("/agencies").await?;
    let link = ctx.c.find(Locator::LinkText(AGENCY)).await.with_context(|| format!("/agencies links to {AGENCY}"))?;
    click_and_wait(&ctx.c, &link).await?;
    let h1 = heading(ctx).await?;
    ensure!(h1 == AGENCY, "the agency page heading should be {AGENCY}, found “{h1}”");
    Ok(ctx.c.current_url().await?.to_string())
}

async fn open_new_officer_form(ctx: &Ctx) -> Result<()> {
    let button = ctx.c.find(Locator::LinkText("新增人员")).await.context("the agency page offers 新增人员")?;
    click_and_wait(&ctx.c, &button).await?;
    let h1 = heading(ctx).await?;
    ensure!(h1 == "新增人员", "新增人员 should open the form, found heading “{h1}”");
    Ok(())
}

struct OfficerForm<'a> {
    name: &'a str,
    citizen_id: &'a str,
    number: &'a str,
    issued_on: &'a str,
    expires_on: &'a str,
}

async fn fill_officer_form(ctx: &Ctx, f: &OfficerForm<'_>) -> Result<()> {
    type_into(&field_input(ctx, "name").await?, f.name).await?;
    type_into(&field_input(ctx, "citizen_id").await?, f.citizen_id).await?;
    field_input(ctx, "kind").await?.select_by_value("officer").await.context("人员类别 offers officer")?;
    choose_option_containing(ctx, "unit_id", "承办").await?;
    type_into(&field_input(ctx, "position").await?, "稽查员").await?;
    type_into(&field_input(ctx, "phone").await?, "0736-4312345").await?;
    type_into(&field_input(ctx, "certificate.number").await?, f.number).await?;
    type_into(&field_input(ctx, "certificate.category").await?, "市场监管").await?;
    type_into(&field_input(ctx, "certificate.scope").await?, "安乡县").await?;
    set_date(ctx, "certificate.issued_on", f.issued_on).await?;
    set_date(ctx, "certificate.expires_on", f.expires_on).await?;
    Ok(())
}

/// The form control `#f-<field>`.
async fn field_input(ctx: &Ctx, field: &str) -> Result<Element> {
    ctx.c.find(Locator::Id(&format!("f-{field}"))).await.with_context(|| format!("the form has #f-{field}"))
}

/// The text of `#err-<field>`, the message shown next to the field.
async fn error_text(ctx: &Ctx, field: &str) -> Result<String> {
    let css = format!("[id=\"err-{field}\"]");
    let el = ctx
        .c
        .find(Locator::Css(&css))
        .await
        .with_context(|| format!("an error should be shown next to {field} (#err-{field})"));
    let el = match el {
        Ok(el) => el,
        Err(e) => bail!("{e:#}{}", form_errors(ctx).await),
    };
    // The message belongs to the field: it sits in the same .field block as #f-<field>.
    let same_block =
        el.find_all(Locator::XPath(&format!("./ancestor::div[contains(@class,'field')]//*[@id='f-{field}']"))).await?;
    ensure!(!same_block.is_empty(), "#err-{field} is not next to #f-{field}");
    Ok(el.text().await?)
}

/// Every error message on the page, for failure messages.
async fn form_errors(ctx: &Ctx) -> String {
    let mut out = Vec::new();
    if let Ok(els) = ctx.c.find_all(Locator::Css(".error, .alert")).await {
        for el in els {
            let id = el.attr("id").await.ok().flatten().unwrap_or_default();
            out.push(format!("{id}: {}", el.text().await.unwrap_or_default()));
        }
    }
    if out.is_empty() { String::new() } else { format!("; errors on the page: {}", out.join(" | ")) }
}

async fn choose_option_containing(ctx: &Ctx, field: &str, needle: &str) -> Result<()> {
    let select = field_input(ctx, field).await?;
    let mut seen = Vec::new();
    for option in select.find_all(Locator::Css("option")).await? {
        let text = option.text().await?;
        if text.contains(needle) {
            let value = option.attr("value").await?.unwrap_or_default();
            select.select_by_value(&value).await?;
            return Ok(());
        }
        seen.push(text);
    }
    bail!("#f-{field} has no option containing {needle}; options: {seen:?}")
}

/// Sets a `type=date` input by script: typing into one depends on the browser's locale.
async fn set_date(ctx: &Ctx, field: &str, date: &str) -> Result<()> {
    let input = field_input(ctx, field).await?;
    ensure!(input.attr("type").await?.as_deref() == Some("date"), "#f-{field} should be a date input");
    ctx.c
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            vec![serde_json::to_value(&input)?, json!(date)],
        )
        .await?;
    let set = value_of(&input).await?;
    ensure!(set == date, "#f-{field} should hold {date}, holds “{set}”");
    Ok(())
}

async fn type_into(el: &Element, text: &str) -> Result<()> {
    el.clear().await?;
    el.send_keys(text).await?;
    Ok(())
}

async fn value_of(el: &Element) -> Result<String> {
    Ok(el.prop("value").await?.unwrap_or_default())
}

/// Submits the page's form with its submit button and waits for the answer to load.
async fn submit_form(ctx: &Ctx) -> Result<()> {
    let button =
        ctx.c.find(Locator::Css("main form button.primary[type=submit]")).await.context("the form's submit button")?;
    click_and_wait(&ctx.c, &button).await
}

/// Clicks and waits until a new page has replaced the current one and finished loading.
async fn click_and_wait(c: &Client, el: &Element) -> Result<()> {
    c.execute("window.__zhifaOldPage = true;", vec![]).await?;
    el.click().await?;
    let deadline = Instant::now() + PAGE_LOAD;
    loop {
        let script = "return window.__zhifaOldPage !== true && document.readyState === 'complete';";
        // While the old page unloads, the script may fail; that is not an error yet.
        let last = match c.execute(script, vec![]).await {
            Ok(Value::Bool(true)) => return Ok(()),
            Ok(v) => format!("not loaded yet ({v})"),
            Err(e) => e.to_string(),
        };
        if Instant::now() > deadline {
            bail!("no new page within {} s after the click ({last})", PAGE_LOAD.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn heading(ctx: &Ctx) -> Result<String> {
    let h1 = ctx.c.find(Locator::Css("main h1")).await.context("the page has a heading (main h1)")?;
    Ok(h1.text().await?.trim().to_string())
}

async fn body_text(ctx: &Ctx) -> Result<String> {
    Ok(ctx.c.find(Locator::Css("body")).await?.text().await?)
}

async fn path_of(ctx: &Ctx) -> Result<String> {
    Ok(ctx.c.current_url().await?.path().to_string())
}

/// The status tag of a certificate in the officer page's 行政执法证 table.
async fn certificate_status(ctx: &Ctx, number: &str) -> Result<String> {
    let row = ctx
        .c
        .find(Locator::XPath(&format!("//table//tr[td[1][normalize-space()='{number}']]")))
        .await
        .with_context(|| format!("the officer's page lists certificate {number}"))?;
    let tag = row.find(Locator::Css(".tag")).await.context("the certificate row has a status tag")?;
    Ok(tag.text().await?.trim().to_string())
}

// ---------------------------------------------------------------------------------------------
// Test data

/// Eight random hex characters for names and numbers that differ between runs.
fn unique_tag() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}

/// The tag as decimal digits (for the sequence part of a citizen ID).
fn tag_digits(tag: &str) -> String {
    tag.bytes().map(|b| char::from(b'0' + b % 10)).collect()
}

/// The same citizen ID with a check digit that is wrong.
fn wrong_check_digit(valid: &str) -> String {
    let (first17, right) = valid.split_at(17);
    let wrong = if right == "0" { '1' } else { '0' };
    format!("{first17}{wrong}")
}

/// An expiry date well after today, so the certificate is 有效 (not about to expire).
fn far_future_date() -> String {
    (chrono::Local::now().date_naive() + chrono::Days::new(3 * 365)).to_string()
}

#[test]
fn the_check_digit_helper_follows_gb_11643() {
    // The standard's example number.
    assert_eq!(citizen_id("11010519491231002"), "11010519491231002X");
    assert_eq!(citizen_id("44052418800101001"), "440524188001010014");
    assert_eq!(wrong_check_digit("11010519491231002X"), "110105194912310020");
}

// ---------------------------------------------------------------------------------------------
// The database, the server and the browser driver

/// A running `zhifa serve --demo`; killed when dropped.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    base: String,
    log_path: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl Server {
    fn start(store: &TestStore) -> Server {
        let log_dir = tempfile::tempdir().expect("a temporary directory for the server log");
        let log_path = log_dir.path().join("server.log");
        let log = std::fs::File::create(&log_path).expect("create the server log");
        let mut cmd = store.serve_command(true);
        cmd.stderr(log);
        let mut child = cmd.spawn().expect("start zhifa serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        // Reads stdout to its end, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains("已启动") {
                    let _ = tx.send(line);
                }
            }
        });
        let mut server = Server { child, base: String::new(), log_path, _log_dir: log_dir };
        let line = match rx.recv_timeout(SERVER_START) {
            Ok(line) => line,
            Err(e) => panic!(
                "zhifa serve did not print its start-up line within {} s ({e}); exit status: {:?}\n{}",
                SERVER_START.as_secs(),
                server.child.try_wait(),
                server.log_tail()
            ),
        };
        server.base = support::parse_base_url(&line).unwrap_or_else(|| panic!("no URL in the start-up line “{line}”"));
        server
    }

    /// The end of the server's stderr, for failure messages.
    fn log_tail(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log_path) {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let _ = f.seek(SeekFrom::Start(len.saturating_sub(4000)));
            let _ = f.read_to_string(&mut text);
        }
        format!("--- end of the server log ---\n{text}")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running chromedriver in its own process group; the group (chromedriver and any Chromium it
/// started) is killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let profile = tempfile::tempdir().expect("a temporary Chromium profile directory");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {CHROMEDRIVER}: {e}; run `scripts/install-test-deps`"));
        let mut driver = Driver { child, port, profile };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited at start-up: {status}");
            }
            assert!(Instant::now() < deadline, "chromedriver did not listen on port {port} within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    async fn connect(&self) -> Client {
        let profile = self.profile.path().display().to_string();
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                    "--disable-dev-shm-usage", format!("--user-data-dir={profile}"), "--window-size=1280,900",
                ],
            }
        });
        let Value::Object(capabilities) = capabilities else { unreachable!("an object literal") };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| panic!("start a Chromium session through chromedriver: {e}"));
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(10)),
                Some(PAGE_LOAD),
                Some(Duration::ZERO),
            ))
            .await
            .expect("set the WebDriver timeouts");
        client
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Negative pid: the whole process group this test created for chromedriver.
        let _ =
            Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on (bound and released; good enough for a test).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}
