//! Writes the sample case's documents as PDF into a directory, to look at:
//! `cargo run -p zhifa-docs --example sample_documents -- /tmp/docs`.

use zhifa_docs::cases::{Context, catalogue, document};
use zhifa_docs::model::Qr;
use zhifa_docs::{FontLibrary, render_with, sample};

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "target/sample-documents".into());
    std::fs::create_dir_all(&out).expect("output directory");
    let library = FontLibrary::default();
    let case = sample::case();
    let ctx = Context {
        case: &case,
        agency: sample::AGENCY,
        qr: Some(Qr {
            url: "http://127.0.0.1:8080/d/5a000000-0000-4000-8000-000000000007".into(),
            caption: "扫码核验真伪".into(),
        }),
        issued_on: chrono::NaiveDate::from_ymd_opt(2026, 5, 6),
        number: None,
    };
    for r in &case.records {
        // Numbered kinds as issued: the number allocated at issue (文号).
        let number = zhifa_core::case::documents::DocType::of(r.record.kind)
            .map(|t| zhifa_core::case::documents::DocumentNumber::new(uuid::Uuid::nil(), "安市监", t, 2026, 1).text);
        let ctx = Context { number, ..ctx.clone() };
        let doc = document(&ctx, r);
        let t = std::time::Instant::now();
        let pdf = render_with(&doc, &library).expect("rendered");
        let path = format!("{out}/{}.pdf", r.record.kind.as_str());
        std::fs::write(&path, &pdf.pdf).expect("written");
        println!("{path}: {} pages, {} bytes, {:?}", pdf.pages, pdf.pdf.len(), t.elapsed());
    }
    let pdf = render_with(&catalogue(&ctx), &library).expect("rendered");
    std::fs::write(format!("{out}/catalogue.pdf"), &pdf.pdf).expect("written");
}
