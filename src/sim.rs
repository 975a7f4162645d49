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

use crate::facts::ReplicationFacts;
use crate::model::{Model, StaffingModel, StaticKind};
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
    /// Curve groups: the effective level (present agents scheduled now).
    level: u32,
    last_t: f64,
    idle: VecDeque<(u32, u32)>,
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
    /// Global interval index currently open for statistics, or `None` after closing.
    cur: Option<usize>,
    day: usize,
    /// Last time an agent finished a call or went off duty: the end of unserved calls' waits.
    last_agent_t: f64,
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
            cur: None,
            day: 0,
            last_agent_t: 0.0,
        }
    }
}

/// Simulates replication `rep` of `model` (all its days), writing into `facts` (cleared first).
///
/// Deterministic: the result depends only on the model, the model's seed and `rep`.
pub fn run_replication(model: &Model, rep: u32, ws: &mut Workspace, facts: &mut ReplicationFacts) {
    facts.clear();
    let seed = model.seed;
    for q in 0..model.queues.len() {
        ws.rng_arrival[q] = stream(seed, rep, Purpose::Arrivals, q);
        ws.rng_handle[q] = stream(seed, rep, Purpose::Handle, q);
        ws.rng_wrap[q] = stream(seed, rep, Purpose::Wrap, q);
        ws.rng_patience[q] = stream(seed, rep, Purpose::Patience, q);
        ws.rng_retrial[q] = stream(seed, rep, Purpose::Retrial, q);
        ws.rng_busyness[q] = stream(seed, rep, Purpose::Busyness, q);
    }
    for g in 0..model.groups.len() {
        ws.rng_absence[g] = stream(seed, rep, Purpose::Absence, g);
    }
    for day in 0..model.days {
        let mut sim = Sim { m: model, ws: &mut *ws, f: &mut *facts };
        sim.run_day(day);
    }
}

struct Sim<'a> {
    m: &'a Model,
    ws: &'a mut Workspace,
    f: &'a mut ReplicationFacts,
}

/// Draws a Gamma factor with mean 1 and coefficient of variation `cv` (1 when cv = 0).
fn busyness_factor(cv: f64, rng: &mut Rng) -> f64 {
    if cv <= 0.0 {
        return 1.0;
    }
    let shape = 1.0 / (cv * cv);
    Gamma::new(shape, 1.0 / shape).map_or(1.0, |g| g.sample(rng))
}

impl Sim<'_> {
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

        let mut ti = 0;
        loop {
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
                ti += 1;
                self.on_static(e.kind, e.a, e.b, e.t);
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
                        }
                    }
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
        for a in &mut ws.agents {
            let present = a.present;
            *a = NEW_AGENT;
            a.present = present;
        }
        for g in &mut ws.groups {
            g.on_duty = 0;
            g.available = 0;
            g.busy = 0;
            g.level = 0;
            g.last_t = 0.0;
            g.idle.clear();
        }
        for q in &mut ws.queues {
            q.waiting.clear();
            q.n_waiting = 0;
            q.last_t = 0.0;
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
                for g in 0..self.m.groups.len() {
                    if let StaffingModel::Curve(levels) = &self.m.groups[g].staffing {
                        self.set_level(g, levels[global], t);
                    }
                }
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
                let g = self.m.agent_group[a as usize] as usize;
                if self.ws.agents[a as usize].present {
                    self.come_on_duty(a, g, t);
                }
            }
            StaticKind::ShiftEnd => self.on_shift_end(a, t),
            StaticKind::BreakStart => self.on_break_due(a, b, t),
        }
    }

    /// Puts agent `a` of group `g` on duty and lets it look for work.
    fn come_on_duty(&mut self, a: u32, g: usize, t: f64) {
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
        let effective = (0..level.min(gm.pool) as usize).filter(|&k| self.ws.agents[first + k].present).count() as u32;
        self.ws.groups[g].level = effective;
        let mut k = 0usize;
        while self.ws.groups[g].on_duty < effective && k < gm.pool as usize {
            let a = first + k;
            let agent = &self.ws.agents[a];
            if agent.present && agent.state == AgentState::Off {
                self.come_on_duty(a as u32, g, t);
            }
            k += 1;
        }
        while self.ws.groups[g].on_duty > effective {
            let Some(a) = self.pop_idle(g) else { break };
            self.go_off(a, g, t);
        }
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

    /// A free agent (after a call, a break, or coming on duty) looks for a call, else waits idle.
    fn seek_work(&mut self, a: u32, g: usize, t: f64) {
        let m = self.m;
        let mut best: Option<(u32, u64, f64)> = None; // (call, tier, arrival)
        for e in &m.groups[g].scan {
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
            if e.overflow && t - arr < m.queues[q].overflow_after_s {
                continue;
            }
            if best.is_none_or(|(_, _, b)| arr < b) {
                best = Some((c, e.tier, arr));
            }
        }
        if let Some((c, _, _)) = best {
            self.take_waiting(c, t);
            self.serve(c, a, g, t);
        } else {
            let agent = &mut self.ws.agents[a as usize];
            agent.state = AgentState::Idle;
            agent.idle_since = t;
            agent.token = agent.token.wrapping_add(1);
            let tok = agent.token;
            self.ws.groups[g].idle.push_back((a, tok));
        }
    }

    /// Removes waiting call `c` from its queue's count (its slot is freed when the deque drops it).
    fn take_waiting(&mut self, c: u32, t: f64) {
        let q = self.ws.calls[c as usize].queue as usize;
        self.touch_queue(q, t);
        self.ws.queues[q].n_waiting -= 1;
        self.ws.calls[c as usize].state = CallState::Gone;
    }

    /// Agent `a` of group `g` answers waiting call `c` at `t`.
    fn serve(&mut self, c: u32, a: u32, g: usize, t: f64) {
        let call = self.ws.calls[c as usize];
        self.answer(&call, a, g, t);
    }

    /// Agent `a` of group `g` answers `call` at `t`: the call's facts are complete here.
    fn answer(&mut self, call: &Call, a: u32, g: usize, t: f64) {
        let m = self.m;
        let q = call.queue as usize;
        let wait = t - call.arrival_t;
        let nq = m.queues.len();
        let cell = &mut self.f.queues[call.interval as usize * nq + q];
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
        let work = call.work_s * m.groups[g].time_factor;
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
        if let Some((a, g)) = self.select_agent(q) {
            self.answer(&call, a, g, t);
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
        if qm.overflow_after_s < patience_s {
            self.push(t + qm.overflow_after_s, Kind::Overflow, c, gen_);
        }
    }

    /// Chooses an idle agent for a new call of queue `q`, removing it from its idle list:
    /// longest idle across eligible groups, or the first group (fewest skills) with an idle agent.
    fn select_agent(&mut self, q: usize) -> Option<(u32, usize)> {
        let m = self.m;
        let mut best: Option<(u32, usize, f64)> = None;
        for &g in &m.queues[q].selection_groups {
            let g = g as usize;
            if let Some(a) = self.peek_idle(g) {
                let since = self.ws.agents[a as usize].idle_since;
                if best.is_none_or(|(_, _, b)| since < b) {
                    best = Some((a, g, since));
                }
                if m.least_skilled {
                    break;
                }
            }
        }
        let (a, g, _) = best?;
        self.ws.groups[g].idle.pop_front();
        Some((a, g))
    }

    fn on_agent_free(&mut self, a: u32, t: f64) {
        let g = self.m.agent_group[a as usize] as usize;
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
            && self.ws.groups[g].on_duty > self.ws.groups[g].level
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

    fn on_break_due(&mut self, a: u32, b: u32, t: f64) {
        let g = self.m.agent_group[a as usize] as usize;
        let len = self.m.agent_shift[a as usize].as_ref().map_or(0.0, |s| s.breaks[b as usize].1);
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
        let g = self.m.agent_group[a as usize] as usize;
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
        let g = self.m.agent_group[a as usize] as usize;
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
                self.push(t + d, Kind::Retrial, q as u32, 0);
            }
        }
    }

    fn on_overflow(&mut self, c: u32, generation: u32, t: f64) {
        let call = self.ws.calls[c as usize];
        if call.generation != generation || call.state != CallState::Waiting {
            return;
        }
        let q = call.queue as usize;
        // An idle overflow agent can exist only if no older overflowed call waits (it would
        // have taken it), so this call is the right one to serve.
        let mut best: Option<(u32, usize, f64)> = None;
        for &g in &self.m.queues[q].overflow_groups {
            let g = g as usize;
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
}
