//! Projections: the read-model tables, updated from each event in the transaction that
//! appends it, and rebuilt from the whole event log by [`Db::rebuild_projections`].
//!
//! Invariant: a projection table holds nothing that cannot be derived from the events;
//! dropping all of them and replaying gives the same rows.

use zhifa_core::basis::Citation;
use zhifa_core::events::{AccountEvent, CalendarEvent, DomainEvent, ProfileEvent, RecordedEvent};
use zhifa_core::personnel::OfficerEvent;
use zhifa_core::registry::{AgencyEvent, UnitKind};

use crate::events::{SELECT_EVENTS, decode_row};
use crate::script::{Writes, args};
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

/// Adds to `w` the projection writes of one event.
pub(crate) fn apply(w: &mut Writes, ev: &RecordedEvent) -> Result<()> {
    match &ev.event {
        DomainEvent::Agency(e) => {
            let agency = stream_uuid(ev)?;
            match e {
                AgencyEvent::AgencyRegistered { info, profile_id, .. } => {
                    w.push("INSERT INTO agencies (id, name, short_name, info, is_judicial_bureau, supervising_bureau, profile_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)", args![&agency, &info.name, &info.short_name, json(info), i64::from(info.is_judicial_bureau), info.supervising_bureau.map(|u| u.to_string()), profile_id]);
                }
                AgencyEvent::AgencyInfoChanged { info } => {
                    w.push(
                        "UPDATE agencies SET name = $2, short_name = $3, info = $4, is_judicial_bureau = $5, \
                         supervising_bureau = $6 WHERE id = $1",
                        args![
                            &agency,
                            &info.name,
                            &info.short_name,
                            json(info),
                            i64::from(info.is_judicial_bureau),
                            info.supervising_bureau.map(|u| u.to_string())
                        ],
                    );
                }
                AgencyEvent::UnitAdded { unit } => {
                    w.push(
                        "INSERT INTO units (id, agency_id, name, kind, duties) VALUES ($1, $2, $3, $4, $5)",
                        args![unit.id.to_string(), &agency, &unit.name, unit_kind(unit.kind), &unit.duties],
                    );
                }
                AgencyEvent::ProfileBound { profile_id } => {
                    w.push("UPDATE agencies SET profile_id = $2 WHERE id = $1", args![&agency, profile_id]);
                }
                AgencyEvent::ItemListed { item } => {
                    w.push(
                        "INSERT INTO enforcement_items (id, agency_id, code, name, kind, basis, competence, procedure) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        args![
                            item.id.to_string(),
                            &agency,
                            &item.code,
                            &item.name,
                            item.kind.as_str(),
                            &item.basis,
                            &item.competence,
                            &item.procedure
                        ],
                    );
                }
                // Read from the agency's fold, not from a table.
                AgencyEvent::AvItemListed { .. }
                | AgencyEvent::FormBookIssued { .. }
                | AgencyEvent::BenchmarkSet { .. } => {}
                // The review catalogue (L-01) is read from the agency's fold too.
                AgencyEvent::ReviewCatalogueEntryListed { .. } => {}
                // The pre-disclosure's approvals (D-03) are read from the agency's fold.
                AgencyEvent::Predisclosure { .. } => {}
                AgencyEvent::BasisEntryAdded { entry } => {
                    let c: &Citation = &entry.citation;
                    w.push("INSERT INTO basis_entries (id, agency_id, law, article, paragraph, item, subitem, citation, text) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", args![entry.id.to_string(), &agency, &c.law, i64::from(c.article), c.paragraph.map(i64::from), c.item.map(i64::from), c.subitem.map(i64::from), c.to_string(), &entry.text]);
                }
            }
        }
        DomainEvent::Officer(e) => {
            let officer = stream_uuid(ev)?;
            match e {
                OfficerEvent::OfficerRegistered { profile, .. } => {
                    w.push(
                        "INSERT INTO officers (id, agency_id, unit_id, name, citizen_id, kind, position, phone) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        args![
                            &officer,
                            profile.agency_id.to_string(),
                            profile.unit_id.to_string(),
                            &profile.name,
                            profile.citizen_id.as_str(),
                            profile.kind.as_str(),
                            &profile.position,
                            &profile.phone
                        ],
                    );
                }
                OfficerEvent::CertificateIssued { certificate: c } => {
                    w.push("INSERT INTO certificates (number, officer_id, agency_id, category, scope, issued_on, expires_on) \
                         SELECT $1, $2, agency_id, $3, $4, $5, $6 FROM officers WHERE id = $2", args![&c.number, &officer, &c.category, &c.scope, c.issued_on.to_string(), c.expires_on.to_string()]);
                }
                OfficerEvent::CertificateRevoked { number, on, reason } => {
                    w.push(
                        "UPDATE certificates SET revoked_on = $2, revoke_reason = $3 WHERE number = $1",
                        args![number, on.to_string(), reason],
                    );
                }
                // Read from the officer's fold.
                OfficerEvent::ConflictDeclared { .. } => {}
                OfficerEvent::OfficerLeftPost { on, reason, .. } => {
                    w.push(
                        "UPDATE officers SET left_on = $2, leave_reason = $3 WHERE id = $1",
                        args![&officer, on.to_string(), reason.as_str()],
                    );
                }
            }
        }
        DomainEvent::Account(e) => match e {
            AccountEvent::AccountCreated { account_id, username, display_name, role, agency_id, officer_id } => {
                w.push(
                    "INSERT INTO accounts (id, username, display_name, role, agency_id, officer_id, disabled) \
                     VALUES ($1, $2, $3, $4, $5, $6, 0)",
                    args![
                        account_id.to_string(),
                        username,
                        display_name,
                        role.as_str(),
                        agency_id.map(|u| u.to_string()),
                        officer_id.map(|u| u.to_string())
                    ],
                );
            }
            AccountEvent::PasswordChanged => {}
            AccountEvent::AccountDisabled { .. } => {
                w.push("UPDATE accounts SET disabled = 1 WHERE id = $1", args![stream_uuid(ev)?]);
            }
        },
        DomainEvent::Profile(ProfileEvent::ProfileVersionPublished { profile }) => {
            w.push(
                "INSERT INTO profiles (id, version, name, effective_from, body) VALUES ($1, $2, $3, $4, $5)",
                args![
                    &profile.id,
                    i64::from(profile.version),
                    &profile.name,
                    profile.effective_from.to_string(),
                    json(profile)
                ],
            );
        }
        DomainEvent::Case(e) => crate::cases::apply(w, ev, e)?,
        // The access log is read from its stream.
        DomainEvent::Access(_) => {}
        DomainEvent::Publication(e) => crate::publications::apply(w, ev, e)?,
        DomainEvent::Feedback(e) => crate::feedback::apply(w, ev, e)?,
        // Random inspections (S-01…S-05) have no projection yet: the list and each plan are
        // folded from their streams (`randomlist:<agency>`, `plan:<id>`).
        // An agency's list and pools fold from their stream; no table.
        DomainEvent::RandomList(_) => {}
        DomainEvent::Plan(e) => crate::inspection::apply(w, ev, e)?,
        // Case-file evaluations (V-01): the list of batches; a batch folds from its stream.
        DomainEvent::Evaluation(e) => crate::evaluation::apply(w, ev, e)?,
        DomainEvent::Calendar(CalendarEvent::CalendarYearLoaded { calendar }) => {
            w.push("DELETE FROM calendar_years WHERE year = $1", args![i64::from(calendar.year)]);
            w.push(
                "INSERT INTO calendar_years (year, body) VALUES ($1, $2)",
                args![i64::from(calendar.year), json(calendar)],
            );
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
        for t in TABLES
            .iter()
            .chain(crate::cases::TABLES)
            .chain(crate::publications::TABLES)
            .chain(crate::feedback::TABLES)
            .chain(crate::inspection::TABLES)
            .chain(crate::evaluation::TABLES)
        {
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
                let mut w = Writes::default();
                apply(&mut w, &ev)?;
                w.run(&mut tx).await?;
                after = ev.position;
                count += 1;
            }
        }
        tx.commit().await?;
        Ok(count)
    }
}
