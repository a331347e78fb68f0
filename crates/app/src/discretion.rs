//! Discretion benchmarks (裁量基准, rules B-01, B-02): reading an agency's benchmarks,
//! setting one, and importing a list of them from .xlsx or .csv — every row checked against
//! the agency, and a file with any bad row stores nothing.

use uuid::Uuid;
use zhifa_core::access::Principal;
use zhifa_core::discretion::{Benchmark, BenchmarkText};
use zhifa_core::events::{DomainEvent, stream};
use zhifa_core::registry::AgencyEvent;
use zhifa_store::Append;

use crate::import::benchmarks::{BenchmarkRows, column_of, parse_benchmarks};
use crate::import::{self, RowError};
use crate::import_service::ImportFailure;
use crate::{App, AppError, AppResult};

impl App {
    /// An agency's benchmarks, for any account that reads the agency (B-01: they are
    /// published; the portal shows them to everyone).
    pub async fn benchmarks_for(&self, by: &Principal, agency: Uuid) -> AppResult<Vec<Benchmark>> {
        by.can_read_agency(agency)?;
        let (state, _) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        Ok(state.benchmarks)
    }

    /// Sets the benchmark of a violation type, typed as text; `revise` replaces the one
    /// with the same code. Returns the benchmark's id.
    pub async fn set_benchmark(
        &self,
        by: &Principal,
        agency: Uuid,
        text: &BenchmarkText,
        revise: bool,
    ) -> AppResult<Uuid> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let event = state.decide_set_benchmark_text(text, revise)?;
        let AgencyEvent::BenchmarkSet { benchmark } = &event else { unreachable!("sets a benchmark") };
        let id = benchmark.id;
        self.append_all(by, vec![Append::new(stream::agency(agency), version, vec![event.into()])]).await?;
        Ok(id)
    }

    /// Imports a benchmark list (one row per tier, see [`crate::import::benchmarks`]).
    /// New violation codes only; returns the rows stored.
    pub async fn import_benchmarks(
        &self,
        by: &Principal,
        agency: Uuid,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<usize, ImportFailure> {
        by.can_administer_agency(agency).map_err(AppError::from)?;
        let (mut state, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let table = import::read_table(file_name, bytes)
            .map_err(|e| ImportFailure::Rows(vec![RowError { row: 0, column: None, message: e.to_string() }]))?;
        let groups = parse_benchmarks(&table).map_err(ImportFailure::Rows)?;
        let mut errors = Vec::new();
        let mut events = Vec::new();
        let mut rows = 0;
        for group in groups {
            match state.decide_set_benchmark_text(&group.text, false) {
                Ok(e) => {
                    rows += group.tier_rows.len();
                    state.apply(&e);
                    events.push(DomainEvent::from(e));
                }
                Err(r) => errors.extend(r.errors.into_iter().map(|e| row_error(&group, &e.field, e.message))),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Err(ImportFailure::Rows(errors));
        }
        self.append_all(by, vec![Append::new(stream::agency(agency), version, events)]).await?;
        Ok(rows)
    }
}

fn row_error(group: &BenchmarkRows, field: &str, message: String) -> RowError {
    RowError { row: group.row_of(field), column: column_of(field).map(str::to_string), message }
}
