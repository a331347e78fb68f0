//! 双随机、一公开 — random inspections (rules S-01…S-05, with P-01, P-02, N-06).
//!
//! # One list, two pools (S-01) — [`list`], [`import`]
//!
//! Each agency keeps, on the stream `randomlist:<agency id>`, the [`ListEvent`]s of its
//! random-inspection item list (抽查事项清单: subject, item, target type, basis, content,
//! method, [`Ratio`], frequency), its target pool (检查对象名录库: [`Target`]s keyed by their
//! unified social credit code, imported in all-or-nothing batches) and its inspector pool
//! (执法检查人员名录库: officers who were assignable when added, P-01). The fold is a
//! [`RandomList`]; every change is a `decide_*` returning the event or a [`Rejection`].
//! [`parse_target_rows`] reads an import file's rows (decoded by the app from .csv or
//! .xlsx) and returns every bad row with its number.
//!
//! # Plans (S-02…S-04) — [`plan`]
//!
//! A plan is the stream `plan:<plan id>` of [`PlanEvent`]s folded into a [`Plan`]:
//! `PlanCreated` / `PlanEdited` (only before the commitment) with a [`PlanSpec`] — lead
//! agency, items of its list in drawing order, period, optional ratio override,
//! inspectors per target (≥ 2, P-02), joining agencies (joint inspection, S-04) —, then
//! `Committed`, `Drawn`, and per task `ResultRecorded` / `ResultCorrected`.
//!
//! # Commitment (S-02) — [`pools`], [`decide_commit`]
//!
//! The app freezes the pools with [`FrozenPools::build`]: the plan's items (with the
//! effective ratio and the S-03 exclusion set of each — targets drawn for that item by
//! plans whose period overlaps, see [`exclusions`]), the lead agency's targets of the
//! items' types ordered by key, and per agency (lead, then joining in plan order) the
//! inspectors assignable on the plan's first day (P-01) ordered by officer id, each with
//! the certificate number valid then and the upper-cased party keys and names of their
//! declared conflicts (N-06), sorted. It draws 32 random bytes as the secret seed, keeps
//! them secret, and passes `SHA-256(seed)` to [`decide_commit`], which checks feasibility
//! — every reason in Chinese: an item without eligible target, an agency without
//! certified inspector, fewer inspectors than a team, a target for which the inspectors
//! without conflict do not suffice (named) — and records the seed commitment, the pools
//! hash, the pool sizes and the pools themselves (inline: the draw can be re-run from the
//! plan stream alone; at a million targets that is an event of about 100 MB of JSON, which
//! a store may move to blob storage — the hash is what verification checks).
//!
//! **Canonical encoding** hashed with SHA-256 (hex, lower case) into `pools_hash`:
//! integers are u32 big-endian; a text is its UTF-8 byte length (u32) then its bytes; an
//! id is its 16 bytes; a date is the text `YYYY-MM-DD`. In order: the 14 bytes
//! `zhifa-pools-v1`; the plan id; the plan's first day; the team size; the item count,
//! then per item: id, name, basis, target type code (`enterprise`, …), ratio in basis
//! points, excluded count, each excluded key; the target count, then per target: key,
//! name, type code; the agency count, then per agency: id, name, inspector count, then per
//! inspector: officer id, name, certificate number, conflict count, each conflict.
//!
//! # The draw (S-02) — [`draw`]
//!
//! [`decide_draw`] takes the revealed seed and a public input (e.g. numbers read out by the
//! witnesses at the draw, trimmed, at most 200 characters), refuses if `SHA-256(seed)` is
//! not the commitment or the pools no longer hash to the committed value, and records
//! `Drawn` with the seed, the public input and the [`DrawOutcome`]. A plan is drawn once.
//! The public input means the agency cannot grind seeds: the draw depends on something
//! unknown when the commitment was published.
//!
//! **Algorithm**, version 1, reimplementable from this text:
//!
//! 1. `draw_seed = SHA-256("zhifa-draw-v1" ‖ seed ‖ public_input as UTF-8)`.
//! 2. The random stream is the ChaCha20 keystream keyed by `draw_seed` (Bernstein's
//!    layout: 64-bit block counter from 0, 64-bit nonce 0), read as consecutive
//!    little-endian u64 (the low 32-bit word first) — i.e. `rand_chacha` 0.9
//!    `ChaCha20Rng::from_seed(draw_seed)` and `next_u64`.
//! 3. `below(n)`: `threshold = (2^64 − n) mod n`; take the next u64 `x` until
//!    `x ≥ threshold`; return `x mod n`. `shuffle(v)`: for `i` from `len−1` down to 1, swap
//!    `v[i]` and `v[below(i+1)]`.
//! 4. Targets, item by item in plan order: the eligible list is the frozen targets of the
//!    item's type, minus the item's exclusions, in key order; `n` its length,
//!    `k = max(1, ceil(n × ratio_bp / 10000))` (0 when `n = 0`). For `j` in `0..k`:
//!    `p = j + below(n − j)`, swap positions `j` and `p`, the target at `j` is drawn. A
//!    target not drawn before becomes a new task (tasks are numbered in order of first
//!    draw); a target drawn again for a later item adds that item to its task.
//! 5. Inspectors, task by task in order. Team size `t = max(inspectors per target,
//!    number of agencies)`. Each agency has a queue of its inspectors (global index = the
//!    position in the agencies' pools concatenated), initially empty, holding each
//!    inspector at most once. The team takes one inspector from each agency's queue,
//!    lead first, then joining agencies in order, then `t − agencies` more from the lead
//!    agency's queue. To take from a queue: the first inspector in it that neither has a
//!    conflict with the task's target (its key, or its name trimmed and upper-cased, is
//!    among the inspector's conflicts) nor is already in the team is removed from the
//!    queue; those before it stay where they are. If there is none, a new round is
//!    appended — the agency's inspectors not in the queue, in officer-id order, shuffled
//!    with `shuffle` — and the search is made once more.
//!
//! Hence each team has `t` distinct inspectors, each certified on the plan's first day
//! (P-01, P-02), none with a declared conflict with the target (N-06), at least one per
//! joining agency and the lead (S-04). Every inspector is taken once per round, so
//! without conflicts the loads within an agency differ by at most one (a property test
//! checks it, extra lead places included); a skipped inspector keeps its place at the head
//! and is taken by the next target it may inspect, so a conflict delays a turn rather than
//! losing it (tested: within two with sparse conflicts). The cost is O(eligible targets per item + tasks ×
//! team × skipped) — no targets × inspectors term.
//!
//! # Verification — [`verify_draw`]
//!
//! From the plan alone: the pools re-hashed against `pools_hash` (a pool edited after the
//! commitment is detected), the sizes, `SHA-256(seed)` against the commitment, and the draw
//! re-run and compared task by task, each failure a [`VerifyError`] saying what differs.
//! An inspector's certificate may lapse between the commitment and the inspection: the
//! on-site act goes through [`check_act_officers`](crate::personnel::check_act_officers)
//! on its own date.
//!
//! # Tasks and results (S-03…S-05) — [`tasks`]
//!
//! A result is recorded once per task (a correction is an explicit event with a reason),
//! with the day the inspection ended, which must fall in the plan's period (S-03), a
//! [`TaskResult`], the summary (检查情况) and the inspection record id. The public notice
//! ([`inspection_notice`], D-06 fields) is due [`publish_due`] — `inspection_publish_wd`
//! working days after the end. [`inspected_keys`] and [`exclusions`] feed S-03;
//! [`joint_share`] gives the S-04 share against `joint_inspection_min_pct`.
//!
//! Pure like the rest of the core: dates, the plan id and the seed are arguments.

pub mod draw;
pub mod import;
pub mod list;
pub mod plan;
pub mod pools;
pub mod tasks;

#[cfg(test)]
mod tests;

pub use draw::{
    Assignment, DrawOutcome, DrawRng, Task, VerifyError, decide_draw, draw_seed, run_draw, seed_commitment, verify_draw,
};
pub use import::{RowError, parse_target_rows};
pub use list::{InspectionItem, ListEvent, RandomList, Ratio, Target, TargetType};
pub use plan::{Commitment, Drawn, Plan, PlanEvent, PlanSpec, TaskRecord, decide_commit, decide_create, decide_edit};
pub use pools::{AgencyPool, FrozenInspector, FrozenItem, FrozenPools, FrozenTarget, PoolInputs, PoolSizes};
pub use tasks::{
    InspectionNotice, InspectionResult, JointShare, TaskResult, decide_correct_result, decide_record_result,
    exclusions, inspected_keys, inspection_notice, joint_share, publish_due, tasks_of,
};

/// Lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Parses hex (either case); `None` on an odd length or a non-hex character.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok())).collect()
}
