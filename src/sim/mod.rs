//! The discrete-event core: calls, queues and agents over one replication.
//!
//! Owns the simulation of a day and nothing else: it reads a compiled [`Model`], draws from
//! random streams derived from (seed, replication, purpose, index, day, interval) and writes
//! counts into [`ReplicationFacts`]. It knows nothing of YAML, Rhai, statistics or the terminal.
//!
//! Days run one after another, each from its own plan ([`DayPlan`]: the pieces of shift work
//! and breaks of that day, a night shift's part after midnight included); closed days are
//! skipped. Three event sources are merged by time: the static timeline of the day (interval
//! boundaries, shift starts/ends, breaks), a binary heap of dynamic events (service ends,
//! abandonments, overflows, break ends, retrials) ordered by (time, insertion sequence), and one
//! pending arrival per queue (a non-homogeneous Poisson process, piecewise constant per
//! interval). At equal times the static timeline goes first, then the heap, then arrivals, so
//! that an interval boundary changes staffing before that instant's arrivals.
//!
//! Memory follows the system's state: a call exists only while it waits (answered calls leave
//! their slot at once), agents are a fixed pool, and all buffers are reused across
//! replications through [`Workspace`]. No strings, hash maps or allocations per event.
//!
//! The engine is generic over [`Policy`]: without one ([`NoPolicy`]) no hook is ever called.
//! With one, hooks run at interval boundaries, ticks, watched queue thresholds and (opt-in) for
//! every routing decision; the actions they return are applied at once, in order, and counted.
//! Routing tables, agents' groups, shift ends, break holds, queue states and callbacks are
//! runtime state that starts each day from the model.
//!
//! One file per concern, each with its own `impl Sim` block:
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the public entry points, the per-day event loop, reset and static events |
//! | `streams.rs` | random streams derived from (seed, replication, purpose, index, day, interval) |
//! | `state.rs` | the live state (agents, calls, queues, groups) and the reusable [`Workspace`] |
//! | `events.rs` | dynamic event kinds, their (time, sequence) order, the heap |
//! | `arrivals.rs` | arrival processes, a new call's attributes, callbacks offered, abandonment, retrials |
//! | `routing.rs` | agent and call selection, overflow, callbacks made, redispatch |
//! | `staffing.rs` | absences, on/off duty, shifts, staffing curves, breaks, the end of a call |
//! | `record.rs` | every write of call and agent-time facts |
//! | `actions.rs` | policy hooks, snapshots and actions |

mod actions;
mod arrivals;
mod events;
mod record;
mod routing;
mod staffing;
mod state;
mod streams;

pub use state::Workspace;
pub use streams::{
    KeyedRng, Purpose, Rng, StreamKey, WHOLE_DAY, caller_stream, keyed_stream, replication_base, stream,
};

use crate::facts::{QueueFacts, ReplicationFacts};
use crate::model::{DayPlan, Model, StaffingModel, StaticKind};
use crate::policy::{Hooks, NoPolicy, Policy, PolicyError};
use actions::Hook;
use events::{Event, EventKind};
use record::Recorder;
use state::NEW_AGENT;

/// Simulates replication `rep` of `model` (all its days) under the model's policy, writing into
/// `facts` (cleared first).
///
/// Deterministic: the result depends only on the model, the model's seed and `rep`. Fails only
/// when the policy fails.
pub fn run_replication(
    model: &Model,
    rep: u32,
    work: &mut Workspace,
    facts: &mut ReplicationFacts,
) -> Result<(), PolicyError> {
    match &model.policy {
        None => run_with(model, rep, work, facts, &mut NoPolicy, None),
        Some(factory) => {
            // a Box is a thin pointer: the engine's state struct stays as small as without a
            // policy, which keeps the hot loop as fast
            let mut p = factory.start(rep);
            run_with(model, rep, work, facts, &mut p, factory.tick_s())
        }
    }
}

/// [`run_replication`] with an explicit policy instance and tick (seconds between `on_tick`s).
pub fn run_with<P: Policy + ?Sized>(
    model: &Model,
    rep: u32,
    work: &mut Workspace,
    facts: &mut ReplicationFacts,
    policy: &mut P,
    tick_s: Option<f64>,
) -> Result<(), PolicyError> {
    facts.clear();
    work.start_streams(model.seed, rep);
    let hooks = policy.hooks();
    let reads_day = policy.reads_day();
    for day in 0..model.days {
        // a closed day is skipped: no calls, no agents, no hooks; its facts stay zero, and as
        // every stream is keyed by its day, the other days draw as if it were open
        let Some(plan) = model.day_plan[day] else { continue };
        let mut sim = Sim {
            model,
            plan: &model.plans[plan as usize],
            work: &mut *work,
            facts: Recorder::new(&mut *facts),
            policy: &mut *policy,
            hooks,
            reads_day,
            tick_s,
            failure: None,
            depth: 0,
            interval_hook_due: false,
        };
        sim.run_day(day);
        if let Some(e) = sim.failure {
            return Err(e);
        }
    }
    Ok(())
}

/// One day of one replication in progress: what it reads, where it keeps its state, what it
/// records and whom it asks.
struct Sim<'a, P: Policy + ?Sized> {
    /// The compiled scenario (read only).
    model: &'a Model,
    /// Today's plan: timeline, shift pieces and breaks (read only).
    plan: &'a DayPlan,
    /// Live state, random streams and scratch buffers.
    work: &'a mut Workspace,
    /// The replication's facts, written cell by cell.
    facts: Recorder<'a>,
    /// The policy whose hooks are called.
    policy: &'a mut P,
    /// The hooks the policy defines.
    hooks: Hooks,
    /// The policy reads the day-so-far counts: snapshots sum the day (see [`Policy::reads_day`]).
    reads_day: bool,
    /// Seconds between `on_tick` calls (`None`: no ticks).
    tick_s: Option<f64>,
    /// The first policy failure: the day stops at the next event.
    failure: Option<PolicyError>,
    /// Hooks being applied now (an action may call a routing hook again).
    depth: u32,
    /// An interval started: `on_interval` runs after the other static events of the instant.
    interval_hook_due: bool,
}

impl<P: Policy + ?Sized> Sim<'_, P> {
    /// Simulates day `day`: resets the live state, starts arrivals and staffing, then merges
    /// the static timeline, the event heap and the next arrivals by time until all are done.
    fn run_day(&mut self, day: usize) {
        let (m, plan) = (self.model, self.plan);
        self.reset(day);

        self.start_arrivals(day);
        self.start_staffing();

        if let Some(tick) = self.tick_s
            && self.hooks.tick
            && tick < m.day_s
        {
            self.push(tick, EventKind::Tick);
        }

        let mut ti = 0;
        while self.failure.is_none() {
            let t_static = plan.timeline.get(ti).map_or(f64::INFINITY, |e| e.time_s);
            let t_heap = self.work.heap.peek().map_or(f64::INFINITY, Event::t);
            let (t_arr, q_arr) =
                self.work.arrivals.peek().map_or((f64::INFINITY, usize::MAX), |r| (f64::from_bits(r.0.0), r.0.1));
            if t_static <= t_heap && t_static <= t_arr {
                if t_static == f64::INFINITY {
                    break;
                }
                let e = plan.timeline[ti];
                if self.interval_hook_due && matches!(e.kind, StaticKind::BreakStart { .. }) {
                    // after the shift changes of the boundary, before its breaks (a hold set
                    // now catches the breaks due now)
                    self.interval_hook_due = false;
                    self.call_hook(Hook::Interval, e.time_s);
                }
                ti += 1;
                self.on_static(e.kind, e.time_s);
                if self.interval_hook_due && plan.timeline.get(ti).is_none_or(|n| n.time_s != e.time_s) {
                    self.interval_hook_due = false;
                    self.call_hook(Hook::Interval, e.time_s);
                }
            } else if t_heap <= t_arr {
                let e = self.work.heap.pop().expect("peeked");
                let now = e.t();
                match e.kind {
                    EventKind::AgentFree { agent } => self.on_agent_free(agent, now),
                    EventKind::Abandon { call, generation } => self.on_abandon(call, generation, now),
                    EventKind::Overflow { call, generation } => self.on_overflow(call, generation, now),
                    EventKind::BreakEnd { agent } => self.on_break_end(agent, now),
                    EventKind::Retrial { queue, interval } => self.on_retrial(queue as usize, interval as usize, now),
                    EventKind::Tick => self.on_tick(now),
                    EventKind::BreakDue { agent, break_index } => self.on_break_due(agent, break_index, now),
                    EventKind::ShiftEnd { agent } => {
                        if self.work.agents[agent as usize].shift_end == now {
                            self.on_shift_end(agent, now);
                        }
                    }
                    EventKind::WatchWait { call, generation } => self.on_watch_wait(call, generation, now),
                }
            } else {
                self.work.arrivals.pop();
                self.arrive(q_arr, t_arr, false);
                self.advance_arrival(q_arr, t_arr);
            }
        }

        self.record_unserved();
    }

    /// Puts the live state back to the start of day `day`: empty queues and heap, agents off
    /// duty, routing as the model sets it (today's absences are drawn after, by `start_staffing`).
    fn reset(&mut self, day: usize) {
        let work = &mut *self.work;
        work.heap.clear();
        work.next_seq = 0;
        work.calls.clear();
        work.free_calls.clear();
        work.day = day;
        work.last_agent_t = 0.0;
        work.open_interval = Some(day * self.model.intervals_per_day);
        work.agent_group.copy_from_slice(&self.model.agent_group);
        work.agent_overtime.fill((0.0, 0.0));
        work.routing.clone_from(&self.model.routing);
        work.n_callbacks = 0;
        work.day_closed.fill(QueueFacts::default());
        for (k, a) in work.agents.iter_mut().enumerate() {
            let (present, present_before) = (a.present, a.present_before);
            *a = NEW_AGENT;
            a.present = present;
            a.present_before = present_before;
            a.shift_end = self.plan.pieces_of(k).first().map_or(f64::INFINITY, |p| p.end_s);
        }
        for g in &mut work.groups {
            g.on_duty = 0;
            g.available = 0;
            g.busy = 0;
            g.planned = 0;
            g.out = 0;
            g.home = 0;
            g.guests = 0;
            g.last_t = 0.0;
            g.idle.clear();
            g.hold_until = 0.0;
            g.cancel_until = 0.0;
        }
        for q in &mut work.queues {
            q.waiting.clear();
            q.n_waiting = 0;
            q.last_t = 0.0;
            q.open = true;
            q.cb_wait_s = f64::INFINITY;
            q.cb_accept = 0.0;
            q.callbacks.clear();
            q.watch_n = 0;
            q.watch_wait_s = f64::INFINITY;
            q.wait_above = false;
        }
    }

    fn on_static(&mut self, kind: StaticKind, t: f64) {
        match kind {
            StaticKind::Interval { interval } => {
                for g in 0..self.model.groups.len() {
                    self.touch_group(g, t);
                }
                for q in 0..self.model.queues.len() {
                    self.touch_queue(q, t);
                }
                let global = self.work.day * self.model.intervals_per_day + interval as usize;
                self.work.open_interval = Some(global);
                self.mark_serving(global);
                for g in 0..self.model.groups.len() {
                    if let StaffingModel::Curve(levels) = &self.model.groups[g].staffing {
                        self.set_level(g, levels[global], t);
                    }
                }
                if self.hooks != Hooks::default() && self.reads_day {
                    // every hook's snapshot shows today so far
                    self.sum_closed_intervals(global);
                }
                // on_interval runs after the shift starts and ends of this instant (the agents
                // starting at the boundary are on duty) and before its breaks: see `run_day`
                self.interval_hook_due = self.hooks.interval;
            }
            StaticKind::Close => {
                for g in 0..self.model.groups.len() {
                    self.touch_group(g, t);
                }
                for q in 0..self.model.queues.len() {
                    self.touch_queue(q, t);
                }
                self.work.open_interval = None;
            }
            StaticKind::ShiftStart { agent, piece } => self.on_shift_start(agent, piece, t),
            StaticKind::ShiftEnd { agent } => {
                // a shift extended by a policy ends at its own dynamic event
                if self.work.agents[agent as usize].shift_end <= t {
                    self.on_shift_end(agent, t);
                }
            }
            StaticKind::BreakStart { agent, break_index } => self.on_break_due(agent, break_index, t),
        }
    }
}
