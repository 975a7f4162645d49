//! What a run's statistics look like: estimates per scope, each a row of [`Values`] of its
//! scope's table, as the reducer hands them to the reports.

use super::{GroupKpis, PolicyKpis, QueueKpis, ServedKpis, Values};
use crate::scenario::SlDefinition;
use crate::stats::Estimate;

/// What the policy did, per replication (the whole horizon): means with CIs.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResult {
    /// The policy table's estimates ([`crate::kpi::policy`]).
    pub values: Values<PolicyKpis, Estimate>,
    /// Actions taken per kind, `(kind, estimate)` in [`crate::policy::ACTION_NAMES`] order;
    /// reported as `actions.<kind>` after the table's KPIs.
    pub actions: Vec<(&'static str, Estimate)>,
}

impl PolicyResult {
    /// The counter called `name`: a policy-table KPI, or `actions.<kind>`.
    pub fn counter(&self, name: &str) -> Option<Estimate> {
        match name.strip_prefix("actions.") {
            Some(kind) => self.actions.iter().find(|(n, _)| *n == kind).map(|(_, e)| *e),
            None => self.values.get(name).copied(),
        }
    }
}

/// The risk side of a queue (or of all queues): how often a day meets its targets, and the
/// spread of the day's service level across replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Risk {
    /// Share of (replication, day) pairs that met every target, with its CI.
    pub p_meet_target: Estimate,
    /// 5th percentile of the day's service level.
    pub sl_p5: f64,
    /// Median of the day's service level.
    pub sl_p50: f64,
    /// 95th percentile of the day's service level.
    pub sl_p95: f64,
    /// The days' service levels in 1-point bins: bin k counts the (replication, day) pairs with
    /// SL in [k %, k + 1 %), 100 % in the last bin.
    pub sl_histogram: [u32; 100],
}

/// Results of one queue over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueResult {
    /// Queue id.
    pub id: String,
    /// Estimates of the queue table (`p_meet_target` is per day).
    pub kpis: Values<QueueKpis, Estimate>,
    /// Day-level risk.
    pub risk: Risk,
    /// SL threshold, seconds.
    pub sl_threshold_s: f64,
    /// SL target share.
    pub sl_target: f64,
    /// SL definition.
    pub sl_definition: SlDefinition,
    /// Highest mean ASA a day may have to meet the targets, seconds (none: no ASA target).
    pub max_asa_s: Option<f64>,
    /// Highest abandon rate (share of offered) a day may have to meet the targets.
    pub max_abandon_rate: Option<f64>,
}

/// Results of one agent group over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    /// Group id.
    pub id: String,
    /// Estimates of the group table.
    pub kpis: Values<GroupKpis, Estimate>,
}

/// One (group, queue) pair of the who-served-whom table, per replication (all days).
#[derive(Debug, Clone, PartialEq)]
pub struct ServedResult {
    /// Group index.
    pub group: usize,
    /// Queue index.
    pub queue: usize,
    /// Estimates of the served table.
    pub kpis: Values<ServedKpis, Estimate>,
}

/// Results of a region's queues together (or a site's groups together, as [`GroupResult`]), over
/// the horizon: counts, hours and cost are the sums of its queues'.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionResult {
    /// Region id.
    pub id: String,
    /// Estimates of the queue table over the region's queues; `p_meet_target` is the share of
    /// days on which every queue of the region with calls met its targets.
    pub kpis: Values<QueueKpis, Estimate>,
}

/// Results of one day of the horizon: all queues, each queue and each group, every KPI of
/// their tables estimated over the replications' same day. `p_meet_target` of a day is the
/// share of replications in which that day met the targets ("how often does Monday miss?").
#[derive(Debug, Clone, PartialEq)]
pub struct DayResult {
    /// Day of the horizon, 0-based (reports print it 1-based).
    pub day: usize,
    /// Its date, `"2026-12-07"`, when the horizon is dated.
    pub date: Option<String>,
    /// Its weekday, `"Mon"`, when the horizon is dated.
    pub weekday: Option<String>,
    /// True when the center is closed that day (no calls, nobody paid).
    pub closed: bool,
    /// All queues together that day.
    pub total: Values<QueueKpis, Estimate>,
    /// Per queue, in scenario order.
    pub queues: Vec<Values<QueueKpis, Estimate>>,
    /// Per group, in scenario order.
    pub groups: Vec<Values<GroupKpis, Estimate>>,
}

impl DayResult {
    /// The day as people name it: `"Mon 2026-12-07"` when dated, else `"d1"`.
    pub fn label(&self) -> String {
        match (&self.weekday, &self.date) {
            (Some(w), Some(d)) => format!("{w} {d}"),
            _ => format!("d{}", self.day + 1),
        }
    }
}

/// One row of per-interval results: a queue's (`S` = [`QueueKpis`]) or a group's ([`GroupKpis`]).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalResult<S: super::Table = QueueKpis> {
    /// Queue or group index.
    pub index: usize,
    /// Global interval index.
    pub interval: usize,
    /// Day of the horizon the interval is on, 0-based.
    pub day: usize,
    /// Its date, `"2026-12-07"`, when the horizon is dated.
    pub date: Option<String>,
    /// Interval start label, "08:15" (or "d2 08:15").
    pub start: String,
    /// Estimates of the scope's table.
    pub kpis: Values<S, Estimate>,
}

/// Everything `ccsim run` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Scenario name.
    pub scenario: String,
    /// Replications simulated.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Days per replication.
    pub days: u32,
    /// All queues together.
    pub total: Values<QueueKpis, Estimate>,
    /// All queues together: a day meets its targets when every queue does.
    pub total_risk: Risk,
    /// Per queue.
    pub queues: Vec<QueueResult>,
    /// Per group.
    pub groups: Vec<GroupResult>,
    /// Per site (the groups that name it, summed each replication), in [`crate::scenario::Scenario::sites`]
    /// order; empty when no group names a site.
    pub sites: Vec<GroupResult>,
    /// Per region (the queues that name it, summed each replication), in
    /// [`crate::scenario::Scenario::regions`] order; empty when no queue names a region.
    pub regions: Vec<RegionResult>,
    /// Per day of the horizon, in order (closed days included, with no calls and no hours).
    pub per_day: Vec<DayResult>,
    /// Who served whom: the (group, queue) pairs with any call handled or time spent, group-major.
    pub served: Vec<ServedResult>,
    /// Per queue and interval (warm-up intervals left out), interval-major.
    pub intervals: Vec<IntervalResult<QueueKpis>>,
    /// Per group and interval (warm-up intervals left out), interval-major.
    pub group_intervals: Vec<IntervalResult<GroupKpis>>,
    /// What the policy did; `None` without a policy.
    pub policy: Option<PolicyResult>,
    /// How the run was executed (set by the command line; metadata that no number depends on).
    pub execution: Execution,
}

/// How a run was executed: reported with the results, never changing a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Execution {
    /// Worker threads it ran on (`None`: not recorded, or merged from shards).
    pub threads: Option<usize>,
    /// Shards it was merged from (`None`: simulated in one run).
    pub shards: Option<u32>,
}

impl RunResult {
    /// All queues' estimate of the queue KPI called `name` (panics on an unknown name: for tests
    /// and tools that name KPIs in code).
    pub fn total_kpi(&self, name: &str) -> Estimate {
        self.total[name]
    }

    /// Paid agent-hours of every group over the horizon, mean per replication (h): what ranks
    /// plans of equal cost, and all plans when no cost is set.
    pub fn paid_hours(&self) -> f64 {
        self.groups.iter().map(|g| g.kpis[super::group::PAID_HOURS].mean).filter(|x| x.is_finite()).sum()
    }

    /// Queue `id`'s estimate of the queue KPI called `name`; `None` for an unknown queue.
    pub fn queue_kpi(&self, id: &str, name: &str) -> Option<Estimate> {
        self.queues.iter().find(|q| q.id == id).map(|q| q.kpis[name])
    }

    /// Group `id`'s estimate of the group KPI called `name`; `None` for an unknown group.
    pub fn group_kpi(&self, id: &str, name: &str) -> Option<Estimate> {
        self.groups.iter().find(|g| g.id == id).map(|g| g.kpis[name])
    }
}

/// One replication's queue KPI values, as folded into the statistics: for pairing replications
/// of two scenarios. Over the horizon `p_meet_target` is the share of the replication's days
/// that met the targets, over a day 1 or 0 (`NaN` without calls); warm-up cells are `NaN`. Rows are in queue-table order (index them with
/// `Kpi::index` inside the crate, or turn them into [`Values`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RepValues {
    /// All queues together.
    pub total: [f64; super::queue::N],
    /// Per queue.
    pub queues: Vec<[f64; super::queue::N]>,
    /// Per interval and queue, `[interval × n_queues + queue]`.
    pub cells: Vec<[f64; super::queue::N]>,
    /// Per day, all queues together.
    pub days: Vec<[f64; super::queue::N]>,
    /// Per day and queue, `[day × n_queues + queue]`.
    pub day_queues: Vec<[f64; super::queue::N]>,
}
