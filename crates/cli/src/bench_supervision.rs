//! `zhifa bench supervision`: supervision at county scale (issue 7) — 50 agencies, 100,000
//! cases, some millions of events — on a fresh SQLite database (or `--url`).
//!
//! The county is made from the demo: the market regulator's agency stream is copied
//! `--agencies` times (new ids, names), and its demo cases — the whole-process records the
//! demo builds through the services: filed, investigated, reviewed, decided, heard, on the
//! spot — are copied round-robin into those agencies until there are `--cases`, each copy
//! with fresh ids for everything in it but its agency, its own case and form numbers, and
//! without the issued-document events (their numbers are a gapless sequence per agency).
//! They are appended as real events, projected and hashed into the ledger.
//!
//! Then, timed in the app's own functions: the first sweep (everything derived), a sweep
//! with nothing changed, the daily sweep (what time alone changes), the dashboard's reads
//! (what `/supervision` asks of the database for the bureau), a warning list, the V-04
//! metrics of the year, and the county's annual report (statistics added up from each
//! case's share). Figures go to docs/PERFORMANCE.md.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Datelike;
use uuid::Uuid;
use zhifa_core::case::AccessEvent;
use zhifa_core::events::{Actor, DomainEvent, stream};
use zhifa_core::supervision::metrics::Period;
use zhifa_store::{Append, ExpectedVersion};

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct SupervisionArgs {
    /// Agencies of the county
    #[arg(long, default_value_t = 50)]
    pub agencies: usize,
    /// Cases, spread over the agencies
    #[arg(long, default_value_t = 100_000)]
    pub cases: usize,
    /// Database URL (default: a fresh SQLite file in a temporary directory)
    #[arg(long)]
    pub url: Option<String>,
    /// Openings of each case's file logged on its `access:` stream (R-18) — events the
    /// sweep reads past, as a county's log is mostly made of
    #[arg(long, default_value_t = 15)]
    pub openings: usize,
    /// Repetitions of each read; the median and the worst are printed
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
}

/// Replaces every UUID in `text` by its image under `map`, drawing a fresh one for each
/// UUID not in it. Written by hand: a scan for the 8-4-4-4-12 hex shape is all it takes.
fn remap_uuids(text: &str, map: &mut HashMap<String, String>) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let shape = |s: &[u8]| {
        s.len() == 36
            && s.iter()
                .enumerate()
                .all(|(k, c)| if [8, 13, 18, 23].contains(&k) { *c == b'-' } else { c.is_ascii_hexdigit() })
    };
    let mut last = 0;
    while i + 36 <= b.len() {
        if shape(&b[i..i + 36]) {
            out.push_str(&text[last..i]);
            let old = &text[i..i + 36];
            let new = map.entry(old.to_string()).or_insert_with(|| Uuid::new_v4().to_string());
            out.push_str(new);
            i += 36;
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

fn median(mut xs: Vec<Duration>) -> (Duration, Duration) {
    xs.sort();
    (xs[xs.len() / 2], *xs.last().expect("rounds"))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
        })
        .map(|kb| format!("{} MiB", kb.parse::<u64>().unwrap_or(0) / 1024))
        .unwrap_or_else(|| "?".into())
}

pub async fn run(config: &Config, args: SupervisionArgs) -> anyhow::Result<()> {
    let dir = crate::bench::tempfile_dir()?;
    let url = args.url.clone().unwrap_or_else(|| zhifa_store::sqlite_url(&dir));
    let mut config = config.clone();
    config.database_url = url;
    let app = crate::open(&config).await?;
    app.load_demo().await.map_err(|e| anyhow::anyhow!("载入演示数据失败：{e}"))?;
    app.load_demo_inspection().await.map_err(|e| anyhow::anyhow!("载入演示双随机抽查失败：{e}"))?;
    let actor = Actor::system("bench");

    // The template agency and its cases.
    let template = app
        .db
        .agencies()
        .await?
        .into_iter()
        .find(|a| a.info.name == "安乡县市场监督管理局")
        .context("the demo's market regulator")?;
    let agency_events = app.db.load_stream(&stream::agency(template.id)).await?;
    let mut cases = Vec::new();
    for row in app.db.cases_of_agency(template.id).await? {
        let events = app.db.load_stream(&stream::case(row.id)).await?;
        cases.push((row.number.clone(), events));
    }
    anyhow::ensure!(!cases.is_empty(), "the demo has no cases to copy");

    let started = Instant::now();
    let mut agencies = Vec::new();
    for a in 0..args.agencies {
        let mut map = HashMap::new();
        let name = format!("基准县第{}执法局", a + 1);
        let events: Vec<DomainEvent> = agency_events
            .iter()
            .map(|e| {
                let json = serde_json::to_string(&e.event).expect("serializes");
                let json = remap_uuids(&json, &mut map).replace(&template.info.name, &name);
                DomainEvent::decode("agency", &json).expect("decodes")
            })
            .collect();
        let id: Uuid = map[&template.id.to_string()].parse()?;
        app.db.append(&actor, vec![Append::new(stream::agency(id), ExpectedVersion::NoStream, events)]).await?;
        agencies.push(id);
    }
    let mut batch = Vec::new();
    let mut events_total = 0usize;
    for n in 0..args.cases {
        let (number, events) = &cases[n % cases.len()];
        let agency = agencies[n % agencies.len()];
        let mut map = HashMap::from([(template.id.to_string(), agency.to_string())]);
        let new_number = format!("基准案〔{}〕{}号", chrono::Utc::now().year(), n + 1);
        let form = format!("基准{n:07}-");
        let mut forms = HashMap::new();
        let copied: Vec<DomainEvent> = events
            .iter()
            .filter(|e| e.event_type != "DocumentIssued")
            .map(|e| {
                let json = serde_json::to_string(&e.event).expect("serializes");
                let json = remap_uuids(&json, &mut map).replace(number.as_str(), &new_number);
                let json = replace_form_numbers(&json, &form, &mut forms);
                DomainEvent::decode("case", &json).expect("decodes")
            })
            .collect();
        let case_id = map[&events[0].stream_id.trim_start_matches("case:").to_string()].clone();
        events_total += copied.len();
        batch.push(Append::new(format!("case:{case_id}"), ExpectedVersion::NoStream, copied));
        if args.openings > 0 {
            let id: Uuid = case_id.parse()?;
            let opened: Vec<DomainEvent> = (0..args.openings)
                .map(|k| {
                    AccessEvent::RecordOpened {
                        case_id: id,
                        record_id: None,
                        purpose: format!("办理案件（第{}次查阅）", k + 1),
                    }
                    .into()
                })
                .collect();
            events_total += opened.len();
            batch.push(Append::new(stream::access(id), ExpectedVersion::NoStream, opened));
        }
        if batch.len() >= 200 {
            app.db.append(&actor, std::mem::take(&mut batch)).await?;
        }
        if (n + 1) % 10_000 == 0 {
            println!("  {} cases, {events_total} events, {:.0} s", n + 1, started.elapsed().as_secs_f64());
        }
    }
    if !batch.is_empty() {
        app.db.append(&actor, batch).await?;
    }
    println!(
        "county: {} agencies, {} cases ({} templates), {} case and access events, {} events in all; filled in {:.0} s",
        args.agencies,
        args.cases,
        cases.len(),
        events_total,
        app.db.event_count().await?,
        started.elapsed().as_secs_f64()
    );

    // The sweeps.
    let t = Instant::now();
    let first = app.sweep("bench").await?.context("the sweep's lease")?;
    println!(
        "first sweep (everything derived): {:.1} s — {:?} streams, {} clocks, {} problems",
        t.elapsed().as_secs_f64(),
        first.streams,
        first.clocks,
        first.problems
    );
    let t = Instant::now();
    let steady = app.sweep("bench").await?.context("lease")?;
    println!("sweep with nothing changed: {} ({:?})", ms(t.elapsed()), steady.streams);
    sqlx::query("UPDATE sweep_state SET swept_on = '2000-01-01' WHERE name = 'supervision'")
        .execute(app.db.writer())
        .await?;
    let t = Instant::now();
    let daily = app.sweep("bench").await?.context("lease")?;
    println!("daily sweep (time-dependent re-derivation, digests): {} ({:?})", ms(t.elapsed()), daily.streams);

    // The reads.
    let jd = app.db.account_for_login("sfj-jd").await?.context("the bureau's demo account")?.0.principal();
    let now = zhifa_app::cases::beijing_now();
    let year = now.year();
    let mut dash = Vec::new();
    let mut list = Vec::new();
    for _ in 0..args.rounds {
        let t = Instant::now();
        app.warning_counts(&jd, now, now.date().with_ordinal(1).expect("1 January")).await?;
        app.problem_counts(&jd).await?;
        app.sweep_info().await?;
        app.latest_digest(&jd).await?;
        app.db.agencies().await?;
        dash.push(t.elapsed());
        let t = Instant::now();
        let q = zhifa_store::supervision::ClockQuery {
            state: Some(zhifa_store::supervision::ClockState::Attention),
            limit: 500,
            ..Default::default()
        };
        app.warning_list(&jd, q, now).await?;
        list.push(t.elapsed());
    }
    let (d50, dmax) = median(dash);
    let (l50, lmax) = median(list);
    println!("dashboard reads: median {}, worst {}", ms(d50), ms(dmax));
    println!("warning list (500 rows): median {}, worst {}", ms(l50), ms(lmax));
    let period = Period::year(year).context("year")?;
    // The first reads after a sweep decode every case's facts; the next ones reuse them.
    let t = Instant::now();
    app.metrics(&jd, period).await?;
    println!("V-04 metrics, first read after the sweep: {}", ms(t.elapsed()));
    let mut st = Vec::new();
    for _ in 0..args.rounds.min(5) {
        let t = Instant::now();
        let s = app.annual_statistics(None, year).await?;
        st.push(t.elapsed());
        anyhow::ensure!(s.len() > args.agencies / 2, "statistics of the agencies");
    }
    let (s50, smax) = median(st);
    println!("annual statistics (D-11) of every agency: median {}, worst {}", ms(s50), ms(smax));
    let mut m = Vec::new();
    let mut r = Vec::new();
    for _ in 0..args.rounds.min(5) {
        let t = Instant::now();
        app.metrics(&jd, period).await?;
        m.push(t.elapsed());
        let t = Instant::now();
        let report = app.annual_report(&jd, None, year).await?;
        r.push(t.elapsed());
        anyhow::ensure!(report.parts.len() > args.agencies, "every agency in the report");
    }
    let (m50, mmax) = median(m);
    let (r50, rmax) = median(r);
    println!("V-04 metrics of the year, county: median {}, worst {}", ms(m50), ms(mmax));
    println!("annual report (statistics + metrics), county: median {}, worst {}", ms(r50), ms(rmax));
    println!("peak memory (VmHWM): {}", peak_rss());
    Ok(())
}

/// Gives every pre-numbered form number (each `"form_number":"…"` value) of a copy its
/// own: the copy's prefix and the form's place among those seen in the copy (`forms`).
fn replace_form_numbers(json: &str, prefix: &str, forms: &mut HashMap<String, String>) -> String {
    const KEY: &str = "\"form_number\":\"";
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i + KEY.len()]);
        let after = &rest[i + KEY.len()..];
        let end = after.find('"').unwrap_or(after.len());
        let n = forms.len();
        let new = forms.entry(after[..end].to_string()).or_insert_with(|| format!("{prefix}{n:02}"));
        out.push_str(new);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_remapped_consistently_and_nothing_else_changes() {
        let a = Uuid::new_v4().to_string();
        let b = Uuid::new_v4().to_string();
        let text = format!(r#"{{"x":"{a}","y":["{b}","{a}"],"form_number":"安市监简000001"}}"#);
        let mut map = HashMap::from([(a.clone(), "fixed".to_string())]);
        let out = remap_uuids(&text, &mut map);
        assert_eq!(out.matches("fixed").count(), 2);
        assert!(!out.contains(&b) && out.contains(map[&b].as_str()));
        assert!(out.ends_with(r#""form_number":"安市监简000001"}"#));
        let mut forms = HashMap::new();
        assert_eq!(replace_form_numbers(&out, "B1-", &mut forms), out.replace("安市监简000001", "B1-00"));
        let again = replace_form_numbers(r#""form_number":"X","form_number":"安市监简000001""#, "B1-", &mut forms);
        assert_eq!(again, r#""form_number":"B1-01","form_number":"B1-00""#);
    }
}
