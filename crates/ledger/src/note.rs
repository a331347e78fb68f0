//! Signed notes (C2SP `signed-note`) with Ed25519 keys, and the key encodings of Go's
//! `sumdb/note` that standard tools read.
//!
//! A signed note is the text (ending in a newline), a blank line, and one line per
//! signature: `— <key name> <base64(key id ‖ signature)>`. The key id is the first four
//! bytes of `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)`, 0x01 being the Ed25519 signature
//! type. A verifier key is published as `<name>+<hex key id>+<base64(0x01 ‖ public key)>`;
//! the signing key is stored as `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ seed)>`.
//!
//! Note parsing, signature lines and checking are Cloudflare's `signed_note` crate (a port
//! of Go's `sumdb/note`); the signer and verifier types are ours so that a key can be made
//! from 32 seed bytes (this crate has no RNG) and hand out its public key.

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use signed_note::{Note, Signer, Verifier, VerifierList};

use crate::checkpoint::Checkpoint;
use crate::{Error, Result};

/// The signature type of Ed25519 in signed notes.
const ALG_ED25519: u8 = 0x01;

fn malformed(what: &'static str, why: impl Into<String>) -> Error {
    Error::Malformed { what, why: why.into() }
}

/// The key id of an Ed25519 key: `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[..4]`.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut encoded = Vec::with_capacity(33);
    encoded.push(ALG_ED25519);
    encoded.extend_from_slice(public_key);
    signed_note::key_id(name, &encoded)
}

fn check_name(name: &str) -> Result<()> {
    if !signed_note::is_key_name_valid(name) {
        return Err(malformed("key name", format!("“{name}” must be non-empty, without spaces or “+”")));
    }
    Ok(())
}

/// Splits `<name>+<8 hex digits>+<base64>` and checks the name and the id's form.
fn split_key<'a>(text: &'a str, what: &'static str) -> Result<(&'a str, u32, Vec<u8>)> {
    // Names never hold a “+”; base64 may.
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id16), Some(key64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed(what, "expected <name>+<key id>+<key>"));
    };
    check_name(name)?;
    if id16.len() != 8 || !id16.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed(what, "the key id must be 8 hex digits"));
    }
    let id = u32::from_str_radix(id16, 16).map_err(|e| malformed(what, e.to_string()))?;
    let key = BASE64_STANDARD.decode(key64).map_err(|e| malformed(what, e.to_string()))?;
    Ok((name, id, key))
}

/// Splits `0x01 ‖ 32 bytes`.
fn ed25519_key_bytes(key: &[u8], what: &'static str) -> Result<[u8; 32]> {
    match key.split_first() {
        Some((&ALG_ED25519, rest)) => rest.try_into().map_err(|_| malformed(what, "an Ed25519 key has 32 bytes")),
        Some((alg, _)) => Err(malformed(what, format!("unknown signature type {alg:#04x}"))),
        None => Err(malformed(what, "empty key")),
    }
}

/// An Ed25519 note signer: the log's signing key.
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NoteSigner({}+{:08x}, secret hidden)", self.name, self.id)
    }
}

impl NoteSigner {
    /// The signer named `name` (the log's origin) whose Ed25519 secret key is `seed`.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<NoteSigner> {
        check_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(NoteSigner { name: name.to_string(), id, key })
    }

    /// Reads `PRIVATE+KEY+<name>+<id>+<base64(0x01 ‖ seed)>` (Go `note.NewSigner` format);
    /// the id must match the key.
    pub fn from_private_key(text: &str) -> Result<NoteSigner> {
        let rest = text
            .trim_end()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| malformed("signer key", "missing PRIVATE+KEY+"))?;
        let (name, id, key) = split_key(rest, "signer key")?;
        let seed = ed25519_key_bytes(&key, "signer key")?;
        let signer = NoteSigner::from_seed(name, &seed)?;
        if signer.id != id {
            return Err(malformed("signer key", "the key id does not match the key"));
        }
        Ok(signer)
    }

    /// The Go `note` private key text. Secret: store it with care.
    pub fn to_private_key(&self) -> String {
        let mut key = vec![ALG_ED25519];
        key.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{:08x}+{}", self.name, self.id, BASE64_STANDARD.encode(key))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.id
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The matching verifier.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier { name: self.name.clone(), id: self.id, key: self.key.verifying_key() }
    }

    /// The verifier key text `<name>+<hex id>+<base64(0x01 ‖ public key)>`.
    pub fn verifier_key(&self) -> String {
        self.verifier().to_vkey()
    }

    /// Signs `text` (non-empty, ending in a newline, no control characters but newlines)
    /// and returns the signed note.
    pub fn sign(&self, text: &str) -> Result<String> {
        let mut note = Note::new(text.as_bytes(), &[]).map_err(|e| malformed("note text", e.to_string()))?;
        note.add_sigs(&[self]).map_err(|e| malformed("note text", e.to_string()))?;
        String::from_utf8(note.to_bytes()).map_err(|e| malformed("note", e.to_string()))
    }

    /// Signs a checkpoint. Its origin must be this signer's name.
    pub fn sign_checkpoint(&self, checkpoint: &Checkpoint) -> Result<String> {
        if checkpoint.origin != self.name {
            return Err(malformed(
                "checkpoint",
                format!("origin “{}” is not the key name “{}”", checkpoint.origin, self.name),
            ));
        }
        self.sign(&checkpoint.to_text()?)
    }
}

impl Signer for NoteSigner {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, ed25519_dalek::SignatureError> {
        Ok(self.key.sign(msg).to_bytes().to_vec())
    }
}

/// An Ed25519 note verifier: what anyone needs to check the log's checkpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl NoteVerifier {
    /// The verifier for `name` and an Ed25519 public key.
    pub fn new(name: &str, public_key: &[u8; 32]) -> Result<NoteVerifier> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(public_key).map_err(|e| malformed("verifier key", e.to_string()))?;
        Ok(NoteVerifier { name: name.to_string(), id: key_id(name, public_key), key })
    }

    /// Parses a verifier key `<name>+<hex id>+<base64(0x01 ‖ public key)>`; the id must
    /// match the key.
    pub fn parse(vkey: &str) -> Result<NoteVerifier> {
        let (name, id, key) = split_key(vkey, "verifier key")?;
        let public = ed25519_key_bytes(&key, "verifier key")?;
        let v = NoteVerifier::new(name, &public)?;
        if v.id != id {
            return Err(malformed("verifier key", "the key id does not match the key"));
        }
        Ok(v)
    }

    /// The verifier key text.
    pub fn to_vkey(&self) -> String {
        let mut key = vec![ALG_ED25519];
        key.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.id, BASE64_STANDARD.encode(key))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.id
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Checks a signed note and returns its text. The note must carry a valid signature by
    /// this key; signatures by unknown keys are ignored, a bad one by this key is an error.
    pub fn open(&self, note: &[u8]) -> Result<String> {
        let parsed = Note::from_bytes(note).map_err(|e| malformed("signed note", e.to_string()))?;
        let known = VerifierList::new(vec![Box::new(self.clone())]);
        parsed.verify(&known).map_err(|e| Error::Signature(e.to_string()))?;
        String::from_utf8(parsed.text().to_vec()).map_err(|e| malformed("signed note", e.to_string()))
    }

    /// Checks a signed checkpoint and parses it. Its origin must be this key's name.
    pub fn open_checkpoint(&self, note: &[u8]) -> Result<Checkpoint> {
        let text = self.open(note)?;
        let checkpoint = Checkpoint::parse(text.as_bytes())?;
        if checkpoint.origin != self.name {
            return Err(Error::Signature(format!(
                "checkpoint origin “{}” is not the key name “{}”",
                checkpoint.origin, self.name
            )));
        }
        Ok(checkpoint)
    }
}

impl Verifier for NoteVerifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else { return false };
        self.key.verify_strict(msg, &sig).is_ok()
    }
}

/// One signature line of a note, not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    pub signature: Vec<u8>,
}

/// A note split into text and signature lines, nothing verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedNote {
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

/// Parses a signed note without checking any signature (to show what a note claims).
pub fn parse_note(note: &[u8]) -> Result<ParsedNote> {
    let parsed = Note::from_bytes(note).map_err(|e| malformed("signed note", e.to_string()))?;
    let text = String::from_utf8(parsed.text().to_vec()).map_err(|e| malformed("signed note", e.to_string()))?;
    // The crate keeps its signatures private; re-read the lines it accepted.
    let body = std::str::from_utf8(note).map_err(|e| malformed("signed note", e.to_string()))?;
    let (_, lines) = body.rsplit_once("\n\n").ok_or_else(|| malformed("signed note", "no signature block"))?;
    let signatures = lines
        .lines()
        .map(|line| {
            let s = signed_note::Signature::from_bytes(line.as_bytes())
                .map_err(|e| malformed("signature line", e.to_string()))?;
            Ok(NoteSignature { name: s.name().to_string(), key_id: s.id(), signature: s.signature().to_vec() })
        })
        .collect::<Result<_>>()?;
    Ok(ParsedNote { text, signatures })
}
