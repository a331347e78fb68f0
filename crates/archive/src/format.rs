//! The files of a package.
//!
//! ```text
//! manifest.json        format, case, checkpoint size, every other file with SHA-256 and size
//! catalogue.json       目录: every record and AV item in order
//! events.json          every event: leaf bytes (canonical JSON line), position, proof
//! checkpoint.txt       the signed checkpoint (C2SP signed note) the proofs are against
//! key.txt              the log's note verifier key
//! documents/NNN-….html the records rendered as pages
//! documents/NNN-…-K.pdf the PDFs issued from a record (出具文书), K-th issue
//! files/<sha256>.<ext> the AV files (absent when exported by reference)
//! ```

use serde::{Deserialize, Serialize};

/// The format identifier in `manifest.json` of the packages written now: version 2 carries
/// the issued documents' PDFs.
pub const FORMAT: &str = "zhifa-case-package/2";
/// Version 1, still read: records as pages only, no PDFs (nothing of them is required).
pub const FORMAT_V1: &str = "zhifa-case-package/1";

pub const MANIFEST: &str = "manifest.json";
pub const CATALOGUE: &str = "catalogue.json";
pub const EVENTS: &str = "events.json";
pub const CHECKPOINT: &str = "checkpoint.txt";
pub const KEY: &str = "key.txt";

/// One file of the package (other than the manifest itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub case_id: String,
    pub case_number: String,
    pub agency: String,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: String,
    /// The tree size of `checkpoint.txt`.
    pub tree_size: u64,
    /// Whether AV files are inside the package or only referenced.
    pub files_included: bool,
    pub files: Vec<ManifestFile>,
}

/// A line of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueItem {
    pub seq: u32,
    pub title: String,
    /// `record` or `av`.
    pub item: String,
    /// The record's or AV item's id, as in its event.
    pub id: String,
    pub date: String,
    /// The rendered document (records) or the file (AV items) in the package.
    pub path: Option<String>,
    /// AV items: the content hash recorded in the event, the object-store key, the size.
    pub sha256: Option<String>,
    pub storage_key: Option<String>,
    pub size: Option<u64>,
    pub media_type: Option<String>,
    /// Records: every document issued from it as PDF, in order of issue (the latest last).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issued: Vec<IssuedFile>,
}

/// An issued document's PDF in the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuedFile {
    /// The document's id, as in its `DocumentIssued` event (its page is `/d/<id>`).
    pub document_id: String,
    /// The number printed on it (文号), or empty.
    pub number: String,
    pub path: String,
    /// The SHA-256 the issuing event recorded.
    pub sha256: String,
}

/// `catalogue.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub case_number: String,
    pub items: Vec<CatalogueItem>,
}

/// One event with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackagedEvent {
    pub position: i64,
    /// The leaf bytes exactly as hashed (a JSON object on one line).
    pub leaf: String,
    /// The audit path, bottom-up, hex.
    pub proof: Vec<String>,
}

/// `events.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsFile {
    pub tree_size: u64,
    pub events: Vec<PackagedEvent>,
}

/// The fields of a leaf line the verifier reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LeafLine {
    pub position: i64,
    pub stream_id: String,
    pub version: i64,
    pub event_type: String,
    pub payload: String,
    pub actor_name: String,
    pub recorded_at: String,
}

/// The file extension for a media type (files/<sha256>.<ext>).
pub fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/heic" | "image/heif" => "heic",
        "video/mp4" => "mp4",
        "video/quicktime" => "mov",
        "video/webm" => "webm",
        "video/3gpp" => "3gp",
        "audio/mpeg" => "mp3",
        "audio/mp4" | "audio/aac" | "audio/x-m4a" => "m4a",
        "audio/wav" | "audio/x-wav" => "wav",
        "audio/amr" => "amr",
        "audio/ogg" => "ogg",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}
