//! Output files as a colleague on a shared drive and a careless command line meet them
//! (issue 12, items 6, 9, 11, 14, 15): permissions follow the umask, devices are never
//! replaced, bad output paths and bad `--chart`/`--threads` fail before any simulation,
//! `validate` reports a failed write instead of panicking, and `sweep --resume` refuses files
//! from another run. KPIs in JSON and CSV follow the tables of `ccsim::kpi` by name (issue 13).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ccsim() -> Command {
    let mut cmd = Command::cargo_bin("ccsim").expect("the ccsim binary is built");
    cmd.current_dir(root());
    // a check that runs after the simulation would not finish in this time with -n 1000000
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// Runs `ccsim args`, expects failure, returns stderr (and checks nothing panicked).
fn failure(args: &[&str]) -> String {
    let out = ccsim().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "ccsim {args:?} should fail");
    // 1: ccsim's own error; 2: clap's usage error; never 101 (a panic)
    assert!(matches!(out.status.code(), Some(1 | 2)), "ccsim {args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn success(args: &[&str]) -> String {
    let out = ccsim().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ccsim {args:?}: {err}");
    String::from_utf8(out.stdout).unwrap()
}

#[cfg(unix)]
fn mode_with_umask(umask: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schema.json");
    let bin = assert_cmd::cargo::cargo_bin("ccsim");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"{}\" schema -o \"{}\"", bin.display(), out.display()))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::metadata(&out).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn output_files_follow_the_umask() {
    assert_eq!(mode_with_umask("022"), 0o644, "readable by colleagues, as any tool writes");
    assert_eq!(mode_with_umask("077"), 0o600, "a private umask stays private");
}

#[cfg(unix)]
#[test]
fn a_device_is_written_into_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    success(&["schema", "-o", "/dev/null"]);
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    // a full device reports the write error
    let err = failure(&["schema", "-o", "/dev/full"]);
    assert!(err.contains("writing /dev/full"), "{err}");
    assert!(std::fs::metadata("/dev/full").unwrap().file_type().is_char_device());
}

#[test]
fn bad_output_paths_fail_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no_such_folder/out.json");
    let huge = ["run", "scenarios/realistic_day.yaml", "-n", "1000000", "-q", "-o"];
    let err = failure(&[&huge[..], &[missing.to_str().unwrap()]].concat());
    assert!(err.contains("no_such_folder"), "{err}");
    let err = failure(&[&huge[..], &[dir.path().to_str().unwrap()]].concat());
    assert!(err.contains("is a folder"), "{err}");
    let emit = dir.path().join("none/s.yaml");
    let err = failure(&["staff", "scenarios/realistic_day.yaml", "--emit-staffing", emit.to_str().unwrap()]);
    assert!(err.contains("none"), "{err}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing was written");
}

#[test]
fn too_many_threads_is_refused_at_once_and_said_once() {
    let err = failure(&["run", "scenarios/erlang_c_check.yaml", "--threads", "10000"]);
    assert!(err.contains("expected 1 to 1024"), "{err}");
    let err = failure(&["run", "scenarios/erlang_c_check.yaml", "--threads", "0"]);
    assert!(err.contains("expected 1 to 1024"), "{err}");
}

#[cfg(unix)]
#[test]
fn validate_reports_a_failed_write() {
    let bin = assert_cmd::cargo::cargo_bin("ccsim");
    let out = std::process::Command::new("sh")
        .current_dir(root())
        .arg("-c")
        .arg(format!("exec \"{}\" validate scenarios/erlang_c_check.yaml > /dev/full", bin.display()))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("writing to standard output"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_chart_of_a_two_dimensional_sweep_is_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c.svg");
    let err = failure(&[
        "sweep",
        "scenarios/erlang_c_check.yaml",
        "--vary",
        "agents.team=11..13",
        "--vary",
        "queues.support.service_level.target=0.8,0.9",
        "-n",
        "1000000",
        "-q",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(err.contains("--chart needs a one-dimensional sweep"), "{err}");
}

/// A finished sweep's JSON file at `out` with these extra arguments.
fn sweep_to(out: &Path, extra: &[&str]) -> Result<(), String> {
    let o = ccsim()
        .args(["sweep", "scenarios/erlang_c_check.yaml", "--vary", "agents.team=12..14", "-q", "--format", "json"])
        .args(extra)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!err.contains("panicked"), "{err}");
    if o.status.success() { Ok(()) } else { Err(err) }
}

#[test]
fn resume_refuses_a_file_from_another_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep.json");
    sweep_to(&out, &["--seed", "1", "-n", "20"]).unwrap();
    let original = std::fs::read_to_string(&out).unwrap();

    let err = sweep_to(&out, &["--seed", "2", "-n", "20", "--resume"]).unwrap_err();
    assert!(err.contains("seed 1") && err.contains("uses 2"), "{err}");
    let err = sweep_to(&out, &["--seed", "1", "-n", "50", "--resume"]).unwrap_err();
    assert!(err.contains("replications 20") && err.contains("uses 50"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), original, "a refused file is left as it was");

    // the same run resumes: every point is already there
    sweep_to(&out, &["--seed", "1", "-n", "20", "--resume"]).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), original);

    // another scenario (here: another target) under the same parameters
    let err = sweep_to(&out, &["--seed", "1", "-n", "20", "--resume", "--whatif", "scripts/contract_90_15.rhai"]);
    assert!(err.unwrap_err().contains("fingerprint differs"));

    // a point whose result is not a result
    let mut doc: Value = serde_json::from_str(&original).unwrap();
    doc["points"][1]["result"] = Value::from(5);
    std::fs::write(&out, serde_json::to_string(&doc).unwrap()).unwrap();
    let err = sweep_to(&out, &["--seed", "1", "-n", "20", "--resume"]).unwrap_err();
    assert!(err.contains("agents.team=13") && err.contains("no whole result"), "{err}");

    // a file without the run record (an older ccsim, or something else)
    std::fs::write(&out, r#"{"points": []}"#).unwrap();
    let err = sweep_to(&out, &["--seed", "1", "-n", "20", "--resume"]).unwrap_err();
    assert!(err.contains("records no run"), "{err}");
}

#[test]
fn a_huge_run_says_so_before_it_starts() {
    // 10,000 calls a replication × 100,000 replications = 10⁹ calls; stopped by the timeout
    // if the note came only at the end, so read it from a run killed early
    let bin = assert_cmd::cargo::cargo_bin("ccsim");
    let mut child = std::process::Command::new(bin)
        .current_dir(root())
        .args(["run", "scenarios/realistic_day.yaml", "-n", "100000", "-q"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stderr.take().unwrap()), &mut first).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(first.contains("note: this run simulates about") && first.contains("100000 replications"), "{first}");
}

/// Every KPI of every table appears in the JSON under its name, in its shape (a probability
/// over days as a number with `_ci`, the rest as `{mean, ci_low, ci_high}`), and who served
/// whom is listed per (group, queue) pair; the CSV has the same names.
#[test]
fn json_and_csv_follow_the_kpi_tables() {
    use ccsim::kpi::{Kind, KpiDef, group, queue, served};
    fn check<I>(o: &Value, table: &[KpiDef<I>], what: &str) {
        for d in table {
            match d.kind {
                Kind::DayShare => {
                    assert!(o[d.name].is_number(), "{what}.{}: {}", d.name, o[d.name]);
                    assert!(o[format!("{}_ci", d.name)].is_array(), "{what}.{}_ci", d.name);
                }
                // undefined (no callbacks, say) is null
                Kind::Mean => assert!(o[d.name].get("mean").is_some(), "{what}.{}: {}", d.name, o[d.name]),
            }
        }
    }
    let out = success(&["run", "scenarios/multi_skill.yaml", "-n", "3", "--quiet", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    check(&v["total"], &queue::TABLE, "total");
    check(&v["queues"]["sales"], &queue::TABLE, "queues.sales");
    check(&v["groups"]["blended"], &group::TABLE, "groups.blended");
    check(&v["intervals"][0], &queue::TABLE, "intervals[0]");
    check(&v["group_intervals"][0], &group::TABLE, "group_intervals[0]");
    let pairs = v["served"].as_array().expect("served");
    assert!(pairs.len() >= 6, "{pairs:?}");
    for p in pairs {
        assert!(p["group"].is_string() && p["queue"].is_string(), "{p}");
        check(p, &served::TABLE, "served");
    }
    let blended_support = pairs.iter().find(|p| p["group"] == "blended" && p["queue"] == "support").unwrap();
    assert!(blended_support["handled"]["mean"].as_f64().unwrap() > 0.0);
    let g = &v["groups"]["support_team"];
    assert!(g["occupancy_with_after_close"]["mean"].as_f64() >= g["occupancy"]["mean"].as_f64());

    let out = success(&["run", "scenarios/multi_skill.yaml", "-n", "3", "--quiet", "--format", "csv"]);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split(',').collect()).collect();
    for d in &group::TABLE {
        assert!(rows.iter().any(|r| r[0] == "group" && r[3] == d.name), "csv group {}", d.name);
    }
    assert!(rows.iter().any(|r| r[0] == "served" && r[1] == "blended:support" && r[3] == "busy_hours"));
}
