//! Random streams: one generator per (seed, replication, purpose, index, day, interval), so that
//! a change confined to one interval leaves every other interval's draws in step (common random
//! numbers).
//!
//! Owns the generator type, the purposes, the keys and the seed derivation, and [`KeyedRng`], the
//! workspace slot that re-seeds itself when the key it is asked for changes. It draws nothing
//! itself; the layout (which purpose is keyed by what) is documented in `docs/streams.md`.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The random generator used for every stream: small, fast and portable.
pub type Rng = Xoshiro256PlusPlus;

/// Purposes of random streams. A stream is derived from (seed, replication, purpose, index, day,
/// interval), so changing how one purpose is used leaves all others in step (common random
/// numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Arrival times of a queue, per (day, interval): the Poisson process restarts at each
    /// interval boundary.
    Arrivals = 1,
    /// Handle times of a queue's first attempts, per (day, interval of arrival).
    Handle = 2,
    /// Patience of a queue's first attempts, per (day, interval of arrival).
    Patience = 3,
    /// Retrial decision and delay of an abandoning caller of a queue, per (day, the call's arrival
    /// time): a caller's own stream.
    Retrial = 4,
    /// Busyness factors of a queue: the day factor per day, interval factors per (day, interval).
    Busyness = 5,
    /// Absences in a group, per day.
    Absence = 6,
    /// Wrap-up times of a queue's first attempts, per (day, interval of arrival).
    Wrap = 7,
    /// Random decisions of built-in policies (callback acceptance) of a queue, per (day,
    /// interval of the decision). Scripted policies have their own stream (index `usize::MAX`,
    /// whole replication).
    Policy = 8,
    /// Handle, wrap-up and patience of a queue's retried calls, per (day, interval of the retry).
    RetrialCall = 9,
}

/// The `interval` of a key that covers a whole day (day-level busyness factor, absences).
pub const WHOLE_DAY: u32 = u32::MAX;

/// Where a stream sits inside a replication: its purpose, the queue or group it belongs to, the
/// day (0-based) and the interval of that day (0-based; [`WHOLE_DAY`] for day-level draws; the
/// day's interval count for draws after the close).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamKey {
    /// What the stream draws.
    pub purpose: Purpose,
    /// Queue or group index.
    pub index: usize,
    /// Day of the horizon, 0-based.
    pub day: u32,
    /// Interval of the day, 0-based, or [`WHOLE_DAY`].
    pub interval: u32,
}

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The part of every stream's seed that depends on (seed, replication) only: computed once per
/// replication.
pub fn replication_base(seed: u64, replication: u32) -> u64 {
    mix(mix(seed) ^ u64::from(replication))
}

/// The seed of (purpose, index) under `base`, before the (day, interval) part.
fn purpose_seed(base: u64, purpose: Purpose, index: usize) -> u64 {
    mix(base ^ ((purpose as u64) << 48) ^ index as u64)
}

/// The random stream for (seed, replication, purpose, index), for draws that are not tied to a
/// day or an interval (a scripted policy's `ctx.random()`).
pub fn stream(seed: u64, replication: u32, purpose: Purpose, index: usize) -> Rng {
    Rng::seed_from_u64(purpose_seed(replication_base(seed, replication), purpose, index))
}

/// The random stream at `key` under `base` ([`replication_base`]): a handful of multiplies and
/// shifts, no allocation.
pub fn keyed_stream(base: u64, key: StreamKey) -> Rng {
    let place = (u64::from(key.day) << 32) | u64::from(key.interval);
    Rng::seed_from_u64(mix(purpose_seed(base, key.purpose, key.index) ^ place))
}

/// The stream of one caller of queue `index`: (purpose, index, day, the call's arrival time
/// since the day's start, s). Two calls of a queue never arrive at the same instant, so each
/// caller has their own stream; it does not depend on the order in which callers are handled.
pub fn caller_stream(base: u64, purpose: Purpose, index: usize, day: u32, arrival_t: f64) -> Rng {
    let place = (u64::from(day) << 32) | u64::from(WHOLE_DAY);
    Rng::seed_from_u64(mix(mix(purpose_seed(base, purpose, index) ^ place) ^ arrival_t.to_bits()))
}

/// A workspace slot holding the stream of one (purpose, index) at the (day, interval) it was last
/// asked for. Asking for the same place again continues the stream; asking for another place
/// re-seeds it. Places must be asked for in time order (each is seeded once), which holds because
/// every draw is made at the current simulated time.
#[derive(Debug, Clone)]
pub struct KeyedRng {
    rng: Rng,
    /// (day << 32 | interval) the stream is seeded for; `u64::MAX` before the first use.
    place: u64,
}

impl Default for KeyedRng {
    fn default() -> Self {
        KeyedRng { rng: Rng::seed_from_u64(0), place: u64::MAX }
    }
}

impl KeyedRng {
    /// Forgets the place, so that the next use re-seeds (a new replication).
    pub fn reset(&mut self) {
        self.place = u64::MAX;
    }

    /// The stream of (`purpose`, `index`) at (`day`, `interval`) under `base`, re-seeded when the
    /// place differs from the last one asked for.
    #[inline]
    pub fn at(&mut self, base: u64, purpose: Purpose, index: usize, day: u32, interval: u32) -> &mut Rng {
        let place = (u64::from(day) << 32) | u64::from(interval);
        if place != self.place {
            self.reseed(base, StreamKey { purpose, index, day, interval });
        }
        &mut self.rng
    }

    #[cold]
    #[inline(never)]
    fn reseed(&mut self, base: u64, key: StreamKey) {
        self.rng = keyed_stream(base, key);
        self.place = (u64::from(key.day) << 32) | u64::from(key.interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    fn first(seed: u64, rep: u32, purpose: Purpose, index: usize) -> u64 {
        stream(seed, rep, purpose, index).random::<u64>()
    }

    fn key(purpose: Purpose, index: usize, day: u32, interval: u32) -> StreamKey {
        StreamKey { purpose, index, day, interval }
    }

    #[test]
    fn a_stream_depends_on_seed_replication_purpose_and_index_only() {
        let base = first(7, 3, Purpose::Handle, 1);
        assert_eq!(base, first(7, 3, Purpose::Handle, 1));
        for other in [
            first(8, 3, Purpose::Handle, 1),
            first(7, 4, Purpose::Handle, 1),
            first(7, 3, Purpose::Patience, 1),
            first(7, 3, Purpose::Handle, 2),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn a_keyed_stream_depends_on_every_part_of_its_key() {
        let b = replication_base(7, 3);
        let at = |b: u64, k: StreamKey| keyed_stream(b, k).random::<u64>();
        let x = at(b, key(Purpose::Arrivals, 1, 2, 5));
        assert_eq!(x, at(b, key(Purpose::Arrivals, 1, 2, 5)));
        let others = [
            at(replication_base(8, 3), key(Purpose::Arrivals, 1, 2, 5)),
            at(replication_base(7, 4), key(Purpose::Arrivals, 1, 2, 5)),
            at(b, key(Purpose::Handle, 1, 2, 5)),
            at(b, key(Purpose::Arrivals, 2, 2, 5)),
            at(b, key(Purpose::Arrivals, 1, 3, 5)),
            at(b, key(Purpose::Arrivals, 1, 2, 6)),
            at(b, key(Purpose::Arrivals, 1, 2, WHOLE_DAY)),
            // day and interval do not trade places
            at(b, key(Purpose::Arrivals, 1, 5, 2)),
            // nor does a keyed stream coincide with the unkeyed one
            stream(7, 3, Purpose::Arrivals, 1).random::<u64>(),
        ];
        for o in others {
            assert_ne!(x, o);
        }
    }

    #[test]
    fn a_caller_stream_depends_on_the_day_and_the_arrival_time() {
        let b = replication_base(7, 3);
        let at = |b: u64, p: Purpose, q: usize, day: u32, t: f64| caller_stream(b, p, q, day, t).random::<u64>();
        let x = at(b, Purpose::Retrial, 0, 1, 3600.5);
        assert_eq!(x, at(b, Purpose::Retrial, 0, 1, 3600.5));
        for o in [
            at(replication_base(7, 4), Purpose::Retrial, 0, 1, 3600.5),
            at(b, Purpose::Handle, 0, 1, 3600.5),
            at(b, Purpose::Retrial, 1, 1, 3600.5),
            at(b, Purpose::Retrial, 0, 2, 3600.5),
            at(b, Purpose::Retrial, 0, 1, 3600.5001),
            keyed_stream(b, key(Purpose::Retrial, 0, 1, WHOLE_DAY)).random::<u64>(),
        ] {
            assert_ne!(x, o);
        }
    }

    #[test]
    fn a_keyed_slot_continues_at_the_same_place_and_reseeds_at_another() {
        let b = replication_base(1, 0);
        let mut slot = KeyedRng::default();
        let a1 = slot.at(b, Purpose::Handle, 0, 0, 4).random::<u64>();
        let a2 = slot.at(b, Purpose::Handle, 0, 0, 4).random::<u64>();
        let mut fresh = keyed_stream(b, key(Purpose::Handle, 0, 0, 4));
        assert_eq!((a1, a2), (fresh.random::<u64>(), fresh.random::<u64>()));
        let c1 = slot.at(b, Purpose::Handle, 0, 0, 5).random::<u64>();
        assert_eq!(c1, keyed_stream(b, key(Purpose::Handle, 0, 0, 5)).random::<u64>());
        // a new replication at the same place starts over
        let b2 = replication_base(1, 1);
        slot.reset();
        let d1 = slot.at(b2, Purpose::Handle, 0, 0, 5).random::<u64>();
        assert_eq!(d1, keyed_stream(b2, key(Purpose::Handle, 0, 0, 5)).random::<u64>());
    }
}
