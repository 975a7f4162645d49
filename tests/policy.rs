//! Intraday policies (issue 5): every action does what it says (exact agent-time and call counts
//! on small scenarios), built-in policies equal their scripted twins, scripted routing that
//! mirrors the built-in rules changes nothing, the CLI runs and compares policies, the sandbox
//! stops runaway scripts, errors name script, line, hook and simulated time, and results do not
//! depend on the thread count nor leak state between replications.

mod common;
use assert_cmd::Command;
use ccsim::compare::{compare, significant};
use ccsim::experiment::RunResult;
use ccsim::facts::ReplicationFacts;
use ccsim::kpi::queue::SL;
use ccsim::policy::ACTION_NAMES;
use ccsim::scenario::{Scenario, parse_str};
use ccsim::script::policy::PolicyScript;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

// ---- helpers ------------------------------------------------------------------------------

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bundled(name: &str) -> Scenario {
    Scenario::load(&root().join("scenarios").join(name)).expect("bundled scenario")
}

fn bundled_text(name: &str) -> String {
    std::fs::read_to_string(root().join("scenarios").join(name)).expect("bundled scenario")
}

fn policy_script(name: &str) -> PathBuf {
    root().join("scripts/policies").join(name)
}

/// The compile error of a policy script, as text.
fn compile_error(s: &Scenario, text: &str, tick_s: Option<f64>) -> String {
    match PolicyScript::compile(text, Path::new("x.rhai"), vec![]).and_then(|p| p.bind_to(s, tick_s)) {
        Ok(_) => panic!("expected a compile error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// Busy seconds group `g` spent on queue `q`'s calls over all intervals.
fn busy_on(f: &ReplicationFacts, g: usize, q: usize) -> f64 {
    (0..intervals(f)).map(|i| f.busy_by_queue[(i * f.n_groups + g) * f.n_queues + q]).sum()
}

fn action_count(f: &ReplicationFacts, name: &str) -> f64 {
    f.policy.actions[ACTION_NAMES.iter().position(|n| *n == name).expect("known action")]
}

fn run(s: &impl Runnable) -> RunResult {
    simulate(s).unwrap_or_else(|e| panic!("{e}"))
}

/// The same result with the policy counters dropped, to compare a policy run with a plain one.
fn without_policy_counters(mut r: RunResult) -> RunResult {
    r.policy = None;
    r
}

fn ccsim() -> Command {
    let mut c = Command::cargo_bin("ccsim").expect("binary built");
    c.current_dir(root());
    c
}

/// The arguments of the first call `name(...)` in a script, split at top-level commas.
fn call_args(text: &str, name: &str) -> Vec<String> {
    let start = text.find(&format!("{name}(")).unwrap_or_else(|| panic!("no call to {name} in:\n{text}"));
    let rest = &text[start + name.len() + 1..];
    let (mut depth, mut args, mut cur) = (0, Vec::new(), String::new());
    for ch in rest.chars() {
        match ch {
            '(' | '[' => depth += 1,
            ']' => depth -= 1,
            ')' if depth == 0 => break,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                args.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    args.push(cur.trim().to_string());
    args
}

/// The value of `const NAME = value;` in a script.
fn rhai_const(text: &str, name: &str) -> String {
    let key = format!("const {name} =");
    let line = text.lines().find(|l| l.trim_start().starts_with(&key)).unwrap_or_else(|| panic!("no {key}"));
    line.split_once('=').unwrap().1.trim().trim_end_matches(';').trim().to_string()
}

/// One queue `q`, 08:00–12:00 in 15-minute intervals (16 intervals, 14,400 s), agents `STAFF`.
const SMALL: &str = r#"
name: small
horizon: { start: "08:00", end: "12:00", interval: 15m }
queues:
  - id: q
    arrivals: { rate_per_hour: RATE }
    handle_time: { dist: HANDLE }
agents:
  - group: g
    skills: [q]
    cost_per_hour: 36
    STAFF
simulation: { replications: 3, seed: 7 }
"#;

const DAY_S: f64 = 14_400.0;
const N_INTERVALS: usize = 16;

fn small(rate: f64, handle: &str, staff: &str) -> Scenario {
    scenario(&SMALL.replace("RATE", &rate.to_string()).replace("HANDLE", handle).replace("STAFF", staff))
}

/// Three idle agents 08:00–12:00 with a 15-minute break at 09:10 and a 30-minute one at 10:30.
fn idle_with_breaks() -> Scenario {
    small(
        0.0,
        "constant, mean: 5m",
        r#"shifts: [{ start: "08:00", end: "12:00", count: 3, breaks: [{ start: "09:10", length: 15m }, { start: "10:30", length: 30m }] }]"#,
    )
}

// ---- 1. each action does what it says ------------------------------------------------------

#[test]
fn cancel_breaks_gives_back_exactly_the_breaks_length() {
    let base = idle_with_breaks();
    let all_day = with_script(
        base.clone(),
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.cancel_breaks("g", "4h"); } }"#,
        None,
    );
    // a window of 2 hours from 08:00 catches only the 09:10 breaks
    let two_hours = with_script(
        base.clone(),
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.cancel_breaks("g", 7200); } }"#,
        None,
    );
    for rep in 0..3 {
        let (b, a, w) = (facts(&base, rep), facts(&all_day, rep), facts(&two_hours, rep));
        let (gb, ga, gw) = (group_total(&b, 0), group_total(&a, 0), group_total(&w, 0));
        assert_eq!(gb.paid_s, 3.0 * DAY_S);
        assert_eq!(gb.available_s, 3.0 * DAY_S - 3.0 * (900.0 + 1800.0), "no policy: breaks taken");
        assert_eq!(ga.paid_s, gb.paid_s);
        assert_eq!(ga.available_s - gb.available_s, 3.0 * (900.0 + 1800.0));
        assert_eq!(ga.available_s, ga.paid_s);
        assert_eq!(a.policy.breaks_cancelled, 6.0);
        assert_eq!(a.policy.cancelled_break_s, 3.0 * 2700.0);
        assert_eq!(action_count(&a, "cancel_breaks"), 1.0);
        assert_eq!(gw.available_s - gb.available_s, 3.0 * 900.0);
        assert_eq!((w.policy.breaks_cancelled, w.policy.cancelled_break_s), (3.0, 2700.0));
        // without a policy nothing is counted
        assert_eq!(b.policy, Default::default());
    }
}

#[test]
fn postpone_breaks_moves_the_break_to_the_end_of_the_hold() {
    let base = idle_with_breaks();
    // at 09:00 hold breaks for 30 minutes: the 09:10 break starts at 09:30 instead
    let held = with_script(
        base.clone(),
        r#"fn on_interval(ctx) { if ctx.interval == 4 { ctx.postpone_breaks("g", "30m"); } }"#,
        None,
    );
    for rep in 0..3 {
        let (b, h) = (facts(&base, rep), facts(&held, rep));
        assert_eq!(h.policy.breaks_postponed, 3.0);
        assert_eq!(h.policy.postponed_s, 3.0 * 1200.0);
        assert_eq!(action_count(&h, "postpone_breaks"), 1.0);
        // the break still fits before the shift ends: the same available time in total
        assert_eq!(group_total(&h, 0).available_s, group_total(&b, 0).available_s);
        assert_eq!(group_total(&h, 0).paid_s, group_total(&b, 0).paid_s);
        let avail = |f: &ReplicationFacts, i: usize| f.group(i, 0).available_s;
        // no policy: 09:00–09:10 available, break 09:10–09:25
        assert_eq!([avail(&b, 4), avail(&b, 5), avail(&b, 6)], [1800.0, 900.0, 2700.0]);
        // held: available until 09:30, then the whole 09:30–09:45 interval on break
        assert_eq!([avail(&h, 4), avail(&h, 5), avail(&h, 6)], [2700.0, 2700.0, 0.0]);
        // the later break is untouched
        for i in 7..N_INTERVALS {
            assert_eq!(avail(&h, i), avail(&b, i), "interval {i}");
        }
    }
}

#[test]
fn extend_shifts_pays_exactly_the_overtime_and_needs_shifts() {
    let staff = r#"shifts: [{ start: "08:00", end: "10:00", count: 2 }, { start: "08:00", end: "12:00", count: 1 }]"#;
    let base = small(0.0, "constant, mean: 5m", staff);
    // at 09:00: overtime of 30 minutes for the 2 agents whose shifts end soonest (10:00)
    let over = with_script(
        base.clone(),
        r#"fn on_interval(ctx) { if ctx.interval == 4 { ctx.extend_shifts("g", 2, "30m"); } }"#,
        None,
    );
    for rep in 0..3 {
        let (b, o) = (facts(&base, rep), facts(&over, rep));
        assert_eq!(group_total(&b, 0).paid_s, 2.0 * 7200.0 + DAY_S);
        assert_eq!(group_total(&o, 0).paid_s - group_total(&b, 0).paid_s, 2.0 * 1800.0);
        assert_eq!(o.policy.overtime_s, 3600.0);
        assert!((o.policy.overtime_cost - 3600.0 * 36.0 / 3600.0).abs() < 1e-9, "{}", o.policy.overtime_cost);
        // the two agents stay until 10:30, then leave
        let paid = |i: usize| o.group(i, 0).paid_s;
        assert_eq!([paid(8), paid(9), paid(10)], [2700.0, 2700.0, 900.0]);
    }
    // a group staffed by a count has no shift to extend
    let count = with_script(
        small(0.0, "constant, mean: 5m", "count: 3"),
        r#"fn on_interval(ctx) { if ctx.interval == 2 { ctx.extend_shifts("g", 1, "30m"); } }"#,
        None,
    );
    let e = simulate(&count).expect_err("extend_shifts on a count group fails");
    assert_eq!(e.hook, "on_interval");
    let msg = e.to_string();
    assert!(msg.contains("extend_shifts") && msg.contains("not staffed by shifts") && msg.contains("08:30"), "{msg}");
}

#[test]
fn send_home_removes_the_remaining_scheduled_time() {
    let yaml = SMALL.replace("RATE", "0").replace("HANDLE", "constant, mean: 5m").replace(
        "STAFF",
        "count: 4\n  - group: h\n    skills: [q]\n    shifts: [{ start: \"08:00\", end: \"11:00\", count: 2 }]",
    );
    let base = scenario(&yaml);
    // 09:00: send home more shift agents than there are (both go, 2 h early each);
    // 10:00: send home 2 of the 4 counted agents (2 h early each)
    let sent = with_script(
        base.clone(),
        r#"
fn on_interval(ctx) {
    if ctx.interval == 4 { ctx.send_home("h", 5); }
    if ctx.interval == 8 { ctx.send_home("g", 2); }
}"#,
        None,
    );
    for rep in 0..3 {
        let (b, s) = (facts(&base, rep), facts(&sent, rep));
        assert_eq!((group_total(&b, 0).paid_s, group_total(&b, 1).paid_s), (4.0 * DAY_S, 2.0 * 10_800.0));
        assert_eq!(group_total(&s, 0).paid_s, 4.0 * DAY_S - 2.0 * 7200.0);
        assert_eq!(group_total(&s, 1).paid_s, 2.0 * 3600.0);
        assert_eq!(s.policy.sent_home, 4.0);
        assert_eq!(s.policy.sent_home_s, 2.0 * 7200.0 + 2.0 * 7200.0);
        assert_eq!(action_count(&s, "send_home"), 2.0);
        // nobody of h works after 09:00, 2 of g after 10:00
        assert_eq!(s.group(4, 1).paid_s, 0.0);
        assert_eq!(s.group(8, 0).paid_s, 2.0 * 900.0);
    }
}

#[test]
fn moved_agents_serve_the_queues_of_their_new_group() {
    let base = scenario(TWO_GROUPS);
    // move 2 of A's 3 idle agents into B at 08:00: they serve q2, which A has no skill for
    let moved = with_script(
        base.clone(),
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.move_agents("A", "B", 2); } }"#,
        None,
    );
    for rep in 0..3 {
        let (b, m) = (facts(&base, rep), facts(&moved, rep));
        assert_eq!(m.policy.agents_moved, 2.0);
        assert_eq!(action_count(&m, "move_agents"), 1.0);
        assert_eq!(group_total(&m, 0).paid_s, DAY_S, "one agent stays in A");
        assert_eq!(group_total(&m, 1).paid_s, 3.0 * DAY_S, "B has 3 agents");
        assert_eq!(group_total(&m, 0).busy_s, 0.0);
        // B's busy time exceeds what its own single agent could work
        assert!(group_total(&b, 1).busy_s <= DAY_S);
        assert!(group_total(&m, 1).busy_s > 2.0 * DAY_S, "{:?}", group_total(&m, 1));
        // every call is answered in the end (nobody hangs up), but much sooner
        let (wb, wm) = (queue_total(&b, 1).wait_all_s, queue_total(&m, 1).wait_all_s);
        assert!(wm < wb, "waits {wm} s vs {wb} s");
        // the same time summed in two orders: equal up to rounding
        let (by_queue, total) = (busy_on(&m, 1, 1), group_total(&m, 1).busy_s);
        assert!((by_queue - total).abs() <= 1e-9 * total, "{by_queue} vs {total}");
    }
}

#[test]
fn set_skill_turns_a_queue_on_and_off_for_a_group() {
    let base = scenario(TWO_GROUPS);
    // A serves q2 from 08:00 to 10:00 (calls last exactly 5 minutes)
    let skilled = with_script(
        base.clone(),
        r#"
fn on_interval(ctx) {
    if ctx.interval == 0 { ctx.set_skill("A", "q2", true); }
    if ctx.interval == 8 { ctx.set_skill("A", "q2", false); }
}"#,
        None,
    );
    for rep in 0..3 {
        let (b, s) = (facts(&base, rep), facts(&skilled, rep));
        assert_eq!(group_total(&b, 0).busy_s, 0.0, "without the skill A never works");
        assert_eq!(action_count(&s, "set_skill"), 2.0);
        let a_busy = |i: usize| s.group(i, 0).busy_s;
        assert!((0..8).map(a_busy).sum::<f64>() > 3.0 * 7200.0 * 0.5, "A serves q2 while skilled");
        // after 10:05 every call A took before 10:00 is over, and it takes no more
        for i in 9..N_INTERVALS {
            assert_eq!(a_busy(i), 0.0, "interval {i}");
        }
        assert_eq!(busy_on(&s, 0, 1), group_total(&s, 0).busy_s);
        let (wb, ws) = (queue_total(&b, 1).wait_all_s, queue_total(&s, 1).wait_all_s);
        assert!(ws < wb, "waits {ws} s vs {wb} s");
    }
}

#[test]
fn a_closed_queue_blocks_its_calls() {
    let base = small(120.0, "exponential, mean: 3m", "count: 10");
    // closed 09:00–10:00
    let closing = with_script(
        base.clone(),
        r#"
fn on_interval(ctx) {
    if ctx.interval == 4 { ctx.close_queue("q"); }
    if ctx.interval == 8 { ctx.open_queue("q"); }
}"#,
        None,
    );
    let mut blocked = 0.0;
    for rep in 0..3 {
        let (b, c) = (facts(&base, rep), facts(&closing, rep));
        assert_eq!(queue_total(&b, 0).blocked, 0.0);
        assert_eq!(action_count(&c, "set_open"), 2.0);
        for i in 0..N_INTERVALS {
            let cell = c.queue(i, 0);
            assert_eq!(cell.offered, cell.handled + cell.abandoned + cell.unserved + cell.blocked, "interval {i}");
            if (4..8).contains(&i) {
                assert!(cell.offered > 0.0, "interval {i}: {cell:?}");
                assert_eq!(cell.blocked, cell.offered, "interval {i}: every call is blocked");
                assert_eq!(cell.handled, 0.0);
            } else {
                assert_eq!(cell.blocked, 0.0, "interval {i}");
                assert_eq!(cell.offered, b.queue(i, 0).offered, "interval {i}: the same arrivals");
            }
        }
        blocked += queue_total(&c, 0).blocked;
    }
    let r = run(&closing);
    assert!((r.queues[0].kpis[kpi("blocked")].mean * 3.0 - blocked).abs() < 1e-9);
}

/// 12 Erlangs offered to 10 agents, impatient callers who retry.
const OVERLOADED: &str = r#"
name: overloaded
horizon: { start: "08:00", end: "12:00", interval: 15m }
queues:
  - id: q
    arrivals: { rate_per_hour: 240 }
    handle_time: { dist: exponential, mean: 3m }
    patience: { dist: exponential, mean: 3m }
    retrial: { probability: 0.3, delay: { dist: exponential, mean: 5m } }
agents:
  - group: g
    skills: [q]
    count: 10
simulation: { replications: 20, seed: 13 }
"#;

fn assert_conservation(f: &ReplicationFacts, what: &str) {
    for (k, c) in f.queues.iter().enumerate() {
        assert_eq!(c.offered, c.handled + c.abandoned + c.unserved + c.blocked, "{what} cell {k}: {c:?}");
        assert!(c.callbacks_made <= c.callbacks && c.blocked <= c.offered, "{what} cell {k}: {c:?}");
    }
    for q in 0..f.n_queues {
        let t = queue_total(f, q);
        assert_eq!(t.offered, t.handled + t.abandoned + t.unserved + t.blocked, "{what} queue {q}: {t:?}");
    }
}

#[test]
fn callbacks_are_accepted_made_and_timed_and_every_call_is_accounted_for() {
    let base = scenario(OVERLOADED);
    // offer callbacks 08:00–10:00 only
    let cb = with_script(
        base.clone(),
        r#"
fn on_interval(ctx) {
    if ctx.interval == 0 { ctx.offer_callbacks("q", "30s", 0.5); }
    if ctx.interval == 8 { ctx.stop_callbacks("q"); }
}"#,
        None,
    );
    for rep in 0..5 {
        let (b, f) = (facts(&base, rep), facts(&cb, rep));
        assert_conservation(&b, "no policy");
        assert_conservation(&f, "callbacks");
        let t = queue_total(&f, 0);
        assert!(t.callbacks > 0.0 && t.callbacks_made > 0.0 && t.callback_delay_s > 0.0, "{t:?}");
        assert_eq!(queue_total(&b, 0).callbacks, 0.0);
        for i in 8..N_INTERVALS {
            assert_eq!(f.queue(i, 0).callbacks, 0.0, "no offers after stop_callbacks (interval {i})");
        }
        assert_eq!(action_count(&f, "offer_callbacks"), 2.0);
    }
    let r = run(&cb);
    let k = &r.queues[0].kpis;
    assert!(k[kpi("callbacks")].mean > 0.0, "{:?}", k[kpi("callbacks")]);
    let delay = k[kpi("callback_delay_seconds")];
    assert!(delay.mean.is_finite() && delay.mean > 0.0 && delay.ci_low > 0.0, "{delay:?}");
    assert_eq!(r.queues[0].kpis[kpi("blocked")].mean, 0.0);
}

#[test]
fn calls_are_conserved_with_abandonment_and_retrials_without_a_policy() {
    let s = bundled("realistic_day.yaml");
    for rep in 0..3 {
        let f = facts(&s, rep);
        let t = queue_total(&f, 0);
        assert!(t.abandoned > 0.0 && t.retrials > 0.0, "{t:?}");
        assert_conservation(&f, "realistic_day");
    }
}

#[test]
fn raising_a_queues_priority_raises_its_service_level() {
    let yaml = r#"
name: two queues, shared agents
horizon: { start: "08:00", end: "12:00", interval: 15m }
queues:
  - id: qa
    arrivals: { rate_per_hour: 100 }
    handle_time: { dist: exponential, mean: 3m }
    patience: { dist: exponential, mean: 3m }
  - id: qb
    arrivals: { rate_per_hour: 100 }
    handle_time: { dist: exponential, mean: 3m }
    patience: { dist: exponential, mean: 3m }
agents:
  - group: g
    skills: [qa, qb]
    count: 11
simulation: { replications: 40, seed: 21 }
"#;
    let base = scenario(yaml);
    let prio = with_script(
        base.clone(),
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.set_priority("qb", 5); } }"#,
        None,
    );
    let c = compare(&base, None, &[variant("prio", prio)], &|| {}).unwrap();
    let v = &c.variants[0];
    let diff = |q: usize| v.diff_queues.iter().find(|(i, _)| *i == q).expect("paired queue").1[SL];
    let (da, db) = (diff(0), diff(1));
    println!("SL difference qa {da:?}, qb {db:?}");
    assert!(db.mean > 0.0 && significant(&db), "qb first raises its SL: {db:?}");
    assert!(da.mean < 0.0 && significant(&da), "at qa's expense: {da:?}");
}

/// multi_skill.yaml without its static overflow (billing → sales_team after 60 s).
fn multi_skill_without_overflow_text() -> String {
    let text = bundled_text("multi_skill.yaml");
    let line = "    overflow: { after: 60s, groups: [sales_team] }\n";
    assert!(text.contains(line), "multi_skill.yaml changed: update this test");
    text.replace(line, "")
}

#[test]
fn a_scripted_overflow_equals_the_same_overflow_in_the_scenario() {
    let mut with_static = bundled("multi_skill.yaml");
    with_static.simulation.replications = 10;
    let mut none = parse_str(&multi_skill_without_overflow_text(), Path::new("m.yaml")).unwrap();
    none.simulation.replications = 10;
    assert!(none.queues.iter().all(|q| q.overflow.is_none()));
    let scripted = with_script(
        none.clone(),
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.set_overflow("billing", ["sales_team"], 60); } }"#,
        None,
    );
    let billing = with_static.queue_index("billing").unwrap();
    let sales_team = with_static.group_index("sales_team").unwrap();
    for rep in 0..10 {
        let (a, b, n) = (facts(&with_static, rep), facts(&scripted, rep), facts(&none, rep));
        assert_eq!(a.queues, b.queues, "rep {rep}: call facts");
        assert_eq!(a.groups, b.groups, "rep {rep}: agent time");
        assert_eq!(a.busy_by_queue, b.busy_by_queue, "rep {rep}: busy time by queue");
        assert_eq!(action_count(&b, "set_overflow"), 1.0);
        // not vacuous: without overflow the sales team never takes a billing call
        assert_eq!(busy_on(&n, sales_team, billing), 0.0);
        assert!(busy_on(&b, sales_team, billing) > 0.0);
    }
    // the statistics that do not depend on which groups serve a queue are identical
    let (ra, rb) = (run(&with_static), run(&scripted));
    for (qa, qb) in ra.queues.iter().zip(&rb.queues) {
        for name in ["offered", "handled", "abandoned", "service_level", "asa_seconds", "max_wait_seconds"] {
            assert_eq!(qa.kpis[kpi(name)], qb.kpis[kpi(name)], "{} {name}", qa.id);
        }
    }
    assert_eq!(ra.groups, rb.groups);
    assert_eq!(ra.total, rb.total);
}

#[test]

fn a_scripted_overflow_reports_the_same_queue_occupancy_and_cost_as_a_static_one() {
    let mut with_static = bundled("multi_skill.yaml");
    with_static.simulation.replications = 10;
    let mut none = parse_str(&multi_skill_without_overflow_text(), Path::new("m.yaml")).unwrap();
    none.simulation.replications = 10;
    let scripted = with_script(
        none,
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.set_overflow("billing", ["sales_team"], 60); } }"#,
        None,
    );
    let (ra, rb) = (run(&with_static), run(&scripted));
    let cost = kpi("cost");
    let queue_cost = |r: &RunResult| r.queues.iter().map(|q| q.kpis[cost].mean).sum::<f64>();
    println!("static: queues {} total {}", queue_cost(&ra), ra.total[cost].mean);
    println!("scripted: queues {} total {}", queue_cost(&rb), rb.total[cost].mean);
    assert!((queue_cost(&rb) - rb.total[cost].mean).abs() < 1e-6 * rb.total[cost].mean, "queue costs add up");
    assert_eq!(without_policy_counters(rb), ra);
}

#[test]
fn watches_fire_on_queue_at_the_threshold() {
    let base = scenario(OVERLOADED);
    // on_queue checks the threshold is reached, counts its calls in the state and closes the
    // queue at the third
    let script = |watch: &str, check: &str| {
        format!(
            r#"
fn on_interval(ctx) {{
    if ctx.interval == 0 {{ {watch} }}
}}
fn on_queue(ctx, queue) {{
    let q = ctx.queue(queue);
    if !({check}) {{ throw `fired with waiting ${{q.waiting}}, oldest ${{q.oldest_wait}}`; }}
    let n = ctx.state("fired");
    if n == () {{ n = 0; }}
    ctx.set_state("fired", n + 1);
    if n + 1 == 3 {{ ctx.close_queue(queue); }}
}}"#
        )
    };
    let cases = [
        (r#"ctx.watch_waiting("q", 5);"#, "q.waiting == 5", true),
        (r#"ctx.watch_oldest_wait("q", "1m");"#, "q.oldest_wait >= 59.999 && q.oldest_wait < 60.001", true),
        (r#"ctx.watch_waiting("q", 10000);"#, "false", false),
        (r#"ctx.watch_oldest_wait("q", "10h");"#, "false", false),
    ];
    for (watch, check, reachable) in cases {
        let s = with_script(base.clone(), &script(watch, check), None);
        for rep in 0..3 {
            let f = facts(&s, rep);
            let fired = f.policy.hook_calls - N_INTERVALS as f64;
            let t = queue_total(&f, 0);
            assert_eq!(action_count(&f, "watch"), 1.0);
            assert_conservation(&f, watch);
            if reachable {
                assert!(fired >= 3.0, "{watch}: fired {fired} times");
                assert_eq!(action_count(&f, "set_open"), 1.0, "{watch}: closed once, at the third firing");
                assert!(t.blocked > 0.0, "{watch}: {t:?}");
                if watch.contains("watch_waiting") {
                    // a closed queue gets no new calls: its waiting count cannot reach 5 again
                    assert_eq!(fired, 3.0, "{watch}");
                }
            } else {
                assert_eq!(fired, 0.0, "{watch}");
                assert_eq!((action_count(&f, "set_open"), t.blocked), (0.0, 0.0), "{watch}");
            }
        }
    }
}

// ---- 2. built-ins equal their scripted twins -----------------------------------------------

fn with_builtin(text: &str, policy: &str, reps: u32) -> Scenario {
    let mut s =
        parse_str(&format!("{text}\npolicy: {policy}\n"), Path::new("b.yaml")).unwrap_or_else(|e| panic!("{e}"));
    s.simulation.replications = reps;
    s
}

#[test]
fn builtin_overflow_equals_its_scripted_twin() {
    let path = policy_script("overflow.rhai");
    let text = std::fs::read_to_string(&path).unwrap();
    let args = call_args(&text, "set_overflow");
    let policy =
        format!("{{ builtin: [ {{ overflow: {{ queue: {}, groups: {}, after: {} }} }} ] }}", args[0], args[1], args[2]);
    // the static overflow is removed: otherwise the policy would set what is already there
    let plain_text = multi_skill_without_overflow_text();
    let builtin = with_builtin(&plain_text, &policy, 30);
    let mut plain = builtin.clone();
    plain.policy = None;
    let scripted = with_script_file(plain.clone(), &path, None);
    let (rb, rs, rn) = (run(&builtin), run(&scripted), run(&plain));
    assert_eq!(rb, rs);
    let billing = plain.queue_index("billing").unwrap();
    assert_ne!(rb.queues[billing].kpis[SL], rn.queues[billing].kpis[SL], "the overflow changes billing's SL");
    let p = rb.policy.as_ref().unwrap();
    assert_eq!(p.counter("actions.set_overflow").unwrap().mean, 1.0);
}

#[test]
fn builtin_break_postponement_equals_its_scripted_twin() {
    let path = policy_script("break_postponement.rhai");
    let text = std::fs::read_to_string(&path).unwrap();
    let (queue, group, hold) = (rhai_const(&text, "QUEUE"), rhai_const(&text, "GROUP"), rhai_const(&text, "HOLD"));
    let policy = format!(
        "{{ tick: 5m, builtin: [ {{ break_postponement: {{ queue: {queue}, group: {group}, hold: {hold} }} }} ] }}"
    );
    let builtin = with_builtin(&bundled_text("realistic_day.yaml"), &policy, 40);
    let mut plain = builtin.clone();
    plain.policy = None;
    let scripted = with_script_file(plain.clone(), &path, Some(300.0));
    let (rb, rs, rn) = (run(&builtin), run(&scripted), run(&plain));
    assert_eq!(rb, rs);
    assert_ne!(rb.total[SL], rn.total[SL], "holding breaks changes the service level");
    let p = rb.policy.as_ref().unwrap();
    let breaks = p.counter("breaks_postponed").unwrap();
    assert!(breaks.ci_low > 0.0, "{breaks:?}");
}

#[test]
fn builtin_callback_equals_its_scripted_twin() {
    let path = policy_script("callback.rhai");
    let text = std::fs::read_to_string(&path).unwrap();
    let args = call_args(&text, "offer_callbacks");
    let policy = format!(
        "{{ builtin: [ {{ callback: {{ queue: {}, max_wait: {}, acceptance: {} }} }} ] }}",
        args[0], args[1], args[2]
    );
    let builtin = with_builtin(&bundled_text("realistic_day.yaml"), &policy, 40);
    let mut plain = builtin.clone();
    plain.policy = None;
    let scripted = with_script_file(plain.clone(), &path, None);
    let (rb, rs, rn) = (run(&builtin), run(&scripted), run(&plain));
    assert_eq!(rb, rs);
    let cb = rb.total[kpi("callbacks")];
    assert!(cb.ci_low > 0.0, "callers accept callbacks: {cb:?}");
    assert_eq!(rn.total[kpi("callbacks")].mean, 0.0);
    assert_ne!(rb.total[SL], rn.total[SL]);
}

#[test]
fn builtin_and_scripted_twin_give_identical_json_from_the_cli() {
    let script = policy_script("break_postponement.rhai");
    let text = std::fs::read_to_string(&script).unwrap();
    let (queue, group, hold) = (rhai_const(&text, "QUEUE"), rhai_const(&text, "GROUP"), rhai_const(&text, "HOLD"));
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("day.yaml");
    std::fs::write(
        &yaml,
        format!(
            "{}\npolicy: {{ tick: 5m, builtin: [ {{ break_postponement: {{ queue: {queue}, group: {group}, hold: {hold} }} }} ] }}\n",
            bundled_text("realistic_day.yaml")
        ),
    )
    .unwrap();
    let json = |args: &[&str]| -> Value {
        let out = ccsim().args(args).args(["--format", "json", "-n", "20", "-q"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let builtin = json(&["run", yaml.to_str().unwrap()]);
    let scripted = json(&["run", "scenarios/realistic_day.yaml", "--policy", script.to_str().unwrap(), "--tick", "5m"]);
    let plain = json(&["run", "scenarios/realistic_day.yaml"]);
    assert_eq!(builtin, scripted);
    assert_ne!(builtin["total"], plain["total"], "the policy changed something");
    assert!(plain.get("policy").is_none());
}

// ---- 3. scripted routing -------------------------------------------------------------------

#[test]
fn scripted_routing_mirroring_the_builtin_rules_changes_nothing() {
    let mut plain = bundled("realistic_day.yaml");
    plain.simulation.replications = 10;
    let routed = with_script(
        plain.clone(),
        r#"
fn select_agent(ctx, c) { "agents" }
fn select_call(ctx, agent) { "support" }
"#,
        None,
    );
    let (rr, rp) = (run(&routed), run(&plain));
    let calls = rr.policy.as_ref().unwrap().values["hook_calls"];
    assert!(calls.mean > 5000.0, "routing hooks were called: {calls:?}");
    assert_eq!(without_policy_counters(rr), rp);
    // indices work as well as ids
    let by_index = with_script(plain.clone(), "fn select_agent(ctx, c) { 0 }\nfn select_call(ctx, a) { 0 }", None);
    assert_eq!(without_policy_counters(run(&by_index)), rp);
}

#[test]
fn routing_to_an_unknown_id_or_a_group_without_the_skill_fails_clearly() {
    let plain = bundled("realistic_day.yaml");
    let unknown = with_script(plain.clone(), r#"fn select_agent(ctx, c) { "nobody" }"#, None);
    let e = simulate(&unknown).expect_err("unknown group").to_string();
    assert!(e.contains("select_agent") && e.contains("unknown id `nobody`") && e.contains("agents"), "{e}");
    assert!(e.contains("x.rhai"), "{e}");
    let unknown = with_script(plain.clone(), r#"fn select_call(ctx, a) { "billing" }"#, None);
    let e = simulate(&unknown).expect_err("unknown queue").to_string();
    assert!(e.contains("select_call") && e.contains("unknown id `billing`") && e.contains("support"), "{e}");
    let e = try_facts(&with_script(plain, "fn select_agent(ctx, c) { 7 }", None), 0).expect_err("index out of range");
    assert!(e.to_string().contains("index 7"), "{e}");

    let s = scenario(TWO_GROUPS);
    let wrong = with_script(s, r#"fn select_agent(ctx, c) { "A" }"#, None);
    let e = simulate(&wrong).expect_err("A lacks q2").to_string();
    assert!(e.contains("select_agent") && e.contains("lacks the skill") && e.contains("08:"), "{e}");
}

#[test]

fn engine_side_policy_errors_name_groups_by_id() {
    let wrong = with_script(scenario(TWO_GROUPS), r#"fn select_agent(ctx, c) { "A" }"#, None);
    let e = simulate(&wrong).expect_err("A lacks q2").to_string();
    assert!(e.contains("`A`") && e.contains("q2"), "{e}");
    let count = with_script(
        small(0.0, "constant, mean: 5m", "count: 3"),
        r#"fn on_interval(ctx) { ctx.extend_shifts("g", 1, "30m"); }"#,
        None,
    );
    let e = simulate(&count).expect_err("no shifts").to_string();
    assert!(e.contains("`g`"), "{e}");
}

// ---- 4. the command line -------------------------------------------------------------------

#[test]
fn the_supervisor_raises_the_service_level_significantly() {
    let out = ccsim()
        .args(["compare", "scenarios/multi_skill.yaml", "--policy", "scripts/policies/supervisor.rhai"])
        .args(["--tick", "5m", "--format", "json", "-n", "100", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["variants"][0]["name"], "policy:supervisor");
    let d = &v["variants"][0]["diff"]["total"]["service_level"];
    println!("supervisor: SL difference {d}");
    assert!(d["mean"].as_f64().unwrap() > 0.0, "{d}");
    assert!(d["ci_low"].as_f64().unwrap() > 0.0 && d["significant"] == true, "{d}");
    assert!(v["baseline"].get("policy").is_none());
    let p = &v["variants"][0]["result"]["policy"];
    assert!(p["actions.set_skill"]["mean"].as_f64().unwrap() > 0.0, "{p}");

    let out = ccsim()
        .args(["run", "scenarios/multi_skill.yaml", "--policy", "scripts/policies/supervisor.rhai"])
        .args(["--tick", "5m", "--format", "json", "-n", "20", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &v["policy"];
    // 16 intervals + 96 ticks per day, plus on_queue firings
    assert!(p["hook_calls"]["mean"].as_f64().unwrap() >= 112.0, "{p}");
    assert!(p["breaks_postponed"]["mean"].as_f64().unwrap() > 0.0, "{p}");
}

/// `compare` pairs the policy KPIs (blocked, callbacks, callback delay) too.
#[test]
fn compare_reports_differences_of_the_policy_kpis() {
    let mut base = bundled("realistic_day.yaml");
    base.simulation.replications = 20;
    let cb = with_script_file(base.clone(), &policy_script("callback.rhai"), None);
    let c = compare(&base, None, &[variant("callback", cb)], &|| {}).unwrap();
    let d = c.variants[0].diff_total[kpi("callbacks")];
    assert!(d.mean > 0.0 && significant(&d), "{d:?}");
}

// ---- 5. the sandbox ------------------------------------------------------------------------

#[test]
fn a_runaway_policy_is_stopped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("spin_tick.rhai", "// spins\nfn on_tick(ctx) {\n    loop {}\n}\n", "on_tick", "08:05"),
        ("spin_interval.rhai", "fn on_interval(ctx) {\n    while ctx.interval >= 0 { }\n}\n", "on_interval", "08:00"),
    ];
    for (name, text, hook, clock) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        let start = Instant::now();
        let out = ccsim()
            .args(["run", "scenarios/realistic_day.yaml", "--tick", "5m", "-q", "--policy"])
            .arg(&f)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let took = start.elapsed();
        let err = String::from_utf8_lossy(&out.stderr);
        println!("{name}: stopped after {took:?}: {err}");
        assert!(!out.status.success(), "{name}: {err}");
        // 200 replications, but those after the first failure are skipped: well under the
        // ~0.1 s × 200 that running each into the operation limit would take
        assert!(took < Duration::from_secs(5), "{name} took {took:?}");
        assert!(
            err.contains(name) && err.contains(hook) && err.contains(clock) && err.contains("ran too long"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}

// ---- 6. errors -----------------------------------------------------------------------------

const UNKNOWN_GROUP_AT_0845: &str = r#"fn on_interval(ctx) {
    if ctx.interval == 3 {
        ctx.move_agents("agents", "nobody", 1);
    }
}
"#;

#[test]
fn a_script_error_names_script_line_hook_and_simulated_time() {
    let mut s = bundled("realistic_day.yaml");
    s.simulation.replications = 4;
    let e = simulate(&with_script(s, UNKNOWN_GROUP_AT_0845, None)).expect_err("unknown group");
    assert_eq!((e.hook, e.day), ("on_interval", 0));
    let msg = e.to_string();
    assert!(msg.contains("x.rhai:3:") && msg.contains("unknown group `nobody`") && msg.contains("agents"), "{msg}");
    assert!(msg.contains("on_interval") && msg.contains("08:45"), "{msg}");

    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad_group.rhai");
    std::fs::write(&f, UNKNOWN_GROUP_AT_0845).unwrap();
    let out =
        ccsim().args(["run", "scenarios/realistic_day.yaml", "-n", "4", "-q", "--policy"]).arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && out.stdout.is_empty(), "{err}");
    for part in ["bad_group.rhai:3:", "on_interval", "08:45", "unknown group `nobody`"] {
        assert!(err.contains(part), "missing {part:?} in {err}");
    }
}

#[test]
fn badly_shaped_scripts_are_rejected_before_simulating() {
    let s = bundled("realistic_day.yaml");
    let e = compile_error(&s, "fn on_tick(ctx, extra) { }", Some(300.0));
    assert!(e.contains("x.rhai") && e.contains("`on_tick` must take 1 parameter"), "{e}");
    let e = compile_error(&s, "fn select_call(ctx) { 0 }", None);
    assert!(e.contains("`select_call` must take 2 parameter"), "{e}");
    let e = compile_error(&s, "fn helper(x) { x }\nlet y = 1;", None);
    assert!(e.contains("defines none of the hooks"), "{e}");
    let e = compile_error(&s, "fn on_tick(ctx) { }", None);
    assert!(e.contains("on_tick") && e.contains("no tick"), "{e}");
    let e = compile_error(&s, "fn on_interval(ctx) { }\nlet x = ;", None);
    assert!(e.contains("x.rhai:2:"), "{e}");
    // the top level runs once when loading: its errors show before any simulation
    let e = compile_error(&s, "fn on_interval(ctx) { }\nthrow \"top\";", None);
    assert!(e.contains("x.rhai:2:") && e.contains("top"), "{e}");

    // from the CLI: on_tick without --tick
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ticks.rhai");
    std::fs::write(&f, "fn on_tick(ctx) { }").unwrap();
    let out = ccsim().args(["run", "scenarios/realistic_day.yaml", "-q", "--policy"]).arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("ticks.rhai") && err.contains("tick"), "{err}");
}

#[test]
fn a_bad_policy_section_reports_every_problem_at_once() {
    let text = bundled_text("realistic_day.yaml").replace("target: 0.80", "target: 1.5");
    let yaml = format!(
        "{text}\npolicy:\n  builtin:\n    - overflow: {{ queue: sales, groups: [agents, nobody], after: 1m }}\n    - break_postponement: {{ queue: support, group: agents, hold: 10m }}\n    - callback: {{ queue: support, max_wait: 1m, acceptance: 2 }}\n"
    );
    let e = parse_str(&yaml, Path::new("bad.yaml")).expect_err("invalid policy").to_string();
    println!("{e}");
    for part in [
        "policy.builtin[0].overflow.queue",
        "unknown queue `sales`",
        "policy.builtin[0].overflow.groups[1]",
        "unknown group `nobody`",
        "policy.builtin[2].callback.acceptance",
        "policy.tick",
        "policy.builtin[1]",
        "service_level.target",
    ] {
        assert!(e.contains(part), "missing {part:?} in:\n{e}");
    }
    let e =
        parse_str(&format!("{}\npolicy: {{ tick: 5m }}\n", bundled_text("realistic_day.yaml")), Path::new("b.yaml"))
            .expect_err("an empty policy")
            .to_string();
    assert!(e.contains("policy") && e.contains("expected a `script`"), "{e}");
}

#[test]

fn a_typo_in_the_policy_section_is_named_where_it_is() {
    let text = bundled_text("realistic_day.yaml");
    let line = text.lines().count() + 2;
    for (policy, word) in [
        ("{ tick: 5m, builtin: [ { rollover: { queue: support } } ] }", "rollover"),
        ("{ tik: 5m, script: p.rhai }", "tik"),
    ] {
        let e = parse_str(&format!("{text}\npolicy: {policy}\n"), Path::new("b.yaml")).expect_err("a typo").to_string();
        assert!(e.contains(word) && e.contains(&format!("b.yaml:{line}:")), "{e}");
    }
}

// ---- 7. determinism and isolation ----------------------------------------------------------

#[test]
fn a_policy_run_is_identical_for_any_thread_count() {
    let mut s = bundled("multi_skill.yaml");
    s.simulation.replications = 40;
    // the supervisor plus random decisions from the policy's own stream
    let text = std::fs::read_to_string(policy_script("supervisor.rhai")).unwrap().replace(
        "fn on_tick(ctx) {",
        "fn on_tick(ctx) {\n    if ctx.random() < 0.1 { ctx.postpone_breaks(\"support_team\", \"5m\"); }",
    );
    let s = with_script(s, &text, Some(300.0));
    let pool = |n: usize| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
    let one = pool(1).install(|| run(&s));
    let two = pool(2).install(|| run(&s));
    assert_eq!(one, two);
    assert!(one.policy.as_ref().unwrap().values["actions"].mean > 0.0, "the policy acted");
    // the same for every replication's facts
    assert_eq!(facts(&s, 7), facts(&s, 7));
}

#[test]
fn no_state_leaks_between_replications() {
    let yaml = SMALL
        .replace("RATE", "60")
        .replace("HANDLE", "exponential, mean: 3m")
        .replace("STAFF", "count: 4")
        .replace("interval: 15m }", "interval: 15m, days: 2 }")
        .replace("replications: 3", "replications: 200");
    let s = with_script(
        scenario(&yaml),
        r#"
fn on_interval(ctx) {
    let calls = ctx.state("calls");
    if ctx.interval == 0 && ctx.day == 0 && calls != () { throw `leak: ${calls} calls`; }
    // the state does live on for the whole replication (so the check above can fail)
    if ctx.interval == 0 && ctx.day == 1 && calls == () { throw "no calls counted on day 1"; }
}
fn select_agent(ctx, c) {
    let n = ctx.state("calls");
    ctx.set_state("calls", if n == () { 1 } else { n + 1 });
    "g"
}
"#,
        None,
    );
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let r = pool.install(|| simulate(&s));
    let r = r.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.replications, 200);
    assert!(r.total[kpi("handled")].mean > 100.0);
}

/// `sweep --policy` runs the policy at every point, and a grid name that is not a scenario path
/// reaches the script as a constant: a lower help threshold makes the supervisor act more often
/// and serve support better.
#[test]
fn a_sweep_varies_a_policy_parameter() {
    let out = ccsim()
        .args(["sweep", "scenarios/multi_skill.yaml", "--policy", "scripts/policies/supervisor.rhai", "--tick", "5m"])
        .args(["--vary", "help_at=5,60", "-n", "40", "-q", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    let at = |i: usize, path: &[&str]| {
        let mut x = &points[i]["result"];
        for p in path {
            x = &x[*p];
        }
        (x["mean"].as_f64().unwrap(), x["ci_low"].as_f64().unwrap(), x["ci_high"].as_f64().unwrap())
    };
    assert_eq!(points[0]["params"]["help_at"], 5);
    // the watch fires earlier and more often at 5 s: more skill switches, CIs apart
    let (lo_mean, lo_low, _) = at(0, &["policy", "actions.set_skill"]);
    let (hi_mean, _, hi_high) = at(1, &["policy", "actions.set_skill"]);
    assert!(lo_low > hi_high, "set_skill at 5 s {lo_mean} vs at 60 s {hi_mean}");
    // and support is served sooner
    let (asa_lo, _, asa_lo_high) = at(0, &["queues", "support", "asa_seconds"]);
    let (asa_hi, asa_hi_low, _) = at(1, &["queues", "support", "asa_seconds"]);
    assert!(asa_lo_high < asa_hi_low, "support ASA {asa_lo} at 5 s vs {asa_hi} at 60 s");
}

/// Two idle groups, 08:00–09:00 in four 15-minute intervals: a curve group `C` and a count
/// group `K`, both with the skill for a queue without calls.
fn curve_and_count(curve: &str, count: u32) -> Scenario {
    scenario(&format!(
        r#"
name: curve and count
horizon: {{ start: "08:00", end: "09:00", interval: 15m }}
queues:
  - id: q
    arrivals: {{ rate_per_hour: 0 }}
    handle_time: {{ dist: constant, mean: 5m }}
agents:
  - group: C
    skills: [q]
    staffing: {curve}
  - group: K
    skills: [q]
    count: {count}
simulation: {{ replications: 1, seed: 3 }}
"#
    ))
}

/// Agents moved into a curve group stay there (the curve does not send them home), and agents
/// moved out of one leave it short of its plan for the rest of the day (no backfill).
#[test]
fn moves_change_a_curve_groups_staffing_relative_to_its_plan() {
    let q = 900.0;
    // into the curve group: C plans 2 all along, K's 3 agents give it 2 at 08:00
    let into = with_script(
        curve_and_count("[2, 2, 2, 2]", 3),
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.move_agents("K", "C", 2); } }"#,
        None,
    );
    let f = facts(&into, 0);
    assert_eq!(paid_by_interval(&f, 0), vec![4.0 * q; 4], "C keeps its 2 guests");
    assert_eq!(paid_by_interval(&f, 1), vec![1.0 * q; 4]);
    // out of the curve group: C plans 2, 4, 4, 2 and lends 2 to K at 08:00
    let out = with_script(
        curve_and_count("[2, 4, 4, 2]", 1),
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.move_agents("C", "K", 2); } }"#,
        None,
    );
    let f = facts(&out, 0);
    assert_eq!(paid_by_interval(&f, 0), vec![0.0, 2.0 * q, 2.0 * q, 0.0], "C is its plan less the 2 lent");
    assert_eq!(paid_by_interval(&f, 1), vec![3.0 * q; 4]);
    assert_eq!(f.policy.agents_moved, 2.0);
    // moved back at 08:30: C is whole again
    let back = with_script(
        curve_and_count("[2, 4, 4, 2]", 1),
        r#"fn on_interval(ctx) {
            if ctx.interval == 0 { ctx.move_agents("C", "K", 2); }
            if ctx.interval == 2 { ctx.move_agents("K", "C", 2); }
        }"#,
        None,
    );
    let f = facts(&back, 0);
    assert_eq!(paid_by_interval(&f, 0), vec![0.0, 2.0 * q, 4.0 * q, 2.0 * q]);
    assert_eq!(paid_by_interval(&f, 1), vec![3.0 * q, 3.0 * q, 1.0 * q, 1.0 * q]);
}

/// An agent sent home from a curve group is not replaced: the group stays one short of its plan.
#[test]
fn an_agent_sent_home_from_a_curve_group_is_not_replaced() {
    let q = 900.0;
    let s = with_script(
        curve_and_count("[3, 3, 4, 4]", 1),
        r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.send_home("C", 1); } }"#,
        None,
    );
    let f = facts(&s, 0);
    assert_eq!(paid_by_interval(&f, 0), vec![2.0 * q, 2.0 * q, 3.0 * q, 3.0 * q]);
    assert_eq!(f.policy.sent_home, 1.0);
}

/// The day-so-far view is complete in every hook, not only in `on_interval`: an `on_tick`-only
/// script sees today's offered calls grow beyond the current interval's.
#[test]
fn the_day_so_far_is_seen_by_tick_only_policies() {
    let s = with_script(
        bundled("realistic_day.yaml"),
        r#"fn on_tick(ctx) {
            let q = ctx.queue("support");
            if ctx.interval > 0 && q.offered_day <= q.offered_interval { throw "day view missing"; }
            if q.offered_day < q.offered_interval { throw "day below interval"; }
        }"#,
        Some(600.0),
    );
    let f = facts(&s, 0);
    assert!(f.policy.hook_calls > 60.0, "{}", f.policy.hook_calls);
}

/// `run --set name=value` reaches the policy script as a constant, and so does a global `--set`
/// for a `compare --policy` variant (whose name shows it).
#[test]
fn set_parameters_reach_policy_scripts() {
    let set_skill = |help_at: &str| {
        let out = ccsim()
            .args(["run", "scenarios/multi_skill.yaml", "--policy", "scripts/policies/supervisor.rhai", "--tick", "5m"])
            .args(["--set", &format!("help_at={help_at}"), "-n", "20", "-q", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["policy"]["actions.set_skill"]["mean"].as_f64().unwrap()
    };
    assert!(set_skill("5") > set_skill("60") + 20.0);
    let out = ccsim()
        .args(["compare", "scenarios/multi_skill.yaml", "--set", "help_at=5", "--policy"])
        .args(["scripts/policies/supervisor.rhai", "--tick", "5m", "-n", "5", "-q", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["variants"][0]["name"], "policy:supervisor[help_at=5]");
}

/// A script that never names a day-so-far property does not make the engine sum the day; one
/// that names one does, and sees it exactly (see `the_day_so_far_is_seen_by_tick_only_policies`).
/// Only literal names reach a getter: a function pointer cannot call one.
#[test]
fn day_so_far_counts_are_summed_only_for_scripts_that_read_them() {
    let base = bundled("realistic_day.yaml");
    let reads = |text: &str| {
        let s = with_script(base.clone(), text, None);
        let m = model(&s);
        m.policy.as_ref().expect("bound").start(0).reads_day()
    };
    assert!(!reads("fn on_interval(ctx) { let q = ctx.queue(\"support\"); q.sl_interval; }"));
    assert!(reads("fn on_interval(ctx) { let q = ctx.queue(\"support\"); q.sl_day; }"));
    let computed = with_script(
        base,
        r#"fn on_interval(ctx) {
            if ctx.interval == 3 { let f = Fn("get$offered_" + "d" + "ay"); f.call(ctx.queue("support")); }
        }"#,
        None,
    );
    let e = try_facts(&computed, 0).expect_err("no getter by a computed name").to_string();
    assert!(e.contains("Function not found"), "{e}");
}

/// The sandbox's operation budget is per hook call, not per day: routing hooks of a few hundred
/// operations each on a day of 10,000 calls (millions of operations in all) run to the end.
#[test]
fn the_operation_budget_restarts_at_every_hook_call() {
    let s = with_script(
        bundled("realistic_day.yaml"),
        r#"fn select_agent(ctx, c) { let x = 0; for i in 0..150 { x += i; } "agents" }"#,
        None,
    );
    let f = facts(&s, 0);
    assert!(f.policy.hook_calls > 5_000.0, "{}", f.policy.hook_calls);
}

/// The engine honours [`Policy::reads_day`]: a policy that reads the day sees today's offered
/// calls so far at every tick; one that does not gets zeros, while the current interval's counts
/// it sees are the same.
#[test]
fn the_engine_sums_the_day_only_for_policies_that_read_it() {
    use ccsim::policy::{Action, HookResult, Hooks, Policy, Snapshot};
    struct Probe {
        reads: bool,
        seen: Vec<(f64, f64)>,
    }
    impl Policy for Probe {
        fn hooks(&self) -> Hooks {
            Hooks { tick: true, ..Hooks::default() }
        }
        fn reads_day(&self) -> bool {
            self.reads
        }
        fn on_tick(&mut self, s: &Snapshot, _: &mut Vec<Action>) -> HookResult<()> {
            self.seen.push((s.queues[0].day.offered, s.queues[0].interval.offered));
            Ok(())
        }
    }
    let s = bundled("realistic_day.yaml");
    let m = model(&s);
    let run = |reads: bool| {
        let mut ws = ccsim::sim::Workspace::new(&m);
        let mut f = ReplicationFacts::new(m.total_intervals(), m.queues.len(), m.groups.len());
        let mut p = Probe { reads, seen: Vec::new() };
        ccsim::sim::run_with(&m, 0, &mut ws, &mut f, &mut p, Some(600.0)).expect("runs");
        p.seen
    };
    let (with, without) = (run(true), run(false));
    assert_eq!(with.len(), without.len());
    // at 10:00 (the 13th tick) the day has seen far more calls than the interval
    assert!(with[12].0 > with[12].1 + 1000.0 && with[12].1 > 0.0, "{:?}", with[12]);
    assert!(with.iter().all(|&(day, interval)| day >= interval));
    assert!(without.iter().all(|&(day, _)| day == 0.0));
    assert_eq!(with.iter().map(|x| x.1).collect::<Vec<_>>(), without.iter().map(|x| x.1).collect::<Vec<_>>());
}

// ---- the native fast path -------------------------------------------------------------------

/// `s` with the bundled policy `script`; `fast: false` runs every hook in Rhai.
fn with_bundled_policy(
    mut s: Scenario,
    script: &str,
    tick_s: Option<f64>,
    fast: bool,
) -> (Scripted, Vec<&'static str>) {
    let mut p = PolicyScript::load(&policy_script(script), vec![]).unwrap_or_else(|e| panic!("{e}"));
    p.set_fast_path(fast);
    let native = p.bind_to(&s, tick_s).unwrap_or_else(|e| panic!("{e}")).fast_hooks();
    s.policy = Some(ccsim::scenario::PolicyConfig { script: Some(policy_script(script)), tick_s, builtins: vec![] });
    (Scripted { scenario: s, script: Some(p) }, native)
}

#[test]
fn bundled_policies_run_natively_where_they_can_and_give_the_same_days_as_in_rhai() {
    let cases: [(&str, &str, Option<f64>, &[&str]); 4] = [
        ("realistic_day.yaml", "break_postponement.rhai", Some(300.0), &["on_tick"]),
        ("realistic_day.yaml", "callback.rhai", None, &["on_interval"]),
        // on_tick loops over ctx.queues: it stays in Rhai, the other two hooks run natively
        ("multi_skill.yaml", "supervisor.rhai", Some(300.0), &["on_interval", "on_queue"]),
        // an array argument is outside the subset
        ("multi_skill.yaml", "overflow.rhai", None, &[]),
    ];
    for (scenario, script, tick_s, expected) in cases {
        let mut base = bundled(scenario);
        base.simulation.replications = 12;
        let (fast, native) = with_bundled_policy(base.clone(), script, tick_s, true);
        assert_eq!(native, expected, "{script}");
        let (slow, none) = with_bundled_policy(base.clone(), script, tick_s, false);
        assert!(none.is_empty());
        let (rf, rs) = (run(&fast), run(&slow));
        assert_eq!(rf, rs, "{script}: the fast path changed the results");
        let mut plain = base;
        plain.policy = None;
        if !expected.is_empty() {
            assert_ne!(without_policy_counters(rf), run(&plain), "{script} acts on the day");
        }
    }
}

#[test]
fn a_native_hook_that_fails_reports_the_rhai_error_with_its_line() {
    // the bodies are inside the subset; the fast path meets the error (an unknown group, a
    // division by zero) and hands the call to Rhai, which reports it as always
    let mut s = bundled("realistic_day.yaml");
    s.simulation.replications = 2;
    for (body, message) in [
        ("let n = ctx.interval;\n    ctx.postpone_breaks(\"nobody\", 60);", "unknown group `nobody`"),
        ("let n = ctx.interval;\n    let x = 10 / (n - n);", "Division by zero"),
    ] {
        let text = format!("fn on_interval(ctx) {{\n    {body}\n}}");
        let p = PolicyScript::compile(&text, Path::new("x.rhai"), vec![]).and_then(|p| p.bind_to(&s, None)).unwrap();
        assert_eq!(p.fast_hooks(), ["on_interval"]);
        let err = simulate(&with_script(s.clone(), &text, None)).expect_err("fails").to_string();
        assert!(err.contains(message) && err.contains("x.rhai:3:") && err.contains("on_interval"), "{err}");
        assert!(err.contains("08:00"), "{err}");
    }
}

#[test]
fn validate_tells_which_hooks_run_natively_and_why_the_others_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("s.yaml");
    let script = policy_script("supervisor.rhai");
    let text = bundled_text("multi_skill.yaml")
        .replace("\nsimulation:", &format!("\npolicy: {{ script: {}, tick: 5m }}\nsimulation:", script.display()));
    std::fs::write(&yaml, text).unwrap();
    let out = ccsim().arg("validate").arg(&yaml).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let for_line = std::fs::read_to_string(&script).unwrap().lines().position(|l| l.contains("for id in")).unwrap() + 1;
    for line in [
        "policy hook on_interval: native".to_string(),
        format!("policy hook on_tick: in Rhai (line {for_line} is outside the native subset)"),
        "policy hook on_queue: native".to_string(),
    ] {
        assert!(stdout.contains(&line), "missing {line:?} in {stdout}");
    }
}

// ---- times entering the engine from a policy are checked where they enter --------------------

/// A script action given a NaN, infinite or negative duration fails with an error naming the
/// action and the hook, before any event is scheduled by it (never a panic or a misplaced event).
#[test]
fn a_script_action_with_a_nan_or_negative_duration_is_an_error_naming_the_action() {
    let staff = r#"shifts: [{ start: "08:00", end: "10:00", count: 2 }]"#;
    let base = small(0.0, "constant, mean: 5m", staff);
    for (call, action, why) in [
        ("ctx.extend_shifts(\"g\", 1, 0.0 / 0.0)", "extend_shifts", "got NaN"),
        ("ctx.extend_shifts(\"g\", 1, -60.0)", "extend_shifts", "must not be negative"),
        ("ctx.postpone_breaks(\"g\", 1.0 / 0.0)", "postpone_breaks", "got inf"),
        ("ctx.cancel_breaks(\"g\", -1)", "cancel_breaks", "must not be negative"),
        ("ctx.set_overflow(\"q\", [\"g\"], 0.0 / 0.0)", "set_overflow", "got NaN"),
        ("ctx.watch_oldest_wait(\"q\", -5.0)", "watch_oldest_wait", "must not be negative"),
        ("ctx.offer_callbacks(\"q\", 0.0 / 0.0, 0.5)", "offer_callbacks", "got NaN"),
    ] {
        let s = with_script(base.clone(), &format!("fn on_interval(ctx) {{ {call}; }}"), None);
        let e = simulate(&s).expect_err(call);
        assert_eq!(e.hook, "on_interval", "{call}");
        let msg = e.to_string();
        assert!(msg.contains(&format!("{action}: ")) && msg.contains(why), "{call}: {msg}");
    }
}
