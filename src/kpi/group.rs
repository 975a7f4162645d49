//! Group KPIs: the table, and the scope they are derived from (one group, or the groups of a
//! site, over an interval, a day or the horizon).

use crate::facts::{GroupFacts, occupancy, ratio};

const INF: f64 = f64::INFINITY;

kpi_table! { Group, GroupKpis, GroupScope;
    /// Busy ÷ available time in opening hours.
    OCCUPANCY = "occupancy", "share 0–1", better None, max 1.0, Mean,
        |s| occupancy(s.facts.busy_s, s.facts.available_s);
    /// Occupancy counting the work done after the close (calls still in progress or waiting at
    /// the close) as both busy and available time: (busy + after) ÷ (available + after). Work
    /// after the close belongs to the day's last interval.
    OCCUPANCY_WITH_AFTER_CLOSE = "occupancy_with_after_close", "share 0–1", better None, max 1.0, Mean,
        |s| occupancy(s.facts.busy_s + s.facts.busy_after_close_s, s.facts.available_s + s.facts.busy_after_close_s);
    /// Mean agents on duty (paid ÷ length).
    AGENTS = "agents", "agents", better None, max INF, Mean, |s| ratio(s.facts.paid_s, s.length_s);
    /// Paid time: on duty, breaks included.
    PAID_HOURS = "paid_hours", "h", better None, max INF, Mean, |s| s.facts.paid_s / 3600.0;
    /// On duty and not on break.
    AVAILABLE_HOURS = "available_hours", "h", better None, max INF, Mean, |s| s.facts.available_s / 3600.0;
    /// Talking or in wrap-up, in opening hours.
    BUSY_HOURS = "busy_hours", "h", better None, max INF, Mean, |s| s.facts.busy_s / 3600.0;
    /// Talking or in wrap-up after the close.
    BUSY_HOURS_AFTER_CLOSE = "busy_hours_after_close", "h", better None, max INF, Mean,
        |s| s.facts.busy_after_close_s / 3600.0;
    /// Paid hours × the group's hourly cost (summed over the groups of a site).
    COST = "cost", "currency", better Some(false), max INF, Mean, |s| s.cost;
    /// Delay of breaks started late because the agent was on a call.
    LATE_BREAK = "late_break_minutes", "min", better Some(false), max INF, Mean, |s| s.facts.late_break_s / 60.0;
    /// Delay of shift exits because the agent was on a call.
    LATE_EXIT = "late_exit_minutes", "min", better Some(false), max INF, Mean, |s| s.facts.late_exit_s / 60.0;
}

/// One group (or the groups of a site) over a period: the input of the group KPIs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GroupScope {
    /// Summed agent time.
    pub facts: GroupFacts,
    /// Paid time × each group's cost per paid agent-second, summed, currency units.
    pub cost: f64,
    /// Length of the period, seconds.
    pub length_s: f64,
}
