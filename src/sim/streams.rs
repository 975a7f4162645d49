//! Random streams: one generator per (seed, replication, purpose, index), so that a change in
//! how one purpose draws leaves every other stream in step (common random numbers).
//!
//! Owns the generator type, the purposes and the seed derivation; it draws nothing itself.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    fn first(seed: u64, rep: u32, purpose: Purpose, index: usize) -> u64 {
        stream(seed, rep, purpose, index).random::<u64>()
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
}
