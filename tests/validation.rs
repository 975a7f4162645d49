//! Statistical validation of the engine against closed forms: Erlang C (M/M/c) and Erlang A
//! (M/M/c+M) on small (2 agents), medium (~20) and large (~300) systems.
//!
//! Each case simulates a long steady-state horizon with a warm-up, with a fixed seed, and
//! requires the exact value to lie within two half-widths of the reported 95 % confidence
//! interval (about four standard errors: a correct model fails with probability ~1e-4, and
//! since seeds are fixed the outcome never changes from run to run). Each case also checks
//! that this tolerance is at most half the change that k agents more or fewer would make
//! (k = 1, or 1 % of the agents in large systems), so the test could not pass a wrong model.

use ccsim::analytic::{self, Kpis, Traffic};
use ccsim::experiment::{self, RunResult};
use ccsim::scenario::parse_str;
use ccsim::stats::Estimate;
use std::path::Path;

struct Case {
    name: &'static str,
    agents: u32,
    rate_per_hour: f64,
    aht_s: f64,
    patience_s: Option<f64>,
    threshold_s: f64,
    hours: u32,
    warmup_hours: u32,
    replications: u32,
}

fn simulate(c: &Case) -> RunResult {
    let patience =
        c.patience_s.map_or(String::new(), |p| format!("    patience: {{ dist: exponential, mean: {p} }}\n"));
    let yaml = format!(
        "name: {name}\n\
         horizon: {{ start: \"00:00\", end: \"{end:02}:00\", interval: 1h }}\n\
         queues:\n  - id: q\n    arrivals: {{ rate_per_hour: {rate} }}\n    handle_time: {{ dist: exponential, mean: {aht} }}\n{patience}    service_level: {{ answered_within: {t}, target: 0.8 }}\n\
         agents:\n  - group: g\n    skills: [q]\n    count: {agents}\n\
         simulation: {{ replications: {reps}, seed: 20261127, warmup: {w}h }}\n",
        name = c.name,
        end = c.hours,
        rate = c.rate_per_hour,
        aht = c.aht_s,
        t = c.threshold_s,
        agents = c.agents,
        reps = c.replications,
        w = c.warmup_hours,
    );
    let scenario = parse_str(&yaml, Path::new("validation.yaml")).expect("valid test scenario");
    experiment::run(&scenario, None, &|| {}).unwrap()
}

fn kpi<'a>(r: &'a RunResult, name: &str) -> &'a Estimate {
    &r.queues[0].kpis[name]
}

fn exact(c: &Case, agents: u32) -> Kpis {
    let traffic = Traffic { arrival_rate_per_s: c.rate_per_hour / 3600.0, mean_handle_s: c.aht_s };
    match c.patience_s {
        None => analytic::erlang_c(agents, traffic, c.threshold_s),
        Some(p) => analytic::erlang_a(agents, traffic, p, c.threshold_s),
    }
}

/// Asserts `exact` within two CI half-widths of the simulated estimate, and that this tolerance
/// is at most half of `power` (the change k agents make), so a wrong model would fail.
fn check(case: &str, what: &str, sim: &Estimate, exact: f64, power: f64) {
    let tol = 2.0 * sim.half_width();
    println!(
        "{case:>14} {what:>14}: simulated {:.5} ±{:.5}, exact {exact:.5}, k agents change it by {power:.5}",
        sim.mean,
        sim.half_width()
    );
    assert!(tol.is_finite() && tol > 0.0, "{case} {what}: no confidence interval");
    assert!(
        (sim.mean - exact).abs() <= tol,
        "{case} {what}: simulated {} ±{} but exact {exact}",
        sim.mean,
        sim.half_width()
    );
    assert!(tol <= power / 2.0, "{case} {what}: tolerance {tol} too loose to detect a k-agent error ({power})");
}

fn validate(c: &Case) {
    let r = simulate(c);
    let e = exact(c, c.agents);
    let k = (c.agents / 100).max(1);
    let fewer = exact(c, c.agents - k);
    let more = exact(c, c.agents + k);
    let power = |f: fn(&Kpis) -> f64| (f(&fewer) - f(&e)).abs().min((f(&more) - f(&e)).abs());
    check(c.name, "service_level", kpi(&r, "service_level"), e.service_level, power(|k| k.service_level));
    check(c.name, "p_wait", kpi(&r, "p_wait"), e.p_wait, power(|k| k.p_wait));
    check(c.name, "asa_seconds", kpi(&r, "asa_seconds"), e.asa_s, power(|k| k.asa_s));
    check(c.name, "occupancy", kpi(&r, "occupancy"), e.occupancy, power(|k| k.occupancy));
    if c.patience_s.is_some() {
        check(c.name, "abandon_rate", kpi(&r, "abandon_rate"), e.p_abandon, power(|k| k.p_abandon));
    } else {
        assert_eq!(kpi(&r, "abandoned").mean, 0.0, "infinite patience never abandons");
    }
}

#[test]
fn erlang_c_small_two_agents() {
    validate(&Case {
        name: "M/M/2",
        agents: 2,
        rate_per_hour: 30.0,
        aht_s: 180.0,
        patience_s: None,
        threshold_s: 20.0,
        hours: 24,
        warmup_hours: 8,
        replications: 400,
    });
}

#[test]
fn erlang_c_medium_twenty_agents() {
    validate(&Case {
        name: "M/M/20",
        agents: 20,
        rate_per_hour: 340.0,
        aht_s: 180.0,
        patience_s: None,
        threshold_s: 20.0,
        hours: 24,
        warmup_hours: 2,
        replications: 100,
    });
}

#[test]
fn erlang_c_large_three_hundred_agents() {
    validate(&Case {
        name: "M/M/300",
        agents: 300,
        rate_per_hour: 5_700.0,
        aht_s: 180.0,
        patience_s: None,
        threshold_s: 20.0,
        hours: 12,
        warmup_hours: 1,
        replications: 160,
    });
}

#[test]
fn erlang_a_small_two_agents() {
    validate(&Case {
        name: "M/M/2+M",
        agents: 2,
        rate_per_hour: 40.0,
        aht_s: 180.0,
        patience_s: Some(120.0),
        threshold_s: 20.0,
        hours: 24,
        warmup_hours: 4,
        replications: 400,
    });
}

/// The published Erlang A example: 100 calls per 30 minutes, AHT 180 s, 13 agents, mean
/// patience 3 minutes (SL ≈ 0.875, P(abandon) ≈ 0.032).
#[test]
fn erlang_a_medium_published_example() {
    validate(&Case {
        name: "M/M/13+M",
        agents: 13,
        rate_per_hour: 200.0,
        aht_s: 180.0,
        patience_s: Some(180.0),
        threshold_s: 20.0,
        hours: 24,
        warmup_hours: 2,
        replications: 150,
    });
}

/// Critically loaded: offered load equals the agents, only abandonment keeps it stable.
#[test]
fn erlang_a_large_three_hundred_agents_overloaded() {
    validate(&Case {
        name: "M/M/300+M",
        agents: 300,
        rate_per_hour: 6_000.0,
        aht_s: 180.0,
        patience_s: Some(300.0),
        threshold_s: 20.0,
        hours: 8,
        warmup_hours: 1,
        replications: 120,
    });
}
