//! Policy KPIs: what a policy did over one replication (all days). Each action kind's count
//! follows the table in the results, as `actions.<kind>` ([`crate::policy::ACTION_NAMES`]).

use crate::facts::PolicyFacts;

const INF: f64 = f64::INFINITY;

kpi_table! { Policy, PolicyKpis, PolicyFacts;
    /// Hook calls made.
    HOOK_CALLS = "hook_calls", "calls", better None, max INF, Mean, |p| p.hook_calls;
    /// Actions taken, all kinds.
    ACTIONS = "actions", "actions", better None, max INF, Mean, |p| p.actions.iter().sum();
    /// Agents moved between groups.
    AGENTS_MOVED = "agents_moved", "agents", better None, max INF, Mean, |p| p.agents_moved;
    /// Breaks postponed (twice counts twice).
    BREAKS_POSTPONED = "breaks_postponed", "breaks", better None, max INF, Mean, |p| p.breaks_postponed;
    /// Total postponement of breaks.
    POSTPONEMENT = "break_postponement_minutes", "min", better None, max INF, Mean, |p| p.postponed_s / 60.0;
    /// Breaks cancelled.
    BREAKS_CANCELLED = "breaks_cancelled", "breaks", better None, max INF, Mean, |p| p.breaks_cancelled;
    /// Length of the cancelled breaks.
    CANCELLED_BREAK = "cancelled_break_minutes", "min", better None, max INF, Mean, |p| p.cancelled_break_s / 60.0;
    /// Overtime granted by extending shifts.
    OVERTIME_HOURS = "overtime_hours", "h", better None, max INF, Mean, |p| p.overtime_s / 3600.0;
    /// Cost of that overtime.
    OVERTIME_COST = "overtime_cost", "currency", better Some(false), max INF, Mean, |p| p.overtime_cost;
    /// Agents sent home early.
    SENT_HOME = "sent_home", "agents", better None, max INF, Mean, |p| p.sent_home;
    /// Scheduled time the agents sent home did not work.
    SENT_HOME_HOURS = "sent_home_hours", "h", better None, max INF, Mean, |p| p.sent_home_s / 3600.0;
}
