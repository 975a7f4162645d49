//! KPIs by name: one declarative table per scope (queue, group, policy, and who served whom),
//! the reducer that folds replications' facts into statistics through those tables, and the
//! results it produces.
//!
//! Results flow one way: the engine records counts ([`crate::facts`]), [`Reducer`] sums them
//! into scopes and derives every KPI from the table entry that names it, folding the values
//! into running statistics in replication order, and [`RunResult`] carries the estimates to
//! the reports, which iterate the same tables. An entry holds the KPI's name, unit, scope,
//! derivation, direction and display maximum together, so inserting an entry anywhere cannot
//! mislabel a value; callers address KPIs through typed handles ([`queue::SL`],
//! [`group::OCCUPANCY`], …) resolved by name at compile time, never by position.
//!
//! This module derives and reduces; it never simulates, prints or formats.

#[macro_use]
mod table;
pub mod group;
pub mod policy;
pub mod queue;
mod reduce;
mod result;
pub mod served;

pub use reduce::Reducer;
pub use result::{GroupResult, IntervalResult, PolicyResult, QueueResult, RepValues, Risk, RunResult, ServedResult};
pub use table::{Group, Kind, Kpi, KpiDef, KpiScope, Policy, Queue, Served, Table, Values};

/// `num / den`, `NaN` when `den` is not positive (an undefined KPI is skipped, never zero).
pub use crate::facts::ratio;
