//! 7. `portal_certificate` — the public portal without logging in: from 执法公示 to the
//!    Anxiang market regulator's page, its personnel-qualification list, one officer's
//!    certificate page (有效, with its QR code), the address the QR code holds opened as a
//!    phone would, and the search refusing a malformed number in Chinese.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;

use super::{AGENCY, Ctx, body_text, click_and_wait, error_text, heading, path_of, submit_form, type_into};

pub(super) async fn portal_certificate(ctx: Ctx) -> Result<()> {
    // Nobody logged in.
    ctx.goto("/gs").await?;
    ctx.c.delete_all_cookies().await?;
    ctx.goto("/gs").await?;
    ensure!(heading(&ctx).await? == "行政执法公示", "the portal's home page");
    let agency = ctx.c.find(Locator::LinkText(AGENCY)).await.context("the portal lists the agency")?;
    click_and_wait(&ctx.c, &agency).await?;
    let page = body_text(&ctx).await?;
    ensure!(page.contains("人员资格清单") && page.contains("监督电话"), "the agency's pre-disclosure page");
    let cert = ctx
        .c
        .find(Locator::XPath("//table//a[starts-with(@href, '/gs/certificates/')]"))
        .await
        .context("the personnel list links each certificate")?;
    let number = cert.text().await?;
    click_and_wait(&ctx.c, &cert).await?;
    ensure!(heading(&ctx).await? == "执法证核验", "the certificate page");
    let status = ctx.c.find(Locator::Id("certificate-status")).await?.text().await?;
    ensure!(status == "有效", "the demo officer's certificate is valid, the page says {status}");
    ensure!(ctx.c.find(Locator::Css(".qr svg path")).await.is_ok(), "the page draws the QR code");
    // The address under the QR code is what a phone opens.
    let shown = ctx.c.find(Locator::Css(".qr p")).await?.text().await?;
    let url = shown.trim_start_matches("扫码核验：").trim().to_string();
    ensure!(url.ends_with(&format!("/gs/certificates/{number}")), "the QR code holds the page's address: {url}");
    ctx.c.delete_all_cookies().await?;
    ctx.goto(&url).await?;
    ensure!(body_text(&ctx).await?.contains(number.as_str()), "the QR address opens the certificate");
    // The search: a malformed number is refused next to the field, in Chinese.
    ctx.goto("/gs/certificates").await?;
    type_into(&ctx.c.find(Locator::Id("f-number")).await?, "4307' OR 1=1").await?;
    submit_form(&ctx).await?;
    let error = error_text(&ctx, "number").await?;
    ensure!(error.contains("只含数字、字母和连字符"), "the search explains the number's form: {error}");
    ensure!(path_of(&ctx).await? == "/gs/certificates", "still on the search");
    Ok(())
}

/// 8. `portal_search` — a citizen searches the decisions for a Chinese phrase, finds the
///    demo's published decision with the words marked, the party's name masked and the ID
///    number and mobile absent, opens it and its ledger proof.
pub(super) async fn portal_search(ctx: Ctx) -> Result<()> {
    use zhifa_app::demo_portal::{DEMO_PUBLISHED_ID, DEMO_PUBLISHED_MOBILE, DEMO_PUBLISHED_PARTY};
    ctx.c.delete_all_cookies().await?;
    ctx.goto("/gs").await?;
    let link = ctx.c.find(Locator::LinkText("执法决定")).await.context("the portal's navigation")?;
    click_and_wait(&ctx.c, &link).await?;
    ensure!(heading(&ctx).await? == "行政执法决定公示", "the decisions page");
    let q = ctx.c.find(Locator::Id("f-q")).await.context("the search box")?;
    type_into(&q, "营业执照 醒目位置 服装店").await?;
    submit_form(&ctx).await?;
    let results = ctx.c.find(Locator::Id("results")).await.context("the results heading")?.text().await?;
    ensure!(results.contains("共 1 条"), "one decision found: {results}");
    let marks = ctx.c.find_all(Locator::Css(".hits mark")).await?;
    ensure!(!marks.is_empty(), "the matched words are marked");
    let page = body_text(&ctx).await?;
    let masked = format!("{}**", DEMO_PUBLISHED_PARTY.chars().next().unwrap_or('周'));
    ensure!(page.contains(&masked), "the party masked as {masked}");
    ensure!(!page.contains(DEMO_PUBLISHED_PARTY), "the party's full name is not shown");
    let hit = ctx.c.find(Locator::Css(".hits h3 a")).await?;
    click_and_wait(&ctx.c, &hit).await?;
    ensure!(heading(&ctx).await? == "行政执法决定", "the decision's page");
    let decision = body_text(&ctx).await?;
    ensure!(decision.contains(&masked) && decision.contains("［已删除：身份证号码］"), "redacted: {decision}");
    for gone in [DEMO_PUBLISHED_PARTY, DEMO_PUBLISHED_ID, DEMO_PUBLISHED_MOBILE, "书院洲路8号"] {
        ensure!(!decision.contains(gone), "{gone} must not be on the portal");
    }
    let proof = ctx.c.find(Locator::LinkText("核验本公示（账本证明）")).await?;
    click_and_wait(&ctx.c, &proof).await?;
    ensure!(body_text(&ctx).await?.contains("✔ 已验证"), "the publication verifies against the ledger");
    // A word in no decision finds nothing, and says so.
    ctx.goto("/gs/decisions?q=%E6%97%A0%E7%85%A7%E7%BB%8F%E8%90%A5%E7%83%9F%E8%8D%89").await?;
    ensure!(body_text(&ctx).await?.contains("没有符合条件的执法决定"), "no hit for 无照经营烟草");
    Ok(())
}

/// 9. `portal_correction` — a citizen asks to correct the demo's published decision from
///    its page, gets a tracking number, and follows the request's status by that number.
pub(super) async fn portal_correction(ctx: Ctx) -> Result<()> {
    ctx.c.delete_all_cookies().await?;
    ctx.goto("/gs/decisions").await?;
    let hit = ctx.c.find(Locator::Css(".hits h3 a")).await.context("the demo's published decision is listed")?;
    click_and_wait(&ctx.c, &hit).await?;
    let ask = ctx.c.find(Locator::LinkText("申请更正")).await.context("the decision page offers a correction")?;
    click_and_wait(&ctx.c, &ask).await?;
    type_into(&ctx.c.find(Locator::Id("f-filer.name")).await?, "周建军").await?;
    type_into(&ctx.c.find(Locator::Id("f-filer.phone")).await?, "13907361234").await?;
    type_into(
        &ctx.c.find(Locator::Id("f-content")).await?,
        "公示的违法事实写明我在深柳镇开设服装店，实际经营地点为安障乡，请予更正。",
    )
    .await?;
    type_into(&ctx.c.find(Locator::Id("f-evidence")).await?, "营业执照副本载明的经营场所为安乡县安障乡。").await?;
    // A form sent within seconds of being shown is a robot's (the form token's minimum age).
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    submit_form(&ctx).await?;
    let page = body_text(&ctx).await?;
    ensure!(heading(&ctx).await? == "更正申请办理进度", "the status page after filing: {page}");
    ensure!(page.contains("已受理") && page.contains("答复期限"), "received, with its due date: {page}");
    ensure!(!page.contains("13907361234") && !page.contains("周建军"), "the filer is not shown");
    let path = path_of(&ctx).await?;
    let tracking = path.trim_start_matches("/gs/feedback/").to_string();
    ensure!(tracking.starts_with("GZ-"), "a correction's tracking number: {tracking}");
    // Later, by the number alone.
    ctx.c.delete_all_cookies().await?;
    ctx.goto("/gs/feedback").await?;
    type_into(&ctx.c.find(Locator::Id("f-tracking")).await?, &tracking.to_lowercase()).await?;
    submit_form(&ctx).await?;
    ensure!(path_of(&ctx).await? == path, "the lookup leads to the same status page");
    ensure!(body_text(&ctx).await?.contains("已受理"), "still received, not yet answered");
    Ok(())
}
