//! Ingest throughput against the baselines (read + hash + write in-process, and the shell's
//! `tee DEST < FILE | sha256sum`), the figure `zhifa bench ingest` reports over HTTP.
//! Ignored by default; run with
//! `cargo test --release -p zhifa-blob --test bench -- --ignored --nocapture`
//! (`ZHIFA_BENCH_MIB` sets the file size, default 256; `ZHIFA_BENCH_ROUNDS`, default 3;
//! `ZHIFA_BENCH_BLOCK_KIB`, the body's block size, default 64 as from an HTTP body).

use std::path::Path;
use std::time::{Duration, Instant};

use zhifa_blob::bench::{SAMPLE_MEDIA_TYPE, ingest_file, read_hash_write, write_sample_video};
use zhifa_blob::{BlobConfig, Uploads};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Flushes every dirty page, so one measurement's writeback does not slow the next.
fn sync_all() {
    let _ = std::process::Command::new("sync").status();
}

fn shell_baseline(src: &Path, dest: &Path) -> Option<Duration> {
    let t = Instant::now();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"tee "$1" < "$2" | sha256sum > /dev/null"#)
        .arg("sh")
        .arg(dest)
        .arg(src)
        .status()
        .ok()?;
    status.success().then(|| t.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run by hand in release mode"]
async fn ingest_throughput_against_read_hash_write() {
    let mib = env_u64("ZHIFA_BENCH_MIB", 256);
    let rounds = env_u64("ZHIFA_BENCH_ROUNDS", 3);
    let block = env_u64("ZHIFA_BENCH_BLOCK_KIB", 64) as usize * 1024;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sample.mp4");
    write_sample_video(&src, mib << 20).unwrap();
    let mut config = BlobConfig::new(dir.path().join("data"));
    config.max_bytes = u64::MAX;
    let uploads = Uploads::open(&config).unwrap();
    let dest = dir.path().join("baseline.out");
    let rate = |d: Duration| (mib as f64) / d.as_secs_f64();

    for round in 1..=rounds {
        sync_all();
        let t = Instant::now();
        let (baseline_sha, _) = tokio::task::spawn_blocking({
            let (src, dest) = (src.clone(), dest.clone());
            move || read_hash_write(&src, &dest)
        })
        .await
        .unwrap()
        .unwrap();
        let baseline = t.elapsed();
        std::fs::remove_file(&dest).unwrap();
        sync_all();
        let shell = shell_baseline(&src, &dest);
        let _ = std::fs::remove_file(&dest);
        sync_all();

        let t = Instant::now();
        let done = ingest_file(&uploads, &src, SAMPLE_MEDIA_TYPE, block).await.unwrap();
        let ingest = t.elapsed();
        assert_eq!(done.blob.sha256, baseline_sha);
        // Remove the blob so the next round stores it again rather than deduplicating.
        std::fs::remove_file(dir.path().join("data/blobs").join(&done.blob.key)).unwrap();

        println!(
            "round {round}: {mib} MiB  read+hash+write {:.0} MiB/s  tee|sha256sum {}  \
             ingest (with fsync) {:.0} MiB/s  ratio to read+hash+write {:.2}{}",
            rate(baseline),
            shell.map_or("n/a".to_owned(), |d| format!("{:.0} MiB/s", rate(d))),
            rate(ingest),
            baseline.as_secs_f64() / ingest.as_secs_f64(),
            shell
                .map_or(String::new(), |d| format!(", to tee|sha256sum {:.2}", d.as_secs_f64() / ingest.as_secs_f64())),
        );
    }
}
