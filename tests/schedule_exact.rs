//! The exact backend (cargo feature `cbc`: CBC through good_lp): shift selection on the
//! 15-minute benchmark day proven optimal at the value the LP bound and the hour lattice force,
//! and a tiny day whose optimum CBC must prove by itself (costs off any lattice) equal to the one
//! found by enumerating every cover.
#![cfg(feature = "cbc")]

use ccsim::schedule::{Options, Schedule, Spec, load, solve};
use std::path::Path;

fn every_interval_covered(s: &Schedule) {
    for c in &s.coverage {
        assert!(c.scheduled >= f64::from(c.required) - 1e-9, "{} {} short: {c:?}", c.day, c.start);
    }
}

#[test]
fn the_benchmark_day_is_proven_optimal_at_282_hours() {
    let spec = load(Path::new("benches/data/day15.schedule.yaml"), None).unwrap();
    assert!(spec.candidates.len() >= 300, "{} candidate shifts", spec.candidates.len());
    let s = solve(&spec, &Options::default()).unwrap();
    assert!(s.search.method.contains("good_lp + CBC"), "{}", s.search.method);
    assert!(s.search.proven_optimal && !s.search.time_limited, "{:?}", s.search);
    every_interval_covered(&s);
    // Independently of the solver: every shift pays 4, 6 or 8 hours, so every cover's hours are
    // even; none is below the LP bound (280.92 h), so none is below 282 h.
    assert!(spec.candidates.iter().all(|c| [4.0, 6.0, 8.0].contains(&c.paid_hours)));
    assert!(s.lp_bound_hours > 280.0 && s.lp_bound_hours <= 282.0, "LP bound {}", s.lp_bound_hours);
    assert_eq!(s.agent_hours, 282.0);
    let hours: f64 = s.shifts.iter().map(|x| f64::from(x.count) * s.shift_codes[&x.code].paid_hours).sum();
    assert_eq!(hours, 282.0, "the shifts listed pay the hours reported");
}

/// 08:00–12:00 in half hours; B's break leaves a hole in its cover, so the LP relaxation is not
/// integral; costs per hour off any grid, so no lattice of values proves the optimum: CBC's
/// search must.
const TINY: &str = r#"
name: Tiny day
horizon: { start: "08:00", end: "12:00", interval: 30m }
requirement: { team: [1, 1, 3, 1, 3, 2, 3, 1] }
shift_templates:
  - { code: A, start_between: ["08:00", "10:00"], every: 1h, length: 2h, cost_per_hour: 10.333333 }
  - code: B
    start_between: ["08:00", "09:00"]
    every: 1h
    length: 3h
    cost_per_hour: 9.111111
    breaks: [{ length: 30m, after: [1h, 1h30m] }]
  - { code: C, start: "08:00", length: 4h, cost_per_hour: 8.777777 }
"#;

/// Least cost of a cover by enumeration of every count vector, shares on duty recomputed here from
/// the shifts' times and breaks. No candidate needs more agents than the peak requirement over
/// its least positive share: one fewer still covers every interval it is on duty in.
fn brute_force(spec: &Spec) -> f64 {
    let (open, step) = (8.0 * 3600.0, 1800.0);
    let req = &spec.requirement[0];
    let overlap = |a: f64, b: f64, x: f64, y: f64| (b.min(y) - a.max(x)).max(0.0);
    let share: Vec<Vec<f64>> = spec
        .candidates
        .iter()
        .map(|c| {
            (0..req.len())
                .map(|i| {
                    let (x, y) = (open + i as f64 * step, open + (i + 1) as f64 * step);
                    let breaks: f64 = c.breaks.iter().map(|b| overlap(b.start_s, b.start_s + b.length_s, x, y)).sum();
                    (overlap(c.start_s, c.end_s, x, y) - breaks) / step
                })
                .collect()
        })
        .collect();
    let cost: Vec<f64> = spec
        .candidates
        .iter()
        .map(|c| (c.end_s - c.start_s) / 3600.0 * spec.templates[c.template].cost_per_hour.unwrap())
        .collect();
    let positive = share.iter().flatten().filter(|s| **s > 0.0);
    let least = positive.fold(1.0_f64, |a, s| a.min(*s));
    let most = (f64::from(*req.iter().max().unwrap()) / least).ceil() as u32;
    let n = cost.len();
    let mut best = f64::INFINITY;
    let mut k = vec![0u32; n];
    loop {
        let c: f64 = k.iter().zip(&cost).map(|(k, c)| f64::from(*k) * c).sum();
        if c < best
            && req.iter().enumerate().all(|(i, r)| {
                k.iter().zip(&share).map(|(k, s)| f64::from(*k) * s[i]).sum::<f64>() >= f64::from(*r) - 1e-9
            })
        {
            best = c;
        }
        // next count vector, 0..=most per candidate
        let mut j = 0;
        while j < n && k[j] == most {
            k[j] = 0;
            j += 1;
        }
        if j == n {
            return best;
        }
        k[j] += 1;
    }
}

#[test]
fn a_tiny_day_is_proven_optimal_at_the_enumerated_least_cost() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tiny.schedule.yaml");
    std::fs::write(&f, TINY).unwrap();
    let spec = load(&f, None).unwrap();
    // A at 08:00, 09:00, 10:00; B at 08:00 and 09:00, each with its break after 1 h or 1 h 30;
    // C at 08:00
    assert_eq!(spec.candidates.len(), 8);
    let best = brute_force(&spec);
    assert!((best - 97.555549).abs() < 1e-6, "enumeration: {best}");
    let s = solve(&spec, &Options::default()).unwrap();
    assert!(s.search.method.contains("good_lp + CBC"), "{}", s.search.method);
    assert!(s.search.proven_optimal, "{:?}", s.search);
    every_interval_covered(&s);
    let cost = s.cost.expect("every template has a cost");
    assert!((cost - best).abs() < 1e-6, "CBC {cost}, enumeration {best}");
    assert!((s.search.objective - best).abs() < 1e-6);
    // the LP relaxation is not integral here: only CBC's completed search proves the optimum
    assert!(s.search.lp_bound < best - 1e-3, "LP bound {} vs {best}", s.search.lp_bound);
}
