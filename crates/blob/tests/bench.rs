//! Ingest throughput against the baseline (read + hash + write), the figure
//! `zhifa bench ingest` reports over HTTP. Ignored by default; run with
//! `cargo test --release -p zhifa-blob --test bench -- --ignored --nocapture`
//! (`ZHIFA_BENCH_MIB` sets the file size, default 256).

use std::time::Instant;

use zhifa_blob::bench::{SAMPLE_MEDIA_TYPE, ingest_file, read_hash_write, write_sample_video};
use zhifa_blob::{BlobConfig, Uploads};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run by hand in release mode"]
async fn ingest_throughput_against_read_hash_write() {
    let mib: u64 = std::env::var("ZHIFA_BENCH_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sample.mp4");
    write_sample_video(&src, mib << 20).unwrap();
    let mut config = BlobConfig::new(dir.path().join("data"));
    config.max_bytes = u64::MAX;
    let uploads = Uploads::open(&config).unwrap();

    for round in 1..=2 {
        let dest = dir.path().join("baseline.out");
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

        let t = Instant::now();
        let done = ingest_file(&uploads, &src, SAMPLE_MEDIA_TYPE, 64 << 10).await.unwrap();
        let ingest = t.elapsed();
        assert_eq!(done.blob.sha256, baseline_sha);
        // Remove the blob so the next round stores it again rather than deduplicating.
        let key = dir.path().join("data/blobs").join(&done.blob.key);
        std::fs::remove_file(key).unwrap();

        let rate = |d: std::time::Duration| (mib as f64) / d.as_secs_f64();
        println!(
            "round {round}: {mib} MiB  baseline {:.0} MiB/s  ingest {:.0} MiB/s  ratio {:.2}",
            rate(baseline),
            rate(ingest),
            baseline.as_secs_f64() / ingest.as_secs_f64()
        );
    }
}
