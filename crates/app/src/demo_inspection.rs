//! The demo's random inspections (issue 6): the market regulator's random-inspection list
//! (two items), a target pool of sixty market entities imported from a CSV file as an
//! agency would, its certified officers as the inspector pool, and a plan committed and
//! drawn in public, one result recorded and published — so that the pages and the
//! portal's plan, draw and result have something real to show.

use chrono::Days;
use uuid::Uuid;
use zhifa_core::ids::Uscc;
use zhifa_core::inspection::{InspectionItem, InspectionResult, PlanSpec, Ratio, TargetType, TaskResult};

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// The demo plan's name.
pub const DEMO_PLAN: &str = "2026年度经营主体登记事项双随机抽查";

/// What the witnesses read out at the demo draw (S-02's public input).
pub const DEMO_PUBLIC_INPUT: &str = "监督员读取：483920、175306";

const FIRMS: [&str; 12] =
    ["鑫源", "华盛", "宏达", "德兴", "金穗", "湘北", "洞庭", "安泰", "恒通", "利民", "佳禾", "瑞丰"];
const TRADES: [&str; 4] = ["商贸有限公司", "农业科技有限公司", "建材有限公司", "食品有限公司"];
const TOWNS: [&str; 4] = ["深柳镇", "黄山头镇", "三岔河镇", "大鲸港镇"];
const SHOPS: [&str; 3] = ["兴旺副食店", "好味来餐馆", "明亮眼镜店"];

/// A valid unified social credit code of Anxiang county (430721) for a registered entity
/// of `kind` (1 enterprise, 2 individual business) with serial `n`.
pub fn demo_uscc(kind: u8, n: u32) -> String {
    let first17 = format!("9{kind}430721MA4L{n:05}");
    format!("{first17}{}", Uscc::check_character(&first17))
}

/// The demo target pool as the CSV an agency would upload: 48 companies, 12 shops.
pub fn demo_targets_csv() -> String {
    let mut csv = String::from("统一社会信用代码,名称,对象类型,地址,区域,行业\n");
    let mut n = 0;
    for firm in FIRMS {
        for trade in TRADES {
            n += 1;
            let town = TOWNS[n as usize % TOWNS.len()];
            csv.push_str(&format!(
                "{},安乡县{firm}{trade},企业,安乡县{town}建设路{n}号,{town},{}\n",
                demo_uscc(1, n),
                if trade.contains("食品") { "食品" } else { "批发和零售业" }
            ));
        }
    }
    for town in TOWNS {
        for shop in SHOPS {
            n += 1;
            csv.push_str(&format!(
                "{},安乡县{town}{shop},个体工商户,安乡县{town}商业街{n}号,{town},零售业\n",
                demo_uscc(2, n)
            ));
        }
    }
    csv
}

impl App {
    /// The market regulator's list and pools (S-01), built through the services as its
    /// staff would. Returns the agency and its two items.
    pub async fn demo_random_list(&self) -> AppResult<(Uuid, Vec<Uuid>)> {
        let zf = self.principal("scj-zf").await?;
        let agency = zf.agency_id.ok_or(AppError::NotFound("执法机关"))?;
        let subject = "安乡县市场监督管理局";
        let items = [
            InspectionItem {
                id: Uuid::new_v4(),
                subject: subject.into(),
                name: "经营主体登记事项检查".into(),
                target_type: TargetType::Enterprise,
                basis: "《中华人民共和国市场主体登记管理条例》第三十五条、第三十八条".into(),
                content: "营业执照是否置于住所或者主要经营场所的醒目位置；住所、经营范围等登记事项与实际是否一致"
                    .into(),
                method: "现场检查、书面检查".into(),
                ratio: Ratio::parse("10%").expect("a ratio"),
                frequency: "每年1次".into(),
            },
            InspectionItem {
                id: Uuid::new_v4(),
                subject: subject.into(),
                name: "个体工商户年度报告公示信息检查".into(),
                target_type: TargetType::IndividualBusiness,
                basis: "《促进个体工商户发展条例》第二十一条".into(),
                content: "年度报告公示的经营场所、从业人数等信息是否真实".into(),
                method: "现场检查".into(),
                ratio: Ratio::parse("20%").expect("a ratio"),
                frequency: "每年1次".into(),
            },
        ];
        let mut ids = Vec::new();
        for item in items {
            ids.push(self.add_inspection_item(&zf, agency, item).await?);
        }
        self.import_targets(&zf, agency, "2026年检查对象名录.csv", demo_targets_csv().as_bytes())
            .await
            .map_err(|e| AppError::Conflict(format!("演示检查对象导入失败：{e:?}")))?;
        for officer in self.officers_in_post("scj-zf").await? {
            // An officer whose certificate lapsed or was revoked is refused (P-01).
            if let Err(e) = self.add_inspector(&zf, agency, officer).await {
                tracing::debug!("demo inspector left out: {e}");
            }
        }
        Ok((agency, ids))
    }

    /// The demo plan over the regulator's items, for this quarter.
    pub async fn demo_plan(&self, agency: Uuid, items: Vec<Uuid>) -> AppResult<Uuid> {
        let zf = self.principal("scj-zf").await?;
        let today = beijing_now().date();
        let spec = PlanSpec {
            name: DEMO_PLAN.into(),
            lead_agency: agency,
            items,
            from: today - Days::new(7),
            to: today + Days::new(60),
            ratio: None,
            inspectors_per_target: 2,
            joining_agencies: vec![],
        };
        self.create_plan(&zf, spec).await
    }

    /// The whole demo: list, pools, a plan committed and drawn, the first task's result
    /// recorded and published on the portal. Called by the server's demo after
    /// [`App::load_demo`]; nothing when the list is there already (a second start).
    pub async fn load_demo_inspection(&self) -> AppResult<()> {
        let zf = self.principal("scj-zf").await?;
        let agency = zf.agency_id.ok_or(AppError::NotFound("执法机关"))?;
        if !self.db.load_random_list(agency).await?.0.items.is_empty() {
            return Ok(());
        }
        let (agency, items) = self.demo_random_list().await?;
        let head = self.principal("scj-head").await?;
        let plan = self.demo_plan(agency, items).await?;
        self.commit_plan(&head, plan).await?;
        self.draw_plan(&head, plan, DEMO_PUBLIC_INPUT).await?;
        let result = InspectionResult {
            ended_on: beijing_now().date(),
            result: TaskResult::NoProblem,
            summary: "营业执照置于经营场所醒目位置，住所、经营范围与登记一致，未发现问题".into(),
            record_id: None,
        };
        self.record_inspection_result(&head, plan, 0, result).await?;
        self.publish_inspection_result(&head, plan, 0).await
    }
}
