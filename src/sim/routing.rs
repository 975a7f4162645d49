//! Routing: which idle agent takes a new call, which waiting call (or callback) a free agent
//! takes, calls becoming visible to more groups as they wait (other sites' groups with the
//! skill after the cross-site delay, overflow groups after the overflow delay), and redispatch
//! after a routing change. The order of the rules is written down in `docs/routing.md`.
//!
//! Owns the idle-agent lists and the waiting-call queues as seen by selection; it records an
//! answered call through `record`.

use super::Sim;
use super::actions::Hook;
use super::events::EventKind;
use super::record::WaitEnd;
use super::state::{AgentState, Call, CallState};
use crate::policy::Policy;

/// Which groups may take a queue's call.
#[derive(Debug, Clone, Copy)]
enum Eligible {
    /// Groups with the skill that see the call at once: at the queue's preferred site, or all
    /// of them when it prefers none.
    Skilled,
    /// Groups with the skill at other sites, once the call has waited the cross-site delay.
    Remote,
    /// Overflow groups (without the skill), once the call has waited the overflow delay.
    Overflow,
}

impl<P: Policy + ?Sized> Sim<'_, P> {
    /// Front of group `g`'s idle FIFO (longest idle), skipping stale entries; does not remove it.
    #[inline]
    pub(super) fn peek_idle(&mut self, g: usize) -> Option<u32> {
        let work = &mut *self.work;
        let idle = &mut work.groups[g].idle;
        while let Some(&(a, tok)) = idle.front() {
            let agent = &work.agents[a as usize];
            if agent.state == AgentState::Idle && agent.token == tok {
                return Some(a);
            }
            idle.pop_front();
        }
        None
    }

    pub(super) fn pop_idle(&mut self, g: usize) -> Option<u32> {
        let a = self.peek_idle(g)?;
        self.work.groups[g].idle.pop_front();
        Some(a)
    }

    /// Front of queue `q` (oldest waiting call), skipping calls that already left.
    #[inline]
    pub(super) fn front_call(&mut self, q: usize) -> Option<u32> {
        let work = &mut *self.work;
        let dq = &mut work.queues[q].waiting;
        while let Some(&c) = dq.front() {
            if work.calls[c as usize].state == CallState::Waiting {
                return Some(c);
            }
            dq.pop_front();
            work.calls[c as usize].generation += 1;
            work.free_calls.push(c);
        }
        None
    }

    /// The call a free agent of group `g` would take by the built-in rules: the best tier, then
    /// the longest wait; a queue shows only calls waiting at least its entry's delay (the
    /// overflow delay, or the cross-site delay for a skill at another site than preferred).
    pub(super) fn find_call(&mut self, g: usize, t: f64) -> Option<u32> {
        let mut best: Option<(u32, u64, f64)> = None; // (call, tier, arrival)
        for k in 0..self.work.routing.scan[g].len() {
            let e = self.work.routing.scan[g][k];
            if let Some((_, tier, _)) = best
                && e.tier > tier
            {
                break;
            }
            let q = e.queue as usize;
            if self.work.queues[q].n_waiting == 0 {
                continue;
            }
            let Some(c) = self.front_call(q) else {
                continue;
            };
            let arr = self.work.calls[c as usize].arrival_t;
            if (e.overflow || e.remote) && t - arr < self.work.routing.after_s(&e) {
                continue;
            }
            if best.is_none_or(|(_, _, b)| arr < b) {
                best = Some((c, e.tier, arr));
            }
        }
        best.map(|(c, _, _)| c)
    }

    /// The call free agent `a` of group `g` takes: the policy's `select_call` when defined (asked
    /// only when some call is visible to the group), else the built-in rules.
    pub(super) fn choose_call(&mut self, a: u32, g: usize, t: f64) -> Option<u32> {
        let c = self.find_call(g, t)?;
        if !self.hooks.select_call {
            return Some(c);
        }
        let q = self.call_hook(Hook::SelectCall(g, a), t)?;
        let Some(e) = self.work.routing.scan[g].iter().find(|e| e.queue as usize == q).copied() else {
            self.fail(
                Hook::SelectCall(g, a),
                t,
                format!(
                    "select_call chose queue `{}`, which group `{}` does not serve",
                    self.model.queue_ids[q], self.model.group_ids[g]
                ),
            );
            return None;
        };
        let c = self.front_call(q)?;
        let visible = t - self.work.calls[c as usize].arrival_t >= self.work.routing.after_s(&e);
        visible.then_some(c)
    }

    /// A free agent (after a call, a break, or coming on duty) looks for a call, then for a
    /// callback, else waits idle.
    pub(super) fn seek_work(&mut self, a: u32, g: usize, t: f64) {
        if let Some(c) = self.choose_call(a, g, t) {
            self.take_waiting(c, t);
            self.serve(c, a, g, t);
            return;
        }
        if self.work.n_callbacks > 0 && self.make_callback(a, g, t) {
            return;
        }
        let agent = &mut self.work.agents[a as usize];
        agent.state = AgentState::Idle;
        agent.idle_since = t;
        agent.token = agent.token.wrapping_add(1);
        let tok = agent.token;
        self.work.groups[g].idle.push_back((a, tok));
    }

    #[cold]
    #[inline(never)]
    /// Agent `a` of group `g` makes the oldest pending callback of the first queue it has the
    /// skill for (in scan order), if any.
    pub(super) fn make_callback(&mut self, a: u32, g: usize, t: f64) -> bool {
        for k in 0..self.work.routing.scan[g].len() {
            let e = self.work.routing.scan[g][k];
            if e.overflow {
                continue;
            }
            let q = e.queue as usize;
            if let Some(cb) = self.work.queues[q].callbacks.pop_front() {
                self.work.n_callbacks -= 1;
                let cell = self.facts.queue(cb.interval as usize, q);
                cell.callbacks_made += 1.0;
                cell.callback_delay_s += t - cb.accepted_t;
                self.record_wait(q, cb.interval as usize, cb.wait_s, WaitEnd::Answered);
                self.record_served(g, q, cb.interval as usize);
                self.start_work(a, g, q, cb.work_s, t);
                return true;
            }
        }
        false
    }

    /// Removes waiting call `c` from its queue's count (its slot is freed when the deque drops it).
    pub(super) fn take_waiting(&mut self, c: u32, t: f64) {
        let q = self.work.calls[c as usize].queue as usize;
        self.touch_queue(q, t);
        self.work.queues[q].n_waiting -= 1;
        self.work.calls[c as usize].state = CallState::Gone;
        if self.work.queues[q].wait_above {
            // the oldest wait falls back below the watched threshold when the new front is younger
            let thr = self.work.queues[q].watch_wait_s;
            let below = self.front_call(q).is_none_or(|f| t - self.work.calls[f as usize].arrival_t < thr);
            if below {
                self.work.queues[q].wait_above = false;
            }
        }
    }

    /// Agent `a` of group `g` answers waiting call `c` at `t`.
    pub(super) fn serve(&mut self, c: u32, a: u32, g: usize, t: f64) {
        let call = self.work.calls[c as usize];
        self.answer(&call, a, g, t);
    }

    /// Agent `a` of group `g` answers `call` at `t`: the call's facts are complete here.
    pub(super) fn answer(&mut self, call: &Call, a: u32, g: usize, t: f64) {
        let q = call.queue as usize;
        self.record_wait(q, call.interval as usize, t - call.arrival_t, WaitEnd::Answered);
        self.record_served(g, q, call.interval as usize);
        self.start_work(a, g, q, call.work_s, t);
    }

    /// Agent `a` of group `g` starts `work_s` seconds (at speed 1) of work on a call of queue `q`.
    pub(super) fn start_work(&mut self, a: u32, g: usize, q: usize, work_s: f64, t: f64) {
        let work = work_s * self.model.groups[g].time_factor;
        self.touch_group(g, t);
        self.work.groups[g].busy += 1;
        let agent = &mut self.work.agents[a as usize];
        agent.state = AgentState::Busy;
        agent.queue = q as u16;
        agent.busy_since = t;
        self.push(t + work, EventKind::AgentFree { agent: a });
    }

    #[cold]
    #[inline(never)]
    /// `select_agent`: asked only when some agent with the skill is idle.
    pub(super) fn hook_select_agent(&mut self, q: usize, t: f64) -> Option<(u32, usize)> {
        let n = self.work.routing.selection[q].len();
        if !(0..n).any(|k| self.peek_idle(self.work.routing.selection[q][k] as usize).is_some()) {
            return None;
        }
        let g = self.call_hook(Hook::SelectAgent(q), t)?;
        if !self.work.routing.selection[q].contains(&(g as u16)) {
            let msg = format!(
                "select_agent chose group `{}`, which lacks the skill for `{}`",
                self.model.group_ids[g], self.model.queue_ids[q]
            );
            self.fail(Hook::SelectAgent(q), t, msg);
            return None;
        }
        let a = self.pop_idle(g)?;
        Some((a, g))
    }

    /// Chooses an idle agent for a new call of queue `q`, removing it from its idle list:
    /// longest idle across the groups that see the call at once, or the first of them (fewest
    /// skills) with an idle agent.
    #[inline]
    pub(super) fn select_agent(&mut self, q: usize) -> Option<(u32, usize)> {
        self.pop_longest_idle(q, Eligible::Skilled, self.model.routing.least_skilled)
    }

    /// Removes and returns the agent idle the longest (and its group) among the groups
    /// `eligible` for queue `q`, in their selection order; with `first_group`, only the first
    /// group that has an idle agent is considered.
    fn pop_longest_idle(&mut self, q: usize, eligible: Eligible, first_group: bool) -> Option<(u32, usize)> {
        let mut best: Option<(u32, usize, f64)> = None;
        let (lo, hi) = self.eligible(q, eligible);
        for k in lo..hi {
            let rt = &self.work.routing;
            let g =
                if matches!(eligible, Eligible::Overflow) { rt.overflow[q][k] } else { rt.selection[q][k] } as usize;
            if let Some(a) = self.peek_idle(g) {
                let since = self.work.agents[a as usize].idle_since;
                if best.is_none_or(|(_, _, b)| since < b) {
                    best = Some((a, g, since));
                }
                if first_group {
                    break;
                }
            }
        }
        let (a, g, _) = best?;
        self.work.groups[g].idle.pop_front();
        Some((a, g))
    }

    /// The groups `eligible` for queue `q` as the routing stands now: the range `lo..hi` of
    /// `overflow[q]` for overflow groups, else of `selection[q]`.
    #[inline(always)]
    fn eligible(&self, q: usize, eligible: Eligible) -> (usize, usize) {
        let rt = &self.work.routing;
        match eligible {
            Eligible::Skilled => (0, rt.immediate[q]),
            Eligible::Remote => (rt.immediate[q], rt.selection[q].len()),
            Eligible::Overflow => (0, rt.overflow[q].len()),
        }
    }

    /// Call `c` has waited a delay after which more groups see it (the cross-site delay or the
    /// overflow delay): an idle agent of the groups that see it now takes it, other sites'
    /// groups with the skill (by the queue's selection rule) before overflow groups (longest
    /// idle).
    pub(super) fn on_overflow(&mut self, c: u32, generation: u32, t: f64) {
        let call = self.work.calls[c as usize];
        if call.generation != generation || call.state != CallState::Waiting {
            return;
        }
        let q = call.queue as usize;
        let rt = &self.work.routing;
        // (a policy may have lengthened a delay since this event was scheduled)
        let remote = rt.immediate[q] < rt.selection[q].len() && t >= call.arrival_t + rt.cross_site_after_s;
        let overflow = t >= call.arrival_t + rt.overflow_after_s[q];
        let least_skilled = rt.least_skilled;
        // An idle agent who sees the call now can exist only if no older call it sees waits (it
        // would have taken it), so this call is the right one to serve.
        let mut chosen = None;
        if remote {
            chosen = self.pop_longest_idle(q, Eligible::Remote, least_skilled);
        }
        if chosen.is_none() && overflow {
            chosen = self.pop_longest_idle(q, Eligible::Overflow, false);
        }
        if let Some((a, g)) = chosen {
            self.take_waiting(c, t);
            self.serve(c, a, g, t);
        }
    }

    #[cold]
    #[inline(never)]
    /// After a routing change: idle agents take calls that have become visible to them.
    pub(super) fn redispatch(&mut self, t: f64) {
        for g in 0..self.model.groups.len() {
            while self.failure.is_none() {
                let Some(a) = self.peek_idle(g) else { break };
                match self.choose_call(a, g, t) {
                    Some(c) => {
                        // select_call's actions may have moved or sent home this agent, or
                        // served the call: check both again
                        if self.peek_idle(g) != Some(a) || self.work.calls[c as usize].state != CallState::Waiting {
                            continue;
                        }
                        self.work.groups[g].idle.pop_front();
                        self.take_waiting(c, t);
                        self.serve(c, a, g, t);
                    }
                    None => {
                        if self.work.n_callbacks == 0 || self.peek_idle(g) != Some(a) {
                            break;
                        }
                        self.work.groups[g].idle.pop_front();
                        if !self.make_callback(a, g, t) {
                            // nothing for this group: back to the front of the idle list
                            let tok = self.work.agents[a as usize].token;
                            self.work.groups[g].idle.push_front((a, tok));
                            break;
                        }
                    }
                }
            }
        }
    }
}
