//! End-to-end tests of the `ccsim` binary: every shipped scenario validates and runs, output
//! formats are well-formed, results are deterministic, `--output` is atomic, and snapshots of
//! the table report and the `validate` summary.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The KPIs every queue-level scope (total, queue, interval row) reports as `{mean, ci_low, ci_high}`.
const QUEUE_KPIS: [&str; 8] =
    ["offered", "handled", "abandoned", "service_level", "asa_seconds", "abandon_rate", "occupancy", "cost"];

/// The KPIs every group reports as `{mean, ci_low, ci_high}`.
const GROUP_KPIS: [&str; 3] = ["occupancy", "paid_hours", "cost"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `ccsim` run from the crate root, so that relative scenario paths work.
fn ccsim() -> Command {
    let mut cmd = Command::cargo_bin("ccsim").expect("the ccsim binary is built");
    cmd.current_dir(root());
    cmd
}

/// Runs `ccsim args`, asserts success, returns stdout.
fn stdout_of(args: &[&str]) -> String {
    let out = ccsim().args(args).output().expect("ccsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ccsim {args:?} failed ({}):\n{stderr}", out.status);
    assert!(!stderr.contains("panicked"), "ccsim {args:?} panicked:\n{stderr}");
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Every scenario file shipped in `scenarios/` (not the `*.schedule.yaml` specs nor the
/// `*.staffing.yaml` requirement files), found at test time.
fn scenario_files() -> Vec<PathBuf> {
    let dir = root().join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
                // schedule specs (`ccsim schedule`) are not scenarios
                && !p.to_string_lossy().ends_with(".schedule.yaml")
                && !p.to_string_lossy().ends_with(".staffing.yaml")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario files in {}", dir.display());
    files
}

/// `v[key]` is an object `{mean, ci_low, ci_high}` of numbers (or `null` where undefined, when
/// `allow_null`).
fn assert_kpi(v: &Value, key: &str, allow_null: bool, context: &str) {
    let kpi = v.get(key).unwrap_or_else(|| panic!("{context}: missing KPI `{key}` in {v}"));
    let obj = kpi.as_object().unwrap_or_else(|| panic!("{context}.{key}: expected an object, got {kpi}"));
    for part in ["mean", "ci_low", "ci_high"] {
        let x = obj.get(part).unwrap_or_else(|| panic!("{context}.{key}: missing `{part}` in {kpi}"));
        assert!(x.is_number() || (allow_null && x.is_null()), "{context}.{key}.{part}: expected a number, got {x}");
    }
    if let (Some(lo), Some(mean), Some(hi)) = (obj["ci_low"].as_f64(), obj["mean"].as_f64(), obj["ci_high"].as_f64()) {
        let slack = 1e-9 * mean.abs().max(1.0);
        assert!(
            lo <= mean + slack && mean <= hi + slack,
            "{context}.{key}: CI [{lo}, {hi}] does not contain the mean {mean}"
        );
    }
}

/// Checks the structure of a `--format json` report.
fn check_report(json: &Value, file: &str, replications: u64) {
    for key in ["scenario", "replications", "seed", "total", "queues", "groups", "intervals"] {
        assert!(json.get(key).is_some(), "{file}: report lacks `{key}`");
    }
    assert!(json["scenario"].is_string(), "{file}: `scenario` is not text");
    assert_eq!(json["replications"].as_u64(), Some(replications), "{file}");
    assert!(json["seed"].is_u64(), "{file}: `seed` is not an integer");

    for kpi in QUEUE_KPIS {
        assert_kpi(&json["total"], kpi, false, &format!("{file}: total"));
    }

    let queues = json["queues"].as_object().unwrap_or_else(|| panic!("{file}: `queues` is not an object"));
    assert!(!queues.is_empty(), "{file}: no queues");
    for (id, q) in queues {
        let ctx = format!("{file}: queues.{id}");
        for kpi in QUEUE_KPIS {
            assert_kpi(q, kpi, false, &ctx);
        }
        let p = q["p_meet_target"].as_f64().unwrap_or_else(|| panic!("{ctx}: `p_meet_target` is not a number: {q}"));
        assert!((0.0..=1.0).contains(&p), "{ctx}: p_meet_target {p}");
    }

    let groups = json["groups"].as_object().unwrap_or_else(|| panic!("{file}: `groups` is not an object"));
    assert!(!groups.is_empty(), "{file}: no groups");
    for (id, g) in groups {
        for kpi in GROUP_KPIS {
            assert_kpi(g, kpi, false, &format!("{file}: groups.{id}"));
        }
    }

    let intervals = json["intervals"].as_array().unwrap_or_else(|| panic!("{file}: `intervals` is not a list"));
    assert!(
        !intervals.is_empty() && intervals.len().is_multiple_of(queues.len()),
        "{file}: {} interval rows for {} queue(s)",
        intervals.len(),
        queues.len()
    );
    for (i, row) in intervals.iter().enumerate() {
        let ctx = format!("{file}: intervals[{i}]");
        let queue = row["queue"].as_str().unwrap_or_else(|| panic!("{ctx}: `queue` is not text: {row}"));
        assert!(queues.contains_key(queue), "{ctx}: unknown queue {queue}");
        assert!(row["start"].is_string(), "{ctx}: `start` is not text");
        for kpi in QUEUE_KPIS {
            // An interval can be undefined (e.g. no call answered: no ASA).
            assert_kpi(row, kpi, true, &ctx);
        }
    }
}

#[test]
fn every_scenario_validates_and_runs() {
    for path in scenario_files() {
        let file = path.to_str().expect("UTF-8 path");
        let summary = stdout_of(&["validate", file]);
        assert!(summary.contains("valid."), "{file}: validate printed {summary}");

        let out = stdout_of(&["run", file, "--replications", "3", "--quiet", "--format", "json"]);
        let json: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{file}: run output is not JSON ({e}):\n{out}"));
        check_report(&json, file, 3);
    }
}

#[test]
fn results_do_not_depend_on_threads() {
    let run = |threads: &str, seed: Option<&str>| {
        let mut args =
            vec!["run", "scenarios/morning_peak.yaml", "-n", "20", "--format", "json", "--quiet", "--threads", threads];
        if let Some(s) = seed {
            args.extend(["--seed", s]);
        }
        stdout_of(&args)
    };
    // the outputs differ only in the metadata saying how many threads ran them
    let without_threads = |out: &str, threads: u64| {
        let mut v: Value = serde_json::from_str(out).expect("JSON");
        assert_eq!(v["run"]["threads"].as_u64(), Some(threads), "the thread count is reported");
        assert_eq!(v["run"]["ccsim"].as_str(), Some(env!("CARGO_PKG_VERSION")), "the version is reported");
        v["run"]["threads"] = Value::Null;
        serde_json::to_string(&v).expect("JSON")
    };
    let one = without_threads(&run("1", None), 1);
    let two = without_threads(&run("2", None), 2);
    let again = without_threads(&run("2", None), 2);
    assert_eq!(one, two, "--threads 1 and --threads 2 differ");
    assert_eq!(two, again, "two runs with --threads 2 differ");

    let other = run("2", Some("12345"));
    assert_ne!(one, other, "a different --seed gave the same output");
    let json: Value = serde_json::from_str(&other).expect("JSON");
    assert_eq!(json["seed"].as_u64(), Some(12345));
}

#[test]
fn csv_output_parses() {
    let out = stdout_of(&["run", "scenarios/morning_peak.yaml", "-n", "3", "--quiet", "--format", "csv"]);
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = rdr.headers().expect("CSV header").iter().map(String::from).collect();
    assert_eq!(header, ["level", "id", "day", "date", "start", "kpi", "mean", "ci_low", "ci_high", "unit"]);
    let levels =
        ["total", "queue", "group", "day", "day_queue", "day_group", "interval", "group_interval", "served", "run"];
    let mut starts = Vec::new();
    let mut rows = 0;
    let mut day_rows = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap_or_else(|e| panic!("CSV record {i}: {e}"));
        assert_eq!(rec.len(), 10, "CSV record {i}: {rec:?}");
        assert!(levels.contains(&&rec[0]), "CSV record {i}: level {:?}", &rec[0]);
        assert_eq!(rec[9].is_empty(), &rec[0] == "run", "CSV record {i}: every KPI has a unit, metadata none");
        assert!(!rec[5].is_empty(), "CSV record {i}: empty kpi name");
        for cell in [&rec[6], &rec[7], &rec[8]] {
            assert!(cell.is_empty() || cell.parse::<f64>().is_ok(), "CSV record {i}: {cell:?} is not a number");
        }
        assert!(rec[3].is_empty(), "CSV record {i}: an undated horizon has no dates");
        if &rec[0] == "interval" && &rec[5] == "offered" {
            assert_eq!(&rec[1], "sales");
            assert_eq!(&rec[2], "1", "CSV record {i}: a one-day horizon's intervals are on day 1");
            starts.push(rec[4].to_string());
        }
        if rec[0].starts_with("day") {
            assert_eq!(&rec[2], "1", "CSV record {i}");
            assert!(rec[4].is_empty(), "CSV record {i}: a day row has no start");
            day_rows += 1;
        }
        if &rec[0] == "total" || &rec[0] == "queue" || &rec[0] == "group" {
            assert!(rec[2].is_empty() && rec[4].is_empty(), "CSV record {i}: whole-horizon row has a day or start");
        }
        rows += 1;
    }
    assert!(day_rows > 0, "no per-day rows");
    assert!(rows > 0);
    assert_eq!(starts, morning_peak_starts());
}

/// The interval starts of `scenarios/morning_peak.yaml`: 08:00 to 09:45 every 15 minutes.
fn morning_peak_starts() -> Vec<String> {
    (0..8)
        .map(|i| {
            let m = 8 * 60 + 15 * i;
            format!("{:02}:{:02}", m / 60, m % 60)
        })
        .collect()
}

#[test]
fn table_intervals_has_one_line_per_interval() {
    let without = stdout_of(&["run", "scenarios/morning_peak.yaml", "-n", "3", "--quiet"]);
    let with =
        stdout_of(&["run", "scenarios/morning_peak.yaml", "-n", "3", "--quiet", "--format", "table", "--intervals"]);
    assert!(with.starts_with(&without), "--intervals changed the summary");
    for start in morning_peak_starts() {
        let lines: Vec<&str> =
            with.lines().filter(|l| l.split_whitespace().take(2).eq([start.as_str(), "sales"])).collect();
        assert_eq!(lines.len(), 1, "interval {start}: lines {lines:?} in\n{with}");
        assert!(!without.contains(&format!("{start} ")), "interval {start} shown without --intervals");
    }
}

#[test]
fn output_file_is_written_and_stdout_is_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("result.json");
    let out = stdout_of(&[
        "run",
        "scenarios/morning_peak.yaml",
        "-n",
        "3",
        "--quiet",
        "--format",
        "json",
        "--output",
        target.to_str().expect("UTF-8 path"),
    ]);
    assert!(out.is_empty(), "stdout not empty with --output: {out}");
    let text = std::fs::read_to_string(&target).expect("--output file exists");
    let json: Value = serde_json::from_str(&text).expect("--output file is JSON");
    check_report(&json, "morning_peak.yaml (--output)", 3);
    // Nothing else (no temporary file) is left in the folder.
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).expect("list temp dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names, [std::ffi::OsString::from("result.json")]);
}

#[test]
fn output_into_missing_directory_fails_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no_such_dir");
    let target = missing.join("result.json");
    let out = ccsim()
        .args([
            "run",
            "scenarios/morning_peak.yaml",
            "-n",
            "3",
            "--quiet",
            "--output",
            target.to_str().expect("UTF-8 path"),
        ])
        .output()
        .expect("ccsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "writing into a missing folder succeeded");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("no_such_dir"), "the error does not name the folder: {stderr}");
    assert!(out.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!target.exists(), "{} was created", target.display());
    assert!(!missing.exists(), "{} was created", missing.display());
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list temp dir").collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[test]
fn schema_is_json_and_describes_the_format() {
    let out = stdout_of(&["schema"]);
    let schema: Value = serde_json::from_str(&out).expect("schema is JSON");
    let props = schema["properties"].as_object().expect("schema has top-level properties");
    for key in ["horizon", "queues", "agents"] {
        assert!(props.contains_key(key), "schema lacks property `{key}`");
        assert!(out.contains(&format!("\"{key}\"")));
    }
}

#[test]
fn snapshot_erlang_c_table() {
    let out = stdout_of(&[
        "run",
        "scenarios/erlang_c_check.yaml",
        "-n",
        "5",
        "--format",
        "table",
        "--quiet",
        "--threads",
        "2",
    ]);
    insta::assert_snapshot!("erlang_c_check_table", out);
}

#[test]
fn snapshot_validate_morning_peak() {
    let out = ccsim().args(["validate", "scenarios/morning_peak.yaml"]).output().expect("ccsim starts");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    let value = serde_json::json!({
        "success": out.status.success(),
        "stdout": stdout.lines().collect::<Vec<_>>(),
        "stderr": stderr.lines().collect::<Vec<_>>(),
    });
    insta::assert_json_snapshot!("validate_morning_peak", value);
}

/// `--csv-locale it` writes the same table for Italian spreadsheets: `;` between cells, a
/// decimal comma, the same numbers as the C locale (both rounded to 6 significant digits);
/// text, dates and clock times unchanged.
#[test]
fn csv_for_italian_spreadsheets_holds_the_same_numbers() {
    for args in [
        &["run", "scenarios/erlang_c_check.yaml", "-n", "4"][..],
        &["staff", "scenarios/support_week.yaml"][..],
        &["schedule", "scenarios/day.schedule.yaml"][..],
    ] {
        let c = stdout_of(&[args, &["--format", "csv"]].concat());
        let it = stdout_of(&[args, &["--format", "csv", "--csv-locale", "it"]].concat());
        let (c_lines, it_lines): (Vec<&str>, Vec<&str>) = (c.lines().collect(), it.lines().collect());
        assert_eq!(c_lines.len(), it_lines.len(), "{args:?}");
        assert!(it_lines[0].contains(';') && !it_lines[0].contains(','), "{args:?}: {}", it_lines[0]);
        let mut numbers = 0;
        for (lc, li) in c_lines.iter().zip(&it_lines) {
            let (cc, ci): (Vec<&str>, Vec<&str>) = (lc.split(',').collect(), li.split(';').collect());
            assert_eq!(cc.len(), ci.len(), "{lc} / {li}");
            for (a, b) in cc.iter().zip(&ci) {
                match a.parse::<f64>() {
                    Ok(x) if !a.is_empty() => {
                        assert!(!b.contains('.'), "{b}");
                        let y: f64 = b.replace(',', ".").parse().unwrap_or_else(|_| panic!("{b} is not a number"));
                        assert!((x - y).abs() <= 5e-6 * x.abs().max(1e-300), "{a} became {b}");
                        assert_eq!(*a, b.replace(',', "."), "both locales hold the same numbers");
                        numbers += 1;
                    }
                    _ => assert_eq!(a, b),
                }
            }
        }
        assert!(numbers > 50, "{args:?}: only {numbers} numbers compared");
    }
}
