//! Bad scenario files: one test per class of mistake. Each writes a small scenario (and CSV
//! files where needed) into a temporary folder and checks that `ccsim validate` and `ccsim run`
//! fail without panicking, naming the file, the YAML path and what was expected.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A valid scenario the tests break one piece at a time: 08:00–10:00 in 30-minute intervals
/// (4 intervals), one queue `q`, one group `g` of 5 agents.
const BASE: &str = r#"name: t
horizon: { start: "08:00", end: "10:00", interval: 30m }
queues:
  - id: q
    arrivals: { rate_per_hour: 100 }
    handle_time: { dist: exponential, mean: 180s }
agents:
  - group: g
    skills: [q]
    count: 5
"#;

/// `BASE` with `from` replaced by `to` (which must occur exactly once).
fn base_with(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "{from:?} is not unique in BASE");
    BASE.replace(from, to)
}

/// A temporary folder holding files written by the test.
struct Dir(TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temp dir"))
    }

    /// Writes `name` with `text` and returns its path.
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, text).expect("write test file");
        p
    }
}

fn ccsim() -> Command {
    Command::cargo_bin("ccsim").expect("the ccsim binary is built")
}

/// Runs `ccsim args`; asserts a non-zero exit, no panic and no stdout; returns stderr.
fn fails(args: &[&str]) -> String {
    let out = ccsim().args(args).output().expect("ccsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "ccsim {args:?} succeeded; stdout:\n{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(out.status.code(), Some(1), "ccsim {args:?} did not exit with 1:\n{stderr}");
    assert!(!stderr.contains("panicked"), "ccsim {args:?} panicked:\n{stderr}");
    assert!(out.stdout.is_empty(), "ccsim {args:?} printed to stdout: {}", String::from_utf8_lossy(&out.stdout));
    stderr
}

/// `validate` and `run` both reject `file` with the same message, which names the file and
/// contains every one of `expected`. Returns the message.
fn rejects(file: &Path, expected: &[&str]) -> String {
    let f = file.to_str().expect("UTF-8 path");
    let stderr = fails(&["validate", f]);
    let run = fails(&["run", f, "--replications", "3", "--quiet"]);
    assert_eq!(stderr, run, "validate and run report differently");
    assert!(stderr.contains(f), "the message does not name the file {f}:\n{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "the message lacks {e:?}:\n{stderr}");
    }
    stderr
}

/// Writes `text` as `scenario.yaml` in a fresh folder and checks it is rejected.
fn rejects_text(text: &str, expected: &[&str]) -> String {
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", text);
    rejects(&file, expected)
}

/// How many problems an `Invalid` error lists (lines starting with `  - `).
fn problem_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("  - ")).collect()
}

#[test]
fn base_scenario_is_valid() {
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", BASE);
    ccsim().args(["validate", file.to_str().unwrap()]).assert().success();
}

#[test]
fn yaml_syntax_error_shows_line_and_column() {
    // A missing comma on line 2.
    let text = base_with(r#"end: "10:00", interval"#, r#"end: "10:00" interval"#);
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", &text);
    let stderr = rejects(&file, &["horizon", "expected ',' or '}'"]);
    let prefix = format!("{}:2:", file.display());
    let at = stderr.find(&prefix).unwrap_or_else(|| panic!("no {prefix}<column> in:\n{stderr}"));
    let column: String = stderr[at + prefix.len()..].chars().take_while(char::is_ascii_digit).collect();
    assert!(column.parse::<usize>().is_ok_and(|c| c > 0), "no column after {prefix}:\n{stderr}");
}

#[test]
fn unknown_key() {
    let text = base_with("handle_time:", "handle_tme:");
    rejects_text(&text, &["queues[0].handle_tme", "unknown field `handle_tme`", "expected one of", "`handle_time`"]);
}

#[test]
fn wrong_type() {
    let text = base_with("count: 5", "count: five");
    rejects_text(&text, &["agents[0].count", "invalid type", "\"five\"", "expected"]);
}

#[test]
fn unknown_queue_in_skills() {
    let text = base_with("skills: [q]", "skills: [q, nope]");
    rejects_text(&text, &["agents[0].skills[1]", "unknown queue `nope`", "(queues: q)"]);
}

#[test]
fn zero_mean() {
    let text = base_with("mean: 180s", "mean: 0");
    rejects_text(&text, &["queues[0].handle_time.mean", "positive"]);
}

#[test]
fn negative_mean() {
    let text = base_with("mean: 180s", "mean: -5");
    rejects_text(&text, &["queues[0].handle_time.mean", "-5", "expected non-negative seconds"]);
    let text = base_with("mean: 180s", "mean: -5s");
    rejects_text(&text, &["queues[0].handle_time.mean", "\"-5s\"", "expected"]);
}

#[test]
fn cv_out_of_range() {
    // 1e-300 once passed and made the gamma sampler panic (found by tests/fuzz_loader.rs)
    for cv in ["11", "0", "-0.5", "1e-300"] {
        let text = base_with("dist: exponential, mean: 180s", &format!("dist: lognormal, mean: 180s, cv: {cv}"));
        rejects_text(&text, &["queues[0].handle_time.cv", "must be in [0.01, 10]", &format!("got {cv}")]);
    }
}

#[test]
fn unknown_distribution() {
    let text = base_with("dist: exponential", "dist: weibull");
    rejects_text(
        &text,
        &[
            "queues[0].handle_time.dist",
            "unknown distribution \"weibull\"",
            "expected exponential, lognormal, gamma, erlang, uniform, constant or empirical",
        ],
    );
}

#[test]
fn key_that_does_not_apply_to_the_distribution() {
    let text = base_with("mean: 180s", "mean: 180s, cv: 0.5");
    rejects_text(&text, &["queues[0].handle_time.cv", "`cv` does not apply", "exponential"]);
}

#[test]

fn key_that_does_not_apply_says_which_keys_do() {
    let text = base_with("mean: 180s", "mean: 180s, cv: 0.5");
    rejects_text(&text, &["queues[0].handle_time.cv", "`mean`"]);
}

#[test]
fn break_outside_its_shift() {
    let text = base_with(
        "    count: 5",
        r#"    shifts: [{ start: "08:00", end: "09:00", count: 3, breaks: [{ start: "09:30", length: 15m }] }]"#,
    );
    rejects_text(&text, &["agents[0].shifts[0].breaks[0]", "break at 09:30 lies outside its shift 08:00–09:00"]);
}

#[test]
fn overlapping_breaks() {
    let text = base_with(
        "    count: 5",
        r#"    shifts: [{ start: "08:00", end: "10:00", count: 3, breaks: [{ start: "09:00", length: 30m }, { start: "09:15", length: 15m }] }]"#,
    );
    let stderr = rejects_text(&text, &["agents[0].shifts[0].breaks[1]", "break at 09:15 overlaps the previous break"]);
    assert_eq!(problem_lines(&stderr).len(), 1, "{stderr}");
}

#[test]
fn shift_outside_the_horizon() {
    let text = base_with("    count: 5", r#"    shifts: [{ start: "07:00", end: "10:00", count: 3 }]"#);
    rejects_text(&text, &["agents[0].shifts[0]", "shift 07:00–10:00 lies outside the horizon 08:00–10:00"]);
}

#[test]
fn interval_not_dividing_the_horizon() {
    let text = base_with("interval: 30m", "interval: 25m");
    rejects_text(&text, &["horizon.interval", "25m does not divide the day 08:00–10:00 into whole intervals"]);
}

#[test]
fn per_interval_of_the_wrong_length() {
    let text = base_with("rate_per_hour: 100", "per_interval: [10, 20, 30]");
    rejects_text(&text, &["queues[0].arrivals.per_interval", "has 3 values: expected 4 (one per interval)"]);
}

#[test]
fn staffing_curve_of_the_wrong_length() {
    let text = base_with("count: 5", "staffing: [1, 2, 3, 4, 5]");
    rejects_text(&text, &["agents[0].staffing", "has 5 values: expected 4 (one per interval)"]);
}

#[test]
fn csv_file_missing() {
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", &base_with("rate_per_hour: 100", "csv: missing.csv, column: calls"));
    let csv = dir.0.path().join("missing.csv");
    rejects(&file, &["queues[0].arrivals.csv", "cannot read CSV file", csv.to_str().unwrap()]);
}

#[test]
fn csv_non_numeric_cell() {
    let dir = Dir::new();
    let csv = dir.write("vols.csv", "calls\n10\n20\nabc\n30\n");
    let file = dir.write("scenario.yaml", &base_with("rate_per_hour: 100", "csv: vols.csv, column: calls"));
    rejects(
        &file,
        &[
            "queues[0].arrivals.csv",
            &format!("{}:4:", csv.display()),
            "\"abc\"",
            "expected a non-negative number of calls",
        ],
    );
}

#[test]
fn csv_ragged_rows() {
    let dir = Dir::new();
    let csv = dir.write("vols.csv", "calls,other\n10,1\n20\n25,1\n30,1\n");
    let file = dir.write("scenario.yaml", &base_with("rate_per_hour: 100", "csv: vols.csv, column: calls"));
    rejects(&file, &["queues[0].arrivals.csv", &format!("{}:3:", csv.display()), "malformed CSV"]);
}

#[test]

fn csv_line_number_counts_blank_lines() {
    let dir = Dir::new();
    // "abc" is on line 5; line 3 is blank.
    let csv = dir.write("vols.csv", "calls\n10\n\n20\nabc\n30\n");
    let file = dir.write("scenario.yaml", &base_with("rate_per_hour: 100", "csv: vols.csv, column: calls"));
    rejects(&file, &["queues[0].arrivals.csv", &format!("{}:5:", csv.display()), "\"abc\""]);
}

#[test]
fn csv_column_missing() {
    let dir = Dir::new();
    let csv = dir.write("vols.csv", "calls\n10\n20\n25\n30\n");
    let file = dir.write("scenario.yaml", &base_with("rate_per_hour: 100", "csv: vols.csv, column: volume"));
    rejects(&file, &["queues[0].arrivals.csv", csv.to_str().unwrap(), "no column `volume` (columns: calls)"]);
    // Without `column`, the queue id is the column.
    let file = dir.write("scenario.yaml", &base_with("rate_per_hour: 100", "csv: vols.csv"));
    rejects(&file, &["queues[0].arrivals.csv", "no column `q`"]);
}

#[test]
fn valid_csv_volumes_are_loaded() {
    let dir = Dir::new();
    dir.write("vols.csv", "interval,calls\n08:00,10\n08:30,20\n09:00,25.5\n09:30,30\n");
    let file = dir.write("scenario.yaml", &base_with("rate_per_hour: 100", "csv: vols.csv, column: calls"));
    let out = ccsim().args(["validate", file.to_str().unwrap()]).output().expect("ccsim starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "validate failed:\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("valid."), "{stdout}");
    // 10 + 20 + 25.5 + 30 = 85.5, shown rounded.
    assert!(stdout.contains("q (86 calls"), "{stdout}");

    // And it runs.
    let out = ccsim()
        .args(["run", file.to_str().unwrap(), "-n", "3", "--quiet", "--format", "json"])
        .output()
        .expect("ccsim starts");
    assert!(out.status.success(), "run failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let offered = json["total"]["offered"]["mean"].as_f64().expect("offered");
    assert!(offered > 0.0 && offered < 300.0, "offered {offered}");
}

#[test]
fn two_sources_of_arrivals() {
    let text = base_with("rate_per_hour: 100", "rate_per_hour: 100, per_interval: [1, 2, 3, 4]");
    rejects_text(
        &text,
        &[
            "queues[0].arrivals",
            "give exactly one of `rate_per_hour`, `per_interval`, `daily_total` (with `profile`) or `csv`",
        ],
    );
}

#[test]
fn group_with_count_and_shifts() {
    let text = base_with("    count: 5", "    count: 5\n    shifts: [{ start: \"08:00\", end: \"10:00\", count: 3 }]");
    rejects_text(&text, &["agents[0]", "give exactly one of `count`, `staffing`, or `shifts` and/or `roster`"]);
}

const DUPLICATE_QUEUE: &str = r#"name: t
horizon: { start: "08:00", end: "10:00", interval: 30m }
queues:
  - id: q
    arrivals: { rate_per_hour: 100 }
    handle_time: { dist: exponential, mean: 180s }
  - id: q
    arrivals: { rate_per_hour: 50 }
    handle_time: { dist: exponential, mean: 120s }
agents:
  - group: g
    skills: [q]
    count: 5
"#;

#[test]
fn duplicate_queue_id() {
    rejects_text(DUPLICATE_QUEUE, &["queues[1].id", "duplicate id `q`"]);
}

#[test]
fn duplicate_queue_id_is_the_only_problem() {
    let stderr = rejects_text(DUPLICATE_QUEUE, &["queues[1].id", "duplicate id `q`"]);
    assert_eq!(problem_lines(&stderr), ["  - queues[1].id (line 7, column 9): duplicate id `q`"]);
}

#[test]
fn bad_duration_text() {
    let text = base_with("mean: 180s", "mean: 5 minutes");
    rejects_text(
        &text,
        &[
            "queues[0].handle_time.mean",
            "invalid duration \"5 minutes\"",
            r#"expected seconds or a form like "20s", "15m", "1h30m""#,
        ],
    );
}

#[test]
fn bad_clock() {
    let text = base_with(r#"end: "10:00""#, r#"end: "25:00""#);
    rejects_text(&text, &["horizon.end", "invalid clock time \"25:00\"", "expected \"HH:MM\""]);
}

#[test]
fn warmup_not_a_multiple_of_the_interval() {
    let text = format!("{BASE}simulation: {{ warmup: 20m }}\n");
    rejects_text(&text, &["simulation.warmup", "must be a whole number of intervals (30m) shorter than the day"]);
}

#[test]
fn queue_no_group_serves() {
    let text = base_with(
        "agents:",
        "  - id: orphan\n    arrivals: { rate_per_hour: 10 }\n    handle_time: { dist: exponential, mean: 60s }\nagents:",
    );
    let stderr =
        rejects_text(&text, &["queues[1]", "no agent group has skill `orphan`", "add it to some group's `skills`"]);
    assert_eq!(problem_lines(&stderr).len(), 1, "{stderr}");
}

#[test]
fn zero_replications() {
    let text = format!("{BASE}simulation: {{ replications: 0 }}\n");
    rejects_text(&text, &["simulation.replications", "must be at least 1"]);

    // On the command line too.
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", BASE);
    let stderr = fails(&["run", file.to_str().unwrap(), "--replications", "0", "--quiet"]);
    assert!(stderr.contains("--replications 0: expected 1 to 1000000"), "{stderr}");
}

#[test]
fn all_problems_are_reported_in_one_run() {
    // Three independent mistakes: a per_interval list of the wrong length, a zero mean and an
    // unknown queue in a group's skills.
    let text = r#"name: t
horizon: { start: "08:00", end: "10:00", interval: 30m }
queues:
  - id: q
    arrivals: { per_interval: [1, 2, 3] }
    handle_time: { dist: exponential, mean: 0 }
agents:
  - group: g
    skills: [q, nope]
    count: 5
"#;
    let stderr = rejects_text(
        text,
        &[
            "3 problem(s)",
            "queues[0].arrivals.per_interval (line 5, column 17): has 3 values: expected 4",
            "queues[0].handle_time.mean (line 6, column 45): `mean` must be a positive number of seconds",
            "agents[0].skills[1] (line 9, column 17): unknown queue `nope`",
        ],
    );
    assert_eq!(problem_lines(&stderr).len(), 3, "{stderr}");
}

#[test]

fn skill_of_the_wrong_shape_says_what_was_expected() {
    let text = base_with("skills: [q]", "skills: [{ queue: q, pref: 1 }]");
    let stderr = rejects_text(&text, &["agents[0].skills[0]", "preference"]);
    assert!(!stderr.contains("untagged enum"), "{stderr}");
}

#[test]
fn parse_error_shows_the_path_once() {
    let text = base_with("count: 5", "count: five");
    let stderr = rejects_text(&text, &["agents[0].count"]);
    assert_eq!(stderr.matches("agents[0].count").count(), 1, "{stderr}");
}

#[test]
fn validation_problems_point_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("lines.yaml");
    std::fs::write(
        &f,
        "name: x\nhorizon: { start: \"08:00\", end: \"10:00\", interval: 30m }\nqueues:\n  - id: a\n    arrivals: { rate_per_hour: 10 }\n    handle_time: { dist: exponential, mean: 0 }\nagents:\n  - group: g\n    skills: [a, b]\n    count: 2\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("ccsim").unwrap().arg("validate").arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("queues[0].handle_time.mean (line 6, column"), "{err}");
    assert!(err.contains("agents[0].skills[1] (line 9, column"), "{err}");
}

// ---- Issue 12: hostile and careless input (items 4, 7, 8, 11, 12) ----

/// Runs `ccsim args` under a bound on its time: a check that comes too late (after an
/// allocation or a simulation that a limit should have prevented) fails by timing out.
fn fails_soon(args: &[&str]) -> String {
    let out = ccsim().args(args).timeout(std::time::Duration::from_secs(30)).output().expect("ccsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "ccsim {args:?} did not fail with 1:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_decimal_comma_is_recognised() {
    // inside { }, `0,80` is 0 then an unknown key `80`
    rejects_text(
        &base_with(
            "handle_time: { dist: exponential, mean: 180s }",
            "handle_time: { dist: exponential, mean: 180s }\n    service_level: { answered_within: 20s, target: 0,80 }",
        ),
        &["queues[0].service_level", "decimal comma", "0.80"],
    );
    // in block style it is the text "0,80"
    rejects_text(
        &base_with(
            "handle_time: { dist: exponential, mean: 180s }",
            "handle_time: { dist: exponential, mean: 180s }\n    service_level:\n      answered_within: 20s\n      target: 0,80",
        ),
        &["target", "decimal comma"],
    );
}

#[test]
fn the_horizon_interval_needs_a_unit() {
    rejects_text(&base_with("interval: 30m", "interval: 30"), &["horizon.interval", "no unit", "30m"]);
}

#[test]
fn intervals_too_short_or_too_long_are_refused() {
    for (text, expected) in [
        ("interval: 10s", "shortest interval is 1m"),
        ("interval: \"1e-300s\"", "horizon.interval"),
        ("interval: \"0.001s\"", "shortest interval"),
        ("interval: 3h", "longer than the day"),
        ("interval: \"1e308s\"", "horizon.interval"),
    ] {
        rejects_text(&base_with("interval: 30m", text), &[expected]);
    }
}

#[test]
fn a_horizon_of_too_many_days_is_refused() {
    rejects_text(&base_with("interval: 30m }", "interval: 30m, days: 100000 }"), &["horizon.days", "at most 366"]);
}

#[test]
fn limits_name_themselves() {
    for (from, to, expected) in [
        ("count: 5", "count: 1000000000", "at most 100000 agents"),
        ("rate_per_hour: 100", "rate_per_hour: 1e15", "at most 1000000 per queue and interval"),
        ("rate_per_hour: 100", "per_interval: [1e12, 1, 1, 1e19]", "at most 1000000"),
        ("mean: 180s", "mean: 1e308", "at most 24h"),
        ("count: 5", "count: 5\n    cost_per_hour: 1e308", "at most 10000 an hour"),
        (
            "mean: 180s }",
            "mean: 180s }\n    patience: { dist: exponential, mean: 0.001 }\n    retrial: { probability: 1, delay: { dist: exponential, mean: 0.001 } }",
            "retrial.probability",
        ),
        (
            "count: 5",
            "count: 5\npolicy: { tick: 0.000000001, builtin: [{ callback: { queue: q, max_wait: 30s, acceptance: 0.5 } }] }",
            "shortest tick",
        ),
        ("count: 5", "count: 5\nsimulation: { replications: 2000000000 }", "at most 1000000"),
        ("mean: 180s", "mean: 180s, k: 4000000000", "k"),
    ] {
        let text = base_with(from, to);
        let dir = Dir::new();
        let file = dir.write("scenario.yaml", &text);
        let err = fails_soon(&["validate", file.to_str().unwrap()]);
        assert!(err.contains(expected), "{to}: {err}");
    }
    // the retrial delay has a floor of its own
    let text = base_with(
        "mean: 180s }",
        "mean: 180s }\n    patience: { dist: exponential, mean: 60s }\n    retrial: { probability: 0.5, delay: { dist: exponential, mean: 0.001 } }",
    );
    rejects_text(&text, &["retrial.delay", "at least 1 s"]);
}

#[test]
fn thousands_of_queues_are_refused_at_once() {
    let mut text = String::from("name: t\nhorizon: { start: \"08:00\", end: \"10:00\", interval: 30m }\nqueues:\n");
    for i in 0..1001 {
        text.push_str(&format!(
            "  - {{ id: q{i}, arrivals: {{ rate_per_hour: 1 }}, handle_time: {{ dist: constant, mean: 60s }} }}\n"
        ));
    }
    text.push_str("agents:\n  - { group: g, skills: [q0], count: 1 }\n");
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", &text);
    let err = fails_soon(&["validate", file.to_str().unwrap()]);
    assert!(err.contains("1001 queues: at most 1000"), "{err}");
}

#[test]
fn a_deeply_nested_file_is_refused_before_parsing() {
    let text = format!("name: t\na: {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", &text);
    let err = fails_soon(&["validate", file.to_str().unwrap()]);
    assert!(err.contains("nested") && err.contains("at most 64"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_device_as_volumes_csv_is_refused() {
    let text = base_with("rate_per_hour: 100", "csv: /dev/zero");
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", &text);
    let err = fails_soon(&["validate", file.to_str().unwrap()]);
    assert!(err.contains("/dev/zero is not a regular file"), "{err}");
    let err = fails_soon(&["validate", "/dev/zero"]);
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn each_message_of_an_error_is_said_once() {
    let dir = Dir::new();
    let scenario = dir.write("scenario.yaml", BASE);
    let script = dir.write("w.rhai", "scenario.set_count(\"squadra\", 3);\n");
    let err = fails(&["compare", scenario.to_str().unwrap(), "--whatif", script.to_str().unwrap(), "-n", "2", "-q"]);
    assert_eq!(err.matches("unknown group `squadra`").count(), 1, "{err}");
}

#[test]
fn a_queue_nobody_can_serve_is_warned_of_and_its_calls_shown_unserved() {
    // the group works 08:00-09:00 only: calls of 09:00-10:00 find nobody
    let text = base_with("count: 5", "staffing: [5, 5, 0, 0]");
    let dir = Dir::new();
    let file = dir.write("scenario.yaml", &text);
    let f = file.to_str().unwrap();
    let out = ccsim().args(["validate", f]).output().unwrap();
    assert!(out.status.success());
    let text_out = String::from_utf8_lossy(&out.stdout);
    assert!(
        text_out.contains("warning: queue `q`: no agent who can serve it is on duty in 2 interval(s)"),
        "{text_out}"
    );
    assert!(text_out.contains("09:00–10:00"), "{text_out}");
    let out = ccsim().args(["run", f, "-n", "5", "-q"]).output().unwrap();
    assert!(out.status.success());
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stderr.contains("warning: queue `q`"), "{stderr}");
    assert!(stdout.contains("Unserved calls a day") && stdout.contains("q "), "{stdout}");
    // a staffed scenario has neither
    let out = ccsim().args(["validate", dir.write("ok.yaml", BASE).to_str().unwrap()]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("warning"));
}

#[test]
fn what_ifs_are_held_to_the_same_limits() {
    let dir = Dir::new();
    let scenario = dir.write("scenario.yaml", BASE);
    for (body, expected) in [
        ("scenario.scale_arrivals(\"q\", \"08:00\", \"10:00\", 1e6);", "at most 1000000 per queue and interval"),
        ("scenario.add_calls(\"q\", \"08:00\", \"09:00\", 1e15);", "at most 1000000 per queue and interval"),
        ("scenario.set_count(\"g\", 4294967297);", "at most 100000"),
    ] {
        let script = dir.write("w.rhai", body);
        let err =
            fails_soon(&["compare", scenario.to_str().unwrap(), "--whatif", script.to_str().unwrap(), "-n", "2", "-q"]);
        assert!(err.contains(expected) && err.contains("w.rhai"), "{body}: {err}");
    }
}
