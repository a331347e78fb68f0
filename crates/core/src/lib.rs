//! zhifa-core: the pure domain of zhifa.
//!
//! Types that cannot hold invalid values, the rules of `spec/RULES.md` as pure functions
//! of (state, command, profile, calendar, date), and the events they produce.
//!
//! Invariant: nothing in this crate does I/O — no database, no files, no clock, no
//! network. Bundled data files are compiled in. Every rule can be unit-tested directly.

pub mod access;
pub mod basis;
pub mod calendar;
pub mod case;
pub mod disclosure;
pub mod discretion;
pub mod events;
pub mod ids;
pub mod inspection;
pub mod law;
pub mod money;
pub mod personnel;
pub mod profile;
pub mod registry;
pub mod supervision;
pub mod validation;

pub use access::{Principal, Role, Sensitivity};
pub use calendar::{WorkCalendar, WorkingDays};
pub use money::Money;
pub use validation::{FieldError, Rejection};
