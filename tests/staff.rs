//! `ccsim staff`: the analytic plan from the command line, its staffing file, and `--verify`.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;

fn ccsim() -> Command {
    Command::cargo_bin("ccsim").expect("binary built")
}

const PUBLISHED: &str = r#"
name: published
horizon: { start: "08:00", end: "09:00", interval: 30m }
queues:
  - id: q
    arrivals: { per_interval: [100, 100] }
    handle_time: { dist: exponential, mean: 180s }
    service_level: { answered_within: 20s, target: 0.80 }
agents:
  - group: g
    skills: [q]
    count: 1
planning: { shrinkage: 0.3 }
simulation: { replications: 50, seed: 4 }
"#;

#[test]
fn json_has_the_published_erlang_c_requirement() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.yaml");
    fs::write(&file, PUBLISHED).unwrap();
    let out = ccsim().args(["staff", file.to_str().unwrap(), "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["model"], "auto");
    let row = &v["intervals"][0];
    assert_eq!(row["queue"], "q");
    assert_eq!(row["start"], "08:00");
    assert_eq!(row["required_agents"], 14);
    assert_eq!(row["scheduled_agents"], 20); // shrinkage 0.3 from the scenario
    assert!((row["offered_load"].as_f64().unwrap() - 10.0).abs() < 1e-9);
    assert!((row["service_level"].as_f64().unwrap() - 0.888).abs() < 0.001);
    assert!((row["asa_seconds"].as_f64().unwrap() - 7.8).abs() < 0.05);
    assert!((row["occupancy"].as_f64().unwrap() - 0.714).abs() < 0.001);
    assert_eq!(row["abandon_rate"], 0.0);
    // --shrinkage overrides the scenario
    let out =
        ccsim().args(["staff", file.to_str().unwrap(), "--format", "csv", "--shrinkage", "0.5"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("queue,start,model,calls,offered_load,required_agents"));
    assert!(text.lines().nth(1).unwrap().contains(",14,") && text.lines().nth(1).unwrap().contains(",28,"));
}

#[test]
fn emitted_staffing_runs_and_verify_compares_with_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let curves = dir.path().join("staffing.yaml");
    let out = ccsim()
        .args(["staff", "scenarios/morning_peak.yaml", "--emit-staffing", curves.to_str().unwrap()])
        .args(["--verify", "-n", "40", "--quiet", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let required: Vec<u64> =
        v["intervals"].as_array().unwrap().iter().map(|r| r["required_agents"].as_u64().unwrap()).collect();
    let text = fs::read_to_string(&curves).unwrap();
    let expected: Vec<String> = required.iter().map(u64::to_string).collect();
    assert!(text.contains(&format!("sales_team: [{}]", expected.join(", "))), "{text}");
    let verify = v["verify"].as_array().unwrap();
    assert_eq!(verify.len(), 8);
    for row in verify {
        let sim = &row["simulated_service_level"];
        assert!(sim["ci_low"].as_f64().unwrap() <= sim["mean"].as_f64().unwrap());
        assert_eq!(row["agrees"].as_bool().unwrap(), {
            let a = row["analytic_service_level"].as_f64().unwrap();
            a >= sim["ci_low"].as_f64().unwrap() && a <= sim["ci_high"].as_f64().unwrap()
        });
    }
    // The day starts empty: the first interval does better than steady state predicts.
    let first = &verify[0];
    assert!(
        first["simulated_service_level"]["ci_low"].as_f64().unwrap()
            > first["analytic_service_level"].as_f64().unwrap()
    );
    // The curve simulates with `run --staffing`, meeting roughly the target on the day.
    let out = ccsim()
        .args(["run", "scenarios/morning_peak.yaml", "--staffing", curves.to_str().unwrap(), "-n", "40", "--quiet"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sl = r["queues"]["sales"]["service_level"]["mean"].as_f64().unwrap();
    assert!(sl > 0.75 && sl < 0.9, "SL {sl}");
}

#[test]
fn a_staffing_file_with_an_unknown_group_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.yaml");
    fs::write(&f, "staffing:\n  nobody: [1, 2]\n").unwrap();
    let out = ccsim().args(["run", "scenarios/morning_peak.yaml", "--staffing", f.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("staffing.nobody") && err.contains("unknown group") && err.contains("sales_team"), "{err}");
}

#[test]
fn erlang_x_and_c_models_can_be_forced() {
    for (model, name) in [("erlang-c", "erlang-c"), ("erlang-x", "erlang-x"), ("erlang-a", "erlang-a")] {
        let out = ccsim()
            .args(["staff", "scenarios/multi_skill.yaml", "--model", model, "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["intervals"].as_array().unwrap().iter().all(|r| r["model"] == name));
    }
    // Erlang C ignores abandonment, so it asks for at least as many agents as Erlang A
    let total = |model: &str| -> u64 {
        let out = ccsim()
            .args(["staff", "scenarios/realistic_day.yaml", "--model", model, "--format", "json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["intervals"].as_array().unwrap().iter().map(|r| r["required_agents"].as_u64().unwrap()).sum()
    };
    assert!(total("erlang-c") > total("erlang-a"));
}
