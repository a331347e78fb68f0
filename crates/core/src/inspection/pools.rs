//! The frozen pools (冻结的名录库): the canonical, ordered input of a draw, what its hash
//! commits to, how the app builds it, and the feasibility check made before commitment.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::list::{RandomList, Ratio, TargetType};
use super::plan::PlanSpec;
use crate::personnel::Officer;
use crate::validation::Rejection;

/// How many infeasible targets a refusal names before summarising the rest.
const NAMED_TARGETS: usize = 20;

/// An item of the plan as frozen: what the draw and the notices need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenItem {
    pub id: Uuid,
    pub name: String,
    pub basis: String,
    pub target_type: TargetType,
    /// The plan's override, else the item's own ratio.
    pub ratio: Ratio,
    /// Keys of targets already inspected for this item in an overlapping period (S-03),
    /// sorted, without repeats.
    pub excluded: Vec<String>,
}

/// A target as frozen. The key is the unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenTarget {
    pub key: String,
    pub name: String,
    pub target_type: TargetType,
}

/// An inspector as frozen: assignable on the plan's first day (P-01), with the number of
/// the certificate valid then and the declared conflicts (N-06) as upper-cased party keys
/// and party names, sorted, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenInspector {
    pub officer_id: Uuid,
    pub name: String,
    pub certificate: String,
    pub conflicts: Vec<String>,
}

impl FrozenInspector {
    /// Whether a declared conflict names this target by its code or its name.
    pub fn conflicts_with(&self, target: &FrozenTarget) -> bool {
        let name = name_key(&target.name);
        self.conflicts.binary_search(&target.key).is_ok()
            || self.conflicts.binary_search_by(|c| c.as_str().cmp(&name)).is_ok()
    }
}

/// One agency's inspector pool, ordered by officer id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyPool {
    pub agency_id: Uuid,
    pub agency_name: String,
    pub inspectors: Vec<FrozenInspector>,
}

/// The canonical input of a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenPools {
    /// In the plan's order.
    pub items: Vec<FrozenItem>,
    /// Every target of the lead agency's pool whose type one of the items inspects,
    /// ordered by key.
    pub targets: Vec<FrozenTarget>,
    /// The lead agency first, then the joining agencies in the plan's order.
    pub agencies: Vec<AgencyPool>,
}

/// The sizes recorded with the commitment, so a published commitment says how many
/// targets and inspectors it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSizes {
    pub targets: u64,
    pub excluded: u64,
    /// Per agency, in the pools' order.
    pub inspectors: Vec<u64>,
}

/// What the app gathers to freeze the pools of a plan.
pub struct PoolInputs<'a> {
    pub lead: &'a RandomList,
    pub joining: Vec<&'a RandomList>,
    pub agency_names: &'a BTreeMap<Uuid, String>,
    /// The officers of every pool (others are ignored).
    pub officers: &'a [Officer],
    /// Per item, the keys already inspected in an overlapping period
    /// ([`exclusions`](super::exclusions)).
    pub exclusions: &'a BTreeMap<Uuid, BTreeSet<String>>,
}

impl FrozenPools {
    /// Freezes the pools for `spec`. Inspectors not assignable on the plan's first day are
    /// left out and named in the returned notes (P-01). Refused when an item is not in the
    /// lead agency's list or a joining agency's list is missing.
    pub fn build(spec: &PlanSpec, input: &PoolInputs) -> Result<(FrozenPools, Vec<String>), Rejection> {
        let mut r = Rejection::new();
        let mut items = Vec::new();
        for id in &spec.items {
            match input.lead.item(*id) {
                None => r.add("items", format!("抽查事项{id}不在牵头机关的抽查事项清单中")),
                Some(i) => {
                    let excluded = input.exclusions.get(id).map(|s| s.iter().cloned().collect()).unwrap_or_default();
                    items.push(FrozenItem {
                        id: i.id,
                        name: i.name.clone(),
                        basis: i.basis.clone(),
                        target_type: i.target_type,
                        ratio: spec.ratio.unwrap_or(i.ratio),
                        excluded,
                    })
                }
            }
        }
        let types: BTreeSet<TargetType> = items.iter().map(|i| i.target_type).collect();
        let targets = input
            .lead
            .targets
            .values()
            .filter(|t| types.contains(&t.target_type))
            .map(|t| FrozenTarget { key: t.key().to_string(), name: t.name.clone(), target_type: t.target_type })
            .collect();
        let officers: HashMap<Uuid, &Officer> = input.officers.iter().map(|o| (o.id, o)).collect();
        let mut notes = Vec::new();
        let mut agencies = Vec::new();
        for agency_id in spec.agencies() {
            let list =
                std::iter::once(input.lead).chain(input.joining.iter().copied()).find(|l| l.agency_id == agency_id);
            let agency_name = input.agency_names.get(&agency_id).cloned().unwrap_or_else(|| agency_id.to_string());
            let Some(list) = list else {
                r.add("joining_agencies", format!("缺少{agency_name}的执法检查人员名录库"));
                continue;
            };
            let mut inspectors = Vec::new();
            for id in &list.inspectors {
                let Some(o) = officers.get(id) else {
                    notes.push(format!("{agency_name}名录库中的人员{id}未找到，未纳入抽取"));
                    continue;
                };
                match o.assignable_on(spec.from) {
                    Err(e) => notes.push(format!("{e}，未纳入抽取")),
                    Ok(c) => {
                        let mut conflicts: Vec<String> = o
                            .conflicts
                            .iter()
                            .flat_map(|c| [c.party_key.trim().to_uppercase(), c.party_name.trim().to_uppercase()])
                            .filter(|k| !k.is_empty())
                            .collect();
                        conflicts.sort();
                        conflicts.dedup();
                        inspectors.push(FrozenInspector {
                            officer_id: o.id,
                            name: o.profile.name.clone(),
                            certificate: c.number.clone(),
                            conflicts,
                        });
                    }
                }
            }
            agencies.push(AgencyPool { agency_id, agency_name, inspectors });
        }
        r.into_result()?;
        Ok((FrozenPools { items, targets, agencies }, notes))
    }

    pub fn sizes(&self) -> PoolSizes {
        PoolSizes {
            targets: self.targets.len() as u64,
            excluded: self.items.iter().map(|i| i.excluded.len() as u64).sum(),
            inspectors: self.agencies.iter().map(|a| a.inspectors.len() as u64).collect(),
        }
    }

    /// SHA-256, in lower-case hex, of the canonical encoding of the pools and the draw's
    /// parameters (see the module documentation of [`inspection`](super)).
    pub fn hash(&self, plan_id: Uuid, spec: &PlanSpec) -> String {
        let mut h = Canonical::new();
        h.raw(b"zhifa-pools-v1");
        h.uuid(plan_id);
        h.str(&spec.from.to_string());
        h.u32(spec.team_size() as u32);
        h.u32(self.items.len() as u32);
        for i in &self.items {
            h.uuid(i.id);
            h.str(&i.name);
            h.str(&i.basis);
            h.str(i.target_type.as_str());
            h.u32(i.ratio.basis_points());
            h.u32(i.excluded.len() as u32);
            i.excluded.iter().for_each(|k| h.str(k));
        }
        h.u32(self.targets.len() as u32);
        for t in &self.targets {
            h.str(&t.key);
            h.str(&t.name);
            h.str(t.target_type.as_str());
        }
        h.u32(self.agencies.len() as u32);
        for a in &self.agencies {
            h.uuid(a.agency_id);
            h.str(&a.agency_name);
            h.u32(a.inspectors.len() as u32);
            for o in &a.inspectors {
                h.uuid(o.officer_id);
                h.str(&o.name);
                h.str(&o.certificate);
                h.u32(o.conflicts.len() as u32);
                o.conflicts.iter().for_each(|k| h.str(k));
            }
        }
        h.finish()
    }

    /// Indices (into `targets`) of the targets eligible for item `i`, in key order.
    pub(super) fn eligible(&self, i: usize) -> Vec<u32> {
        let item = &self.items[i];
        (0..self.targets.len() as u32)
            .filter(|&t| {
                let t = &self.targets[t as usize];
                t.target_type == item.target_type && item.excluded.binary_search(&t.key).is_err()
            })
            .collect()
    }

    /// Every reason the plan cannot be drawn from these pools, in Chinese.
    pub fn feasibility(&self, spec: &PlanSpec) -> Rejection {
        let mut r = Rejection::new();
        self.check_shape(spec, &mut r);
        if !r.is_empty() {
            return r;
        }
        let team = spec.team_size();
        let extra_lead = team + 1 - self.agencies.len();
        let total: usize = self.agencies.iter().map(|a| a.inspectors.len()).sum();
        if total < team {
            r.add(
                "inspectors",
                format!("检查人员不足：每个检查对象需{team}名检查人员，名录库中持有效执法证的共{total}名"),
            );
        }
        for (n, a) in self.agencies.iter().enumerate() {
            let need = if n == 0 { extra_lead } else { 1 };
            if a.inspectors.is_empty() {
                r.add("inspectors", format!("{}没有持有效执法证的检查人员", a.agency_name));
            } else if a.inspectors.len() < need {
                r.add(
                    "inspectors",
                    format!("{}须为每个检查对象派出{need}名检查人员，但只有{}名", a.agency_name, a.inspectors.len()),
                );
            }
        }
        let mut eligible = vec![false; self.targets.len()];
        for i in 0..self.items.len() {
            let e = self.eligible(i);
            if e.is_empty() {
                let item = &self.items[i];
                r.add(
                    "items",
                    format!(
                        "抽查事项“{}”没有可抽取的检查对象（名录库中没有{}，或均已在本期检查过）",
                        item.name,
                        item.target_type.label()
                    ),
                );
            }
            e.into_iter().for_each(|t| eligible[t as usize] = true);
        }
        if !r.is_empty() {
            return r;
        }
        // N-06: for each eligible target, the inspectors without a conflict must suffice.
        let mut by_key: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for (a, pool) in self.agencies.iter().enumerate() {
            for (o, insp) in pool.inspectors.iter().enumerate() {
                insp.conflicts.iter().for_each(|k| by_key.entry(k).or_default().push((a, o)));
            }
        }
        let mut short = Vec::new();
        for (_, target) in self.targets.iter().enumerate().filter(|(t, _)| eligible[*t]) {
            let name = name_key(&target.name);
            let mut hit: Vec<(usize, usize)> =
                [target.key.as_str(), &*name].iter().filter_map(|k| by_key.get(k)).flatten().copied().collect();
            if hit.is_empty() {
                continue;
            }
            hit.sort_unstable();
            hit.dedup();
            for (a, pool) in self.agencies.iter().enumerate() {
                let need = if a == 0 { extra_lead } else { 1 };
                let free = pool.inspectors.len() - hit.iter().filter(|(x, _)| *x == a).count();
                if free < need {
                    short.push(format!(
                        "检查对象{}（{}）：{}无回避事由的检查人员仅{free}名，需{need}名",
                        target.name, target.key, pool.agency_name
                    ));
                }
            }
        }
        let more = short.len().saturating_sub(NAMED_TARGETS);
        for s in short.into_iter().take(NAMED_TARGETS) {
            r.add("inspectors", s);
        }
        if more > 0 {
            r.add("inspectors", format!("另有{more}处检查人员因回避不足，未逐一列出"));
        }
        r
    }

    /// The pools must be those of the plan, in canonical order.
    fn check_shape(&self, spec: &PlanSpec, r: &mut Rejection) {
        if self.items.iter().map(|i| i.id).collect::<Vec<_>>() != spec.items {
            r.add("items", "冻结的抽查事项与计划不一致");
        }
        if self.agencies.iter().map(|a| a.agency_id).collect::<Vec<_>>() != spec.agencies() {
            r.add("joining_agencies", "冻结的检查人员名录库与计划的牵头、参与机关不一致");
        }
        if !self.targets.windows(2).all(|w| w[0].key < w[1].key) {
            r.add("targets", "检查对象须按统一社会信用代码排序且不重复");
        }
        let types: BTreeSet<TargetType> = self.items.iter().map(|i| i.target_type).collect();
        if self.targets.iter().any(|t| !types.contains(&t.target_type)) {
            r.add("targets", "冻结的检查对象中有不属于本计划抽查对象类型的");
        }
        if self.items.iter().any(|i| !i.excluded.windows(2).all(|w| w[0] < w[1])) {
            r.add("items", "排除名单须排序且不重复");
        }
        if self.agencies.iter().any(|a| !a.inspectors.windows(2).all(|w| w[0].officer_id < w[1].officer_id)) {
            r.add("inspectors", "检查人员须按人员编号排序且不重复");
        }
        let mut all = BTreeSet::new();
        if self.agencies.iter().flat_map(|a| &a.inspectors).any(|o| !all.insert(o.officer_id)) {
            r.add("inspectors", "同一检查人员出现在两个机关的名录库中");
        }
        if self.agencies.iter().flat_map(|a| &a.inspectors).any(|o| o.certificate.trim().is_empty()) {
            r.add("inspectors", "冻结的检查人员缺少执法证号（P-01）");
        }
        if self.agencies.iter().flat_map(|a| &a.inspectors).any(|o| !o.conflicts.windows(2).all(|w| w[0] < w[1])) {
            r.add("inspectors", "回避名单须排序且不重复");
        }
    }
}

/// A party name as conflicts hold it: trimmed and upper-cased, without allocating for the
/// usual name with no lower-case letter.
pub(super) fn name_key(name: &str) -> std::borrow::Cow<'_, str> {
    let name = name.trim();
    if name.chars().any(char::is_lowercase) { name.to_uppercase().into() } else { name.into() }
}

/// The canonical encoding, written straight into the hash: integers as 4 bytes
/// big-endian, a text as its UTF-8 byte length then its bytes, an id as its 16 bytes.
pub(crate) struct Canonical(pub(crate) Sha256);

impl Canonical {
    pub(crate) fn new() -> Self {
        Canonical(Sha256::new())
    }
    /// The digest, lower-case hex.
    pub(crate) fn finish(self) -> String {
        super::to_hex(&self.0.finalize())
    }
    pub(crate) fn raw(&mut self, b: &[u8]) {
        self.0.update(b);
    }
    pub(crate) fn u32(&mut self, n: u32) {
        self.0.update(n.to_be_bytes());
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.update(s.as_bytes());
    }
    pub(crate) fn uuid(&mut self, id: Uuid) {
        self.0.update(id.as_bytes());
    }
}
