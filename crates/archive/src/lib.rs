//! zhifa-archive: the bound case file (rule R-17) and its offline verifier (rule X-01).
//!
//! A package holds a case's whole-process record so that anyone can check it with nothing
//! but the package: every event as the exact leaf bytes the ledger hashed, each with its
//! inclusion proof against one signed checkpoint; the checkpoint and the log's public key;
//! the catalogue (目录) of every record and AV item; the rendered documents; the AV files
//! (or their storage references); and a manifest with the SHA-256 of every file.
//!
//! - [`format`]: the manifest, catalogue and events files.
//! - [`write`]: writing a package as a directory or a `.tar`.
//! - [`read`]: reading either form into a [`read::PackageView`] without extracting, with
//!   every unsafe entry recorded as a finding.
//! - [`verify`]: the four checks of DA/T 70-2018; every failure names its item.
//!
//! Written by hand: no crate implements DA/T 70 checks; tar reading uses the `tar` crate.

pub mod format;
pub mod read;
pub mod verify;
pub mod write;

pub use format::{Catalogue, CatalogueItem, EventsFile, Manifest, ManifestFile, PackagedEvent};
pub use read::PackageView;
pub use verify::{Finding, Property, Report, verify};
pub use write::PackageWriter;
