//! Dynamic events and their order: what can happen after the day has started (a call ends,
//! a caller hangs up, a break ends, ...), keyed by (time, insertion sequence), in a binary heap.
//!
//! Owns the event kinds, the key and its ordering, and pushing onto the heap.

use super::Sim;
use crate::policy::Policy;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Ev {
    pub(super) key: u128,
    pub(super) kind: Kind,
    pub(super) a: u32,
    pub(super) b: u32,
}

impl Ev {
    #[inline]
    pub(super) fn t(&self) -> f64 {
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

impl<P: Policy + ?Sized> Sim<'_, P> {
    #[inline]
    pub(super) fn push(&mut self, t: f64, kind: Kind, a: u32, b: u32) {
        debug_assert!(t >= 0.0 && t.is_finite());
        let seq = self.ws.seq;
        self.ws.seq += 1;
        let key = (u128::from(t.to_bits()) << 64) | u128::from(seq);
        self.ws.heap.push(Ev { key, kind, a, b });
    }
}
