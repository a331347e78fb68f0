//! `zhifa export case`: the bound case file (rule R-17) as a self-verifying package — the
//! case's events with inclusion proofs against one signed checkpoint, the checkpoint and
//! the public key, the catalogue, the records rendered as pages, the PDFs of the documents
//! issued from them (each hash recorded by its signed `DocumentIssued` event), and the AV
//! files (or their storage references). Checked offline by `zhifa verify` (zhifa-archive).

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use uuid::Uuid;
use zhifa_archive::format::{self, Catalogue, CatalogueItem, EventsFile, IssuedFile, Manifest, PackagedEvent};
use zhifa_archive::write::{PackageWriter, pack_tar};
use zhifa_core::access::Principal;
use zhifa_core::case::{Case, RecordState, decide};
use zhifa_core::events::{Actor, RecordedEvent};

use crate::{App, AppError, AppResult};

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub events: usize,
    pub records: usize,
    pub av_items: usize,
    pub tree_size: u64,
}

fn io(e: std::io::Error) -> AppError {
    AppError::Conflict(format!("写出案卷失败：{e}"))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A record as a self-contained page (no scripts, no external resources).
fn render_record(case: &Case, r: &RecordState) -> String {
    let k = r.record.kind;
    let mut rows = String::new();
    let mut row = |label: &str, value: &str| {
        rows.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            escape(label),
            escape(value).replace('\n', "<br>")
        ));
    };
    for f in k.fields() {
        row(f.label, &case.shown_field(r, f.key));
    }
    if !r.record.officers.is_empty() {
        let names: Vec<_> =
            r.record.officers.iter().map(|o| format!("{}（执法证{}）", o.name, o.certificate_number)).collect();
        row("执法人员", &names.join("、"));
        row("出示执法证件", if r.record.credentials_shown { "已出示" } else { "—" });
        let signed: Vec<_> = r
            .record
            .officers
            .iter()
            .filter(|o| r.record.officers_signed.contains(&o.officer_id))
            .map(|o| o.name.as_str())
            .collect();
        if !signed.is_empty() {
            row("执法人员签名", &signed.join("、"));
        }
    }
    if let Some(sig) = &r.record.signature {
        row(
            "当事人签名",
            &match sig {
                zhifa_core::case::Signature::Signed { signer } => format!("{signer}已签名"),
                zhifa_core::case::Signature::Refused { reason, witness } => {
                    format!("拒绝签名（{reason}），见证人{witness}")
                }
            },
        );
    }
    for (reason, fields) in &r.corrections {
        row("更正", &format!("{reason}：{}", fields.keys().cloned().collect::<Vec<_>>().join("、")));
    }
    for a in &r.approvals {
        row(
            a.step.label(),
            &format!("{} {}：{}（{}）", a.officer_name, if a.approved { "同意" } else { "不同意" }, a.opinion, a.at),
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:\"Noto Serif CJK SC\",\"FangSong\",serif;max-width:760px;margin:2em auto}}\
         table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #444;padding:.4em;text-align:left;vertical-align:top}}\
         th{{width:30%}}</style></head><body>\n<h1>{title}</h1>\n<p>案号：{number}　当事人：{party}　阶段：{stage}</p>\n<table>\n{rows}</table>\n</body></html>\n",
        title = escape(k.label()),
        number = escape(&case.opening.number),
        party = escape(&case.opening.party.name),
        stage = escape(r.record.stage.label()),
    )
}

impl App {
    /// Exports a case as a package at `out` (a directory, or a single file when `out` ends
    /// with `.tar`). `by` is None for the command line (recorded as the system).
    pub async fn export_case(
        &self,
        by: Option<&Principal>,
        case_id: Uuid,
        out: &Path,
        include_files: bool,
    ) -> AppResult<ExportSummary> {
        let (case, _, _) = self.db.load_case(case_id).await?.ok_or(AppError::NotFound("案件"))?;
        if let Some(p) = by {
            p.can_read_agency(case.opening.agency_id)?;
        }
        // The export is itself an opening of the whole file, recorded before the
        // checkpoint is read so that the package covers it.
        match by {
            Some(p) => self.log_access(p, case_id, None, "导出案卷").await?,
            None => self.log_access_as(&Actor::system("导出案卷"), case_id, None, "命令行导出案卷").await?,
        }
        let note = self.db.ledger_checkpoint().await?;
        let key = self.db.ledger_key();
        let cp = key
            .verifier()
            .open_checkpoint(note.as_bytes())
            .map_err(|e| AppError::Conflict(format!("检查点无效：{e}")))?;
        let mut events: Vec<RecordedEvent> = self.db.load_stream(&zhifa_core::events::stream::case(case_id)).await?;
        events.extend(self.db.load_stream(&zhifa_core::events::stream::access(case_id)).await?);
        events.retain(|e| u64::try_from(e.position).is_ok_and(|p| p <= cp.size));
        events.sort_by_key(|e| e.position);
        let mut packaged = Vec::with_capacity(events.len());
        for e in &events {
            let proof = self.db.inclusion_proof_in(e.position, cp.size).await?;
            packaged.push(PackagedEvent {
                position: e.position,
                leaf: String::from_utf8(proof.leaf.clone()).map_err(|e| AppError::Conflict(e.to_string()))?,
                proof: proof.proof.iter().map(|h| h.to_hex()).collect(),
            });
        }

        let tar = out.extension().is_some_and(|x| x == "tar");
        let dir = if tar { out.with_extension("tar.d") } else { out.to_path_buf() };
        let mut w = PackageWriter::create(&dir).map_err(io)?;
        w.add_bytes(format::CHECKPOINT, note.as_bytes(), "text/plain").map_err(io)?;
        w.add_bytes(format::KEY, format!("{}\n", key.verifier_key()).as_bytes(), "text/plain").map_err(io)?;
        let ev = EventsFile { tree_size: cp.size, events: packaged };
        w.add_bytes(format::EVENTS, &serde_json::to_vec_pretty(&ev).expect("serialises"), "application/json")
            .map_err(io)?;

        let mut items = Vec::new();
        for entry in decide::catalogue(&case) {
            let mut item = CatalogueItem {
                seq: entry.seq,
                title: entry.title.clone(),
                item: entry.item.clone(),
                id: entry.id.to_string(),
                date: entry.date.clone(),
                path: None,
                sha256: entry.sha256.clone(),
                storage_key: entry.storage_key.clone(),
                size: None,
                media_type: None,
                issued: vec![],
            };
            if let Some(r) = case.record(entry.id) {
                let path = format!("documents/{:03}-{}.html", entry.seq, r.record.kind.as_str());
                w.add_bytes(&path, render_record(&case, r).as_bytes(), "text/html").map_err(io)?;
                item.path = Some(path);
                // Every paper issued from the record, as issued: the bytes whose hash the
                // issuing event recorded (a re-issue after a correction does not erase the first).
                for (k, d) in case.documents.iter().filter(|d| d.record_id == entry.id).enumerate() {
                    let path = format!("documents/{:03}-{}-{}.pdf", entry.seq, r.record.kind.as_str(), k + 1);
                    let bytes = self.blob_bytes(&d.sha256).await?;
                    w.add_bytes(&path, &bytes, "application/pdf").map_err(io)?;
                    item.issued.push(IssuedFile {
                        document_id: d.id.to_string(),
                        number: d.printed_number.clone(),
                        path,
                        sha256: d.sha256.clone(),
                    });
                }
            } else if let Some(av) = case.av.iter().find(|a| a.id == entry.id) {
                item.size = Some(av.file.size);
                item.media_type = Some(av.file.media_type.clone());
                if include_files {
                    let path = format!("files/{}.{}", av.file.sha256, format::extension(&av.file.media_type));
                    let sha = av
                        .file
                        .sha256
                        .parse()
                        .map_err(|_| AppError::Conflict(format!("哈希无效：{}", av.file.sha256)))?;
                    let mut read =
                        self.blob_store()?.get(&sha, None).await.map_err(|e| AppError::Conflict(e.to_string()))?;
                    let mut sink = w.start(&path, &av.file.media_type).map_err(io)?;
                    while let Some(chunk) = read.stream.next().await {
                        let chunk = chunk.map_err(|e| AppError::Conflict(e.to_string()))?;
                        sink.write(&chunk).map_err(io)?;
                    }
                    w.finish_file(sink).map_err(io)?;
                    item.path = Some(path);
                }
            }
            items.push(item);
        }
        let catalogue = Catalogue { case_number: case.opening.number.clone(), items };
        w.add_bytes(format::CATALOGUE, &serde_json::to_vec_pretty(&catalogue).expect("serialises"), "application/json")
            .map_err(io)?;
        let agency = self.db.agency(case.opening.agency_id).await?.map(|a| a.info.name).unwrap_or_default();
        let manifest = Manifest {
            format: format::FORMAT.into(),
            case_id: case_id.to_string(),
            case_number: case.opening.number.clone(),
            agency,
            created_at: chrono::Utc::now().to_rfc3339(),
            created_by: by.map(|p| p.display_name.clone()).unwrap_or_else(|| "命令行".into()),
            tree_size: cp.size,
            files_included: include_files,
            files: vec![],
        };
        let dir = w.finish(manifest).map_err(io)?;
        let path = if tar {
            pack_tar(&dir, out).map_err(io)?;
            std::fs::remove_dir_all(&dir).map_err(io)?;
            out.to_path_buf()
        } else {
            dir
        };
        Ok(ExportSummary {
            path,
            events: events.len(),
            records: case.records.len(),
            av_items: case.av.len(),
            tree_size: cp.size,
        })
    }
}
