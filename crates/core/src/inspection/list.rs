//! One list, two pools (一单两库, S-01): the agency's random-inspection item list
//! (抽查事项清单), its target pool (检查对象名录库) and its inspector pool (执法检查人员名录库),
//! as [`ListEvent`]s on the stream `randomlist:<agency id>` folded into a [`RandomList`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::Uscc;
use crate::personnel::Officer;
use crate::validation::Rejection;

/// The kind of a target (检查对象类型). Every kind holds a unified social credit code: the
/// code is issued to every legal entity and to individual businesses alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetType {
    /// 企业
    Enterprise,
    /// 个体工商户
    IndividualBusiness,
    /// 机构场所, e.g. 养老机构
    Facility,
    /// 社会组织
    SocialOrganisation,
    /// 其他
    Other,
}

impl TargetType {
    pub const ALL: [TargetType; 5] = [
        TargetType::Enterprise,
        TargetType::IndividualBusiness,
        TargetType::Facility,
        TargetType::SocialOrganisation,
        TargetType::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TargetType::Enterprise => "企业",
            TargetType::IndividualBusiness => "个体工商户",
            TargetType::Facility => "机构场所",
            TargetType::SocialOrganisation => "社会组织",
            TargetType::Other => "其他",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TargetType::Enterprise => "enterprise",
            TargetType::IndividualBusiness => "individual_business",
            TargetType::Facility => "facility",
            TargetType::SocialOrganisation => "social_organisation",
            TargetType::Other => "other",
        }
    }

    /// Accepts the code, the label and a few common synonyms (个体户, 养老机构, 机构, 场所).
    pub fn parse(s: &str) -> Option<TargetType> {
        let s = s.trim();
        let synonym = match s {
            "公司" | "企业法人" => Some(TargetType::Enterprise),
            "个体户" | "个体" => Some(TargetType::IndividualBusiness),
            "机构" | "场所" | "养老机构" | "机构/场所" => Some(TargetType::Facility),
            "社会团体" | "民办非企业单位" | "社会服务机构" | "基金会" => {
                Some(TargetType::SocialOrganisation)
            }
            _ => None,
        };
        synonym.or_else(|| TargetType::ALL.into_iter().find(|t| t.as_str() == s || t.label() == s))
    }
}

/// An inspection ratio (抽查比例) in basis points: 500 is 5 %. Between 0.01 % and 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Ratio(u32);

impl Ratio {
    pub const FULL: u32 = 10_000;

    pub fn from_basis_points(bp: u32) -> Result<Ratio, String> {
        if bp == 0 {
            Err("抽查比例必须大于0".into())
        } else if bp > Self::FULL {
            Err("抽查比例不能超过100%".into())
        } else {
            Ok(Ratio(bp))
        }
    }

    /// Parses "5%", "5％", "5" (a percentage) and "0.5%"; at most two decimals.
    pub fn parse(input: &str) -> Result<Ratio, String> {
        let s = input.trim().trim_end_matches(['%', '％']).trim();
        let bad = || format!("抽查比例“{}”无法识别，请填写百分比，如5%或0.5%（最多两位小数）", input.trim());
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() && frac.is_empty()
            || frac.len() > 2
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || int.len() > 4
        {
            return Err(bad());
        }
        let whole: u32 = if int.is_empty() { 0 } else { int.parse().map_err(|_| bad())? };
        let cents: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        Self::from_basis_points(whole * 100 + cents)
    }

    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// How many of `eligible` targets to draw: ceil(eligible × ratio), at least one when
    /// there is any.
    pub fn sample_size(self, eligible: usize) -> usize {
        let n = eligible as u64;
        let k = (n * u64::from(self.0)).div_ceil(u64::from(Self::FULL));
        (k as usize).max(usize::from(eligible > 0)).min(eligible)
    }
}

impl TryFrom<u32> for Ratio {
    type Error = String;
    fn try_from(bp: u32) -> Result<Self, Self::Error> {
        Ratio::from_basis_points(bp)
    }
}

impl From<Ratio> for u32 {
    fn from(r: Ratio) -> u32 {
        r.0
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (w, c) = (self.0 / 100, self.0 % 100);
        match c {
            0 => write!(f, "{w}%"),
            c if c % 10 == 0 => write!(f, "{w}.{}%", c / 10),
            c => write!(f, "{w}.{c:02}%"),
        }
    }
}

/// One line of the random-inspection item list (抽查事项清单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionItem {
    pub id: Uuid,
    /// 检查主体
    pub subject: String,
    /// 抽查事项
    pub name: String,
    /// 抽查对象类型
    pub target_type: TargetType,
    /// 依据
    pub basis: String,
    /// 检查内容
    pub content: String,
    /// 检查方式
    pub method: String,
    /// 抽查比例
    pub ratio: Ratio,
    /// 抽查频次, e.g. 每年1次
    pub frequency: String,
}

impl InspectionItem {
    fn validate(&self, r: &mut Rejection) {
        r.require("item.subject", "检查主体", &self.subject);
        r.require("item.name", "抽查事项名称", &self.name);
        r.require("item.basis", "抽查依据", &self.basis);
        r.require("item.content", "检查内容", &self.content);
        r.require("item.method", "检查方式", &self.method);
        r.require("item.frequency", "抽查频次", &self.frequency);
    }
}

/// A target in the pool (检查对象名录库), keyed by its unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub uscc: Uscc,
    pub name: String,
    pub target_type: TargetType,
    pub address: String,
    /// 区域, e.g. 安乡县深柳镇
    pub area: String,
    /// 行业
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
}

impl Target {
    /// The key in the pool: the unified social credit code.
    pub fn key(&self) -> &str {
        self.uscc.as_str()
    }

    fn validate(&self, field: &str, r: &mut Rejection) {
        if self.name.trim().is_empty() {
            r.add(format!("{field}.name"), format!("检查对象{}缺少名称", self.key()));
        }
        if self.area.trim().is_empty() {
            r.add(format!("{field}.area"), format!("检查对象{}缺少所属区域", self.key()));
        }
    }
}

/// Events of the stream `randomlist:<agency id>`, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ListEvent {
    ItemAdded {
        item: InspectionItem,
    },
    ItemChanged {
        item: InspectionItem,
    },
    ItemRemoved {
        item_id: Uuid,
        reason: String,
    },
    /// One import batch, all or nothing.
    TargetsImported {
        targets: Vec<Target>,
        source: String,
    },
    TargetChanged {
        target: Target,
    },
    TargetRemoved {
        key: String,
        reason: String,
    },
    /// An officer entered the inspector pool, assignable on `on` (P-01).
    InspectorAdded {
        officer_id: Uuid,
        on: NaiveDate,
    },
    InspectorRemoved {
        officer_id: Uuid,
        reason: String,
    },
}

/// The fold of an agency's `randomlist` stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RandomList {
    pub agency_id: Uuid,
    /// In the order they were added.
    pub items: Vec<InspectionItem>,
    /// By key (USCC).
    pub targets: BTreeMap<String, Target>,
    pub inspectors: BTreeSet<Uuid>,
}

impl RandomList {
    pub fn fold<'a>(agency_id: Uuid, events: impl IntoIterator<Item = &'a ListEvent>) -> RandomList {
        let mut list = RandomList { agency_id, ..Default::default() };
        for e in events {
            list.apply(e);
        }
        list
    }

    pub fn apply(&mut self, e: &ListEvent) {
        match e {
            ListEvent::ItemAdded { item } => self.items.push(item.clone()),
            ListEvent::ItemChanged { item } => {
                if let Some(i) = self.items.iter_mut().find(|i| i.id == item.id) {
                    *i = item.clone();
                }
            }
            ListEvent::ItemRemoved { item_id, .. } => self.items.retain(|i| i.id != *item_id),
            ListEvent::TargetsImported { targets, .. } => {
                for t in targets {
                    self.targets.insert(t.key().to_string(), t.clone());
                }
            }
            ListEvent::TargetChanged { target } => {
                self.targets.insert(target.key().to_string(), target.clone());
            }
            ListEvent::TargetRemoved { key, .. } => {
                self.targets.remove(key);
            }
            ListEvent::InspectorAdded { officer_id, .. } => {
                self.inspectors.insert(*officer_id);
            }
            ListEvent::InspectorRemoved { officer_id, .. } => {
                self.inspectors.remove(officer_id);
            }
        }
    }

    pub fn item(&self, id: Uuid) -> Option<&InspectionItem> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn decide_add_item(&self, item: InspectionItem) -> Result<ListEvent, Rejection> {
        let mut r = Rejection::new();
        item.validate(&mut r);
        if self.item(item.id).is_some() {
            r.add("item.id", "该抽查事项已在清单中");
        }
        if self.items.iter().any(|i| i.name.trim() == item.name.trim() && i.target_type == item.target_type) {
            r.add("item.name", format!("清单中已有针对{}的抽查事项“{}”", item.target_type.label(), item.name.trim()));
        }
        r.into_result()?;
        Ok(ListEvent::ItemAdded { item })
    }

    pub fn decide_change_item(&self, item: InspectionItem) -> Result<ListEvent, Rejection> {
        let mut r = Rejection::new();
        item.validate(&mut r);
        match self.item(item.id) {
            None => r.add("item.id", "清单中没有该抽查事项"),
            Some(old) if *old == item => r.add("item", "抽查事项没有变化"),
            Some(_) => {}
        }
        r.into_result()?;
        Ok(ListEvent::ItemChanged { item })
    }

    pub fn decide_remove_item(&self, item_id: Uuid, reason: &str) -> Result<ListEvent, Rejection> {
        let mut r = Rejection::new();
        if self.item(item_id).is_none() {
            r.add("item_id", "清单中没有该抽查事项");
        }
        r.require("reason", "移出清单的原因", reason);
        r.into_result()?;
        Ok(ListEvent::ItemRemoved { item_id, reason: reason.trim().to_string() })
    }

    /// Imports a batch (already checked row by row with
    /// [`parse_target_rows`](super::parse_target_rows)); the batch is refused whole if any
    /// target is invalid or already in the pool.
    pub fn decide_import_targets(&self, targets: Vec<Target>, source: &str) -> Result<ListEvent, Rejection> {
        let mut r = Rejection::new();
        if targets.is_empty() {
            r.add("targets", "导入文件中没有检查对象");
        }
        r.require("source", "数据来源", source);
        let mut seen = BTreeSet::new();
        for (i, t) in targets.iter().enumerate() {
            let field = format!("targets[{i}]");
            t.validate(&field, &mut r);
            if !seen.insert(t.key()) {
                r.add(format!("{field}.uscc"), format!("统一社会信用代码{}在本次导入中重复", t.key()));
            } else if self.targets.contains_key(t.key()) {
                r.add(format!("{field}.uscc"), format!("统一社会信用代码{}已在检查对象名录库中", t.key()));
            }
        }
        r.into_result()?;
        Ok(ListEvent::TargetsImported { targets, source: source.trim().to_string() })
    }

    pub fn decide_change_target(&self, target: Target) -> Result<ListEvent, Rejection> {
        let mut r = Rejection::new();
        target.validate("target", &mut r);
        match self.targets.get(target.key()) {
            None => r.add("target.uscc", format!("名录库中没有统一社会信用代码为{}的检查对象", target.key())),
            Some(old) if *old == target => r.add("target", "检查对象信息没有变化"),
            Some(_) => {}
        }
        r.into_result()?;
        Ok(ListEvent::TargetChanged { target })
    }

    pub fn decide_remove_target(&self, key: &str, reason: &str) -> Result<ListEvent, Rejection> {
        let mut r = Rejection::new();
        let key = key.trim().to_ascii_uppercase();
        if !self.targets.contains_key(&key) {
            r.add("key", format!("名录库中没有统一社会信用代码为{key}的检查对象"));
        }
        r.require("reason", "移出名录库的原因（如注销、迁出）", reason);
        r.into_result()?;
        Ok(ListEvent::TargetRemoved { key, reason: reason.trim().to_string() })
    }

    /// Adds an officer of this agency who may perform enforcement on `on` (P-01, P-03…P-05).
    pub fn decide_add_inspector(&self, officer: &Officer, on: NaiveDate) -> Result<ListEvent, Rejection> {
        let mut r = Rejection::new();
        if officer.profile.agency_id != self.agency_id {
            r.add("officer_id", format!("{}不是本机关的执法人员", officer.profile.name));
        }
        if let Err(e) = officer.assignable_on(on) {
            r.add("officer_id", format!("{e}，不能进入执法检查人员名录库"));
        }
        if self.inspectors.contains(&officer.id) {
            r.add("officer_id", format!("{}已在执法检查人员名录库中", officer.profile.name));
        }
        r.into_result()?;
        Ok(ListEvent::InspectorAdded { officer_id: officer.id, on })
    }

    pub fn decide_remove_inspector(&self, officer_id: Uuid, reason: &str) -> Result<ListEvent, Rejection> {
        let mut r = Rejection::new();
        if !self.inspectors.contains(&officer_id) {
            r.add("officer_id", "该人员不在执法检查人员名录库中");
        }
        r.require("reason", "移出名录库的原因", reason);
        r.into_result()?;
        Ok(ListEvent::InspectorRemoved { officer_id, reason: reason.trim().to_string() })
    }
}
