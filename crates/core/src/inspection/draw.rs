//! The verifiable draw (S-02): the random stream, the selection of targets, the assignment
//! of inspectors, the draw command and its verification. The algorithm is specified in
//! the documentation of [`inspection`](super); this file is its reference implementation.

use std::collections::{HashMap, VecDeque};

use chrono::NaiveDate;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::plan::{Commitment, Drawn, Plan, PlanEvent, PlanSpec};
use super::pools::{FrozenPools, FrozenTarget};
use super::{from_hex, to_hex};
use crate::validation::Rejection;

/// The domain-separation prefix of the draw seed.
pub const DRAW_DOMAIN: &[u8] = b"zhifa-draw-v1";
/// The longest public input, in characters.
pub const PUBLIC_INPUT_MAX_CHARS: usize = 200;

/// An inspector assigned to a task, with the certificate number shown on site (P-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub officer_id: Uuid,
    pub agency_id: Uuid,
    pub name: String,
    pub certificate: String,
}

/// One drawn target with its items and inspectors (检查任务).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Index within the plan, from 0.
    pub index: u32,
    pub target_key: String,
    pub target_name: String,
    /// The plan's items this target was drawn for, in plan order.
    pub items: Vec<Uuid>,
    pub inspectors: Vec<Assignment>,
}

/// The result of a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawOutcome {
    /// SHA-256("zhifa-draw-v1" ‖ seed ‖ public input), hex: the key of the random stream.
    pub draw_seed: String,
    pub tasks: Vec<Task>,
}

/// SHA-256 of the secret seed, hex: the commitment published before the draw.
pub fn seed_commitment(seed: &[u8; 32]) -> String {
    to_hex(&Sha256::digest(seed))
}

/// The key of the random stream: SHA-256("zhifa-draw-v1" ‖ seed ‖ public input as UTF-8).
pub fn draw_seed(seed: &[u8; 32], public_input: &str) -> [u8; 32] {
    domain_draw_seed(DRAW_DOMAIN, seed, public_input)
}

/// SHA-256(domain ‖ seed ‖ public input as UTF-8): the key of a random stream. Each kind of
/// draw has its own domain, so one seed never yields the same stream for two purposes
/// (the case-file evaluation uses `zhifa-evaluation-draw-v1`).
pub(crate) fn domain_draw_seed(domain: &[u8], seed: &[u8; 32], public_input: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(domain);
    h.update(seed);
    h.update(public_input.as_bytes());
    h.finalize().into()
}

/// The random stream: ChaCha20 keyed by the draw seed, read as little-endian u64s.
pub struct DrawRng(ChaCha20Rng);

impl DrawRng {
    pub fn new(draw_seed: [u8; 32]) -> Self {
        DrawRng(ChaCha20Rng::from_seed(draw_seed))
    }

    /// The next 64 bits of the stream.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform integer in [0, n), n > 0, by rejection. Written here rather than taken from
    /// `rand::Rng::gen_range`, whose algorithm the rand crate does not promise to keep
    /// across versions: a draw must re-run identically for years, in any implementation.
    /// `threshold` = 2^64 mod n; values below it are rejected so that every residue is
    /// equally likely.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        let threshold = n.wrapping_neg() % n;
        loop {
            let x = self.0.next_u64();
            if x >= threshold {
                return x % n;
            }
        }
    }

    /// Shuffles the whole slice: for i from len−1 down to 1, swap i with below(i+1).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }

    /// A partial Fisher–Yates shuffle: for j in 0..k, swap positions j and
    /// j + below(len − j). The first k elements are then a uniform sample, in draw order.
    pub fn choose_first<T>(&mut self, v: &mut [T], k: usize) {
        let n = v.len();
        for j in 0..k.min(n) {
            let pick = j + self.below((n - j) as u64) as usize;
            v.swap(j, pick);
        }
    }
}

/// One agency's queue of inspectors (global indices), at most once each.
struct Queue {
    members: Vec<u32>,
    queue: VecDeque<u32>,
}

impl Queue {
    /// The first inspector in the queue not `blocked`, removed from the queue; the blocked
    /// ones before it keep their place. When none is, a new round is appended — a shuffle
    /// of the members not in the queue, in officer-id order before the shuffle — and the
    /// search goes on once.
    fn take(&mut self, rng: &mut DrawRng, queued: &mut [bool], blocked: impl Fn(u32) -> bool) -> Option<u32> {
        for round in 0..2 {
            if let Some(p) = self.queue.iter().position(|&i| !blocked(i)) {
                let i = self.queue.remove(p).expect("position in queue");
                queued[i as usize] = false;
                return Some(i);
            }
            if round == 0 {
                let mut fresh: Vec<u32> = self.members.iter().copied().filter(|&i| !queued[i as usize]).collect();
                rng.shuffle(&mut fresh);
                for &i in &fresh {
                    queued[i as usize] = true;
                }
                self.queue.extend(fresh);
            }
        }
        None
    }
}

/// Runs the draw. Errors (in Chinese) only on pools that fail the feasibility check.
pub fn run_draw(spec: &PlanSpec, pools: &FrozenPools, draw_seed: [u8; 32]) -> Result<DrawOutcome, String> {
    let mut rng = DrawRng::new(draw_seed);
    // 1. Targets, item by item: a partial Fisher–Yates shuffle of the eligible list.
    let mut tasks: Vec<(u32, Vec<Uuid>)> = Vec::new();
    let mut task_of: HashMap<u32, usize> = HashMap::new();
    for (i, item) in pools.items.iter().enumerate() {
        let mut eligible = pools.eligible(i);
        let n = eligible.len();
        let k = item.ratio.sample_size(n);
        rng.choose_first(&mut eligible, k);
        for &t in &eligible[..k] {
            match task_of.get(&t) {
                Some(&task) => tasks[task].1.push(item.id),
                None => {
                    task_of.insert(t, tasks.len());
                    tasks.push((t, vec![item.id]));
                }
            }
        }
    }
    // 2. Inspectors, task by task: one from each agency's queue (lead first), then the
    //    remaining places from the lead agency's queue.
    let all: Vec<(usize, &super::FrozenInspector)> =
        pools.agencies.iter().enumerate().flat_map(|(a, p)| p.inspectors.iter().map(move |o| (a, o))).collect();
    let mut conflicts: HashMap<&str, Vec<u32>> = HashMap::new();
    for (g, (_, o)) in all.iter().enumerate() {
        o.conflicts.iter().for_each(|k| conflicts.entry(k.as_str()).or_default().push(g as u32));
    }
    let mut next = 0u32;
    let mut queues: Vec<Queue> = pools
        .agencies
        .iter()
        .map(|p| {
            let members = (next..next + p.inspectors.len() as u32).collect();
            next += p.inspectors.len() as u32;
            Queue { members, queue: VecDeque::new() }
        })
        .collect();
    let mut queued = vec![false; all.len()];
    let team_size = spec.team_size();
    let mut out = Vec::with_capacity(tasks.len());
    for (index, (t, items)) in tasks.into_iter().enumerate() {
        let target: &FrozenTarget = &pools.targets[t as usize];
        let name = super::pools::name_key(&target.name);
        let blocked: Vec<u32> =
            [target.key.as_str(), &*name].iter().filter_map(|k| conflicts.get(k)).flatten().copied().collect();
        let mut team: Vec<u32> = Vec::with_capacity(team_size);
        let order = (0..queues.len()).chain(std::iter::repeat_n(0, team_size - queues.len()));
        for a in order {
            let taken = queues[a].take(&mut rng, &mut queued, |g| blocked.contains(&g) || team.contains(&g));
            let Some(g) = taken else {
                return Err(format!(
                    "无法为检查对象{}（{}）从{}派出无回避事由的检查人员",
                    target.name, target.key, pools.agencies[a].agency_name
                ));
            };
            team.push(g);
        }
        let inspectors = team
            .into_iter()
            .map(|g| {
                let (a, o) = all[g as usize];
                Assignment {
                    officer_id: o.officer_id,
                    agency_id: pools.agencies[a].agency_id,
                    name: o.name.clone(),
                    certificate: o.certificate.clone(),
                }
            })
            .collect();
        out.push(Task {
            index: index as u32,
            target_key: target.key.clone(),
            target_name: target.name.clone(),
            items,
            inspectors,
        });
    }
    Ok(DrawOutcome { draw_seed: to_hex(&draw_seed), tasks: out })
}

/// The checks of a revealed seed shared by every commit–reveal draw (a plan's, an
/// evaluation's): the seed matches the commitment, the public input is not too long, the
/// draw is not dated before the commitment. Returns the public input trimmed.
pub(crate) fn check_reveal<'a>(
    r: &mut Rejection,
    seed: &[u8; 32],
    committed: &str,
    public_input: &'a str,
    on: NaiveDate,
    committed_on: NaiveDate,
) -> &'a str {
    if seed_commitment(seed) != committed {
        r.add("seed", "种子与抽取前公布的承诺值不符，不能抽取");
    }
    let public_input = public_input.trim();
    if public_input.chars().count() > PUBLIC_INPUT_MAX_CHARS {
        r.add("public_input", format!("现场公开输入不得超过{PUBLIC_INPUT_MAX_CHARS}个字符"));
    }
    if on < committed_on {
        r.add("on", format!("抽取日期不能早于承诺日期{committed_on}"));
    }
    public_input
}

/// Draws a committed plan with the revealed seed and the public input announced at the
/// draw (S-02). Refused when the seed does not match the commitment, the pools changed
/// since, or the plan was already drawn.
pub fn decide_draw(plan: &Plan, seed: [u8; 32], public_input: &str, on: NaiveDate) -> Result<PlanEvent, Rejection> {
    let Some(c) = &plan.commitment else {
        return Err(Rejection::one("plan", "计划尚未公布抽取承诺，不能抽取"));
    };
    if plan.drawn.is_some() {
        return Err(Rejection::one("plan", "该计划已经抽取，不能重复抽取"));
    }
    let mut r = Rejection::new();
    let public_input = check_reveal(&mut r, &seed, &c.seed_commitment, public_input, on, c.on);
    let hash = c.pools.hash(plan.id, &plan.spec);
    if hash != c.pools_hash {
        r.add("pools", "冻结的名录库与承诺时不一致，不能抽取");
    }
    r.into_result()?;
    let outcome =
        run_draw(&plan.spec, &c.pools, draw_seed(&seed, public_input)).map_err(|e| Rejection::one("plan", e))?;
    Ok(PlanEvent::Drawn {
        drawn: Box::new(Drawn { seed: to_hex(&seed), public_input: public_input.to_string(), on, outcome }),
    })
}

/// Why a recorded draw does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("计划尚未公布抽取承诺")]
    NotCommitted,
    #[error("计划尚未抽取")]
    NotDrawn,
    #[error("冻结的名录库与承诺不符：承诺的哈希为{committed}，按现存名录库计算为{actual}，名录库在承诺后被改动")]
    PoolsChanged { committed: String, actual: String },
    #[error("名录库规模与承诺不符：{0}")]
    SizesChanged(String),
    #[error("公开的种子不是64位十六进制")]
    BadSeed,
    #[error("公开的种子与承诺不符：种子的SHA-256为{actual}，承诺值为{committed}")]
    SeedMismatch { committed: String, actual: String },
    #[error("按公开的种子无法重新抽取：{0}")]
    Rerun(String),
    #[error("按公开的种子重新抽取的结果与记录不符：{0}")]
    OutcomeDiffers(String),
}

/// Re-checks a recorded draw from the plan stream alone: the pools against their committed
/// hash and sizes, the seed against its commitment, and the outcome against a re-run.
/// Returns the re-computed outcome.
pub fn verify_draw(plan: &Plan) -> Result<DrawOutcome, VerifyError> {
    let c: &Commitment = plan.commitment.as_ref().ok_or(VerifyError::NotCommitted)?;
    let d = plan.drawn.as_ref().ok_or(VerifyError::NotDrawn)?;
    let actual = c.pools.hash(plan.id, &plan.spec);
    if actual != c.pools_hash {
        return Err(VerifyError::PoolsChanged { committed: c.pools_hash.clone(), actual });
    }
    let sizes = c.pools.sizes();
    if sizes != c.sizes {
        return Err(VerifyError::SizesChanged(format!(
            "承诺时检查对象{}户、排除{}户、检查人员{:?}名，现为{}户、{}户、{:?}名",
            c.sizes.targets, c.sizes.excluded, c.sizes.inspectors, sizes.targets, sizes.excluded, sizes.inspectors
        )));
    }
    let seed: [u8; 32] = from_hex(&d.seed).and_then(|v| v.try_into().ok()).ok_or(VerifyError::BadSeed)?;
    let hashed = seed_commitment(&seed);
    if hashed != c.seed_commitment {
        return Err(VerifyError::SeedMismatch { committed: c.seed_commitment.clone(), actual: hashed });
    }
    let rerun = run_draw(&plan.spec, &c.pools, draw_seed(&seed, &d.public_input)).map_err(VerifyError::Rerun)?;
    if let Some(diff) = difference(&d.outcome, &rerun) {
        return Err(VerifyError::OutcomeDiffers(diff));
    }
    Ok(rerun)
}

/// The first difference between a recorded and a re-computed outcome, in Chinese.
fn difference(recorded: &DrawOutcome, rerun: &DrawOutcome) -> Option<String> {
    if recorded.draw_seed != rerun.draw_seed {
        return Some(format!("抽取密钥记录为{}，应为{}", recorded.draw_seed, rerun.draw_seed));
    }
    if recorded.tasks.len() != rerun.tasks.len() {
        return Some(format!("记录的检查任务{}个，重新抽取为{}个", recorded.tasks.len(), rerun.tasks.len()));
    }
    for (a, b) in recorded.tasks.iter().zip(&rerun.tasks) {
        let n = b.index + 1;
        if a.target_key != b.target_key || a.index != b.index {
            return Some(format!(
                "第{n}个任务记录的检查对象为{}，应为{}（{}）",
                a.target_key, b.target_key, b.target_name
            ));
        }
        if a.items != b.items {
            return Some(format!("第{n}个任务（{}）的抽查事项与重新抽取不符", b.target_name));
        }
        if a.inspectors != b.inspectors {
            let names = |t: &Task| t.inspectors.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("、");
            return Some(format!("第{n}个任务（{}）记录的检查人员为{}，应为{}", b.target_name, names(a), names(b)));
        }
        if a != b {
            return Some(format!("第{n}个任务（{}）的记录与重新抽取不符", b.target_name));
        }
    }
    None
}
