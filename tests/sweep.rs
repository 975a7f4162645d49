//! `ccsim sweep`: points equal individual runs, resuming gives the same file, CSV grids.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;

fn ccsim() -> Command {
    Command::cargo_bin("ccsim").expect("binary built")
}

fn json(args: &[&str]) -> Value {
    let out = ccsim().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn each_point_equals_an_individual_run_with_the_same_seed() {
    let sweep = json(&[
        "sweep",
        "scenarios/erlang_c_check.yaml",
        "--vary",
        "agents.team=11..13",
        "-n",
        "8",
        "-q",
        "--format",
        "json",
    ]);
    let points = sweep["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    for (k, agents) in [11, 12, 13].iter().enumerate() {
        assert_eq!(points[k]["params"]["agents.team"], *agents);
        let text = fs::read_to_string("scenarios/erlang_c_check.yaml")
            .unwrap()
            .replace("count: 12", &format!("count: {agents}"));
        let f = dir.path().join("s.yaml");
        fs::write(&f, text).unwrap();
        let mut run = json(&["run", f.to_str().unwrap(), "-n", "8", "-q", "--format", "json"]);
        // the run's execution metadata is the sweep's header
        run.as_object_mut().unwrap().remove("run");
        assert!(points[k]["result"] == run, "point {agents} differs from its run");
    }
}

#[test]
fn a_resumed_sweep_writes_the_same_file_as_a_full_one() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.json");
    let part = dir.path().join("part.json");
    let args = ["sweep", "scenarios/morning_peak.yaml", "-n", "5", "-q", "--format", "json", "--batch", "2"];
    let run = |extra: &[&str], out: &std::path::Path| {
        let o = ccsim().args(args).args(extra).arg("--output").arg(out).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stdout.is_empty());
    };
    run(&["--vary", "agents.sales_team.staffing[3]=10..15"], &full);
    // an interrupted sweep: only the first points are done
    run(&["--vary", "agents.sales_team.staffing[3]=10..12"], &part);
    run(&["--vary", "agents.sales_team.staffing[3]=10..15", "--resume"], &part);
    let (a, b) = (fs::read_to_string(&full).unwrap(), fs::read_to_string(&part).unwrap());
    assert!(a == b, "resumed file differs: {} vs {} bytes", a.len(), b.len());
    let v: Value = serde_json::from_str(&fs::read_to_string(&full).unwrap()).unwrap();
    assert_eq!(v["points"].as_array().unwrap().len(), 6);
}

#[test]
fn grids_from_csv_vary_script_parameters_and_scenario_values_together() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("grid.csv");
    fs::write(&g, "share,queues.sales.handle_time.mean\n0,240s\n0.2,240s\n0.2,200s\n").unwrap();
    let v = json(&[
        "sweep",
        "scenarios/morning_peak.yaml",
        "--whatif",
        "scripts/absent.rhai",
        "--grid",
        g.to_str().unwrap(),
        "-n",
        "10",
        "-q",
        "--format",
        "json",
    ]);
    let p = v["points"].as_array().unwrap();
    let sl = |i: usize| p[i]["result"]["total"]["service_level"]["mean"].as_f64().unwrap();
    assert_eq!(p[2]["params"]["queues.sales.handle_time.mean"], "200s");
    assert!(sl(0) > sl(1), "absence lowers SL");
    assert!(sl(2) > sl(1), "shorter calls raise it");
}

#[test]
fn the_table_has_a_chart_for_one_dimensional_sweeps_and_bad_paths_fail_early() {
    let out = ccsim()
        .args(["sweep", "scenarios/erlang_c_check.yaml", "--vary", "agents.team=11..15", "-n", "5", "-q"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("SL % (all queues) against agents.team") && text.contains("80.0 |---"), "{text}");
    let out = ccsim()
        .args(["sweep", "scenarios/erlang_c_check.yaml", "--vary", "agents.nobody=1..2", "-q"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("agents.nobody") && err.contains("team"), "{err}");
}

#[test]
fn an_svg_chart_is_drawn_for_a_one_dimensional_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("sweep.svg");
    let out = ccsim()
        .args(["sweep", "scenarios/erlang_c_check.yaml", "--vary", "agents.team=11..14", "-n", "4", "-q", "--chart"])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("agents.team") && text.contains("target 80%"));
    // two-dimensional sweeps have no chart
    let out = ccsim()
        .args(["sweep", "scenarios/erlang_c_check.yaml", "--vary", "agents.team=11..12", "--vary"])
        .args(["queues.support.handle_time.mean=170,180", "-n", "2", "-q", "--chart"])
        .arg(dir.path().join("x.svg"))
        .output()
        .unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("one-dimensional"));
}

/// Regression test: a sweep over a scenario value with a policy script failed at every point
/// ("the scenario's policy script is scenarios/scripts/..., but the script given is scripts/..."):
/// setting the value re-anchored the script path to the scenario's folder a second time.
#[test]
fn a_sweep_of_scenario_values_keeps_the_policy_script() {
    let v = json(&[
        "sweep",
        "scenarios/multi_skill.yaml",
        "--vary",
        "agents.blended=5,6",
        "--policy",
        "scripts/policies/supervisor.rhai",
        "--tick",
        "5m",
        "-n",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(v["points"].as_array().map(Vec::len), Some(2), "{v}");
}

#[test]
fn varying_the_count_of_a_group_staffed_by_shifts_names_the_path_to_vary() {
    let out = ccsim()
        .args(["sweep", "scenarios/multi_skill.yaml", "--vary", "agents.sales_team=8,9", "-n", "2", "-q"])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && e.contains("vary `agents.sales_team.shifts[i].count` instead"), "{e}");
}
