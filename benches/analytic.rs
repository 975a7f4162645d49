//! Staffing-requirement throughput: one week of 15-minute intervals (672 requirement searches)
//! with a realistic intraday volume curve (0–400 calls per interval), AHT 240 s, target 80/20.

use std::hint::black_box;

use ccsim::analytic::{ErlangXParams, QueueingModel, StaffingTargets, Traffic, required_agents};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const INTERVAL_S: f64 = 900.0;
const AHT_S: f64 = 240.0;

/// Calls per 15-minute interval over a week (Monday first): open 07:00–22:00, a morning peak
/// around 10:30 and an afternoon peak around 15:00 reaching ~400 calls on weekdays, Saturday at
/// 60 % and Sunday at 30 % of a weekday, closed (0 calls) at night.
fn week_volumes() -> Vec<f64> {
    let bump = |h: f64, centre: f64, width: f64| (-((h - centre) / width).powi(2) / 2.0).exp();
    (0..7 * 96)
        .map(|i| {
            let day = i / 96;
            let hour = f64::from(i % 96) / 4.0 + 0.125;
            if !(7.0..22.0).contains(&hour) {
                return 0.0;
            }
            let shape = 0.15 + bump(hour, 10.5, 1.6) + 0.85 * bump(hour, 15.0, 2.0);
            let day_factor = match day {
                5 => 0.6,
                6 => 0.3,
                _ => 1.0 - 0.04 * f64::from(day),
            };
            (400.0 / 1.16 * shape * day_factor).round()
        })
        .collect()
}

fn bench_week(c: &mut Criterion) {
    let traffic: Vec<Traffic> =
        week_volumes().into_iter().map(|calls| Traffic::from_volume(calls, INTERVAL_S, AHT_S)).collect();
    let targets = StaffingTargets { service_level: Some((20.0, 0.8)), ..StaffingTargets::default() };
    let models = [
        ("erlang_c", QueueingModel::ErlangC),
        ("erlang_a_patience_120s", QueueingModel::ErlangA { mean_patience_s: 120.0 }),
        (
            "erlang_x_patience_120s_lines_redial",
            QueueingModel::ErlangX(ErlangXParams { mean_patience_s: 120.0, lines: Some(130), redial_probability: 0.3 }),
        ),
    ];

    let mut group = c.benchmark_group("required_agents_week_672_intervals");
    group.throughput(Throughput::Elements(traffic.len() as u64));
    for (name, model) in models {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut agent_intervals = 0_u64;
                let mut fractional = 0.0;
                for &tr in &traffic {
                    let r = required_agents(black_box(model), black_box(tr), &targets);
                    agent_intervals += u64::from(r.agents);
                    fractional += r.fractional_agents;
                }
                black_box((agent_intervals, fractional))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_week);
criterion_main!(benches);
