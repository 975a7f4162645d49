//! The what-if API (`src/script/whatif/`), function by function: each script is run on a small
//! base scenario and the result is compared, as a whole, with the base edited by hand in Rust —
//! so every test shows both that the function changes what it says and that it changes nothing
//! else. Volumes are compared with a tolerance of 1e-9, everything else exactly.
//!
//! The base: 08:00–10:00 in 30-minute intervals; queues `sales` (with wrap-up, patience, retrial
//! and targets) and `support` (busyness, no wrap-up, no patience); groups `counted` (`count`),
//! `shifted` (two shifts with a break each) and `curved` (a `staffing` curve).

use ccsim::dist::Dist;
use ccsim::scenario::{
    Break, Busyness, Overflow, Queue, Scenario, ScenarioError, ServiceLevel, Shift, Skill, SlDefinition, Staffing,
    parse_str,
};
use ccsim::script::whatif::{WhatIf, WhatIfError};
use ccsim::script::{Param, ScriptError};
use std::path::Path;

const BASE: &str = r#"
name: Base
horizon: { start: "08:00", end: "10:00", interval: 30m }
queues:
  - id: sales
    arrivals: { per_interval: [10, 20, 30, 40] }
    handle_time: { dist: lognormal, mean: 4m, cv: 0.8 }
    wrap_up: { dist: gamma, mean: 30s, cv: 0.5 }
    patience: { dist: exponential, mean: 2m }
    retrial: { probability: 0.3, delay: { dist: exponential, mean: 5m } }
    service_level: { answered_within: 20s, target: 0.8 }
    targets: { max_asa: 30s, max_abandon_rate: 0.05 }
    priority: 1
  - id: support
    arrivals: { per_interval: [5, 15, 25, 35], busyness: { day_cv: 0.1, interval_cv: 0.05 } }
    handle_time: { dist: erlang, mean: 6m, k: 2 }
    service_level: { answered_within: 30s, target: 0.7, definition: answered }
agents:
  - group: counted
    skills: [sales]
    count: 10
    cost_per_hour: 20
  - group: shifted
    skills: [{ queue: sales, preference: 2 }, { queue: support, preference: 1 }]
    speed: 1.1
    absenteeism: 0.05
    shifts:
      - { start: "08:00", end: "09:30", count: 4, breaks: [{ start: "08:30", length: 15m }] }
      - { start: "08:30", end: "10:00", count: 3, breaks: [{ start: "09:00", length: 30m }] }
  - group: curved
    skills: [support]
    staffing: [2, 4, 6, 8]
simulation: { replications: 10, seed: 3 }
"#;

const SALES: usize = 0;
const SUPPORT: usize = 1;
const COUNTED: usize = 0;
const SHIFTED: usize = 1;
const CURVED: usize = 2;

fn base() -> Scenario {
    parse_str(BASE, Path::new("t.yaml")).expect("valid base scenario")
}

/// The base over two days (one day's lists repeated).
fn two_days() -> Scenario {
    let yaml = BASE.replace("interval: 30m }", "interval: 30m, days: 2 }");
    let s = parse_str(&yaml, Path::new("t.yaml")).expect("valid two-day scenario");
    assert_eq!(s.horizon.days, 2);
    s
}

fn run_on(s: &Scenario, src: &str, params: &[&str]) -> Result<Scenario, WhatIfError> {
    let params = params.iter().map(|p| Param::parse(p).expect("valid --set")).collect();
    WhatIf::compile(src, Path::new("x.rhai"), params)?.apply(s)
}

fn apply_on(s: &Scenario, src: &str) -> Scenario {
    run_on(s, src, &[]).unwrap_or_else(|e| panic!("script {src:?} failed: {e}"))
}

fn error_on(s: &Scenario, src: &str) -> WhatIfError {
    match run_on(s, src, &[]) {
        Ok(_) => panic!("script {src:?} should fail"),
        Err(e) => e,
    }
}

/// The error message of a script that must fail on the base.
fn error(src: &str) -> String {
    error_on(&base(), src).to_string()
}

/// The script error (compile or run) of a script that must fail on the base.
fn script_error(src: &str) -> ScriptError {
    match error_on(&base(), src) {
        WhatIfError::Script(e) => e,
        other => panic!("script {src:?}: expected a script error, got {other}"),
    }
}

/// The base as a what-if result is named.
fn renamed(s: &Scenario) -> Scenario {
    let mut e = s.clone();
    e.name = format!("{} + x", s.name);
    e
}

/// Whole-scenario equality; volumes within 1e-9.
fn assert_same(got: &Scenario, want: &Scenario, src: &str) {
    assert_eq!(got.queues.len(), want.queues.len(), "{src}: number of queues");
    let mut got = got.clone();
    for (g, w) in got.queues.iter_mut().zip(&want.queues) {
        assert_eq!(g.volumes.len(), w.volumes.len(), "{src}: number of volumes of `{}`", w.id);
        for (i, (a, b)) in g.volumes.iter().zip(&w.volumes).enumerate() {
            assert!((a - b).abs() < 1e-9, "{src}: `{}` volume {i}: got {a}, expected {b}", w.id);
        }
        g.volumes.clone_from(&w.volumes);
    }
    assert_eq!(&got, want, "{src}");
}

/// Every script (equivalent spellings) turns `on` into `on` edited by `edit`.
fn check_on(on: &Scenario, scripts: &[&str], edit: impl Fn(&mut Scenario)) {
    let mut want = renamed(on);
    edit(&mut want);
    for src in scripts {
        assert_same(&apply_on(on, src), &want, src);
    }
}

/// Every script turns the base into the base edited by `edit`.
fn check(scripts: &[&str], edit: impl Fn(&mut Scenario)) {
    check_on(&base(), scripts, edit);
}

fn clock(t: &str) -> f64 {
    ccsim::time::parse_clock(t).expect("clock time")
}

fn shifts(s: &mut Scenario, g: usize) -> &mut Vec<Shift> {
    match &mut s.groups[g].staffing {
        Staffing::Shifts { shifts: v, .. } => v,
        other => panic!("group {g} works {other:?}"),
    }
}

/// Agents on duty per interval (start of the interval, shift agents not on a break).
fn on_duty(s: &Scenario, g: usize) -> Vec<u32> {
    let h = &s.horizon;
    (0..h.total_intervals())
        .map(|i| match &s.groups[g].staffing {
            Staffing::Count(n) => *n,
            Staffing::Curve(c) => c[i],
            Staffing::Shifts { shifts: v, .. } => {
                let t = h.interval_start(i).1;
                v.iter()
                    .filter(|sh| sh.start_s <= t && t < sh.end_s)
                    .filter(|sh| !sh.breaks.iter().any(|b| b.start_s <= t && t < b.start_s + b.length_s))
                    .map(|sh| sh.count)
                    .sum()
            }
        })
        .collect()
}

// ---------------------------------------------------------------- the base and the harness

#[test]
fn the_base_is_as_described() {
    let s = base();
    assert_eq!(s.queues[SALES].volumes, vec![10.0, 20.0, 30.0, 40.0]);
    assert_eq!(s.queues[SUPPORT].volumes, vec![5.0, 15.0, 25.0, 35.0]);
    assert_eq!(s.groups[COUNTED].staffing, Staffing::Count(10));
    assert_eq!(s.groups[CURVED].staffing, Staffing::Curve(vec![2, 4, 6, 8]));
    assert!(matches!(&s.groups[SHIFTED].staffing, Staffing::Shifts { shifts: v, .. } if v.len() == 2));
    assert!(s.queues[SALES].retrial.is_some() && s.queues[SUPPORT].patience.is_none());
}

#[test]
fn a_script_that_changes_nothing_only_renames_the_scenario() {
    let w = WhatIf::compile("// nothing\n", Path::new("x.rhai"), vec![]).unwrap();
    assert_eq!(w.name, "x");
    let got = w.apply(&base()).unwrap();
    assert_eq!(got.name, "Base + x");
    assert_eq!(got, renamed(&base()));
    // also over several days
    assert_eq!(apply_on(&two_days(), "let a = 1;"), renamed(&two_days()));
}

#[test]
fn the_name_is_the_file_stem_plus_parameters() {
    let p = |s: &str| Param::parse(s).unwrap();
    let w =
        WhatIf::compile("let a = [share, g];", Path::new("dir/absent.rhai"), vec![p("share=0.15"), p("g = curved")])
            .unwrap();
    assert_eq!(w.name, "absent[share=0.15,g=curved]");
    assert_eq!(w.path, Path::new("dir/absent.rhai"));
    assert_eq!(w.apply(&base()).unwrap().name, "Base + absent[share=0.15,g=curved]");
}

/// Issue 12 (item 5): a global `--set` reaches every script, but names only those that use it
/// (read directly or through `is_def_var`).
#[test]
fn the_name_shows_only_the_parameters_the_script_uses() {
    let p = |s: &str| Param::parse(s).unwrap();
    let params = vec![p("share=0.1"), p("minutes=30")];
    let w = WhatIf::compile(
        "// minutes: not used\nscenario.absence(\"counted\", share);",
        Path::new("a.rhai"),
        params.clone(),
    )
    .unwrap();
    assert_eq!(w.name, "a[share=0.1]");
    let src = "let m = if is_def_var(\"minutes\") { minutes } else { 30 };\nscenario.set_speed(\"counted\", m / 30);";
    let w = WhatIf::compile(src, Path::new("b.rhai"), params.clone()).unwrap();
    assert_eq!(w.name, "b[minutes=30]");
    let w = WhatIf::compile("scenario.set_speed(\"counted\", 2);", Path::new("c.rhai"), params).unwrap();
    assert_eq!(w.name, "c");
}

/// Issue 12 (item 9): a parameter may have a default through `is_def_var`.
#[test]
fn a_parameter_may_have_a_default() {
    let src = "let share = if is_def_var(\"share\") { share } else { 0.5 };\nscenario.absence(\"counted\", share);";
    assert_eq!(apply_on(&base(), src).groups[COUNTED].staffing, Staffing::Count(5));
    assert_eq!(run_on(&base(), src, &["share=0.2"]).unwrap().groups[COUNTED].staffing, Staffing::Count(8));
}

// ---------------------------------------------------------------- staffing identity (issue 12, item 2)

/// Setting a group's staffing to the curve it already has changes nothing, whatever its kind.
#[test]
fn set_staffing_to_what_the_group_has_changes_nothing() {
    for on in [base(), two_days()] {
        for g in ["counted", "shifted", "curved"] {
            let src = format!("scenario.set_staffing(\"{g}\", scenario.staffing(\"{g}\"));");
            assert_same(&apply_on(&on, &src), &renamed(&on), &src);
        }
        let src = r#"scenario.set_count("counted", 10);"#;
        assert_same(&apply_on(&on, src), &renamed(&on), src);
    }
    let flat = apply_on(&base(), r#"scenario.set_staffing("curved", [5, 5, 5, 5]);"#);
    let src = r#"scenario.set_count("curved", 5);"#;
    assert_same(&apply_on(&flat, src), &renamed(&flat), src);
}

/// Paid agent-hours of a shift group (breaks are paid).
fn paid_hours(s: &Scenario, g: usize) -> f64 {
    match &s.groups[g].staffing {
        Staffing::Shifts { shifts: v, .. } => {
            v.iter().map(|sh| f64::from(sh.count) * (sh.end_s - sh.start_s) / 3600.0).sum()
        }
        other => panic!("group {g} works {other:?}"),
    }
}

/// A real change of a shift group's curve keeps its shifts and breaks, gives exactly the curve
/// asked for, and changes paid time by exactly the agent-intervals added or removed.
#[test]
fn set_staffing_on_shifts_keeps_shifts_breaks_and_paid_time() {
    let b = base();
    assert_eq!(on_duty(&b, SHIFTED), vec![4, 3, 4, 3]);
    assert!((paid_hours(&b, SHIFTED) - 10.5).abs() < 1e-12);
    // +2 at 08:30, -1 at 09:00, -2 at 09:30
    let got = apply_on(&b, r#"scenario.set_staffing("shifted", [4, 5, 3, 1]);"#);
    assert_eq!(on_duty(&got, SHIFTED), vec![4, 5, 3, 1]);
    assert!((paid_hours(&got, SHIFTED) - (10.5 + 0.5 * (2.0 - 1.0 - 2.0))).abs() < 1e-12, "{got:?}");
    let Staffing::Shifts { shifts: v, .. } = &got.groups[SHIFTED].staffing else { panic!("shifts kept") };
    // the file's shifts are still there, first and in order, with their breaks
    let Staffing::Shifts { shifts: old, .. } = &b.groups[SHIFTED].staffing else { unreachable!() };
    for (a, o) in v.iter().zip(old) {
        assert_eq!((a.start_s, a.end_s, &a.breaks), (o.start_s, o.end_s, &o.breaks));
    }
    // every agent still has the break of its shift: agents on a break at 08:30 and 09:00 unchanged
    let on_break = |s: &Scenario, t: &str| -> u32 {
        let t = clock(t);
        let Staffing::Shifts { shifts: v, .. } = &s.groups[SHIFTED].staffing else { unreachable!() };
        v.iter()
            .filter(|sh| sh.breaks.iter().any(|br| br.start_s <= t && t < br.start_s + br.length_s))
            .map(|sh| sh.count)
            .sum()
    };
    assert_eq!(on_break(&got, "08:30"), on_break(&b, "08:30"));
    // the rest of the scenario is untouched
    let mut rest = got.clone();
    rest.groups[SHIFTED].staffing = b.groups[SHIFTED].staffing.clone();
    assert_same(&rest, &renamed(&b), "rest");
    // the same change every day over several days (a change on one day only splits the shifts
    // working it: see `set_staffing_on_one_day_of_shifts`)
    let two = apply_on(&two_days(), r#"scenario.set_staffing("shifted", [4, 5, 3, 1]);"#);
    assert_eq!(on_duty(&two, SHIFTED), vec![4, 5, 3, 1, 4, 5, 3, 1]);
}

// ---------------------------------------------------------------- counts (issue 12, item 13)

/// Negative counts, counts that would wrap at 2^32 and counts above the documented limit are
/// errors with the script's line, as in the policy API.
#[test]
fn counts_are_checked_with_the_script_line() {
    let cases = [
        (r#"scenario.set_count("counted", -1);"#, "0 or more"),
        (r#"scenario.set_staffing("curved", [1, -1, 1, 1]);"#, "0 or more"),
        (r#"scenario.add_agents("counted", -5);"#, "0 or more"),
        (r#"scenario.remove_agents("counted", -5);"#, "0 or more"),
        (r#"scenario.add_agents("curved", -1, "08:00", "09:00");"#, "0 or more"),
        (r#"scenario.add_shift("shifted", "08:00", "09:00", -3);"#, "0 or more"),
        (r#"scenario.set_count("counted", 4294967297);"#, "100000"),
        (r#"scenario.set_count("counted", 9223372036854775807);"#, "MAX_AGENTS_PER_GROUP"),
        (r#"scenario.set_staffing("curved", [1, 1, 1, 4294967297]);"#, "100000"),
        (r#"scenario.add_agents("counted", 99995);"#, "100000"),
        (r#"scenario.add_shift("shifted", "08:00", "09:00", 99999);"#, "100000"),
        (r#"scenario.move_agents("counted", "curved", 4294967297);"#, "100000"),
    ];
    for (src, want) in cases {
        let e = script_error(&format!("let a = 1;\n{src}"));
        assert_eq!(e.position.map(|p| p.0), Some(2), "{src}: {e}");
        assert!(e.message.contains(want), "{src}: {e}");
        assert!(e.to_string().contains("x.rhai:2:"), "{src}: {e}");
    }
    // the limit itself is fine
    check(&[r#"scenario.set_count("counted", 100000);"#], |e| e.groups[COUNTED].staffing = Staffing::Count(100_000));
}

// ---------------------------------------------------------------- traffic

#[test]
fn scale_arrivals_whole_day() {
    check(&[r#"scenario.scale_arrivals("sales", 1.5);"#], |e| e.queues[SALES].volumes = vec![15.0, 30.0, 45.0, 60.0]);
    // ints and floats alike
    check(&[r#"scenario.scale_arrivals("support", 2);"#, r#"scenario.scale_arrivals("support", 2.0);"#], |e| {
        e.queues[SUPPORT].volumes = vec![10.0, 30.0, 50.0, 70.0];
    });
    // "*" and "all" mean every queue
    check(&[r#"scenario.scale_arrivals("*", 0.5);"#, r#"scenario.scale_arrivals("all", 0.5);"#], |e| {
        e.queues[SALES].volumes = vec![5.0, 10.0, 15.0, 20.0];
        e.queues[SUPPORT].volumes = vec![2.5, 7.5, 12.5, 17.5];
    });
    check(&[r#"scenario.scale_arrivals("sales", 0);"#], |e| e.queues[SALES].volumes = vec![0.0; 4]);
}

#[test]
fn scale_arrivals_in_a_window_prorates_partial_intervals() {
    // 08:15–09:00: half of the 08:00 interval (×1.5), all of 08:30 (×2)
    check(
        &[
            r#"scenario.scale_arrivals("sales", "08:15", "09:00", 2.0);"#,
            r#"scenario.scale_arrivals("sales", "08:15", "09:00", 2);"#,
        ],
        |e| {
            e.queues[SALES].volumes = vec![15.0, 40.0, 30.0, 40.0];
        },
    );
    // 08:00–08:45 ×3: all of 08:00, half of 08:30 (×2)
    check(&[r#"scenario.scale_arrivals("*", "08:00", "08:45", 3);"#], |e| {
        e.queues[SALES].volumes = vec![30.0, 40.0, 30.0, 40.0];
        e.queues[SUPPORT].volumes = vec![15.0, 30.0, 25.0, 35.0];
    });
    // a reduction, 10 minutes of the last interval, past closing
    check(&[r#"scenario.scale_arrivals("support", "09:50", "11:00", 0.4);"#], |e| {
        e.queues[SUPPORT].volumes = vec![5.0, 15.0, 25.0, 35.0 * (1.0 - 0.6 / 3.0)];
    });
    // a window outside the opening hours changes nothing
    check(&[r#"scenario.scale_arrivals("*", "12:00", "13:00", 5);"#], |_| {});
    // the window applies to every day
    check_on(&two_days(), &[r#"scenario.scale_arrivals("sales", "08:15", "09:00", 2.0);"#], |e| {
        e.queues[SALES].volumes = vec![15.0, 40.0, 30.0, 40.0, 15.0, 40.0, 30.0, 40.0];
    });
}

#[test]
fn scale_arrivals_rejects_bad_arguments() {
    assert!(error(r#"scenario.scale_arrivals("sales", -1);"#).contains("must not be negative"));
    assert!(error(r#"scenario.scale_arrivals("sales", "09:00", "08:00", 2);"#).contains("empty"));
    assert!(error(r#"scenario.scale_arrivals("sales", "9", "10:00", 2);"#).contains("invalid clock time"));
    assert!(error(r#"scenario.scale_arrivals("sales", "x");"#).contains("must be a number"));
}

#[test]
fn add_calls_adds_per_interval_prorated_and_never_below_zero() {
    // +10 per interval over 08:45–09:30: +5 at 08:30, +10 at 09:00
    check(
        &[
            r#"scenario.add_calls("support", "08:45", "09:30", 10);"#,
            r#"scenario.add_calls("support", "08:45", "09:30", 10.0);"#,
        ],
        |e| {
            e.queues[SUPPORT].volumes = vec![5.0, 20.0, 35.0, 35.0];
        },
    );
    check(&[r#"scenario.add_calls("*", "08:00", "10:00", 2.5);"#], |e| {
        e.queues[SALES].volumes = vec![12.5, 22.5, 32.5, 42.5];
        e.queues[SUPPORT].volumes = vec![7.5, 17.5, 27.5, 37.5];
    });
    check(&[r#"scenario.add_calls("sales", "08:00", "10:00", -15);"#], |e| {
        e.queues[SALES].volumes = vec![0.0, 5.0, 15.0, 25.0];
    });
}

#[test]
fn shift_arrivals_moves_volumes_by_whole_intervals() {
    check(
        &[
            r#"scenario.shift_arrivals("sales", "30m");"#,
            r#"scenario.shift_arrivals("sales", 1800);"#,
            r#"scenario.shift_arrivals("sales", 1800.0);"#,
        ],
        |e| {
            e.queues[SALES].volumes = vec![0.0, 10.0, 20.0, 30.0];
        },
    );
    check(&[r#"scenario.shift_arrivals("sales", "-30m");"#, r#"scenario.shift_arrivals("sales", -1800);"#], |e| {
        e.queues[SALES].volumes = vec![20.0, 30.0, 40.0, 0.0];
    });
    check(&[r#"scenario.shift_arrivals("*", "1h");"#], |e| {
        e.queues[SALES].volumes = vec![0.0, 0.0, 10.0, 20.0];
        e.queues[SUPPORT].volumes = vec![0.0, 0.0, 5.0, 15.0];
    });
    check(&[r#"scenario.shift_arrivals("support", "0s");"#], |_| {});
    // each day separately: nothing crosses midnight
    check_on(&two_days(), &[r#"scenario.shift_arrivals("sales", "30m");"#], |e| {
        e.queues[SALES].volumes = vec![0.0, 10.0, 20.0, 30.0, 0.0, 10.0, 20.0, 30.0];
    });
    check_on(&two_days(), &[r#"scenario.shift_arrivals("sales", "-1h");"#], |e| {
        e.queues[SALES].volumes = vec![30.0, 40.0, 0.0, 0.0, 30.0, 40.0, 0.0, 0.0];
    });
    assert!(error(r#"scenario.shift_arrivals("sales", "15m");"#).contains("whole intervals"));
}

#[test]
fn set_busyness_sets_both_cvs() {
    check(&[r#"scenario.set_busyness("sales", 0.2, 0.1);"#], |e| {
        e.queues[SALES].busyness = Busyness { day_cv: 0.2, interval_cv: 0.1 };
    });
    check(&[r#"scenario.set_busyness("*", 0, 0);"#, r#"scenario.set_busyness("*", 0.0, 0);"#], |e| {
        e.queues[SUPPORT].busyness = Busyness::default();
    });
    // validated like the file
    assert!(error(r#"scenario.set_busyness("sales", -1, 0);"#).contains("queues[0]"));
}

#[test]
fn add_queue_then_add_skill() {
    let src = r#"
        scenario.add_queue(#{
            id: "billing",
            arrivals: #{ per_interval: [1, 2, 3.5, 4] },
            handle_time: #{ dist: "exponential", mean: "3m" },
        });
        scenario.add_skill("counted", "billing", 2);
    "#;
    check(&[src], |e| {
        e.queues.push(Queue {
            region: None,
            id: "billing".into(),
            volumes: vec![1.0, 2.0, 3.5, 4.0],
            busyness: Busyness::default(),
            handle_time: Dist::Exponential { mean: 180.0 },
            wrap_up: None,
            patience: None,
            retrial: None,
            service_level: ServiceLevel { threshold_s: 20.0, target: 0.8, definition: SlDefinition::Offered },
            max_asa_s: None,
            max_abandon_rate: None,
            priority: 0,
            overflow: None,
            lines: None,
        });
        e.groups[COUNTED].skills.push(Skill { queue: 2, preference: 2 });
    });
}

#[test]
fn add_queue_takes_every_key_of_a_file_queue() {
    let src = r#"
        scenario.add_queue(#{
            id: "vip",
            arrivals: #{ daily_total: 100, profile: [1, 1, 1, 2], busyness: #{ day_cv: 0.2 } },
            handle_time: #{ dist: "gamma", mean: 300, cv: 1 },
            wrap_up: #{ dist: "constant", mean: "20s" },
            patience: #{ dist: "exponential", mean: "1m" },
            retrial: #{ probability: 0.5, delay: #{ dist: "uniform", min: "1m", max: "2m" } },
            service_level: #{ answered_within: "10s", target: 0.9, definition: "offered_minus_short_abandons" },
            targets: #{ max_asa: 15, max_abandon_rate: 0.02 },
            priority: 5,
            overflow: #{ after: "1m", groups: ["curved"] },
        });
    "#;
    // served through its overflow only: valid without a skill
    check(&[src], |e| {
        e.queues.push(Queue {
            region: None,
            id: "vip".into(),
            volumes: vec![20.0, 20.0, 20.0, 40.0],
            busyness: Busyness { day_cv: 0.2, interval_cv: 0.0 },
            handle_time: Dist::Gamma { mean: 300.0, cv: 1.0 },
            wrap_up: Some(Dist::Constant { mean: 20.0 }),
            patience: Some(Dist::Exponential { mean: 60.0 }),
            retrial: Some(ccsim::scenario::Retrial {
                probability: 0.5,
                delay: Dist::Uniform { min: 60.0, max: 120.0 },
            }),
            service_level: ServiceLevel {
                threshold_s: 10.0,
                target: 0.9,
                definition: SlDefinition::OfferedMinusShortAbandons,
            },
            max_asa_s: Some(15.0),
            max_abandon_rate: Some(0.02),
            priority: 5,
            overflow: Some(Overflow { after_s: 60.0, groups: vec![CURVED] }),
            lines: None,
        });
    });
}

#[test]
fn add_queue_errors() {
    // nobody serves it: the revalidation says so, naming the new queue's path
    let msg = error(
        r#"scenario.add_queue(#{ id: "new", arrivals: #{ rate_per_hour: 10 }, handle_time: #{ dist: "exponential", mean: 60 } });"#,
    );
    assert!(msg.contains("queues[2]") && msg.contains("no agent group has skill `new`"), "{msg}");
    let msg = error(
        r#"scenario.add_queue(#{ id: "sales", arrivals: #{ rate_per_hour: 10 }, handle_time: #{ dist: "exponential", mean: 60 } });"#,
    );
    assert!(msg.contains("a queue `sales` exists already"), "{msg}");
    let msg = error(
        r#"scenario.add_queue(#{ id: "new", arrivals: #{ per_interval: [1, 2] }, handle_time: #{ dist: "exponential", mean: 60 } });"#,
    );
    assert!(msg.contains("has 2 values: expected 4"), "{msg}");
    let msg = error(
        r#"scenario.add_queue(#{ id: "new", arrivals: #{ rate_per_hour: 10 }, handle_time: #{ dist: "exponential", mean: 60 }, colour: "red" });"#,
    );
    assert!(msg.contains("add_queue") && msg.contains("colour"), "{msg}");
}

#[test]
fn set_hours_keeps_only_the_calls_inside() {
    check(&[r#"scenario.set_hours("sales", "08:15", "09:30");"#], |e| {
        e.queues[SALES].volumes = vec![5.0, 20.0, 30.0, 0.0];
    });
    check(&[r#"scenario.set_hours("*", "07:00", "12:00");"#], |_| {});
    check(&[r#"scenario.set_hours("*", "09:00", "10:00");"#], |e| {
        e.queues[SALES].volumes = vec![0.0, 0.0, 30.0, 40.0];
        e.queues[SUPPORT].volumes = vec![0.0, 0.0, 25.0, 35.0];
    });
}

// ---------------------------------------------------------------- handling

#[test]
fn scale_handle_time_keeps_the_shape_and_leaves_wrap_up() {
    check(&[r#"scenario.scale_handle_time("sales", 1.5);"#], |e| {
        e.queues[SALES].handle_time = Dist::Lognormal { mean: 360.0, cv: 0.8 };
    });
    check(&[r#"scenario.scale_handle_time("*", 1.1);"#], |e| {
        e.queues[SALES].handle_time = Dist::Lognormal { mean: 240.0 * 1.1, cv: 0.8 };
        e.queues[SUPPORT].handle_time = Dist::Erlang { mean: 360.0 * 1.1, k: 2 };
    });
    check(&[r#"scenario.scale_handle_time("support", 2);"#], |e| {
        e.queues[SUPPORT].handle_time = Dist::Erlang { mean: 720.0, k: 2 };
    });
    assert!(error(r#"scenario.scale_handle_time("sales", 0);"#).contains("must be positive"));
}

#[test]
fn set_handle_time_by_mean_keeps_the_shape_and_by_map_replaces_it() {
    check(
        &[
            r#"scenario.set_handle_time("sales", "5m");"#,
            r#"scenario.set_handle_time("sales", 300);"#,
            r#"scenario.set_handle_time("sales", 300.0);"#,
        ],
        |e| e.queues[SALES].handle_time = Dist::Lognormal { mean: 300.0, cv: 0.8 },
    );
    check(
        &[
            r#"scenario.set_handle_time("support", #{ dist: "gamma", mean: "3m", cv: 1 });"#,
            r#"scenario.set_handle_time("support", #{ dist: "gamma", mean: 180, cv: 1.0 });"#,
        ],
        |e| e.queues[SUPPORT].handle_time = Dist::Gamma { mean: 180.0, cv: 1.0 },
    );
    check(&[r#"scenario.set_handle_time("*", #{ dist: "empirical", values: [60, "2m", 3.0] });"#], |e| {
        e.queues[SALES].handle_time = Dist::Empirical { values: vec![60.0, 120.0, 3.0] };
        e.queues[SUPPORT].handle_time = Dist::Empirical { values: vec![60.0, 120.0, 3.0] };
    });
    let msg = error(r#"scenario.set_handle_time("sales", #{ dist: "gamma", mean: "3m" });"#);
    assert!(msg.contains("handle time") && msg.contains("needs `cv`"), "{msg}");
    let msg = error(r#"scenario.set_handle_time("sales", #{ dist: "gamma", mean: "3m", cv: 20 });"#);
    assert!(msg.contains("`cv` must be in [0.01, 10]"), "{msg}");
}

#[test]
fn set_wrap_up_scales_adds_or_removes() {
    check(&[r#"scenario.set_wrap_up("sales", "1m");"#, r#"scenario.set_wrap_up("sales", 60);"#], |e| {
        e.queues[SALES].wrap_up = Some(Dist::Gamma { mean: 60.0, cv: 0.5 });
    });
    // a queue without wrap-up gets a constant one
    check(&[r#"scenario.set_wrap_up("support", "45s");"#], |e| {
        e.queues[SUPPORT].wrap_up = Some(Dist::Constant { mean: 45.0 });
    });
    check(
        &[
            r#"scenario.set_wrap_up("sales", 0);"#,
            r#"scenario.set_wrap_up("sales", 0.0);"#,
            r#"scenario.set_wrap_up("*", "0s");"#,
        ],
        |e| e.queues[SALES].wrap_up = None,
    );
    assert!(error(r#"scenario.set_wrap_up("sales", -5);"#).contains("must not be negative"));
}

#[test]
fn set_patience_by_mean_and_by_map() {
    check(&[r#"scenario.set_patience("sales", "4m");"#, r#"scenario.set_patience("sales", 240);"#], |e| {
        e.queues[SALES].patience = Some(Dist::Exponential { mean: 240.0 });
    });
    // a queue with infinite patience gets an exponential one
    check(&[r#"scenario.set_patience("support", "1m30s");"#], |e| {
        e.queues[SUPPORT].patience = Some(Dist::Exponential { mean: 90.0 });
    });
    check(&[r#"scenario.set_patience("*", #{ dist: "lognormal", mean: "3m", cv: 1.2 });"#], |e| {
        e.queues[SALES].patience = Some(Dist::Lognormal { mean: 180.0, cv: 1.2 });
        e.queues[SUPPORT].patience = Some(Dist::Lognormal { mean: 180.0, cv: 1.2 });
    });
}

#[test]
fn remove_patience_also_removes_retrial() {
    check(&[r#"scenario.remove_patience("sales");"#, r#"scenario.remove_patience("*");"#], |e| {
        e.queues[SALES].patience = None;
        e.queues[SALES].retrial = None;
    });
}

#[test]
fn set_speed() {
    check(&[r#"scenario.set_speed("shifted", 1.25);"#], |e| e.groups[SHIFTED].speed = 1.25);
    check(&[r#"scenario.set_speed("counted", 2);"#, r#"scenario.set_speed("counted", 2.0);"#], |e| {
        e.groups[COUNTED].speed = 2.0;
    });
    assert!(error(r#"scenario.set_speed("counted", 0);"#).contains("agents[0].speed"));
}

// ---------------------------------------------------------------- people

#[test]
fn absence_whole_day_on_each_kind_of_staffing() {
    check(&[r#"scenario.absence("counted", 0.3);"#], |e| e.groups[COUNTED].staffing = Staffing::Count(7));
    // every shift, rounded to the nearest agent: 4 × 0.75 = 3, 3 × 0.75 = 2.25 → 2
    check(&[r#"scenario.absence("shifted", 0.25);"#], |e| {
        let v = shifts(e, SHIFTED);
        v[0].count = 3;
        v[1].count = 2;
    });
    check(&[r#"scenario.absence("curved", 0.5);"#], |e| e.groups[CURVED].staffing = Staffing::Curve(vec![1, 2, 3, 4]));
    check(&[r#"scenario.absence("counted", 0);"#], |_| {});
    check(&[r#"scenario.absence("curved", 1);"#], |e| e.groups[CURVED].staffing = Staffing::Curve(vec![0; 4]));
    assert!(error(r#"scenario.absence("counted", 1.5);"#).contains("[0, 1]"));
}

#[test]
fn absence_in_a_window() {
    // on a count: the group becomes a curve; intervals starting in the window change
    check(&[r#"scenario.absence("counted", 0.5, "08:30", "09:30");"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Curve(vec![10, 5, 5, 10]);
    });
    check(&[r#"scenario.absence("counted", 0.5, "08:45", "09:45");"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Curve(vec![10, 10, 5, 5]);
    });
    check(&[r#"scenario.absence("curved", 0.5, "09:00", "10:00");"#], |e| {
        e.groups[CURVED].staffing = Staffing::Curve(vec![2, 4, 3, 4]);
    });
    check_on(&two_days(), &[r#"scenario.absence("counted", 0.5, "08:30", "09:00");"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Curve(vec![10, 5, 10, 10, 10, 5, 10, 10]);
    });
    // on shifts: an error that points to what works
    let msg = error(r#"scenario.absence("shifted", 0.5, "08:30", "09:00");"#);
    assert!(msg.contains("`shifted` works shifts"), "{msg}");
}

#[test]

fn absence_on_shifts_removes_the_share_of_the_group() {
    // four one-agent shifts, 40 % absent: 4 × 0.6 = 2.4 → 2 agents should remain; each shift
    // rounds 0.6 up to 1, so nobody is absent
    let mut on = base();
    shifts(&mut on, SHIFTED).iter_mut().for_each(|s| s.count = 1);
    let extra = Shift { start_s: clock("08:00"), end_s: clock("10:00"), count: 1, breaks: vec![], days: None };
    shifts(&mut on, SHIFTED).extend([extra.clone(), extra]);
    let got = apply_on(&on, r#"scenario.absence("shifted", 0.4);"#);
    let Staffing::Shifts { shifts: v, .. } = &got.groups[SHIFTED].staffing else { panic!("still shifts") };
    assert_eq!(v.iter().map(|s| s.count).sum::<u32>(), 2, "{v:?}");
}

#[test]
fn set_absenteeism() {
    check(&[r#"scenario.set_absenteeism("curved", 0.1);"#], |e| e.groups[CURVED].absenteeism = 0.1);
    check(&[r#"scenario.set_absenteeism("shifted", 0);"#], |e| e.groups[SHIFTED].absenteeism = 0.0);
    assert!(error(r#"scenario.set_absenteeism("curved", 1);"#).contains("agents[2].absenteeism"));
}

#[test]
fn add_agents_whole_day_and_in_a_window() {
    check(&[r#"scenario.add_agents("counted", 2);"#, r#"scenario.add_agents("counted", 2.0);"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Count(12);
    });
    check(&[r#"scenario.add_agents("curved", 1);"#], |e| e.groups[CURVED].staffing = Staffing::Curve(vec![3, 5, 7, 9]));
    check(&[r#"scenario.add_agents("counted", 3, "09:00", "10:00");"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Curve(vec![10, 10, 13, 13]);
    });
    // a window covering the whole day keeps the count
    check(&[r#"scenario.add_agents("counted", 3, "08:00", "10:00");"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Count(13);
    });
    check(&[r#"scenario.add_agents("curved", 2, "08:15", "09:15");"#], |e| {
        e.groups[CURVED].staffing = Staffing::Curve(vec![2, 6, 8, 8]);
    });
    assert!(error(r#"scenario.add_agents("counted", 1.5);"#).contains("whole number"));
    // shifts, whole days: the agents join the shifts in proportion (4/7 and 3/7 of one agent:
    // the first shift's larger remainder takes it)
    check(&[r#"scenario.add_agents("shifted", 1);"#, r#"scenario.add_agents("shifted", 1, "08:00", "10:00");"#], |e| {
        shifts(e, SHIFTED)[0].count = 5;
    });
    check(&[r#"scenario.add_agents("shifted", 7);"#], |e| {
        shifts(e, SHIFTED)[0].count = 8;
        shifts(e, SHIFTED)[1].count = 6;
    });
    let msg = error(r#"scenario.add_agents("shifted", 1, "08:00", "09:00");"#);
    assert!(msg.contains("`shifted` works shifts"), "{msg}");
}

#[test]
fn remove_agents_whole_day_and_in_a_window() {
    check(&[r#"scenario.remove_agents("counted", 4);"#], |e| e.groups[COUNTED].staffing = Staffing::Count(6));
    check(&[r#"scenario.remove_agents("counted", 20);"#], |e| e.groups[COUNTED].staffing = Staffing::Count(0));
    // floor 0 per interval
    check(&[r#"scenario.remove_agents("curved", 3);"#], |e| {
        e.groups[CURVED].staffing = Staffing::Curve(vec![0, 1, 3, 5])
    });
    check(&[r#"scenario.remove_agents("curved", 2, "08:30", "09:30");"#], |e| {
        e.groups[CURVED].staffing = Staffing::Curve(vec![2, 2, 4, 8]);
    });
    check(&[r#"scenario.remove_agents("counted", 1, "08:00", "08:30");"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Curve(vec![9, 10, 10, 10]);
    });
    // shifts: from the last shifts first
    check(&[r#"scenario.remove_agents("shifted", 2);"#], |e| shifts(e, SHIFTED)[1].count = 1);
    check(&[r#"scenario.remove_agents("shifted", 4);"#], |e| {
        let v = shifts(e, SHIFTED);
        v[0].count = 3;
        v[1].count = 0;
    });
    check(&[r#"scenario.remove_agents("shifted", 9);"#], |e| {
        let v = shifts(e, SHIFTED);
        v[0].count = 0;
        v[1].count = 0;
    });
    let msg = error(r#"scenario.remove_agents("shifted", 1, "08:00", "09:00");"#);
    assert!(msg.contains("`shifted` works shifts") && msg.contains("remove_agents (whole day)"), "{msg}");
}

#[test]
fn move_agents_whole_day_and_in_a_window() {
    check(&[r#"scenario.move_agents("counted", "curved", 3);"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Count(7);
        e.groups[CURVED].staffing = Staffing::Curve(vec![5, 7, 9, 11]);
    });
    check(&[r#"scenario.move_agents("counted", "curved", 2, "08:00", "09:00");"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Curve(vec![8, 8, 10, 10]);
        e.groups[CURVED].staffing = Staffing::Curve(vec![4, 6, 6, 8]);
    });
    // out of shifts (from the last shift) into a count
    check(&[r#"scenario.move_agents("shifted", "counted", 3);"#], |e| {
        shifts(e, SHIFTED)[1].count = 0;
        e.groups[COUNTED].staffing = Staffing::Count(13);
    });
    // into shifts: the agent joins them as add_agents does
    check(&[r#"scenario.move_agents("counted", "shifted", 1);"#], |e| {
        e.groups[COUNTED].staffing = Staffing::Count(9);
        shifts(e, SHIFTED)[0].count = 5;
    });
    assert!(error(r#"scenario.move_agents("counted", "shifted", 1, "08:00", "09:00");"#).contains("works shifts"));
    assert!(error(r#"scenario.move_agents("counted", "nobody", 1);"#).contains("unknown group `nobody`"));
}

#[test]

fn move_agents_conserves_agents() {
    // `curved` has 2, 4, 6, 8 agents: moving 5 cannot take 5 from it at 08:00 and 08:30
    let before: Vec<u32> = {
        let b = base();
        on_duty(&b, COUNTED).iter().zip(on_duty(&b, CURVED)).map(|(a, c)| a + c).collect()
    };
    match run_on(&base(), r#"scenario.move_agents("curved", "counted", 5);"#, &[]) {
        Err(e) => assert!(e.to_string().contains("curved"), "{e}"),
        Ok(s) => {
            let after: Vec<u32> = on_duty(&s, COUNTED).iter().zip(on_duty(&s, CURVED)).map(|(a, c)| a + c).collect();
            assert_eq!(after, before, "agents on duty in both groups together");
        }
    }
}

#[test]
fn add_shift_with_and_without_breaks() {
    check(
        &[
            r#"scenario.add_shift("shifted", "09:00", "10:00", 2);"#,
            r#"scenario.add_shift("shifted", "09:00", "10:00", 2.0);"#,
        ],
        |e| {
            shifts(e, SHIFTED).push(Shift {
                start_s: clock("09:00"),
                end_s: clock("10:00"),
                count: 2,
                breaks: vec![],
                days: None,
            });
        },
    );
    // breaks as maps, any order, lengths as text or seconds
    let src = r#"scenario.add_shift("shifted", "08:00", "10:00", 5, [#{ start: "09:30", length: "10m" }, #{ start: "08:45", length: 300 }]);"#;
    check(&[src], |e| {
        shifts(e, SHIFTED).push(Shift {
            start_s: clock("08:00"),
            end_s: clock("10:00"),
            count: 5,
            breaks: vec![
                Break { start_s: clock("08:45"), length_s: 300.0 },
                Break { start_s: clock("09:30"), length_s: 600.0 },
            ],
            days: None,
        });
    });
    check(&[r#"scenario.add_shift("shifted", "08:00", "09:00", 1, []);"#], |e| {
        shifts(e, SHIFTED).push(Shift {
            start_s: clock("08:00"),
            end_s: clock("09:00"),
            count: 1,
            breaks: vec![],
            days: None,
        });
    });
    let msg = error(r#"scenario.add_shift("counted", "09:00", "10:00", 2);"#);
    assert!(msg.contains("add_shift applies to groups that work shifts") && msg.contains("`counted`"), "{msg}");
    // validated like the file: outside the horizon, a break outside its shift
    let msg = error(r#"scenario.add_shift("shifted", "09:00", "11:00", 2);"#);
    assert!(msg.contains("agents[1].shifts[2]") && msg.contains("outside the horizon"), "{msg}");
    let msg = error(r#"scenario.add_shift("shifted", "09:00", "10:00", 2, [#{ start: "08:00", length: "5m" }]);"#);
    assert!(msg.contains("agents[1].shifts[2].breaks[0]"), "{msg}");
    let msg = error(r#"scenario.add_shift("shifted", "09:00", "10:00", 2, [#{ length: "5m" }]);"#);
    assert!(msg.contains("a break needs `start`"), "{msg}");
    let msg = error(r#"scenario.add_shift("shifted", "09:00", "10:00", 2, [1]);"#);
    assert!(msg.contains("breaks must be maps"), "{msg}");
}

#[test]
fn overtime_extends_every_shift_up_to_closing() {
    check(&[r#"scenario.overtime("shifted", "30m");"#, r#"scenario.overtime("shifted", 1800);"#], |e| {
        let v = shifts(e, SHIFTED);
        v[0].end_s = clock("10:00");
        v[1].end_s = clock("10:00"); // already at closing: capped
    });
    check(&[r#"scenario.overtime("shifted", "15m");"#], |e| shifts(e, SHIFTED)[0].end_s = clock("09:45"));
    check(&[r#"scenario.overtime("shifted", "2h");"#], |e| shifts(e, SHIFTED)[0].end_s = clock("10:00"));
    let msg = error(r#"scenario.overtime("counted", "30m");"#);
    assert!(msg.contains("overtime applies to groups that work shifts"), "{msg}");
}

#[test]
fn remove_break() {
    check(&[r#"scenario.remove_break("shifted", "08:30");"#], |e| shifts(e, SHIFTED)[0].breaks.clear());
    check(&[r#"scenario.remove_break("shifted", "09:00");"#], |e| shifts(e, SHIFTED)[1].breaks.clear());
    assert!(error(r#"scenario.remove_break("shifted", "08:45");"#).contains("no break starts at 08:45"));
    assert!(error(r#"scenario.remove_break("curved", "08:30");"#).contains("`curved` does not"));
}

#[test]
fn move_break() {
    check(&[r#"scenario.move_break("shifted", "09:00", "09:15");"#], |e| {
        shifts(e, SHIFTED)[1].breaks[0].start_s = clock("09:15");
    });
    check(&[r#"scenario.move_break("shifted", "08:30", "09:00");"#], |e| {
        shifts(e, SHIFTED)[0].breaks[0].start_s = clock("09:00");
    });
    assert!(error(r#"scenario.move_break("shifted", "08:45", "09:00");"#).contains("no break starts at 08:45"));
    // a break moved out of its shift is invalid
    let msg = error(r#"scenario.move_break("shifted", "08:30", "09:20");"#);
    assert!(msg.contains("agents[1].shifts[0].breaks[0]"), "{msg}");
}

#[test]
fn add_skill_and_remove_skill() {
    check(&[r#"scenario.add_skill("curved", "sales", 2);"#, r#"scenario.add_skill("curved", "sales", 2.0);"#], |e| {
        e.groups[CURVED].skills.push(Skill { queue: SALES, preference: 2 });
    });
    // a skill the group has: its preference changes
    check(&[r#"scenario.add_skill("counted", "sales", 3);"#], |e| e.groups[COUNTED].skills[0].preference = 3);
    check(&[r#"scenario.remove_skill("shifted", "sales");"#], |e| {
        e.groups[SHIFTED].skills = vec![Skill { queue: SUPPORT, preference: 1 }];
    });
    check(&[r#"scenario.remove_skill("counted", "support");"#], |_| {});
    // a queue nobody serves any more is invalid
    let msg = error(r#"scenario.remove_skill("shifted", "support"); scenario.remove_skill("curved", "support");"#);
    assert!(msg.contains("queues[1]") && msg.contains("no agent group has skill `support`"), "{msg}");
    assert!(error(r#"scenario.add_skill("curved", "*", 1);"#).contains("name one queue"));
}

// ---------------------------------------------------------------- contract

#[test]
fn set_service_level() {
    check(
        &[r#"scenario.set_service_level("*", "15s", 0.9);"#, r#"scenario.set_service_level("all", 15, 0.9);"#],
        |e| {
            for q in &mut e.queues {
                q.service_level.threshold_s = 15.0;
                q.service_level.target = 0.9;
            }
        },
    );
    check(&[r#"scenario.set_service_level("support", "1m", 1);"#], |e| {
        e.queues[SUPPORT].service_level.threshold_s = 60.0;
        e.queues[SUPPORT].service_level.target = 1.0;
    });
}

#[test]
fn set_sl_definition() {
    check(&[r#"scenario.set_sl_definition("sales", "answered");"#], |e| {
        e.queues[SALES].service_level.definition = SlDefinition::Answered;
    });
    check(&[r#"scenario.set_sl_definition("*", "offered_minus_short_abandons");"#], |e| {
        for q in &mut e.queues {
            q.service_level.definition = SlDefinition::OfferedMinusShortAbandons;
        }
    });
    check(&[r#"scenario.set_sl_definition("support", "offered");"#], |e| {
        e.queues[SUPPORT].service_level.definition = SlDefinition::Offered;
    });
    assert!(error(r#"scenario.set_sl_definition("sales", "served");"#).contains("unknown SL definition"));
}

#[test]
fn set_max_asa_and_max_abandon_rate() {
    check(
        &[
            r#"scenario.set_max_asa("support", "45s");"#,
            r#"scenario.set_max_asa("support", 45);"#,
            r#"scenario.set_max_asa("support", 45.0);"#,
        ],
        |e| {
            e.queues[SUPPORT].max_asa_s = Some(45.0);
        },
    );
    check(&[r#"scenario.set_max_abandon_rate("*", 0.1);"#], |e| {
        e.queues[SALES].max_abandon_rate = Some(0.1);
        e.queues[SUPPORT].max_abandon_rate = Some(0.1);
    });
    check(&[r#"scenario.set_max_abandon_rate("support", 0);"#], |e| e.queues[SUPPORT].max_abandon_rate = Some(0.0));
    assert!(error(r#"scenario.set_max_abandon_rate("sales", 2);"#).contains("queues[0].targets.max_abandon_rate"));
}

#[test]
fn set_cost_and_set_priority() {
    check(&[r#"scenario.set_cost("shifted", 18.5);"#], |e| e.groups[SHIFTED].cost_per_hour = 18.5);
    check(&[r#"scenario.set_cost("counted", 25);"#, r#"scenario.set_cost("counted", 25.0);"#], |e| {
        e.groups[COUNTED].cost_per_hour = 25.0;
    });
    check(&[r#"scenario.set_priority("support", 3);"#, r#"scenario.set_priority("support", 3.0);"#], |e| {
        e.queues[SUPPORT].priority = 3;
    });
    check(&[r#"scenario.set_priority("*", -2);"#], |e| {
        e.queues[SALES].priority = -2;
        e.queues[SUPPORT].priority = -2;
    });
    assert!(error(r#"scenario.set_priority("support", 1.5);"#).contains("whole number"));
    assert!(error(r#"scenario.set_cost("counted", -1);"#).contains("agents[0].cost_per_hour"));
}

// ---------------------------------------------------------------- reading

#[test]
fn reading_functions_return_the_scenario_as_it_is() {
    let src = r#"
        fn expect(what, got, want) {
            if got != want { throw `${what}: got ${got}, expected ${want}`; }
        }
        expect("queues", scenario.queues(), ["sales", "support"]);
        expect("groups", scenario.groups(), ["counted", "shifted", "curved"]);
        expect("intervals", scenario.intervals(), ["08:00", "08:30", "09:00", "09:30"]);
        expect("volumes", scenario.volumes("sales"), [10.0, 20.0, 30.0, 40.0]);
        expect("total sales", scenario.total_calls("sales"), 100.0);
        expect("total all", scenario.total_calls("*"), 180.0);
        expect("peak sales", scenario.peak_interval("sales"), "09:30");
        expect("staffing counted", scenario.staffing("counted"), [10, 10, 10, 10]);
        expect("staffing shifted", scenario.staffing("shifted"), [4, 3, 4, 3]);
        expect("staffing curved", scenario.staffing("curved"), [2, 4, 6, 8]);
        expect("aht sales", scenario.aht("sales"), 270.0);
        expect("aht support", scenario.aht("support"), 360.0);
        expect("sl_target", scenario.sl_target("support"), 0.7);
        expect("sl_threshold", scenario.sl_threshold("sales"), 20.0);
        expect("interval_length", scenario.interval_length(), 1800.0);
        expect("opening", scenario.opening(), "08:00");
        expect("closing", scenario.closing(), "10:00");
        expect("time_after", scenario.time_after("09:45", "30m"), "10:15");
        expect("time_after s", scenario.time_after("08:00", 90), "08:01:30");
        expect("time_after midnight", scenario.time_after("23:00", "1h"), "24:00");
        expect("interval_end", scenario.interval_end("09:30"), "10:00");
    "#;
    check(&[src], |_| {});
}

#[test]
fn reading_functions_feed_setters() {
    // values read from the scenario, written back through setters
    let src = r#"
        scenario.set_cost("counted", scenario.total_calls("*"));
        scenario.set_speed("curved", scenario.aht("sales") / 100.0);
        scenario.add_agents("counted", scenario.staffing("shifted")[1]);
        scenario.set_max_asa("sales", scenario.interval_length() / 36.0);
        scenario.set_service_level("support", scenario.sl_threshold("sales"), scenario.sl_target("sales"));
        let peak = scenario.peak_interval("support");
        scenario.scale_arrivals("sales", peak, scenario.interval_end(peak), 2);
        let n = scenario.queues().len() + scenario.groups().len() + scenario.intervals().len();
        scenario.set_priority("support", n);
        let v = scenario.volumes("support");
        scenario.add_calls("sales", scenario.opening(), scenario.time_after(scenario.opening(), "30m"), v[0]);
        if scenario.closing() != "10:00" { throw "closing"; }
    "#;
    check(&[src], |e| {
        e.groups[COUNTED].cost_per_hour = 180.0;
        e.groups[CURVED].speed = 2.7;
        e.groups[COUNTED].staffing = Staffing::Count(13);
        e.queues[SALES].max_asa_s = Some(50.0);
        e.queues[SUPPORT].service_level.threshold_s = 20.0;
        e.queues[SUPPORT].service_level.target = 0.8;
        e.queues[SALES].volumes = vec![15.0, 20.0, 30.0, 80.0];
        e.queues[SUPPORT].priority = 9;
    });
}

#[test]
fn reading_functions_see_earlier_changes() {
    let src = r#"
        scenario.scale_arrivals("support", "08:00", "08:30", 10);
        if scenario.peak_interval("support") != "08:00" { throw "peak"; }
        if scenario.total_calls("support") != 125.0 { throw "total"; }
        scenario.remove_break("shifted", "08:30");
        if scenario.staffing("shifted") != [4, 7, 4, 3] { throw `staffing ${scenario.staffing("shifted")}`; }
        scenario.set_wrap_up("support", "1m");
        if scenario.aht("support") != 420.0 { throw "aht"; }
    "#;
    check(&[src], |e| {
        e.queues[SUPPORT].volumes = vec![50.0, 15.0, 25.0, 35.0];
        shifts(e, SHIFTED)[0].breaks.clear();
        e.queues[SUPPORT].wrap_up = Some(Dist::Constant { mean: 60.0 });
    });
}

#[test]
fn reading_over_several_days() {
    let src = r#"
        if scenario.intervals() != ["08:00", "08:30", "09:00", "09:30", "08:00", "08:30", "09:00", "09:30"] { throw "intervals"; }
        if scenario.volumes("support").len() != 8 { throw "volumes"; }
        if scenario.total_calls("sales") != 200.0 { throw "total"; }
        if scenario.staffing("shifted") != [4, 3, 4, 3, 4, 3, 4, 3] { throw "staffing"; }
    "#;
    check_on(&two_days(), &[src], |_| {});
}

#[test]
fn reading_errors() {
    assert!(error(r#"scenario.volumes("*");"#).contains("name one queue here"));
    assert!(error(r#"scenario.staffing("nobody");"#).contains("unknown group `nobody`"));
    assert!(error(r#"scenario.time_after("23:50", "20m");"#).contains("past midnight"));
}

// ---------------------------------------------------------------- parameters and numbers

#[test]
fn set_parameters_reach_the_script() {
    let w = WhatIf::compile(
        r#"scenario.absence(group, share); scenario.scale_arrivals(q, factor);"#,
        Path::new("x.rhai"),
        ["share=0.15", "group=curved", "q = sales", "factor=2"].iter().map(|p| Param::parse(p).unwrap()).collect(),
    )
    .unwrap();
    assert_eq!(w.name, "x[share=0.15,group=curved,q=sales,factor=2]");
    let got = w.apply(&base()).unwrap();
    let mut want = base();
    want.name = "Base + x[share=0.15,group=curved,q=sales,factor=2]".into();
    // 2 × 0.85 = 1.7 → 2, 3.4 → 3, 5.1 → 5, 6.8 → 7
    want.groups[CURVED].staffing = Staffing::Curve(vec![2, 3, 5, 7]);
    want.queues[SALES].volumes = vec![20.0, 40.0, 60.0, 80.0];
    assert_same(&got, &want, "params");
    // one parameter, as in the brief
    let w = WhatIf::compile(
        r#"scenario.absence("curved", share);"#,
        Path::new("x.rhai"),
        vec![Param::parse("share=0.15").unwrap()],
    )
    .unwrap();
    assert_eq!(w.name, "x[share=0.15]");
    assert_eq!(w.apply(&base()).unwrap().groups[CURVED].staffing, Staffing::Curve(vec![2, 3, 5, 7]));
    // a parameter the script uses but is not given
    let msg = error(r#"scenario.absence("curved", share);"#);
    assert!(msg.contains("share"), "{msg}");
}

#[test]
fn parameters_are_constants() {
    let e = match run_on(&base(), "share = 0.5;", &["share=0.15"]) {
        Err(WhatIfError::Script(e)) => e,
        other => panic!("expected a script error, got {other:?}"),
    };
    assert!(e.message.contains("share"), "{e}");
}

#[test]
fn numbers_as_ints_or_floats_and_durations_as_text_or_seconds() {
    // the same change written four ways
    check(
        &[
            r#"scenario.set_service_level("sales", "1m30s", 1); scenario.add_agents("counted", 1); scenario.set_speed("curved", 1);"#,
            r#"scenario.set_service_level("sales", 90, 1.0); scenario.add_agents("counted", 1.0); scenario.set_speed("curved", 1.0);"#,
            r#"scenario.set_service_level("sales", 90.0, 1); scenario.add_agents("counted", 1); scenario.set_speed("curved", 1.0);"#,
            r#"scenario.set_service_level("sales", "1.5m", 1.0); scenario.add_agents("counted", 1.0); scenario.set_speed("curved", 1);"#,
        ],
        |e| {
            e.queues[SALES].service_level.threshold_s = 90.0;
            e.queues[SALES].service_level.target = 1.0;
            e.groups[COUNTED].staffing = Staffing::Count(11);
        },
    );
    check(
        &[
            r#"scenario.overtime("shifted", "15m");"#,
            r#"scenario.overtime("shifted", 900);"#,
            r#"scenario.overtime("shifted", 900.0);"#,
        ],
        |e| {
            shifts(e, SHIFTED)[0].end_s = clock("09:45");
        },
    );
    assert!(error(r#"scenario.set_max_asa("sales", "ten seconds");"#).contains("invalid duration"));
    assert!(error(r#"scenario.set_max_asa("sales", true);"#).contains("must be a number"));
}

// ---------------------------------------------------------------- errors

#[test]
fn unknown_queue_names_it_and_lists_the_queues_with_the_position() {
    let e = script_error("let f = 2.0;\nscenario.scale_arrivals(\"billing\", f);\n");
    assert_eq!(e.script, Path::new("x.rhai"));
    assert!(e.message.contains("unknown queue `billing`"), "{e}");
    assert!(e.message.contains("(queues: sales, support; or \"*\" for all)"), "{e}");
    assert_eq!(e.position, Some((2, 10)), "{e}");
    assert_eq!(e.to_string(), "x.rhai:2:10: unknown queue `billing` (queues: sales, support; or \"*\" for all)");
    // through WhatIfError too
    let msg = error("let f = 2.0;\nscenario.scale_arrivals(\"billing\", f);\n");
    assert!(msg.starts_with("x.rhai:2:"), "{msg}");
    // every function that names a queue
    for src in [
        r#"scenario.add_calls("billing", "08:00", "09:00", 1);"#,
        r#"scenario.set_handle_time("billing", "3m");"#,
        r#"scenario.add_skill("counted", "billing", 1);"#,
        r#"scenario.volumes("billing");"#,
        r#"scenario.total_calls("billing");"#,
        r#"scenario.set_priority("billing", 1);"#,
    ] {
        let msg = error(src);
        assert!(
            msg.starts_with("x.rhai:1:") && msg.contains("unknown queue `billing` (queues: sales, support"),
            "{msg}"
        );
    }
}

#[test]
fn unknown_group_names_it_and_lists_the_groups_with_the_position() {
    let e = script_error("\n\n  scenario.add_agents(\"night\", 2);");
    assert!(e.message.contains("unknown group `night` (groups: counted, shifted, curved)"), "{e}");
    let (line, col) = e.position.expect("a position");
    assert_eq!(line, 3, "{e}");
    assert!(col > 1, "{e}");
    assert!(e.to_string().starts_with(&format!("x.rhai:3:{col}: unknown group `night`")), "{e}");
    for src in [
        r#"scenario.absence("night", 0.1);"#,
        r#"scenario.set_speed("night", 1);"#,
        r#"scenario.overtime("night", "1h");"#,
        r#"scenario.move_agents("counted", "night", 1);"#,
        r#"scenario.set_cost("night", 1);"#,
    ] {
        let msg = error(src);
        assert!(
            msg.starts_with("x.rhai:1:") && msg.contains("unknown group `night` (groups: counted, shifted, curved)"),
            "{msg}"
        );
    }
}

#[test]
fn a_syntax_error_is_reported_at_compile_time_with_its_position() {
    let e = WhatIf::compile("let a = 1;\nscenario.scale_arrivals(\"sales\", 2;\n", Path::new("x.rhai"), vec![])
        .unwrap_err();
    assert_eq!(e.script, Path::new("x.rhai"));
    let (line, col) = e.position.expect("a position");
    assert_eq!(line, 2, "{e}");
    assert!(e.to_string().starts_with(&format!("x.rhai:2:{col}: ")), "{e}");
}

#[test]
fn a_thrown_error_is_the_message() {
    let e = script_error("let x = 1;\nif x == 1 { throw \"no way\"; }");
    assert_eq!(e.message, "no way");
    assert_eq!(e.position.map(|p| p.0), Some(2));
    assert!(e.to_string().starts_with("x.rhai:2:"), "{e}");
}

#[test]
fn a_runaway_loop_is_stopped() {
    let e = script_error("loop {}");
    assert_eq!(e.message, "the script ran too long (more than 2000000 operations): is there an endless loop?");
    assert!(e.to_string().starts_with("x.rhai:1:"), "{e}");
    let e = script_error("let i = 0; while true { i += 1; }");
    assert!(e.message.contains("ran too long"), "{e}");
}

#[test]
fn eval_is_unavailable() {
    // refused when compiling, so it never runs
    let e =
        WhatIf::compile(r#"eval("scenario.add_agents(\"counted\", 1)");"#, Path::new("x.rhai"), vec![]).unwrap_err();
    assert_eq!(e.to_string(), "x.rhai:1:1: Syntax error: reserved keyword 'eval' is disabled");
}

#[test]
fn import_of_a_module_fails() {
    let e = script_error("import \"scripts/absent\" as a;\nscenario.absence(\"counted\", 0.5);\n");
    assert_eq!(e.to_string(), "x.rhai:1:8: Module not found: scripts/absent");
}

#[test]
fn replacing_the_scenario_variable_is_an_error() {
    let e = script_error("scenario = 1;");
    assert!(e.message.contains("replaced the `scenario` variable"), "{e}");
}

#[test]
fn an_invalid_result_names_the_script_and_the_yaml_path() {
    let err = error_on(&base(), r#"scenario.set_service_level("*", "20s", 1.5);"#);
    let text = err.to_string();
    match err {
        WhatIfError::Invalid { script, source: ScenarioError::Invalid { file, problems } } => {
            assert_eq!(script, "x.rhai");
            assert_eq!(file, Path::new("x.rhai"));
            let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
            assert_eq!(paths, ["queues[0].service_level.target", "queues[1].service_level.target"]);
            assert!(problems[0].message.contains("1.5"), "{}", problems[0].message);
        }
        other => panic!("expected an invalid scenario, got {other:?}"),
    }
    assert!(text.starts_with("after x.rhai: x.rhai: 2 problem(s):"), "{text}");
    assert!(text.contains("queues[0].service_level.target"), "{text}");
    // the base is untouched
    assert_eq!(base().queues[SALES].service_level.target, 0.8);
}

#[test]
fn load_reads_a_script_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spike.rhai");
    std::fs::write(&path, "scenario.scale_arrivals(\"sales\", \"08:30\", \"09:30\", factor);\n").unwrap();
    let w = WhatIf::load(&path, vec![Param::parse("factor=1.3").unwrap()]).unwrap();
    assert_eq!(w.name, "spike[factor=1.3]");
    let got = w.apply(&base()).unwrap();
    let mut want = base();
    want.name = "Base + spike[factor=1.3]".into();
    want.queues[SALES].volumes = vec![10.0, 20.0 * 1.3, 30.0 * 1.3, 40.0];
    assert_same(&got, &want, "spike.rhai");
    let e = WhatIf::load(&dir.path().join("missing.rhai"), vec![]).unwrap_err();
    assert!(e.message.starts_with("cannot read"), "{e}");
    assert_eq!(e.position, None);
}

// ---------------------------------------------------------------- bugs found

#[test]

fn set_priority_rejects_numbers_outside_i32() {
    // a file with `priority: 3000000000` is rejected; the script should be too
    let r = run_on(&base(), r#"scenario.set_priority("sales", 3000000000);"#, &[]);
    assert!(r.is_err(), "accepted, priority {:?}", r.map(|s| s.queues[SALES].priority));
}

#[test]

fn whole_number_messages_name_the_right_thing() {
    for src in [r#"scenario.set_priority("sales", 1.5);"#, r#"scenario.add_skill("curved", "sales", 1.5);"#] {
        let msg = error(src);
        assert!(msg.contains("whole number") && !msg.contains("agents"), "{msg}");
    }
}

// ---- policy scripts bound to the scenario a what-if produced (issue 13) ----------------------

/// The mean of the policy counter `name` (e.g. `actions.set_open`) in `r`.
fn policy_counter(r: &ccsim::experiment::RunResult, name: &str) -> f64 {
    r.policy.as_ref().expect("a policy ran").counter(name).expect("known counter").mean
}

/// The base with a policy script `x.rhai` (compiled once, before any what-if) named.
fn base_with_policy(text: &str) -> (Scenario, ccsim::script::policy::PolicyScript) {
    let mut s = base();
    s.simulation.replications = 3;
    s.policy = Some(ccsim::scenario::PolicyConfig { script: Some("x.rhai".into()), tick_s: None, builtins: vec![] });
    let p = ccsim::script::policy::PolicyScript::compile(text, Path::new("x.rhai"), vec![]).expect("compiles");
    (s, p)
}

/// Regression test (failed before the script was bound at model compile: the script kept the
/// ids and volumes of the scenario it was attached to, before the what-if).
/// A what-if that raises the volumes and adds a queue, run with a policy script compiled once
/// before it: the script reads the changed forecast and acts on the new queue.
#[test]
fn a_policy_script_sees_the_scenario_a_whatif_changed() {
    let (base, script) = base_with_policy(
        r#"fn on_interval(ctx) {
            if ctx.forecast("sales", 0) > 100.0 { ctx.close_queue("sales"); } else { ctx.open_queue("sales"); }
            if ctx.interval == 0 { ctx.close_queue("extra"); }
        }"#,
    );
    let w = WhatIf::compile(
        r#"scenario.scale_arrivals("sales", 10);
           scenario.add_queue(#{ id: "extra", arrivals: #{ rate_per_hour: 30 }, handle_time: #{ dist: "constant", mean: "2m" } });
           scenario.add_skill("counted", "extra", 2);"#,
        Path::new("w.rhai"),
        vec![],
    )
    .expect("compiles");
    let changed = w.apply(&base).expect("applies");
    let r = ccsim::experiment::run(&changed, Some(&script), &|| {}).unwrap_or_else(|e| panic!("{e}"));
    // sales forecasts 100, 200, 300, 400 calls: closed in three intervals, opened in one; `extra`
    // closed once a day
    assert_eq!(policy_counter(&r, "actions.set_open"), 5.0);
    let extra = r.queues.iter().find(|q| q.id == "extra").expect("the new queue is reported");
    let sales = r.queues.iter().find(|q| q.id == "sales").expect("sales");
    assert!(extra.kpis["blocked"].mean > 0.0 && sales.kpis["blocked"].mean > 0.0);
    // the base itself, with the same compiled script, never closes sales (forecast ≤ 40) and has
    // no `extra` to close: that script fails there, naming the queue
    let e = ccsim::experiment::run(&base, Some(&script), &|| {}).expect_err("no queue extra").to_string();
    assert!(e.contains("unknown queue `extra`"), "{e}");
}

/// A scenario is plain data: two loads of the same file, with a policy script named, compare
/// equal, and so does the scenario after its script was compiled and bound.
#[test]
fn equal_scenarios_compare_equal() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join("scenarios/multi_skill.yaml");
    let mut a = Scenario::load(&file).expect("loads");
    a.policy = Some(ccsim::scenario::PolicyConfig {
        script: Some(root.join("scripts/policies/supervisor.rhai")),
        tick_s: Some(300.0),
        builtins: vec![],
    });
    let b = a.clone();
    let script = ccsim::script::policy::load_named(&a, &[]).expect("loads").expect("named");
    ccsim::model::Model::compile(&a, Some(&script)).expect("binds");
    assert_eq!(a, b);
    assert_eq!(Scenario::load(&file).unwrap(), Scenario::load(&file).unwrap());
    assert_eq!(a.revalidate(&file).expect("valid"), b);
    // a model for a scenario that names a script cannot be built without it
    let e = ccsim::model::Model::compile(&a, None).expect_err("script not given").to_string();
    assert!(e.contains("supervisor.rhai") && e.contains("not given"), "{e}");
}

// ------------------------------------------------------ days and rosters (issue 14, what-ifs)

/// The issue's pinned week: Mon 2026-12-07 to Sun 2026-12-13, Tuesday closed; milano works
/// E (18, Mon–Fri), L (14, Mon–Sat) and rossi and bianchi on a roster; napoli E, L and P.
fn support_week() -> Scenario {
    Scenario::load(Path::new("scenarios/support_week.yaml")).expect("the pinned week loads")
}

const MILANO: usize = 0;

/// Agents of group `g` starting a shift on each day (recurring shifts and roster agents).
fn agents_per_day(s: &Scenario, g: usize) -> Vec<u32> {
    (0..s.horizon.days as usize)
        .map(|d| s.groups[g].pieces_on(&s.horizon, d).iter().filter(|p| !p.carried).map(|p| p.count).sum())
        .collect()
}

/// The planned agents on duty of group `g` on day `d` (0-based).
fn day_curve(s: &Scenario, g: usize, d: usize) -> Vec<u32> {
    let n = s.horizon.intervals_per_day();
    s.groups[g].planned_curve(&s.horizon)[d * n..(d + 1) * n].to_vec()
}

fn roster_of(s: &Scenario, g: usize) -> &[ccsim::scenario::RosterAgent] {
    match &s.groups[g].staffing {
        Staffing::Shifts { roster, .. } => roster,
        other => panic!("group {g} works {other:?}"),
    }
}

/// The issue's calls, as written, on the pinned file: the ad changes Wednesday 10:00–12:00 only
/// (every other volume bit-identical); a whole-day window on another weekday changes that day.
#[test]
fn the_pinned_week_takes_the_issue_calls_as_written() {
    let b = support_week();
    let n = b.horizon.intervals_per_day();
    let got = apply_on(&b, r#"scenario.scale_arrivals("support_it", "Wed 10:00", "Wed 12:00", 1.5);"#);
    let (old, new) = (&b.queues[0].volumes, &got.queues[0].volumes);
    let ad: Vec<usize> = (0..old.len()).filter(|&i| new[i].to_bits() != old[i].to_bits()).collect();
    assert_eq!(ad, (2 * n + 4..2 * n + 8).collect::<Vec<_>>(), "Wednesday 10:00, 10:30, 11:00, 11:30");
    for &i in &ad {
        assert!((new[i] - 1.5 * old[i]).abs() < 1e-9);
    }
    assert_eq!(got.queues[1], b.queues[1]);
    assert_eq!(got.groups, b.groups);
    // Monday only: volumes of every other day bit-identical
    let mon = apply_on(&b, r#"scenario.scale_arrivals("*", "Mon 08:00", "Mon 20:00", 0.5);"#);
    for (q, (a, o)) in mon.queues.iter().zip(&b.queues).enumerate() {
        assert!(a.volumes[n..].iter().zip(&o.volumes[n..]).all(|(x, y)| x.to_bits() == y.to_bits()), "queue {q}");
        assert!(a.volumes[..n].iter().zip(&o.volumes[..n]).all(|(x, y)| *x == 0.5 * y));
    }
    // plain clocks still mean every (open) day
    let every = apply_on(&b, r#"scenario.scale_arrivals("support_it", "10:00", "12:00", 2);"#);
    let changed = (0..old.len()).filter(|&i| every.queues[0].volumes[i] != old[i]).count();
    assert_eq!(changed, 6 * 4, "six open days × four intervals");
}

/// 20 % absent in milano on Monday: round(0.8 × 34) = 27 of Monday's agents stay (E 18 → 14,
/// L 14 → 11, rossi and bianchi stay); every other day, every roster and napoli are untouched.
#[test]
fn monday_absence_on_the_pinned_week() {
    let b = support_week();
    assert_eq!(agents_per_day(&b, MILANO), vec![34, 0, 34, 34, 33, 15, 0]);
    let got = apply_on(&b, r#"scenario.absence("milano", 0.2, "Mon 08:00", "Mon 20:00");"#);
    assert_eq!(agents_per_day(&got, MILANO), vec![27, 0, 34, 34, 33, 15, 0]);
    for d in 1..7 {
        assert_eq!(day_curve(&got, MILANO, d), day_curve(&b, MILANO, d), "day {d}");
    }
    assert_eq!(roster_of(&got, MILANO), roster_of(&b, MILANO));
    assert_eq!(got.groups[1], b.groups[1]);
    assert_eq!(got.queues, b.queues);
    // the same by date, by day number and as a bare day
    for src in [
        r#"scenario.absence("milano", 0.2, "2026-12-07 08:00", "2026-12-07 20:00");"#,
        r#"scenario.absence("milano", 0.2, "d1 08:00", "20:00");"#,
        r#"scenario.absence("milano", 0.2, "Mon");"#,
    ] {
        assert_eq!(apply_on(&b, src).groups, got.groups, "{src}");
    }
    // part of a day on shifts stays an error with the hint
    let msg = error_on(&b, r#"scenario.absence("milano", 0.2, "Mon 08:00", "Mon 12:00");"#).to_string();
    assert!(msg.contains("`milano` works shifts") && msg.contains("whole days"), "{msg}");
    // a weekday on an undated horizon says so
    let msg = error_on(&two_days(), r#"scenario.absence("counted", 0.2, "Mon 08:00", "Mon 10:00");"#).to_string();
    assert!(msg.contains("no dates") && msg.contains("horizon.from"), "{msg}");
}

/// Roster functions change the named agent only, and survive revalidation.
#[test]
fn roster_changes_leave_other_agents_identical() {
    let b = support_week();
    let got = apply_on(&b, r#"scenario.give_shift("rossi", "Sat", "L"); scenario.day_off("rossi", "2026-12-09");"#);
    let (old, new) = (roster_of(&b, MILANO), roster_of(&got, MILANO));
    assert_eq!(new[1], old[1], "bianchi untouched");
    let codes = |a: &ccsim::scenario::RosterAgent| -> Vec<String> {
        a.days.iter().map(|c| c.as_ref().map_or("-".into(), |c| c.code.clone())).collect()
    };
    assert_eq!(codes(&new[0]), ["E", "-", "-", "E", "E", "L", "-"]);
    let mut rest = got.clone();
    rest.groups[MILANO] = b.groups[MILANO].clone();
    assert_eq!(rest, renamed(&b));
    let swapped = apply_on(&b, r#"scenario.swap_days("rossi", "bianchi", "Wed");"#);
    let s = roster_of(&swapped, MILANO);
    assert_eq!((&s[0].days[2], &s[1].days[2]), (&old[1].days[2], &old[0].days[2]));
    assert_eq!((&s[0].days[3..], &s[1].days[3..]), (&old[0].days[3..], &old[1].days[3..]));
    let late = apply_on(
        &b,
        r#"scenario.add_shift_code("S", "14:00", "20:00", [#{ start: "17:00", length: "15m" }]);
                                 scenario.give_shift("bianchi", "Sun", "S");"#,
    );
    assert_eq!(late.shift_codes.last().map(|c| (c.code.as_str(), c.start_s, c.end_s)), Some(("S", 50_400.0, 72_000.0)));
    assert_eq!(roster_of(&late, MILANO)[1].days[6].as_ref().map(|c| c.breaks.len()), Some(1));
    // a night code crosses midnight (ends the next day); this horizon closes at 20:00, which the
    // revalidation says
    let msg = error_on(&b, r#"scenario.add_shift_code("N", "22:00", "06:00");"#).to_string();
    assert!(msg.contains("crosses midnight"), "{msg}");
    let msg = error_on(&b, r#"scenario.give_shift("rossi", "Tue", "E");"#).to_string();
    assert!(msg.contains("closed"), "{msg}");
    let msg = error_on(&b, r#"scenario.day_off("verdi", "Mon");"#).to_string();
    assert!(msg.contains("rossi, bianchi"), "{msg}");
}

/// Shifts added on days and a one-day set_staffing survive revalidation.
#[test]
fn shifts_on_days_survive_revalidation() {
    let b = support_week();
    let got = apply_on(&b, r#"scenario.add_shift("milano", "08:00", "12:00", 3, ["Mon", "Fri"]);"#);
    assert_eq!(agents_per_day(&got, MILANO), vec![37, 0, 34, 34, 36, 15, 0]);
    let got = apply_on(&b, r#"scenario.remove_agents("milano", 4, "Sat"); scenario.add_agents("napoli", 2, "Sun");"#);
    assert_eq!(agents_per_day(&got, MILANO), vec![34, 0, 34, 34, 33, 11, 0]);
    assert_eq!(agents_per_day(&got, 1)[..6], agents_per_day(&b, 1)[..6]);
    assert_eq!(agents_per_day(&got, 1)[6], agents_per_day(&b, 1)[6] + 2);
    // one more napoli agent at Thursday 08:00 only
    let mut want = b.groups[1].planned_curve(&b.horizon);
    want[3 * b.horizon.intervals_per_day()] += 1;
    let levels = want.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let got = apply_on(&b, &format!(r#"scenario.set_staffing("napoli", [{levels}]);"#));
    assert_eq!(got.groups[1].planned_curve(&got.horizon), want);
}

/// The bundled script, through `WhatIf::apply` and the CLI's compare.
#[test]
fn monday_absence_wednesday_ad_script() {
    let b = support_week();
    let w = WhatIf::load(Path::new("scripts/monday_absence_wednesday_ad.rhai"), vec![]).expect("script loads");
    assert!(w.is_for(Path::new("scenarios/support_week.yaml")));
    let got = w.apply(&b).expect("applies");
    assert_eq!(agents_per_day(&got, MILANO), vec![27, 0, 34, 34, 33, 15, 0]);
    let n = b.horizon.intervals_per_day();
    let changed: Vec<usize> =
        (0..b.queues[0].volumes.len()).filter(|&i| got.queues[0].volumes[i] != b.queues[0].volumes[i]).collect();
    assert_eq!(changed, (2 * n + 4..2 * n + 8).collect::<Vec<_>>());
    let out = assert_cmd::Command::cargo_bin("ccsim")
        .unwrap()
        .args(["compare", "scenarios/support_week.yaml", "--whatif", "scripts/monday_absence_wednesday_ad.rhai"])
        .args(["-n", "3", "-q", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["variants"][0]["name"], "monday_absence_wednesday_ad");
}
