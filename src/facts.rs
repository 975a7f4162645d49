//! What the engine records (facts), and the one place where KPIs are derived from them.
//!
//! The engine only counts: offered, handled, waits, agent seconds. Every KPI — service level
//! under each definition, ASA, abandon rate, occupancy, cost — is computed here from those
//! counts, with its definition written next to it. Calls are attributed to the interval in
//! which they arrived; agent time to the interval in which it was spent.

use crate::vocabulary::SlDefinition;

/// Per (interval, queue) counts of one replication. Counts are stored as `f64` to sum freely.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueueFacts {
    /// Calls that arrived (first attempts and retrials).
    pub offered: f64,
    /// Of `offered`, retrials of earlier abandoned calls.
    pub retrials: f64,
    /// Calls answered by an agent.
    pub handled: f64,
    /// Calls that hung up before being answered.
    pub abandoned: f64,
    /// Calls still waiting when the day's simulation ended with nobody left to serve them.
    pub unserved: f64,
    /// Calls that had to wait (wait > 0), answered or not.
    pub waited: f64,
    /// Calls answered with a wait ≤ the SL threshold T.
    pub answered_within: f64,
    /// Calls abandoned with a wait ≤ T ("short abandons").
    pub abandoned_within: f64,
    /// Sum of waits of answered calls, seconds.
    pub wait_answered_s: f64,
    /// Sum of waits of all calls (abandoned: until abandoning; unserved: until the end), seconds.
    pub wait_all_s: f64,
    /// Longest wait of any call, seconds.
    pub max_wait_s: f64,
    /// Time integral of the number of waiting calls, call-seconds.
    pub queue_area_s: f64,
    /// Of `offered`, calls turned away because a policy had closed the queue.
    pub blocked: f64,
    /// Of `offered`, callers who accepted a callback offer and left the queue.
    pub callbacks: f64,
    /// Callbacks made (an agent called back; counted in `handled`).
    pub callbacks_made: f64,
    /// Sum of the delays from accepting a callback until an agent called back, seconds.
    pub callback_delay_s: f64,
    /// Abandoned calls of this cell whose caller would have retried, but after the close: the
    /// retrial is lost with the day (counted here, in the interval the call first arrived).
    pub retrials_lost_at_close: f64,
}

impl QueueFacts {
    /// Adds another cell's counts (max for `max_wait_s`).
    pub fn add(&mut self, o: &QueueFacts) {
        self.offered += o.offered;
        self.retrials += o.retrials;
        self.handled += o.handled;
        self.abandoned += o.abandoned;
        self.unserved += o.unserved;
        self.waited += o.waited;
        self.answered_within += o.answered_within;
        self.abandoned_within += o.abandoned_within;
        self.wait_answered_s += o.wait_answered_s;
        self.wait_all_s += o.wait_all_s;
        self.max_wait_s = self.max_wait_s.max(o.max_wait_s);
        self.queue_area_s += o.queue_area_s;
        self.blocked += o.blocked;
        self.callbacks += o.callbacks;
        self.callbacks_made += o.callbacks_made;
        self.callback_delay_s += o.callback_delay_s;
        self.retrials_lost_at_close += o.retrials_lost_at_close;
    }

    /// The SL numerator and denominator under `def` (see [`service_level`]).
    pub fn sl_parts(&self, def: SlDefinition) -> (f64, f64) {
        let den = match def {
            SlDefinition::Offered => self.offered,
            SlDefinition::OfferedMinusShortAbandons => self.offered - self.abandoned_within,
            SlDefinition::Answered => self.handled,
        };
        (self.answered_within, den)
    }
}

/// Per (interval, group) agent time of one replication, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GroupFacts {
    /// Paid time: agents on duty (including breaks and calls finished after shift end).
    pub paid_s: f64,
    /// Available time: on duty and not on break.
    pub available_s: f64,
    /// Busy time: talking or in wrap-up.
    pub busy_s: f64,
    /// Delay of breaks that started late because the agent was on a call.
    pub late_break_s: f64,
    /// Delay of shift exits because the agent was on a call.
    pub late_exit_s: f64,
}

impl GroupFacts {
    /// Adds another cell's time.
    pub fn add(&mut self, o: &GroupFacts) {
        self.paid_s += o.paid_s;
        self.available_s += o.available_s;
        self.busy_s += o.busy_s;
        self.late_break_s += o.late_break_s;
        self.late_exit_s += o.late_exit_s;
    }
}

/// What a policy did over one replication (all days).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PolicyFacts {
    /// Actions taken, by kind ([`crate::vocabulary::ACTION_NAMES`] order).
    pub actions: [f64; crate::vocabulary::ACTION_KINDS],
    /// Hook calls made.
    pub hook_calls: f64,
    /// Agents moved between groups.
    pub agents_moved: f64,
    /// Breaks postponed (a break postponed twice counts twice).
    pub breaks_postponed: f64,
    /// Total postponement of breaks, seconds.
    pub postponed_s: f64,
    /// Breaks cancelled.
    pub breaks_cancelled: f64,
    /// Length of the cancelled breaks, seconds.
    pub cancelled_break_s: f64,
    /// Overtime granted by extending shifts, agent-seconds.
    pub overtime_s: f64,
    /// Cost of that overtime, currency units.
    pub overtime_cost: f64,
    /// Agents sent home early.
    pub sent_home: f64,
    /// Scheduled time the agents sent home did not work, agent-seconds.
    pub sent_home_s: f64,
}

/// Names of the policy counters, in the order [`policy_values`] returns them.
pub const POLICY_KPIS: [&str; 11] = [
    "hook_calls",
    "actions",
    "agents_moved",
    "breaks_postponed",
    "break_postponement_minutes",
    "breaks_cancelled",
    "cancelled_break_minutes",
    "overtime_hours",
    "overtime_cost",
    "sent_home",
    "sent_home_hours",
];

/// The policy counters of one replication in [`POLICY_KPIS`] order, then one count per action
/// kind ([`crate::vocabulary::ACTION_NAMES`] order).
pub fn policy_values(p: &PolicyFacts) -> Vec<f64> {
    let mut v = vec![
        p.hook_calls,
        p.actions.iter().sum(),
        p.agents_moved,
        p.breaks_postponed,
        p.postponed_s / 60.0,
        p.breaks_cancelled,
        p.cancelled_break_s / 60.0,
        p.overtime_s / 3600.0,
        p.overtime_cost,
        p.sent_home,
        p.sent_home_s / 3600.0,
    ];
    v.extend(p.actions);
    v
}

/// Everything one replication recorded, indexed by global interval.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationFacts {
    /// Queues.
    pub n_queues: usize,
    /// Groups.
    pub n_groups: usize,
    /// `[interval × n_queues + queue]`.
    pub queues: Vec<QueueFacts>,
    /// `[interval × n_groups + group]`.
    pub groups: Vec<GroupFacts>,
    /// Busy seconds a group spent on each queue's calls in each interval:
    /// `[(interval × n_groups + group) × n_queues + queue]`. Used to allocate cost to queues.
    pub busy_by_queue: Vec<f64>,
    /// Whether group g could take calls of queue q (skill or overflow) at some moment of each
    /// interval: `[(interval × n_groups + group) × n_queues + queue]`. Static routing marks the
    /// same groups every interval; a policy that changes routing marks what it changed. Used for
    /// a queue's occupancy and for sharing an idle group's cost.
    pub serves: Vec<bool>,
    /// What the policy did (all zero without one).
    pub policy: PolicyFacts,
}

impl ReplicationFacts {
    /// Zeroed facts for `intervals` intervals.
    /// The memory one replication's facts take, bytes (for sizing how many are in flight).
    pub fn bytes(intervals: usize, n_queues: usize, n_groups: usize) -> usize {
        intervals
            * (n_queues * std::mem::size_of::<QueueFacts>()
                + n_groups * std::mem::size_of::<GroupFacts>()
                + n_groups * n_queues * (std::mem::size_of::<f64>() + std::mem::size_of::<bool>()))
    }

    pub fn new(intervals: usize, n_queues: usize, n_groups: usize) -> Self {
        ReplicationFacts {
            n_queues,
            n_groups,
            queues: vec![QueueFacts::default(); intervals * n_queues],
            groups: vec![GroupFacts::default(); intervals * n_groups],
            busy_by_queue: vec![0.0; intervals * n_groups * n_queues],
            serves: vec![false; intervals * n_groups * n_queues],
            policy: PolicyFacts::default(),
        }
    }

    /// Resets every count to zero, keeping the allocation.
    pub fn clear(&mut self) {
        self.queues.fill(QueueFacts::default());
        self.groups.fill(GroupFacts::default());
        self.busy_by_queue.fill(0.0);
        self.serves.fill(false);
        self.policy = PolicyFacts::default();
    }

    /// A queue cell.
    pub fn queue(&self, interval: usize, q: usize) -> &QueueFacts {
        &self.queues[interval * self.n_queues + q]
    }

    /// A group cell.
    pub fn group(&self, interval: usize, g: usize) -> &GroupFacts {
        &self.groups[interval * self.n_groups + g]
    }
}

/// Service level: `answered_within_t / denominator`, where the denominator depends on the
/// definition — offered (abandons count as failures), offered − abandoned within T (short
/// abandons ignored), or answered (served calls only). `NaN` when the denominator is 0.
pub fn service_level(f: &QueueFacts, def: SlDefinition) -> f64 {
    let (num, den) = f.sl_parts(def);
    ratio(num, den)
}

/// Service level so far, as a real-time wallboard shows it: over the calls that finished
/// waiting (answered, abandoned or blocked — under `answered`, answered only), so that calls
/// still waiting do not count as failures yet. `NaN` when none finished.
pub fn live_service_level(f: &QueueFacts, def: SlDefinition) -> f64 {
    let den = match def {
        SlDefinition::Offered => f.handled + f.abandoned + f.blocked,
        SlDefinition::OfferedMinusShortAbandons => f.handled + f.abandoned - f.abandoned_within + f.blocked,
        SlDefinition::Answered => f.handled,
    };
    ratio(f.answered_within, den)
}

/// ASA: mean wait of answered calls, seconds. `NaN` when none was answered.
pub fn asa_s(f: &QueueFacts) -> f64 {
    ratio(f.wait_answered_s, f.handled)
}

/// Average wait of all offered calls (abandoned calls count until they hang up), seconds.
pub fn avg_wait_s(f: &QueueFacts) -> f64 {
    ratio(f.wait_all_s, f.offered)
}

/// Abandon rate: abandoned ÷ offered. `NaN` when nothing was offered.
pub fn abandon_rate(f: &QueueFacts) -> f64 {
    ratio(f.abandoned, f.offered)
}

/// Occupancy: busy ÷ available (staffed, not on break) time. `NaN` when nobody was available.
pub fn occupancy(busy_s: f64, available_s: f64) -> f64 {
    ratio(busy_s, available_s)
}

/// `num / den`, `NaN` when `den` is not positive (an undefined KPI is skipped, never zero).
pub fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 { num / den } else { f64::NAN }
}

/// Names of the queue KPIs, in the order [`queue_kpis`] returns them.
pub const QUEUE_KPIS: [&str; N_QUEUE_KPIS] = [
    "offered",
    "handled",
    "abandoned",
    "retrials",
    "unserved",
    "service_level",
    "asa_seconds",
    "avg_wait_seconds",
    "max_wait_seconds",
    "abandon_rate",
    "avg_queue_length",
    "occupancy",
    "cost",
    "cost_per_handled",
    "p_meet_target",
    "p_wait",
    "blocked",
    "callbacks",
    "callback_delay_seconds",
    "retrials_lost_at_close",
];

/// Number of queue KPIs.
pub const N_QUEUE_KPIS: usize = 20;

/// Upper bounds of the queue KPIs (1 for shares), used to clip confidence intervals; every
/// KPI is non-negative.
pub const QUEUE_KPI_MAX: [f64; N_QUEUE_KPIS] = [
    f64::INFINITY,
    f64::INFINITY,
    f64::INFINITY,
    f64::INFINITY,
    f64::INFINITY,
    1.0,
    f64::INFINITY,
    f64::INFINITY,
    f64::INFINITY,
    1.0,
    f64::INFINITY,
    1.0,
    f64::INFINITY,
    f64::INFINITY,
    1.0,
    1.0,
    f64::INFINITY,
    f64::INFINITY,
    f64::INFINITY,
    f64::INFINITY,
];

/// Index of `service_level` in [`QUEUE_KPIS`].
pub const SL: usize = queue_kpi("service_level");
/// Index of `p_meet_target` in [`QUEUE_KPIS`].
pub const MEETS: usize = queue_kpi("p_meet_target");

/// The index of the queue KPI `name` in [`QUEUE_KPIS`]. In a `const` an unknown name fails the
/// build, so a report column cannot be bound to the wrong KPI by counting positions; at run
/// time an unknown name panics (a programming error, never input).
pub const fn queue_kpi(name: &str) -> usize {
    position(&QUEUE_KPIS, name)
}

/// The index of the group KPI `name` in [`GROUP_KPIS`] (see [`queue_kpi`]).
pub const fn group_kpi(name: &str) -> usize {
    position(&GROUP_KPIS, name)
}

const fn position(list: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < list.len() {
        if same(list[i], name) {
            return i;
        }
        i += 1;
    }
    panic!("unknown KPI name")
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A queue's targets, as needed to judge whether a period met them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    /// Which calls the SL counts.
    pub definition: SlDefinition,
    /// SL target share.
    pub sl_target: f64,
    /// Maximum ASA, seconds.
    pub max_asa_s: Option<f64>,
    /// Maximum abandon rate.
    pub max_abandon_rate: Option<f64>,
}

/// What one scope (a queue or all queues, over an interval, a day or the horizon) recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scope {
    /// Summed call facts.
    pub calls: QueueFacts,
    /// SL numerator and denominator, summed under each queue's own definition.
    pub sl_num: f64,
    /// See `sl_num`.
    pub sl_den: f64,
    /// Busy seconds of the groups serving the scope.
    pub busy_s: f64,
    /// Available seconds of the groups serving the scope.
    pub available_s: f64,
    /// Cost allocated to the scope, currency units.
    pub cost: f64,
    /// Length of the scope, seconds (for the time-average queue length).
    pub length_s: f64,
    /// Queues in the scope that had calls and missed a target / had calls at all.
    pub missed: u32,
    /// See `missed`.
    pub judged: u32,
}

impl Scope {
    /// Adds one queue-interval cell to the scope.
    pub fn add_calls(&mut self, f: &QueueFacts, t: &Targets) {
        self.calls.add(f);
        let (num, den) = f.sl_parts(t.definition);
        self.sl_num += num;
        self.sl_den += den;
    }

    /// Judges one queue's summed facts over a period against its targets and records it.
    pub fn judge(&mut self, f: &QueueFacts, t: &Targets) {
        let m = meets_targets(f, t);
        if !m.is_nan() {
            self.judged += 1;
            if m == 0.0 {
                self.missed += 1;
            }
        }
    }
}

/// 1 when a period met every target of the queue (SL ≥ target under its definition, ASA and
/// abandon rate within their maxima), 0 when it missed one, `NaN` when it had no calls.
pub fn meets_targets(f: &QueueFacts, t: &Targets) -> f64 {
    let sl = service_level(f, t.definition);
    if f.offered == 0.0 {
        return f64::NAN;
    }
    // A period with calls but no defined SL or ASA (nobody answered) misses the target.
    let sl_ok = !sl.is_nan() && sl >= t.sl_target - 1e-12;
    let asa_ok = t.max_asa_s.is_none_or(|m| !asa_s(f).is_nan() && asa_s(f) <= m);
    let ab_ok = t.max_abandon_rate.is_none_or(|m| abandon_rate(f) <= m + 1e-12);
    if sl_ok && asa_ok && ab_ok { 1.0 } else { 0.0 }
}

/// The KPIs of a scope, in [`QUEUE_KPIS`] order. Undefined ratios are `NaN`.
/// `p_meet_target` is 1 when every judged queue met its targets (see [`meets_targets`]).
/// `p_wait` is the share of offered calls that waited at all (Erlang C's P(wait)).
pub fn queue_kpis(s: &Scope) -> [f64; N_QUEUE_KPIS] {
    let f = &s.calls;
    [
        f.offered,
        f.handled,
        f.abandoned,
        f.retrials,
        f.unserved,
        ratio(s.sl_num, s.sl_den),
        asa_s(f),
        avg_wait_s(f),
        if f.offered > 0.0 { f.max_wait_s } else { f64::NAN },
        abandon_rate(f),
        ratio(f.queue_area_s, s.length_s),
        occupancy(s.busy_s, s.available_s),
        s.cost,
        ratio(s.cost, f.handled),
        if s.judged == 0 {
            f64::NAN
        } else if s.missed == 0 {
            1.0
        } else {
            0.0
        },
        ratio(f.waited, f.offered),
        f.blocked,
        f.callbacks,
        ratio(f.callback_delay_s, f.callbacks_made),
        f.retrials_lost_at_close,
    ]
}

/// Names of the group KPIs, in the order [`group_kpis`] returns them.
pub const GROUP_KPIS: [&str; 8] = [
    "occupancy",
    "agents",
    "paid_hours",
    "available_hours",
    "busy_hours",
    "cost",
    "late_break_minutes",
    "late_exit_minutes",
];

/// Upper bounds of the group KPIs (occupancy is a share), for clipping confidence intervals.
pub const GROUP_KPI_MAX: [f64; 8] =
    [1.0, f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::INFINITY];

/// Group KPIs over a period of `length_s` seconds: occupancy (busy ÷ available), mean agents
/// on duty (paid ÷ length), hours, cost (paid hours × rate), and late breaks/exits in minutes.
pub fn group_kpis(g: &GroupFacts, cost_per_s: f64, length_s: f64) -> [f64; 8] {
    [
        occupancy(g.busy_s, g.available_s),
        ratio(g.paid_s, length_s),
        g.paid_s / 3600.0,
        g.available_s / 3600.0,
        g.busy_s / 3600.0,
        g.paid_s * cost_per_s,
        g.late_break_s / 60.0,
        g.late_exit_s / 60.0,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_of_a_replications_facts_is_what_it_allocates() {
        let f = ReplicationFacts::new(448, 60, 30);
        let held = f.queues.len() * std::mem::size_of::<QueueFacts>()
            + f.groups.len() * std::mem::size_of::<GroupFacts>()
            + f.busy_by_queue.len() * 8
            + f.serves.len();
        assert_eq!(ReplicationFacts::bytes(448, 60, 30), held);
    }

    #[test]
    fn kpis_are_found_by_name() {
        for (i, name) in QUEUE_KPIS.iter().enumerate() {
            assert_eq!(queue_kpi(name), i);
        }
        for (i, name) in GROUP_KPIS.iter().enumerate() {
            assert_eq!(group_kpi(name), i);
        }
        assert_eq!(QUEUE_KPIS[SL], "service_level");
        assert_eq!(QUEUE_KPIS[MEETS], "p_meet_target");
        assert!(std::panic::catch_unwind(|| queue_kpi("no_such_kpi")).is_err());
    }

    #[test]
    fn the_three_service_level_definitions() {
        let f = QueueFacts {
            offered: 100.0,
            handled: 80.0,
            abandoned: 20.0,
            answered_within: 60.0,
            abandoned_within: 10.0,
            ..Default::default()
        };
        assert_eq!(service_level(&f, SlDefinition::Offered), 0.6);
        assert_eq!(service_level(&f, SlDefinition::OfferedMinusShortAbandons), 60.0 / 90.0);
        assert_eq!(service_level(&f, SlDefinition::Answered), 0.75);
        assert!(service_level(&QueueFacts::default(), SlDefinition::Offered).is_nan());
        assert_eq!(abandon_rate(&f), 0.2);
    }

    #[test]
    fn meeting_targets_needs_every_target() {
        let f = QueueFacts {
            offered: 100.0,
            handled: 95.0,
            abandoned: 5.0,
            answered_within: 85.0,
            wait_answered_s: 950.0,
            ..Default::default()
        };
        let mut t =
            Targets { definition: SlDefinition::Offered, sl_target: 0.8, max_asa_s: None, max_abandon_rate: None };
        assert_eq!(meets_targets(&f, &t), 1.0);
        t.max_asa_s = Some(9.0); // ASA is 10 s
        assert_eq!(meets_targets(&f, &t), 0.0);
        t.max_asa_s = Some(10.0);
        t.max_abandon_rate = Some(0.04);
        assert_eq!(meets_targets(&f, &t), 0.0);
        assert!(meets_targets(&QueueFacts::default(), &t).is_nan());
    }
}
