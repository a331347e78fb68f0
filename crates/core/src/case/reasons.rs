//! Reason-giving (执法决定说明理由, rules G-01, G-03…G-06; 000 附件4).
//!
//! A decision document (决定书) states four reasons in four fields of its own (G-01, Art 4,
//! 9-14): why the facts are found (`fact_reasons`), why the evidence is adopted
//! (`evidence_reasons`), why this legal basis (`basis_reasons`) and why this use of
//! discretion (`discretion_reasons`). Where the profile makes reason-giving mandatory
//! (`reason_giving_mandatory`) a decision without them is refused, and so is one whose
//! reasons are no reasons (G-04, Art 17): empty, a placeholder (无、略、同上、见附件、详见…,
//! punctuation, the field's own name), or contradicted by the record itself — the
//! discretion reason naming another tier than the one applied, the fine written in the
//! decision differing from the fine decided, a basis that is not the violation type's.
//!
//! **Detail (Art 5).** A major decision — one with a ground of L-01 (a large fine, a
//! hearing held, a complex case, social impact, …: [`review::requirement`]) — gives its
//! reasons "in detail". The test, so that it can be checked and explained: every reason has
//! at least [`DETAILED_REASON_CHARS`] characters of substance (letters and digits, not
//! punctuation); the evidence reason names every kind of evidence the case holds (询问笔录,
//! 现场检查笔录, 书证, 音像资料, …: Art 9-10 ask for each piece to be weighed); the
//! discretion reason names the tier applied (Art 13-14). Other decisions need
//! [`MIN_REASON_CHARS`] per reason — a sentence, not a word.
//!
//! **Basis (G-03, Art 11-12).** The `basis` field holds one citation per line — 《法律全称》
//! 第×条第×款第（×）项第×目 — each parsed ([`Citation::parse`]) and resolved against the
//! agency's basis catalogue; every bad or unknown line is named.
//!
//! **Exemptions (G-06, Art 16).** A decision may go without reasons on one of four grounds,
//! recorded in its own fields with what justifies it: favourable to the party with no
//! third-party objection (a penalty never is), secrets or privacy, an emergency (the party
//! may then ask for reasons, due within `reasons_request_days`), or a provision of law
//! (cited, and resolved like the basis).
//!
//! **Requests (G-05, Art 15-17).** A party's request for written reasons is a record
//! ([`RecordKind::ReasonsRequest`]) pointing at the decision; the reply
//! ([`RecordKind::ReasonsReply`]) points at the request. The reply is due within
//! `reasons_request_days` **natural** days of the request (the measure says "7日内", not
//! 工作日, and it is a county measure, not the 行政处罚法 whose Art 85 makes its own 七日
//! working days): the request's date does not count, the deadline is the end of the
//! seventh day after it (see [`crate::case::deadlines`]). The case cannot be closed with a
//! request unanswered ([`crate::case::requirements::missing`]).

use std::collections::BTreeMap;

use crate::basis::{BasisEntry, Citation, resolve};
use crate::case::review::{self, ReviewPolicy};
use crate::case::{Case, RecordKind, RecordState};
use crate::discretion::{Benchmark, PenaltyType, is_placeholder_reason};
use crate::money::Money;
use crate::registry::ActKind;
use crate::validation::Rejection;

#[cfg(test)]
pub(crate) mod tests;

/// What other tests of the crate need to make a decision document that states its reasons.
#[cfg(test)]
pub(crate) mod fixtures {
    use uuid::Uuid;

    use crate::basis::{BasisEntry, Citation};

    /// A basis catalogue of the 食品安全法 articles the test cases cite.
    pub fn catalogue() -> &'static [BasisEntry] {
        static CATALOGUE: std::sync::LazyLock<Vec<BasisEntry>> = std::sync::LazyLock::new(|| {
            ["《中华人民共和国食品安全法》第三十四条", "《中华人民共和国食品安全法》第一百二十四条"]
                .iter()
                .map(|s| BasisEntry { id: Uuid::new_v4(), citation: Citation::parse(s).unwrap(), text: String::new() })
                .collect()
        });
        &CATALOGUE
    }

    /// The basis field citing them.
    pub const BASIS: &str = "《中华人民共和国食品安全法》第三十四条第一款第（十）项\n《中华人民共和国食品安全法》第一百二十四条第一款第（五）项";

    /// Four reasons detailed enough for a major decision of a case holding documentary
    /// evidence, applying no benchmark tier.
    pub const REASONS: [(&str, &str); 4] = [
        (
            "fact_reasons",
            "当事人货架上陈列的牛奶标注的保质期已届满，进货单据与现场检查情况、当事人陈述相互印证，足以认定其销售超过保质期的食品",
        ),
        (
            "evidence_reasons",
            "书证进货单据由当事人提供并签字确认，来源合法、内容真实，与待证事实直接关联，予以采信；当事人称不知过期的辩解无证据支持，不予采信",
        ),
        (
            "basis_reasons",
            "销售超过保质期的食品属于食品安全法第三十四条第一款第（十）项禁止的情形，第一百二十四条第一款第（五）项规定了相应处罚，故适用上述条款",
        ),
        (
            "discretion_reasons",
            "货值金额较大且持续时间较长，但当事人积极配合调查并主动下架全部过期食品，综合考虑违法情节与危害后果，在法定幅度内确定处罚",
        ),
    ];
}

/// Characters of substance (letters, digits, CJK characters) a reason needs at least.
pub const MIN_REASON_CHARS: usize = 8;
/// Characters of substance each reason of a major decision needs at least (Art 5).
pub const DETAILED_REASON_CHARS: usize = 30;

/// The four reasons of G-01: field and label.
pub const REASONS: [(&str, &str); 4] = [
    ("fact_reasons", "认定事实的理由"),
    ("evidence_reasons", "证据采信的理由"),
    ("basis_reasons", "适用法律依据的理由"),
    ("discretion_reasons", "行使裁量权的理由"),
];

/// What the reason checks need besides the case: the case's profile and the agency's
/// review catalogue (whether reasons are mandatory, whether the decision is major), the
/// agency's basis catalogue (G-03) and its discretion benchmarks (G-04's contradictions).
#[derive(Debug, Clone, Copy)]
pub struct ReasonsPolicy<'a> {
    pub review: ReviewPolicy<'a>,
    pub basis: &'a [BasisEntry],
    pub benchmarks: &'a [Benchmark],
}

/// The grounds of G-06 (000 附件4 Art 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exemption {
    /// (一) favourable to the party, no third-party objection.
    Favourable,
    /// (二) state or commercial secrets, personal privacy.
    Secrets,
    /// (三) an emergency that had to be dealt with at once: reasons are due on request.
    Emergency,
    /// (四) a law or regulation says so.
    Law,
}

impl Exemption {
    pub const ALL: [Exemption; 4] = [Exemption::Favourable, Exemption::Secrets, Exemption::Emergency, Exemption::Law];

    /// The ground as the form offers it.
    pub fn label(self) -> &'static str {
        let i = Exemption::ALL.iter().position(|e| *e == self).expect("listed");
        crate::case::kinds::EXEMPTION_GROUNDS[i]
    }

    pub fn parse(s: &str) -> Option<Exemption> {
        Exemption::ALL.into_iter().find(|e| e.label() == s.trim())
    }
}

/// The exemption a decision record claims, if any.
pub fn exemption_of(rec: &RecordState) -> Option<Exemption> {
    Exemption::parse(rec.field("reasons_exemption"))
}

/// The characters of substance of a text: letters, digits and CJK characters.
pub fn substance(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Why a reason is no reason (G-04), or `None`: empty, punctuation or one character
/// repeated, a placeholder (无、略、同上、见附件…), a reference elsewhere (详见…、参见…),
/// or only the field's own name.
pub fn no_reason(text: &str, label: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return Some("未填写".into());
    }
    let bare: String = t.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    if bare.is_empty() {
        return Some(format!("“{t}”只有标点或符号"));
    }
    const MORE: &[&str] = &[
        "理由同上",
        "理由如上",
        "同前",
        "如前所述",
        "同前述",
        "见前",
        "详见卷宗",
        "见卷宗",
        "同决定书",
        "待补充",
        "另行说明",
    ];
    if is_placeholder_reason(t) || MORE.contains(&bare.as_str()) {
        return Some(format!("“{t}”是占位用语，不是理由"));
    }
    if ["详见", "参见", "见附件", "见附", "见卷", "见上", "见下"].iter().any(|p| bare.starts_with(p)) {
        return Some(format!("“{t}”只是指向其他材料，说明理由须在本栏写明，不能以引用代替"));
    }
    let name: String = label.chars().filter(|c| c.is_alphanumeric()).collect();
    let short = name.trim_end_matches("理由").trim_end_matches("的");
    if bare == name || bare == short || bare == format!("{short}理由") {
        return Some(format!("“{t}”只重复了栏目名称"));
    }
    None
}

/// Parses a basis written one citation per line (a line may also hold several separated
/// by ；). Every line that is not a citation is named with its number.
pub fn parse_basis(text: &str) -> Result<Vec<Citation>, Vec<String>> {
    let (cited, errors) = read_basis(text);
    if errors.is_empty() { Ok(cited) } else { Err(errors) }
}

/// The citations that parse, and a message for each part that does not.
fn read_basis(text: &str) -> (Vec<Citation>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for part in line.split(['；', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            match Citation::parse(part) {
                Ok(c) => out.push(c),
                Err(e) => errors.push(format!("第{}行“{part}”：{e}", i + 1)),
            }
        }
    }
    (out, errors)
}

/// The citations of a decision's basis as they resolve, for printing: each in full, or
/// the line as written when it does not parse (old records were free text).
pub fn basis_lines(text: &str) -> Vec<String> {
    match parse_basis(text) {
        Ok(c) if !c.is_empty() => c.iter().map(Citation::to_string).collect(),
        _ => text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
    }
}

/// Whether reasons are mandatory for the case's profile.
pub fn mandatory(policy: ReviewPolicy<'_>) -> bool {
    policy.profile.params.reason_giving_mandatory
}

/// Whether the decision must give its reasons in detail (Art 5): a ground of L-01.
pub fn detailed(case: &Case, policy: ReviewPolicy<'_>) -> bool {
    review::requirement(case, policy).is_major()
}

/// The kinds of evidence a detailed evidence reason names, with the words that name them:
/// the kind's own name and the words officers use for it (笔录, 单据, 复印件, 抽检…). A
/// coercive measure is no evidence and is not listed.
const EVIDENCE_WORDS: &[(RecordKind, &[&str])] = &[
    (RecordKind::Inquiry, &["询问", "陈述", "笔录", "证言", "证人", "供述", "申辩"]),
    (RecordKind::SiteInspection, &["现场检查", "勘验", "检查笔录", "现场笔录", "笔录", "检查记录"]),
    (
        RecordKind::DocumentaryEvidence,
        &["书证", "单据", "复印件", "执照", "许可证", "发票", "合同", "票据", "账簿", "台账", "凭证", "证明"],
    ),
    (RecordKind::PhysicalEvidence, &["物证", "实物", "物品", "样品"]),
    (RecordKind::Sampling, &["抽样", "抽检", "样品", "检验报告", "检测报告"]),
    (RecordKind::EvidencePreservation, &["登记保存", "先行登记"]),
    (RecordKind::ExpertAppraisal, &["鉴定", "检验报告", "检测报告", "检验", "检测"]),
];
const AV_WORDS: &[&str] =
    &["音像", "视听", "录像", "照片", "录音", "视频", "执法记录仪", "拍摄", "摄像", "影像", "截图", "监控"];
/// The fields of an evidence record that name it (证据名称, 物品清单, 鉴定事项…).
const EVIDENCE_NAME_FIELDS: &[&str] = &["description", "items", "subject", "interviewee"];

/// Whether `text` names one of the evidence records of `kind` in `case`: a word of the kind
/// or a phrase of the record's own description (“进货单据”, “营业执照复印件”).
fn evidence_named(case: &Case, kind: RecordKind, words: &[&str], text: &str) -> bool {
    if words.iter().any(|w| text.contains(w)) || text.contains(kind.label()) {
        return true;
    }
    case.records_of(kind).any(|rec| {
        let fields = rec.current_fields();
        EVIDENCE_NAME_FIELDS.iter().filter_map(|k| fields.get(*k)).any(|v| {
            v.split(|c: char| c.is_whitespace() || "，,、。；;：:（）()“”\"".contains(c))
                .map(str::trim)
                .filter(|p| p.chars().count() >= 2)
                .any(|p| text.contains(p))
        })
    })
}

/// Whether `text` names the case's audio-visual material, by a word of [`AV_WORDS`]
/// or the material's way of production (执法记录仪拍摄).
fn av_named(case: &Case, text: &str) -> bool {
    AV_WORDS.iter().any(|w| text.contains(w))
        || case.av.iter().any(|a| {
            let m = a.meta.production_method.trim();
            m.chars().count() >= 2 && text.contains(m)
        })
}

/// The reasons of a decision record (G-01, G-04's emptiness and detail, G-06's shape),
/// from its fields: what needs the case's profile and review catalogue only, so that the
/// decision stage is checked again at its completion. Every problem is added to `r`.
pub fn check_reasons(r: &mut Rejection, case: &Case, fields: &BTreeMap<String, String>, policy: ReviewPolicy<'_>) {
    let get = |k: &str| fields.get(k).map_or("", |v| v.trim());
    let exemption = get("reasons_exemption");
    let exemption = if exemption.is_empty() {
        for (k, label) in [("exemption_detail", "不说明理由的具体情况"), ("exemption_basis", "可以不说明理由的条款")]
        {
            if !get(k).is_empty() {
                r.add("fields.reasons_exemption", format!("填写了{label}，请选择不说明理由的情形（G-06）"));
            }
        }
        None
    } else {
        match Exemption::parse(exemption) {
            Some(e) => Some(e),
            None => {
                r.add("fields.reasons_exemption", format!("“{exemption}”不是可以不说明理由的情形"));
                return;
            }
        }
    };
    if let Some(e) = exemption {
        check_exemption(r, case, fields, e);
        return;
    }
    if !mandatory(policy) {
        return;
    }
    let detail = detailed(case, policy);
    let why = if detail {
        let req = review::requirement(case, policy);
        format!(
            "本案属于应当重点、详细说明理由的决定（{}；《安乡县行政执法决定说明理由办法（试行）》第五条，G-01）",
            req.describe()
        )
    } else {
        String::new()
    };
    for (key, label) in REASONS {
        let text = get(key);
        let field = format!("fields.{key}");
        if let Some(problem) = no_reason(text, label) {
            let what = if text.is_empty() { format!("缺少{label}") } else { format!("{label}不成立：{problem}") };
            r.add(
                field,
                format!(
                    "{what}。本机关实行执法决定说明理由制度（G-01），决定书须分别写明认定事实、证据采信、适用依据和行使裁量权的理由；如属可以不说明理由的情形，请选择并写明（G-06）"
                ),
            );
            continue;
        }
        let n = substance(text);
        if detail && n < DETAILED_REASON_CHARS {
            r.add(
                field,
                format!("{why}：{label}只有{n}个字，过于简略，请具体说明（每项理由至少{DETAILED_REASON_CHARS}字）"),
            );
        } else if n < MIN_REASON_CHARS {
            r.add(field, format!("{label}只有{n}个字，过于简略：请写明具体理由（至少{MIN_REASON_CHARS}字）（G-01）"));
        }
    }
    if !detail {
        return;
    }
    // Art 9-10: every kind of evidence in the case is weighed.
    let evidence = get("evidence_reasons");
    if no_reason(evidence, "证据采信的理由").is_none() {
        let mut unnamed: Vec<&str> = EVIDENCE_WORDS
            .iter()
            .filter(|(kind, words)| case.has(*kind) && !evidence_named(case, *kind, words, evidence))
            .map(|(kind, _)| kind.label())
            .collect();
        let has_av = case.av.iter().any(|a| a.media != crate::case::MediaKind::Document);
        if has_av && !av_named(case, evidence) {
            unnamed.push("音像资料");
        }
        if !unnamed.is_empty() {
            r.add(
                "fields.evidence_reasons",
                format!(
                    "{why}：证据采信的理由未涉及本案的{}，请逐项说明采信或不予采信的理由（《安乡县行政执法决定说明理由办法（试行）》第九条、第十条，G-01）",
                    unnamed.join("、")
                ),
            );
        }
    }
    // Art 13-14: the discretion reason names the tier applied.
    let tier = get("tier");
    let discretion = get("discretion_reasons");
    if !tier.is_empty() && no_reason(discretion, "行使裁量权的理由").is_none() && !affirms(discretion, tier) {
        r.add(
            "fields.discretion_reasons",
            format!(
                "{why}：行使裁量权的理由未写明适用的裁量阶次“{tier}”及其情形，请说明为何适用该阶次（《安乡县行政执法决定说明理由办法（试行）》第十三条，G-01）"
            ),
        );
    }
}

fn check_exemption(r: &mut Rejection, case: &Case, fields: &BTreeMap<String, String>, e: Exemption) {
    let get = |k: &str| fields.get(k).map_or("", |v| v.trim());
    if let Some(problem) = no_reason(get("exemption_detail"), "不说明理由的具体情况") {
        r.add(
            "fields.exemption_detail",
            format!("选择“{}”不说明理由的，须写明具体情况（{problem}）（G-06）", e.label()),
        );
    }
    match e {
        Exemption::Favourable => {
            match crate::case::kinds::parse_yes_no(get("third_party_objection")) {
                None => r.add(
                    "fields.third_party_objection",
                    "以决定有利于当事人为由不说明理由的，请填写第三人是否提出异议",
                ),
                Some(true) => r.add(
                    "fields.third_party_objection",
                    "第三人提出异议的，不能以决定有利于当事人为由不说明理由（《安乡县行政执法决定说明理由办法（试行）》第十六条第一项，G-06）：请写明四项理由",
                ),
                Some(false) => {}
            }
            if case.opening.act_kind == ActKind::Penalty {
                let types = PenaltyType::parse_list(get("penalty_types")).unwrap_or_default();
                let punished = types.iter().any(|t| *t != PenaltyType::NoPenalty) || !get("fine").is_empty();
                if punished {
                    r.add(
                        "fields.reasons_exemption",
                        "给予行政处罚的决定不属于有利于当事人的决定，不能据此不说明理由：请写明四项理由（G-06）",
                    );
                }
            }
        }
        Exemption::Law => {
            if get("exemption_basis").is_empty() {
                r.add(
                    "fields.exemption_basis",
                    "以法律法规规定为由不说明理由的，请引用该规定（法律全称及条款，如《中华人民共和国××法》第×条）",
                );
            }
        }
        Exemption::Secrets | Exemption::Emergency => {}
    }
}

/// The benchmark a decision applies, from its violation code.
fn benchmark_of<'a>(benchmarks: &'a [Benchmark], fields: &BTreeMap<String, String>) -> Option<&'a Benchmark> {
    let code = fields.get("violation_code").map_or("", |v| v.trim());
    benchmarks.iter().find(|b| !code.is_empty() && b.code == code)
}

/// The words that deny what follows them (不属于严重情节, 无从重情节, 未达到较重情节).
const NEGATIONS: &[&str] = &[
    "不",
    "无",
    "没有",
    "并非",
    "非",
    "未",
    "未达到",
    "未达",
    "没有达到",
    "达不到",
    "不属于",
    "不属",
    "不存在",
    "不构成",
    "不适用",
];

/// Whether `text` affirms `phrase` somewhere: an occurrence not preceded by a negation.
fn affirms(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let before = &text[..i];
        !NEGATIONS.iter().any(|n| before.ends_with(n))
    })
}

/// The tiers of `b` a text names as such and does not deny: “一般”, 一般阶次, 一般情节,
/// 情节一般, 属一般… (not 不属于严重情节, 无从重情节).
fn tiers_named<'a>(b: &'a Benchmark, text: &str) -> Vec<&'a str> {
    b.tiers
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| {
            [
                format!("“{n}”"),
                format!("{n}阶次"),
                format!("{n}档"),
                format!("{n}情节"),
                format!("情节{n}"),
                format!("属{n}"),
                format!("属于{n}"),
            ]
            .iter()
            .any(|p| affirms(text, p))
        })
        .collect()
}

/// The `basis` field of a decision (G-03): every line read as citations, each resolving in
/// the catalogue; each problem added to `r`. Returns the citations read and whether every
/// line could be read.
pub fn check_citations(r: &mut Rejection, text: &str, catalogue: &[BasisEntry]) -> (Vec<Citation>, bool) {
    let (cited, unreadable) = read_basis(text);
    for e in &unreadable {
        r.add(
            "fields.basis",
            format!("{e}。法律依据每行写一条，写明法律全称及条、款、项、目，如《中华人民共和国食品安全法》第一百二十四条第一款第（二）项（G-03）"),
        );
    }
    for c in &cited {
        if resolve(catalogue, c).is_none() {
            r.add(
                "fields.basis",
                format!("{c}不在本机关法律依据目录中：请核对法律名称和条款，或请管理员先将其列入依据目录（G-03）"),
            );
        }
    }
    (cited, unreadable.is_empty())
}

/// Every amount written after 罚款 in a text.
fn fines_written(text: &str) -> Vec<Money> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("罚款") {
        let after = &rest[i..];
        if let Some(m) = review::major::amount_after(after, "罚款") {
            out.push(m);
        }
        rest = &rest[i + "罚款".len()..];
    }
    out
}

/// The legal basis of a decision (G-03) and the contradictions of G-04 that need the
/// agency's catalogue and benchmarks: every line a citation that resolves in the catalogue;
/// for a penalty applying a benchmark, the basis includes the violation type's bases, the
/// tier named in the reasons is the tier applied, and the fine written in the decision is
/// the fine decided. Every problem is added to `r`.
pub fn check_basis(
    r: &mut Rejection,
    case: &Case,
    fields: &BTreeMap<String, String>,
    catalogue: &[BasisEntry],
    benchmarks: &[Benchmark],
) {
    let get = |k: &str| fields.get(k).map_or("", |v| v.trim());
    let (cited, readable) = check_citations(r, get("basis"), catalogue);
    if Exemption::parse(get("reasons_exemption")) == Some(Exemption::Law) && !get("exemption_basis").is_empty() {
        match Citation::parse(get("exemption_basis")) {
            Ok(c) if resolve(catalogue, &c).is_none() => r.add(
                "fields.exemption_basis",
                format!("{c}不在本机关法律依据目录中：请核对，或请管理员先将其列入依据目录（G-03、G-06）"),
            ),
            Ok(_) => {}
            Err(e) => r.add("fields.exemption_basis", format!("{e}（G-06）")),
        }
    }
    if case.opening.act_kind != ActKind::Penalty {
        return;
    }
    let Some(b) = benchmark_of(benchmarks, fields) else { return };
    // The basis includes the violation type's violation and penalty bases (judged once
    // every line reads).
    if !cited.is_empty() && readable {
        for (label, bases) in [("违法依据", &b.violation_basis), ("处罚依据", &b.penalty_basis)] {
            let covered = bases.iter().any(|base| cited.iter().any(|c| base.contains(c) || c.contains(base)));
            if !bases.is_empty() && !covered {
                let list: Vec<String> = bases.iter().map(Citation::to_string).collect();
                r.add(
                    "fields.basis",
                    format!(
                        "所引法律依据与适用的裁量基准矛盾：{}（{}）的{label}是{}，决定书未引用（G-04）。请核对违法行为或法律依据",
                        b.name,
                        b.code,
                        list.join("、")
                    ),
                );
            }
        }
    }
    // The tier named in the reasons is the tier applied.
    let tier = get("tier");
    if !tier.is_empty() {
        for (key, label) in [("discretion_reasons", "行使裁量权的理由"), ("discretion", "适用的裁量基准")]
        {
            let named = tiers_named(b, get(key));
            if !named.is_empty() && !named.contains(&tier) {
                let fine = get("fine");
                let range = b.tier(named[0]).map(|t| t.describe_fine()).unwrap_or_default();
                r.add(
                    format!("fields.{key}"),
                    format!(
                        "理由自相矛盾：{label}写的是“{}”阶次（罚款幅度{range}），决定适用的却是“{tier}”阶次{}（G-04）。请使二者一致",
                        named.join("、"),
                        if fine.is_empty() { String::new() } else { format!("、罚款{fine}元") }
                    ),
                );
            }
        }
    }
    // The fine written in the decision is the fine decided.
    let fine = match get("fine") {
        "" => None,
        v => Money::parse_amount(v).ok(),
    };
    let written = fines_written(get("conclusion"));
    match fine {
        Some(f) if written.is_empty() => r.add(
            "fields.conclusion",
            format!("决定内容未写明罚款金额：罚款金额栏为{}，请在决定内容中写明（G-04）", f.yuan_2dp()),
        ),
        Some(f) if !written.contains(&f) => {
            let w: Vec<String> = written.iter().map(|m| m.yuan_2dp()).collect();
            r.add(
                "fields.conclusion",
                format!(
                    "决定内容写明罚款{}，与罚款金额栏的{}不一致（G-04）：请改正其中之一",
                    w.join("、"),
                    f.yuan_2dp()
                ),
            );
        }
        None if !written.is_empty() => r.add(
            "fields.fine",
            format!("决定内容写明罚款{}，请在罚款金额栏填写同一金额（G-04）", written[0].yuan_2dp()),
        ),
        _ => {}
    }
}

/// Every check of reason-giving on a decision document's fields (G-01, G-03, G-04, G-06),
/// when it is made and when it is issued. Without a policy the decision is refused: the
/// reasons cannot be checked.
pub fn check_decision(
    case: &Case,
    fields: &BTreeMap<String, String>,
    policy: Option<ReasonsPolicy<'_>>,
) -> Result<(), Rejection> {
    let Some(p) = policy else {
        return Err(Rejection::one(
            "reasons",
            "无法核对说明理由（G-01）：未取得本案的策略配置和本机关的法律依据目录，决定暂不能作出；请联系系统管理员",
        ));
    };
    let mut r = Rejection::new();
    check_reasons(&mut r, case, fields, p.review);
    check_basis(&mut r, case, fields, p.basis, p.benchmarks);
    r.into_result()
}

/// The gate on issuing (出具) a decision document as a PDF: the record as it stands now,
/// corrections applied, passes [`check_decision`]. Records of other kinds pass.
pub fn check_issue(case: &Case, rec: &RecordState, policy: Option<ReasonsPolicy<'_>>) -> Result<(), Rejection> {
    if rec.record.kind != RecordKind::DecisionDocument {
        return Ok(());
    }
    check_decision(case, &rec.current_fields(), policy).map_err(|e| {
        let mut out = Rejection::new();
        for err in e.errors {
            out.add(err.field, format!("决定书不能出具：{}", err.message));
        }
        out
    })
}

/// What the decision stage still lacks for its reasons: the latest decision document as
/// corrected still states its reasons (G-01, G-04, G-06) and cites a basis that resolves in
/// the catalogue and agrees with the benchmark applied (G-03, G-04) — a correction may have
/// changed either since it was made. Empty when nothing is missing.
pub fn stage_gaps(case: &Case, policy: ReasonsPolicy<'_>) -> Vec<String> {
    let Some(doc) = case.records_of(RecordKind::DecisionDocument).last() else { return vec![] };
    let fields = doc.current_fields();
    let mut r = Rejection::new();
    check_reasons(&mut r, case, &fields, policy.review);
    check_basis(&mut r, case, &fields, policy.basis, policy.benchmarks);
    r.errors.into_iter().map(|e| format!("决定书说明理由不足：{}", e.message)).collect()
}

/// The requests for written reasons (G-05) not yet answered.
pub fn unanswered(case: &Case) -> Vec<&RecordState> {
    case.records_of(RecordKind::ReasonsRequest)
        .filter(|req| !case.records_of(RecordKind::ReasonsReply).any(|a| a.record.serves == Some(req.record.id)))
        .collect()
}

/// The checks of a request for reasons or its reply when made (G-05): a request names the
/// decision it concerns, a reply the request it answers — once, not before it, and with
/// real reasons.
pub fn check_request_or_reply(
    r: &mut Rejection,
    case: &Case,
    kind: RecordKind,
    fields: &BTreeMap<String, String>,
    serves: Option<uuid::Uuid>,
) {
    let get = |k: &str| fields.get(k).map_or("", |v| v.trim());
    let target = serves.and_then(|id| case.record(id));
    match kind {
        RecordKind::ReasonsRequest => match target {
            Some(d) if review::issues_decision(d.record.kind) => {
                if let (Some(asked), Some(decided)) =
                    (crate::case::kinds::parse_date(get("requested_on")), d.act_date())
                    && asked < decided
                {
                    r.add("fields.requested_on", format!("申请日期（{asked}）早于决定日期（{decided}）：请核对"));
                }
            }
            _ => r.add("serves", "请选择当事人申请说明理由的决定（决定书或当场处罚决定书）"),
        },
        RecordKind::ReasonsReply => {
            match target {
                Some(q) if q.record.kind == RecordKind::ReasonsRequest => {
                    if case.records_of(RecordKind::ReasonsReply).any(|a| a.record.serves == Some(q.record.id)) {
                        r.add("serves", "该申请已书面说明理由；如需补充，请更正原说明");
                    }
                    if let (Some(on), Some(asked)) = (crate::case::kinds::parse_date(get("replied_on")), q.act_date())
                        && on < asked
                    {
                        r.add("fields.replied_on", format!("说明日期（{on}）早于申请日期（{asked}）"));
                    }
                    let text = get("reasons");
                    match no_reason(text, "说明的理由") {
                    // An empty field is refused by its form already.
                    Some(_) if text.is_empty() => {}
                    Some(problem) => r.add(
                        "fields.reasons",
                        format!("书面说明的理由不成立：{problem}，请写明作出决定的事实、证据、依据和裁量理由（G-04、G-05）"),
                    ),
                    None if substance(text) < MIN_REASON_CHARS => {
                        r.add("fields.reasons", format!("书面说明的理由过于简略（至少{MIN_REASON_CHARS}字）（G-05）"))
                    }
                    None => {}
                }
                }
                _ => r.add("serves", "请选择所答复的说明理由申请"),
            }
        }
        _ => {}
    }
}

/// Where the reason-giving of a case stands, in one Chinese line for its page: the latest
/// decision document's reasons or its exemption with the ground (G-06), and the requests
/// for written reasons (G-05). `None` before a decision is made.
pub fn summary(case: &Case) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(doc) = case.records_of(RecordKind::DecisionDocument).last() {
        match exemption_of(doc) {
            Some(e) => {
                let detail = doc.field("exemption_detail");
                let basis = doc.field("exemption_basis");
                let mut s = format!("依法不说明理由（{}）", e.label());
                if !detail.is_empty() {
                    s.push_str(&format!("：{detail}"));
                }
                if !basis.is_empty() {
                    s.push_str(&format!("；依据{basis}"));
                }
                if e == Exemption::Emergency {
                    s.push_str("；当事人申请的，应在申请之日起法定期限内书面说明理由");
                }
                parts.push(s);
            }
            None => {
                let given: Vec<&str> =
                    REASONS.iter().filter(|(k, _)| !doc.field(k).trim().is_empty()).map(|(_, l)| *l).collect();
                if given.is_empty() {
                    parts.push("决定书未分项说明理由".to_string());
                } else {
                    parts.push(format!("决定书已说明{}", given.join("、")));
                }
            }
        }
    } else if !case.has(RecordKind::OnTheSpotDecision) {
        return None;
    }
    let requests = case.records_of(RecordKind::ReasonsRequest).count();
    if requests > 0 {
        let open = unanswered(case).len();
        parts.push(format!(
            "当事人申请书面说明理由{requests}次，{}",
            if open == 0 { "均已答复".to_string() } else { format!("{open}次尚未答复") }
        ));
    }
    Some(parts.join("；"))
}
