//! `ccsim schedule` (issue 15, first slice) through the command line on the pinned one-day spec:
//! the JSON fields, coverage of every interval, an integer answer at its LP bound, and clear
//! errors.

use assert_cmd::Command;
use serde_json::Value;

const DAY: &str = "scenarios/day.schedule.yaml";

#[test]
fn the_pinned_day_is_covered_at_its_lp_bound() {
    let out = Command::cargo_bin("ccsim").unwrap().args(["schedule", DAY, "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["agent_hours", "lp_bound_hours", "cost", "shifts", "coverage", "roster", "violations"] {
        assert!(v.get(key).is_some(), "no `{key}` in {v}");
    }
    assert!(v["cost"].is_null(), "no template has a cost");
    let hours = v["agent_hours"].as_f64().unwrap();
    let bound = v["lp_bound_hours"].as_f64().unwrap();
    assert!(bound <= hours + 1e-9);
    let shifts = v["shifts"].as_array().unwrap();
    let agents: u64 = shifts.iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(hours, agents as f64 * 8.0, "every shift is 8 h");
    for s in shifts {
        for k in ["day", "group", "code", "start", "end", "count"] {
            assert!(s.get(k).is_some(), "shift lacks {k}: {s}");
        }
    }
    let cov = v["coverage"].as_array().unwrap();
    assert_eq!(cov.len(), 32);
    assert!(cov.iter().all(|c| c["scheduled"].as_u64() >= c["required"].as_u64()), "every interval covered");
    // the peak of 15 agents needs at least 15 × 8 h; the day's shape needs more: 21 agents
    assert!(hours >= 15.0 * 8.0);
    assert_eq!(hours, bound, "this day's LP relaxation is integral");
}

#[test]
fn a_bad_spec_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(
        &f,
        "name: x\nhorizon: { start: \"06:00\", end: \"22:00\", interval: 30m }\nrequirement: { team: [1, 2] }\nshift_templates:\n  - { code: D, start_between: [\"06:00\", \"20:00\"], length: 8h }\n",
    )
    .unwrap();
    let out = Command::cargo_bin("ccsim").unwrap().args(["schedule", f.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let m = String::from_utf8_lossy(&out.stderr);
    assert!(m.contains("requirement.team: has 2 values: expected 32"), "{m}");
    assert!(m.contains("shift_templates[0]: a shift starting 14:30 lies outside the horizon"), "{m}");
}
