//! 6. `major_penalty_review` — the three systems at the decision stage, in the browser: the
//!    demo's major penalty case (罚款一万五千元 to a citizen, its draft approved) goes
//!    through the prior notice and its service, the party's statement answered point by
//!    point, the submission to the legal unit, the reviewer's one-time notice of a missing
//!    material, the officer's supplement, an attempt to make the decision while the review
//!    runs (refused with L-02 and the reason), the reviewer's checklist and approval, the
//!    heads' collective discussion, the decision document, its issue with a 文号, its PDF
//!    and its public authenticity page.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use serde_json::json;
use zhifa_app::demo_penalty::prior_notice_fields;
use zhifa_app::demo_review::{DEMO_MAJOR_PARTY, decision_fields};

use super::{
    Ctx, add_record, body_text, click_and_wait, form_errors, log_in_as, make_record, path_of, submit_form, type_into,
};

pub(super) async fn major_penalty_review(ctx: Ctx) -> Result<()> {
    let beijing = chrono::Utc::now().naive_utc() + chrono::TimeDelta::hours(8);
    let now = beijing.format("%Y-%m-%dT%H:%M").to_string();
    let today = beijing.format("%Y-%m-%d").to_string();

    // The handling officer finds the case waiting for its prior notice.
    log_in_as(&ctx, "scj-zf").await?;
    ctx.goto("/cases").await?;
    let link = ctx
        .c
        .find(Locator::XPath(&format!("//tr[contains(., '{DEMO_MAJOR_PARTY}')]//a[contains(@href, '/cases/')]")))
        .await
        .with_context(|| format!("/cases lists the demo case of {DEMO_MAJOR_PARTY}"))?;
    click_and_wait(&ctx.c, &link).await?;
    let case_path = path_of(&ctx).await?;
    ensure!(body_text(&ctx).await?.contains("当前阶段：审查决定"), "the case is in its decision stage");

    // The prior notice (N-04, G-02), served in person.
    let notice = prior_notice_fields(&today);
    let notice: Vec<(&str, &str)> = notice.iter().map(|(k, v)| (*k, v.as_str())).collect();
    add_record(&ctx, &case_path, "prior_notice", &notice, false, &[]).await?;
    add_record(
        &ctx,
        &case_path,
        "service_direct",
        &[
            ("document", "行政处罚事先告知书"),
            ("served_at", &now),
            ("place", "当事人经营场所"),
            ("server", "执法人员"),
            ("recipient", DEMO_MAJOR_PARTY),
        ],
        true,
        &[("serves", "事先告知书")],
    )
    .await?;
    // The party's statement, each point answered (G-02); no hearing asked for.
    add_record(
        &ctx,
        &case_path,
        "statement_defence",
        &[("heard_on", &today), ("statements", "当事人对违法事实无异议，请求从轻处罚")],
        false,
        &[
            ("points.0.kind", "defence"),
            ("points.0.text", "初次被查处，请求从轻处罚"),
            ("points.0.answer", "not_adopted"),
            ("points.0.reason", "经责令改正后仍拒不改正，不属于依法从轻处罚的情形"),
            ("signature.kind", "signed"),
            ("signature.signer", DEMO_MAJOR_PARTY),
        ],
    )
    .await?;

    // To the legal unit (L-03).
    let review_path = format!("{case_path}/review");
    ctx.goto(&review_path).await?;
    click_link(&ctx, "提交法制审核").await?;
    type_into(&ctx.c.find(Locator::Id("f-note")).await?, "拟罚款达到较大数额标准，提请法制审核").await?;
    submit_form(&ctx).await?;
    ensure!(path_of(&ctx).await? == review_path, "the submission leads back to the review{}", form_errors(&ctx).await);

    // The reviewer finds it in the queue and notifies, once, the material still wanting.
    log_in_as(&ctx, "scj-fzsh").await?;
    ctx.goto("/review").await?;
    let queued = ctx
        .c
        .find(Locator::XPath(&format!("//a[@href='{review_path}']")))
        .await
        .context("the reviewer's queue lists the case")?;
    ensure!(body_text(&ctx).await?.contains("个工作日"), "the queue counts down in working days");
    click_and_wait(&ctx.c, &queued).await?;
    click_link(&ctx, "一次性告知补充材料").await?;
    let wanting = "当事人经营规模的证明材料（近一年营业收入）";
    type_into(&ctx.c.find(Locator::Id("f-missing")).await?, wanting).await?;
    submit_form(&ctx).await?;
    let page = body_text(&ctx).await?;
    ensure!(page.contains(wanting), "the review shows the material asked for{}", form_errors(&ctx).await);

    // The officer supplements it; then tries to make the decision while the review runs.
    log_in_as(&ctx, "scj-zf").await?;
    ctx.goto(&review_path).await?;
    ensure!(body_text(&ctx).await?.contains(wanting), "the officer sees what to supplement");
    click_link(&ctx, "补充送审材料").await?;
    type_into(&ctx.c.find(Locator::Id("f-note")).await?, "已补充当事人2025年度营业收入证明（纸质，共2页）").await?;
    submit_form(&ctx).await?;
    ensure!(path_of(&ctx).await? == review_path, "the supplement is accepted{}", form_errors(&ctx).await);

    let decision = decision_fields(DEMO_MAJOR_PARTY, &today);
    let fields: Vec<(&str, &str)> = decision.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = make_record(&ctx, &case_path, "decision_document", &fields, false, &[]).await?;
    ensure!(
        refused.contains("L-02") && refused.contains("法制机构正在审核"),
        "before the approval the decision is refused with the rule and the reason; the page says: {}",
        refused.chars().take(600).collect::<String>()
    );
    ctx.goto(&case_path).await?;
    let records = ctx.c.find(Locator::Id("records")).await?.text().await?;
    ensure!(!records.contains("决定书"), "nothing was stored by the refused decision");

    // The reviewer answers every item of the checklist and approves (L-04, L-05).
    log_in_as(&ctx, "scj-fzsh").await?;
    ctx.goto(&review_path).await?;
    click_link(&ctx, "出具审核意见").await?;
    ctx.c.find(Locator::Id("f-opinion")).await?.select_by_value("approve").await?;
    type_into(&ctx.c.find(Locator::Id("f-reasons")).await?, "事实清楚，证据确凿，程序合法，适用依据正确，裁量适当")
        .await?;
    submit_form(&ctx).await?;
    ensure!(path_of(&ctx).await? == review_path, "the opinion is given{}", form_errors(&ctx).await);

    // The heads discuss the major decision collectively. The head approved the
    // filing and the draft, so reads the case for that work without stating a purpose
    // the opening is logged all the same).
    log_in_as(&ctx, "scj-head").await?;
    add_record(
        &ctx,
        &case_path,
        "collective_discussion",
        &[
            ("participants", "局长、副局长"),
            ("held_at", &now),
            ("minutes", "承办机构汇报案情及法制审核意见；局长：同意拟处理意见；副局长：同意"),
            ("conclusion", "同意法制审核意见，对当事人罚款人民币一万五千元"),
        ],
        false,
        &[],
    )
    .await?;

    // Now the decision is made, issued with its number, and its PDF downloaded.
    log_in_as(&ctx, "scj-zf").await?;
    add_record(&ctx, &case_path, "decision_document", &fields, false, &[]).await?;
    let row = ctx
        .c
        .find(Locator::XPath("//table[@id='records']//tr[td/a[normalize-space()='决定书']]"))
        .await
        .context("the records table lists the decision document")?;
    let issue = row.find(Locator::XPath(".//button[normalize-space()='出具文书']")).await.context("出具文书")?;
    click_and_wait(&ctx.c, &issue).await?;
    let page = body_text(&ctx).await?;
    ensure!(
        page.contains("已出具") && page.contains("安市监罚决〔"),
        "issuing gives the decision its 文号{}",
        form_errors(&ctx).await
    );
    let row = ctx.c.find(Locator::XPath("//table[@id='records']//tr[td/a[normalize-space()='决定书']]")).await?;
    let pdf = row.find(Locator::LinkText("PDF")).await?.attr("href").await?.context("the PDF link")?;
    let fetched = ctx
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0], {credentials: 'same-origin'})
               .then(r => r.arrayBuffer().then(b => done([r.headers.get('content-type'),
                 String.fromCharCode(...new Uint8Array(b.slice(0, 5))), b.byteLength])))
               .catch(e => done(['error', String(e), 0]));",
            vec![json!(pdf)],
        )
        .await?;
    ensure!(
        fetched[0] == json!("application/pdf") && fetched[1] == json!("%PDF-") && fetched[2].as_u64() > Some(10_000),
        "the decision's PDF downloads: {fetched}"
    );
    let verify = row.find(Locator::Css("a.tag")).await.context("the issued number links to its public page")?;
    click_and_wait(&ctx.c, &verify).await?;
    let public = body_text(&ctx).await?;
    ensure!(
        public.contains("已验证") && public.contains("安市监罚决〔"),
        "the authenticity page verifies the issued decision: {}",
        public.chars().take(400).collect::<String>()
    );
    Ok(())
}

async fn click_link(ctx: &Ctx, text: &str) -> Result<()> {
    let link = ctx.c.find(Locator::LinkText(text)).await.with_context(|| format!("the page offers {text}"))?;
    click_and_wait(&ctx.c, &link).await
}
