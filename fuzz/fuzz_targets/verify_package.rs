//! The offline verifier on arbitrary bytes read as a `.tar` package: it must never panic,
//! never extract anything, and never pass.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(view) = zhifa_archive::PackageView::from_tar(data) {
        let report = zhifa_archive::verify(&view, None);
        assert!(!report.passed(), "arbitrary bytes passed the four checks");
    }
});
