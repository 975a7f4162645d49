//! Engine speed: one replication of the realistic single-queue day (simulated calls per second
//! on one core, reported by criterion as elements/s), one replication of a large center's week
//! (60 queues, 30 groups with 2–4 skills, 15-minute intervals), one replication of a dated
//! support week (two sites, recurring shifts on weekdays, a roster, a holiday, a night shift,
//! site-preferring routing), and 1,000 replications in parallel with full statistics (all
//! cores).

use ccsim::experiment;
use ccsim::facts::ReplicationFacts;
use ccsim::model::Model;
use ccsim::scenario::Scenario;
use ccsim::sim::{Workspace, run_replication};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn load(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    Scenario::load(&path).expect("bundled scenario loads")
}

/// One replication of `scenario` as criterion's `replication/<name>`, in calls per second.
fn bench_replication(c: &mut Criterion, name: &str, scenario: &Scenario, samples: usize) {
    let model = Model::compile(scenario, None).expect("model");
    let mut ws = Workspace::new(&model);
    let mut facts = ReplicationFacts::new(model.total_intervals(), model.queues.len(), model.groups.len());
    run_replication(&model, 0, &mut ws, &mut facts).unwrap();
    let calls: f64 = facts.queues.iter().map(|q| q.offered).sum();
    let mut g = c.benchmark_group("replication");
    g.sample_size(samples);
    g.throughput(Throughput::Elements(calls as u64));
    let mut rep = 0u32;
    g.bench_function(name, |b| {
        b.iter(|| {
            rep = rep.wrapping_add(1);
            run_replication(&model, rep, &mut ws, &mut facts).unwrap();
            black_box(&facts);
        })
    });
    g.finish();
}

fn single_replication(c: &mut Criterion) {
    for name in ["realistic_day.yaml", "erlang_c_check.yaml", "multi_skill.yaml"] {
        bench_replication(c, name.trim_end_matches(".yaml"), &load(name), 100);
    }
}

/// A large center's week: 60 queues of 1,500–3,500 calls a day (lognormal handle times of
/// 3–6 minutes, exponential patience), 30 groups of 30–45 agents, each serving its two own
/// queues and up to two more, 07:00–23:00 in 15-minute intervals for 7 days: about 1.05 million
/// calls a replication. Generated with a fixed linear congruential sequence, so it never changes.
pub fn large_center_week() -> Scenario {
    let mut state: u64 = 1;
    let mut next = |lo: u64, hi: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        lo + (state >> 33) % (hi - lo + 1)
    };
    let mut y = String::from(
        "name: Large center week\nhorizon: { start: \"07:00\", end: \"23:00\", interval: 15m, days: 7 }\nqueues:\n",
    );
    for q in 0..60 {
        let (calls, aht) = (next(1500, 3500), next(180, 360));
        y.push_str(&format!(
            "  - {{ id: q{q}, arrivals: {{ daily_total: {calls} }}, handle_time: {{ dist: lognormal, mean: {aht}s, cv: 1.0 }}, patience: {{ dist: exponential, mean: 120s }} }}\n"
        ));
    }
    y.push_str("agents:\n");
    for g in 0..30u64 {
        let mut skills = vec![2 * g, 2 * g + 1];
        for _ in 0..next(0, 2) {
            let q = next(0, 59);
            if !skills.contains(&q) {
                skills.push(q);
            }
        }
        let list: Vec<String> = skills.iter().map(|q| format!("q{q}")).collect();
        y.push_str(&format!(
            "  - {{ group: g{g}, skills: [{}], count: {}, cost_per_hour: 20 }}\n",
            list.join(", "),
            next(30, 45)
        ));
    }
    ccsim::scenario::parse_str(&y, Path::new("large_center_week.yaml")).expect("the generated week is valid")
}

fn large_center(c: &mut Criterion) {
    bench_replication(c, "large_center_week", &large_center_week(), 10);
}

/// A dated support week, built in Rust on the scenario types: two queues (2,400 and 600 calls a
/// day, lognormal and gamma handle times) of regions preferring sites Milano and Napoli (30 s
/// cross-site delay), 07:00–24:00 from Monday 7 December 2026 with Tuesday closed; Milano has
/// early and late shifts on weekdays, a Saturday shift, a night shift 22:00–06:00 (cut at the
/// midnight close) and a roster of 20 named agents; Napoli fixed shifts every day; 5 %
/// absenteeism.
pub fn support_week() -> Scenario {
    use ccsim::scenario::{Break, RosterAgent, ShiftCode, Staffing};
    let mut s = ccsim::scenario::parse_str(
        r#"
name: Support week (bench)
horizon: { start: "07:00", end: "24:00", interval: 30m, days: 7 }
queues:
  - { id: support_it, arrivals: { daily_total: 2400 }, handle_time: { dist: lognormal, mean: 270s, cv: 0.9 }, patience: { dist: exponential, mean: 150s } }
  - { id: support_en, arrivals: { daily_total: 600 }, handle_time: { dist: gamma, mean: 330s, cv: 1.0 }, patience: { dist: exponential, mean: 200s } }
agents:
  - { group: milano, skills: [support_it], count: 1, absenteeism: 0.05 }
  - { group: napoli, skills: [{ queue: support_en, preference: 1 }, { queue: support_it, preference: 2 }], count: 1, absenteeism: 0.05 }
simulation: { replications: 10, seed: 11 }
"#,
        Path::new("support_week_bench.yaml"),
    )
    .expect("the bench week is valid");
    let h = &mut s.horizon;
    h.from = Some(ccsim::calendar::parse_date("2026-12-07").expect("date"));
    h.closed[1] = true;
    let n = h.intervals_per_day();
    for q in &mut s.queues {
        q.volumes[n..2 * n].iter_mut().for_each(|v| *v = 0.0);
    }
    let code = |c: &str, from_h: f64, to_h: f64, brk: Option<f64>| ShiftCode {
        code: c.into(),
        start_s: from_h * 3600.0,
        end_s: to_h * 3600.0,
        breaks: brk.map(|b| Break { start_s: b * 3600.0, length_s: 1800.0 }).into_iter().collect(),
    };
    let (e, l, nt) = (code("E", 8.0, 16.0, Some(11.5)), code("L", 15.0, 23.0, Some(19.0)), code("N", 22.0, 30.0, None));
    let weekdays: Vec<bool> = (0..7).map(|d| d < 5).collect();
    let saturday: Vec<bool> = (0..7).map(|d| d == 5).collect();
    let roster = (0..20)
        .map(|k| RosterAgent {
            name: format!("agent{k}"),
            days: (0..7).map(|d| [Some(e.clone()), Some(l.clone()), None][(k + d) % 3].clone()).collect(),
        })
        .collect();
    s.groups[0].staffing = Staffing::Shifts {
        shifts: vec![
            e.shift(16, Some(weekdays.clone())),
            l.shift(14, Some(weekdays)),
            e.shift(10, Some(saturday)),
            nt.shift(3, None),
        ],
        roster,
    };
    s.groups[1].staffing = Staffing::Shifts { shifts: vec![e.shift(8, None), l.shift(6, None)], roster: vec![] };
    s.sites = vec!["milano".into(), "napoli".into()];
    s.regions = vec!["nord".into(), "sud".into()];
    s.groups[0].site = Some(0);
    s.groups[1].site = Some(1);
    s.queues[0].region = Some(0);
    s.queues[1].region = Some(1);
    s.routing.prefer_site = vec![Some(0), Some(1)];
    s.routing.cross_site_after_s = 30.0;
    s
}

fn dated_week(c: &mut Criterion) {
    bench_replication(c, "support_week", &support_week(), 30);
}

fn thousand_replications(c: &mut Criterion) {
    let mut scenario = load("realistic_day.yaml");
    scenario.simulation.replications = 1000;
    let mut g = c.benchmark_group("experiment");
    g.sample_size(10);
    g.bench_function("realistic_day_1000_replications", |b| {
        b.iter(|| black_box(experiment::run(&scenario, None, &|| {}).unwrap()))
    });
    g.finish();
}

/// A 21-point staffing sweep of the realistic day (the 08:00 shift's first crew from 0 to 40
/// agents), 200 replications each, all points scheduled together.
fn staffing_sweep(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/realistic_day.yaml");
    let base = load("realistic_day.yaml");
    let axis = ccsim::sweep::Axis::parse("agents.agents.shifts[0].count=0..40:2").expect("axis");
    let points = ccsim::sweep::grid(&[axis]);
    let scenarios: Vec<ccsim::sweep::PointRun> =
        points.iter().map(|p| ccsim::sweep::scenario_at(&base, &path, &[], None, &[], p).expect("point")).collect();
    let all: Vec<usize> = (0..scenarios.len()).collect();
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.bench_function("realistic_day_21_points_200_replications", |b| {
        b.iter(|| {
            ccsim::sweep::run(&scenarios, &all, 8, &|| {}, |r| {
                black_box(r);
            })
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, single_replication, large_center, dated_week, thousand_replications, staffing_sweep);
criterion_main!(benches);
