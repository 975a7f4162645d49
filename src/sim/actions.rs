//! Policy hooks and actions: ticks, watched thresholds, the snapshot a hook sees, calling a hook
//! and applying the actions it returns, in order, each counted.
//!
//! Owns the engine's side of the [`Policy`] trait; it knows nothing of Rhai.

use super::Sim;
use super::events::EventKind;
use super::state::{AgentState, CallState};
use crate::facts::QueueFacts;
use crate::model::StaffingModel;
use crate::policy::{Action, Policy, PolicyError};

/// Most hooks nested inside each other's actions before the policy is stopped.
pub(super) const MAX_HOOK_DEPTH: u32 = 8;

/// Which hook to call.
#[derive(Debug, Clone, Copy)]
pub(super) enum Hook {
    Interval,
    Tick,
    Queue(usize),
    SelectAgent(usize),
    SelectCall(usize, u32),
}

impl Hook {
    fn name(self) -> &'static str {
        match self {
            Hook::Interval => "on_interval",
            Hook::Tick => "on_tick",
            Hook::Queue(_) => "on_queue",
            Hook::SelectAgent(_) => "select_agent",
            Hook::SelectCall(..) => "select_call",
        }
    }
}

impl<P: Policy + ?Sized> Sim<'_, P> {
    #[cold]
    #[inline(never)]
    pub(super) fn on_tick(&mut self, t: f64) {
        if self.work.open_interval.is_none() {
            return;
        }
        self.call_hook(Hook::Tick, t);
        if let Some(tick) = self.tick_s
            && t + tick < self.model.day_s
        {
            self.push(t + tick, EventKind::Tick);
        }
    }

    #[cold]
    #[inline(never)]
    /// Call `c` reaches the watched oldest-wait threshold: `on_queue`, once per upward crossing.
    pub(super) fn on_watch_wait(&mut self, c: u32, generation: u32, t: f64) {
        let call = self.work.calls[c as usize];
        if call.generation != generation || call.state != CallState::Waiting {
            return;
        }
        let q = call.queue as usize;
        let qs = &mut self.work.queues[q];
        if qs.wait_above || t < call.arrival_t + qs.watch_wait_s {
            return;
        }
        qs.wait_above = true;
        if self.hooks.queue {
            self.call_hook(Hook::Queue(q), t);
        }
    }

    /// Records the first policy failure; the day stops at the next event.
    pub(super) fn fail(&mut self, hook: Hook, t: f64, message: String) {
        if self.failure.is_none() {
            let clock_s = self.model.start_s + t;
            self.failure = Some(PolicyError { hook: hook.name(), day: self.work.day, clock_s, message });
        }
    }

    #[cold]
    #[inline(never)]
    /// Rebuilds the policy's view of the live state at `t`.
    /// `exact_day`: sum today's intervals now (every answer so far counts); otherwise use the
    /// sum taken at the last boundary plus the current interval (cheap, for per-call hooks).
    pub(super) fn snapshot(&mut self, t: f64, exact_day: bool) {
        let m = self.model;
        let nq = m.queues.len();
        let n = m.intervals_per_day;
        let cur = self.time_cell();
        self.work.snapshot.time_s = t;
        self.work.snapshot.day = self.work.day;
        self.work.snapshot.interval = cur - self.work.day * n;
        self.work.snapshot.queues.resize(nq, Default::default());
        self.work.snapshot.groups.resize(m.groups.len(), Default::default());
        for q in 0..nq {
            let oldest = self.front_call(q).map_or(0.0, |c| t - self.work.calls[c as usize].arrival_t);
            let cell = *self.facts.queue(cur, q);
            let mut day = match (self.reads_day, exact_day) {
                (false, _) => QueueFacts::default(),
                (true, true) => self.closed_intervals(q, cur),
                (true, false) => self.work.day_closed[q],
            };
            if self.reads_day {
                day.add(&cell);
            }
            let qs = &self.work.queues[q];
            let live = &mut self.work.snapshot.queues[q];
            live.waiting = qs.n_waiting;
            live.oldest_wait_s = oldest;
            live.open = qs.open;
            live.callbacks_pending = qs.callbacks.len() as u32;
            live.interval = cell;
            live.day = day;
        }
        for (g, gs) in self.work.groups.iter().enumerate() {
            let live = &mut self.work.snapshot.groups[g];
            live.staffed = gs.on_duty;
            live.available = gs.available;
            live.busy = gs.busy;
            live.idle = gs.available - gs.busy;
            live.on_break = gs.on_duty - gs.available;
        }
    }

    #[cold]
    #[inline(never)]
    /// Calls a hook with a fresh snapshot, then applies its actions in order. Returns the index
    /// a routing hook chose (a group or a queue), `None` otherwise or on failure.
    pub(super) fn call_hook(&mut self, hook: Hook, t: f64) -> Option<usize> {
        if self.failure.is_some() {
            return None;
        }
        if self.depth >= MAX_HOOK_DEPTH {
            self.fail(
                hook,
                t,
                format!(
                    "hooks nested {MAX_HOOK_DEPTH} deep: an action taken in a hook (e.g. set_skill in \
                     select_call) makes the engine call a hook again, which takes it again"
                ),
            );
            return None;
        }
        self.snapshot(t, !matches!(hook, Hook::SelectAgent(_) | Hook::SelectCall(..)));
        self.facts.policy().hook_calls += 1.0;
        let mut out = std::mem::take(&mut self.work.actions);
        out.clear();
        let snap = &self.work.snapshot;
        let r = match hook {
            Hook::Interval => self.policy.on_interval(snap, &mut out).map(|()| None),
            Hook::Tick => self.policy.on_tick(snap, &mut out).map(|()| None),
            Hook::Queue(q) => self.policy.on_queue(snap, q, &mut out).map(|()| None),
            Hook::SelectAgent(q) => self.policy.select_agent(snap, q, &mut out),
            Hook::SelectCall(g, a) => self.policy.select_call(snap, g, a, &mut out),
        };
        let chosen = match r {
            Ok(c) => c,
            Err(message) => {
                self.fail(hook, t, message);
                None
            }
        };
        self.depth += 1;
        for action in out.drain(..) {
            if self.failure.is_some() {
                break;
            }
            if let Err(message) = self.apply(action, t) {
                self.fail(hook, t, message);
            }
        }
        self.depth -= 1;
        self.work.actions = out;
        chosen
    }

    #[cold]
    #[inline(never)]
    /// Applies one policy action at `t` and counts it.
    pub(super) fn apply(&mut self, action: Action, t: f64) -> Result<(), String> {
        let m = self.model;
        action.check(m.queues.len(), m.groups.len())?;
        self.facts.policy().actions[action.kind()] += 1.0;
        match action {
            Action::MoveAgents { from, to, n } => {
                if from == to {
                    return Ok(());
                }
                for _ in 0..n {
                    let Some(a) = self.pop_idle(from) else { break };
                    self.touch_group(from, t);
                    self.touch_group(to, t);
                    let gf = &mut self.work.groups[from];
                    gf.on_duty -= 1;
                    gf.available -= 1;
                    let gt = &mut self.work.groups[to];
                    gt.on_duty += 1;
                    gt.available += 1;
                    self.work.agent_group[a as usize] = to as u16;
                    let home = m.agent_group[a as usize] as usize;
                    if home == from {
                        self.work.groups[from].out += 1;
                    } else {
                        self.work.groups[from].guests -= 1;
                    }
                    if home == to {
                        self.work.groups[to].out -= 1;
                    } else {
                        self.work.groups[to].guests += 1;
                    }
                    self.facts.policy().agents_moved += 1.0;
                    self.seek_work(a, to, t);
                }
            }
            Action::SetSkill { group, queue, on } => {
                let pref = m.routing.skill(group, queue).unwrap_or(1);
                if self.work.routing.skill(group, queue) == on.then_some(pref) {
                    return Ok(()); // nothing changes: no redispatch (which could ask select_call again)
                }
                self.work.routing.set_skill(group, queue, on.then_some(pref));
                self.work.routing.rebuild();
                if let Some(cur) = self.work.open_interval {
                    self.mark_serving(cur);
                }
                self.redispatch(t);
            }
            Action::PostponeBreaks { group, for_s } => {
                let gs = &mut self.work.groups[group];
                gs.hold_until = gs.hold_until.max(t + for_s);
            }
            Action::CancelBreaks { group, for_s } => {
                let gs = &mut self.work.groups[group];
                gs.cancel_until = gs.cancel_until.max(t + for_s);
            }
            Action::ExtendShifts { group, n, by_s } => {
                if !matches!(m.groups[group].staffing, StaffingModel::Shifts) {
                    return Err(format!(
                        "extend_shifts: group `{}` is not staffed by shifts (nothing to extend)",
                        m.group_ids[group]
                    ));
                }
                let mut cand = std::mem::take(&mut self.work.shift_candidates);
                cand.clear();
                for (a, agent) in self.work.agents.iter().enumerate() {
                    if self.work.agent_group[a] as usize == group
                        && agent.state != AgentState::Off
                        && agent.shift_end.is_finite()
                        && agent.shift_end > t
                    {
                        cand.push((agent.shift_end, a as u32));
                    }
                }
                cand.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                for &(end, a) in cand.iter().take(n as usize) {
                    let new_end = end + by_s;
                    self.work.agents[a as usize].shift_end = new_end;
                    self.push(new_end, EventKind::ShiftEnd { agent: a });
                    let cost = by_s * m.groups[group].cost_per_s;
                    self.facts.policy().overtime_s += by_s;
                    self.facts.policy().overtime_cost += cost;
                    let ot = &mut self.work.agent_overtime[a as usize];
                    *ot = (ot.0 + by_s, ot.1 + cost);
                }
                self.work.shift_candidates = cand;
            }
            Action::SendHome { group, n } => {
                for _ in 0..n {
                    let Some(a) = self.pop_idle(group) else { break };
                    let agent = &mut self.work.agents[a as usize];
                    agent.sent_home = true;
                    let end = if agent.shift_end.is_finite() { agent.shift_end } else { m.day_s };
                    // overtime granted and not yet worked is not worked at all: it leaves the
                    // overtime counts, and the hours sent home are the scheduled ones
                    let (ot_s, ot_cost) = self.work.agent_overtime[a as usize];
                    let unworked = (end - t).clamp(0.0, ot_s);
                    if unworked > 0.0 {
                        let refund = ot_cost * unworked / ot_s;
                        self.facts.policy().overtime_s -= unworked;
                        self.facts.policy().overtime_cost -= refund;
                        self.work.agent_overtime[a as usize] = (ot_s - unworked, ot_cost - refund);
                    }
                    self.facts.policy().sent_home += 1.0;
                    self.facts.policy().sent_home_s += (end - t - unworked).max(0.0);
                    if m.agent_group[a as usize] as usize == group {
                        self.work.groups[group].home += 1; // (a guest is counted off by go_off)
                    }
                    self.go_off(a, group, t);
                }
            }
            Action::SetOpen { queue, open } => self.work.queues[queue].open = open,
            Action::OfferCallbacks { queue, max_wait_s, acceptance } => {
                let qs = &mut self.work.queues[queue];
                qs.cb_wait_s = max_wait_s;
                qs.cb_accept = acceptance;
            }
            Action::SetPriority { queue, priority } => {
                self.work.routing.priority[queue] = priority;
                self.work.routing.rebuild();
            }
            Action::SetOverflow { queue, groups, after_s } => {
                let rt = &mut self.work.routing;
                rt.overflow_cfg[queue].clear();
                rt.overflow_cfg[queue].extend(groups.iter().map(|&g| g as u16));
                rt.overflow_after_s[queue] = if groups.is_empty() { f64::INFINITY } else { after_s };
                rt.rebuild();
                if let Some(cur) = self.work.open_interval {
                    self.mark_serving(cur);
                }
                // calls already waiting overflow when their own delay is up (now, if it is)
                if !groups.is_empty() {
                    for k in 0..self.work.queues[queue].waiting.len() {
                        let c = self.work.queues[queue].waiting[k];
                        let call = self.work.calls[c as usize];
                        if call.state == CallState::Waiting {
                            self.push(
                                t.max(call.arrival_t + after_s),
                                EventKind::Overflow { call: c, generation: call.generation },
                            );
                        }
                    }
                }
            }
            Action::WatchWaiting { queue, n } => self.work.queues[queue].watch_n = n,
            Action::WatchOldestWait { queue, wait_s } => {
                self.work.queues[queue].watch_wait_s = wait_s;
                self.work.queues[queue].wait_above = false;
                if wait_s.is_finite() {
                    for k in 0..self.work.queues[queue].waiting.len() {
                        let c = self.work.queues[queue].waiting[k];
                        let call = self.work.calls[c as usize];
                        if call.state == CallState::Waiting {
                            self.push(
                                t.max(call.arrival_t + wait_s),
                                EventKind::WatchWait { call: c, generation: call.generation },
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
