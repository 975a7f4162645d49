//! Arrivals and a waiting call's life: the non-homogeneous Poisson arrival process of each queue
//! (rates with busyness), a call's attributes, callback offers, abandonment and retrials.
//!
//! Owns when calls come and when they give up; who answers them is in `routing`.

use super::Sim;
use super::actions::Hook;
use super::events::EventKind;
use super::record::WaitEnd;
use super::state::{Call, CallState, Callback};
use super::streams::{Purpose, Rng, StreamKey, WHOLE_DAY, caller_stream, keyed_stream};
use crate::policy::Policy;
use rand::RngExt;
use rand_distr::{Distribution, Exp1, Gamma};

/// Draws a Gamma factor with mean 1 and coefficient of variation `cv` (1 when cv = 0).
fn busyness_factor(cv: f64, rng: &mut Rng) -> f64 {
    if cv <= 0.0 {
        return 1.0;
    }
    let shape = 1.0 / (cv * cv);
    Gamma::new(shape, 1.0 / shape).map_or(1.0, |g| g.sample(rng))
}

impl<P: Policy + ?Sized> Sim<'_, P> {
    /// Today's arrival rates with busyness, then the first arrival of each queue.
    ///
    /// The day factor comes from the (queue, day) busyness stream, each interval's factor from
    /// the (queue, day, interval) one, so a factor never depends on another day or interval.
    pub(super) fn start_arrivals(&mut self, day: usize) {
        let m = self.model;
        let n = m.intervals_per_day;
        let base = self.work.stream_base;
        self.work.arrivals.clear();
        for (q, qm) in m.queues.iter().enumerate() {
            let qs = &mut self.work.queues[q];
            let key = |interval| StreamKey { purpose: Purpose::Busyness, index: q, day: day as u32, interval };
            let day_f =
                if qm.day_cv > 0.0 { busyness_factor(qm.day_cv, &mut keyed_stream(base, key(WHOLE_DAY))) } else { 1.0 };
            for i in 0..n {
                let int_f = if qm.interval_cv > 0.0 {
                    busyness_factor(qm.interval_cv, &mut keyed_stream(base, key(i as u32)))
                } else {
                    1.0
                };
                qs.rate[i] = qm.rate_per_s[day * n + i] * day_f * int_f;
            }
            qs.arrival_interval = 0;
            self.advance_arrival(q, 0.0);
        }
    }

    /// Draws the next arrival of queue `q` after `from` (piecewise-constant rate per interval)
    /// and files it in the arrivals heap (the caller has taken `q`'s previous one off it).
    ///
    /// Each interval's arrivals come from the (queue, day, interval) stream: the Poisson process
    /// restarts at every interval boundary (exact, as it is memoryless), so an interval's arrival
    /// times depend on its own rate only, never on how many calls came before.
    pub(super) fn advance_arrival(&mut self, q: usize, from: f64) {
        let m = self.model;
        let (base, day) = (self.work.stream_base, self.work.day as u32);
        let qs = &mut self.work.queues[q];
        let slot = &mut self.work.rng_arrival[q];
        let mut t = from;
        let mut i = qs.arrival_interval;
        while i < m.intervals_per_day {
            let rate = qs.rate[i];
            let end = (i + 1) as f64 * m.interval_s;
            if rate > 0.0 {
                let gap: f64 = Exp1.sample(slot.at(base, Purpose::Arrivals, q, day, i as u32));
                t += gap / rate;
                if t < end {
                    qs.arrival_interval = i;
                    // t ≥ 0, so the order of its bits is the order of the times
                    self.work.arrivals.push(std::cmp::Reverse((t.to_bits(), q)));
                    return;
                }
            }
            // memoryless: restart the draw at the boundary with the next interval's rate and stream
            t = end;
            i += 1;
        }
        qs.arrival_interval = i;
    }

    /// The interval of today in which a draw made now falls: the open interval, or the day's
    /// interval count after the close (a stream key, see `streams`).
    fn draw_interval(&self) -> u32 {
        let n = self.model.intervals_per_day;
        self.work.open_interval.map_or(n, |g| g - self.work.day * n) as u32
    }

    /// A new call (first attempt or retrial) arrives at queue `q`.
    pub(super) fn arrive(&mut self, q: usize, t: f64, retrial: bool) {
        let m = self.model;
        let qm = &m.queues[q];
        let Some(cur) = self.work.open_interval else { return };
        {
            let cell = self.facts.queue(cur, q);
            cell.offered += 1.0;
            if retrial {
                cell.retrials += 1.0;
            }
        }
        // Call attributes: each purpose has its own stream per (queue, day, interval of arrival);
        // retried calls draw from their own so that first attempts stay in step across scenarios
        // (common random numbers).
        let (base, day, interval) = (self.work.stream_base, self.work.day as u32, self.draw_interval());
        let work = &mut *self.work;
        let (work_s, patience_s) = if retrial {
            let r = work.rng_retrial_call[q].at(base, Purpose::RetrialCall, q, day, interval);
            let h = qm.handle.sample(r);
            let w = qm.wrap.as_ref().map_or(0.0, |s| s.sample(r));
            (h + w, qm.patience.as_ref().map_or(f64::INFINITY, |s| s.sample(r)))
        } else {
            let h = qm.handle.sample(work.rng_handle[q].at(base, Purpose::Handle, q, day, interval));
            let w =
                qm.wrap.as_ref().map_or(0.0, |s| s.sample(work.rng_wrap[q].at(base, Purpose::Wrap, q, day, interval)));
            let p = qm.patience.as_ref().map_or(f64::INFINITY, |s| {
                s.sample(work.rng_patience[q].at(base, Purpose::Patience, q, day, interval))
            });
            (h + w, p)
        };
        // an actual AHT substituted per interval (`ccsim variance`); compiled models have none
        let work_s = match qm.work_factor.get(cur) {
            Some(f) => work_s * f,
            None => work_s,
        };
        let call = Call {
            arrival_t: t,
            work_s,
            interval: cur as u32,
            queue: q as u16,
            generation: 0,
            state: CallState::Waiting,
        };
        if !self.work.queues[q].open {
            // blocked after its attributes were drawn, so that the streams stay in step with a
            // run where the queue is open (common random numbers)
            self.facts.queue(cur, q).blocked += 1.0;
            return;
        }
        let chosen = if self.hooks.select_agent { self.hook_select_agent(q, t) } else { self.select_agent(q) };
        if let Some((a, g)) = chosen {
            self.answer(&call, a, g, t);
            return;
        }
        if self.work.queues[q].cb_wait_s.is_finite() && self.accepts_callback(q) {
            self.facts.queue(cur, q).callbacks += 1.0;
            let cb = Callback { wait_s: 0.0, accepted_t: t, work_s, interval: cur as u32 };
            self.work.queues[q].callbacks.push_back(cb);
            self.work.n_callbacks += 1;
            return;
        }
        // Wait.
        let c = match self.work.free_calls.pop() {
            Some(c) => {
                let gen_ = self.work.calls[c as usize].generation;
                self.work.calls[c as usize] = Call { generation: gen_, ..call };
                c
            }
            None => {
                self.work.calls.push(call);
                (self.work.calls.len() - 1) as u32
            }
        };
        let generation = self.work.calls[c as usize].generation;
        self.touch_queue(q, t);
        let qs = &mut self.work.queues[q];
        qs.n_waiting += 1;
        qs.waiting.push_back(c);
        if patience_s.is_finite() {
            self.push(t + patience_s, EventKind::Abandon { call: c, generation });
        }
        let rt = &self.work.routing;
        if rt.immediate[q] < rt.selection[q].len() && rt.cross_site_after_s < patience_s {
            // other sites' agents with the skill see the call from then on
            let after_s = rt.cross_site_after_s;
            self.push(t + after_s, EventKind::Overflow { call: c, generation });
        }
        let overflow_after_s = self.work.routing.overflow_after_s[q];
        if overflow_after_s < patience_s {
            self.push(t + overflow_after_s, EventKind::Overflow { call: c, generation });
        }
        let qs = &self.work.queues[q];
        let (watch_wait_s, fire) = (qs.watch_wait_s, qs.watch_n != 0 && qs.n_waiting == qs.watch_n);
        if watch_wait_s < patience_s {
            self.push(t + watch_wait_s, EventKind::WatchWait { call: c, generation });
        }
        if fire && self.hooks.queue {
            self.call_hook(Hook::Queue(q), t);
        }
    }

    /// A caller of queue `q` who abandoned a call that arrived in global interval `interval`
    /// tries again: a new arrival, or a retrial lost when the day has closed.
    pub(super) fn on_retrial(&mut self, q: usize, interval: usize, t: f64) {
        if self.work.open_interval.is_some() {
            self.arrive(q, t, true);
        } else {
            self.facts.queue(interval, q).retrials_lost_at_close += 1.0;
        }
    }

    #[cold]
    #[inline(never)]
    /// Whether a new call of queue `q` that must wait is offered a callback (its estimated wait
    /// exceeds the threshold) and accepts it. The estimate is (calls ahead + 1) × mean work ÷
    /// available agents with the skill.
    pub(super) fn accepts_callback(&mut self, q: usize) -> bool {
        let qs = &self.work.queues[q];
        let agents: u32 = self.work.routing.selection[q].iter().map(|&g| self.work.groups[g as usize].available).sum();
        let ewt = f64::from(qs.n_waiting + 1) * self.model.queues[q].mean_work_s / f64::from(agents.max(1));
        if ewt <= qs.cb_wait_s {
            return false;
        }
        let p = qs.cb_accept;
        let (base, day, interval) = (self.work.stream_base, self.work.day as u32, self.draw_interval());
        self.work.rng_policy[q].at(base, Purpose::Policy, q, day, interval).random::<f64>() < p
    }

    pub(super) fn on_abandon(&mut self, c: u32, generation: u32, t: f64) {
        let call = self.work.calls[c as usize];
        if call.generation != generation || call.state != CallState::Waiting {
            return;
        }
        let m = self.model;
        let q = call.queue as usize;
        self.take_waiting(c, t);
        self.record_wait(q, call.interval as usize, t - call.arrival_t, WaitEnd::Abandoned);
        if let Some((p, delay)) = &m.queues[q].retrial {
            // the caller's own stream: whether and when they retry is theirs, whatever the order
            // in which other callers gave up (common random numbers)
            let rng =
                &mut caller_stream(self.work.stream_base, Purpose::Retrial, q, self.work.day as u32, call.arrival_t);
            if rng.random::<f64>() < *p {
                let d = delay.sample(rng);
                // the interval the call arrived in, to count the retrial if it falls after the close
                self.push(t + d, EventKind::Retrial { queue: q as u32, interval: call.interval });
            }
        }
    }
}
