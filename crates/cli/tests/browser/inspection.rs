//! 10. `random_inspection` — 双随机、一公开 end to end: scj-zf creates a plan over the demo's
//!     random-inspection list; scj-head publishes the draw commitment, draws it with the
//!     numbers the witnesses read out, records the result of task 1 and publishes it; then,
//!     without a login, the portal's page of the plan says 验证结果：一致 and links the
//!     published result, which opens at its `/gs/decisions/…` page.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;

use super::{
    Ctx, body_text, click_and_wait, field_input, heading, log_in_as, path_of, set_date, submit_form, type_into,
    unique_tag,
};

const PUBLIC_INPUT: &str = "271828、314159";
const SUMMARY: &str = "营业执照置于经营场所醒目位置，登记事项与实际一致";

async fn click_link(ctx: &Ctx, text: &str) -> Result<()> {
    let link = ctx.c.find(Locator::LinkText(text)).await.with_context(|| format!("the page links “{text}”"))?;
    click_and_wait(&ctx.c, &link).await
}

pub(super) async fn random_inspection(ctx: Ctx) -> Result<()> {
    let today = zhifa_app::cases::beijing_now().date();
    let name = format!("双随机抽查浏览器测试{}", unique_tag());

    // The officer creates the plan over the agency's list.
    log_in_as(&ctx, "scj-zf").await?;
    click_link(&ctx, "双随机抽查").await?;
    ensure!(heading(&ctx).await? == "双随机抽查", "the nav opens 双随机抽查");
    ensure!(body_text(&ctx).await?.contains("经营主体登记事项检查"), "the demo's item list is shown");
    click_link(&ctx, "新建抽查计划").await?;
    type_into(&field_input(&ctx, "name").await?, &name).await?;
    for item in ctx.c.find_all(Locator::Css("input[name=items]")).await? {
        item.click().await?;
    }
    set_date(&ctx, "from", &today.to_string()).await?;
    set_date(&ctx, "to", &(today + chrono::Days::new(30)).to_string()).await?;
    submit_form(&ctx).await?;
    ensure!(heading(&ctx).await? == name, "the plan's page after creating it");
    ensure!(body_text(&ctx).await?.contains("草拟"), "a new plan is a draft");
    let plan_path = path_of(&ctx).await?;

    // The head commits and draws it.
    log_in_as(&ctx, "scj-head").await?;
    ctx.goto(&plan_path).await?;
    click_link(&ctx, "公布抽取承诺").await?;
    submit_form(&ctx).await?;
    let page = body_text(&ctx).await?;
    ensure!(page.contains("已公布承诺") && page.contains("随机种子承诺值"), "committed: {page}");
    click_link(&ctx, "现场抽取").await?;
    type_into(&field_input(&ctx, "public_input").await?, PUBLIC_INPUT).await?;
    submit_form(&ctx).await?;
    let page = body_text(&ctx).await?;
    ensure!(page.contains("已抽取") && page.contains("验证结果：一致"), "drawn and verified: {page}");

    // Task 1's result, recorded and published.
    let result = ctx
        .c
        .find(Locator::XPath("//table//a[contains(@href, '/tasks/1/result')]"))
        .await
        .context("the tasks table links task 1's result form")?;
    click_and_wait(&ctx.c, &result).await?;
    ensure!(heading(&ctx).await? == "登记检查结果", "the result form");
    set_date(&ctx, "ended_on", &today.to_string()).await?;
    field_input(&ctx, "result").await?.select_by_value("no_problem").await?;
    type_into(&field_input(&ctx, "summary").await?, SUMMARY).await?;
    submit_form(&ctx).await?;
    ensure!(heading(&ctx).await?.contains("第1个检查任务"), "the task's page after recording");
    ensure!(body_text(&ctx).await?.contains("公示内容预览"), "the notice is previewed");
    click_link(&ctx, "发布公示").await?;
    submit_form(&ctx).await?;
    ensure!(body_text(&ctx).await?.contains("公示中"), "the result is public");

    // Anyone: the portal's record of the draw, and the result.
    ctx.c.delete_all_cookies().await?;
    ctx.goto("/gs").await?;
    click_link(&ctx, "双随机抽查").await?;
    click_link(&ctx, &name).await?;
    let page = body_text(&ctx).await?;
    ensure!(page.contains("验证结果：一致") && page.contains(PUBLIC_INPUT), "the public record verifies: {page}");
    ensure!(page.contains("zhifa draw verify --file draw.json"), "the page says how to verify it");
    click_link(&ctx, "查看检查结果").await?;
    ensure!(path_of(&ctx).await?.starts_with("/gs/decisions/"), "the result is a publication");
    let page = body_text(&ctx).await?;
    ensure!(page.contains(SUMMARY) && page.contains("未发现问题"), "the published result: {page}");
    Ok(())
}
