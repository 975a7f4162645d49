//! `ccsim schedule` with the loop closed (issue 15): the schedule written into a scenario
//! (`--emit-scenario`) validates, runs and puts on duty exactly the schedule's coverage;
//! `--verify` reports the simulated SL per day with its CI; `--iterate` reports its rounds and
//! is reproducible; `--from-scenario --method erlang|optimize` reads the requirement `staff` and
//! `optimize` write; bad input fails clearly without writing anything.
//!
//! A dated week (Sunday closed) of two groups, each with its own queue, one queue's volumes in
//! a CSV file next to the scenario; 30-minute breaks on the half hour, so that coverage is whole
//! agents. Replications are few (`-n 8`): the tests check the plumbing, not the statistics.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SCENARIO: &str = r#"# the test week
name: Two teams week
horizon: { from: 2026-12-07, days: 7, start: "08:00", end: "14:00", interval: 30m }
closed: [2026-12-13]
queues:
  - id: sales
    arrivals: { daily_total: 300, profile: [1, 2, 3, 3, 3, 2, 2, 3, 3, 2, 1, 1], day_factors: { Mon: 1.2, Sat: 0.5 } }
    handle_time: { dist: exponential, mean: 240s }
    patience: { dist: exponential, mean: 120s }
    service_level: { answered_within: 20s, target: 0.80 }
  - id: support
    arrivals: { csv: volumes.csv }
    handle_time: { dist: lognormal, mean: 300s, cv: 0.8 }
    service_level: { answered_within: 30s, target: 0.75 }
agents:
  - group: sales_team
    skills: [sales]
    count: 6
  - group: support_team
    skills: [support]
    shifts: [{ start: "08:00", end: "14:00", count: 5 }]
simulation: { replications: 8, seed: 3 }
"#;

const VOLUMES: &str = "support\n10\n12\n16\n20\n20\n18\n18\n20\n20\n18\n16\n12\n";

const TEMPLATES: &str = r#"shift_templates:
  - code: E
    start_between: ["08:00", "10:00"]
    every: 1h
    length: 4h
    breaks: [{ length: 30m, after: ["1h30m", "2h30m"], paid: false }]
"#;

const HORIZON: &str = r#"horizon: { from: 2026-12-07, days: 7, start: "08:00", end: "14:00", interval: 30m }
closed: [2026-12-13]
"#;

/// A spec choosing shift counts (no agents), requirement from the command line.
fn shifts_spec() -> String {
    format!("name: Two teams, shifts\n{HORIZON}{TEMPLATES}")
}

/// A spec rostering 12 + 10 part-timers.
fn roster_spec() -> String {
    format!(
        "name: Two teams, roster\n{HORIZON}{TEMPLATES}contracts:\n  part: {{ kind: part_time, days_per_week: [3, 5] }}\nagents:\n  - {{ name: s, group: sales_team, contract: part, count: 12 }}\n  - {{ name: u, group: support_team, contract: part, count: 10 }}\n"
    )
}

/// A temporary folder with the scenario, its volumes and both specs.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("week.yaml"), SCENARIO).unwrap();
        std::fs::write(dir.path().join("volumes.csv"), VOLUMES).unwrap();
        std::fs::write(dir.path().join("shifts.schedule.yaml"), shifts_spec()).unwrap();
        std::fs::write(dir.path().join("roster.schedule.yaml"), roster_spec()).unwrap();
        Files { dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn p(&self, name: &str) -> String {
        self.path(name).to_string_lossy().into_owned()
    }
}

fn ccsim() -> Command {
    Command::cargo_bin("ccsim").expect("the ccsim binary is built")
}

/// Runs `ccsim args`, asserts success, returns stdout.
fn ok(args: &[&str]) -> String {
    let out = ccsim().args(args).output().expect("ccsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ccsim {args:?} failed:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Runs `ccsim args`, asserts failure without a panic, returns stderr.
fn fails(args: &[&str]) -> String {
    let out = ccsim().args(args).output().expect("ccsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "ccsim {args:?} should fail");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// Seconds since midnight of "HH:MM".
fn clock(t: &str) -> u32 {
    let (h, m) = t.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 3600 + m.parse::<u32>().unwrap() * 60
}

/// Seconds of "30m", "1h", "90s".
fn seconds(t: &str) -> u32 {
    let (n, unit) = t.split_at(t.len() - 1);
    n.parse::<u32>().unwrap()
        * match unit {
            "h" => 3600,
            "m" => 60,
            _ => 1,
        }
}

/// Agents on duty per (group, date, "HH:MM") by the emitted file alone (its `shift_codes` and
/// each group's `roster` or coded `shifts`): on shift at the interval's start and not on a
/// break.
fn on_duty_from_yaml(text: &str) -> BTreeMap<(String, String, String), u32> {
    let doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    let dates: Vec<String> = (7..=13).map(|d| format!("2026-12-{d:02}")).collect();
    let codes = doc["shift_codes"].as_mapping().expect("shift_codes");
    let mut out = BTreeMap::new();
    let mut work = |group: &str, code: &str, date: &str, count: u32| {
        let c = &codes[code];
        let (start, end) = (clock(c["start"].as_str().unwrap()), clock(c["end"].as_str().unwrap()));
        let breaks: Vec<(u32, u32)> = c["breaks"]
            .as_sequence()
            .map(|bs| {
                bs.iter()
                    .map(|b| {
                        let s = clock(b["start"].as_str().unwrap());
                        (s, s + seconds(b["length"].as_str().unwrap()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for i in 0..12u32 {
            let t = 8 * 3600 + i * 1800;
            if start <= t && t < end && !breaks.iter().any(|(a, b)| *a <= t && t < *b) {
                let key = (group.to_string(), date.to_string(), format!("{:02}:{:02}", t / 3600, t / 60 % 60));
                *out.entry(key).or_insert(0) += count;
            }
        }
    };
    for g in doc["agents"].as_sequence().unwrap() {
        let group = g["group"].as_str().unwrap();
        if let Some(rows) = g.get("roster").and_then(|r| r.as_sequence()) {
            for row in rows {
                for (d, code) in row["days"].as_sequence().unwrap().iter().enumerate() {
                    let code = code.as_str().unwrap();
                    if code != "-" {
                        work(group, code, &dates[d], 1);
                    }
                }
            }
        }
        if let Some(shifts) = g.get("shifts").and_then(|s| s.as_sequence()) {
            for s in shifts {
                let code = s["code"].as_str().expect("coded shifts");
                let count = s["count"].as_u64().unwrap() as u32;
                for date in s["days"].as_sequence().expect("days listed") {
                    work(group, code, date.as_str().unwrap(), count);
                }
            }
        }
    }
    out
}

/// The schedule's coverage per (group, date, start), from its JSON (day labels "Mon 2026-12-07").
fn coverage(v: &Value) -> BTreeMap<(String, String, String), f64> {
    v["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let date = c["day"].as_str().unwrap().split(' ').nth(1).unwrap().to_string();
            (
                (c["group"].as_str().unwrap().into(), date, c["start"].as_str().unwrap().into()),
                c["scheduled"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The JSON without the seconds the solver took (the only field that changes between runs).
fn without_timing(mut v: Value) -> Value {
    v["search"].as_object_mut().unwrap().remove("seconds");
    v
}

#[test]
fn the_emitted_scenario_validates_runs_and_puts_the_coverage_on_duty() {
    let f = Files::new();
    std::fs::create_dir(f.path("out")).unwrap();
    for spec in ["shifts.schedule.yaml", "roster.schedule.yaml"] {
        let emitted = f.path("out").join(format!("with-{spec}"));
        let e = emitted.to_string_lossy().into_owned();
        let v = json(&ok(&[
            "schedule",
            &f.p(spec),
            "--from-scenario",
            &f.p("week.yaml"),
            "--method",
            "erlang",
            "--scenario",
            &f.p("week.yaml"),
            "--emit-scenario",
            &e,
            "--format",
            "json",
            "-q",
        ]));
        assert_eq!(v["scenario"]["replaced"], serde_json::json!(["sales_team", "support_team"]), "{spec}");
        // a breaks-on-the-half-hour schedule: whole agents; the emitted file puts exactly them on duty
        let cov = coverage(&v);
        let text = std::fs::read_to_string(&emitted).unwrap();
        assert!(text.starts_with("# "), "a header says what the file is");
        assert!(text.contains("unpaid breaks"), "the header says that unpaid breaks are paid by the simulator");
        let duty = on_duty_from_yaml(&text);
        assert_eq!(cov.len(), 2 * 6 * 12, "{spec}: two groups, six open days, twelve intervals");
        for (k, scheduled) in &cov {
            assert_eq!(f64::from(duty.get(k).copied().unwrap_or(0)), *scheduled, "{spec}: {k:?}");
        }
        assert!(duty.keys().all(|k| cov.contains_key(k)), "{spec}: nobody works on the closed Sunday");
        // the engine reads the same plan
        let sc = ccsim::scenario::Scenario::load(&emitted).unwrap();
        for g in &sc.groups {
            let curve = g.planned_curve(&sc.horizon);
            for (i, n) in curve.iter().enumerate() {
                let (day, t) = sc.horizon.interval_start(i);
                let date = format!("2026-12-{:02}", 7 + day);
                let key = (g.id.clone(), date, format!("{:02}:{:02}", t as u32 / 3600, t as u32 / 60 % 60));
                assert_eq!(f64::from(*n), cov.get(&key).copied().unwrap_or(0.0), "{spec}: engine plan {key:?}");
            }
        }
        if spec.starts_with("roster") {
            assert!(text.contains("roster:") && text.contains("agent: s-01"), "{text}");
            assert_eq!(v["roster"].as_array().unwrap().len(), 22);
        } else {
            assert!(text.contains("code: E0800") && !text.contains("roster:"), "{text}");
        }
        // it validates and runs from its own folder (the volume CSV is found from there)
        assert!(text.contains("csv: ../volumes.csv"), "the CSV reference is rebased: {text}");
        let summary = ok(&["validate", &e]);
        assert!(summary.contains("Two teams week"), "{summary}");
        let run = json(&ok(&["run", &e, "-n", "2", "--format", "json", "-q"]));
        assert_eq!(run["replications"], 2);
        assert!(run["total"]["offered"]["mean"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn verify_reports_the_simulated_sl_per_day_with_its_ci() {
    let f = Files::new();
    let args = |format: &'static str| {
        vec![
            "schedule".to_string(),
            f.p("shifts.schedule.yaml"),
            "--from-scenario".into(),
            f.p("week.yaml"),
            "--method".into(),
            "erlang".into(),
            "--scenario".into(),
            f.p("week.yaml"),
            "--verify".into(),
            "-n".into(),
            "8".into(),
            "--format".into(),
            format.into(),
            "-q".into(),
        ]
    };
    let a: Vec<String> = args("json");
    let v = json(&ok(&a.iter().map(String::as_str).collect::<Vec<_>>()));
    let verify = &v["verify"];
    assert_eq!(verify["replications"], 8);
    assert_eq!(verify["seed"], 3, "the scenario's seed");
    let days = verify["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert_eq!(days[6]["closed"], true);
    assert_eq!(verify["open_days"], 6);
    for d in &days[..6] {
        assert!(d["required_hours"].as_f64().unwrap() > 0.0);
        assert!(d["scheduled_hours"].as_f64().unwrap() >= d["required_hours"].as_f64().unwrap() - 1e-9, "{d}");
        let queues = d["queues"].as_array().unwrap();
        assert_eq!(queues.len(), 2);
        for q in queues {
            let sl = &q["service_level"];
            let (lo, mean, hi) =
                (sl["ci_low"].as_f64().unwrap(), sl["mean"].as_f64().unwrap(), sl["ci_high"].as_f64().unwrap());
            assert!(lo <= mean && mean <= hi && (0.0..=1.0).contains(&mean), "{q}");
            assert!((sl["ci_half_width"].as_f64().unwrap() - (hi - lo) / 2.0).abs() < 1e-12);
            let target = q["target"].as_f64().unwrap();
            let verdict = q["verdict"].as_str().unwrap();
            if mean >= target {
                assert_eq!(verdict, "meets");
                assert!(q["misses_by_points"].is_null());
            } else {
                let by = (target - mean) * 100.0;
                assert_eq!(verdict, format!("misses by {by:.1} points"));
                assert!((q["misses_by_points"].as_f64().unwrap() - by).abs() < 1e-9);
            }
        }
    }
    // the simulator pays whole shifts (unpaid breaks too) and calls finished after a shift's end
    let paid = v["agent_hours"].as_f64().unwrap() + v["scenario"]["unpaid_break_hours"].as_f64().unwrap();
    assert!(v["scenario"]["unpaid_break_hours"].as_f64().unwrap() > 0.0);
    assert!(
        verify["simulated_paid_hours"].as_f64().unwrap() >= paid - 1e-6,
        "{} < {paid}",
        verify["simulated_paid_hours"]
    );
    let met = days.iter().filter(|d| d["meets"] == true).count();
    assert_eq!(verify["days_meeting"].as_u64().unwrap() as usize, met);
    let intervals = verify["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 2 * 6 * 12);
    for r in intervals {
        for k in ["day", "start", "group", "required", "scheduled"] {
            assert!(r.get(k).is_some(), "{r}");
        }
        let q = &r["queues"][0];
        assert!(q["service_level"].is_number() && q["ci_half_width"].is_number() && q["target"].is_number(), "{r}");
    }
    // the same per interval as CSV, and per day as a table
    let a: Vec<String> = args("csv");
    let csv = ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("day,group,start,required,scheduled,queue,service_level,ci_half_width,target"));
    assert_eq!(lines.count(), 2 * 6 * 12);
    let a: Vec<String> = args("table");
    let table = ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(table.contains("Mon 2026-12-07") && table.contains("target %"), "{table}");
    assert!(table.contains("meets") || table.contains("misses by"), "{table}");
}

#[test]
fn iterate_reports_its_rounds_and_is_reproducible() {
    let f = Files::new();
    let run = |out: &str| {
        let e = f.p(out);
        let v = json(&ok(&[
            "schedule",
            &f.p("shifts.schedule.yaml"),
            "--from-scenario",
            &f.p("week.yaml"),
            "--method",
            "erlang",
            "--scenario",
            &f.p("week.yaml"),
            "--emit-scenario",
            &e,
            "--iterate",
            "2",
            "-n",
            "8",
            "--format",
            "json",
            "-q",
        ]));
        let mut v = without_timing(v);
        assert_eq!(v["scenario"]["emitted"].as_str(), Some(e.as_str()));
        v["scenario"].as_object_mut().unwrap().remove("emitted");
        (v, std::fs::read_to_string(&e).unwrap())
    };
    let (a, file_a) = run("a.yaml");
    let (b, file_b) = run("b.yaml");
    assert_eq!(a, b, "same seed, same output");
    assert_eq!(file_a.replace("a.yaml", "b.yaml"), file_b, "same emitted scenario");
    let it = &a["iterate"];
    let rounds = it["rounds"].as_array().unwrap();
    assert!((1..=3).contains(&rounds.len()), "the first schedule and at most 2 corrections: {it}");
    for (i, r) in rounds.iter().enumerate() {
        assert_eq!(r["round"], i);
        for k in ["required_hours", "agent_hours", "days_meeting", "open_days", "raised", "lowered", "applied"] {
            assert!(r.get(k).is_some(), "round lacks {k}: {r}");
        }
    }
    assert_eq!(it["converged"], rounds.last().unwrap()["raised"] == 0 && rounds.last().unwrap()["lowered"] == 0);
    assert_eq!(it["measure"], "agent_hours", "no template has a cost");
    let first = rounds[0]["agent_hours"].as_f64().unwrap();
    let last = rounds.last().unwrap()["agent_hours"].as_f64().unwrap();
    assert_eq!(it["first"].as_f64().unwrap(), first);
    assert_eq!(it["last"].as_f64().unwrap(), last);
    assert!((it["saving"].as_f64().unwrap() - (first - last)).abs() < 1e-9);
    assert_eq!(a["agent_hours"].as_f64().unwrap(), last, "the output is the last round's schedule");
    assert_eq!(a["verify"]["days_meeting"], rounds.last().unwrap()["days_meeting"]);
    assert!(it["summary"].as_str().unwrap().contains("two-step schedule"), "{it}");
}

#[test]
fn the_erlang_requirement_is_the_one_staff_writes() {
    let f = Files::new();
    let staffing = f.p("staffing.yaml");
    ok(&["staff", &f.p("week.yaml"), "--emit-staffing", &staffing]);
    let file: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&staffing).unwrap()).unwrap();
    let from = json(&ok(&[
        "schedule",
        &f.p("shifts.schedule.yaml"),
        "--from-scenario",
        &f.p("week.yaml"),
        "--method",
        "erlang",
        "--format",
        "json",
    ]));
    for c in from["coverage"].as_array().unwrap() {
        let g = c["group"].as_str().unwrap();
        let day: usize = c["day"].as_str().unwrap()[12..].parse::<usize>().unwrap() - 7;
        let i = ((clock(c["start"].as_str().unwrap()) - 8 * 3600) / 1800) as usize;
        let curve = file["staffing"][g].as_sequence().unwrap();
        assert_eq!(c["required"].as_u64(), curve[day * 12 + i].as_u64(), "{c}");
    }
    let read = json(&ok(&["schedule", &f.p("shifts.schedule.yaml"), "--requirement", &staffing, "--format", "json"]));
    assert_eq!(without_timing(from), without_timing(read), "--from-scenario erlang = --requirement <staff's file>");
}

#[test]
fn the_optimize_requirement_is_the_one_optimize_writes() {
    let f = Files::new();
    // one day of the week keeps the search short
    let day = SCENARIO.replace("days: 7", "days: 1").replace("closed: [2026-12-13]\n", "");
    std::fs::write(f.path("day.yaml"), day).unwrap();
    let spec = shifts_spec().replace("days: 7", "days: 1").replace("closed: [2026-12-13]\n", "");
    std::fs::write(f.path("day.schedule.yaml"), spec).unwrap();
    let staffing = f.p("opt.yaml");
    ok(&["optimize", &f.p("day.yaml"), "-n", "8", "--emit-staffing", &staffing, "-q"]);
    let from = json(&ok(&[
        "schedule",
        &f.p("day.schedule.yaml"),
        "--from-scenario",
        &f.p("day.yaml"),
        "--method",
        "optimize",
        "-n",
        "8",
        "--format",
        "json",
        "-q",
    ]));
    let read = json(&ok(&["schedule", &f.p("day.schedule.yaml"), "--requirement", &staffing, "--format", "json"]));
    assert_eq!(without_timing(from), without_timing(read));
}

/// Files in the folder besides the inputs (outputs or temporary files left behind).
fn leftovers(dir: &Path) -> Vec<String> {
    let inputs =
        ["week.yaml", "volumes.csv", "shifts.schedule.yaml", "roster.schedule.yaml", "bad.schedule.yaml", "clash.yaml"];
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !inputs.contains(&n.as_str()))
        .collect();
    v.sort();
    v
}

#[test]
fn bad_input_says_what_is_wrong_and_writes_nothing() {
    let f = Files::new();
    let (out, emitted) = (f.p("out.json"), f.p("emitted.yaml"));
    let base = |spec: &str| {
        vec!["schedule".to_string(), f.p(spec), "-o".into(), out.clone(), "--format".into(), "json".into(), "-q".into()]
    };
    let run_fail = |mut a: Vec<String>, more: &[&str]| {
        a.extend(more.iter().map(|s| s.to_string()));
        let e = fails(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(leftovers(f.dir.path()), Vec::<String>::new(), "nothing written for {more:?}: {e}");
        e
    };

    // --verify, --iterate and --emit-scenario need the scenario to simulate
    let e = run_fail(base("shifts.schedule.yaml"), &["--requirement", &f.p("volumes.csv"), "--verify"]);
    assert!(e.contains("--verify needs --scenario"), "{e}");
    let e = run_fail(base("shifts.schedule.yaml"), &["--emit-scenario", &emitted]);
    assert!(e.contains("--emit-scenario needs --scenario"), "{e}");

    // a spec whose requirement names other groups than the scenario
    let bad = format!("name: Bad\n{HORIZON}requirement: {{ sales_team: [1], backoffice: [1] }}\n{TEMPLATES}")
        .replace("[1]", &format!("[{}]", ["1"; 12].join(", ")));
    std::fs::write(f.path("bad.schedule.yaml"), bad).unwrap();
    let e = run_fail(base("bad.schedule.yaml"), &["--from-scenario", &f.p("week.yaml"), "--method", "erlang"]);
    assert!(e.contains("do not match") && e.contains("`backoffice`") && e.contains("`support_team`"), "{e}");
    let e = run_fail(base("bad.schedule.yaml"), &["--scenario", &f.p("week.yaml"), "--emit-scenario", &emitted]);
    assert!(e.contains("`backoffice` is not in the scenario"), "{e}");

    // another horizon
    let other = shifts_spec().replace("interval: 30m", "interval: 15m");
    std::fs::write(f.path("bad.schedule.yaml"), other).unwrap();
    let e = run_fail(base("bad.schedule.yaml"), &["--from-scenario", &f.p("week.yaml"), "--method", "erlang"]);
    assert!(e.contains("differs from the horizon") && e.contains("interval differs"), "{e}");

    // a shift code of the scenario with the schedule's name but another definition
    let clash = SCENARIO.replace("queues:", "shift_codes: { E0800: { start: \"08:00\", end: \"13:00\" } }\nqueues:");
    std::fs::write(f.path("clash.yaml"), clash).unwrap();
    let e = run_fail(
        base("shifts.schedule.yaml"),
        &[
            "--from-scenario",
            &f.p("clash.yaml"),
            "--method",
            "erlang",
            "--scenario",
            &f.p("clash.yaml"),
            "--emit-scenario",
            &emitted,
        ],
    );
    assert!(e.contains("clash") && e.contains("`E0800` is 08:00–13:00 in the scenario"), "{e}");
}
