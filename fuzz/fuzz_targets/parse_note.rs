//! Signed-note, checkpoint and key parsing on arbitrary bytes: never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhifa_ledger::{Checkpoint, NoteSigner, NoteVerifier, parse_note};

const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

fuzz_target!(|data: &[u8]| {
    let _ = parse_note(data);
    let _ = Checkpoint::parse(data);
    let verifier = NoteVerifier::parse(VKEY).unwrap();
    let _ = verifier.open(data);
    let _ = verifier.open_checkpoint(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = NoteVerifier::parse(text);
        let _ = NoteSigner::from_private_key(text);
    }
});
