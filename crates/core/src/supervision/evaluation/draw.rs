//! The random selection of case files (V-01): commitment, draw and verification, on the
//! verifiable draw of [`inspection`](crate::inspection). The algorithm and the canonical
//! encoding are specified in the documentation of [`evaluation`](super); this file is
//! their reference implementation.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CaseInput, CaseRef, Evaluation, EvaluationEvent, EvaluationSpec};
use crate::inspection::draw::check_reveal;
use crate::inspection::draw::domain_draw_seed;
use crate::inspection::pools::Canonical;
use crate::inspection::{DrawRng, Ratio, from_hex, seed_commitment, to_hex};
use crate::validation::Rejection;

/// The domain-separation prefix of the evaluation draw's seed.
pub const EVALUATION_DRAW_DOMAIN: &[u8] = b"zhifa-evaluation-draw-v1";
/// The domain-separation prefix of the candidates' hash.
const CANDIDATES_DOMAIN: &[u8] = b"zhifa-evaluation-cases-v1";

/// What is committed before the draw: the hash of the secret seed, the ratio, and the
/// frozen candidates with their hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawCommitment {
    /// SHA-256 of the 32-byte secret seed, lower-case hex: published before the draw.
    pub seed_commitment: String,
    /// The share of each agency's closed cases drawn.
    pub ratio: Ratio,
    /// SHA-256 of the canonical encoding of the candidates, lower-case hex.
    pub candidates_hash: String,
    /// The closed cases of the covered agencies, by agency in the batch's order, then by
    /// case id.
    pub candidates: Vec<CaseRef>,
    pub on: NaiveDate,
}

/// The draw as recorded: the revealed seed, the public input and the cases drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationDraw {
    /// The secret seed revealed, lower-case hex.
    pub seed: String,
    pub public_input: String,
    pub on: NaiveDate,
    /// SHA-256("zhifa-evaluation-draw-v1" ‖ seed ‖ public input), hex.
    pub draw_seed: String,
    /// The case ids drawn, in draw order.
    pub cases: Vec<Uuid>,
}

/// The candidates grouped by covered agency in the batch's order, each group by case id.
fn grouped<'a>(spec: &EvaluationSpec, candidates: &'a [CaseRef]) -> Vec<(Uuid, Vec<&'a CaseRef>)> {
    spec.agencies
        .iter()
        .map(|&a| {
            let mut group: Vec<&CaseRef> = candidates.iter().filter(|c| c.agency_id == a).collect();
            group.sort_by_key(|c| c.case_id);
            (a, group)
        })
        .collect()
}

/// SHA-256 of the canonical encoding of the candidates (see [`evaluation`](super)).
pub fn candidates_hash(evaluation_id: Uuid, spec: &EvaluationSpec, ratio: Ratio, candidates: &[CaseRef]) -> String {
    let mut h = Canonical::new();
    h.raw(CANDIDATES_DOMAIN);
    h.uuid(evaluation_id);
    h.u32(ratio.basis_points());
    h.u32(candidates.len() as u32);
    let groups = grouped(spec, candidates);
    h.u32(groups.len() as u32);
    for (agency, group) in groups {
        h.uuid(agency);
        h.u32(group.len() as u32);
        for c in group {
            h.uuid(c.case_id);
            h.str(&c.number);
            h.str(&c.closed_on.to_string());
        }
    }
    h.finish()
}

/// Runs the draw: per agency in the batch's order, `ratio.sample_size(n)` of its
/// candidates by a partial Fisher–Yates shuffle on one ChaCha20 stream. Returns the case
/// ids in draw order.
pub fn run_draw(spec: &EvaluationSpec, ratio: Ratio, candidates: &[CaseRef], draw_seed: [u8; 32]) -> Vec<Uuid> {
    let mut rng = DrawRng::new(draw_seed);
    let mut drawn = Vec::new();
    for (_, mut group) in grouped(spec, candidates) {
        let k = ratio.sample_size(group.len());
        rng.choose_first(&mut group, k);
        drawn.extend(group[..k].iter().map(|c| c.case_id));
    }
    drawn
}

fn check_hex_commitment(seed_commitment: &str, r: &mut Rejection) -> String {
    let s = seed_commitment.trim().to_ascii_lowercase();
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        r.add("seed_commitment", "种子承诺值应为64位十六进制的SHA-256摘要");
    }
    s
}

/// Freezes the candidates and commits to the hash of a secret seed. Every candidate must
/// be a closed case of a covered agency (each one that is not is named with the reason);
/// refused in a batch that picked cases by hand or is already committed.
pub fn decide_commit(
    ev: &Evaluation,
    candidates: Vec<CaseInput>,
    ratio: Ratio,
    seed_commitment: &str,
    on: NaiveDate,
) -> Result<EvaluationEvent, Rejection> {
    if ev.commitment.is_some() {
        return Err(Rejection::one("evaluation", "本次评查已公布抽取承诺，不能再次提交"));
    }
    let mut r = Rejection::new();
    if !ev.cases.is_empty() {
        r.add("evaluation", "本次评查已人工选取案卷，不能再随机抽取");
    }
    let seed_commitment = check_hex_commitment(seed_commitment, &mut r);
    if candidates.is_empty() {
        r.add("candidates", "没有可供抽取的已结案案卷");
    }
    let mut seen = BTreeSet::new();
    let mut frozen = Vec::with_capacity(candidates.len());
    for input in candidates {
        if !seen.insert(input.case_id) {
            r.add("candidates", format!("案件{}在候选名单中出现了两次", input.number.trim()));
            continue;
        }
        match input.eligible(&ev.spec) {
            Ok(c) if c.closed_on > on => {
                r.add("candidates", format!("案件{}的结案日期{}晚于承诺日期", c.number, c.closed_on))
            }
            Ok(c) => frozen.push(c),
            Err(why) => r.add("candidates", why),
        }
    }
    r.into_result()?;
    let candidates: Vec<CaseRef> = grouped(&ev.spec, &frozen).into_iter().flat_map(|(_, g)| g).cloned().collect();
    let commitment = DrawCommitment {
        seed_commitment,
        ratio,
        candidates_hash: candidates_hash(ev.id, &ev.spec, ratio, &candidates),
        candidates,
        on,
    };
    Ok(EvaluationEvent::EvaluationCommitted { commitment: Box::new(commitment) })
}

/// Draws with the revealed seed and the public input announced at the draw. Refused
/// when the seed does not match the commitment, the candidates changed since, or the
/// batch was already drawn.
pub fn decide_draw(
    ev: &Evaluation,
    seed: [u8; 32],
    public_input: &str,
    on: NaiveDate,
) -> Result<EvaluationEvent, Rejection> {
    let Some(c) = &ev.commitment else {
        return Err(Rejection::one("evaluation", "本次评查尚未公布抽取承诺，不能抽取"));
    };
    if ev.drawn.is_some() {
        return Err(Rejection::one("evaluation", "本次评查已经抽取，不能重复抽取"));
    }
    let mut r = Rejection::new();
    let public_input = check_reveal(&mut r, &seed, &c.seed_commitment, public_input, on, c.on);
    if candidates_hash(ev.id, &ev.spec, c.ratio, &c.candidates) != c.candidates_hash {
        r.add("candidates", "冻结的候选案卷名单与承诺时不一致，不能抽取");
    }
    r.into_result()?;
    let key = domain_draw_seed(EVALUATION_DRAW_DOMAIN, &seed, public_input);
    let cases = run_draw(&ev.spec, c.ratio, &c.candidates, key);
    Ok(EvaluationEvent::EvaluationDrawn {
        drawn: Box::new(EvaluationDraw {
            seed: to_hex(&seed),
            public_input: public_input.to_string(),
            on,
            draw_seed: to_hex(&key),
            cases,
        }),
    })
}

/// Why a recorded evaluation draw does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("本次评查尚未公布抽取承诺")]
    NotCommitted,
    #[error("本次评查尚未抽取")]
    NotDrawn,
    #[error("候选案卷名单与承诺不符：承诺的哈希为{committed}，按现存名单计算为{actual}，名单在承诺后被改动")]
    CandidatesChanged { committed: String, actual: String },
    #[error("公开的种子不是64位十六进制")]
    BadSeed,
    #[error("公开的种子与承诺不符：种子的SHA-256为{actual}，承诺值为{committed}")]
    SeedMismatch { committed: String, actual: String },
    #[error("按公开的种子重新抽取的结果与记录不符：{0}")]
    OutcomeDiffers(String),
}

/// Re-checks a recorded draw from the evaluation stream alone: the candidates against
/// their committed hash, the seed against its commitment, the drawn cases against a
/// re-run. Returns the re-computed case ids.
pub fn verify_draw(ev: &Evaluation) -> Result<Vec<Uuid>, VerifyError> {
    let c = ev.commitment.as_ref().ok_or(VerifyError::NotCommitted)?;
    let d = ev.drawn.as_ref().ok_or(VerifyError::NotDrawn)?;
    let actual = candidates_hash(ev.id, &ev.spec, c.ratio, &c.candidates);
    if actual != c.candidates_hash {
        return Err(VerifyError::CandidatesChanged { committed: c.candidates_hash.clone(), actual });
    }
    let seed: [u8; 32] = from_hex(&d.seed).and_then(|v| v.try_into().ok()).ok_or(VerifyError::BadSeed)?;
    let hashed = seed_commitment(&seed);
    if hashed != c.seed_commitment {
        return Err(VerifyError::SeedMismatch { committed: c.seed_commitment.clone(), actual: hashed });
    }
    let key = domain_draw_seed(EVALUATION_DRAW_DOMAIN, &seed, &d.public_input);
    if to_hex(&key) != d.draw_seed {
        return Err(VerifyError::OutcomeDiffers(format!("抽取密钥记录为{}，应为{}", d.draw_seed, to_hex(&key))));
    }
    let rerun = run_draw(&ev.spec, c.ratio, &c.candidates, key);
    if rerun != d.cases {
        let number = |id: &Uuid| {
            c.candidates.iter().find(|x| x.case_id == *id).map(|x| x.number.clone()).unwrap_or_else(|| id.to_string())
        };
        let list = |v: &[Uuid]| v.iter().map(number).collect::<Vec<_>>().join("、");
        return Err(VerifyError::OutcomeDiffers(format!("记录抽中{}，应为{}", list(&d.cases), list(&rerun))));
    }
    Ok(rerun)
}
