//! 11. `supervision_dashboard` — 执法监督: the judicial bureau's supervisor opens the
//!     dashboard from the nav, sweeps now, drills down from the market regulator's overdue
//!     figure to the clocks behind it, then from a V-04 metric's shortfall to the case
//!     behind it, which opens at its case page; the annual report offers its PDF.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;

use super::{Ctx, body_text, click_and_wait, heading, log_in_as, path_of, submit_form};

const AGENCY: &str = "安乡县市场监督管理局";

async fn click_link(ctx: &Ctx, text: &str) -> Result<()> {
    let link = ctx.c.find(Locator::LinkText(text)).await.with_context(|| format!("the page links “{text}”"))?;
    click_and_wait(&ctx.c, &link).await
}

async fn click_xpath(ctx: &Ctx, xpath: &str, what: &str) -> Result<()> {
    let link = ctx.c.find(Locator::XPath(xpath)).await.with_context(|| format!("the page has {what}"))?;
    click_and_wait(&ctx.c, &link).await
}

pub(super) async fn supervision_dashboard(ctx: Ctx) -> Result<()> {
    log_in_as(&ctx, "sfj-jd").await?;
    click_link(&ctx, "执法监督").await?;
    ensure!(heading(&ctx).await? == "执法监督", "the nav opens the dashboard");
    click_link(&ctx, "立即扫描").await?;
    submit_form(&ctx).await?;
    ensure!(heading(&ctx).await? == "执法监督", "back on the dashboard after sweeping");
    let page = body_text(&ctx).await?;
    ensure!(page.contains("各机关期限预警") && page.contains(AGENCY), "every agency's row: {page}");
    ensure!(page.contains("最近一次扫描") && !page.contains("尚未进行过监督扫描"), "swept: {page}");
    let charts = ctx.c.find_all(Locator::Css("figure.chart svg")).await?;
    ensure!(charts.len() >= 2, "the dashboard draws its charts ({} found)", charts.len());

    // The overdue figure of the market regulator → the clocks behind it.
    click_xpath(&ctx, &format!("//tr[td[1][normalize-space(.)='{AGENCY}']]/td[2]/a"), "the agency's overdue figure")
        .await?;
    let h = heading(&ctx).await?;
    ensure!(h.contains(AGENCY) && h.contains("已逾期"), "the overdue list of the agency: {h}");
    let rows = ctx.c.find_all(Locator::Css("table tbody tr")).await?;
    ensure!(!rows.is_empty(), "the figure's clocks are listed");
    ensure!(body_text(&ctx).await?.contains("已逾期"), "each row says its state");

    // A V-04 shortfall → the case behind it → its case page.
    ctx.goto("/supervision").await?;
    click_link(&ctx, "监督指标").await?;
    ensure!(heading(&ctx).await?.starts_with("执法监督指标"), "the metrics page");
    click_xpath(
        &ctx,
        "(//tr[td[1][normalize-space(.)='应音像记录事项记录率']]/td[2]/a)[1]",
        "a linked shortfall of AV coverage",
    )
    .await?;
    ensure!(heading(&ctx).await?.contains("未达要求的事项"), "the subjects behind the figure");
    click_xpath(&ctx, "//table//a[contains(., '案件')]", "a case behind the figure").await?;
    let path = path_of(&ctx).await?;
    ensure!(path.starts_with("/cases/"), "the drill-down ends at the case page: {path}");

    // The annual report, with its PDF.
    ctx.goto("/supervision/report").await?;
    ensure!(heading(&ctx).await?.ends_with("年度行政执法情况报告"), "the annual report");
    ensure!(ctx.c.find(Locator::LinkText("下载PDF")).await.is_ok(), "the report offers its PDF");
    Ok(())
}
