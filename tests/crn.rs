//! Common random numbers that survive local changes (issue 13, part 4): arrivals and call
//! attributes are drawn from streams keyed by (queue, day, interval), so a what-if confined to
//! one window leaves every other interval's calls identical, replication by replication, and
//! the paired comparison of such a what-if is sharp.
//!
//! Under the old layout (one stream per queue for the whole replication) every assertion on
//! identity here fails: one more call in the window shifts every later arrival of the queue.

mod common;

use ccsim::facts::{QueueFacts, ReplicationFacts, service_level};
use ccsim::scenario::Scenario;
use ccsim::script::whatif::WhatIf;
use ccsim::stats::Welford;
use common::{facts, intervals, scenario};
use std::path::Path;

fn bundled(name: &str) -> Scenario {
    Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)).expect("bundled scenario")
}

fn whatif(s: &Scenario, src: &str) -> Scenario {
    let w = WhatIf::compile(src, Path::new("x.rhai"), vec![]).unwrap_or_else(|e| panic!("{e}"));
    w.apply(s).unwrap_or_else(|e| panic!("{e}"))
}

/// First attempts of queue `q` in interval `i` (offered minus retrials).
fn first_attempts(f: &ReplicationFacts, i: usize, q: usize) -> f64 {
    let c = f.queue(i, q);
    c.offered - c.retrials
}

/// The realistic day (08:00–20:00, 15-minute intervals, retrials, busyness, absences) and the
/// same day with 30 % more calls from 11:00 to 11:30 (intervals 12 and 13).
fn realistic_day_and_window() -> (Scenario, Scenario, std::ops::Range<usize>) {
    let base = bundled("realistic_day.yaml");
    let variant = whatif(&base, r#"scenario.scale_arrivals("support", "11:00", "11:30", 1.3);"#);
    (base, variant, 12..14)
}

#[test]
fn scaling_one_window_leaves_every_other_intervals_first_attempts_identical() {
    let (base, variant, window) = realistic_day_and_window();
    let mut more = 0.0;
    for rep in 0..20 {
        let (a, b) = (facts(&base, rep), facts(&variant, rep));
        for i in 0..intervals(&a) {
            if window.contains(&i) {
                more += first_attempts(&b, i, 0) - first_attempts(&a, i, 0);
            } else {
                assert_eq!(
                    first_attempts(&a, i, 0),
                    first_attempts(&b, i, 0),
                    "replication {rep}, interval {i}: first attempts changed outside the window"
                );
            }
        }
        // before the window nothing at all differs: same calls, same attributes, same agents
        for i in 0..window.start {
            assert_eq!(a.queue(i, 0), b.queue(i, 0), "replication {rep}, interval {i}");
            assert_eq!(a.group(i, 0), b.group(i, 0), "replication {rep}, interval {i}");
        }
    }
    // the what-if did something: about 30 % of the ~2 × 320 calls of the window, × 20
    assert!(more > 20.0 * 100.0, "{more} more first attempts in the window");
}

/// One queue with calls of 30–90 s (handle + wrap-up) and more agents than it ever needs: no
/// call waits, so the agents' busy time in an interval is the sum of that interval's calls'
/// work (plus the spill-over of the last 90 s of the interval before).
const NO_WAIT: &str = r#"
name: no wait
horizon: { start: "08:00", end: "12:00", interval: 15m }
queues:
  - id: q
    arrivals: { rate_per_hour: 600 }
    handle_time: { dist: uniform, min: 20s, max: 80s }
    wrap_up: { dist: uniform, min: 0s, max: 10s }
    patience: { dist: exponential, mean: 1m }
agents:
  - { group: a, skills: [q], count: 60 }
"#;

#[test]
fn calls_after_a_changed_window_keep_their_attributes() {
    let base = scenario(NO_WAIT);
    let variant = whatif(&base, r#"scenario.scale_arrivals("q", "09:00", "09:15", 2.0);"#);
    for rep in 0..10 {
        let (a, b) = (facts(&base, rep), facts(&variant, rep));
        assert!(b.queue(4, 0).offered > a.queue(4, 0).offered + 50.0, "replication {rep}: the window doubled");
        // the interval after the window carries its spill-over; from the one after, every call
        // and its handle and wrap-up times are the same, so the busy time is identical
        for i in (0..4).chain(6..intervals(&a)) {
            assert_eq!(a.queue(i, 0), b.queue(i, 0), "replication {rep}, interval {i}");
            assert_eq!(a.group(i, 0).busy_s, b.group(i, 0).busy_s, "replication {rep}, interval {i}");
        }
        assert_eq!(a.queue(5, 0).offered, b.queue(5, 0).offered, "replication {rep}");
    }
}

/// Paired 95 % CI half-width of the day's service-level change, over `n` replications.
fn paired_sl_half_width(base: &Scenario, variant: &Scenario, n: u32) -> (f64, f64) {
    let def = base.queues[0].service_level.definition;
    let day_sl = |f: &ReplicationFacts| {
        let mut total = QueueFacts::default();
        (0..intervals(f)).for_each(|i| total.add(f.queue(i, 0)));
        service_level(&total, def)
    };
    let mut diff = Welford::default();
    for rep in 0..n {
        diff.push(day_sl(&facts(variant, rep)) - day_sl(&facts(base, rep)));
    }
    let e = diff.estimate();
    (e.mean, (e.ci_high - e.ci_low) / 2.0)
}

#[test]
fn the_paired_ci_of_a_one_window_whatif_is_narrower_than_with_one_stream_per_queue() {
    // The morning peak with 30 % more calls from 09:00 to 09:30, 100 replications at its seed (7):
    // the paired 95 % CI of the day's service-level change is ±0.053 points with streams keyed
    // by (queue, day, interval), ±0.086 points with one stream per queue for the replication
    // (the layout before issue 13, part 4). The bound sits between the two with a margin on
    // each side, so this fails under the old layout and is not flaky (the seed is fixed).
    let base = bundled("morning_peak.yaml");
    let variant = whatif(&base, r#"scenario.scale_arrivals("sales", "09:00", "09:30", 1.3);"#);
    let (mean, half) = paired_sl_half_width(&base, &variant, 100);
    assert!(mean < 0.0, "more calls cannot raise the service level on average: {mean}");
    assert!(half < 0.0007, "paired half-width {half} (keyed streams: 0.00053; one stream per queue: 0.00086)");
}
