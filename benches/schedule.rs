//! Scheduling speed (issue 15): shift selection on the pinned day (30-minute intervals), on a
//! day and a week of 15-minute intervals with several hundred candidate shifts (breaks placed in
//! windows), and rosters: the bundled support week (68 agents, 7 days) and 150 agents over four
//! weeks under every contract rule. Each iteration is one whole `schedule::solve` from a loaded
//! spec, seed 1; the time limits are the ones the README's figures quote.

use std::hint::black_box;
use std::path::Path;

use ccsim::schedule::{Options, Spec, load, solve};
use criterion::{Criterion, criterion_group, criterion_main};

fn spec(path: &str) -> Spec {
    load(Path::new(path), None).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn bench_select(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule_select");
    group.sample_size(10);
    for (name, path, limit) in [
        ("pinned_day_30m", "scenarios/day.schedule.yaml", 60.0),
        ("day_15m_breaks", "benches/data/day15.schedule.yaml", 3.0),
        ("week_15m_breaks", "benches/data/week15.schedule.yaml", 5.0),
    ] {
        let s = spec(path);
        let opts = Options { time_limit_s: limit, ..Options::default() };
        group.bench_function(name, |b| b.iter(|| black_box(solve(black_box(&s), &opts).expect("solves"))));
    }
    group.finish();
}

fn bench_roster(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule_roster");
    group.sample_size(10);
    for (name, path) in [
        ("support_week_68_agents", "scenarios/support_week.schedule.yaml"),
        ("four_weeks_150_agents", "benches/data/roster4w.schedule.yaml"),
    ] {
        let s = spec(path);
        let opts = Options::default();
        group.bench_function(name, |b| b.iter(|| black_box(solve(black_box(&s), &opts).expect("solves"))));
    }
    group.finish();
}

criterion_group!(benches, bench_select, bench_roster);
criterion_main!(benches);
