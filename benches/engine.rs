//! Engine speed: one replication of the realistic single-queue day (simulated calls per second
//! on one core, reported by criterion as elements/s), and 1,000 replications in parallel with
//! full statistics (all cores).

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

fn single_replication(c: &mut Criterion) {
    for name in ["realistic_day.yaml", "erlang_c_check.yaml", "multi_skill.yaml"] {
        let scenario = load(name);
        let model = Model::compile(&scenario);
        let mut ws = Workspace::new(&model);
        let mut facts = ReplicationFacts::new(model.total_intervals(), model.queues.len(), model.groups.len());
        run_replication(&model, 0, &mut ws, &mut facts).unwrap();
        let calls: f64 = facts.queues.iter().map(|q| q.offered).sum();
        let mut g = c.benchmark_group("replication");
        g.throughput(Throughput::Elements(calls as u64));
        let mut rep = 0u32;
        g.bench_function(name.trim_end_matches(".yaml"), |b| {
            b.iter(|| {
                rep = rep.wrapping_add(1);
                run_replication(&model, rep, &mut ws, &mut facts).unwrap();
                black_box(&facts);
            })
        });
        g.finish();
    }
}

fn thousand_replications(c: &mut Criterion) {
    let mut scenario = load("realistic_day.yaml");
    scenario.simulation.replications = 1000;
    let mut g = c.benchmark_group("experiment");
    g.sample_size(10);
    g.bench_function("realistic_day_1000_replications", |b| {
        b.iter(|| black_box(experiment::run(&scenario, &|| {}).unwrap()))
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
    let scenarios: Vec<Scenario> =
        points.iter().map(|p| ccsim::sweep::scenario_at(&base, &path, &[], &[], p).expect("point")).collect();
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

criterion_group!(benches, single_replication, thousand_replications, staffing_sweep);
criterion_main!(benches);
