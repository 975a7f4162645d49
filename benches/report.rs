//! Report speed (issue 16): the HTML report (every section, every chart drawn as SVG) and the
//! XLSX workbook of the support week's result (2 queues × 7 days × 24 half-hours), and the
//! variance of the bundled actuals (the plan and its four substitutions simulated, 20
//! replications). Each iteration renders from results in memory; simulating the run is outside
//! the timed part except for the variance, whose work is the simulation.

use std::hint::black_box;
use std::path::Path;

use ccsim::report::html::{Audience, run_report};
use ccsim::report::{Format, report};
use ccsim::scenario::Scenario;
use criterion::{Criterion, criterion_group, criterion_main};

fn week() -> (Scenario, ccsim::experiment::RunResult) {
    let mut s = Scenario::load(Path::new("scenarios/support_week.yaml")).expect("the bundled week loads");
    s.simulation.replications = 10;
    let r = ccsim::experiment::run(&s, None, &|| {}).expect("the week runs");
    (s, r)
}

fn bench_render(c: &mut Criterion) {
    let (s, r) = week();
    let mut group = c.benchmark_group("report_render");
    group.sample_size(10);
    group.bench_function("html_week_all_sections", |b| b.iter(|| black_box(run_report(&r, &s, Audience::All))));
    let xlsx = report(Format::Xlsx);
    group.bench_function("xlsx_week", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            xlsx.write(&r, true, &mut out).expect("writes");
            black_box(out)
        })
    });
    group.finish();
}

fn bench_variance(c: &mut Criterion) {
    let mut plan = Scenario::load(Path::new("scenarios/support_week.yaml")).expect("the bundled week loads");
    plan.simulation.replications = 20;
    let actuals = ccsim::variance::actuals::load(Path::new("scenarios/support_week.actuals.csv"), &plan)
        .expect("the bundled actuals load");
    let mut group = c.benchmark_group("variance");
    group.sample_size(10);
    group.bench_function("support_week_20_reps", |b| {
        b.iter(|| black_box(ccsim::variance::variance(&plan, None, &actuals, &|| {}).expect("simulates")))
    });
    group.finish();
}

criterion_group!(benches, bench_render, bench_variance);
criterion_main!(benches);
