//! The discrete-event core: calls, queues and agents over one replication.
//!
//! Owns the event loop and nothing else: it reads a compiled [`Model`], draws from random
//! streams derived from (seed, replication, purpose, index) and writes counts into
//! [`ReplicationFacts`]. It knows nothing of YAML, Rhai, statistics or the terminal.
//!
//! Three event sources are merged by time: the static timeline of the day (interval
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

use crate::facts::{QueueFacts, ReplicationFacts};
use crate::model::{Model, Routing, StaffingModel, StaticKind};
use crate::policy::{Action, Hooks, NoPolicy, Policy, PolicyError, Snapshot};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Exp1, Gamma};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// The random generator used for every stream: small, fast and portable.
pub type Rng = Xoshiro256PlusPlus;

/// Purposes of random streams. A stream is derived from (seed, replication, purpose, index),
/// so changing how one purpose is used leaves all others in step (common random numbers).
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    /// Arrival times of a queue.
    Arrivals = 1,
    /// Handle (+ wrap-up) times of a queue's calls.
    Handle = 2,
    /// Patience of a queue's calls.
    Patience = 3,
    /// Retrial decisions, delays and the retried calls' attributes of a queue.
    Retrial = 4,
    /// Busyness factors of a queue.
    Busyness = 5,
    /// Absences in a group.
    Absence = 6,
    /// Wrap-up times of a queue's calls.
    Wrap = 7,
    /// Random decisions of policies (callback acceptance) of a queue.
    Policy = 8,
}

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The random stream for (seed, replication, purpose, index).
pub fn stream(seed: u64, replication: u32, purpose: Purpose, index: usize) -> Rng {
    let s = mix(mix(mix(seed) ^ u64::from(replication)) ^ ((purpose as u64) << 48) ^ index as u64);
    Rng::seed_from_u64(s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AgentState {
    Off,
    Idle,
    Busy,
    Break,
}

#[derive(Debug, Clone, Copy)]
struct Agent {
    state: AgentState,
    present: bool,
    idle_since: f64,
    token: u32,
    /// Breaks that fell due while the agent was busy or on a break, taken back to back later.
    pending_breaks: u32,
    pending_leave: bool,
    /// Sum of the pending breaks' due times, s (their lateness is count × start − this).
    break_due: f64,
    /// Sum of the pending breaks' lengths, s.
    break_len: f64,
    /// Queue of the call in hand.
    queue: u16,
    /// When the call in hand was answered, s.
    busy_since: f64,
    leave_due: f64,
    /// When the shift ends (after overtime), s; infinite without a shift.
    shift_end: f64,
    /// Sent home by a policy: does not come back today.
    sent_home: bool,
}

const NEW_AGENT: Agent = Agent {
    state: AgentState::Off,
    present: true,
    idle_since: 0.0,
    token: 0,
    pending_breaks: 0,
    pending_leave: false,
    break_due: 0.0,
    break_len: 0.0,
    queue: 0,
    busy_since: 0.0,
    leave_due: 0.0,
    shift_end: f64::INFINITY,
    sent_home: false,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallState {
    Waiting,
    /// Left the queue (answered out of order, or abandoned) but still referenced by the deque.
    Gone,
}

#[derive(Debug, Clone, Copy)]
struct Call {
    arrival_t: f64,
    /// Talk + wrap-up at speed 1, seconds.
    work_s: f64,
    interval: u32,
    queue: u16,
    generation: u32,
    state: CallState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    AgentFree,
    Abandon,
    Overflow,
    BreakEnd,
    Retrial,
    /// A policy tick.
    Tick,
    /// A break postponed by a policy falls due again (agent, break index).
    BreakDue,
    /// A shift extended by a policy ends (agent).
    ShiftEnd,
    /// A call reaches the watched oldest-wait threshold (call, generation).
    WatchWait,
}

/// A dynamic event. `key` packs (time, sequence) into one integer: simulation times are
/// non-negative, so their IEEE-754 bits order like the numbers, and the insertion sequence
/// breaks ties — the (time, sequence) order of the house rules in one comparison.
#[derive(Debug, Clone, Copy)]
struct Ev {
    key: u128,
    kind: Kind,
    a: u32,
    b: u32,
}

impl Ev {
    #[inline]
    fn t(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }
}

impl PartialEq for Ev {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}
impl Eq for Ev {}
impl PartialOrd for Ev {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ev {
    /// Reversed so that `BinaryHeap` pops the earliest (time, sequence) first.
    #[inline]
    fn cmp(&self, o: &Self) -> Ordering {
        o.key.cmp(&self.key)
    }
}

/// Per-group live counters.
#[derive(Debug, Clone, Default)]
struct GroupState {
    on_duty: u32,
    available: u32,
    busy: u32,
    /// Curve groups: present agents the curve schedules now.
    planned: u32,
    /// Agents of this group's pool moved into other groups by a policy (and not back).
    out: u32,
    /// Agents of this group's pool sent home by a policy.
    home: u32,
    /// Agents of other groups moved into this one and on duty here.
    guests: u32,
    last_t: f64,
    idle: VecDeque<(u32, u32)>,
    /// Breaks falling due before this time wait until then (policy), s.
    hold_until: f64,
    /// Breaks falling due before this time are cancelled (policy), s.
    cancel_until: f64,
}

/// A callback a caller accepted: made by the next free agent with the skill.
#[derive(Debug, Clone, Copy)]
struct Callback {
    /// Wait in the queue before accepting, s.
    wait_s: f64,
    /// When accepted, s.
    accepted_t: f64,
    work_s: f64,
    interval: u32,
}

/// Per-queue live state.
#[derive(Debug, Clone, Default)]
struct QueueState {
    waiting: VecDeque<u32>,
    n_waiting: u32,
    last_t: f64,
    next_arrival: f64,
    arrival_interval: usize,
    /// Effective arrival rate per interval of the current day (calls/s, busyness applied).
    rate: Vec<f64>,
    /// False while a policy keeps the queue closed.
    open: bool,
    /// Offer callbacks when the estimated wait exceeds this, s (infinite: no offers).
    cb_wait_s: f64,
    /// Callback acceptance probability.
    cb_accept: f64,
    callbacks: VecDeque<Callback>,
    /// Call `on_queue` when the waiting count reaches this (0: off).
    watch_n: u32,
    /// Call `on_queue` when the oldest wait reaches this, s (infinite: off).
    watch_wait_s: f64,
    /// The oldest wait is at or above `watch_wait_s` (fired, not yet fallen back).
    wait_above: bool,
}

/// Reusable buffers and random streams of one worker; create once per thread.
#[derive(Debug)]
pub struct Workspace {
    agents: Vec<Agent>,
    groups: Vec<GroupState>,
    queues: Vec<QueueState>,
    calls: Vec<Call>,
    free_calls: Vec<u32>,
    heap: BinaryHeap<Ev>,
    seq: u64,
    rng_arrival: Vec<Rng>,
    rng_handle: Vec<Rng>,
    rng_wrap: Vec<Rng>,
    rng_patience: Vec<Rng>,
    rng_retrial: Vec<Rng>,
    rng_busyness: Vec<Rng>,
    rng_absence: Vec<Rng>,
    rng_policy: Vec<Rng>,
    /// Global interval index currently open for statistics, or `None` after closing.
    cur: Option<usize>,
    day: usize,
    /// Last time an agent finished a call or went off duty: the end of unserved calls' waits.
    last_agent_t: f64,
    /// Group of each agent now (policies move agents).
    agent_group: Vec<u16>,
    /// Overtime granted to each agent today: seconds and cost (refunded if sent home before).
    agent_overtime: Vec<(f64, f64)>,
    /// Routing now (policies change skills, priorities and overflow).
    rt: Routing,
    /// Callbacks waiting in all queues.
    n_callbacks: u32,
    /// Policy view, rebuilt before each hook.
    snap: Snapshot,
    /// Actions returned by the current hook.
    actions: Vec<Action>,
    /// Per queue: today's facts of the intervals already closed.
    day_base: Vec<QueueFacts>,
    scratch: Vec<(f64, u32)>,
}

impl Workspace {
    /// Buffers sized for `model`.
    pub fn new(model: &Model) -> Workspace {
        let nq = model.queues.len();
        let seed_dummy = || Rng::seed_from_u64(0);
        Workspace {
            agents: vec![NEW_AGENT; model.agents()],
            groups: vec![GroupState::default(); model.groups.len()],
            queues: (0..nq)
                .map(|_| QueueState { rate: vec![0.0; model.intervals_per_day], ..Default::default() })
                .collect(),
            calls: Vec::with_capacity(256),
            free_calls: Vec::with_capacity(256),
            heap: BinaryHeap::with_capacity(1024),
            seq: 0,
            rng_arrival: (0..nq).map(|_| seed_dummy()).collect(),
            rng_handle: (0..nq).map(|_| seed_dummy()).collect(),
            rng_wrap: (0..nq).map(|_| seed_dummy()).collect(),
            rng_patience: (0..nq).map(|_| seed_dummy()).collect(),
            rng_retrial: (0..nq).map(|_| seed_dummy()).collect(),
            rng_busyness: (0..nq).map(|_| seed_dummy()).collect(),
            rng_absence: (0..model.groups.len()).map(|_| seed_dummy()).collect(),
            rng_policy: (0..nq).map(|_| seed_dummy()).collect(),
            cur: None,
            day: 0,
            last_agent_t: 0.0,
            agent_group: model.agent_group.clone(),
            agent_overtime: vec![(0.0, 0.0); model.agent_group.len()],
            rt: model.routing.clone(),
            n_callbacks: 0,
            snap: Snapshot::default(),
            actions: Vec::new(),
            day_base: vec![QueueFacts::default(); nq],
            scratch: Vec::new(),
        }
    }
}

/// Simulates replication `rep` of `model` (all its days) under the model's policy, writing into
/// `facts` (cleared first).
///
/// Deterministic: the result depends only on the model, the model's seed and `rep`. Fails only
/// when the policy fails.
pub fn run_replication(
    model: &Model,
    rep: u32,
    ws: &mut Workspace,
    facts: &mut ReplicationFacts,
) -> Result<(), PolicyError> {
    match &model.policy {
        None => run_with(model, rep, ws, facts, &mut NoPolicy, None),
        Some(factory) => {
            // a Box is a thin pointer: the engine's state struct stays as small as without a
            // policy, which keeps the hot loop as fast
            let mut p = factory.start(rep);
            run_with(model, rep, ws, facts, &mut p, factory.tick_s())
        }
    }
}

/// [`run_replication`] with an explicit policy instance and tick (seconds between `on_tick`s).
pub fn run_with<P: Policy + ?Sized>(
    model: &Model,
    rep: u32,
    ws: &mut Workspace,
    facts: &mut ReplicationFacts,
    policy: &mut P,
    tick_s: Option<f64>,
) -> Result<(), PolicyError> {
    facts.clear();
    let seed = model.seed;
    for q in 0..model.queues.len() {
        ws.rng_arrival[q] = stream(seed, rep, Purpose::Arrivals, q);
        ws.rng_handle[q] = stream(seed, rep, Purpose::Handle, q);
        ws.rng_wrap[q] = stream(seed, rep, Purpose::Wrap, q);
        ws.rng_patience[q] = stream(seed, rep, Purpose::Patience, q);
        ws.rng_retrial[q] = stream(seed, rep, Purpose::Retrial, q);
        ws.rng_busyness[q] = stream(seed, rep, Purpose::Busyness, q);
        ws.rng_policy[q] = stream(seed, rep, Purpose::Policy, q);
    }
    for g in 0..model.groups.len() {
        ws.rng_absence[g] = stream(seed, rep, Purpose::Absence, g);
    }
    let hooks = policy.hooks();
    let reads_day = policy.reads_day();
    for day in 0..model.days {
        let mut sim = Sim {
            m: model,
            ws: &mut *ws,
            f: &mut *facts,
            p: &mut *policy,
            hooks,
            reads_day,
            tick_s,
            err: None,
            depth: 0,
            interval_hook_due: false,
        };
        sim.run_day(day);
        if let Some(e) = sim.err {
            return Err(e);
        }
    }
    Ok(())
}

struct Sim<'a, P: Policy + ?Sized> {
    m: &'a Model,
    ws: &'a mut Workspace,
    f: &'a mut ReplicationFacts,
    p: &'a mut P,
    hooks: Hooks,
    /// The policy reads the day-so-far counts: snapshots sum the day (see [`Policy::reads_day`]).
    reads_day: bool,
    tick_s: Option<f64>,
    /// The first policy failure: the day stops at the next event.
    err: Option<PolicyError>,
    /// Hooks being applied now (an action may call a routing hook again).
    depth: u32,
    /// An interval started: `on_interval` runs after the other static events of the instant.
    interval_hook_due: bool,
}

/// Most hooks nested inside each other's actions before the policy is stopped.
const MAX_HOOK_DEPTH: u32 = 8;

/// Which hook to call.
#[derive(Debug, Clone, Copy)]
enum Hook {
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

/// Draws a Gamma factor with mean 1 and coefficient of variation `cv` (1 when cv = 0).
fn busyness_factor(cv: f64, rng: &mut Rng) -> f64 {
    if cv <= 0.0 {
        return 1.0;
    }
    let shape = 1.0 / (cv * cv);
    Gamma::new(shape, 1.0 / shape).map_or(1.0, |g| g.sample(rng))
}

impl<P: Policy + ?Sized> Sim<'_, P> {
    fn run_day(&mut self, day: usize) {
        let m = self.m;
        let n = m.intervals_per_day;
        self.reset(day);

        // Arrival rates with busyness, then the first arrival of each queue.
        for (q, qm) in m.queues.iter().enumerate() {
            let qs = &mut self.ws.queues[q];
            let rng = &mut self.ws.rng_busyness[q];
            let day_f = busyness_factor(qm.day_cv, rng);
            for i in 0..n {
                let int_f = busyness_factor(qm.interval_cv, rng);
                qs.rate[i] = qm.rate_per_s[day * n + i] * day_f * int_f;
            }
            qs.arrival_interval = 0;
            self.advance_arrival(q, 0.0);
        }

        // Absences, then agents present the whole day come on duty.
        for (g, gm) in m.groups.iter().enumerate() {
            let rng = &mut self.ws.rng_absence[g];
            for k in 0..gm.pool {
                let absent = gm.absenteeism > 0.0 && rng.random::<f64>() < gm.absenteeism;
                self.ws.agents[(gm.first_agent + k) as usize].present = !absent;
            }
        }
        for (g, gm) in m.groups.iter().enumerate() {
            if matches!(gm.staffing, StaffingModel::Count) {
                for k in 0..gm.pool {
                    let a = gm.first_agent + k;
                    if self.ws.agents[a as usize].present {
                        self.come_on_duty(a, g, 0.0);
                    }
                }
            }
        }

        if let Some(tick) = self.tick_s
            && self.hooks.tick
            && tick < m.day_s
        {
            self.push(tick, Kind::Tick, 0, 0);
        }

        let mut ti = 0;
        while self.err.is_none() {
            let t_static = m.timeline.get(ti).map_or(f64::INFINITY, |e| e.t);
            let t_heap = self.ws.heap.peek().map_or(f64::INFINITY, Ev::t);
            let (mut t_arr, mut q_arr) = (f64::INFINITY, usize::MAX);
            for (q, qs) in self.ws.queues.iter().enumerate() {
                if qs.next_arrival < t_arr {
                    t_arr = qs.next_arrival;
                    q_arr = q;
                }
            }
            if t_static <= t_heap && t_static <= t_arr {
                if t_static == f64::INFINITY {
                    break;
                }
                let e = m.timeline[ti];
                if self.interval_hook_due && e.kind == StaticKind::BreakStart {
                    // after the shift changes of the boundary, before its breaks (a hold set
                    // now catches the breaks due now)
                    self.interval_hook_due = false;
                    self.call_hook(Hook::Interval, e.t);
                }
                ti += 1;
                self.on_static(e.kind, e.a, e.b, e.t);
                if self.interval_hook_due && m.timeline.get(ti).is_none_or(|n| n.t != e.t) {
                    self.interval_hook_due = false;
                    self.call_hook(Hook::Interval, e.t);
                }
            } else if t_heap <= t_arr {
                let e = self.ws.heap.pop().expect("peeked");
                let now = e.t();
                match e.kind {
                    Kind::AgentFree => self.on_agent_free(e.a, now),
                    Kind::Abandon => self.on_abandon(e.a, e.b, now),
                    Kind::Overflow => self.on_overflow(e.a, e.b, now),
                    Kind::BreakEnd => self.on_break_end(e.a, now),
                    Kind::Retrial => {
                        if self.ws.cur.is_some() {
                            self.arrive(e.a as usize, now, true);
                        } else {
                            let cell = e.b as usize * m.queues.len() + e.a as usize;
                            self.f.queues[cell].retrials_lost_at_close += 1.0;
                        }
                    }
                    Kind::Tick => self.on_tick(now),
                    Kind::BreakDue => self.on_break_due(e.a, e.b, now),
                    Kind::ShiftEnd => {
                        if self.ws.agents[e.a as usize].shift_end == now {
                            self.on_shift_end(e.a, now);
                        }
                    }
                    Kind::WatchWait => self.on_watch_wait(e.a, e.b, now),
                }
            } else {
                self.arrive(q_arr, t_arr, false);
                self.advance_arrival(q_arr, t_arr);
            }
        }

        // Calls nobody was left to serve: they waited until the last agent left or the close.
        let end = self.ws.last_agent_t.max(m.day_s);
        let nq = m.queues.len();
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

    fn reset(&mut self, day: usize) {
        let ws = &mut *self.ws;
        ws.heap.clear();
        ws.seq = 0;
        ws.calls.clear();
        ws.free_calls.clear();
        ws.day = day;
        ws.last_agent_t = 0.0;
        ws.cur = Some(day * self.m.intervals_per_day);
        ws.agent_group.copy_from_slice(&self.m.agent_group);
        ws.agent_overtime.fill((0.0, 0.0));
        ws.rt.clone_from(&self.m.routing);
        ws.n_callbacks = 0;
        ws.day_base.fill(QueueFacts::default());
        for (a, sh) in ws.agents.iter_mut().zip(&self.m.agent_shift) {
            let present = a.present;
            *a = NEW_AGENT;
            a.present = present;
            a.shift_end = sh.as_ref().map_or(f64::INFINITY, |s| s.end_s);
        }
        for g in &mut ws.groups {
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
        for q in &mut ws.queues {
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

    #[inline]
    fn push(&mut self, t: f64, kind: Kind, a: u32, b: u32) {
        debug_assert!(t >= 0.0 && t.is_finite());
        let seq = self.ws.seq;
        self.ws.seq += 1;
        let key = (u128::from(t.to_bits()) << 64) | u128::from(seq);
        self.ws.heap.push(Ev { key, kind, a, b });
    }

    /// Draws the next arrival of queue `q` after `from` (piecewise-constant rate per interval).
    fn advance_arrival(&mut self, q: usize, from: f64) {
        let m = self.m;
        let qs = &mut self.ws.queues[q];
        let rng = &mut self.ws.rng_arrival[q];
        let mut t = from;
        let mut i = qs.arrival_interval;
        while i < m.intervals_per_day {
            let rate = qs.rate[i];
            let end = (i + 1) as f64 * m.interval_s;
            if rate > 0.0 {
                let gap: f64 = Exp1.sample(rng);
                t += gap / rate;
                if t < end {
                    qs.next_arrival = t;
                    qs.arrival_interval = i;
                    return;
                }
            }
            // memoryless: restart the draw at the boundary with the next interval's rate
            t = end;
            i += 1;
        }
        qs.next_arrival = f64::INFINITY;
        qs.arrival_interval = i;
    }

    /// Integrates group `g`'s time counters up to `t`.
    #[inline]
    fn touch_group(&mut self, g: usize, t: f64) {
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
    fn touch_queue(&mut self, q: usize, t: f64) {
        let qs = &mut self.ws.queues[q];
        if let Some(cur) = self.ws.cur {
            self.f.queues[cur * self.f.n_queues + q].queue_area_s += f64::from(qs.n_waiting) * (t - qs.last_t);
        }
        qs.last_t = t;
    }

    /// The interval to which agent-time facts at this moment belong (the day's last after closing).
    fn time_cell(&self) -> usize {
        self.ws.cur.unwrap_or((self.ws.day + 1) * self.m.intervals_per_day - 1)
    }

    fn on_static(&mut self, kind: StaticKind, a: u32, b: u32, t: f64) {
        match kind {
            StaticKind::Interval => {
                for g in 0..self.m.groups.len() {
                    self.touch_group(g, t);
                }
                for q in 0..self.m.queues.len() {
                    self.touch_queue(q, t);
                }
                let global = self.ws.day * self.m.intervals_per_day + a as usize;
                self.ws.cur = Some(global);
                self.mark_serving(global);
                for g in 0..self.m.groups.len() {
                    if let StaffingModel::Curve(levels) = &self.m.groups[g].staffing {
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
                for g in 0..self.m.groups.len() {
                    self.touch_group(g, t);
                }
                for q in 0..self.m.queues.len() {
                    self.touch_queue(q, t);
                }
                self.ws.cur = None;
            }
            StaticKind::ShiftStart => {
                let g = self.ws.agent_group[a as usize] as usize;
                let agent = &self.ws.agents[a as usize];
                if agent.present && !agent.sent_home {
                    self.come_on_duty(a, g, t);
                }
            }
            StaticKind::ShiftEnd => {
                // a shift extended by a policy ends at its own dynamic event
                if self.ws.agents[a as usize].shift_end <= t {
                    self.on_shift_end(a, t);
                }
            }
            StaticKind::BreakStart => self.on_break_due(a, b, t),
        }
    }

    /// Puts agent `a` of group `g` on duty and lets it look for work.
    fn come_on_duty(&mut self, a: u32, g: usize, t: f64) {
        self.ws.agent_group[a as usize] = g as u16;
        self.touch_group(g, t);
        let gs = &mut self.ws.groups[g];
        gs.on_duty += 1;
        gs.available += 1;
        self.ws.agents[a as usize].state = AgentState::Idle;
        self.seek_work(a, g, t);
    }

    /// Takes agent `a` (idle or on break, not busy) off duty.
    fn go_off(&mut self, a: u32, g: usize, t: f64) {
        self.touch_group(g, t);
        if self.m.agent_group[a as usize] as usize != g {
            self.ws.groups[g].guests -= 1; // a moved-in agent leaves
        }
        let agent = &mut self.ws.agents[a as usize];
        let gs = &mut self.ws.groups[g];
        if agent.state != AgentState::Break {
            gs.available -= 1;
        }
        gs.on_duty -= 1;
        agent.state = AgentState::Off;
        agent.pending_breaks = 0;
        agent.break_due = 0.0;
        agent.break_len = 0.0;
        agent.pending_leave = false;
        self.ws.last_agent_t = t;
    }

    /// Staffing-curve level change: start agents at once, or send idle agents home at once.
    fn set_level(&mut self, g: usize, level: u32, t: f64) {
        let gm = &self.m.groups[g];
        // Level L schedules pool agents 0..L; absent ones among them do not come.
        let first = gm.first_agent as usize;
        let planned = (0..level.min(gm.pool) as usize).filter(|&k| self.ws.agents[first + k].present).count() as u32;
        self.ws.groups[g].planned = planned;
        let effective = self.curve_target(g);
        let mut k = 0usize;
        while self.ws.groups[g].on_duty < effective && k < gm.pool as usize {
            let a = first + k;
            let agent = &self.ws.agents[a];
            // agents moved to another group or sent home by a policy stay away today
            if agent.present
                && !agent.sent_home
                && agent.state == AgentState::Off
                && self.ws.agent_group[a] as usize == g
            {
                self.come_on_duty(a as u32, g, t);
            }
            k += 1;
        }
        // the curve sends its own agents home, never agents a policy moved in
        while self.ws.groups[g].on_duty > self.curve_target(g) {
            let Some(a) = self.pop_idle_own(g) else { break };
            self.go_off(a, g, t);
        }
    }

    /// Removes and returns the longest-idle agent of group `g` whose home group is `g`.
    fn pop_idle_own(&mut self, g: usize) -> Option<u32> {
        let ws = &mut *self.ws;
        let idle = &mut ws.groups[g].idle;
        let mut k = 0;
        while k < idle.len() {
            let (a, tok) = idle[k];
            let agent = &ws.agents[a as usize];
            if agent.state != AgentState::Idle || agent.token != tok {
                idle.remove(k); // stale
                continue;
            }
            if self.m.agent_group[a as usize] as usize == g {
                idle.remove(k);
                return Some(a);
            }
            k += 1;
        }
        None
    }

    /// Agents a curve group should have on duty: the curve's present agents, less those a policy
    /// moved away or sent home, plus those it moved in. A move or a send-home thus changes the
    /// group's staffing relative to its plan for the rest of the day.
    fn curve_target(&self, g: usize) -> u32 {
        let gs = &self.ws.groups[g];
        gs.planned.saturating_sub(gs.out + gs.home) + gs.guests
    }

    /// Front of group `g`'s idle FIFO (longest idle), skipping stale entries; does not remove it.
    #[inline]
    fn peek_idle(&mut self, g: usize) -> Option<u32> {
        let ws = &mut *self.ws;
        let idle = &mut ws.groups[g].idle;
        while let Some(&(a, tok)) = idle.front() {
            let agent = &ws.agents[a as usize];
            if agent.state == AgentState::Idle && agent.token == tok {
                return Some(a);
            }
            idle.pop_front();
        }
        None
    }

    fn pop_idle(&mut self, g: usize) -> Option<u32> {
        let a = self.peek_idle(g)?;
        self.ws.groups[g].idle.pop_front();
        Some(a)
    }

    /// Front of queue `q` (oldest waiting call), skipping calls that already left.
    #[inline]
    fn front_call(&mut self, q: usize) -> Option<u32> {
        let ws = &mut *self.ws;
        let dq = &mut ws.queues[q].waiting;
        while let Some(&c) = dq.front() {
            if ws.calls[c as usize].state == CallState::Waiting {
                return Some(c);
            }
            dq.pop_front();
            ws.calls[c as usize].generation += 1;
            ws.free_calls.push(c);
        }
        None
    }

    /// The call a free agent of group `g` would take by the built-in rules: the best tier, then
    /// the longest wait; overflow queues show only calls waiting at least the overflow delay.
    fn find_call(&mut self, g: usize, t: f64) -> Option<u32> {
        let mut best: Option<(u32, u64, f64)> = None; // (call, tier, arrival)
        for k in 0..self.ws.rt.scan[g].len() {
            let e = self.ws.rt.scan[g][k];
            if let Some((_, tier, _)) = best
                && e.tier > tier
            {
                break;
            }
            let q = e.queue as usize;
            if self.ws.queues[q].n_waiting == 0 {
                continue;
            }
            let Some(c) = self.front_call(q) else {
                continue;
            };
            let arr = self.ws.calls[c as usize].arrival_t;
            if e.overflow && t - arr < self.ws.rt.overflow_after_s[q] {
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
    fn choose_call(&mut self, a: u32, g: usize, t: f64) -> Option<u32> {
        let c = self.find_call(g, t)?;
        if !self.hooks.select_call {
            return Some(c);
        }
        let q = self.call_hook(Hook::SelectCall(g, a), t)?;
        let Some(e) = self.ws.rt.scan[g].iter().find(|e| e.queue as usize == q).copied() else {
            self.fail(
                Hook::SelectCall(g, a),
                t,
                format!(
                    "select_call chose queue `{}`, which group `{}` does not serve",
                    self.m.queue_ids[q], self.m.group_ids[g]
                ),
            );
            return None;
        };
        let c = self.front_call(q)?;
        let visible = !e.overflow || t - self.ws.calls[c as usize].arrival_t >= self.ws.rt.overflow_after_s[q];
        visible.then_some(c)
    }

    /// A free agent (after a call, a break, or coming on duty) looks for a call, then for a
    /// callback, else waits idle.
    fn seek_work(&mut self, a: u32, g: usize, t: f64) {
        if let Some(c) = self.choose_call(a, g, t) {
            self.take_waiting(c, t);
            self.serve(c, a, g, t);
            return;
        }
        if self.ws.n_callbacks > 0 && self.make_callback(a, g, t) {
            return;
        }
        let agent = &mut self.ws.agents[a as usize];
        agent.state = AgentState::Idle;
        agent.idle_since = t;
        agent.token = agent.token.wrapping_add(1);
        let tok = agent.token;
        self.ws.groups[g].idle.push_back((a, tok));
    }

    #[cold]
    #[inline(never)]
    /// Agent `a` of group `g` makes the oldest pending callback of the first queue it has the
    /// skill for (in scan order), if any.
    fn make_callback(&mut self, a: u32, g: usize, t: f64) -> bool {
        for k in 0..self.ws.rt.scan[g].len() {
            let e = self.ws.rt.scan[g][k];
            if e.overflow {
                continue;
            }
            let q = e.queue as usize;
            if let Some(cb) = self.ws.queues[q].callbacks.pop_front() {
                self.ws.n_callbacks -= 1;
                let nq = self.m.queues.len();
                let cell = &mut self.f.queues[cb.interval as usize * nq + q];
                cell.callbacks_made += 1.0;
                cell.callback_delay_s += t - cb.accepted_t;
                self.book_answer(q, cb.interval as usize, cb.wait_s);
                self.start_work(a, g, q, cb.work_s, t);
                return true;
            }
        }
        false
    }

    /// Removes waiting call `c` from its queue's count (its slot is freed when the deque drops it).
    fn take_waiting(&mut self, c: u32, t: f64) {
        let q = self.ws.calls[c as usize].queue as usize;
        self.touch_queue(q, t);
        self.ws.queues[q].n_waiting -= 1;
        self.ws.calls[c as usize].state = CallState::Gone;
        if self.ws.queues[q].wait_above {
            // the oldest wait falls back below the watched threshold when the new front is younger
            let thr = self.ws.queues[q].watch_wait_s;
            let below = self.front_call(q).is_none_or(|f| t - self.ws.calls[f as usize].arrival_t < thr);
            if below {
                self.ws.queues[q].wait_above = false;
            }
        }
    }

    /// Agent `a` of group `g` answers waiting call `c` at `t`.
    fn serve(&mut self, c: u32, a: u32, g: usize, t: f64) {
        let call = self.ws.calls[c as usize];
        self.answer(&call, a, g, t);
    }

    /// Agent `a` of group `g` answers `call` at `t`: the call's facts are complete here.
    fn answer(&mut self, call: &Call, a: u32, g: usize, t: f64) {
        let q = call.queue as usize;
        self.book_answer(q, call.interval as usize, t - call.arrival_t);
        self.start_work(a, g, q, call.work_s, t);
    }

    /// Counts a call of queue `q` that arrived in global interval `interval` as answered after
    /// waiting `wait` seconds.
    fn book_answer(&mut self, q: usize, interval: usize, wait: f64) {
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

    /// Agent `a` of group `g` starts `work_s` seconds (at speed 1) of work on a call of queue `q`.
    fn start_work(&mut self, a: u32, g: usize, q: usize, work_s: f64, t: f64) {
        let work = work_s * self.m.groups[g].time_factor;
        self.touch_group(g, t);
        self.ws.groups[g].busy += 1;
        let agent = &mut self.ws.agents[a as usize];
        agent.state = AgentState::Busy;
        agent.queue = q as u16;
        agent.busy_since = t;
        self.push(t + work, Kind::AgentFree, a, 0);
    }

    /// A new call (first attempt or retrial) arrives at queue `q`.
    fn arrive(&mut self, q: usize, t: f64, retrial: bool) {
        let m = self.m;
        let qm = &m.queues[q];
        let Some(cur) = self.ws.cur else { return };
        let nq = m.queues.len();
        {
            let cell = &mut self.f.queues[cur * nq + q];
            cell.offered += 1.0;
            if retrial {
                cell.retrials += 1.0;
            }
        }
        // Call attributes: each purpose has its own stream; retried calls draw from the retrial
        // stream so that first attempts stay in step across scenarios (common random numbers).
        let ws = &mut *self.ws;
        let opt = |s: &Option<crate::dist::Sampler>, r: &mut Rng, none: f64| s.as_ref().map_or(none, |s| s.sample(r));
        let (work_s, patience_s) = if retrial {
            let r = &mut ws.rng_retrial[q];
            let h = qm.handle.sample(r);
            (h + opt(&qm.wrap, r, 0.0), opt(&qm.patience, r, f64::INFINITY))
        } else {
            let h = qm.handle.sample(&mut ws.rng_handle[q]);
            (h + opt(&qm.wrap, &mut ws.rng_wrap[q], 0.0), opt(&qm.patience, &mut ws.rng_patience[q], f64::INFINITY))
        };
        let call = Call {
            arrival_t: t,
            work_s,
            interval: cur as u32,
            queue: q as u16,
            generation: 0,
            state: CallState::Waiting,
        };
        if !self.ws.queues[q].open {
            // blocked after its attributes were drawn, so that the streams stay in step with a
            // run where the queue is open (common random numbers)
            self.f.queues[cur * nq + q].blocked += 1.0;
            return;
        }
        let chosen = if self.hooks.select_agent { self.hook_select_agent(q, t) } else { self.select_agent(q) };
        if let Some((a, g)) = chosen {
            self.answer(&call, a, g, t);
            return;
        }
        if self.ws.queues[q].cb_wait_s.is_finite() && self.accepts_callback(q) {
            self.f.queues[cur * nq + q].callbacks += 1.0;
            let cb = Callback { wait_s: 0.0, accepted_t: t, work_s, interval: cur as u32 };
            self.ws.queues[q].callbacks.push_back(cb);
            self.ws.n_callbacks += 1;
            return;
        }
        // Wait.
        let c = match self.ws.free_calls.pop() {
            Some(c) => {
                let gen_ = self.ws.calls[c as usize].generation;
                self.ws.calls[c as usize] = Call { generation: gen_, ..call };
                c
            }
            None => {
                self.ws.calls.push(call);
                (self.ws.calls.len() - 1) as u32
            }
        };
        let gen_ = self.ws.calls[c as usize].generation;
        self.touch_queue(q, t);
        let qs = &mut self.ws.queues[q];
        qs.n_waiting += 1;
        qs.waiting.push_back(c);
        if patience_s.is_finite() {
            self.push(t + patience_s, Kind::Abandon, c, gen_);
        }
        let overflow_after_s = self.ws.rt.overflow_after_s[q];
        if overflow_after_s < patience_s {
            self.push(t + overflow_after_s, Kind::Overflow, c, gen_);
        }
        let qs = &self.ws.queues[q];
        let (watch_wait_s, fire) = (qs.watch_wait_s, qs.watch_n != 0 && qs.n_waiting == qs.watch_n);
        if watch_wait_s < patience_s {
            self.push(t + watch_wait_s, Kind::WatchWait, c, gen_);
        }
        if fire && self.hooks.queue {
            self.call_hook(Hook::Queue(q), t);
        }
    }

    #[cold]
    #[inline(never)]
    /// Whether a new call of queue `q` that must wait is offered a callback (its estimated wait
    /// exceeds the threshold) and accepts it. The estimate is (calls ahead + 1) × mean work ÷
    /// available agents with the skill.
    fn accepts_callback(&mut self, q: usize) -> bool {
        let qs = &self.ws.queues[q];
        let agents: u32 = self.ws.rt.selection[q].iter().map(|&g| self.ws.groups[g as usize].available).sum();
        let ewt = f64::from(qs.n_waiting + 1) * self.m.queues[q].mean_work_s / f64::from(agents.max(1));
        if ewt <= qs.cb_wait_s {
            return false;
        }
        let p = qs.cb_accept;
        self.ws.rng_policy[q].random::<f64>() < p
    }

    #[cold]
    #[inline(never)]
    /// `select_agent`: asked only when some agent with the skill is idle.
    fn hook_select_agent(&mut self, q: usize, t: f64) -> Option<(u32, usize)> {
        let n = self.ws.rt.selection[q].len();
        if !(0..n).any(|k| self.peek_idle(self.ws.rt.selection[q][k] as usize).is_some()) {
            return None;
        }
        let g = self.call_hook(Hook::SelectAgent(q), t)?;
        if !self.ws.rt.selection[q].contains(&(g as u16)) {
            let msg = format!(
                "select_agent chose group `{}`, which lacks the skill for `{}`",
                self.m.group_ids[g], self.m.queue_ids[q]
            );
            self.fail(Hook::SelectAgent(q), t, msg);
            return None;
        }
        let a = self.pop_idle(g)?;
        Some((a, g))
    }

    /// Chooses an idle agent for a new call of queue `q`, removing it from its idle list:
    /// longest idle across eligible groups, or the first group (fewest skills) with an idle agent.
    fn select_agent(&mut self, q: usize) -> Option<(u32, usize)> {
        let m = self.m;
        let mut best: Option<(u32, usize, f64)> = None;
        for k in 0..self.ws.rt.selection[q].len() {
            let g = self.ws.rt.selection[q][k] as usize;
            if let Some(a) = self.peek_idle(g) {
                let since = self.ws.agents[a as usize].idle_since;
                if best.is_none_or(|(_, _, b)| since < b) {
                    best = Some((a, g, since));
                }
                if m.routing.least_skilled {
                    break;
                }
            }
        }
        let (a, g, _) = best?;
        self.ws.groups[g].idle.pop_front();
        Some((a, g))
    }

    fn on_agent_free(&mut self, a: u32, t: f64) {
        let g = self.ws.agent_group[a as usize] as usize;
        self.touch_group(g, t);
        self.ws.groups[g].busy -= 1;
        self.book_busy(a, g, t);
        self.ws.last_agent_t = t;
        let agent = self.ws.agents[a as usize];
        if agent.pending_leave {
            let cell = self.time_cell();
            self.f.groups[cell * self.f.n_groups + g].late_exit_s += t - agent.leave_due;
            self.take_pending_breaks(a, g, t); // breaks missed for the call are reported as late
            self.ws.agents[a as usize].state = AgentState::Idle; // not in the idle list: token unchanged
            self.go_off(a, g, t);
            return;
        }
        if agent.pending_breaks > 0 {
            let len = self.take_pending_breaks(a, g, t);
            self.start_break(a, g, len, t);
            return;
        }
        if matches!(self.m.groups[g].staffing, StaffingModel::Curve(_))
            && self.ws.groups[g].on_duty > self.curve_target(g)
            && self.m.agent_group[a as usize] as usize == g
        {
            self.ws.agents[a as usize].state = AgentState::Idle;
            self.go_off(a, g, t);
            return;
        }
        self.seek_work(a, g, t);
    }

    /// Books the busy time of agent `a`'s finished call on its queue, split over the intervals
    /// it spans (up to the close), for sharing the group's cost among queues.
    fn book_busy(&mut self, a: u32, g: usize, t: f64) {
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

    fn start_break(&mut self, a: u32, g: usize, len: f64, t: f64) {
        self.touch_group(g, t);
        self.ws.groups[g].available -= 1;
        let agent = &mut self.ws.agents[a as usize];
        agent.state = AgentState::Break;
        self.push(t + len, Kind::BreakEnd, a, 0);
    }

    /// Records the lateness of agent `a`'s pending breaks at `t`, clears them and returns their
    /// total length (they are taken back to back).
    fn take_pending_breaks(&mut self, a: u32, g: usize, t: f64) -> f64 {
        let agent = &mut self.ws.agents[a as usize];
        let (n, due, len) = (agent.pending_breaks, agent.break_due, agent.break_len);
        agent.pending_breaks = 0;
        agent.break_due = 0.0;
        agent.break_len = 0.0;
        if n > 0 {
            let cell = self.time_cell();
            self.f.groups[cell * self.f.n_groups + g].late_break_s += f64::from(n) * t - due;
        }
        len
    }

    /// Break `b` of agent `a` falls due at `t`: at its scheduled start, or at the end of a hold.
    /// A held break is counted once, when it finally falls due: cancelled when the hold outlasted
    /// the agent's shift (the break is never taken), postponed by `t − start` when the agent is on
    /// duty; not counted when the agent left for another reason (sent home), as without a hold.
    fn on_break_due(&mut self, a: u32, b: u32, t: f64) {
        let g = self.ws.agent_group[a as usize] as usize;
        let (start, len) = self.m.agent_shift[a as usize].as_ref().map_or((t, 0.0), |s| s.breaks[b as usize]);
        let off = self.ws.agents[a as usize].state == AgentState::Off;
        if !off {
            let gs = &self.ws.groups[g];
            if t < gs.cancel_until {
                self.f.policy.breaks_cancelled += 1.0;
                self.f.policy.cancelled_break_s += len;
                return;
            }
            if t < gs.hold_until {
                self.push(gs.hold_until, Kind::BreakDue, a, b);
                return;
            }
        }
        if t > start {
            if t >= self.ws.agents[a as usize].shift_end {
                // off, or busy on a last call before leaving: the break is not taken
                self.f.policy.breaks_cancelled += 1.0;
                self.f.policy.cancelled_break_s += len;
                return;
            }
            if !off {
                self.f.policy.breaks_postponed += 1.0;
                self.f.policy.postponed_s += t - start;
            }
        }
        let agent = &mut self.ws.agents[a as usize];
        match agent.state {
            AgentState::Off => {}
            AgentState::Idle => self.start_break(a, g, len, t),
            AgentState::Busy | AgentState::Break => {
                agent.pending_breaks += 1;
                agent.break_due += t;
                agent.break_len += len;
            }
        }
    }

    fn on_break_end(&mut self, a: u32, t: f64) {
        let g = self.ws.agent_group[a as usize] as usize;
        let agent = self.ws.agents[a as usize];
        if agent.state != AgentState::Break {
            return;
        }
        if agent.pending_breaks > 0 {
            // later breaks fell due during this one: they follow now, late
            let len = self.take_pending_breaks(a, g, t);
            self.push(t + len, Kind::BreakEnd, a, 0);
            return;
        }
        self.touch_group(g, t);
        self.ws.groups[g].available += 1;
        self.ws.agents[a as usize].state = AgentState::Idle;
        self.seek_work(a, g, t);
    }

    fn on_shift_end(&mut self, a: u32, t: f64) {
        let g = self.ws.agent_group[a as usize] as usize;
        let agent = &mut self.ws.agents[a as usize];
        match agent.state {
            AgentState::Off => {}
            AgentState::Idle | AgentState::Break => {
                self.take_pending_breaks(a, g, t);
                self.go_off(a, g, t);
            }
            AgentState::Busy => {
                agent.pending_leave = true;
                agent.leave_due = t;
            }
        }
    }

    fn on_abandon(&mut self, c: u32, generation: u32, t: f64) {
        let call = self.ws.calls[c as usize];
        if call.generation != generation || call.state != CallState::Waiting {
            return;
        }
        let m = self.m;
        let q = call.queue as usize;
        self.take_waiting(c, t);
        let wait = t - call.arrival_t;
        let cell = &mut self.f.queues[call.interval as usize * m.queues.len() + q];
        cell.abandoned += 1.0;
        cell.waited += 1.0;
        cell.wait_all_s += wait;
        if wait <= m.queues[q].sl_threshold_s {
            cell.abandoned_within += 1.0;
        }
        if wait > cell.max_wait_s {
            cell.max_wait_s = wait;
        }
        if let Some((p, delay)) = &m.queues[q].retrial {
            let rng = &mut self.ws.rng_retrial[q];
            if rng.random::<f64>() < *p {
                let d = delay.sample(rng);
                // the interval the call arrived in, to count the retrial if it falls after the close
                self.push(t + d, Kind::Retrial, q as u32, call.interval);
            }
        }
    }

    fn on_overflow(&mut self, c: u32, generation: u32, t: f64) {
        let call = self.ws.calls[c as usize];
        if call.generation != generation || call.state != CallState::Waiting {
            return;
        }
        let q = call.queue as usize;
        if t < call.arrival_t + self.ws.rt.overflow_after_s[q] {
            return; // a policy lengthened the delay since this event was scheduled
        }
        // An idle overflow agent can exist only if no older overflowed call waits (it would
        // have taken it), so this call is the right one to serve.
        let mut best: Option<(u32, usize, f64)> = None;
        for k in 0..self.ws.rt.overflow[q].len() {
            let g = self.ws.rt.overflow[q][k] as usize;
            if let Some(a) = self.peek_idle(g) {
                let since = self.ws.agents[a as usize].idle_since;
                if best.is_none_or(|(_, _, b)| since < b) {
                    best = Some((a, g, since));
                }
            }
        }
        if let Some((a, g, _)) = best {
            self.ws.groups[g].idle.pop_front();
            self.take_waiting(c, t);
            self.serve(c, a, g, t);
        }
    }

    // ---- policies ------------------------------------------------------------------------

    #[cold]
    #[inline(never)]
    fn on_tick(&mut self, t: f64) {
        if self.ws.cur.is_none() {
            return;
        }
        self.call_hook(Hook::Tick, t);
        if let Some(tick) = self.tick_s
            && t + tick < self.m.day_s
        {
            self.push(t + tick, Kind::Tick, 0, 0);
        }
    }

    #[cold]
    #[inline(never)]
    /// Call `c` reaches the watched oldest-wait threshold: `on_queue`, once per upward crossing.
    fn on_watch_wait(&mut self, c: u32, generation: u32, t: f64) {
        let call = self.ws.calls[c as usize];
        if call.generation != generation || call.state != CallState::Waiting {
            return;
        }
        let q = call.queue as usize;
        let qs = &mut self.ws.queues[q];
        if qs.wait_above || t < call.arrival_t + qs.watch_wait_s {
            return;
        }
        qs.wait_above = true;
        if self.hooks.queue {
            self.call_hook(Hook::Queue(q), t);
        }
    }

    /// Marks in the facts which groups can take which queues' calls in interval `global` (skill
    /// or overflow), as the routing stands now.
    fn mark_serving(&mut self, global: usize) {
        let (ng, nq) = (self.f.n_groups, self.f.n_queues);
        let rt = &self.ws.rt;
        let cells = &mut self.f.serves[global * ng * nq..(global + 1) * ng * nq];
        for q in 0..nq {
            for &g in rt.selection[q].iter().chain(&rt.overflow[q]) {
                cells[g as usize * nq + q] = true;
            }
        }
    }

    /// Records the first policy failure; the day stops at the next event.
    fn fail(&mut self, hook: Hook, t: f64, message: String) {
        if self.err.is_none() {
            let clock_s = self.m.start_s + t;
            self.err = Some(PolicyError { hook: hook.name(), day: self.ws.day, clock_s, message });
        }
    }

    #[cold]
    #[inline(never)]
    /// Today's facts of the intervals before `global`, per queue (for the day-so-far view).
    fn sum_closed_intervals(&mut self, global: usize) {
        for q in 0..self.m.queues.len() {
            self.ws.day_base[q] = self.closed_intervals(q, global);
        }
    }

    /// Queue `q`'s facts summed over today's intervals before `global`.
    fn closed_intervals(&self, q: usize, global: usize) -> QueueFacts {
        let nq = self.m.queues.len();
        let mut sum = QueueFacts::default();
        for i in self.ws.day * self.m.intervals_per_day..global {
            sum.add(&self.f.queues[i * nq + q]);
        }
        sum
    }

    #[cold]
    #[inline(never)]
    /// Rebuilds the policy's view of the live state at `t`.
    /// `exact_day`: sum today's intervals now (every answer so far counts); otherwise use the
    /// sum taken at the last boundary plus the current interval (cheap, for per-call hooks).
    fn snapshot(&mut self, t: f64, exact_day: bool) {
        let m = self.m;
        let nq = m.queues.len();
        let n = m.intervals_per_day;
        let cur = self.ws.cur.unwrap_or((self.ws.day + 1) * n - 1);
        self.ws.snap.t = t;
        self.ws.snap.day = self.ws.day;
        self.ws.snap.interval = cur - self.ws.day * n;
        self.ws.snap.queues.resize(nq, Default::default());
        self.ws.snap.groups.resize(m.groups.len(), Default::default());
        for q in 0..nq {
            let oldest = self.front_call(q).map_or(0.0, |c| t - self.ws.calls[c as usize].arrival_t);
            let cell = self.f.queues[cur * nq + q];
            let mut day = match (self.reads_day, exact_day) {
                (false, _) => QueueFacts::default(),
                (true, true) => self.closed_intervals(q, cur),
                (true, false) => self.ws.day_base[q],
            };
            if self.reads_day {
                day.add(&cell);
            }
            let qs = &self.ws.queues[q];
            let live = &mut self.ws.snap.queues[q];
            live.waiting = qs.n_waiting;
            live.oldest_wait_s = oldest;
            live.open = qs.open;
            live.callbacks_pending = qs.callbacks.len() as u32;
            live.interval = cell;
            live.day = day;
        }
        for (g, gs) in self.ws.groups.iter().enumerate() {
            let live = &mut self.ws.snap.groups[g];
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
    fn call_hook(&mut self, hook: Hook, t: f64) -> Option<usize> {
        if self.err.is_some() {
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
        self.f.policy.hook_calls += 1.0;
        let mut out = std::mem::take(&mut self.ws.actions);
        out.clear();
        let snap = &self.ws.snap;
        let r = match hook {
            Hook::Interval => self.p.on_interval(snap, &mut out).map(|()| None),
            Hook::Tick => self.p.on_tick(snap, &mut out).map(|()| None),
            Hook::Queue(q) => self.p.on_queue(snap, q, &mut out).map(|()| None),
            Hook::SelectAgent(q) => self.p.select_agent(snap, q, &mut out),
            Hook::SelectCall(g, a) => self.p.select_call(snap, g, a, &mut out),
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
            if self.err.is_some() {
                break;
            }
            if let Err(message) = self.apply(action, t) {
                self.fail(hook, t, message);
            }
        }
        self.depth -= 1;
        self.ws.actions = out;
        chosen
    }

    #[cold]
    #[inline(never)]
    /// Applies one policy action at `t` and counts it.
    fn apply(&mut self, action: Action, t: f64) -> Result<(), String> {
        let (m, nq) = (self.m, self.m.queues.len());
        self.f.policy.actions[action.kind()] += 1.0;
        match action {
            Action::MoveAgents { from, to, n } => {
                if from == to {
                    return Ok(());
                }
                for _ in 0..n {
                    let Some(a) = self.pop_idle(from) else { break };
                    self.touch_group(from, t);
                    self.touch_group(to, t);
                    let gf = &mut self.ws.groups[from];
                    gf.on_duty -= 1;
                    gf.available -= 1;
                    let gt = &mut self.ws.groups[to];
                    gt.on_duty += 1;
                    gt.available += 1;
                    self.ws.agent_group[a as usize] = to as u16;
                    let home = m.agent_group[a as usize] as usize;
                    if home == from {
                        self.ws.groups[from].out += 1;
                    } else {
                        self.ws.groups[from].guests -= 1;
                    }
                    if home == to {
                        self.ws.groups[to].out -= 1;
                    } else {
                        self.ws.groups[to].guests += 1;
                    }
                    self.f.policy.agents_moved += 1.0;
                    self.seek_work(a, to, t);
                }
            }
            Action::SetSkill { group, queue, on } => {
                let pref = m.routing.skill_pref[group * nq + queue].unwrap_or(1);
                if self.ws.rt.skill_pref[group * nq + queue] == on.then_some(pref) {
                    return Ok(()); // nothing changes: no redispatch (which could ask select_call again)
                }
                self.ws.rt.skill_pref[group * nq + queue] = on.then_some(pref);
                self.ws.rt.rebuild();
                if let Some(cur) = self.ws.cur {
                    self.mark_serving(cur);
                }
                self.redispatch(t);
            }
            Action::PostponeBreaks { group, for_s } => {
                let gs = &mut self.ws.groups[group];
                gs.hold_until = gs.hold_until.max(t + for_s);
            }
            Action::CancelBreaks { group, for_s } => {
                let gs = &mut self.ws.groups[group];
                gs.cancel_until = gs.cancel_until.max(t + for_s);
            }
            Action::ExtendShifts { group, n, by_s } => {
                if !matches!(m.groups[group].staffing, StaffingModel::Shifts) {
                    return Err(format!(
                        "extend_shifts: group `{}` is not staffed by shifts (nothing to extend)",
                        m.group_ids[group]
                    ));
                }
                let mut cand = std::mem::take(&mut self.ws.scratch);
                cand.clear();
                for (a, agent) in self.ws.agents.iter().enumerate() {
                    if self.ws.agent_group[a] as usize == group
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
                    self.ws.agents[a as usize].shift_end = new_end;
                    self.push(new_end, Kind::ShiftEnd, a, 0);
                    let cost = by_s * m.groups[group].cost_per_s;
                    self.f.policy.overtime_s += by_s;
                    self.f.policy.overtime_cost += cost;
                    let ot = &mut self.ws.agent_overtime[a as usize];
                    *ot = (ot.0 + by_s, ot.1 + cost);
                }
                self.ws.scratch = cand;
            }
            Action::SendHome { group, n } => {
                for _ in 0..n {
                    let Some(a) = self.pop_idle(group) else { break };
                    let agent = &mut self.ws.agents[a as usize];
                    agent.sent_home = true;
                    let end = if agent.shift_end.is_finite() { agent.shift_end } else { m.day_s };
                    // overtime granted and not yet worked is not worked at all: it leaves the
                    // overtime counts, and the hours sent home are the scheduled ones
                    let (ot_s, ot_cost) = self.ws.agent_overtime[a as usize];
                    let unworked = (end - t).clamp(0.0, ot_s);
                    if unworked > 0.0 {
                        let refund = ot_cost * unworked / ot_s;
                        self.f.policy.overtime_s -= unworked;
                        self.f.policy.overtime_cost -= refund;
                        self.ws.agent_overtime[a as usize] = (ot_s - unworked, ot_cost - refund);
                    }
                    self.f.policy.sent_home += 1.0;
                    self.f.policy.sent_home_s += (end - t - unworked).max(0.0);
                    if m.agent_group[a as usize] as usize == group {
                        self.ws.groups[group].home += 1; // (a guest is counted off by go_off)
                    }
                    self.go_off(a, group, t);
                }
            }
            Action::SetOpen { queue, open } => self.ws.queues[queue].open = open,
            Action::OfferCallbacks { queue, max_wait_s, acceptance } => {
                let qs = &mut self.ws.queues[queue];
                qs.cb_wait_s = max_wait_s;
                qs.cb_accept = acceptance;
            }
            Action::SetPriority { queue, priority } => {
                self.ws.rt.priority[queue] = priority;
                self.ws.rt.rebuild();
            }
            Action::SetOverflow { queue, groups, after_s } => {
                let rt = &mut self.ws.rt;
                rt.overflow_cfg[queue].clear();
                rt.overflow_cfg[queue].extend(groups.iter().map(|&g| g as u16));
                rt.overflow_after_s[queue] = if groups.is_empty() { f64::INFINITY } else { after_s };
                rt.rebuild();
                if let Some(cur) = self.ws.cur {
                    self.mark_serving(cur);
                }
                // calls already waiting overflow when their own delay is up (now, if it is)
                if !groups.is_empty() {
                    for k in 0..self.ws.queues[queue].waiting.len() {
                        let c = self.ws.queues[queue].waiting[k];
                        let call = self.ws.calls[c as usize];
                        if call.state == CallState::Waiting {
                            self.push(t.max(call.arrival_t + after_s), Kind::Overflow, c, call.generation);
                        }
                    }
                }
            }
            Action::WatchWaiting { queue, n } => self.ws.queues[queue].watch_n = n,
            Action::WatchOldestWait { queue, wait_s } => {
                self.ws.queues[queue].watch_wait_s = wait_s;
                self.ws.queues[queue].wait_above = false;
                if wait_s.is_finite() {
                    for k in 0..self.ws.queues[queue].waiting.len() {
                        let c = self.ws.queues[queue].waiting[k];
                        let call = self.ws.calls[c as usize];
                        if call.state == CallState::Waiting {
                            self.push(t.max(call.arrival_t + wait_s), Kind::WatchWait, c, call.generation);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    /// After a routing change: idle agents take calls that have become visible to them.
    fn redispatch(&mut self, t: f64) {
        for g in 0..self.m.groups.len() {
            while self.err.is_none() {
                let Some(a) = self.peek_idle(g) else { break };
                match self.choose_call(a, g, t) {
                    Some(c) => {
                        // select_call's actions may have moved or sent home this agent, or
                        // served the call: check both again
                        if self.peek_idle(g) != Some(a) || self.ws.calls[c as usize].state != CallState::Waiting {
                            continue;
                        }
                        self.ws.groups[g].idle.pop_front();
                        self.take_waiting(c, t);
                        self.serve(c, a, g, t);
                    }
                    None => {
                        if self.ws.n_callbacks == 0 || self.peek_idle(g) != Some(a) {
                            break;
                        }
                        self.ws.groups[g].idle.pop_front();
                        if !self.make_callback(a, g, t) {
                            // nothing for this group: back to the front of the idle list
                            let tok = self.ws.agents[a as usize].token;
                            self.ws.groups[g].idle.push_front((a, tok));
                            break;
                        }
                    }
                }
            }
        }
    }
}
