//! Queue KPIs: the table, and the scope they are derived from (a queue, or all queues, over
//! an interval, a day or the horizon), with each KPI's definition beside its derivation.

use crate::facts::{QueueFacts, abandon_rate, asa_s, avg_wait_s, occupancy, ratio, service_level};
use crate::scenario::SlDefinition;

const INF: f64 = f64::INFINITY;

kpi_table! { Queue, QueueKpis, QueueScope;
    /// Calls that arrived (first attempts and retrials).
    OFFERED = "offered", "calls", better None, max INF, Mean, |s| s.calls.offered;
    /// Calls answered by an agent (callbacks made included).
    HANDLED = "handled", "calls", better None, max INF, Mean, |s| s.calls.handled;
    /// Calls whose caller hung up before being answered.
    ABANDONED = "abandoned", "calls", better Some(false), max INF, Mean, |s| s.calls.abandoned;
    /// Of `offered`, retrials of earlier abandoned calls.
    RETRIALS = "retrials", "calls", better None, max INF, Mean, |s| s.calls.retrials;
    /// Calls still waiting when nobody was left to serve them.
    UNSERVED = "unserved", "calls", better Some(false), max INF, Mean, |s| s.calls.unserved;
    /// Answered within the threshold ÷ the denominator of each queue's SL definition.
    SL = "service_level", "share 0–1", better Some(true), max 1.0, Mean, |s| ratio(s.sl_num, s.sl_den);
    /// ASA: mean wait of answered calls.
    ASA = "asa_seconds", "s", better Some(false), max INF, Mean, |s| asa_s(&s.calls);
    /// Mean wait of all offered calls (abandoned ones until they hung up).
    AVG_WAIT = "avg_wait_seconds", "s", better Some(false), max INF, Mean, |s| avg_wait_s(&s.calls);
    /// Longest wait of any call (undefined without calls).
    MAX_WAIT = "max_wait_seconds", "s", better Some(false), max INF, Mean,
        |s| if s.calls.offered > 0.0 { s.calls.max_wait_s } else { f64::NAN };
    /// Abandoned ÷ offered.
    ABANDON_RATE = "abandon_rate", "share 0–1", better Some(false), max 1.0, Mean, |s| abandon_rate(&s.calls);
    /// Time-average number of calls waiting.
    QUEUE_LEN = "avg_queue_length", "calls", better Some(false), max INF, Mean,
        |s| ratio(s.calls.queue_area_s, s.length_s);
    /// Busy ÷ available time of the groups serving the scope, in opening hours.
    OCCUPANCY = "occupancy", "share 0–1", better None, max 1.0, Mean, |s| occupancy(s.busy_s, s.available_s);
    /// Paid agent time allocated to the scope (by busy time, idle time split evenly).
    COST = "cost", "currency", better Some(false), max INF, Mean, |s| s.cost;
    /// Cost ÷ handled calls.
    COST_PER_HANDLED = "cost_per_handled", "currency/call", better Some(false), max INF, Mean,
        |s| ratio(s.cost, s.calls.handled);
    /// 1 when every judged queue met all its targets; over the horizon, the share of days.
    MEETS = "p_meet_target", "probability 0–1", better Some(true), max 1.0, DayShare,
        |s| if s.judged == 0 { f64::NAN } else if s.missed == 0 { 1.0 } else { 0.0 };
    /// Share of offered calls that waited at all (Erlang C's P(wait)).
    P_WAIT = "p_wait", "share 0–1", better Some(false), max 1.0, Mean, |s| ratio(s.calls.waited, s.calls.offered);
    /// Of `offered`, calls turned away because a policy had closed the queue.
    BLOCKED = "blocked", "calls", better Some(false), max INF, Mean, |s| s.calls.blocked;
    /// Of `offered`, callers who accepted a callback offer.
    CALLBACKS = "callbacks", "calls", better None, max INF, Mean, |s| s.calls.callbacks;
    /// Mean delay from accepting a callback until an agent called back.
    CALLBACK_DELAY = "callback_delay_seconds", "s", better Some(false), max INF, Mean,
        |s| ratio(s.calls.callback_delay_s, s.calls.callbacks_made);
    /// Retrials lost because they would have come after the close.
    RETRIALS_LOST = "retrials_lost_at_close", "calls", better Some(false), max INF, Mean,
        |s| s.calls.retrials_lost_at_close;
}

/// A queue's targets, as needed to judge whether a period met them.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// What one scope (a queue or all queues, over an interval, a day or the horizon) recorded:
/// the input of the queue KPIs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueueScope {
    /// Summed call facts.
    pub calls: QueueFacts,
    /// SL numerator, summed under each queue's own definition, calls.
    pub sl_num: f64,
    /// SL denominator, summed under each queue's own definition, calls.
    pub sl_den: f64,
    /// Busy seconds of the groups serving the scope.
    pub busy_s: f64,
    /// Available seconds of the groups serving the scope.
    pub available_s: f64,
    /// Cost allocated to the scope, currency units.
    pub cost: f64,
    /// Length of the scope, seconds (for the time-average queue length).
    pub length_s: f64,
    /// Queues in the scope that had calls and missed a target.
    pub missed: u32,
    /// Queues in the scope that had calls (were judged).
    pub judged: u32,
}

impl QueueScope {
    /// Adds one queue's calls (a cell or a sum of cells) to the scope.
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

    /// Adds `o` (calls, SL parts, agent time, cost, length); judgments are redone by callers.
    pub fn merge(&mut self, o: &QueueScope) {
        self.calls.add(&o.calls);
        self.sl_num += o.sl_num;
        self.sl_den += o.sl_den;
        self.busy_s += o.busy_s;
        self.available_s += o.available_s;
        self.cost += o.cost;
        self.length_s += o.length_s;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::{Kpi, QueueKpis};

    #[test]
    fn handles_name_their_entries() {
        assert_eq!(SL.name(), "service_level");
        assert_eq!(MEETS.name(), "p_meet_target");
        for (i, k) in Kpi::<QueueKpis>::all().enumerate() {
            assert_eq!(Kpi::<QueueKpis>::named(TABLE[i].name), k);
        }
        assert!(Kpi::<QueueKpis>::find("no_such_kpi").is_none());
        assert!(std::panic::catch_unwind(|| Kpi::<QueueKpis>::named("no_such_kpi")).is_err());
    }

    #[test]
    fn each_kpi_is_derived_by_its_own_entry() {
        let s = QueueScope {
            calls: QueueFacts {
                offered: 100.0,
                handled: 80.0,
                abandoned: 20.0,
                wait_answered_s: 800.0,
                ..Default::default()
            },
            sl_num: 60.0,
            sl_den: 100.0,
            ..Default::default()
        };
        let v = derive(&s);
        assert_eq!(v[SL.index()], 0.6);
        assert_eq!(v[ASA.index()], 10.0);
        assert_eq!(v[ABANDON_RATE.index()], 0.2);
        assert_eq!(v[OFFERED.index()], 100.0);
        assert!(v[MEETS.index()].is_nan(), "nothing judged");
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
