//! `zhifa bench draw`: the random-inspection draw at county-and-beyond scale (issue 6) —
//! a plan over N targets (default 1,000,000) at a ratio (default 5%) with M certified
//! inspectors (default 5,000), one in 50 of them with a declared conflict with some
//! target (N-06). Times, in the core's own functions as the app calls them: the
//! commitment (feasibility and the pools hash), the draw (the seed checked, the pools
//! re-hashed, the draw run) and the verification anyone runs (re-hash, re-run, compare);
//! also the size of the commitment event. Figures go to docs/PERFORMANCE.md.

use std::time::Instant;

use chrono::NaiveDate;
use uuid::Uuid;
use zhifa_core::ids::Uscc;
use zhifa_core::inspection::{
    AgencyPool, FrozenInspector, FrozenItem, FrozenPools, FrozenTarget, Plan, PlanEvent, PlanSpec, Ratio, TargetType,
    decide_commit, decide_draw, seed_commitment, verify_draw,
};

#[derive(Debug, clap::Args)]
pub struct DrawArgs {
    /// Targets in the pool
    #[arg(long, default_value_t = 1_000_000)]
    pub targets: u64,
    /// Inspectors in the pool
    #[arg(long, default_value_t = 5_000)]
    pub inspectors: u128,
    /// Share of the targets drawn
    #[arg(long, default_value = "5%")]
    pub ratio: String,
    /// Rounds (each a fresh plan and seed); the best and the worst are printed
    #[arg(long, default_value_t = 3)]
    pub rounds: u32,
}

fn uscc(n: u64) -> String {
    let first17 = format!("91430721{n:09}");
    format!("{first17}{}", Uscc::check_character(&first17))
}

fn pools(args: &DrawArgs, spec: &PlanSpec, ratio: Ratio) -> FrozenPools {
    let n = args.targets.max(1);
    FrozenPools {
        items: vec![FrozenItem {
            id: spec.items[0],
            name: "经营主体登记事项检查".into(),
            basis: "《中华人民共和国市场主体登记管理条例》第三十五条".into(),
            target_type: TargetType::Enterprise,
            ratio,
            excluded: vec![],
        }],
        targets: (1..=n)
            .map(|i| FrozenTarget {
                key: uscc(i), name: format!("检查对象{i}"), target_type: TargetType::Enterprise
            })
            .collect(),
        agencies: vec![AgencyPool {
            agency_id: spec.lead_agency,
            agency_name: "安乡县市场监督管理局".into(),
            inspectors: (0..args.inspectors)
                .map(|i| FrozenInspector {
                    officer_id: Uuid::from_u128(1_000_000 + i),
                    name: format!("检查人员{i}"),
                    certificate: format!("43072{i:07}"),
                    conflicts: if i % 50 == 0 { vec![uscc(1 + (i as u64 * 7919) % n)] } else { vec![] },
                })
                .collect(),
        }],
    }
}

pub fn run(args: DrawArgs) -> anyhow::Result<()> {
    let ratio = Ratio::parse(&args.ratio).map_err(|e| anyhow::anyhow!("--ratio：{e}"))?;
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
    println!(
        "== draw: {} targets at {}, {} inspectors (1 in 50 with a conflict), 2 per target, {} rounds",
        args.targets, args.ratio, args.inspectors, args.rounds
    );
    let mut rows = Vec::new();
    for round in 0..args.rounds {
        let spec = PlanSpec {
            name: format!("基准计划{round}"),
            lead_agency: Uuid::from_u128(7),
            items: vec![Uuid::from_u128(8)],
            from: day,
            to: day + chrono::Days::new(90),
            ratio: None,
            inspectors_per_target: 2,
            joining_agencies: vec![],
        };
        let frozen = pools(&args, &spec, ratio);
        let plan_id = Uuid::from_u128(100 + u128::from(round));
        let mut plan =
            Plan::fold([&PlanEvent::PlanCreated { plan_id, spec: spec.clone() }]).expect("a plan from its creation");
        let seed = [round as u8 + 1; 32];

        let t = Instant::now();
        let committed =
            decide_commit(&plan, frozen, &seed_commitment(&seed), day).map_err(|e| anyhow::anyhow!("{e}"))?;
        let commit = t.elapsed();
        let bytes = serde_json::to_vec(&committed)?.len();
        plan.apply(&committed);

        let t = Instant::now();
        let drawn = decide_draw(&plan, seed, "483920", day).map_err(|e| anyhow::anyhow!("{e}"))?;
        let draw = t.elapsed();
        plan.apply(&drawn);

        let t = Instant::now();
        let outcome = verify_draw(&plan).map_err(|e| anyhow::anyhow!("{e}"))?;
        let verify = t.elapsed();
        println!(
            "round {round}: commit {:.0} ms, draw {:.0} ms, verify {:.0} ms; {} tasks; commitment event {:.1} MiB",
            commit.as_secs_f64() * 1e3,
            draw.as_secs_f64() * 1e3,
            verify.as_secs_f64() * 1e3,
            outcome.tasks.len(),
            bytes as f64 / (1 << 20) as f64
        );
        rows.push((commit, draw, verify));
    }
    let worst = |f: fn(&(std::time::Duration, std::time::Duration, std::time::Duration)) -> std::time::Duration| {
        rows.iter().map(f).max().unwrap_or_default().as_secs_f64() * 1e3
    };
    println!(
        "worst of {}: commit {:.0} ms, draw {:.0} ms, verify {:.0} ms",
        rows.len(),
        worst(|r| r.0),
        worst(|r| r.1),
        worst(|r| r.2)
    );
    Ok(())
}
