//! The live state of one simulated day: agents, waiting calls, callbacks, per-queue and
//! per-group counters, and the [`Workspace`] that holds them with the random streams and
//! scratch buffers, reused across replications.
//!
//! Owns the data layout only; what happens to it is in the sibling modules.

use super::events::Event;
use super::streams::KeyedRng;
use crate::facts::QueueFacts;
use crate::model::{Model, RoutingTables};
use crate::policy::{Action, Snapshot};
use std::collections::{BinaryHeap, VecDeque};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AgentState {
    Off,
    Idle,
    Busy,
    Break,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Agent {
    pub(super) state: AgentState,
    /// Not absent today (today's absence draw).
    pub(super) present: bool,
    /// Not absent on the day before (its draw): decides a carried piece of a night shift.
    pub(super) present_before: bool,
    pub(super) idle_since: f64,
    pub(super) token: u32,
    /// Breaks that fell due while the agent was busy or on a break, taken back to back later.
    pub(super) pending_breaks: u32,
    pub(super) pending_leave: bool,
    /// Sum of the pending breaks' due times, s (their lateness is count × start − this).
    pub(super) break_due: f64,
    /// Sum of the pending breaks' lengths, s.
    pub(super) break_len: f64,
    /// Queue of the call in hand.
    pub(super) queue: u16,
    /// When the call in hand was answered, s.
    pub(super) busy_since: f64,
    pub(super) leave_due: f64,
    /// When the shift ends (after overtime), s; infinite without a shift.
    pub(super) shift_end: f64,
    /// Sent home by a policy: does not come back today.
    pub(super) sent_home: bool,
}

pub(super) const NEW_AGENT: Agent = Agent {
    state: AgentState::Off,
    present: true,
    present_before: true,
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
pub(super) enum CallState {
    Waiting,
    /// Left the queue (answered out of order, or abandoned) but still referenced by the deque.
    Gone,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Call {
    pub(super) arrival_t: f64,
    /// Talk + wrap-up at speed 1, seconds.
    pub(super) work_s: f64,
    pub(super) interval: u32,
    pub(super) queue: u16,
    pub(super) generation: u32,
    pub(super) state: CallState,
}

/// Per-group live counters.
#[derive(Debug, Clone, Default)]
pub(super) struct GroupState {
    pub(super) on_duty: u32,
    pub(super) available: u32,
    pub(super) busy: u32,
    /// Curve groups: present agents the curve schedules now.
    pub(super) planned: u32,
    /// Agents of this group's pool moved into other groups by a policy (and not back).
    pub(super) out: u32,
    /// Agents of this group's pool sent home by a policy.
    pub(super) home: u32,
    /// Agents of other groups moved into this one and on duty here.
    pub(super) guests: u32,
    pub(super) last_t: f64,
    pub(super) idle: VecDeque<(u32, u32)>,
    /// Breaks falling due before this time wait until then (policy), s.
    pub(super) hold_until: f64,
    /// Breaks falling due before this time are cancelled (policy), s.
    pub(super) cancel_until: f64,
}

/// A callback a caller accepted: made by the next free agent with the skill.
#[derive(Debug, Clone, Copy)]
pub(super) struct Callback {
    /// Wait in the queue before accepting, s.
    pub(super) wait_s: f64,
    /// When accepted, s.
    pub(super) accepted_t: f64,
    pub(super) work_s: f64,
    pub(super) interval: u32,
}

/// Per-queue live state.
#[derive(Debug, Clone, Default)]
pub(super) struct QueueState {
    pub(super) waiting: VecDeque<u32>,
    pub(super) n_waiting: u32,
    pub(super) last_t: f64,
    pub(super) arrival_interval: usize,
    /// Effective arrival rate per interval of the current day (calls/s, busyness applied).
    pub(super) rate: Vec<f64>,
    /// False while a policy keeps the queue closed.
    pub(super) open: bool,
    /// Offer callbacks when the estimated wait exceeds this, s (infinite: no offers).
    pub(super) cb_wait_s: f64,
    /// Callback acceptance probability.
    pub(super) cb_accept: f64,
    pub(super) callbacks: VecDeque<Callback>,
    /// Call `on_queue` when the waiting count reaches this (0: off).
    pub(super) watch_n: u32,
    /// Call `on_queue` when the oldest wait reaches this, s (infinite: off).
    pub(super) watch_wait_s: f64,
    /// The oldest wait is at or above `watch_wait_s` (fired, not yet fallen back).
    pub(super) wait_above: bool,
}

/// Reusable buffers and random streams of one worker; create once per thread.
#[derive(Debug)]
pub struct Workspace {
    pub(super) agents: Vec<Agent>,
    pub(super) groups: Vec<GroupState>,
    pub(super) queues: Vec<QueueState>,
    pub(super) calls: Vec<Call>,
    pub(super) free_calls: Vec<u32>,
    /// Dynamic events of the day, earliest (time, sequence) first.
    pub(super) heap: BinaryHeap<Event>,
    /// Each queue's next arrival as `Reverse((time bits, queue))`: the earliest on top, ties to
    /// the lowest queue index; queues with no arrival left today are absent. Finding the next
    /// arrival costs O(log queues), not a scan of every queue on every event.
    pub(super) arrivals: BinaryHeap<std::cmp::Reverse<(u64, usize)>>,
    /// Insertion sequence of the next event pushed (breaks ties between equal times).
    pub(super) next_seq: u64,
    /// The (seed, replication) part of every stream's seed (see `streams`).
    pub(super) stream_base: u64,
    /// Per queue, the streams drawn during the day, each at the (day, interval) last used (see
    /// `docs/streams.md`); busyness and absences are drawn from fresh streams at the day's start,
    /// retrial decisions from the abandoning caller's own stream.
    pub(super) rng_arrival: Vec<KeyedRng>,
    pub(super) rng_handle: Vec<KeyedRng>,
    pub(super) rng_wrap: Vec<KeyedRng>,
    pub(super) rng_patience: Vec<KeyedRng>,
    pub(super) rng_retrial_call: Vec<KeyedRng>,
    pub(super) rng_policy: Vec<KeyedRng>,
    /// Global interval index currently open for statistics, or `None` after closing.
    pub(super) open_interval: Option<usize>,
    /// Day being simulated (0-based).
    pub(super) day: usize,
    /// Last time an agent finished a call or went off duty: the end of unserved calls' waits.
    pub(super) last_agent_t: f64,
    /// Group of each agent now (policies move agents).
    pub(super) agent_group: Vec<u16>,
    /// Overtime granted to each agent today: seconds and cost (refunded if sent home before).
    pub(super) agent_overtime: Vec<(f64, f64)>,
    /// Routing now (policies change skills, priorities and overflow).
    pub(super) routing: RoutingTables,
    /// Callbacks waiting in all queues.
    pub(super) n_callbacks: u32,
    /// Policy view, rebuilt before each hook.
    pub(super) snapshot: Snapshot,
    /// Actions returned by the current hook.
    pub(super) actions: Vec<Action>,
    /// Per queue: today's facts of the intervals already closed.
    pub(super) day_closed: Vec<QueueFacts>,
    /// Scratch for `extend_shifts`: (shift end, agent) of the candidates.
    pub(super) shift_candidates: Vec<(f64, u32)>,
}

impl Workspace {
    /// Points every stream slot at replication (`seed`, `rep`): each re-seeds at its first use.
    pub(super) fn start_streams(&mut self, seed: u64, rep: u32) {
        self.stream_base = super::streams::replication_base(seed, rep);
        for slots in [
            &mut self.rng_arrival,
            &mut self.rng_handle,
            &mut self.rng_wrap,
            &mut self.rng_patience,
            &mut self.rng_retrial_call,
            &mut self.rng_policy,
        ] {
            slots.iter_mut().for_each(KeyedRng::reset);
        }
    }

    /// Buffers sized for `model`.
    pub fn new(model: &Model) -> Workspace {
        let nq = model.queues.len();
        Workspace {
            agents: vec![NEW_AGENT; model.agents()],
            groups: vec![GroupState::default(); model.groups.len()],
            queues: (0..nq)
                .map(|_| QueueState { rate: vec![0.0; model.intervals_per_day], ..Default::default() })
                .collect(),
            calls: Vec::with_capacity(256),
            free_calls: Vec::with_capacity(256),
            heap: BinaryHeap::with_capacity(1024),
            arrivals: BinaryHeap::with_capacity(model.queues.len()),
            next_seq: 0,
            stream_base: 0,
            rng_arrival: vec![KeyedRng::default(); nq],
            rng_handle: vec![KeyedRng::default(); nq],
            rng_wrap: vec![KeyedRng::default(); nq],
            rng_patience: vec![KeyedRng::default(); nq],
            rng_retrial_call: vec![KeyedRng::default(); nq],
            rng_policy: vec![KeyedRng::default(); nq],
            open_interval: None,
            day: 0,
            last_agent_t: 0.0,
            agent_group: model.agent_group.clone(),
            agent_overtime: vec![(0.0, 0.0); model.agent_group.len()],
            routing: model.routing.clone(),
            n_callbacks: 0,
            snapshot: Snapshot::default(),
            actions: Vec::new(),
            day_closed: vec![QueueFacts::default(); nq],
            shift_candidates: Vec::new(),
        }
    }
}
