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
