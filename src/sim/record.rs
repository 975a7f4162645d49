//! Recording facts: integrating time counters, counting answered, abandoned and unserved calls
//! in the cell of the interval they arrived in, busy time per queue, which groups serve which
//! queues, and the day-so-far sums a policy may read.
//!
//! Owns every write into [`ReplicationFacts`](crate::facts::ReplicationFacts) cells except the
//! policy counters; it derives no KPI.

use super::Sim;
use super::state::CallState;
use crate::facts::QueueFacts;
use crate::policy::Policy;

impl<P: Policy + ?Sized> Sim<'_, P> {
    /// Integrates group `g`'s time counters up to `t`.
    #[inline]
    pub(super) fn touch_group(&mut self, g: usize, t: f64) {
        let gs = &mut self.ws.groups[g];
        if let Some(cur) = self.ws.cur {
            let dt = t - gs.last_t;
            let cell = &mut self.f.groups[cur * self.f.n_groups + g];
            cell.paid_s += f64::from(gs.on_duty) * dt;
            cell.available_s += f64::from(gs.available) * dt;
            cell.busy_s += f64::from(gs.busy) * dt;
        }
        gs.last_t = t;
    }

    /// Integrates queue `q`'s waiting count up to `t`.
    #[inline]
    pub(super) fn touch_queue(&mut self, q: usize, t: f64) {
        let qs = &mut self.ws.queues[q];
        if let Some(cur) = self.ws.cur {
            self.f.queues[cur * self.f.n_queues + q].queue_area_s += f64::from(qs.n_waiting) * (t - qs.last_t);
        }
        qs.last_t = t;
    }

    /// The interval to which agent-time facts at this moment belong (the day's last after closing).
    pub(super) fn time_cell(&self) -> usize {
        self.ws.cur.unwrap_or((self.ws.day + 1) * self.m.intervals_per_day - 1)
    }

    /// Counts a call of queue `q` that arrived in global interval `interval` as answered after
    /// waiting `wait` seconds.
    pub(super) fn book_answer(&mut self, q: usize, interval: usize, wait: f64) {
        let m = self.m;
        let cell = &mut self.f.queues[interval * m.queues.len() + q];
        cell.handled += 1.0;
        cell.wait_answered_s += wait;
        cell.wait_all_s += wait;
        if wait <= m.queues[q].sl_threshold_s {
            cell.answered_within += 1.0;
        }
        if wait > 0.0 {
            cell.waited += 1.0;
        }
        if wait > cell.max_wait_s {
            cell.max_wait_s = wait;
        }
    }

    /// Books the busy time of agent `a`'s finished call on its queue, split over the intervals
    /// it spans (up to the close), for sharing the group's cost among queues.
    pub(super) fn book_busy(&mut self, a: u32, g: usize, t: f64) {
        let m = self.m;
        let agent = &self.ws.agents[a as usize];
        let (q, mut s) = (agent.queue as usize, agent.busy_since);
        let end = t.min(m.day_s);
        let base = self.ws.day * m.intervals_per_day;
        let (ng, nq) = (self.f.n_groups, self.f.n_queues);
        while s < end {
            let i = ((s / m.interval_s) as usize).min(m.intervals_per_day - 1);
            let cell_end = ((i + 1) as f64 * m.interval_s).min(end);
            self.f.busy_by_queue[((base + i) * ng + g) * nq + q] += cell_end - s;
            if cell_end <= s {
                break;
            }
            s = cell_end;
        }
    }

    /// Calls nobody was left to serve: they waited until the last agent left or the close.
    pub(super) fn record_unserved(&mut self) {
        let end = self.ws.last_agent_t.max(self.m.day_s);
        let nq = self.m.queues.len();
        for q in 0..nq {
            while let Some(c) = self.ws.queues[q].waiting.pop_front() {
                let call = self.ws.calls[c as usize];
                if call.state == CallState::Waiting {
                    let cell = &mut self.f.queues[call.interval as usize * nq + q];
                    let wait = end - call.arrival_t;
                    cell.unserved += 1.0;
                    cell.waited += 1.0;
                    cell.wait_all_s += wait;
                    cell.max_wait_s = cell.max_wait_s.max(wait);
                }
            }
            // Callbacks promised but never made.
            while let Some(cb) = self.ws.queues[q].callbacks.pop_front() {
                self.f.queues[cb.interval as usize * nq + q].unserved += 1.0;
            }
        }
    }

    /// Marks in the facts which groups can take which queues' calls in interval `global` (skill
    /// or overflow), as the routing stands now.
    pub(super) fn mark_serving(&mut self, global: usize) {
        let (ng, nq) = (self.f.n_groups, self.f.n_queues);
        let rt = &self.ws.rt;
        let cells = &mut self.f.serves[global * ng * nq..(global + 1) * ng * nq];
        for q in 0..nq {
            for &g in rt.selection[q].iter().chain(&rt.overflow[q]) {
                cells[g as usize * nq + q] = true;
            }
        }
    }

    #[cold]
    #[inline(never)]
    /// Today's facts of the intervals before `global`, per queue (for the day-so-far view).
    pub(super) fn sum_closed_intervals(&mut self, global: usize) {
        for q in 0..self.m.queues.len() {
            self.ws.day_base[q] = self.closed_intervals(q, global);
        }
    }

    /// Queue `q`'s facts summed over today's intervals before `global`.
    pub(super) fn closed_intervals(&self, q: usize, global: usize) -> QueueFacts {
        let nq = self.m.queues.len();
        let mut sum = QueueFacts::default();
        for i in self.ws.day * self.m.intervals_per_day..global {
            sum.add(&self.f.queues[i * nq + q]);
        }
        sum
    }
}
