//! Tests of the random inspections (S-01…S-05): fixtures, the list and pools, the import,
//! plans and the commitment. The draw is tested in `tests/draw.rs`, results in
//! `tests/results.rs`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::ids::{CitizenId, Uscc};
use crate::personnel::{Certificate, Conflict, LeaveReason, Officer, OfficerProfile, StaffKind};

mod draw;
mod results;

pub(super) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A valid unified social credit code numbered `n`.
pub(super) fn uscc(n: u64) -> String {
    let first17 = format!("91430721{n:09}");
    format!("{first17}{}", Uscc::check_character(&first17))
}

pub(super) fn agency(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub(super) fn officer(agency_id: Uuid, n: u128, name: &str) -> Officer {
    let first17 = "43072119850312001";
    let id = format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()));
    Officer {
        id: Uuid::from_u128(n),
        profile: OfficerProfile {
            agency_id,
            unit_id: Uuid::nil(),
            name: name.into(),
            citizen_id: CitizenId::parse(&id).unwrap(),
            kind: StaffKind::Officer,
            position: String::new(),
            phone: String::new(),
        },
        certificates: vec![Certificate {
            number: format!("C{n}"),
            category: "市场监管".into(),
            scope: "安乡县".into(),
            issued_on: d("2024-01-01"),
            expires_on: d("2027-12-31"),
            revoked: None,
        }],
        left_post: None,
        conflicts: vec![],
    }
}

pub(super) fn declare(o: &mut Officer, key: &str) {
    o.conflicts.push(Conflict {
        party_key: key.into(),
        party_name: String::new(),
        reason: "近亲属".into(),
        declared_on: d("2025-01-02"),
    });
}

pub(super) fn item(n: u128, target_type: TargetType, ratio: &str) -> InspectionItem {
    InspectionItem {
        id: Uuid::from_u128(1000 + n),
        subject: "安乡县市场监督管理局".into(),
        name: format!("抽查事项{n}"),
        target_type,
        basis: "《企业信息公示暂行条例》第十四条".into(),
        content: "年度报告公示信息".into(),
        method: "书面检查、实地核查".into(),
        ratio: Ratio::parse(ratio).unwrap(),
        frequency: "每年1次".into(),
    }
}

pub(super) fn target(n: u64, target_type: TargetType) -> Target {
    Target {
        uscc: Uscc::parse(&uscc(n)).unwrap(),
        name: format!("检查对象{n}"),
        target_type,
        address: "安乡县深柳镇".into(),
        area: "深柳镇".into(),
        industry: None,
    }
}

/// Agencies with their lists, officers and names.
pub(super) struct World {
    pub lists: Vec<RandomList>,
    pub officers: Vec<Officer>,
    pub names: BTreeMap<Uuid, String>,
}

impl World {
    /// Agency 1 leads with `targets` enterprises, an item at `ratio` and `inspectors[0]`
    /// inspectors; agency k+1 has `inspectors[k]`.
    pub fn new(targets: u64, ratio: &str, inspectors: &[usize]) -> World {
        let mut lists = Vec::new();
        let mut officers = Vec::new();
        let mut names = BTreeMap::new();
        for (a, &n) in inspectors.iter().enumerate() {
            let id = agency(a as u128 + 1);
            names.insert(id, format!("机关{}", a + 1));
            let mut events = Vec::new();
            if a == 0 {
                events.push(ListEvent::ItemAdded { item: item(1, TargetType::Enterprise, ratio) });
                let ts = (1..=targets).map(|t| target(t, TargetType::Enterprise)).collect();
                events.push(ListEvent::TargetsImported { targets: ts, source: "测试".into() });
            }
            for i in 0..n {
                let o = officer(id, (a as u128 + 1) * 1_000_000 + i as u128, &format!("人员{}-{i}", a + 1));
                events.push(ListEvent::InspectorAdded { officer_id: o.id, on: d("2025-01-02") });
                officers.push(o);
            }
            lists.push(RandomList::fold(id, &events));
        }
        World { lists, officers, names }
    }

    pub fn spec(&self, per_target: u32) -> PlanSpec {
        PlanSpec {
            name: "2025年度企业年报双随机抽查".into(),
            lead_agency: self.lists[0].agency_id,
            items: self.lists[0].items.iter().map(|i| i.id).collect(),
            from: d("2025-03-01"),
            to: d("2025-11-30"),
            ratio: None,
            inspectors_per_target: per_target,
            joining_agencies: self.lists[1..].iter().map(|l| l.agency_id).collect(),
        }
    }

    pub fn freeze(&self, spec: &PlanSpec, exclusions: &BTreeMap<Uuid, BTreeSet<String>>) -> FrozenPools {
        let input = PoolInputs {
            lead: &self.lists[0],
            joining: self.lists[1..].iter().collect(),
            agency_names: &self.names,
            officers: &self.officers,
            exclusions,
        };
        FrozenPools::build(spec, &input).unwrap().0
    }

    /// A committed plan.
    pub fn committed(&self, spec: PlanSpec, seed: &[u8; 32]) -> Plan {
        let created = decide_create(&self.lists[0], Uuid::from_u128(77), spec).unwrap();
        let plan = Plan::fold([&created]).unwrap();
        let frozen = self.freeze(&plan.spec, &BTreeMap::new());
        let committed = decide_commit(&plan, frozen, &seed_commitment(seed), d("2025-03-01")).unwrap();
        Plan::fold([&created, &committed]).unwrap()
    }
}

/// Folds one more event into a plan.
pub(super) fn then(mut plan: Plan, e: &PlanEvent) -> Plan {
    plan.apply(e);
    plan
}

// rule: S-02
#[test]
fn ratios_parse_as_basis_points_and_round_up() {
    assert_eq!(Ratio::parse("5%").unwrap().basis_points(), 500);
    assert_eq!(Ratio::parse("5").unwrap().basis_points(), 500);
    assert_eq!(Ratio::parse(" 0.5％ ").unwrap().basis_points(), 50);
    assert_eq!(Ratio::parse("12.25%").unwrap().basis_points(), 1225);
    assert_eq!(Ratio::parse("100%").unwrap().basis_points(), 10_000);
    for bad in ["0", "0%", "101%", "abc", "5‰", "0.125%", "", "-5%", "1.2.3"] {
        assert!(Ratio::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Ratio::parse("0.5%").unwrap().to_string(), "0.5%");
    assert_eq!(Ratio::parse("5").unwrap().to_string(), "5%");
    let five = Ratio::parse("5%").unwrap();
    assert_eq!(five.sample_size(1_000_000), 50_000);
    assert_eq!(five.sample_size(21), 2, "ceil(1.05)");
    assert_eq!(five.sample_size(10), 1, "at least one");
    assert_eq!(five.sample_size(0), 0);
    assert_eq!(Ratio::parse("100%").unwrap().sample_size(7), 7);
    assert_eq!(serde_json::to_string(&five).unwrap(), "500");
    assert!(serde_json::from_str::<Ratio>("0").is_err());
}

#[test]
fn target_types_parse_codes_labels_and_synonyms() {
    for t in TargetType::ALL {
        assert_eq!(TargetType::parse(t.as_str()), Some(t));
        assert_eq!(TargetType::parse(t.label()), Some(t));
    }
    assert_eq!(TargetType::parse("个体户"), Some(TargetType::IndividualBusiness));
    assert_eq!(TargetType::parse("养老机构"), Some(TargetType::Facility));
    assert_eq!(TargetType::parse("自然人"), None);
}

// rule: S-01
#[test]
fn every_change_to_the_list_and_pools_is_an_event_checked_in_chinese() {
    let a = agency(1);
    let mut list = RandomList::fold(a, []);
    let mut it = item(1, TargetType::Enterprise, "5%");
    it.basis = " ".into();
    let err = list.decide_add_item(it.clone()).unwrap_err();
    assert_eq!(err.message_for("item.basis"), Some("请填写抽查依据"));
    it.basis = "《企业信息公示暂行条例》".into();
    list.apply(&list.decide_add_item(it.clone()).unwrap());
    assert!(list.decide_add_item(it.clone()).is_err(), "twice");
    let mut changed = it.clone();
    changed.ratio = Ratio::parse("3%").unwrap();
    list.apply(&list.decide_change_item(changed).unwrap());
    assert_eq!(list.items[0].ratio.basis_points(), 300);
    assert!(list.decide_remove_item(it.id, "").unwrap_err().message_for("reason").is_some());

    let batch = vec![target(1, TargetType::Enterprise), target(2, TargetType::Facility)];
    list.apply(&list.decide_import_targets(batch.clone(), "2025年名录").unwrap());
    assert_eq!(list.targets.len(), 2);
    // A batch with one target already in the pool is refused whole.
    let again = list.decide_import_targets(vec![target(3, TargetType::Enterprise), batch[0].clone()], "x");
    assert!(again.unwrap_err().to_string().contains("已在检查对象名录库中"));
    let removed = list.decide_remove_target(&uscc(2).to_lowercase(), "已注销").unwrap();
    list.apply(&removed);
    assert_eq!(list.targets.len(), 1);
    assert!(list.decide_remove_target(&uscc(2), "已注销").is_err());
}

// rule: P-01
#[test]
fn only_assignable_officers_of_the_agency_enter_the_inspector_pool() {
    let a = agency(1);
    let list = RandomList::fold(a, []);
    let on = d("2025-03-01");
    let ok = officer(a, 1, "李明");
    assert!(list.decide_add_inspector(&ok, on).is_ok());
    let mut expired = officer(a, 2, "张华");
    expired.certificates[0].expires_on = d("2025-02-28");
    assert!(list.decide_add_inspector(&expired, on).unwrap_err().to_string().contains("已过期"));
    let mut aux = officer(a, 3, "王辅");
    aux.profile.kind = StaffKind::Auxiliary;
    assert!(list.decide_add_inspector(&aux, on).unwrap_err().to_string().contains("辅助人员"));
    let mut reviewer = officer(a, 4, "赵审");
    reviewer.profile.kind = StaffKind::LegalReviewer;
    assert!(list.decide_add_inspector(&reviewer, on).is_err());
    let mut left = officer(a, 5, "钱退");
    left.left_post = Some((d("2025-01-01"), LeaveReason::Retirement, String::new()));
    assert!(list.decide_add_inspector(&left, on).unwrap_err().to_string().contains("离岗"));
    let other = officer(agency(2), 6, "孙外");
    assert!(list.decide_add_inspector(&other, on).unwrap_err().to_string().contains("不是本机关"));
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

// rule: S-01
#[test]
fn an_import_lists_every_bad_row_with_its_number() {
    let mut pool = RandomList::fold(agency(1), []);
    pool.apply(&ListEvent::TargetsImported { targets: vec![target(9, TargetType::Enterprise)], source: "旧".into() });
    let header = row(&["社会信用代码*", "企业名称", "类型", "住所", "所属区域", "行业"]);
    let good = uscc(1);
    let mut bad_check = uscc(2);
    let wrong = if bad_check.ends_with('0') { "1" } else { "0" };
    let expected = bad_check.pop().unwrap();
    bad_check.push_str(wrong);
    let rows = vec![
        row(&[&good, "安乡县甲公司", "企业", "深柳镇1号", "深柳镇", "零售"]),
        row(&[&bad_check, "乙公司", "企业", "", "深柳镇", ""]),
        row(&[&uscc(3), "", "企业", "", "深柳镇", ""]),
        row(&[&uscc(4), "丙店", "自然人", "", "深柳镇", ""]),
        row(&["", "", "", "", "", ""]),
        row(&[&good.to_lowercase(), "甲公司分号", "企业", "", "深柳镇", ""]),
        row(&[&uscc(9), "丁公司", "企业", "", "深柳镇", ""]),
        row(&["123", "戊公司", "个体户", "", "深柳镇", ""]),
    ];
    let errors = parse_target_rows(&rows, &header, &pool).unwrap_err();
    let by_row: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.message.as_str())).collect();
    assert_eq!(errors.len(), 6, "{by_row:?}");
    assert_eq!(errors[0].row, 3);
    assert!(errors[0].message.contains(&format!("应为{expected}")), "{}", errors[0].message);
    assert_eq!((errors[1].row, errors[1].column.as_deref()), (4, Some("名称")));
    assert!(errors[2].message.starts_with("第5行：对象类型“自然人”无法识别"), "{}", errors[2].message);
    assert!(errors[3].message.contains("与第2行重复"), "{}", errors[3].message);
    assert!(errors[4].message.contains("已在检查对象名录库中"));
    assert!(errors[5].message.contains("应为18位"));
    // Good rows alone pass, with the synonyms of the header understood.
    let ok = parse_target_rows(&rows[..1], &header, &pool).unwrap();
    assert_eq!(ok[0].key(), good);
    assert_eq!(ok[0].industry.as_deref(), Some("零售"));
    // A header without a required column is refused as row 1.
    let errs = parse_target_rows(&rows, &row(&["名称", "类型"]), &pool).unwrap_err();
    assert!(errs.iter().all(|e| e.row == 1) && errs.iter().any(|e| e.message.contains("统一社会信用代码")));
}

// rule: P-02, S-03
#[test]
fn a_plan_needs_two_inspectors_and_items_of_the_list_and_is_frozen_by_its_commitment() {
    let w = World::new(40, "10%", &[4]);
    let mut spec = w.spec(1);
    let err = decide_create(&w.lists[0], Uuid::from_u128(77), spec.clone()).unwrap_err();
    assert!(err.message_for("inspectors_per_target").unwrap().contains("P-02"));
    spec.inspectors_per_target = 2;
    spec.items.push(Uuid::from_u128(999));
    let err = decide_create(&w.lists[0], Uuid::from_u128(77), spec.clone()).unwrap_err();
    assert!(err.to_string().contains("计划外"), "{err}");
    spec.items.pop();
    let plan = w.committed(spec.clone(), &[7; 32]);
    spec.name = "改名".into();
    assert!(decide_edit(&plan, &w.lists[0], spec).unwrap_err().to_string().contains("不能再修改"));
}

fn commit_err(w: &World, spec: PlanSpec) -> String {
    let plan = Plan::fold([&decide_create(&w.lists[0], Uuid::from_u128(77), spec).unwrap()]).unwrap();
    let frozen = w.freeze(&plan.spec, &BTreeMap::new());
    decide_commit(&plan, frozen, &seed_commitment(&[1; 32]), d("2025-03-01")).unwrap_err().to_string()
}

// rule: S-02, S-04, P-01, P-02, N-06
#[test]
fn an_infeasible_plan_is_refused_with_every_reason() {
    // No eligible target: the only item inspects facilities, the pool has enterprises.
    let mut w = World::new(10, "5%", &[3]);
    let fac = item(2, TargetType::Facility, "5%");
    w.lists[0].apply(&ListEvent::ItemAdded { item: fac.clone() });
    let mut spec = w.spec(2);
    spec.items = vec![fac.id];
    assert!(commit_err(&w, spec).contains("抽查事项“抽查事项2”没有可抽取的检查对象"));

    // A joining agency whose only officer's certificate lapsed before the plan (P-01), and
    // a lead with a single inspector for a team of three.
    let mut w = World::new(10, "5%", &[1, 1]);
    w.officers[1].certificates[0].expires_on = d("2025-02-01");
    let err = commit_err(&w, w.spec(3));
    assert!(err.contains("机关2没有持有效执法证的检查人员"), "{err}");
    assert!(err.contains("机关1须为每个检查对象派出2名检查人员，但只有1名"), "{err}");
    assert!(err.contains("检查人员不足"), "{err}");

    // Two inspectors, one of whom declared a conflict with target 3 (N-06): target 3 is
    // named, the others are fine.
    let mut w = World::new(10, "5%", &[2]);
    declare(&mut w.officers[0], &uscc(3));
    let err = commit_err(&w, w.spec(2));
    assert!(err.contains(&format!("检查对象检查对象3（{}）：机关1无回避事由的检查人员仅1名，需2名", uscc(3))), "{err}");
    assert!(!err.contains("检查对象4"), "{err}");
    // A conflict declared by name counts too.
    let mut w = World::new(10, "5%", &[2]);
    w.officers[1].conflicts.push(Conflict {
        party_key: "某人".into(),
        party_name: "检查对象5".into(),
        reason: "曾任职".into(),
        declared_on: d("2025-01-02"),
    });
    assert!(commit_err(&w, w.spec(2)).contains("检查对象检查对象5"));
}

// rule: S-02
#[test]
fn a_plan_is_committed_once_with_the_hash_of_its_pools() {
    let w = World::new(40, "10%", &[4]);
    let plan = w.committed(w.spec(2), &[3; 32]);
    let c = plan.commitment.as_ref().unwrap();
    assert_eq!(c.seed_commitment, seed_commitment(&[3; 32]));
    assert_eq!(c.pools_hash.len(), 64);
    assert_eq!(c.sizes, PoolSizes { targets: 40, excluded: 0, inspectors: vec![4] });
    let again = decide_commit(&plan, c.pools.clone(), &c.seed_commitment, d("2025-03-02")).unwrap_err();
    assert!(again.to_string().contains("已公布抽取承诺"));
    // A malformed commitment is refused.
    let fresh = Plan { commitment: None, ..plan.clone() };
    let bad = decide_commit(&fresh, c.pools.clone(), "abc", d("2025-03-02")).unwrap_err();
    assert!(bad.message_for("seed_commitment").is_some());
}
