//! The pinned week of issue 14 end to end, through the command line: it runs; the holiday has
//! no calls and no paid hours; days carry dates and weekdays; sites and regions sum to the
//! totals; and a what-if on Monday changes Monday and leaves every other day identical,
//! replication by replication (paired difference exactly 0, CI [0, 0]).

use assert_cmd::Command;
use serde_json::Value;

const WEEK: &str = "scenarios/support_week.yaml";
const SCRIPT: &str = "scripts/monday_absence_wednesday_ad.rhai";

fn json(args: &[&str]) -> Value {
    let out = Command::cargo_bin("ccsim").unwrap().args(args).args(["--format", "json", "-q"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mean(v: &Value) -> f64 {
    v["mean"].as_f64().unwrap_or_else(|| panic!("no mean in {v}"))
}

#[test]
fn the_week_runs_with_dated_days_and_an_empty_holiday() {
    let r = json(&["run", WEEK, "-n", "12"]);
    let days = r["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let labels: Vec<String> =
        days.iter().map(|d| format!("{} {}", d["weekday"].as_str().unwrap(), d["date"].as_str().unwrap())).collect();
    assert_eq!(labels[0], "Mon 2026-12-07");
    assert_eq!(labels[6], "Sun 2026-12-13");
    let tue = &days[1];
    assert_eq!(tue["closed"], true);
    assert_eq!(mean(&tue["total"]["offered"]), 0.0);
    for g in ["milano", "napoli"] {
        assert_eq!(mean(&tue["groups"][g]["paid_hours"]), 0.0, "nobody is paid on the holiday ({g})");
    }
    // Paid hours follow the plan: milano on Monday 18 E + 14 L + rossi (E) + bianchi (L), napoli
    // 8 E + 6 L + 4 P, all 8 h but P (4 h); no absenteeism. A call finished after a shift's end is
    // paid too (a late exit, at most its minutes).
    let paid = |d: usize, g: &str, plan: f64| {
        let (p, late) = (mean(&days[d]["groups"][g]["paid_hours"]), mean(&days[d]["groups"][g]["late_exit_minutes"]));
        assert!(
            p >= plan - 1e-9 && p <= plan + late / 60.0 + 1e-9,
            "day {d} {g}: paid {p} h, plan {plan} h, late exits {late} min"
        );
    };
    paid(0, "milano", 34.0 * 8.0);
    paid(0, "napoli", 14.0 * 8.0 + 4.0 * 4.0);
    // Saturday: 14 L + bianchi (E) in milano, and napoli's E, L and P
    paid(5, "milano", 15.0 * 8.0);
    paid(5, "napoli", 14.0 * 8.0 + 4.0 * 4.0);
    // Sunday: nobody in milano (its shifts and roster are off), napoli's E and L
    paid(6, "milano", 0.0);
    paid(6, "napoli", 14.0 * 8.0);
    // the days add up to the horizon, and sites and regions to the totals
    let sum_days: f64 = days.iter().map(|d| mean(&d["total"]["offered"])).sum();
    assert!((sum_days - mean(&r["total"]["offered"])).abs() < 1e-6);
    let regions: f64 = ["nord", "sud"].iter().map(|x| mean(&r["regions"][x]["offered"])).sum();
    assert!((regions - mean(&r["total"]["offered"])).abs() < 1e-6);
    let sites: f64 = ["milano", "napoli"].iter().map(|x| mean(&r["sites"][x]["paid_hours"])).sum();
    let groups: f64 = ["milano", "napoli"].iter().map(|x| mean(&r["groups"][x]["paid_hours"])).sum();
    assert!((sites - groups).abs() < 1e-6);
}

/// Every KPI of a compare diff block is exactly 0 with CI [0, 0].
fn all_zero(block: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let mut walk = vec![("".to_string(), block)];
    while let Some((path, v)) = walk.pop() {
        if let Some(m) = v.get("mean") {
            let zero = |k: &str| v.get(k).is_none_or(|x| x.is_null() || x.as_f64() == Some(0.0));
            if !(m.is_null() || m.as_f64() == Some(0.0)) || !zero("ci_low") || !zero("ci_high") {
                bad.push(format!("{path}: {v}"));
            }
        } else if let Some(o) = v.as_object() {
            walk.extend(o.iter().map(|(k, x)| (format!("{path}.{k}"), x)));
        }
    }
    bad
}

#[test]
fn a_monday_what_if_changes_monday_only() {
    // the absence alone (the spike set to ×1 changes nothing on Wednesday)
    let c = json(&["compare", WEEK, "--whatif", SCRIPT, "--set", "spike=1", "-n", "12"]);
    let days = c["variants"][0]["diff"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    for d in &days[1..] {
        let bad = all_zero(d);
        assert!(bad.is_empty(), "{} changed: {bad:?}", d["weekday"]);
    }
    let mon = &days[0]["total"];
    assert!(mean(&mon["service_level"]) < -0.01, "20 % of milano absent lowers Monday's SL: {mon}");
    assert_eq!(mean(&mon["offered"]), 0.0, "the same calls arrive");

    // with the ad, Wednesday changes too, and the days in between stay identical
    let c = json(&["compare", WEEK, "--whatif", SCRIPT, "-n", "12"]);
    let days = c["variants"][0]["diff"]["days"].as_array().unwrap();
    assert!(mean(&days[2]["total"]["offered"]) > 50.0, "+50 % support_it 10:00-12:00 on Wednesday");
    for d in [1, 3, 4, 5, 6] {
        assert!(all_zero(&days[d]).is_empty(), "{} changed", days[d]["weekday"]);
    }
}
