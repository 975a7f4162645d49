//! Sharded runs (`--shard K/N`) merged by `ccsim merge` give the single run's result: every
//! number within 1e-12 relative, P(meet target) and the day-SL quantiles identical; parts of
//! different runs, missing and duplicated shards are refused by name; a re-run shard gives the
//! same bytes.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn ccsim(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ccsim").expect("binary");
    let _ = dir;
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs `args` as shard k of n for every k into a new folder of `dir`, returns the part paths.
fn shards(dir: &Path, args: &[&str], n: u32) -> Vec<PathBuf> {
    static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let run = dir.join(format!("run-{}", RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    std::fs::create_dir(&run).unwrap();
    (0..n)
        .map(|k| {
            let part = run.join(format!("part-{k}.json"));
            ccsim(dir).args(args).args(["--shard", &format!("{k}/{n}"), "-q", "-o"]).arg(&part).assert().success();
            part
        })
        .collect()
}

fn single(dir: &Path, args: &[&str]) -> Value {
    let out = ccsim(dir).args(args).args(["-q", "--format", "json"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn merge(dir: &Path, parts: &[PathBuf]) -> Result<Value, String> {
    let out = ccsim(dir).arg("merge").args(parts).args(["--format", "json"]).output().expect("runs");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).expect("json"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The first difference between two results: numbers may differ by 1e-12 relative (merging
/// running means rounds differently), except shares of days and quantiles, which are exact.
fn difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if path.ends_with("/run") => {
            // how the work was executed: the single run says its threads, the merge its shards
            let strip = |m: &serde_json::Map<String, Value>| {
                let mut m = m.clone();
                m.remove("threads");
                m.remove("shards");
                Value::Object(m)
            };
            let (x, y) = (strip(x), strip(y));
            if x == y { None } else { Some(format!("{path}: {x} against {y}")) }
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: keys {:?} against {:?}", x.keys(), y.keys()));
            }
            x.iter().find_map(|(k, v)| match y.get(k) {
                None => Some(format!("{path}/{k}: missing")),
                Some(w) => difference(v, w, &format!("{path}/{k}")),
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: {} items against {}", x.len(), y.len()));
            }
            x.iter().zip(y).enumerate().find_map(|(i, (v, w))| difference(v, w, &format!("{path}/{i}")))
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().expect("f64"), y.as_f64().expect("f64"));
            // a comparison's horizon-level difference of P(meet) is a mean of per-replication
            // shares of days (k/days), rounded like any mean on horizons of several days
            let share_diff = path.contains("/diff/total/") || path.contains("/diff/queues/");
            let exact = (path.contains("p_meet") && !share_diff) || path.contains("sl_p");
            let close = x == y || (!exact && (x - y).abs() <= 1e-12 * x.abs().max(y.abs()));
            (!close).then(|| format!("{path}: {x:e} against {y:e}{}", if exact { " (must be identical)" } else { "" }))
        }
        _ => (a != b).then(|| format!("{path}: {a} against {b}")),
    }
}

fn assert_same(single: &Value, merged: &Value, what: &str) {
    if let Some(d) = difference(single, merged, "") {
        panic!("{what}: the merged result differs from the single run at {d}");
    }
}

#[test]
fn merged_shards_of_a_run_equal_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["run", "scenarios/realistic_day.yaml", "-n", "14", "--seed", "5"];
    let one = single(dir.path(), &args);
    for n in [1, 2, 3, 7] {
        let merged = merge(dir.path(), &shards(dir.path(), &args, n)).unwrap_or_else(|e| panic!("{e}"));
        assert_same(&one, &merged, &format!("run, {n} shards"));
        assert_eq!(merged["run"]["shards"].as_u64(), Some(u64::from(n)), "the merge says it merged {n} shards");
    }
    // the comparison can fail: another seed is another result
    let other = single(dir.path(), &["run", "scenarios/realistic_day.yaml", "-n", "14", "--seed", "6"]);
    assert!(difference(&one, &other, "").is_some());
}

#[test]
fn merged_shards_of_a_run_with_a_policy_equal_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "scenarios/multi_skill.yaml",
        "--policy",
        "scripts/policies/supervisor.rhai",
        "--tick",
        "5m",
        "-n",
        "9",
    ];
    let one = single(dir.path(), &args);
    for n in [2, 3, 7] {
        let merged = merge(dir.path(), &shards(dir.path(), &args, n)).unwrap_or_else(|e| panic!("{e}"));
        assert_same(&one, &merged, &format!("run with a policy, {n} shards"));
    }
}

#[test]
fn merged_shards_of_a_sweep_with_whatifs_and_a_policy_equal_the_single_sweep() {
    let dir = tempfile::tempdir().unwrap();
    // 3 points × 5 replications = 15 work units: 7 shards cut points in the middle
    let args = [
        "sweep",
        "scenarios/multi_skill.yaml",
        "--whatif",
        "scripts/absenteeism_15.rhai",
        "--vary",
        "agents.blended=5..7:1",
        "--policy",
        "scripts/policies/supervisor.rhai",
        "--tick",
        "5m",
        "-n",
        "5",
    ];
    let one = single(dir.path(), &args);
    for n in [1, 2, 3, 7] {
        let merged = merge(dir.path(), &shards(dir.path(), &args, n)).unwrap_or_else(|e| panic!("{e}"));
        assert_same(&one, &merged, &format!("sweep, {n} shards"));
    }
}

#[test]
fn a_rerun_shard_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["run", "scenarios/erlang_c_check.yaml", "-n", "6"];
    let a = shards(dir.path(), &args, 3);
    let first = std::fs::read(&a[1]).unwrap();
    ccsim(dir.path()).args(args).args(["--shard", "1/3", "-q", "--threads", "1", "-o"]).arg(&a[1]).assert().success();
    assert_eq!(first, std::fs::read(&a[1]).unwrap(), "shard 1 of 3 run again (on 1 thread)");
}

#[test]
fn missing_and_duplicated_shards_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shards(dir.path(), &["run", "scenarios/erlang_c_check.yaml", "-n", "8"], 4);
    let e = merge(dir.path(), &[parts[0].clone(), parts[2].clone()]).unwrap_err();
    assert!(e.contains("shards 1 and 3 of 4 are missing"), "{e}");
    let e = merge(dir.path(), &[parts[0].clone(), parts[1].clone(), parts[2].clone()]).unwrap_err();
    assert!(e.contains("shard 3 of 4 is missing"), "{e}");
    let mut twice = parts.clone();
    twice.push(parts[2].clone());
    let e = merge(dir.path(), &twice).unwrap_err();
    assert!(e.contains("shard 2 of 4 appears twice"), "{e}");
}

#[test]
fn parts_of_different_runs_refuse_to_merge() {
    let dir = tempfile::tempdir().unwrap();
    let a = shards(dir.path(), &["run", "scenarios/erlang_c_check.yaml", "-n", "8", "--seed", "1"], 2);
    let b = shards(dir.path(), &["run", "scenarios/erlang_c_check.yaml", "-n", "8", "--seed", "2"], 2);
    let e = merge(dir.path(), &[a[0].clone(), b[1].clone()]).unwrap_err();
    assert!(e.contains("comes from another run") && e.contains("seed (2 against 1)"), "{e}");
    let c = shards(dir.path(), &["run", "scenarios/erlang_c_check.yaml", "-n", "9", "--seed", "1"], 2);
    let e = merge(dir.path(), &[a[0].clone(), c[1].clone()]).unwrap_err();
    assert!(e.contains("comes from another run"), "{e}");
    let e = merge(dir.path(), &[a[0].clone(), dir.path().join("nothing.json")]).unwrap_err();
    assert!(e.contains("cannot read") && e.contains("nothing.json"), "{e}");
    std::fs::write(dir.path().join("other.json"), "{\"total\": 1}").unwrap();
    let e = merge(dir.path(), &[a[0].clone(), dir.path().join("other.json")]).unwrap_err();
    assert!(e.contains("not a ccsim partial result"), "{e}");
}

#[test]
fn a_scenario_changed_after_the_shards_ran_is_refused_at_merge() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.yaml");
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/erlang_c_check.yaml")).unwrap();
    std::fs::write(&file, &text).unwrap();
    let f = file.to_str().unwrap();
    let parts = shards(dir.path(), &["run", f, "-n", "4"], 2);
    merge(dir.path(), &parts).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&file, text.replace("count: 12", "count: 13")).unwrap();
    let e = merge(dir.path(), &parts).unwrap_err();
    assert!(e.contains("other inputs than the files here now") && e.contains("scenario"), "{e}");
}

#[test]
fn merged_shards_of_a_comparison_equal_the_single_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "compare",
        "scenarios/realistic_day.yaml",
        "--whatif",
        "scripts/spike_late_morning.rhai",
        "--whatif",
        "scripts/overtime.rhai",
        "--set",
        "group=agents",
        "--set",
        "minutes=30",
        "-n",
        "9",
    ];
    let one = single(dir.path(), &args);
    assert_eq!(one["variants"].as_array().map(Vec::len), Some(2), "two variants: {one}");
    for n in [1, 2, 3, 7] {
        let merged = merge(dir.path(), &shards(dir.path(), &args, n)).unwrap_or_else(|e| panic!("{e}"));
        assert_same(&one, &merged, &format!("compare, {n} shards"));
    }
    // the table is the comparison's table too
    let parts = shards(dir.path(), &args, 2);
    let table = ccsim(dir.path()).args(args).arg("-q").output().expect("runs");
    let merged = ccsim(dir.path()).arg("merge").args(&parts).output().expect("runs");
    assert!(merged.status.success(), "{}", String::from_utf8_lossy(&merged.stderr));
    let (table, merged) = (String::from_utf8_lossy(&table.stdout), String::from_utf8_lossy(&merged.stdout));
    // the first line says how each ran; everything else is the same
    let (t1, t_rest) = table.split_once('\n').expect("lines");
    let (m1, m_rest) = merged.split_once('\n').expect("lines");
    assert!(t1.contains("threads)") && m1.contains("merged from 2 shards)"), "{t1}\n{m1}");
    assert_eq!(t_rest, m_rest);
}

/// The notes a command printed on standard error about withdrawn verdicts.
fn withdrawn_notes(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr).lines().filter(|l| l.contains("on a rerun with fresh")).map(Into::into).collect()
}

/// 13 agents on 10 Erlangs meet the 80 % SL target on some seeds' means and miss it on others:
/// with seed 2 the baseline's verdict is withdrawn on fresh seeds and the variant's kept, with 5
/// both are kept, with 6 both withdrawn. The merged shards judge exactly as the single run.
#[test]
fn merged_shards_of_a_comparison_confirm_verdicts_as_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/erlang_c_check.yaml")).unwrap();
    let scenario = dir.path().join("s.yaml");
    std::fs::write(&scenario, text.replace("count: 12", "count: 13")).unwrap();
    let script = dir.path().join("shorter.rhai");
    std::fs::write(&script, "scenario.scale_handle_time(\"*\", 0.99);\n").unwrap();
    let (s, w) = (scenario.to_str().unwrap(), script.to_str().unwrap());
    let mut seen = Vec::new();
    for seed in ["2", "5", "6"] {
        let args = ["compare", s, "--whatif", w, "-n", "5", "--seed", seed];
        let out = ccsim(dir.path()).args(args).args(["-q", "--format", "json"]).output().expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let one: Value = serde_json::from_slice(&out.stdout).expect("json");
        let notes = withdrawn_notes(&out.stderr);
        let parts = shards(dir.path(), &args, 3);
        let m = ccsim(dir.path()).arg("merge").args(&parts).args(["--format", "json"]).output().expect("runs");
        assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
        let merged: Value = serde_json::from_slice(&m.stdout).expect("json");
        assert_same(&one, &merged, &format!("compare with seed {seed}, 3 shards"));
        assert_eq!(notes, withdrawn_notes(&m.stderr), "seed {seed}: the same verdicts withdrawn");
        seen.push((notes.len(), one["baseline_meets_targets"].clone(), one["meeting_targets"].clone()));
    }
    // the cases the test is about: withdrawn and kept verdicts
    assert_eq!(seen[0].0, 1, "seed 2: the baseline's verdict is withdrawn");
    assert_eq!(seen[0].2, serde_json::json!(["shorter"]), "seed 2: the variant's verdict is kept");
    assert_eq!((seen[1].0, &seen[1].1), (0, &Value::Bool(true)), "seed 5: both kept");
    assert_eq!(seen[2].0, 2, "seed 6: both withdrawn");
}

#[test]
fn comparison_parts_do_not_merge_with_run_parts() {
    let dir = tempfile::tempdir().unwrap();
    let s = "scenarios/erlang_c_check.yaml";
    let c = shards(dir.path(), &["compare", s, "--whatif", "scripts/aht_up_10.rhai", "-n", "4"], 2);
    let r = shards(dir.path(), &["run", s, "-n", "4"], 2);
    let e = merge(dir.path(), &[c[0].clone(), r[1].clone()]).unwrap_err();
    assert!(e.contains("comes from another run") && e.contains("command (run against compare)"), "{e}");
    merge(dir.path(), &c).unwrap_or_else(|e| panic!("{e}"));
    // a comparison shard run again writes the same bytes
    let first = std::fs::read(&c[1]).unwrap();
    let args =
        ["compare", s, "--whatif", "scripts/aht_up_10.rhai", "-n", "4", "--shard", "1/2", "-q", "--threads", "1"];
    ccsim(dir.path()).args(args).arg("-o").arg(&c[1]).assert().success();
    assert_eq!(first, std::fs::read(&c[1]).unwrap(), "compare shard 1 of 2 run again (on 1 thread)");
}

/// The verification of a staffing plan (`optimize`/`staff --emit-staffing`, then `run
/// --staffing`) runs in shards like any run, and the staffing file is part of its identity.
#[test]
fn a_staffing_plan_is_verified_in_shards() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.yaml");
    ccsim(dir.path())
        .args(["staff", "scenarios/realistic_day.yaml", "--emit-staffing"])
        .arg(&plan)
        .args(["-o", dir.path().join("staff.txt").to_str().unwrap()])
        .assert()
        .success();
    let plan_arg = plan.to_str().unwrap();
    let args = ["run", "scenarios/realistic_day.yaml", "--staffing", plan_arg, "-n", "8"];
    let one = single(dir.path(), &args);
    let parts = shards(dir.path(), &args, 3);
    assert_same(&one, &merge(dir.path(), &parts).unwrap_or_else(|e| panic!("{e}")), "run --staffing, 3 shards");
    // another plan in the same file is another run
    // one more agent in the first interval: another plan, so the parts no longer belong to it
    let text = std::fs::read_to_string(&plan).unwrap();
    let (head, rest) = text.split_once("agents: [").expect("a curve for group agents");
    let (first, tail) = rest.split_once(',').expect("a list");
    let more = first.trim().parse::<u32>().expect("a count") + 1;
    std::fs::write(&plan, format!("{head}agents: [{more},{tail}")).unwrap();
    let e = merge(dir.path(), &parts).expect_err("a changed staffing file was merged as if unchanged");
    assert!(e.contains("other inputs than the files here now"), "{e}");
}

/// A multi-day horizon (issue 14): the per-day results and per-day paired differences of merged
/// shards equal the single run's, P(meet) of each day identical.
#[test]
fn merged_shards_of_a_multi_day_run_and_comparison_equal_the_single_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/multi_skill.yaml")).unwrap();
    let yaml = dir.path().join("three_days.yaml");
    std::fs::write(&yaml, text.replace("interval: 30m }", "interval: 30m, days: 3 }")).unwrap();
    let yaml = yaml.to_str().unwrap();
    let run = ["run", yaml, "-n", "9"];
    let one = single(dir.path(), &run);
    assert_eq!(one["days"].as_array().map(Vec::len), Some(3));
    let merged = merge(dir.path(), &shards(dir.path(), &run, 4)).unwrap_or_else(|e| panic!("{e}"));
    assert_same(&one, &merged, "a three-day run, 4 shards");
    let cmp = ["compare", yaml, "--whatif", "scripts/absenteeism_15.rhai", "-n", "7"];
    let one = single(dir.path(), &cmp);
    assert_eq!(one["variants"][0]["diff"]["days"].as_array().map(Vec::len), Some(3));
    let merged = merge(dir.path(), &shards(dir.path(), &cmp, 3)).unwrap_or_else(|e| panic!("{e}"));
    assert_same(&one, &merged, "a three-day comparison, 3 shards");
}
