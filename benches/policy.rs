//! Cost of policies: one replication of the realistic single-queue day without a policy, with an
//! interval-level script (`on_interval`, 48 calls a day), with a supervisor on 5-minute ticks,
//! and with scripted routing (`select_agent` + `select_call` on every call).
//! Throughput is simulated calls per second; the per-call cost of a routing hook is the time
//! difference to `none` divided by the calls.

use ccsim::facts::ReplicationFacts;
use ccsim::model::Model;
use ccsim::scenario::Scenario;
use ccsim::script::policy::PolicyScript;
use ccsim::sim::{Workspace, run_replication};
use criterion::{Criterion, Throughput, criterion_group};
use std::hint::black_box;
use std::path::Path;

// The hooks read the live state like a supervisor would; their conditions never hold here, so
// the simulated day is the same as without a policy and only the cost of the hooks shows.
const INTERVAL: &str = r#"
fn on_interval(ctx) {
    let q = ctx.queue("support");
    if q.sl_interval < 0.2 && ctx.group("agents").idle > 1000 { ctx.postpone_breaks("agents", "5m"); }
}"#;

// The same reading over every queue, in a loop: outside the native subset.
const INTERVAL_LOOP: &str = r#"
fn on_interval(ctx) {
    for id in ctx.queues {
        let q = ctx.queue(id);
        if q.sl_interval < 0.2 && ctx.group("agents").idle > 1000 { ctx.postpone_breaks("agents", "5m"); }
    }
}"#;

const TICK: &str = r#"
fn on_tick(ctx) {
    let q = ctx.queue("support");
    if q.sl_interval < 0.2 && q.waiting > 1000 { ctx.postpone_breaks("agents", "10m"); }
}"#;

const ROUTING: &str = r#"
fn select_agent(ctx, c) { "agents" }
fn select_call(ctx, agent) { "support" }
"#;

fn with_script(base: &Scenario, text: &str, tick_s: Option<f64>) -> Model {
    with_script_in(base, text, tick_s, true)
}

/// The model of `base` with the policy script `text`; `fast`: hooks inside the native subset run
/// natively (as in `ccsim`), else every hook runs in Rhai.
fn with_script_in(base: &Scenario, text: &str, tick_s: Option<f64>, fast: bool) -> Model {
    let mut s = base.clone();
    let mut p = PolicyScript::compile(text, Path::new("bench.rhai"), vec![]).expect("compiles");
    p.set_fast_path(fast);
    s.policy = Some(ccsim::scenario::PolicyConfig { script: Some("bench.rhai".into()), tick_s, builtins: vec![] });
    Model::compile(&s, Some(&p)).expect("binds")
}

fn policies(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/realistic_day.yaml");
    let base = Scenario::load(&path).expect("bundled scenario loads");
    let cases = [
        ("none", Model::compile(&base, None).expect("model")),
        ("on_interval_script", with_script(&base, INTERVAL, None)),
        ("on_tick_5m_script", with_script(&base, TICK, Some(300.0))),
        ("select_agent_and_call_script", with_script(&base, ROUTING, None)),
    ];
    let mut g = c.benchmark_group("policy_realistic_day");
    for (name, model) in cases {
        let mut ws = Workspace::new(&model);
        let mut facts = ReplicationFacts::new(model.total_intervals(), model.queues.len(), model.groups.len());
        run_replication(&model, 0, &mut ws, &mut facts).expect("runs");
        let calls: f64 = facts.queues.iter().map(|q| q.offered).sum();
        g.throughput(Throughput::Elements(calls as u64));
        let mut rep = 0u32;
        g.bench_function(name, |b| {
            b.iter(|| {
                rep = rep.wrapping_add(1) % 64; // the same 64 days for every case
                run_replication(&model, rep, &mut ws, &mut facts).expect("runs");
                black_box(&facts);
            })
        });
    }
    g.finish();
}

/// One hook call on its own: the script's `on_interval` above with a day's snapshot, and a
/// routing hook.
fn hook_calls(c: &mut Criterion) {
    use ccsim::policy::{PolicyFactory, Snapshot};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/realistic_day.yaml");
    let base = Scenario::load(&path).expect("bundled scenario loads");
    let snap = Snapshot {
        time_s: 3600.0,
        day: 0,
        interval: 4,
        queues: vec![Default::default(); base.queues.len()],
        groups: vec![Default::default(); base.groups.len()],
    };
    let mut g = c.benchmark_group("policy_hook_call");
    let iv = PolicyScript::compile(INTERVAL, Path::new("bench.rhai"), vec![])
        .and_then(|p| p.bind_to(&base, None))
        .expect("compiles");
    let mut p = iv.start(0);
    let mut out = Vec::new();
    g.bench_function("on_interval_script", |b| {
        b.iter(|| {
            p.on_interval(black_box(&snap), &mut out).expect("runs");
            out.clear();
        })
    });
    let empty = PolicyScript::compile("fn on_interval(ctx) { }", Path::new("bench.rhai"), vec![])
        .and_then(|p| p.bind_to(&base, None))
        .expect("compiles");
    let mut pe = empty.start(0);
    g.bench_function("on_interval_empty_script", |b| {
        b.iter(|| {
            pe.on_interval(black_box(&snap), &mut out).expect("runs");
        })
    });
    g.bench_function("start_replication_script", |b| b.iter(|| black_box(iv.start(black_box(3)))));
    let rt = PolicyScript::compile(ROUTING, Path::new("bench.rhai"), vec![])
        .and_then(|p| p.bind_to(&base, None))
        .expect("compiles");
    let mut p = rt.start(0);
    g.bench_function("select_agent_script", |b| {
        b.iter(|| black_box(p.select_agent(black_box(&snap), 0, &mut out).expect("runs")))
    });
    g.finish();
}

/// Replications per timed block of [`interval_hook_overhead`].
const BLOCK: u32 = 20;
/// Blocks per case.
const BLOCKS: u32 = 40;

/// The overhead of interval-level hooks as a share of engine time, measured A/B on one core:
/// blocks of the same replications of the realistic day without a policy and with the
/// `on_interval` script (48 calls a day), the `on_tick` script every 5 minutes (144 calls a
/// day) and others, in ABBA order; the median ratio over the blocks, with its quartiles.
/// Interleaving cancels the drift of a shared machine that separate criterion runs suffer from,
/// and the median ignores the blocks a neighbour disturbed. The denominator is engine time
/// only (no statistics), so the share of a whole `ccsim run` is smaller.
fn interval_hook_overhead() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/realistic_day.yaml");
    let base = Scenario::load(&path).expect("bundled scenario loads");
    let plain = Model::compile(&base, None).expect("model");
    for (name, model) in [
        ("on_interval_script", with_script(&base, INTERVAL, None)),
        ("on_interval_script_in_rhai", with_script_in(&base, INTERVAL, None, false)),
        ("on_interval_empty_script", with_script(&base, "fn on_interval(ctx) { }", None)),
        ("on_interval_empty_script_in_rhai", with_script_in(&base, "fn on_interval(ctx) { }", None, false)),
        // outside the native subset (a loop): the whole hook runs in Rhai
        ("on_interval_loop_script", with_script(&base, INTERVAL_LOOP, None)),
        // no ctx call at all: what it costs to run any statement of a hook inside the simulation
        (
            "on_interval_arithmetic_script",
            with_script(&base, "fn on_interval(ctx) { let x = 1.0; x = x * 2.0 + 1.0; if x > 3.0 { x = 0.0; } }", None),
        ),
        ("on_tick_5m_script", with_script(&base, TICK, Some(300.0))),
        ("on_tick_5m_script_in_rhai", with_script_in(&base, TICK, Some(300.0), false)),
        ("builtin_on_interval", {
            let mut b = base.clone();
            b.policy = Some(ccsim::scenario::PolicyConfig {
                script: None,
                tick_s: None,
                builtins: vec![ccsim::scenario::BuiltinPolicy::Callback {
                    queue: 0,
                    max_wait_s: f64::INFINITY,
                    acceptance: 0.0,
                }],
            });
            Model::compile(&b, None).expect("model")
        }),
    ] {
        let mut ws = Workspace::new(&plain);
        let mut facts = ReplicationFacts::new(plain.total_intervals(), 1, 1);
        let mut block = |m: &Model, first: u32| {
            let t = std::time::Instant::now();
            for rep in first..first + BLOCK {
                run_replication(m, rep, &mut ws, &mut facts).expect("runs");
            }
            t.elapsed().as_secs_f64()
        };
        // ABBA order: a drift in the machine's speed within a pair cancels out
        let mut ratios: Vec<f64> = (0..BLOCKS)
            .map(|b| {
                let first = b * BLOCK;
                let (a1, p1) = (block(&plain, first), block(&model, first));
                let (p2, a2) = (block(&model, first), block(&plain, first));
                (p1 + p2) / (a1 + a2)
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        let q = |f: f64| (ratios[((ratios.len() - 1) as f64 * f).round() as usize] - 1.0) * 100.0;
        println!(
            "policy_overhead/realistic_day/{name}: {:+.1}% engine time (median of {BLOCKS} ABBA blocks of {BLOCK} \
             replications; quartiles {:+.1}% to {:+.1}%)",
            q(0.5),
            q(0.25),
            q(0.75)
        );
    }
}

criterion_group!(benches, policies, hook_calls);

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if filter.as_deref().is_none_or(|f| "policy_overhead".contains(f)) && !std::env::args().any(|a| a == "--list") {
        interval_hook_overhead();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
