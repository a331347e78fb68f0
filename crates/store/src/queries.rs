//! Read-side queries over the projections, and loading of aggregates from their streams.
//! Row types here are storage shapes; the web layer maps them to its own view types.

use chrono::NaiveDate;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;
use zhifa_core::calendar::{CalendarYear, WorkCalendar};
use zhifa_core::events::{DomainEvent, stream};
use zhifa_core::personnel::{Certificate, Officer, StaffKind};
use zhifa_core::profile::PolicyProfile;
use zhifa_core::registry::{ActKind, Agency, AgencyInfo, UnitKind};

use crate::{Db, ExpectedVersion, Result, StoreError, q};

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// A UUID stored as text; a malformed one is corrupt data, named by its column.
pub(crate) fn uuid_col(row: &AnyRow, col: &str) -> Result<Uuid> {
    let s: String = row.try_get(col)?;
    s.parse().map_err(|e| corrupt(col, e))
}

fn date_col(row: &AnyRow, col: &str) -> Result<NaiveDate> {
    let s: String = row.try_get(col)?;
    s.parse().map_err(|e| corrupt(col, e))
}

fn opt_date_col(row: &AnyRow, col: &str) -> Result<Option<NaiveDate>> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| s.parse().map_err(|e| corrupt(col, e))).transpose()
}

#[derive(Debug, Clone)]
pub struct AgencyRow {
    pub id: Uuid,
    pub info: AgencyInfo,
    pub profile_id: String,
}

#[derive(Debug, Clone)]
pub struct UnitRow {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub name: String,
    pub kind: UnitKind,
    pub duties: String,
}

#[derive(Debug, Clone)]
pub struct OfficerRow {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub name: String,
    pub citizen_id: String,
    pub kind: StaffKind,
    pub position: String,
    pub phone: String,
    pub left_on: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct CertificateRow {
    pub number: String,
    pub officer_id: Uuid,
    pub officer_name: String,
    pub agency_id: Uuid,
    pub agency_name: String,
    pub unit_name: String,
    pub category: String,
    pub scope: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked_on: Option<NaiveDate>,
    pub revoke_reason: Option<String>,
}

impl CertificateRow {
    /// The domain certificate, whose rules say what its status is on a date.
    pub fn certificate(&self) -> Certificate {
        Certificate {
            number: self.number.clone(),
            category: self.category.clone(),
            scope: self.scope.clone(),
            issued_on: self.issued_on,
            expires_on: self.expires_on,
            revoked: self.revoked_on.map(|d| (d, self.revoke_reason.clone().unwrap_or_default())),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: ActKind,
    pub basis: String,
    pub competence: String,
    pub procedure: String,
}

#[derive(Debug, Clone)]
pub struct BasisRow {
    pub id: Uuid,
    pub citation: String,
    pub text: String,
}

fn agency_row(row: &AnyRow) -> Result<AgencyRow> {
    let info: String = row.try_get("info")?;
    Ok(AgencyRow {
        id: uuid_col(row, "id")?,
        info: serde_json::from_str(&info).map_err(|e| corrupt("agencies.info", e))?,
        profile_id: row.try_get("profile_id")?,
    })
}

const OFFICER_COLS: &str = "o.id, o.agency_id, o.unit_id, u.name AS unit_name, o.name, o.citizen_id, o.kind, \
     o.position, o.phone, o.left_on FROM officers o JOIN units u ON u.id = o.unit_id";

fn officer_row(row: &AnyRow) -> Result<OfficerRow> {
    let kind: String = row.try_get("kind")?;
    Ok(OfficerRow {
        id: uuid_col(row, "id")?,
        agency_id: uuid_col(row, "agency_id")?,
        unit_id: uuid_col(row, "unit_id")?,
        unit_name: row.try_get("unit_name")?,
        name: row.try_get("name")?,
        citizen_id: row.try_get("citizen_id")?,
        kind: StaffKind::parse(&kind).ok_or_else(|| corrupt("officers.kind", &kind))?,
        position: row.try_get("position")?,
        phone: row.try_get("phone")?,
        left_on: opt_date_col(row, "left_on")?,
    })
}

const CERT_COLS: &str = "c.number, c.officer_id, o.name AS officer_name, c.agency_id, a.name AS agency_name, \
     u.name AS unit_name, c.category, c.scope, c.issued_on, c.expires_on, c.revoked_on, c.revoke_reason \
     FROM certificates c JOIN officers o ON o.id = c.officer_id JOIN agencies a ON a.id = c.agency_id \
     JOIN units u ON u.id = o.unit_id";

fn cert_row(row: &AnyRow) -> Result<CertificateRow> {
    Ok(CertificateRow {
        number: row.try_get("number")?,
        officer_id: uuid_col(row, "officer_id")?,
        officer_name: row.try_get("officer_name")?,
        agency_id: uuid_col(row, "agency_id")?,
        agency_name: row.try_get("agency_name")?,
        unit_name: row.try_get("unit_name")?,
        category: row.try_get("category")?,
        scope: row.try_get("scope")?,
        issued_on: date_col(row, "issued_on")?,
        expires_on: date_col(row, "expires_on")?,
        revoked_on: opt_date_col(row, "revoked_on")?,
        revoke_reason: row.try_get("revoke_reason")?,
    })
}

impl Db {
    pub async fn agencies(&self) -> Result<Vec<AgencyRow>> {
        let rows = sqlx::query("SELECT id, info, profile_id FROM agencies ORDER BY is_judicial_bureau DESC, name")
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(agency_row).collect()
    }

    pub async fn agency(&self, id: Uuid) -> Result<Option<AgencyRow>> {
        let row = sqlx::query("SELECT id, info, profile_id FROM agencies WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(agency_row).transpose()
    }

    pub async fn units(&self, agency: Uuid) -> Result<Vec<UnitRow>> {
        let rows =
            sqlx::query("SELECT id, agency_id, name, kind, duties FROM units WHERE agency_id = $1 ORDER BY kind, name")
                .bind(agency.to_string())
                .fetch_all(&self.read)
                .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(UnitRow {
                    id: uuid_col(r, "id")?,
                    agency_id: uuid_col(r, "agency_id")?,
                    name: r.try_get("name")?,
                    kind: if kind == "legal" { UnitKind::Legal } else { UnitKind::Handling },
                    duties: r.try_get("duties")?,
                })
            })
            .collect()
    }

    pub async fn officers(&self, agency: Uuid) -> Result<Vec<OfficerRow>> {
        let rows = q(format!("SELECT {OFFICER_COLS} WHERE o.agency_id = $1 ORDER BY o.kind, o.name"))
            .bind(agency.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(officer_row).collect()
    }

    pub async fn officer(&self, id: Uuid) -> Result<Option<OfficerRow>> {
        let row =
            q(format!("SELECT {OFFICER_COLS} WHERE o.id = $1")).bind(id.to_string()).fetch_optional(&self.read).await?;
        row.as_ref().map(officer_row).transpose()
    }

    /// A person of the agency, still in post, with this citizen ID.
    pub async fn officer_in_post_by_citizen_id(&self, agency: Uuid, citizen_id: &str) -> Result<Option<OfficerRow>> {
        let row =
            q(format!("SELECT {OFFICER_COLS} WHERE o.agency_id = $1 AND o.citizen_id = $2 AND o.left_on IS NULL"))
                .bind(agency.to_string())
                .bind(citizen_id)
                .fetch_optional(&self.read)
                .await?;
        row.as_ref().map(officer_row).transpose()
    }

    /// Certificates of an officer, newest first.
    pub async fn certificates_of(&self, officer: Uuid) -> Result<Vec<CertificateRow>> {
        let rows = q(format!("SELECT {CERT_COLS} WHERE c.officer_id = $1 ORDER BY c.issued_on DESC"))
            .bind(officer.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(cert_row).collect()
    }

    /// Certificates of an agency (the personnel-qualification list, P-06).
    pub async fn certificates_of_agency(&self, agency: Uuid) -> Result<Vec<CertificateRow>> {
        let rows = q(format!("SELECT {CERT_COLS} WHERE c.agency_id = $1 ORDER BY o.name, c.issued_on DESC"))
            .bind(agency.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(cert_row).collect()
    }

    pub async fn certificate(&self, number: &str) -> Result<Option<CertificateRow>> {
        let row =
            q(format!("SELECT {CERT_COLS} WHERE c.number = $1")).bind(number.trim()).fetch_optional(&self.read).await?;
        row.as_ref().map(cert_row).transpose()
    }

    pub async fn items(&self, agency: Uuid) -> Result<Vec<ItemRow>> {
        let rows = sqlx::query(
            "SELECT id, code, name, kind, basis, competence, procedure FROM enforcement_items WHERE agency_id = $1 ORDER BY code",
        )
        .bind(agency.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(ItemRow {
                    id: uuid_col(r, "id")?,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    kind: ActKind::parse(&kind).ok_or_else(|| corrupt("enforcement_items.kind", &kind))?,
                    basis: r.try_get("basis")?,
                    competence: r.try_get("competence")?,
                    procedure: r.try_get("procedure")?,
                })
            })
            .collect()
    }

    pub async fn basis_entries(&self, agency: Uuid) -> Result<Vec<BasisRow>> {
        let rows = sqlx::query(
            "SELECT id, citation, text FROM basis_entries WHERE agency_id = $1 \
             ORDER BY law, article, COALESCE(paragraph, 0), COALESCE(item, 0), COALESCE(subitem, 0)",
        )
        .bind(agency.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BasisRow { id: uuid_col(r, "id")?, citation: r.try_get("citation")?, text: r.try_get("text")? })
            })
            .collect()
    }

    /// Every version of every profile, by id then version.
    pub async fn profiles(&self) -> Result<Vec<PolicyProfile>> {
        let rows = sqlx::query("SELECT body FROM profiles ORDER BY id, version").fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body")?;
                serde_json::from_str(&body).map_err(|e| corrupt("profiles.body", e))
            })
            .collect()
    }

    /// The versions of one profile.
    pub async fn profile_versions(&self, id: &str) -> Result<Vec<PolicyProfile>> {
        Ok(self.profiles().await?.into_iter().filter(|p| p.id == id).collect())
    }

    pub async fn calendar_years(&self) -> Result<Vec<CalendarYear>> {
        let rows = sqlx::query("SELECT body FROM calendar_years ORDER BY year").fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body")?;
                serde_json::from_str(&body).map_err(|e| corrupt("calendar_years.body", e))
            })
            .collect()
    }

    /// The working-day calendar of every loaded year.
    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        Ok(WorkCalendar::new(self.calendar_years().await?))
    }

    /// An agency's state and stream version, folded from its events.
    pub async fn load_agency(&self, id: Uuid) -> Result<Option<(Agency, ExpectedVersion)>> {
        let events = self.load_stream(&stream::agency(id)).await?;
        let Some(last) = events.last() else { return Ok(None) };
        let version = ExpectedVersion::Exact(last.version);
        let agency_events: Vec<_> = events
            .iter()
            .filter_map(|e| match &e.event {
                DomainEvent::Agency(a) => Some(a),
                _ => None,
            })
            .collect();
        Ok(Some((Agency::fold(agency_events), version)))
    }

    /// An officer's state and stream version, folded from the events.
    pub async fn load_officer(&self, id: Uuid) -> Result<Option<(Officer, ExpectedVersion)>> {
        let events = self.load_stream(&stream::officer(id)).await?;
        let Some(last) = events.last() else { return Ok(None) };
        let version = ExpectedVersion::Exact(last.version);
        let officer_events = events.iter().filter_map(|e| match &e.event {
            DomainEvent::Officer(o) => Some(o),
            _ => None,
        });
        Ok(Officer::fold(officer_events).map(|o| (o, version)))
    }

    /// Current version of a stream (0 when it has no events).
    pub async fn stream_version(&self, stream_id: &str) -> Result<i64> {
        Ok(sqlx::query("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $1")
            .bind(stream_id)
            .fetch_one(&self.read)
            .await?
            .try_get(0)?)
    }
}
