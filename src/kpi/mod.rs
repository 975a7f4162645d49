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
pub use result::{
    DayResult, Execution, GroupResult, IntervalResult, PolicyResult, QueueResult, RegionResult, RepValues, Risk,
    RunResult, ServedResult,
};
pub use table::{GroupKpis, Kind, Kpi, KpiDef, KpiScope, PolicyKpis, QueueKpis, ServedKpis, Table, Values};

/// `num / den`, `NaN` when `den` is not positive (an undefined KPI is skipped, never zero).
pub use crate::facts::ratio;

#[cfg(test)]
mod tests {
    use super::*;

    fn check<I>(table: &[KpiDef<I>], scope: KpiScope) {
        for d in table {
            assert!(!d.name.is_empty() && !d.unit.is_empty() && !d.doc.is_empty(), "{d:?}");
            assert_eq!(d.scope, scope, "{}", d.name);
            assert!(d.max > 0.0, "{}", d.name);
            assert!(d.max == f64::INFINITY || d.unit.contains("0–1"), "{}: a bounded KPI is a share", d.name);
        }
    }

    #[test]
    fn every_entry_has_a_unit_a_definition_and_its_scope() {
        check(&queue::TABLE, KpiScope::Queue);
        check(&group::TABLE, KpiScope::Group);
        check(&policy::TABLE, KpiScope::Policy);
        check(&served::TABLE, KpiScope::Served);
    }

    #[test]
    fn values_are_read_by_handle_or_by_name() {
        let v: Values<GroupKpis, f64> = Values::from_fn(|k| k.index() as f64);
        assert_eq!(v[group::OCCUPANCY_WITH_AFTER_CLOSE], v["occupancy_with_after_close"]);
        assert_eq!(v.get("no_such_kpi"), None);
        assert_eq!(v.named().count(), group::N);
        assert_eq!(Kpi::<GroupKpis>::named("paid_hours"), group::PAID_HOURS);
        assert_eq!(group::COST.def().unit, "currency");
    }
}
