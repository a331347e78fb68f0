//! The offline verifier: the four checks of DA/T 70-2018 (电子档案四性检测) on a package,
//! with nothing but the package (and, optionally, the log's public key obtained elsewhere,
//! e.g. from the disclosure portal).
//!
//! - **Authenticity (真实性):** the checkpoint's signature; every event's leaf bytes hash
//!   to a leaf that the inclusion proof places in that signed tree; the AV files' hashes
//!   are the ones the signed events recorded, and so are the issued documents' PDFs.
//! - **Integrity (完整性):** every file of the manifest present with its hash and size;
//!   every catalogue item present and backed by its event; every record and AV event of
//!   the case in the catalogue, and every issued document's PDF; the case's event stream
//!   without gaps.
//! - **Usability (可用性):** JSON parses, documents are UTF-8, AV files are in their
//!   declared formats (magic bytes), issued documents are PDFs.
//! - **Security (安全性):** only regular files at safe paths, nothing outside the
//!   manifest, no executable content or scripts.
//!
//! A forged proof is never accepted: proofs are checked by `zhifa_ledger::verify_inclusion`,
//! which checks the path length for the index and size exactly, against the root of a
//! checkpoint whose signature was verified first.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;
use zhifa_ledger::{Checkpoint, Hash, NoteVerifier, leaf_hash, verify_inclusion};

use crate::format::{
    CATALOGUE, CHECKPOINT, Catalogue, EVENTS, EventsFile, FORMAT, FORMAT_V1, KEY, LeafLine, MANIFEST, Manifest,
};
use crate::read::{PackageView, safe_path};

/// The four properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Property {
    Authenticity,
    Integrity,
    Usability,
    Security,
}

impl Property {
    pub fn label(self) -> &'static str {
        match self {
            Property::Authenticity => "真实性",
            Property::Integrity => "完整性",
            Property::Usability => "可用性",
            Property::Security => "安全性",
        }
    }
}

/// One check's outcome, naming its item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub property: Property,
    pub item: String,
    pub ok: bool,
    pub message: String,
}

impl Finding {
    pub fn fail(property: Property, item: &str, message: String) -> Finding {
        Finding { property, item: item.to_string(), ok: false, message }
    }
    pub fn pass(property: Property, item: &str, message: String) -> Finding {
        Finding { property, item: item.to_string(), ok: true, message }
    }
}

/// The verifier's report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub case_number: String,
    pub key_id: Option<String>,
    pub tree_size: Option<u64>,
    pub events_checked: usize,
    pub files_checked: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when nothing failed.
    pub fn passed(&self) -> bool {
        self.findings.iter().all(|f| f.ok)
    }

    pub fn failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.ok)
    }

    fn fail(&mut self, property: Property, item: &str, message: impl Into<String>) {
        self.findings.push(Finding::fail(property, item, message.into()));
    }

    fn pass(&mut self, property: Property, item: &str, message: impl Into<String>) {
        self.findings.push(Finding::pass(property, item, message.into()));
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "案卷：{}", if self.case_number.is_empty() { "（未知）" } else { &self.case_number })?;
        if let Some(k) = &self.key_id {
            writeln!(f, "签名公钥：{k}（请与公示平台公布的公钥核对）")?;
        }
        if let Some(n) = self.tree_size {
            writeln!(f, "检查点：账本共{n}条记录")?;
        }
        writeln!(f, "已核验事件{}条、文件{}个", self.events_checked, self.files_checked)?;
        for p in [Property::Authenticity, Property::Integrity, Property::Usability, Property::Security] {
            let bad: Vec<_> = self.findings.iter().filter(|x| x.property == p && !x.ok).collect();
            if bad.is_empty() {
                writeln!(f, "【{}】通过", p.label())?;
            } else {
                writeln!(f, "【{}】不通过（{}项）", p.label(), bad.len())?;
                for b in bad {
                    writeln!(f, "  - {}：{}", b.item, b.message)?;
                }
            }
        }
        write!(f, "结论：{}", if self.passed() { "四性检测通过" } else { "四性检测不通过" })
    }
}

fn json<T: serde::de::DeserializeOwned>(view: &PackageView, path: &str, r: &mut Report) -> Option<T> {
    let Some(bytes) = view.text(path) else {
        if view.entries.contains_key(path) {
            r.fail(Property::Usability, path, "文件过大，无法读取");
        } else {
            r.fail(Property::Integrity, path, "缺少此文件");
        }
        return None;
    };
    match serde_json::from_slice(bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            r.fail(Property::Usability, path, format!("不是有效的 JSON：{e}"));
            None
        }
    }
}

/// Runs the four checks. `trusted_key` is the log's verifier key from an independent
/// source; without it the package's own `key.txt` is used and the report asks the reader
/// to compare its id with the published one.
pub fn verify(view: &PackageView, trusted_key: Option<&str>) -> Report {
    let mut r = Report { findings: view.findings.clone(), ..Default::default() };
    let Some(manifest) = json::<Manifest>(view, MANIFEST, &mut r) else { return r };
    r.case_number = manifest.case_number.clone();
    if manifest.format != FORMAT && manifest.format != FORMAT_V1 {
        r.fail(Property::Usability, MANIFEST, format!("包格式“{}”无法识别（应为{FORMAT}）", manifest.format));
        return r;
    }
    check_files(view, &manifest, &mut r);
    let checkpoint = check_checkpoint(view, trusted_key, &manifest, &mut r);
    let events = json::<EventsFile>(view, EVENTS, &mut r);
    let catalogue = json::<Catalogue>(view, CATALOGUE, &mut r);
    let leaves = match (&events, &checkpoint) {
        (Some(ev), Some(cp)) => check_events(ev, cp, &mut r),
        _ => vec![],
    };
    check_stream(&manifest, &leaves, &mut r);
    if let Some(cat) = &catalogue {
        check_catalogue(view, &manifest, cat, &leaves, &mut r);
    }
    check_security(view, &mut r);
    r
}

fn check_files(view: &PackageView, manifest: &Manifest, r: &mut Report) {
    let mut listed = BTreeSet::new();
    for f in &manifest.files {
        listed.insert(f.path.as_str());
        if !safe_path(&f.path) {
            r.fail(Property::Security, &f.path, "清单中的路径可能越出包目录");
            continue;
        }
        match view.entries.get(&f.path) {
            None => r.fail(Property::Integrity, &f.path, "清单所列文件缺失"),
            Some(e) if e.size != f.size => r.fail(
                Property::Integrity,
                &f.path,
                format!("文件大小{}字节，与清单记载的{}字节不符（文件被截断或替换）", e.size, f.size),
            ),
            Some(e) if !e.sha256.eq_ignore_ascii_case(&f.sha256) => r.fail(
                Property::Integrity,
                &f.path,
                format!("SHA-256 为{}，与清单记载的{}不符（文件被修改或替换）", e.sha256, f.sha256),
            ),
            Some(_) => r.files_checked += 1,
        }
    }
    for path in view.entries.keys() {
        if path != MANIFEST && !listed.contains(path.as_str()) {
            r.fail(Property::Security, path, "清单之外的文件");
        }
    }
}

fn check_checkpoint(view: &PackageView, trusted: Option<&str>, m: &Manifest, r: &mut Report) -> Option<Checkpoint> {
    let key_text = view.text(KEY).map(|b| String::from_utf8_lossy(b).trim().to_string());
    let key = match (trusted, key_text) {
        (Some(t), own) => {
            if own.as_deref().is_some_and(|o| o != t.trim()) {
                r.fail(Property::Authenticity, KEY, "包内公钥与受信任的公钥不一致");
            }
            t.trim().to_string()
        }
        (None, Some(k)) => k,
        (None, None) => {
            r.fail(Property::Authenticity, KEY, "缺少签名公钥");
            return None;
        }
    };
    let verifier = match NoteVerifier::parse(&key) {
        Ok(v) => v,
        Err(e) => {
            r.fail(Property::Authenticity, KEY, format!("公钥格式错误：{e}"));
            return None;
        }
    };
    r.key_id = Some(format!("{}+{:08x}", verifier.name(), verifier.key_id()));
    let Some(note) = view.text(CHECKPOINT) else {
        r.fail(Property::Authenticity, CHECKPOINT, "缺少签名检查点");
        return None;
    };
    match verifier.open_checkpoint(note) {
        Ok(cp) => {
            if cp.size != m.tree_size {
                r.fail(
                    Property::Authenticity,
                    CHECKPOINT,
                    format!("检查点规模{}与清单记载的{}不符", cp.size, m.tree_size),
                );
                return None;
            }
            r.tree_size = Some(cp.size);
            r.pass(Property::Authenticity, CHECKPOINT, "检查点签名有效");
            Some(cp)
        }
        Err(e) => {
            r.fail(Property::Authenticity, CHECKPOINT, format!("检查点签名无效：{e}"));
            None
        }
    }
}

/// Checks every event's proof; returns the events whose proofs held, parsed.
fn check_events(ev: &EventsFile, cp: &Checkpoint, r: &mut Report) -> Vec<(LeafLine, Value)> {
    let mut out = Vec::new();
    if ev.tree_size != cp.size {
        r.fail(
            Property::Authenticity,
            EVENTS,
            format!("证明所依据的账本规模{}与检查点的{}不符", ev.tree_size, cp.size),
        );
        return out;
    }
    let mut seen = BTreeSet::new();
    for e in &ev.events {
        let item = format!("第{}号事件", e.position);
        if !seen.insert(e.position) {
            r.fail(Property::Integrity, &item, "事件重复");
            continue;
        }
        let Some(index) = u64::try_from(e.position).ok().and_then(|p| p.checked_sub(1)) else {
            r.fail(Property::Authenticity, &item, "事件序号无效");
            continue;
        };
        let proof: Option<Vec<Hash>> = e.proof.iter().map(|h| Hash::from_hex(h)).collect();
        let Some(proof) = proof else {
            r.fail(Property::Authenticity, &item, "包含证明格式错误");
            continue;
        };
        let leaf = leaf_hash(e.leaf.as_bytes());
        if let Err(err) = verify_inclusion(&leaf, index, cp.size, &proof, &cp.root) {
            r.fail(
                Property::Authenticity,
                &item,
                format!("包含证明不成立：事件内容被改动，或证明不属于该检查点（{err}）"),
            );
            continue;
        }
        let line: LeafLine = match serde_json::from_str(&e.leaf) {
            Ok(l) => l,
            Err(err) => {
                r.fail(Property::Usability, &item, format!("事件内容无法解析：{err}"));
                continue;
            }
        };
        if line.position != e.position {
            r.fail(Property::Authenticity, &item, format!("事件内容中的序号为{}", line.position));
            continue;
        }
        let payload: Value = match serde_json::from_str(&line.payload) {
            Ok(v) => v,
            Err(err) => {
                r.fail(Property::Usability, &item, format!("事件载荷无法解析：{err}"));
                continue;
            }
        };
        r.events_checked += 1;
        out.push((line, payload));
    }
    out
}

fn check_stream(m: &Manifest, leaves: &[(LeafLine, Value)], r: &mut Report) {
    let stream = format!("case:{}", m.case_id);
    let mut versions: Vec<(i64, &str)> =
        leaves.iter().filter(|(l, _)| l.stream_id == stream).map(|(l, _)| (l.version, l.event_type.as_str())).collect();
    versions.sort();
    if versions.is_empty() {
        r.fail(Property::Integrity, &stream, "包内没有本案的事件");
        return;
    }
    if versions[0].1 != "CaseOpened" {
        r.fail(Property::Integrity, &stream, "本案事件流缺少立案（启动）事件");
    }
    for (i, (v, _)) in versions.iter().enumerate() {
        if *v != i as i64 + 1 {
            r.fail(Property::Integrity, &stream, format!("本案事件流不连续：缺少第{}版", i + 1));
            return;
        }
    }
    r.pass(Property::Integrity, &stream, format!("本案事件流完整（{}条）", versions.len()));
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k)).and_then(|v| v.as_str())
}

fn check_catalogue(view: &PackageView, m: &Manifest, cat: &Catalogue, leaves: &[(LeafLine, Value)], r: &mut Report) {
    let stream = format!("case:{}", m.case_id);
    let case_events: Vec<&Value> = leaves.iter().filter(|(l, _)| l.stream_id == stream).map(|(_, p)| p).collect();
    let records: BTreeSet<&str> = case_events
        .iter()
        .filter(|p| str_at(p, &["type"]) == Some("RecordAdded"))
        .filter_map(|p| str_at(p, &["record", "id"]))
        .collect();
    let av: BTreeMap<&str, &str> = case_events
        .iter()
        .filter(|p| str_at(p, &["type"]) == Some("AvAttached"))
        .filter_map(|p| Some((str_at(p, &["av", "id"])?, str_at(p, &["av", "file", "sha256"])?)))
        .collect();
    // Issued documents: id → (record id, SHA-256 of the PDF), as their signed events say.
    let issued: BTreeMap<&str, (&str, &str)> = case_events
        .iter()
        .filter(|p| str_at(p, &["type"]) == Some("DocumentIssued"))
        .filter_map(|p| {
            let d = p.get("document")?;
            Some((str_at(d, &["id"])?, (str_at(d, &["record_id"])?, str_at(d, &["sha256"])?)))
        })
        .collect();
    let mut packed_pdfs = BTreeSet::new();
    let files: BTreeMap<&str, &crate::format::ManifestFile> = m.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut listed = BTreeSet::new();
    for item in &cat.items {
        let name = format!("目录第{}项（{}）", item.seq, item.title);
        listed.insert(item.id.as_str());
        match item.item.as_str() {
            "record" => {
                if !records.contains(item.id.as_str()) {
                    r.fail(Property::Integrity, &name, "账本中没有对应的记录事件");
                }
                match item.path.as_deref() {
                    Some(p) if files.contains_key(p) => check_document(view, p, r),
                    Some(p) => r.fail(Property::Integrity, &name, format!("文书{p}缺失")),
                    None => r.fail(Property::Integrity, &name, "目录未给出文书位置"),
                }
                for f in &item.issued {
                    packed_pdfs.insert(f.document_id.as_str());
                    check_issued(view, &files, &issued, item, f, r);
                }
            }
            "av" => {
                let Some(recorded) = av.get(item.id.as_str()) else {
                    r.fail(Property::Integrity, &name, "账本中没有对应的音像记录事件");
                    continue;
                };
                if item.sha256.as_deref() != Some(*recorded) {
                    r.fail(Property::Authenticity, &name, format!("目录记载的哈希与账本记录的{recorded}不符"));
                }
                if m.files_included {
                    match item.path.as_deref().and_then(|p| files.get(p).map(|f| (p, f))) {
                        None => r.fail(Property::Integrity, &name, "音像文件缺失"),
                        Some((p, f)) => {
                            if !f.sha256.eq_ignore_ascii_case(recorded) {
                                r.fail(
                                    Property::Authenticity,
                                    p,
                                    format!("文件的 SHA-256 与账本记录的{recorded}不符（文件被替换）"),
                                );
                            }
                            check_media(view, p, item.media_type.as_deref().unwrap_or(""), r);
                        }
                    }
                } else if item.storage_key.as_deref().is_none_or(str::is_empty) {
                    r.fail(Property::Integrity, &name, "既未包含音像文件，也未记载存储位置");
                }
            }
            other => r.fail(Property::Usability, &name, format!("未知的目录项类型“{other}”")),
        }
    }
    for id in records.iter().chain(av.keys()) {
        if !listed.contains(id) {
            r.fail(Property::Integrity, CATALOGUE, format!("目录遗漏了账本中的记录{id}"));
        }
    }
    // Since version 2 a package carries every document issued in the case as its PDF.
    if m.format != FORMAT_V1 {
        for id in issued.keys().filter(|id| !packed_pdfs.contains(*id)) {
            r.fail(Property::Integrity, CATALOGUE, format!("账本中出具的文书{id}的PDF不在包中"));
        }
    }
    // An archived case carries its catalogue in a signed event: nothing of it may be gone.
    for p in case_events.iter().filter(|p| str_at(p, &["type"]) == Some("CaseArchived")) {
        for e in p.get("catalogue").and_then(|c| c.as_array()).into_iter().flatten() {
            if let Some(id) = str_at(e, &["id"])
                && !listed.contains(id)
            {
                r.fail(Property::Integrity, CATALOGUE, format!("归档时目录中的{id}在包中缺失"));
            }
        }
    }
}

/// An issued document's PDF: issued from this record by a signed event, the file in the
/// manifest with the hash that event recorded, and a PDF.
fn check_issued(
    view: &PackageView,
    files: &BTreeMap<&str, &crate::format::ManifestFile>,
    issued: &BTreeMap<&str, (&str, &str)>,
    item: &crate::format::CatalogueItem,
    f: &crate::format::IssuedFile,
    r: &mut Report,
) {
    let name = format!("目录第{}项（{}）出具的文书{}", item.seq, item.title, f.number);
    let Some((record, recorded)) = issued.get(f.document_id.as_str()) else {
        r.fail(Property::Integrity, &name, format!("账本中没有出具文书{}的事件", f.document_id));
        return;
    };
    if *record != item.id {
        r.fail(Property::Integrity, &name, "账本记载该文书出自另一条记录");
    }
    if !f.sha256.eq_ignore_ascii_case(recorded) {
        r.fail(Property::Authenticity, &name, format!("目录记载的哈希与账本记录的{recorded}不符"));
    }
    let Some(file) = files.get(f.path.as_str()) else {
        r.fail(Property::Integrity, &name, format!("文书PDF {} 缺失", f.path));
        return;
    };
    if !file.sha256.eq_ignore_ascii_case(recorded) {
        r.fail(
            Property::Authenticity,
            &f.path,
            format!("文书PDF的 SHA-256 为{}，与账本记录的{recorded}不符（文件被改动或替换）", file.sha256),
        );
    }
    if view.entries.get(f.path.as_str()).is_some_and(|e| !e.head.starts_with(b"%PDF-")) {
        r.fail(Property::Usability, &f.path, "文书不是 PDF 文件，无法打开");
    }
}

fn check_document(view: &PackageView, path: &str, r: &mut Report) {
    match view.text(path) {
        Some(b) if std::str::from_utf8(b).is_ok() => {}
        Some(_) => r.fail(Property::Usability, path, "文书不是有效的 UTF-8 文本"),
        None => r.fail(Property::Usability, path, "文书无法读取"),
    }
}

fn check_media(view: &PackageView, path: &str, declared: &str, r: &mut Report) {
    let Some(e) = view.entries.get(path) else { return };
    let Some(t) = zhifa_blob::MediaType::from_mime(declared) else {
        r.fail(Property::Usability, path, format!("声明的格式“{declared}”不受支持"));
        return;
    };
    let sniffed = zhifa_blob::sniff::sniff(&e.head);
    if !sniffed.accepts(t) {
        r.fail(
            Property::Usability,
            path,
            format!("内容格式为{}，与声明的{declared}不符，无法按声明格式打开", sniffed.describe()),
        );
    }
}

const EXECUTABLE_EXTENSIONS: &[&str] =
    &[".exe", ".dll", ".so", ".dylib", ".sh", ".bat", ".cmd", ".ps1", ".js", ".vbs", ".jar", ".com", ".scr", ".msi"];

fn check_security(view: &PackageView, r: &mut Report) {
    for (path, e) in &view.entries {
        let lower = path.to_lowercase();
        if EXECUTABLE_EXTENSIONS.iter().any(|x| lower.ends_with(x)) {
            r.fail(Property::Security, path, "可执行文件或脚本");
            continue;
        }
        let h = &e.head;
        let magic = h.starts_with(b"\x7fELF")
            || h.starts_with(b"MZ")
            || h.starts_with(&[0xCF, 0xFA, 0xED, 0xFE])
            || h.starts_with(&[0xFE, 0xED, 0xFA, 0xCF])
            || h.starts_with(&[0xCA, 0xFE, 0xBA, 0xBE])
            || h.starts_with(b"#!");
        if magic {
            r.fail(Property::Security, path, "含有可执行程序内容");
            continue;
        }
        if lower.ends_with(".html") {
            let text = e.content.as_deref().map(String::from_utf8_lossy).unwrap_or_default().to_lowercase();
            if text.contains("<script")
                || text.contains("javascript:")
                || text.contains("<iframe")
                || text.contains("<object")
                || text.contains("<embed")
                || has_event_handler(&text)
            {
                r.fail(Property::Security, path, "文书中含有脚本或可执行的网页内容");
            }
        }
    }
}

/// An HTML event-handler attribute such as ` onload=`.
fn has_event_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
    })
}
