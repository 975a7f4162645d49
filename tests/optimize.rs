//! `ccsim optimize`: simulation-based staffing agrees with Erlang C where Erlang C holds, meets
//! its criterion again with fresh random numbers (not only on the replications it decided
//! on), says "misses by" when a mean misses, reports its cost, and asks more of a probability
//! criterion.

use assert_cmd::Command;
use ccsim::experiment;
use ccsim::kpi::queue::SL;
use ccsim::optimize::{Criterion, Options, per_interval};
use ccsim::scenario::parse_str;
use serde_json::Value;
use std::path::Path;

const SLICE: &str = r#"
name: Erlang C slice
horizon: { start: "08:00", end: "10:00", interval: 30m }
queues:
  - id: support
    arrivals: { per_interval: [100, 150, 200, 120] }
    handle_time: { dist: exponential, mean: 180s }
    service_level: { answered_within: 20s, target: 0.80 }
agents:
  - group: team
    skills: [support]
    count: 12
simulation: { replications: 100, seed: 3 }
"#;

#[test]
fn agrees_with_erlang_c_within_one_agent_and_holds_with_fresh_random_numbers() {
    let s = parse_str(SLICE, Path::new("slice.yaml")).unwrap();
    let o = per_interval(&s, None, Options::new(&s, Criterion::Mean), &|| {}).unwrap();
    assert!(o.met);
    assert_eq!(o.rows.len(), 4);
    for r in &o.rows {
        assert!((i64::from(r.agents) - i64::from(r.erlang_agents)).abs() <= 1, "{r:?}");
    }
    // fresh random numbers, more replications: every interval's mean SL meets the target
    // within the statistical tolerance (that run's CI half-width)
    let mut check = o.scenario.clone();
    check.simulation.seed = 999;
    check.simulation.replications = 400;
    let r = experiment::run(&check, None, &|| {}).unwrap();
    for row in &r.intervals {
        let e = &row.kpis[SL];
        assert!(e.mean >= 0.80 - e.half_width(), "{} SL {e:?}", row.start);
    }
}

#[test]
fn a_probability_criterion_asks_for_at_least_as_many_agents() {
    let s = parse_str(SLICE, Path::new("slice.yaml")).unwrap();
    let mean: u32 =
        per_interval(&s, None, Options::new(&s, Criterion::Mean), &|| {}).unwrap().rows.iter().map(|r| r.agents).sum();
    let p90: u32 = per_interval(&s, None, Options::new(&s, Criterion::Probability(0.9)), &|| {})
        .unwrap()
        .rows
        .iter()
        .map(|r| r.agents)
        .sum();
    assert!(p90 > mean, "p90 {p90} vs mean {mean}");
    assert_eq!(Criterion::parse("p90"), Ok(Criterion::Probability(0.9)));
    assert!(Criterion::parse("p100").is_err() && Criterion::parse("median").is_err());
}

#[test]
fn the_command_line_reports_curves_simulations_and_a_staffing_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("slice.yaml");
    std::fs::write(&f, SLICE).unwrap();
    let st = dir.path().join("staffing.yaml");
    let out = Command::cargo_bin("ccsim")
        .unwrap()
        .args(["optimize", f.to_str().unwrap(), "-q", "--format", "json", "--emit-staffing", st.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["intervals"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["group"], "team");
    assert_eq!(rows[0]["start"], "08:00");
    assert!(rows[0]["erlang_agents"].as_u64().unwrap() > 0 && rows[0]["service_level"]["mean"].is_number());
    assert!(v["simulations"].as_u64().unwrap() >= 1);
    let agents: Vec<String> = rows.iter().map(|r| r["agents"].to_string()).collect();
    let text = std::fs::read_to_string(&st).unwrap();
    assert!(text.contains(&format!("team: [{}]", agents.join(", "))), "{text}");
    let out = Command::cargo_bin("ccsim")
        .unwrap()
        .args(["run", f.to_str().unwrap(), "--staffing", st.to_str().unwrap(), "-q", "-n", "10"])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn by_group_shifts_each_curve_until_the_day_meets_its_targets() {
    let s = parse_str(SLICE, Path::new("slice.yaml")).unwrap();
    let o = ccsim::optimize::per_group(&s, None, Options::new(&s, Criterion::Mean), &|| {}).unwrap();
    assert!(o.met && ccsim::optimize::day_meets(&o.scenario, &o.verification.result, Criterion::Mean));
    // one offset for the whole day: the difference to Erlang is the same in every interval
    let d: Vec<i64> = o.rows.iter().map(|r| i64::from(r.agents) - i64::from(r.erlang_agents)).collect();
    assert!(d.iter().all(|x| *x == d[0]), "{d:?}");
}

/// The issue's case: a rising-and-falling single-queue day, 30-minute intervals, 240 s
/// exponential handle time, 80/20, 100 replications. With seed 7 the old search (remove
/// agents while the same replications still meet) kept 11 agents at 08:00, whose SL on fresh
/// random numbers is 0.772 ± 0.020.
const RISE_AND_FALL: &str = r#"
name: Rise and fall
horizon: { start: "08:00", end: "11:00", interval: 30m }
queues:
  - id: support
    arrivals: { per_interval: [70, 120, 160, 200, 140, 90] }
    handle_time: { dist: exponential, mean: 240s }
    service_level: { answered_within: 20s, target: 0.80 }
agents:
  - group: team
    skills: [support]
    cost_per_hour: 20
    count: 12
simulation: { replications: 100, seed: 7 }
"#;

fn ccsim(args: &[&str]) -> std::process::Output {
    let out = Command::cargo_bin("ccsim").unwrap().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn the_emitted_staffing_meets_every_interval_again_with_fresh_random_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("rise.yaml");
    std::fs::write(&f, RISE_AND_FALL).unwrap();
    let st = dir.path().join("staffing.yaml");
    let (f, st) = (f.to_str().unwrap(), st.to_str().unwrap());
    let out = ccsim(&["optimize", f, "-q", "--format", "json", "--emit-staffing", st]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // the verdict comes from the verification with fresh random numbers, and its means meet
    assert_eq!(v["verification"]["meets"], true, "{}", v["verdict"]);
    assert_eq!(v["met"], true);
    assert!(v["verdict"].as_str().unwrap().starts_with("the means meet every target"), "{}", v["verdict"]);
    for row in v["verification"]["result"]["intervals"].as_array().unwrap() {
        assert!(row["service_level"]["mean"].as_f64().unwrap() >= 0.80, "{row}");
    }
    // a third stream (neither the search's nor the verification's), 400 replications: every
    // interval's mean SL reaches the target within that run's own CI half-width (±0.02 here;
    // the old search gave 0.772 ± 0.020 at 08:00, which fails this)
    let out = ccsim(&["run", f, "--staffing", st, "-q", "-n", "400", "--seed", "999", "--format", "json"]);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = r["intervals"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    for row in rows {
        let e = &row["service_level"];
        let (mean, lo, hi) =
            (e["mean"].as_f64().unwrap(), e["ci_low"].as_f64().unwrap(), e["ci_high"].as_f64().unwrap());
        assert!(hi - lo < 0.05, "{row}");
        assert!(mean >= 0.80 - (hi - lo) / 2.0, "{} SL {mean:.3} [{lo:.3}, {hi:.3}]", row["start"]);
    }
}

#[test]
fn a_mean_below_target_is_reported_as_a_miss_whatever_the_ci() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("rise.yaml");
    std::fs::write(&f, RISE_AND_FALL).unwrap();
    let f = f.to_str().unwrap();
    // 18 agents at most: the 09:00 and 09:30 peaks cannot be served at 80/20
    let args = ["optimize", f, "-q", "--max-agents", "18", "-n", "20", "--verify-rounds", "1"];
    let out = ccsim(&[&args[..], &["--format", "json"]].concat());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["met"], false);
    assert_eq!(v["within_cap"], false);
    assert_eq!(v["verification"]["meets"], false);
    let sf = v["verification"]["shortfalls"].as_array().unwrap();
    assert!(sf.iter().any(|x| x["start"] == "09:30" && x["kpi"] == "service_level"), "{sf:?}");
    assert!(sf.iter().any(|x| x["start"] == "day"), "{sf:?}");
    for x in sf {
        assert!(x["mean"].as_f64().unwrap() < x["target"].as_f64().unwrap() && x["by"].as_f64().unwrap() > 0.0);
        assert!(x["text"].as_str().unwrap().contains("misses the 80 % target by"), "{x}");
    }
    let text = String::from_utf8(ccsim(&args).stdout).unwrap();
    assert!(text.contains("targets missed; the worst: ") && text.contains("misses the 80 % target by"), "{text}");
    assert!(!text.contains("within its") && !text.contains("meets the criterion"), "{text}");
}

#[test]
fn the_json_reports_the_cost_of_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("rise.yaml");
    std::fs::write(&f, RISE_AND_FALL).unwrap();
    let out = ccsim(&["optimize", f.to_str().unwrap(), "-q", "--format", "json", "-n", "20"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // every agent of the curve is paid for its half hour at 20 per hour
    let agents: f64 = v["intervals"].as_array().unwrap().iter().map(|r| r["agents"].as_f64().unwrap()).sum();
    assert_eq!(v["agent_intervals"].as_f64().unwrap(), agents);
    // (plus the minutes agents spend finishing the calls they hold at closing time)
    let hours = v["agent_hours_per_day"].as_f64().unwrap();
    assert!(hours >= agents * 0.5 && hours < agents * 0.5 + 1.0, "{hours} vs {agents}");
    let cost = v["cost_per_day"]["mean"].as_f64().unwrap();
    assert!((cost - hours * 20.0).abs() < 1e-6, "{cost} vs {hours}");
    assert!(v["replications_simulated"].as_u64().unwrap() >= 20 * v["simulations"].as_u64().unwrap());
}
