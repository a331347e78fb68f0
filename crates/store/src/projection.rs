//! Projections: the read-model tables, updated from each event in the transaction that
//! appends it, and rebuilt from the whole event log by [`Db::rebuild_projections`].
//!
//! Invariant: a projection table holds nothing that cannot be derived from the events;
//! dropping all of them and replaying gives the same rows.

use sqlx::AnyConnection;
use zhifa_core::basis::Citation;
use zhifa_core::events::{AccountEvent, CalendarEvent, DomainEvent, ProfileEvent, RecordedEvent};
use zhifa_core::personnel::OfficerEvent;
use zhifa_core::registry::{AgencyEvent, UnitKind};

use crate::events::{SELECT_EVENTS, decode_row};
use crate::{Db, Result, StoreError};

/// The projection tables, cleared before a rebuild.
const TABLES: &[&str] = &[
    "agencies",
    "units",
    "officers",
    "certificates",
    "enforcement_items",
    "basis_entries",
    "profiles",
    "calendar_years",
    "accounts",
];

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

fn unit_kind(k: UnitKind) -> &'static str {
    match k {
        UnitKind::Handling => "handling",
        UnitKind::Legal => "legal",
    }
}

fn stream_uuid(ev: &RecordedEvent) -> Result<String> {
    let key = ev.stream_id.split_once(':').map(|(_, k)| k).unwrap_or_default();
    Ok(key.parse::<uuid::Uuid>().map_err(|e| StoreError::Corrupt(format!("{}: {e}", ev.stream_id)))?.to_string())
}

pub(crate) async fn apply(conn: &mut AnyConnection, ev: &RecordedEvent) -> Result<()> {
    match &ev.event {
        DomainEvent::Agency(e) => {
            let agency = stream_uuid(ev)?;
            match e {
                AgencyEvent::AgencyRegistered { info, profile_id, .. } => {
                    sqlx::query(
                        "INSERT INTO agencies (id, name, short_name, info, is_judicial_bureau, supervising_bureau, profile_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&agency)
                    .bind(&info.name)
                    .bind(&info.short_name)
                    .bind(json(info))
                    .bind(i64::from(info.is_judicial_bureau))
                    .bind(info.supervising_bureau.map(|u| u.to_string()))
                    .bind(profile_id)
                    .execute(&mut *conn)
                    .await
                    .map_err(StoreError::from_db)?;
                }
                AgencyEvent::AgencyInfoChanged { info } => {
                    sqlx::query(
                        "UPDATE agencies SET name = $2, short_name = $3, info = $4, is_judicial_bureau = $5, \
                         supervising_bureau = $6 WHERE id = $1",
                    )
                    .bind(&agency)
                    .bind(&info.name)
                    .bind(&info.short_name)
                    .bind(json(info))
                    .bind(i64::from(info.is_judicial_bureau))
                    .bind(info.supervising_bureau.map(|u| u.to_string()))
                    .execute(&mut *conn)
                    .await
                    .map_err(StoreError::from_db)?;
                }
                AgencyEvent::UnitAdded { unit } => {
                    sqlx::query("INSERT INTO units (id, agency_id, name, kind, duties) VALUES ($1, $2, $3, $4, $5)")
                        .bind(unit.id.to_string())
                        .bind(&agency)
                        .bind(&unit.name)
                        .bind(unit_kind(unit.kind))
                        .bind(&unit.duties)
                        .execute(&mut *conn)
                        .await
                        .map_err(StoreError::from_db)?;
                }
                AgencyEvent::ProfileBound { profile_id } => {
                    sqlx::query("UPDATE agencies SET profile_id = $2 WHERE id = $1")
                        .bind(&agency)
                        .bind(profile_id)
                        .execute(&mut *conn)
                        .await?;
                }
                AgencyEvent::ItemListed { item } => {
                    sqlx::query(
                        "INSERT INTO enforcement_items (id, agency_id, code, name, kind, basis, competence, procedure) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(item.id.to_string())
                    .bind(&agency)
                    .bind(&item.code)
                    .bind(&item.name)
                    .bind(item.kind.as_str())
                    .bind(&item.basis)
                    .bind(&item.competence)
                    .bind(&item.procedure)
                    .execute(&mut *conn)
                    .await
                    .map_err(StoreError::from_db)?;
                }
                // Read from the agency's fold, not from a table.
                AgencyEvent::AvItemListed { .. } | AgencyEvent::FormBookIssued { .. } => {}
                AgencyEvent::BasisEntryAdded { entry } => {
                    let c: &Citation = &entry.citation;
                    sqlx::query(
                        "INSERT INTO basis_entries (id, agency_id, law, article, paragraph, item, subitem, citation, text) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(entry.id.to_string())
                    .bind(&agency)
                    .bind(&c.law)
                    .bind(i64::from(c.article))
                    .bind(c.paragraph.map(i64::from))
                    .bind(c.item.map(i64::from))
                    .bind(c.subitem.map(i64::from))
                    .bind(c.to_string())
                    .bind(&entry.text)
                    .execute(&mut *conn)
                    .await
                    .map_err(StoreError::from_db)?;
                }
            }
        }
        DomainEvent::Officer(e) => {
            let officer = stream_uuid(ev)?;
            match e {
                OfficerEvent::OfficerRegistered { profile, .. } => {
                    sqlx::query(
                        "INSERT INTO officers (id, agency_id, unit_id, name, citizen_id, kind, position, phone) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&officer)
                    .bind(profile.agency_id.to_string())
                    .bind(profile.unit_id.to_string())
                    .bind(&profile.name)
                    .bind(profile.citizen_id.as_str())
                    .bind(profile.kind.as_str())
                    .bind(&profile.position)
                    .bind(&profile.phone)
                    .execute(&mut *conn)
                    .await
                    .map_err(StoreError::from_db)?;
                }
                OfficerEvent::CertificateIssued { certificate: c } => {
                    sqlx::query(
                        "INSERT INTO certificates (number, officer_id, agency_id, category, scope, issued_on, expires_on) \
                         SELECT $1, $2, agency_id, $3, $4, $5, $6 FROM officers WHERE id = $2",
                    )
                    .bind(&c.number)
                    .bind(&officer)
                    .bind(&c.category)
                    .bind(&c.scope)
                    .bind(c.issued_on.to_string())
                    .bind(c.expires_on.to_string())
                    .execute(&mut *conn)
                    .await
                    .map_err(StoreError::from_db)?;
                }
                OfficerEvent::CertificateRevoked { number, on, reason } => {
                    sqlx::query("UPDATE certificates SET revoked_on = $2, revoke_reason = $3 WHERE number = $1")
                        .bind(number)
                        .bind(on.to_string())
                        .bind(reason)
                        .execute(&mut *conn)
                        .await?;
                }
                // Read from the officer's fold.
                OfficerEvent::ConflictDeclared { .. } => {}
                OfficerEvent::OfficerLeftPost { on, reason, .. } => {
                    sqlx::query("UPDATE officers SET left_on = $2, leave_reason = $3 WHERE id = $1")
                        .bind(&officer)
                        .bind(on.to_string())
                        .bind(reason.as_str())
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        DomainEvent::Account(e) => match e {
            AccountEvent::AccountCreated { account_id, username, display_name, role, agency_id, officer_id } => {
                sqlx::query(
                    "INSERT INTO accounts (id, username, display_name, role, agency_id, officer_id, disabled) \
                     VALUES ($1, $2, $3, $4, $5, $6, 0)",
                )
                .bind(account_id.to_string())
                .bind(username)
                .bind(display_name)
                .bind(role.as_str())
                .bind(agency_id.map(|u| u.to_string()))
                .bind(officer_id.map(|u| u.to_string()))
                .execute(&mut *conn)
                .await
                .map_err(StoreError::from_db)?;
            }
            AccountEvent::PasswordChanged => {}
            AccountEvent::AccountDisabled { .. } => {
                sqlx::query("UPDATE accounts SET disabled = 1 WHERE id = $1")
                    .bind(stream_uuid(ev)?)
                    .execute(&mut *conn)
                    .await?;
            }
        },
        DomainEvent::Profile(ProfileEvent::ProfileVersionPublished { profile }) => {
            sqlx::query("INSERT INTO profiles (id, version, name, effective_from, body) VALUES ($1, $2, $3, $4, $5)")
                .bind(&profile.id)
                .bind(i64::from(profile.version))
                .bind(&profile.name)
                .bind(profile.effective_from.to_string())
                .bind(json(profile))
                .execute(&mut *conn)
                .await
                .map_err(StoreError::from_db)?;
        }
        DomainEvent::Case(e) => crate::cases::apply(conn, ev, e).await?,
        // The access log is read from its stream.
        DomainEvent::Access(_) => {}
        DomainEvent::Calendar(CalendarEvent::CalendarYearLoaded { calendar }) => {
            sqlx::query("DELETE FROM calendar_years WHERE year = $1")
                .bind(i64::from(calendar.year))
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO calendar_years (year, body) VALUES ($1, $2)")
                .bind(i64::from(calendar.year))
                .bind(json(calendar))
                .execute(&mut *conn)
                .await?;
        }
    }
    debug_assert!(ev.stream_id.starts_with(ev.event.stream_kind()), "{} in {}", ev.event_type, ev.stream_id);
    Ok(())
}

impl Db {
    /// Clears every projection and replays the whole event log into it, in one
    /// transaction. Returns the number of events replayed.
    pub async fn rebuild_projections(&self) -> Result<u64> {
        let mut tx = self.write.begin().await?;
        for t in TABLES.iter().chain(crate::cases::TABLES) {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {t}"))).execute(&mut *tx).await?;
        }
        let mut after = 0i64;
        let mut count = 0u64;
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{SELECT_EVENTS} WHERE position > $1 ORDER BY position LIMIT 1000"
            )))
            .bind(after)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let ev = decode_row(row)?;
                apply(&mut tx, &ev).await?;
                after = ev.position;
                count += 1;
            }
        }
        tx.commit().await?;
        Ok(count)
    }
}
