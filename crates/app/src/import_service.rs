//! Imports of the lists agencies keep in Excel: officers with certificates, enforcement
//! items, basis entries. Parsing and row checks are in [`crate::import`]; here the rows are
//! checked against the agency (units exist, certificate numbers free, codes unique) and
//! stored all at once — a file with any bad row stores nothing.

use uuid::Uuid;
use zhifa_core::access::Principal;
use zhifa_core::basis::BasisEntry;
use zhifa_core::events::{DomainEvent, stream};
use zhifa_core::registry::{Agency, AgencyEvent, EnforcementItem};
use zhifa_store::{Append, ExpectedVersion};

use crate::import::{self, RowError};
use crate::registry::OfficerInput;
use crate::{App, AppError};

/// A parser of one kind of list (see [`crate::import`]).
type Parser<R> = fn(&import::Table) -> Result<Vec<(usize, R)>, Vec<RowError>>;

/// Why an import stored nothing.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file or some rows are wrong; every problem is listed.
    Rows(Vec<RowError>),
    App(AppError),
}

impl From<AppError> for ImportFailure {
    fn from(e: AppError) -> Self {
        ImportFailure::App(e)
    }
}

impl From<zhifa_store::StoreError> for ImportFailure {
    fn from(e: zhifa_store::StoreError) -> Self {
        ImportFailure::App(e.into())
    }
}

fn file_error(e: impl std::fmt::Display) -> ImportFailure {
    ImportFailure::Rows(vec![RowError { row: 0, column: None, message: e.to_string() }])
}

fn row_error(row: usize, column: Option<&str>, message: impl Into<String>) -> RowError {
    RowError { row, column: column.map(str::to_string), message: message.into() }
}

impl App {
    /// Imports officers (and their certificates) into an agency. Returns the rows stored.
    pub async fn import_officers(
        &self,
        by: &Principal,
        agency: Uuid,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<usize, ImportFailure> {
        by.can_administer_agency(agency).map_err(AppError::from)?;
        let (state, _) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let table = import::read_table(file_name, bytes).map_err(file_error)?;
        let rows = import::parse_officers(&table).map_err(ImportFailure::Rows)?;
        let mut errors = Vec::new();
        let mut batch = Vec::new();
        for (row, person) in rows {
            let Some(unit) = state.units.iter().find(|u| u.name == person.unit_name) else {
                let names: Vec<_> = state.units.iter().map(|u| u.name.as_str()).collect();
                errors.push(row_error(
                    row,
                    Some("内设机构"),
                    format!("本机关没有内设机构“{}”（现有：{}）", person.unit_name, names.join("、")),
                ));
                continue;
            };
            let input = OfficerInput {
                agency_id: agency,
                unit_id: unit.id,
                name: person.name,
                citizen_id: person.citizen_id,
                kind: person.kind,
                position: person.position,
                phone: person.phone,
                certificate: person.certificate,
            };
            match self.officer_events(&state, input).await {
                Ok(events) => {
                    let zhifa_core::personnel::OfficerEvent::OfficerRegistered { officer_id, .. } = &events[0] else {
                        unreachable!()
                    };
                    let s = stream::officer(*officer_id);
                    batch.push(Append::new(
                        s,
                        ExpectedVersion::NoStream,
                        events.into_iter().map(DomainEvent::from).collect(),
                    ));
                }
                Err(AppError::Rejected(r)) => {
                    for e in r.errors {
                        errors.push(row_error(row, None, e.message));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        if !errors.is_empty() {
            return Err(ImportFailure::Rows(errors));
        }
        let n = batch.len();
        self.append_all(by, batch).await?;
        Ok(n)
    }

    /// Imports enforcement items into an agency.
    pub async fn import_items(
        &self,
        by: &Principal,
        agency: Uuid,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<usize, ImportFailure> {
        self.import_into_agency(by, agency, file_name, bytes, import::parse_items, Some("事项编码"), |state, i| {
            state.decide_list_item(EnforcementItem {
                id: Uuid::new_v4(),
                code: i.code,
                name: i.name,
                kind: i.kind,
                basis: i.basis,
                competence: i.competence,
                procedure: i.procedure,
            })
        })
        .await
    }

    /// Imports basis entries into an agency's catalogue.
    pub async fn import_basis(
        &self,
        by: &Principal,
        agency: Uuid,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<usize, ImportFailure> {
        self.import_into_agency(by, agency, file_name, bytes, import::parse_basis, None, |state, b| {
            state.decide_add_basis(BasisEntry { id: Uuid::new_v4(), citation: b.citation, text: b.text })
        })
        .await
    }

    /// Parses a file into rows, decides each against the agency (as it will be after the rows
    /// before it), and appends every event to the agency's stream at once — or nothing.
    #[allow(clippy::too_many_arguments)]
    async fn import_into_agency<R>(
        &self,
        by: &Principal,
        agency: Uuid,
        file_name: &str,
        bytes: &[u8],
        parse: Parser<R>,
        column: Option<&str>,
        decide: impl Fn(&Agency, R) -> Result<AgencyEvent, zhifa_core::Rejection>,
    ) -> Result<usize, ImportFailure> {
        by.can_administer_agency(agency).map_err(AppError::from)?;
        let (mut state, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let table = import::read_table(file_name, bytes).map_err(file_error)?;
        let rows = parse(&table).map_err(ImportFailure::Rows)?;
        let mut errors = Vec::new();
        let mut events = Vec::new();
        for (row, input) in rows {
            match decide(&state, input) {
                Ok(e) => {
                    state.apply(&e);
                    events.push(DomainEvent::from(e));
                }
                Err(r) => errors.extend(r.errors.into_iter().map(|e| row_error(row, column, e.message))),
            }
        }
        if !errors.is_empty() {
            return Err(ImportFailure::Rows(errors));
        }
        let n = events.len();
        self.append_all(by, vec![Append::new(stream::agency(agency), version, events)]).await?;
        Ok(n)
    }
}
