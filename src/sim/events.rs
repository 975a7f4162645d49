//! Dynamic events and their order: what can happen after the day has started (a call ends,
//! a caller hangs up, a break ends, ...), keyed by (time, insertion sequence), in a binary heap.
//!
//! Owns the event kinds with their payloads, the key and its ordering, and pushing onto the heap.

use super::Sim;
use crate::policy::Policy;
use std::cmp::Ordering;

/// What happens, and to whom. Indices are the engine's dense ones (agent, call slot, queue,
/// global interval, break of the agent's shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EventKind {
    /// The agent finishes its call (talk and wrap-up).
    AgentFree { agent: u32 },
    /// The caller in this call slot hangs up, if the slot still holds that generation's call.
    Abandon { call: u32, generation: u32 },
    /// The call has waited the cross-site or the overflow delay: other sites' groups with the
    /// skill, or overflow groups, may take it.
    Overflow { call: u32, generation: u32 },
    /// The agent's break ends.
    BreakEnd { agent: u32 },
    /// A caller of the queue who abandoned a call that arrived in `interval` tries again.
    Retrial { queue: u32, interval: u32 },
    /// A policy tick.
    Tick,
    /// A break postponed by a policy falls due again.
    BreakDue { agent: u32, break_index: u32 },
    /// A shift extended by a policy ends.
    ShiftEnd { agent: u32 },
    /// The call reaches the watched oldest-wait threshold.
    WatchWait { call: u32, generation: u32 },
}

/// A dynamic event. `key` packs (time, sequence) into one integer: simulation times are
/// non-negative, so their IEEE-754 bits order like the numbers, and the insertion sequence
/// breaks ties — the (time, sequence) order of the house rules in one comparison.
#[derive(Debug, Clone, Copy)]
pub(super) struct Event {
    pub(super) key: u128,
    pub(super) kind: EventKind,
}

impl Event {
    /// When the event happens, seconds since the day's start.
    #[inline]
    pub(super) fn t(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }
}

impl PartialEq for Event {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Event {
    /// Reversed so that `BinaryHeap` pops the earliest (time, sequence) first.
    #[inline]
    fn cmp(&self, o: &Self) -> Ordering {
        o.key.cmp(&self.key)
    }
}

impl<P: Policy + ?Sized> Sim<'_, P> {
    /// Schedules `kind` at `t` seconds since the day's start, after every event already
    /// scheduled for the same time.
    #[inline]
    pub(super) fn push(&mut self, t: f64, kind: EventKind) {
        // An internal invariant, not input checking: every time entering the engine is checked
        // where it enters (scenario validation, `Model::compile` for the tick, `Action::check`
        // for policy actions), so only the engine's own arithmetic on those could break it.
        debug_assert!(t >= 0.0 && t.is_finite(), "the engine scheduled an event at {t} s");
        let seq = self.work.next_seq;
        self.work.next_seq += 1;
        let key = (u128::from(t.to_bits()) << 64) | u128::from(seq);
        self.work.heap.push(Event { key, kind });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BinaryHeap;

    fn event(t: f64, seq: u64) -> Event {
        let key = (u128::from(t.to_bits()) << 64) | u128::from(seq);
        Event { key, kind: EventKind::AgentFree { agent: seq as u32 } }
    }

    #[test]
    fn the_heap_pops_by_time_then_insertion_order() {
        let mut heap = BinaryHeap::new();
        for (seq, t) in [5.0, 0.0, 2.5, 2.5, 1e9, 2.5].into_iter().enumerate() {
            heap.push(event(t, seq as u64));
        }
        let order: Vec<(f64, u64)> =
            std::iter::from_fn(|| heap.pop()).map(|e| (e.t(), (e.key & u128::from(u64::MAX)) as u64)).collect();
        assert_eq!(order, [(0.0, 1), (2.5, 2), (2.5, 3), (2.5, 5), (5.0, 0), (1e9, 4)]);
    }

    #[test]
    fn an_event_stays_as_small_as_a_key_and_two_indices() {
        assert_eq!(std::mem::size_of::<Event>(), 32);
    }
}
