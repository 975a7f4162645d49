//! `ccsim variance`: actuals generated from the plan attribute exactly nothing; one inflated
//! input (volume, handle time, staffing) is attributed to its own cause; the parts add up to
//! the gap; bad actuals are reported cell by cell; same seed, same output for any thread count.

use assert_cmd::Command;
use ccsim::scenario::{Scenario, parse_str};
use ccsim::stats::Estimate;
use ccsim::variance::{self, Variance, actuals, planned_aht_s, planned_staffing};
use std::fmt::Write as _;
use std::path::Path;

/// One undated day, one queue served by one group of 12 agents at about 83 % load.
const SMALL: &str = r#"
name: Small
horizon: { start: "08:00", end: "12:00", interval: 30m }
queues:
  - id: support
    arrivals: { daily_total: 600, profile: [1, 1, 1, 1, 1, 1, 1, 1] }
    handle_time: { dist: lognormal, mean: 240s, cv: 1.0 }
    patience: { dist: exponential, mean: 120s }
    service_level: { answered_within: 20s, target: 0.80 }
agents:
  - group: team
    skills: [support]
    count: 12
simulation: { replications: 30, seed: 5 }
"#;

fn small() -> Scenario {
    parse_str(SMALL, Path::new("small.yaml")).expect("valid scenario")
}

fn bundled(name: &str) -> Scenario {
    Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)).expect("bundled scenario")
}

/// Actuals of every open interval and queue of `plan`: offered = planned volume × `volume`,
/// AHT = planned AHT × `aht`, staffing of every group per interval = `staff(planned)`; the
/// outcome columns are placeholders (they do not enter the attribution).
fn actuals_csv(plan: &Scenario, volume: f64, aht: f64, staff: impl Fn(f64) -> f64) -> String {
    let h = &plan.horizon;
    let mut out = String::from("date,interval,queue,offered,handled,abandoned,answered_within,aht_s,group,staffed\n");
    let curves: Vec<Vec<f64>> = (0..plan.groups.len()).map(|g| planned_staffing(plan, g)).collect();
    for i in 0..h.total_intervals() {
        let (d, t) = h.interval_start(i);
        if !h.is_open(d as usize) {
            continue;
        }
        let date = h.date(d as usize).map_or((d + 1).to_string(), |x| x.to_string());
        let clock = ccsim::time::format_clock(t);
        for (q, queue) in plan.queues.iter().enumerate() {
            let offered = queue.volumes[i] * volume;
            let handled = offered.floor();
            let a = planned_aht_s(plan, q) * aht;
            writeln!(out, "{date},{clock},{},{offered},{handled},0,0,{a},,", queue.id).unwrap();
        }
        for (group, curve) in plan.groups.iter().zip(&curves) {
            writeln!(out, "{date},{clock},,,,,,,{},{}", group.id, staff(curve[i])).unwrap();
        }
    }
    out
}

fn run(plan: &Scenario, csv: &str) -> Variance {
    let a = actuals::parse_str(csv, Path::new("actuals.csv"), plan).expect("valid actuals");
    variance::variance(plan, None, &a, &|| {}).expect("simulates")
}

/// Exactly zero in every replication: mean 0 and CI [0, 0] (or undefined: no calls at all).
fn exactly_zero(e: &Estimate) -> bool {
    (e.mean == 0.0 && e.ci_low == 0.0 && e.ci_high == 0.0) || e.mean.is_nan()
}

/// Every attributed part of every scope (interval, day, whole) except `except`'s.
fn assert_parts_zero(v: &Variance, except: Option<&str>) {
    for r in v.queues.iter().chain(&v.days).chain(&v.intervals) {
        for a in &r.attribution {
            let parts = [("volume", &a.volume), ("handle time", &a.handle_time), ("staffing", &a.staffing)];
            for (name, e) in parts {
                if Some(name) != except {
                    assert!(exactly_zero(e), "{} {} {}: {name} attributes {e:?}", r.label, r.queue, a.kpi);
                }
            }
            assert!(exactly_zero(&a.interaction), "{} {} {}: interaction {:?}", r.label, r.queue, a.kpi, a.interaction);
        }
    }
}

/// The SL attribution of the whole comparison of `queue`.
fn sl_whole<'a>(v: &'a Variance, queue: &str) -> &'a variance::Attribution {
    let r = v.queues.iter().find(|r| r.queue == queue).expect("queue scope");
    r.attribution.iter().find(|a| a.kpi == "service_level").expect("SL attribution")
}

/// actual − planned = volume + handle time + staffing + interaction + other, on day scopes.
fn assert_parts_add_up(v: &Variance) {
    for r in v.days.iter().chain(&v.queues) {
        for a in &r.attribution {
            let (Some(actual), Some(other)) = (a.actual, &a.other) else { continue };
            if a.planned.mean.is_nan() {
                continue;
            }
            let parts = a.volume.mean + a.handle_time.mean + a.staffing.mean + a.interaction.mean + other.mean;
            let gap = actual - a.planned.mean;
            assert!(
                (parts - gap).abs() <= 1e-9 * (1.0 + gap.abs() + actual.abs()),
                "{} {}: {parts} vs {gap}",
                r.label,
                a.kpi
            );
        }
    }
}

#[test]
fn actuals_equal_to_the_plan_attribute_exactly_nothing() {
    for plan in [small(), {
        let mut s = bundled("support_week.yaml");
        s.simulation.replications = 12;
        s
    }] {
        let v = run(&plan, &actuals_csv(&plan, 1.0, 1.0, |p| p));
        assert!(v.substituted.is_empty(), "{}: nothing differs from the plan, got {:?}", plan.name, v.substituted);
        assert_parts_zero(&v, None);
        // the all-substituted simulation is the plan itself
        for r in &v.days {
            for a in &r.attribution {
                assert_eq!(a.all_substituted.mean.to_bits(), a.planned.mean.to_bits(), "{} {}", r.label, a.kpi);
            }
        }
        assert_parts_add_up(&v);
    }
}

#[test]
fn inflated_volume_is_attributed_to_volume() {
    let plan = small();
    let v = run(&plan, &actuals_csv(&plan, 1.15, 1.0, |p| p));
    assert_eq!(v.substituted, ["volume"]);
    assert_parts_zero(&v, Some("volume"));
    let sl = sl_whole(&v, "support");
    assert!(sl.volume.ci_high < 0.0, "15 % more calls lower the SL significantly: {:?}", sl.volume);
    // and the substituted simulation is the plan with 15 % more expected calls
    let offered = v.queues[0].kpis.iter().find(|k| k.kpi == "offered").unwrap();
    let expected: f64 = plan.queues[0].volumes.iter().sum::<f64>() * 1.15;
    assert!((offered.actual.unwrap() - expected).abs() < 1e-6);
    assert!(sl.all_substituted.mean < sl.planned.mean);
    let asa = v.queues[0].attribution.iter().find(|a| a.kpi == "asa_seconds").unwrap();
    assert!(asa.volume.ci_low > 0.0, "more calls, longer waits: {:?}", asa.volume);
    assert_parts_add_up(&v);
}

#[test]
fn longer_handle_times_are_attributed_to_handle_time() {
    let plan = small();
    let v = run(&plan, &actuals_csv(&plan, 1.0, 1.10, |p| p));
    assert_eq!(v.substituted, ["handle time"]);
    assert_parts_zero(&v, Some("handle time"));
    let sl = sl_whole(&v, "support");
    assert!(sl.handle_time.ci_high < 0.0, "10 % longer calls lower the SL significantly: {:?}", sl.handle_time);
    let aht = v.queues[0].kpis.iter().find(|k| k.kpi == "aht_seconds").unwrap();
    assert!((aht.actual.unwrap() / aht.planned.mean - 1.10).abs() < 1e-9);
    assert!((v.queues[0].inputs.handle_time.unwrap() - 0.10).abs() < 1e-9);
    assert_parts_add_up(&v);
}

#[test]
fn missing_agents_are_attributed_to_staffing() {
    let plan = small();
    let v = run(&plan, &actuals_csv(&plan, 1.0, 1.0, |p| p - 2.0));
    assert_eq!(v.substituted, ["staffing"]);
    assert_parts_zero(&v, Some("staffing"));
    let sl = sl_whole(&v, "support");
    assert!(sl.staffing.ci_high < 0.0, "2 agents fewer lower the SL significantly: {:?}", sl.staffing);
    assert!((v.queues[0].inputs.staffing.unwrap() + 2.0 / 12.0).abs() < 1e-9);
    let day = v.staffing.iter().find(|s| s.scope == "day").unwrap();
    assert_eq!((day.actual, day.planned), (40.0, 48.0), "agent-hours over 4 hours");
    assert_parts_add_up(&v);
}

#[test]
fn all_three_together_show_their_interaction_with_a_ci() {
    let plan = small();
    let v = run(&plan, &actuals_csv(&plan, 1.12, 1.06, |p| p - 1.0));
    assert_eq!(v.substituted, ["volume", "handle time", "staffing"]);
    let sl = sl_whole(&v, "support");
    for (name, e) in [("volume", &sl.volume), ("handle time", &sl.handle_time), ("staffing", &sl.staffing)] {
        assert!(e.ci_high < 0.0, "{name}: {e:?}");
    }
    // the causes do not simply add up on a loaded queue: the interaction is a paired
    // difference of its own, with its CI
    assert!(sl.interaction.mean != 0.0, "{:?}", sl.interaction);
    assert!(sl.interaction.ci_low < sl.interaction.ci_high, "{:?}", sl.interaction);
    assert_parts_add_up(&v);
    let h = v.days[0].headline.as_deref().unwrap();
    assert!(h.starts_with("d1 support missed 80/20 by"), "{h}");
    assert!(h.contains("volume +12 % explains") && h.contains("handle time +6 % explains"), "{h}");
}

#[test]
fn staffing_changed_on_one_day_leaves_the_other_days_exactly_as_planned() {
    let mut plan = bundled("support_week.yaml");
    plan.simulation.replications = 8;
    // actuals for Monday and Wednesday; two milano agents missing on Wednesday only
    let wed = plan.horizon.resolve(ccsim::calendar::DayRef::parse("Wed").unwrap()).unwrap()[0];
    let n = plan.horizon.intervals_per_day();
    let milano = plan.group_index("milano").unwrap();
    let curve = planned_staffing(&plan, milano);
    let mut csv = actuals_csv(&plan, 1.0, 1.0, |p| p)
        .lines()
        .filter(|l| !l.contains(",napoli,") && !l.contains(",milano,"))
        .collect::<Vec<_>>()
        .join("\n");
    csv.push('\n');
    let date = plan.horizon.date(wed).unwrap();
    for k in 0..n {
        let i = wed * n + k;
        let t = ccsim::time::format_clock(plan.horizon.interval_start(i).1);
        writeln!(csv, "{date},{t},,,,,,,milano,{}", (curve[i] - 2.0).max(0.0)).unwrap();
    }
    let v = run(&plan, &csv);
    assert_eq!(v.substituted, ["staffing"]);
    for r in v.days.iter().chain(&v.intervals) {
        let sl = r.attribution.iter().find(|a| a.kpi == "service_level").unwrap();
        if r.day == Some(wed) {
            continue;
        }
        assert!(exactly_zero(&sl.staffing), "{} {}: {:?}", r.label, r.queue, sl.staffing);
    }
    let it_wed = v.days.iter().find(|r| r.day == Some(wed) && r.queue == "support_it").unwrap();
    let sl = it_wed.attribution.iter().find(|a| a.kpi == "service_level").unwrap();
    assert!(sl.staffing.ci_high < 0.0, "{:?}", sl.staffing);
}

#[test]
fn undated_plans_take_day_numbers_or_no_date() {
    let plan = small();
    let base = "date,interval,queue,offered,handled,abandoned,answered_within,aht_s\n";
    for date in ["1", "d1", ""] {
        let csv = format!("{base}{date},08:30,support,80,70,10,50,250\n");
        let a = actuals::parse_str(&csv, Path::new("a.csv"), &plan).expect(date);
        assert_eq!(a.queues[0].interval, 1);
    }
}

#[test]
fn rows_the_plan_does_not_have_are_errors_naming_line_and_column() {
    let plan = bundled("support_week.yaml");
    let csv = "date,interval,queue,offered,handled,abandoned,answered_within,aht_s,group,staffed\n\
               2026-12-20,08:00,support_it,1,1,0,1,200,,\n\
               2026-12-08,08:00,support_it,1,1,0,1,200,,\n\
               2026-12-07,08:10,support_it,1,1,0,1,200,,\n\
               2026-12-07,08:00,billing,1,1,0,1,200,,\n\
               2026-12-07,08:00,support_it,1,1,0,1,200,,12\n\
               2026-12-07,08:00,,,,,,,roma,3\n\
               2026-12-07,08:30,support_it,5,6,0,1,200,,\n";
    let e = actuals::parse_str(csv, Path::new("a.csv"), &plan).unwrap_err().to_string();
    for expected in [
        "line 2, column `date`",
        "line 3, column `date`: Tue 2026-12-08 is closed in the plan",
        "line 4, column `interval`: 08:10: not the start of one of the plan's intervals",
        "line 5, column `queue`: unknown queue `billing`",
        "line 6, column `staffed`: queue `support_it` is not served by one dedicated group",
        "line 7, column `group`: unknown group `roma`",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in:\n{e}");
    }
    assert!(e.starts_with("a.csv: "), "{e}");
}

fn ccsim() -> Command {
    Command::cargo_bin("ccsim").unwrap()
}

fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

#[test]
fn bad_cells_are_all_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "date,interval,queue,offered,handled,abandoned,answered_within,aht_s\n\
         1,08:00,support,,70,10,50,250\n\
         1,08:30,support,80,7O,10,50,250\n",
    )
    .unwrap();
    let plan = dir.path().join("small.yaml");
    std::fs::write(&plan, SMALL).unwrap();
    let out = dir.path().join("out.json");
    let assert = ccsim()
        .args(["variance", "--plan"])
        .arg(&plan)
        .arg("--actual")
        .arg(&csv)
        .args(["-q", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("bad.csv: 2 problem(s)"), "{err}");
    assert!(err.contains("line 2, column `offered`: missing value"), "{err}");
    assert!(err.contains("line 3, column `handled`: \"7O\" is not a number"), "{err}");
    assert!(!out.exists(), "no output file on bad input");
}

#[test]
fn values_beyond_the_scenario_limits_are_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("huge.csv");
    // a slipped exponent: 1e300 calls would be simulated as such (and exhaust memory)
    std::fs::write(
        &csv,
        "date,interval,queue,offered,handled,abandoned,answered_within,aht_s\n\
         1,08:00,support,1e300,70,10,50,250\n\
         1,08:30,support,80,70,10,50,9e9\n",
    )
    .unwrap();
    let plan = dir.path().join("small.yaml");
    std::fs::write(&plan, SMALL).unwrap();
    let assert = ccsim().args(["variance", "--plan"]).arg(&plan).arg("--actual").arg(&csv).arg("-q").assert().failure();
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("line 2, column `offered`") && err.contains("beyond the limit of 1000000 calls"), "{err}");
    assert!(err.contains("line 3, column `aht_s`") && err.contains("beyond the limit of 86400 seconds"), "{err}");
}

#[test]
fn same_seed_same_output_for_any_thread_count() {
    let out = |threads: &str| {
        let o = ccsim()
            .args(["variance", "--plan"])
            .arg(example("support_week.yaml"))
            .arg("--actual")
            .arg(example("support_week.actuals.csv"))
            .args(["-n", "6", "--seed", "3", "-q", "--format", "json", "--threads", threads])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        // the metadata says how it ran, and nothing else may differ
        assert_eq!(v["run"]["threads"], threads.parse::<u64>().unwrap());
        v.as_object_mut().unwrap().remove("run");
        v
    };
    let one = out("1");
    assert_eq!(one, out("2"));
    assert_eq!(one["replications"], 6);
}

#[test]
fn the_bundled_example_tells_wednesdays_story() {
    let o = ccsim()
        .args(["variance", "--plan"])
        .arg(example("support_week.yaml"))
        .arg("--actual")
        .arg(example("support_week.actuals.csv"))
        .args(["-n", "20", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let wed = text.lines().find(|l| l.contains("Wed 2026-12-09 support_it")).expect("a Wednesday headline");
    assert!(wed.contains("missed 80/20") && wed.contains("volume +11 %") && wed.contains("staffing -4 %"), "{wed}");
    for format in ["csv", "json"] {
        ccsim()
            .args(["variance", "--plan"])
            .arg(example("support_week.yaml"))
            .arg("--actual")
            .arg(example("support_week.actuals.csv"))
            .args(["-n", "4", "-q", "--format", format, "--csv-locale", "it"])
            .assert()
            .success();
    }
}
