//! An agency's discretion benchmarks (B-01): reading one, setting one.

use super::{Benchmark, BenchmarkText, PenaltyType};
use crate::basis::resolve;
use crate::registry::{Agency, AgencyEvent};
use crate::validation::Rejection;

impl Agency {
    /// The benchmark of a violation type, by code.
    pub fn benchmark(&self, code: &str) -> Option<&Benchmark> {
        self.benchmarks.iter().find(|b| b.code == code.trim())
    }

    /// Sets a benchmark typed as text: every problem at once, those of reading it and those
    /// of checking what could be read against the agency (a field already reported as
    /// unreadable is not reported again).
    pub fn decide_set_benchmark_text(&self, text: &BenchmarkText, revise: bool) -> Result<AgencyEvent, Rejection> {
        let (benchmark, mut r) = text.read();
        let decided = self.decide_set_benchmark(benchmark, revise);
        if r.is_empty() {
            return decided;
        }
        // `tiers.0.fine.min` and `tiers.0.fine.max` are one thing: the tier's fine range.
        let key = |f: &str| f.trim_end_matches(".min").trim_end_matches(".max").to_string();
        let unreadable: Vec<String> = r.errors.iter().map(|e| key(&e.field)).collect();
        if let Err(more) = decided {
            r.errors.extend(more.errors.into_iter().filter(|e| !unreadable.contains(&key(&e.field))));
        }
        Err(r)
    }

    /// Sets the benchmark of a violation type (B-01): a new code, or with `revise` a new
    /// version of an existing one (cases keep the tier they were assessed against). Both
    /// bases must resolve in the agency's basis catalogue (G-03); every tier states its
    /// circumstances and penalty types, and a fine range exactly when it allows a fine.
    pub fn decide_set_benchmark(&self, benchmark: Benchmark, revise: bool) -> Result<AgencyEvent, Rejection> {
        let mut b = benchmark;
        b.code = b.code.trim().to_string();
        b.name = b.name.trim().to_string();
        let mut r = Rejection::new();
        r.require("code", "违法行为编码", &b.code);
        r.require("name", "违法行为名称", &b.name);
        match (self.benchmark(&b.code), revise) {
            (Some(_), false) if !b.code.is_empty() => {
                r.add("code", format!("违法行为编码“{}”已有裁量基准；如需修订，请选择“修订已有基准”", b.code))
            }
            (Some(existing), true) => b.id = existing.id,
            (None, true) => r.add("code", format!("没有编码为“{}”的裁量基准可修订", b.code)),
            _ => {}
        }
        for (field, label, citations) in
            [("violation_basis", "违法依据", &b.violation_basis), ("penalty_basis", "处罚依据", &b.penalty_basis)]
        {
            if citations.is_empty() {
                r.add(field, format!("请填写{label}（法律全称及条款，如《中华人民共和国食品安全法》第三十四条）"));
            }
            for c in citations.iter() {
                if resolve(&self.basis, c).is_none() {
                    r.add(field, format!("{label}{c}不在本机关法律依据目录中，请先将其加入依据目录（G-03）"));
                }
            }
        }
        if b.tiers.is_empty() {
            r.add("tiers", "请至少设定一个裁量阶次（如 轻微、一般、较重、严重）");
        }
        for t in b.tiers.iter_mut() {
            t.name = t.name.trim().to_string();
            t.circumstances = t.circumstances.trim().to_string();
            t.penalties.sort();
            t.penalties.dedup();
        }
        for (i, t) in b.tiers.iter().enumerate() {
            let f = |k: &str| format!("tiers.{i}.{k}");
            let which =
                if t.name.is_empty() { format!("第{}个阶次", i + 1) } else { format!("“{}”阶次", t.name) };
            if t.name.is_empty() {
                r.add(f("name"), format!("请填写{which}的名称"));
            } else if b.tiers[..i].iter().any(|o| o.name == t.name) {
                r.add(f("name"), format!("阶次“{}”重复", t.name));
            }
            if t.circumstances.is_empty() {
                r.add(f("circumstances"), format!("请填写{which}的适用情形"));
            }
            if t.penalties.is_empty() {
                r.add(f("penalties"), format!("请选择{which}的处罚种类"));
            }
            if t.penalties.contains(&PenaltyType::NoPenalty) && t.penalties.len() > 1 {
                r.add(f("penalties"), format!("{which}：“不予行政处罚”不能与其他处罚种类并列"));
            }
            match (t.penalties.contains(&PenaltyType::Fine), &t.fine) {
                (true, None) => r.add(f("fine.max"), format!("{which}的处罚种类包含罚款，请填写罚款幅度")),
                (false, Some(_)) => r.add(f("penalties"), format!("{which}填写了罚款幅度，处罚种类中应有“罚款”")),
                (true, Some(range)) => range.check(&mut r, &f("fine")),
                (false, None) => {}
            }
        }
        r.into_result()?;
        Ok(AgencyEvent::BenchmarkSet { benchmark: b })
    }
}
