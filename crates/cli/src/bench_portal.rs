//! `zhifa bench portal-data`: fills the configured database with published decisions for
//! the portal's load benchmark (issue 5: 1M publications), then rebuilds the search index
//! and says how long that took. `scripts/bench-portal` drives it and the load tool.
//!
//! The publications are real events — `Prepared` and `Published` on their own
//! `publication:<id>` streams, appended in large groups through `Db::append`, projected
//! and hashed into the ledger like any other — with realistic, varied Chinese notices made
//! from templates (violation, basis, penalty, party, place), so that segmentation and
//! ranking do real work. They hang on one demo case (the projection takes the agency from
//! the case); nothing else reads them that way. A sample of the record ids is written to a
//! file for the detail-page requests.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use chrono::{Days, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;
use uuid::Uuid;
use zhifa_core::case::PartyKind;
use zhifa_core::disclosure::publication::{DecisionNotice, PublicationEvent};
use zhifa_core::events::{Actor, stream};
use zhifa_core::profile::ProfileRef;
use zhifa_core::registry::ActKind;
use zhifa_store::{Append, ExpectedVersion};

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct PortalDataArgs {
    /// How many published decisions to add
    #[arg(long, default_value_t = 1_000_000)]
    pub publications: u64,
    /// Publications per append (each is two events)
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
    /// Write this many record ids, one a line, for the detail-page requests
    #[arg(long)]
    pub ids_file: Option<PathBuf>,
}

const VIOLATIONS: &[(&str, &str, &str)] = &[
    (
        "未将营业执照置于住所或者主要经营场所的醒目位置",
        "《中华人民共和国市场主体登记管理条例》第三十六条、第四十八条第一款",
        "警告",
    ),
    (
        "销售超过保质期的食品",
        "《中华人民共和国食品安全法》第三十四条第十项、第一百二十四条第一款",
        "没收违法所得并处罚款",
    ),
    (
        "未取得食品经营许可从事食品经营活动",
        "《中华人民共和国食品安全法》第三十五条、第一百二十二条第一款",
        "没收违法所得并处罚款",
    ),
    ("经营标签不符合规定的预包装食品", "《中华人民共和国食品安全法》第六十七条、第一百二十五条第一款第二项", "罚款"),
    ("未按规定明码标价", "《中华人民共和国价格法》第十三条、第四十二条", "责令改正并处罚款"),
    ("使用未经检定的计量器具", "《中华人民共和国计量法》第九条、《中华人民共和国计量法实施细则》第四十三条", "罚款"),
    ("发布虚假广告", "《中华人民共和国广告法》第二十八条、第五十五条第一款", "责令停止发布广告并处罚款"),
    ("销售不合格的电线电缆产品", "《中华人民共和国产品质量法》第三十九条、第五十条", "没收违法销售的产品并处罚款"),
    ("超范围使用食品添加剂", "《中华人民共和国食品安全法》第三十四条第四项、第一百二十四条第一款第三项", "罚款"),
    ("未按规定进行年度报告公示", "《企业信息公示暂行条例》第八条、第十七条", "列入经营异常名录"),
    ("擅自改变烟草专卖零售许可证核定的经营地址", "《中华人民共和国烟草专卖法实施条例》第二十五条", "罚款"),
    (
        "在禁渔期内使用禁用渔具捕捞",
        "《中华人民共和国渔业法》第三十条、第三十八条第一款",
        "没收渔获物和违法所得并处罚款",
    ),
    ("未按规定设置安全警示标志", "《中华人民共和国安全生产法》第三十五条、第九十九条第一项", "责令限期改正并处罚款"),
    ("运输车辆超限运输", "《公路安全保护条例》第三十三条、第六十四条", "罚款"),
    ("违规露天焚烧秸秆", "《中华人民共和国大气污染防治法》第七十七条、第一百一十九条第一款", "罚款"),
];
const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭", "欧阳"];
const TOWNS: &[&str] = &["深柳镇", "黄山头镇", "安障乡", "官垱镇", "下渔口镇", "陈家嘴镇", "安康乡", "大湖口镇"];
const TRADES: &[&str] = &["食品", "商贸", "建材", "五金", "农资", "餐饮", "电器", "渔业", "物流", "医药"];
const AMOUNTS: &[&str] =
    &["二千元", "三千元", "五千元", "八千元", "一万元", "一万五千元", "二万元", "三万元", "五万元"];

fn notice(rng: &mut impl Rng, n: u64, agency: &str, decided_on: NaiveDate) -> (DecisionNotice, PartyKind) {
    let (violation, basis, penalty) = VIOLATIONS.choose(rng).expect("templates");
    let town = TOWNS.choose(rng).expect("towns");
    let (party, kind) = if rng.random_bool(0.4) {
        (format!("{}**", SURNAMES.choose(rng).expect("surnames")), PartyKind::Person)
    } else {
        let trade = TRADES.choose(rng).expect("trades");
        (
            format!("安乡县{town}{}{trade}有限公司", ["鑫源", "华盛", "兴旺", "金穗", "宏达", "恒通"][n as usize % 6]),
            PartyKind::Organisation,
        )
    };
    let amount = AMOUNTS.choose(rng).expect("amounts");
    let facts = format!(
        "经查，当事人在安乡县{town}从事经营活动期间{violation}，执法人员于{}现场检查时发现，有现场检查笔录、询问笔录、照片等证据证实。",
        decided_on - Days::new(rng.random_range(10..60))
    );
    let conclusion =
        if penalty.contains("罚款") { format!("{penalty}人民币{amount}") } else { (*penalty).to_string() };
    let notice = DecisionNotice {
        kind: Default::default(),
        agency: agency.to_string(),
        party,
        category: ActKind::Penalty.label().into(),
        document_number: format!("安市监罚决〔{}〕{}号", decided_on.format("%Y"), n + 1),
        facts,
        basis: (*basis).to_string(),
        conclusion,
        decided_on,
    };
    (notice, kind)
}

pub async fn run(config: &Config, args: PortalDataArgs) -> anyhow::Result<()> {
    let app = crate::open(config).await?.with_search(crate::search_index(config)?);
    if app.db.agencies().await?.is_empty() {
        app.load_demo().await.map_err(|e| anyhow::anyhow!("载入演示数据失败：{e}"))?;
    }
    let case = app.db.all_cases().await?.into_iter().next().context("no case to hang the publications on")?;
    let agency = app.db.agency(case.agency_id).await?.context("the case's agency")?.info.name;
    let profile = ProfileRef { id: "anxiang".into(), version: 1 };
    let today = zhifa_app::cases::beijing_now().date();
    let actor = Actor::system("公示基准数据");
    let mut rng = rand::rng();
    let mut ids = Vec::new();
    let started = Instant::now();
    let mut done = 0u64;
    while done < args.publications {
        let n = (args.publications - done).min(args.batch as u64);
        let mut batch = Vec::with_capacity(n as usize);
        for i in 0..n {
            let record_id = Uuid::new_v4();
            let decided_on = today - Days::new(rng.random_range(1..700));
            let (notice, party_kind) = notice(&mut rng, done + i, &agency, decided_on);
            let prepared = PublicationEvent::Prepared {
                case_id: case.id,
                record_id,
                act_kind: ActKind::Penalty,
                party_kind,
                notice,
                due: decided_on + Days::new(9),
                profile: profile.clone(),
            };
            let published = PublicationEvent::Published {
                on: decided_on + Days::new(3),
                takedown_on: today + Days::new(rng.random_range(30..1800)),
                late: None,
                profile: profile.clone(),
            };
            if ids.len() < 10_000 {
                ids.push(record_id);
            }
            batch.push(Append::new(
                stream::publication(record_id),
                ExpectedVersion::NoStream,
                vec![prepared.into(), published.into()],
            ));
        }
        app.db.append(&actor, batch).await?;
        done += n;
        if done % 50_000 < n {
            eprintln!("{done} publications, {:.0}/s", done as f64 / started.elapsed().as_secs_f64());
        }
    }
    let appended = started.elapsed();
    println!(
        "appended {done} publications ({} events) in {:.1} s ({:.0} publications/s)",
        done * 2,
        appended.as_secs_f64(),
        done as f64 / appended.as_secs_f64()
    );
    let started = Instant::now();
    let indexed = app.rebuild_search().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("search index rebuilt: {indexed} publications in {:.1} s", started.elapsed().as_secs_f64());
    if let Some(path) = args.ids_file {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for id in ids {
            writeln!(f, "{id}")?;
        }
    }
    Ok(())
}
