//! Cases: the projection of case events into the tables the lists read, and loading a
//! case by folding its stream (rule R-01), plus the per-agency once-only use of
//! pre-numbered forms, which the database enforces with a primary key inside the
//! appending transaction.

use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;
use zhifa_core::case::{AccessEvent, Case, CaseEvent, RecordKind, Stage};
use zhifa_core::events::{DomainEvent, RecordedEvent, stream};

use crate::script::{Writes, args};
use crate::{Db, ExpectedVersion, Result, StoreError, q};

/// The projection tables of this module, cleared before a rebuild.
pub(crate) const TABLES: &[&str] =
    &["cases", "case_officers", "case_files", "form_numbers_used", "document_numbers", "issued_documents"];

fn case_id(ev: &RecordedEvent) -> Result<String> {
    let key = ev.stream_id.split_once(':').map(|(_, k)| k).unwrap_or_default();
    Ok(key.parse::<Uuid>().map_err(|e| StoreError::Corrupt(format!("{}: {e}", ev.stream_id)))?.to_string())
}

fn touch(at: &RecordedEvent) -> String {
    at.recorded_at.to_rfc3339()
}

pub(crate) fn apply(w: &mut Writes, ev: &RecordedEvent, e: &CaseEvent) -> Result<()> {
    let id = case_id(ev)?;
    match e {
        CaseEvent::CaseOpened { opening: o } => {
            w.push(
                "INSERT INTO cases (id, agency_id, number, act_kind, procedure, initiation, party_name, party_kind, \
                 summary, stage, opened_at, profile_id, profile_version, major, last_event_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14)",
                args![
                    &id,
                    o.agency_id.to_string(),
                    &o.number,
                    o.act_kind.as_str(),
                    o.procedure.as_str(),
                    o.initiation.as_str(),
                    &o.party.name,
                    o.party.kind.as_str(),
                    &o.summary,
                    Stage::Initiation.as_str(),
                    o.opened_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    &o.profile.id,
                    i64::from(o.profile.version),
                    touch(ev)
                ],
            );
            set_officers(w, &id, o.officers.iter().chain(&o.auxiliaries).map(|a| a.officer_id));
        }
        CaseEvent::OfficersAssigned { officers, auxiliaries, .. } => {
            w.push("DELETE FROM case_officers WHERE case_id = $1", args![&id]);
            set_officers(w, &id, officers.iter().chain(auxiliaries).map(|a| a.officer_id));
        }
        CaseEvent::RecordAdded { record } => {
            if let Some(number) = &record.form_number {
                w.push(
                    "INSERT INTO form_numbers_used (agency_id, form_number, case_id) \
                     SELECT agency_id, $2, id FROM cases WHERE id = $1",
                    args![&id, number],
                );
            }
            if matches!(record.kind, RecordKind::DecisionDocument | RecordKind::OnTheSpotDecision) {
                let on = record
                    .fields
                    .get("decided_on")
                    .cloned()
                    .or_else(|| record.fields.get("decided_at").map(|t| t.chars().take(10).collect()));
                w.push("UPDATE cases SET decided_on = $2 WHERE id = $1", args![&id, on]);
            }
        }
        CaseEvent::AvAttached { av } => {
            w.push(
                "INSERT INTO case_files (av_id, case_id, agency_id, sha256, size, media_type, file_name, storage_key, \
                 sensitivity) SELECT $1, id, agency_id, $2, $3, $4, $5, $6, $7 FROM cases WHERE id = $8",
                args![
                    av.id.to_string(),
                    &av.file.sha256,
                    i64::try_from(av.file.size).unwrap_or(i64::MAX),
                    &av.file.media_type,
                    &av.file.file_name,
                    &av.file.storage_key,
                    serde_json::to_value(av.meta.sensitivity).ok().and_then(|v| v.as_str().map(String::from)),
                    &id
                ],
            );
        }
        CaseEvent::MarkedMajor { .. } => {
            w.push("UPDATE cases SET major = 1 WHERE id = $1", args![&id]);
        }
        CaseEvent::StageCompleted { stage, on } => {
            let next = stage.next().map(|s| s.as_str()).unwrap_or("closed");
            w.push("UPDATE cases SET stage = $2 WHERE id = $1", args![&id, next]);
            if *stage == Stage::Closure {
                w.push("UPDATE cases SET closed_on = $2 WHERE id = $1", args![&id, on.to_string()]);
            }
        }
        CaseEvent::CaseArchived { on, .. } => {
            w.push("UPDATE cases SET stage = 'archived', archived_on = $2 WHERE id = $1", args![&id, on.to_string()]);
        }
        CaseEvent::DocumentIssued { document } => crate::documents::apply(w, ev, &id, document),
        // A corrected sensitivity governs who may open the file from now on.
        CaseEvent::AvMetadataCorrected { av_id, meta, .. } => {
            w.push(
                "UPDATE case_files SET sensitivity = $2 WHERE av_id = $1",
                args![
                    av_id.to_string(),
                    serde_json::to_value(meta.sensitivity).ok().and_then(|v| v.as_str().map(String::from))
                ],
            );
        }
        CaseEvent::RecordCorrected { .. } | CaseEvent::ApprovalGiven { .. } => {}
        // The review queue is read from the cases' folds (L-06), not from a table.
        CaseEvent::Review { .. } => {}
        // Transfers to the police (V-02) are read from the case's fold, not from a table.
        CaseEvent::Transfer { .. } => {}
    }
    w.push("UPDATE cases SET last_event_at = $2 WHERE id = $1", args![&id, touch(ev)]);
    Ok(())
}

fn set_officers(w: &mut Writes, case: &str, ids: impl Iterator<Item = Uuid>) {
    for o in ids {
        w.push(
            "INSERT INTO case_officers (case_id, officer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            args![case, o.to_string()],
        );
    }
}

/// A line of a case list.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub number: String,
    pub act_kind: String,
    pub procedure: String,
    pub initiation: String,
    pub party_name: String,
    pub summary: String,
    /// A stage code, `closed` or `archived`.
    pub stage: String,
    pub opened_at: String,
    pub profile_id: String,
    pub profile_version: u32,
    pub decided_on: Option<String>,
    pub closed_on: Option<String>,
    pub archived_on: Option<String>,
    pub major: bool,
}

const CASE_COLUMNS: &str = "id, agency_id, number, act_kind, procedure, initiation, party_name, summary, stage, \
     opened_at, profile_id, profile_version, decided_on, closed_on, archived_on, major";

fn case_row(row: &AnyRow) -> Result<CaseRow> {
    let uuid = |c: &str| crate::queries::uuid_col(row, c);
    Ok(CaseRow {
        id: uuid("id")?,
        agency_id: uuid("agency_id")?,
        number: row.try_get("number")?,
        act_kind: row.try_get("act_kind")?,
        procedure: row.try_get("procedure")?,
        initiation: row.try_get("initiation")?,
        party_name: row.try_get("party_name")?,
        summary: row.try_get("summary")?,
        stage: row.try_get("stage")?,
        opened_at: row.try_get("opened_at")?,
        profile_id: row.try_get("profile_id")?,
        profile_version: u32::try_from(row.try_get::<i64, _>("profile_version")?).unwrap_or(1),
        decided_on: row.try_get("decided_on")?,
        closed_on: row.try_get("closed_on")?,
        archived_on: row.try_get("archived_on")?,
        major: row.try_get::<i64, _>("major")? != 0,
    })
}

/// A stored evidence file of a case.
#[derive(Debug, Clone)]
pub struct CaseFileRow {
    pub av_id: Uuid,
    pub case_id: Uuid,
    pub agency_id: Uuid,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub file_name: String,
    pub storage_key: String,
    pub sensitivity: String,
}

fn file_row(row: &AnyRow) -> Result<CaseFileRow> {
    let uuid = |c: &str| crate::queries::uuid_col(row, c);
    Ok(CaseFileRow {
        av_id: uuid("av_id")?,
        case_id: uuid("case_id")?,
        agency_id: uuid("agency_id")?,
        sha256: row.try_get("sha256")?,
        size: row.try_get("size")?,
        media_type: row.try_get("media_type")?,
        file_name: row.try_get("file_name")?,
        storage_key: row.try_get("storage_key")?,
        sensitivity: row.try_get("sensitivity")?,
    })
}

const FILE_COLUMNS: &str = "av_id, case_id, agency_id, sha256, size, media_type, file_name, storage_key, sensitivity";

impl Db {
    /// A case's state and stream version, folded from its events.
    pub async fn load_case(&self, id: Uuid) -> Result<Option<(Case, ExpectedVersion, Vec<RecordedEvent>)>> {
        let events = self.load_stream(&stream::case(id)).await?;
        let Some(last) = events.last() else { return Ok(None) };
        let version = ExpectedVersion::Exact(last.version);
        let case = Case::fold(events.iter().filter_map(|e| match &e.event {
            DomainEvent::Case(c) => Some(c),
            _ => None,
        }));
        Ok(case.map(|c| (c, version, events)))
    }

    /// The access log of a case, oldest first.
    pub async fn access_log(&self, case: Uuid) -> Result<Vec<(RecordedEvent, AccessEvent)>> {
        let events = self.load_stream(&stream::access(case)).await?;
        Ok(events
            .into_iter()
            .filter_map(|e| match &e.event {
                DomainEvent::Access(a) => {
                    let a = a.clone();
                    Some((e, a))
                }
                _ => None,
            })
            .collect())
    }

    pub async fn case_row(&self, id: Uuid) -> Result<Option<CaseRow>> {
        let row = q(format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(case_row).transpose()
    }

    /// The case with this number (numbers are unique within an agency; the first match).
    pub async fn case_by_number(&self, number: &str) -> Result<Option<CaseRow>> {
        let row = q(format!("SELECT {CASE_COLUMNS} FROM cases WHERE number = $1 ORDER BY opened_at LIMIT 1"))
            .bind(number.trim())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(case_row).transpose()
    }

    /// The cases of an agency, newest first.
    pub async fn cases_of_agency(&self, agency: Uuid) -> Result<Vec<CaseRow>> {
        let rows = q(format!("SELECT {CASE_COLUMNS} FROM cases WHERE agency_id = $1 ORDER BY opened_at DESC"))
            .bind(agency.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(case_row).collect()
    }

    /// An agency's cases opened with exactly this summary (the whole-process record of a
    /// random-inspection task is found by its summary).
    pub async fn cases_with_summary(&self, agency: Uuid, summary: &str) -> Result<Vec<CaseRow>> {
        let rows = q(format!("SELECT {CASE_COLUMNS} FROM cases WHERE agency_id = $1 AND summary = $2"))
            .bind(agency.to_string())
            .bind(summary)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(case_row).collect()
    }

    /// The cases an officer is assigned to, newest first.
    pub async fn cases_of_officer(&self, officer: Uuid) -> Result<Vec<CaseRow>> {
        let rows = q(format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE id IN (SELECT case_id FROM case_officers WHERE officer_id = $1) \
             ORDER BY opened_at DESC"
        ))
        .bind(officer.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(case_row).collect()
    }

    /// The cases of every agency (the judicial bureau's view), newest first.
    pub async fn all_cases(&self) -> Result<Vec<CaseRow>> {
        let rows = q(format!("SELECT {CASE_COLUMNS} FROM cases ORDER BY opened_at DESC")).fetch_all(&self.read).await?;
        rows.iter().map(case_row).collect()
    }

    /// How many cases an agency opened in a year (for the next case number).
    pub async fn count_cases_in_year(&self, agency: Uuid, year: i32) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM cases WHERE agency_id = $1 AND opened_at >= $2 AND opened_at < $3")
            .bind(agency.to_string())
            .bind(format!("{year}-01-01"))
            .bind(format!("{}-01-01", year + 1))
            .fetch_one(&self.read)
            .await?
            .try_get(0)?)
    }

    /// The case that used a pre-numbered form, if any.
    pub async fn form_number_used_by(&self, agency: Uuid, number: &str) -> Result<Option<Uuid>> {
        let row = sqlx::query("SELECT case_id FROM form_numbers_used WHERE agency_id = $1 AND form_number = $2")
            .bind(agency.to_string())
            .bind(number.trim())
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| {
            let s: String = r.try_get(0)?;
            s.parse().map_err(|e| StoreError::Corrupt(format!("case_id: {e}")))
        })
        .transpose()
    }

    /// The evidence files with this content hash (an identical file may be in several cases).
    pub async fn case_files_by_sha(&self, sha256: &str) -> Result<Vec<CaseFileRow>> {
        let rows = q(format!("SELECT {FILE_COLUMNS} FROM case_files WHERE sha256 = $1"))
            .bind(sha256)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(file_row).collect()
    }

    /// Every evidence file of every case (for verification), ordered by hash.
    pub async fn all_case_files(&self) -> Result<Vec<CaseFileRow>> {
        let rows = q(format!("SELECT {FILE_COLUMNS} FROM case_files ORDER BY sha256")).fetch_all(&self.read).await?;
        rows.iter().map(file_row).collect()
    }
}
