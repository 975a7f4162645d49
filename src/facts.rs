//! What the engine records (facts): counts per (interval, queue), agent time per (interval,
//! group), who served whom, and what a policy did — plus the elementary ratios over one cell
//! of counts (service level under each definition, ASA, abandon rate, occupancy).
//!
//! The engine only counts: offered, handled, waits, agent seconds. The KPIs, their table and
//! their reduction over replications are in [`crate::kpi`]. Calls are attributed to the
//! interval in which they arrived; agent time to the interval in which it was spent (work
//! after the close to the day's last interval).

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
    /// Busy time after the close (calls in progress or still waiting then), recorded in the
    /// day's last interval.
    pub busy_after_close_s: f64,
}

impl GroupFacts {
    /// Adds another cell's time.
    pub fn add(&mut self, o: &GroupFacts) {
        self.paid_s += o.paid_s;
        self.available_s += o.available_s;
        self.busy_s += o.busy_s;
        self.late_break_s += o.late_break_s;
        self.late_exit_s += o.late_exit_s;
        self.busy_after_close_s += o.busy_after_close_s;
    }
}

/// What one group did for one queue over a replication (all days, warm-up left out).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ServedFacts {
    /// Calls of the queue the group answered (callbacks made included), counted in the
    /// interval the call arrived; calls that arrived in a warm-up interval are left out.
    pub handled: f64,
    /// Seconds the group spent on the queue's calls (talk and wrap-up) outside warm-up
    /// intervals, work after the close included.
    pub busy_s: f64,
}

impl ServedFacts {
    /// Adds another pair's counts.
    pub fn add(&mut self, o: &ServedFacts) {
        self.handled += o.handled;
        self.busy_s += o.busy_s;
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
    /// Who served whom: `[group × n_queues + queue]`, over the whole replication.
    pub served: Vec<ServedFacts>,
    /// What the policy did (all zero without one).
    pub policy: PolicyFacts,
}

impl ReplicationFacts {
    /// The memory one replication's facts take, bytes (for sizing how many are in flight).
    pub fn bytes(intervals: usize, n_queues: usize, n_groups: usize) -> usize {
        intervals
            * (n_queues * std::mem::size_of::<QueueFacts>()
                + n_groups * std::mem::size_of::<GroupFacts>()
                + n_groups * n_queues * (std::mem::size_of::<f64>() + std::mem::size_of::<bool>()))
            + n_groups * n_queues * std::mem::size_of::<ServedFacts>()
    }

    /// Zeroed facts for `intervals` intervals.
    pub fn new(intervals: usize, n_queues: usize, n_groups: usize) -> Self {
        ReplicationFacts {
            n_queues,
            n_groups,
            queues: vec![QueueFacts::default(); intervals * n_queues],
            groups: vec![GroupFacts::default(); intervals * n_groups],
            busy_by_queue: vec![0.0; intervals * n_groups * n_queues],
            serves: vec![false; intervals * n_groups * n_queues],
            served: vec![ServedFacts::default(); n_groups * n_queues],
            policy: PolicyFacts::default(),
        }
    }

    /// Resets every count to zero, keeping the allocation.
    pub fn clear(&mut self) {
        self.queues.fill(QueueFacts::default());
        self.groups.fill(GroupFacts::default());
        self.busy_by_queue.fill(0.0);
        self.serves.fill(false);
        self.served.fill(ServedFacts::default());
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

    /// What group `g` did for queue `q`.
    pub fn served(&self, g: usize, q: usize) -> &ServedFacts {
        &self.served[g * self.n_queues + q]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_of_a_replications_facts_is_what_it_allocates() {
        let f = ReplicationFacts::new(448, 60, 30);
        let held = f.queues.len() * std::mem::size_of::<QueueFacts>()
            + f.groups.len() * std::mem::size_of::<GroupFacts>()
            + f.busy_by_queue.len() * 8
            + f.serves.len()
            + f.served.len() * std::mem::size_of::<ServedFacts>();
        assert_eq!(ReplicationFacts::bytes(448, 60, 30), held);
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
}
