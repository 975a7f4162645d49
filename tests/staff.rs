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

/// The published example with 10 % absenteeism and 30 % shrinkage.
const ABSENT: &str = r#"
name: absent
horizon: { start: "08:00", end: "09:00", interval: 30m }
queues:
  - id: q
    arrivals: { per_interval: [100, 100] }
    handle_time: { dist: exponential, mean: 180s }
agents:
  - group: g
    skills: [q]
    count: 1
    absenteeism: 0.1
planning: { shrinkage: 0.3 }
simulation: { replications: 20, seed: 4 }
"#;

#[test]
fn scheduled_agents_and_emitted_curves_count_absenteeism() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.yaml");
    fs::write(&file, ABSENT).unwrap();
    let curves = dir.path().join("curves.yaml");
    let out = ccsim()
        .args(["staff", file.to_str().unwrap(), "--format", "json", "--emit-staffing", curves.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &v["intervals"][0];
    assert_eq!(row["required_agents"], 14);
    // ⌈14 ÷ (0.7 × 0.9)⌉ = ⌈22.2⌉
    assert_eq!(row["scheduled_agents"], 23);
    assert_eq!(row["absenteeism"], 0.1);
    assert_eq!(v["groups"][0]["on_duty"][0], 16); // ⌈14 ÷ 0.9⌉
    let notes = v["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("absenteeism 10.0% counted")), "{notes:?}");
    // The curve puts ⌈required ÷ (1 − absenteeism)⌉ on duty, since the simulator draws absences
    let text = fs::read_to_string(&curves).unwrap();
    assert!(text.contains("g: [16, 16]"), "{text}");
}

/// Mean simulated − analytic SL over the verify rows, under `key`.
fn mean_gap(verify: &[Value], key: &str) -> f64 {
    let gaps: Vec<f64> = verify
        .iter()
        .map(|r| r[key]["mean"].as_f64().unwrap() - r["analytic_service_level"].as_f64().unwrap())
        .collect();
    gaps.iter().sum::<f64>() / gaps.len() as f64
}

#[test]
fn verify_separates_the_day_dynamics_from_the_approximations() {
    let out = ccsim()
        .args(["staff", "scenarios/realistic_day.yaml", "--verify", "-n", "60", "--quiet", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // retrials: Erlang X by default, which counts them as redials
    assert!(v["intervals"].as_array().unwrap().iter().all(|r| r["model"] == "erlang-x"));
    let verify = v["verify"].as_array().unwrap();
    assert_eq!(verify.len(), 48);
    // Under the model's own assumptions the simulation is centred on the formula; the scenario
    // as written (lognormal patience, busyness) does worse.
    let model = mean_gap(verify, "simulated_service_level_model_assumptions");
    let scenario = mean_gap(verify, "simulated_service_level");
    assert!(model.abs() < 0.03, "model assumptions: mean gap {model}");
    assert!(scenario < model - 0.02, "scenario {scenario} vs model assumptions {model}");
    assert!(verify.iter().all(|r| r["agrees_under_model_assumptions"].is_boolean()));
}

#[test]
fn multi_skill_requirements_go_to_specialists_then_the_cheapest_group() {
    let dir = tempfile::tempdir().unwrap();
    let curves = dir.path().join("curves.yaml");
    let out = ccsim()
        .args(["staff", "scenarios/multi_skill.yaml", "--format", "json", "--emit-staffing", curves.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["intervals"].as_array().unwrap();
    let group_of = |q: &str| rows.iter().find(|r| r["queue"] == q).unwrap()["group"].clone();
    // sales: the sales specialists; support and billing: support_team (2 skills, 20/h) before
    // blended (3 skills, 28/h)
    assert_eq!(group_of("sales"), "sales_team");
    assert_eq!(group_of("support"), "support_team");
    assert_eq!(group_of("billing"), "support_team");
    // the most expensive group is not staffed by the plan (an equal split gave it 19–25 agents)
    let text = fs::read_to_string(&curves).unwrap();
    let line = text.lines().find(|l| l.trim_start().starts_with("blended:")).expect("blended curve");
    let blended: Vec<u32> =
        line.split(['[', ']']).nth(1).unwrap().split(',').map(|x| x.trim().parse().unwrap()).collect();
    assert_eq!(blended.len(), 16);
    assert!(blended.iter().all(|&x| x == 0), "{line}");
    // support_team carries support and billing: at least each one's requirement, on duty after
    // its 8 % absenteeism
    let team = v["groups"].as_array().unwrap().iter().find(|g| g["group"] == "support_team").unwrap();
    for i in 0..16 {
        let req =
            |q: &str| rows.iter().filter(|r| r["queue"] == q).nth(i).unwrap()["required_agents"].as_u64().unwrap();
        let required = team["required"][i].as_u64().unwrap();
        assert!(required >= req("support").max(req("billing")) && required <= req("support") + req("billing"));
        assert!(team["on_duty"][i].as_u64().unwrap() as f64 >= required as f64 / 0.92 - 1e-9);
    }
}

#[test]
fn validate_and_staff_agree_on_aht_and_offered_load() {
    let out = ccsim().args(["validate", "scenarios/realistic_day.yaml"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // 240 s talk + 30 s wrap-up; 10,000 calls × 270 s over 12 hours = 62.5 Erlangs
    assert!(text.contains("AHT (talk + wrap-up) 270 s, mean offered load 62.5 Erlangs"), "{text}");
    let out = ccsim().args(["staff", "scenarios/realistic_day.yaml", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["intervals"].as_array().unwrap();
    let mean = rows.iter().map(|r| r["offered_load"].as_f64().unwrap()).sum::<f64>() / rows.len() as f64;
    assert!((mean - 62.5).abs() < 0.05, "{mean}");
}

#[test]
fn lines_are_used_by_erlang_x_and_flagged_for_the_simulator() {
    let with_lines = |lines: &str| PUBLISHED.replace("    service_level:", &format!("{lines}    service_level:"));
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, yaml: &str| -> Value {
        let file = dir.path().join(name);
        fs::write(&file, yaml).unwrap();
        let out = ccsim().args(["staff", file.to_str().unwrap(), "--format", "json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let unlimited = run("u.yaml", PUBLISHED);
    let limited = run("l.yaml", &with_lines("    lines: 15\n"));
    let (u, l) = (&unlimited["intervals"][0], &limited["intervals"][0]);
    assert_eq!(u["model"], "erlang-c");
    assert_eq!(l["model"], "erlang-x"); // auto: lines need Erlang X
    // 15 lines for 14 agents: one waiting position, so calls are blocked
    let blocked = l["blocked_rate"].as_f64().unwrap();
    assert!(blocked > 0.01 && blocked < 0.5, "{blocked}");
    assert_eq!(u["blocked_rate"], 0.0);
    let notes = limited["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("does not block calls at `lines`")), "{notes:?}");
    // validate warns that the simulator ignores the key; 0 lines is an error
    let file = dir.path().join("l.yaml");
    let out = ccsim().args(["validate", file.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("warning: queue") && text.contains("`lines` (15)") && text.contains("does not block"),
        "{text}"
    );
    assert!(text.contains("15 lines"));
    let zero = dir.path().join("z.yaml");
    fs::write(&zero, with_lines("    lines: 0\n")).unwrap();
    let out = ccsim().args(["validate", zero.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("queues[0].lines"));
    // the JSON Schema documents it
    let out = ccsim().arg("schema").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"lines\""));
}
