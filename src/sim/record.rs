//! Recording facts: a typed recorder over one replication's fact cells, and the engine's
//! writes into it: integrating time counters (busy time after the close into the day's last
//! interval), counting answered, abandoned and unserved calls in the cell of the interval they
//! arrived in, busy time per queue, who served whom, which groups serve which queues, and the
//! day-so-far sums a policy may read.
//!
//! Owns every write into [`ReplicationFacts`]; cells are addressed by (interval, queue) or
//! (interval, group), never by hand-computed indices. It derives no KPI.

use super::Sim;
use super::state::CallState;
use crate::facts::{GroupFacts, PolicyFacts, QueueFacts, ReplicationFacts, ServedFacts};
use crate::policy::Policy;

/// Typed access to one replication's facts. Intervals are global (day × intervals per day +
/// interval of the day).
#[derive(Debug)]
pub(super) struct Recorder<'a> {
    facts: &'a mut ReplicationFacts,
}

impl<'a> Recorder<'a> {
    /// A recorder writing into `facts`.
    pub(super) fn new(facts: &'a mut ReplicationFacts) -> Self {
        Recorder { facts }
    }

    /// The cell of queue `queue` in global interval `interval`.
    #[inline]
    pub(super) fn queue(&mut self, interval: usize, queue: usize) -> &mut QueueFacts {
        &mut self.facts.queues[interval * self.facts.n_queues + queue]
    }

    /// The cell of group `group` in global interval `interval`.
    #[inline]
    pub(super) fn group(&mut self, interval: usize, group: usize) -> &mut GroupFacts {
        &mut self.facts.groups[interval * self.facts.n_groups + group]
    }

    /// Seconds group `group` spent on calls of queue `queue` in global interval `interval`.
    #[inline]
    pub(super) fn busy_on_queue(&mut self, interval: usize, group: usize, queue: usize) -> &mut f64 {
        let (ng, nq) = (self.facts.n_groups, self.facts.n_queues);
        &mut self.facts.busy_by_queue[(interval * ng + group) * nq + queue]
    }

    /// What group `group` did for queue `queue` over the replication.
    #[inline]
    pub(super) fn served(&mut self, group: usize, queue: usize) -> &mut ServedFacts {
        &mut self.facts.served[group * self.facts.n_queues + queue]
    }

    /// Marks that group `group` could take calls of queue `queue` in global interval `interval`.
    pub(super) fn mark_serves(&mut self, interval: usize, group: usize, queue: usize) {
        let (ng, nq) = (self.facts.n_groups, self.facts.n_queues);
        self.facts.serves[(interval * ng + group) * nq + queue] = true;
    }

    /// Queue `queue`'s cells summed over the global intervals `intervals`.
    pub(super) fn queue_sum(&self, intervals: std::ops::Range<usize>, queue: usize) -> QueueFacts {
        let mut sum = QueueFacts::default();
        for i in intervals {
            sum.add(self.facts.queue(i, queue));
        }
        sum
    }

    /// What the policy did.
    #[inline]
    pub(super) fn policy(&mut self) -> &mut PolicyFacts {
        &mut self.facts.policy
    }
}

/// How a call's wait in the queue ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WaitEnd {
    /// An agent answered it.
    Answered,
    /// The caller hung up.
    Abandoned,
    /// Still waiting when nobody was left to serve it.
    Unserved,
}

impl<P: Policy + ?Sized> Sim<'_, P> {
    /// Integrates group `g`'s time counters up to `t`.
    #[inline]
    pub(super) fn touch_group(&mut self, g: usize, t: f64) {
        let gs = &mut self.work.groups[g];
        if let Some(cur) = self.work.open_interval {
            let dt = t - gs.last_t;
            let cell = self.facts.group(cur, g);
            cell.paid_s += f64::from(gs.on_duty) * dt;
            cell.available_s += f64::from(gs.available) * dt;
            cell.busy_s += f64::from(gs.busy) * dt;
        } else if gs.busy > 0 {
            // after the close: only the work still being done counts, in the day's last interval
            let last = (self.work.day + 1) * self.model.intervals_per_day - 1;
            self.facts.group(last, g).busy_after_close_s += f64::from(gs.busy) * (t - gs.last_t);
        }
        gs.last_t = t;
    }

    /// Integrates queue `q`'s waiting count up to `t`.
    #[inline]
    pub(super) fn touch_queue(&mut self, q: usize, t: f64) {
        let qs = &mut self.work.queues[q];
        if let Some(cur) = self.work.open_interval {
            self.facts.queue(cur, q).queue_area_s += f64::from(qs.n_waiting) * (t - qs.last_t);
        }
        qs.last_t = t;
    }

    /// The interval to which agent-time facts at this moment belong (the day's last after closing).
    pub(super) fn time_cell(&self) -> usize {
        self.work.open_interval.unwrap_or((self.work.day + 1) * self.model.intervals_per_day - 1)
    }

    /// Counts a call of queue `q` that arrived in global interval `interval` and left the queue
    /// after waiting `wait` seconds, as `end` says. An answered call counts as having waited only
    /// when its wait was positive; an abandoned or unserved one always does.
    #[inline]
    pub(super) fn record_wait(&mut self, q: usize, interval: usize, wait: f64, end: WaitEnd) {
        let within = wait <= self.model.queues[q].sl_threshold_s;
        let cell = self.facts.queue(interval, q);
        match end {
            WaitEnd::Answered => {
                cell.handled += 1.0;
                cell.wait_answered_s += wait;
                if within {
                    cell.answered_within += 1.0;
                }
            }
            WaitEnd::Abandoned => {
                cell.abandoned += 1.0;
                if within {
                    cell.abandoned_within += 1.0;
                }
            }
            WaitEnd::Unserved => cell.unserved += 1.0,
        }
        if wait > 0.0 || end != WaitEnd::Answered {
            cell.waited += 1.0;
        }
        cell.wait_all_s += wait;
        if wait > cell.max_wait_s {
            cell.max_wait_s = wait;
        }
    }

    /// Books the busy time of agent `a`'s finished call on its queue, split over the intervals
    /// it spans (up to the close), for sharing the group's cost among queues; and on the
    /// (group, queue) pair of who served whom, warm-up intervals left out, work after the close
    /// included.
    pub(super) fn book_busy(&mut self, a: u32, g: usize, t: f64) {
        let m = self.model;
        let agent = &self.work.agents[a as usize];
        let (q, mut s) = (agent.queue as usize, agent.busy_since);
        let end = t.min(m.day_s);
        let base = self.work.day * m.intervals_per_day;
        let mut served_s = (t - s.max(m.day_s)).max(0.0);
        while s < end {
            let i = ((s / m.interval_s) as usize).min(m.intervals_per_day - 1);
            let cell_end = ((i + 1) as f64 * m.interval_s).min(end);
            *self.facts.busy_on_queue(base + i, g, q) += cell_end - s;
            if i >= m.warmup_intervals {
                served_s += cell_end - s;
            }
            if cell_end <= s {
                break;
            }
            s = cell_end;
        }
        self.facts.served(g, q).busy_s += served_s;
    }

    /// Counts a call of queue `q` that arrived in global interval `interval` as answered by
    /// group `g` (who served whom), unless it arrived in a warm-up interval.
    #[inline]
    pub(super) fn record_served(&mut self, g: usize, q: usize, interval: usize) {
        if interval % self.model.intervals_per_day >= self.model.warmup_intervals {
            self.facts.served(g, q).handled += 1.0;
        }
    }

    /// Calls nobody was left to serve: they waited until the last agent left or the close.
    pub(super) fn record_unserved(&mut self) {
        let end = self.work.last_agent_t.max(self.model.day_s);
        for q in 0..self.model.queues.len() {
            while let Some(c) = self.work.queues[q].waiting.pop_front() {
                let call = self.work.calls[c as usize];
                if call.state == CallState::Waiting {
                    self.record_wait(q, call.interval as usize, end - call.arrival_t, WaitEnd::Unserved);
                }
            }
            // Callbacks promised but never made.
            while let Some(cb) = self.work.queues[q].callbacks.pop_front() {
                self.facts.queue(cb.interval as usize, q).unserved += 1.0;
            }
        }
    }

    /// Marks in the facts which groups can take which queues' calls in interval `global` (skill
    /// or overflow), as the routing stands now.
    pub(super) fn mark_serving(&mut self, global: usize) {
        let rt = &self.work.routing;
        for q in 0..self.model.queues.len() {
            for &g in rt.selection[q].iter().chain(&rt.overflow[q]) {
                self.facts.mark_serves(global, g as usize, q);
            }
        }
    }

    #[cold]
    #[inline(never)]
    /// Today's facts of the intervals before `global`, per queue (for the day-so-far view).
    pub(super) fn sum_closed_intervals(&mut self, global: usize) {
        for q in 0..self.model.queues.len() {
            self.work.day_closed[q] = self.closed_intervals(q, global);
        }
    }

    /// Queue `q`'s facts summed over today's intervals before `global`.
    pub(super) fn closed_intervals(&self, q: usize, global: usize) -> QueueFacts {
        self.facts.queue_sum(self.work.day * self.model.intervals_per_day..global, q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_addressed_by_interval_and_queue_or_group() {
        let (intervals, nq, ng) = (3, 2, 4);
        let mut facts = ReplicationFacts::new(intervals, nq, ng);
        let mut rec = Recorder::new(&mut facts);
        rec.queue(2, 1).offered += 1.0;
        rec.group(1, 3).paid_s += 5.0;
        *rec.busy_on_queue(2, 3, 1) += 7.0;
        rec.mark_serves(0, 2, 1);
        rec.queue(0, 1).handled += 2.0;
        assert_eq!(rec.queue_sum(0..3, 1).offered, 1.0);
        assert_eq!(rec.queue_sum(0..2, 1).offered, 0.0);
        assert_eq!(rec.queue_sum(0..3, 1).handled, 2.0);
        assert_eq!(facts.queue(2, 1).offered, 1.0);
        assert_eq!(facts.queues.iter().map(|c| c.offered).sum::<f64>(), 1.0);
        assert_eq!(facts.group(1, 3).paid_s, 5.0);
        assert_eq!(facts.busy_by_queue[(2 * ng + 3) * nq + 1], 7.0);
        assert_eq!(facts.busy_by_queue.iter().sum::<f64>(), 7.0);
        assert!(facts.serves[2 * nq + 1]);
        assert_eq!(facts.serves.iter().filter(|&&s| s).count(), 1);
    }
}
