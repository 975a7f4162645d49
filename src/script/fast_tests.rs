//! The native fast path against Rhai: random hook bodies inside the subset, random live
//! states; whenever the fast path decides a call, Rhai decides it the same way (same actions,
//! no error), and the hook as the engine calls it (fast path, else Rhai) behaves exactly like
//! the Rhai-only hook, errors included.

use super::*;
use crate::facts::QueueFacts;
use crate::policy::{GroupLive, QueueLive};
use crate::scenario::parse_str;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::cell::Cell;

const SCENARIO: &str = r#"
name: two queues
horizon: { start: "08:00", end: "10:00", interval: 30m }
queues:
  - { id: support, arrivals: { rate_per_hour: 60 }, handle_time: { dist: exponential, mean: 3m }, service_level: { answered_within: 20s, target: 0.8 } }
  - { id: sales, arrivals: { rate_per_hour: 30 }, handle_time: { dist: exponential, mean: 4m }, service_level: { answered_within: 30s, target: 0.9 } }
agents:
  - { group: agents, skills: [support], shifts: [{ start: "08:00", end: "10:00", count: 3 }] }
  - { group: team, skills: [sales, support], shifts: [{ start: "08:00", end: "10:00", count: 2 }] }
"#;

const HEAD: &str = "const K = 4; const F = 0.25; const S = \"support\"; const D = \"5m\";\n";

/// Values of any kind (the variables may hold anything, so type errors still arise at run time);
/// mostly numbers, so that most calls run to their end, sometimes what makes a call fail.
fn leaf() -> impl Strategy<Value = String> {
    let numbers = select(vec![
        "0",
        "1",
        "2",
        "-3",
        "7",
        "0.0",
        "0.5",
        "-2.25",
        "K",
        "F",
        "a",
        "b",
        "ctx.now",
        "ctx.day",
        "ctx.interval",
        "ctx.interval_seconds",
        "ctx.queue(\"support\").waiting",
        "ctx.queue(\"sales\").sl_interval",
        "ctx.queue(S).oldest_wait",
        "ctx.queue(\"support\").asa_interval",
        "ctx.queue(\"sales\").sl_target",
        "ctx.queue(\"support\").abandon_rate_day",
        "ctx.queue(\"sales\").callbacks_pending",
        "ctx.group(\"agents\").idle",
        "ctx.group(\"team\").on_break",
        "ctx.forecast(\"support\", 1)",
        "ctx.forecast(\"sales\", -1)",
        "q.waiting",
        "q.sl_interval",
    ]);
    let others = select(vec![
        "9223372036854775807",
        "1e300",
        "()",
        "S",
        "D",
        "c",
        "ctx.queue(\"support\").id",
        "ctx.group(\"team\").id",
        "\"support\"",
        "\"90s\"",
        "ctx.queue(\"nowhere\").waiting",
        "q",
        "ctx.forecast(\"support\", 1.0)",
    ]);
    prop_oneof![30 => numbers, 1 => others].prop_map(String::from)
}

/// Conditions: what Rhai's parser accepts after `if`, `!`, `&&` and `||`.
fn cond() -> impl Strategy<Value = String> {
    let leaf = select(vec!["true", "false", "c", "ctx.queue(\"support\").open", "q.open"]).prop_map(String::from);
    let cmp = select(vec!["==", "!=", "<", "<=", ">", ">="]);
    let base = prop_oneof![2 => leaf, 3 => (expr(), cmp, expr()).prop_map(|(a, op, b)| format!("({a} {op} {b})"))];
    base.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), select(vec!["&&", "||"]), inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.prop_map(|a| format!("!({a})")),
        ]
    })
}

/// Arithmetic over any values.
fn expr() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 16, 2, |inner| {
        let ops = select(vec!["+", "-", "*", "/", "%"]);
        prop_oneof![
            4 => (inner.clone(), ops, inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            1 => inner.prop_map(|a| format!("-({a})")),
        ]
    })
}

fn stmt() -> impl Strategy<Value = String> {
    let var = || select(vec!["a", "b", "c"]);
    let simple = prop_oneof![
        (var(), expr()).prop_map(|(v, e)| format!("{v} = {e};")),
        (var(), cond()).prop_map(|(v, e)| format!("{v} = {e};")),
        (var(), select(vec!["+=", "-=", "*=", "/=", "%="]), expr()).prop_map(|(v, op, e)| format!("{v} {op} {e};")),
        (var(), expr()).prop_map(|(v, e)| format!("let {v} = {e};")),
        expr().prop_map(|e| format!("ctx.postpone_breaks(\"agents\", {e});")),
        Just("ctx.postpone_breaks(\"agents\", D);".to_string()),
        Just("ctx.extend_shifts(\"team\", 2, 1800);".to_string()),
        Just("ctx.move_agents(\"team\", \"agents\", K);".to_string()),
        expr().prop_map(|e| format!("ctx.send_home(\"team\", {e});")),
        cond().prop_map(|e| format!("ctx.set_skill(\"agents\", \"sales\", {e});")),
        expr().prop_map(|e| format!("ctx.watch_waiting(S, {e});")),
        (expr(), expr()).prop_map(|(a, b)| format!("ctx.offer_callbacks(\"support\", {a}, {b});")),
        expr().prop_map(|e| format!("ctx.set_priority(\"sales\", {e});")),
        Just("ctx.close_queue(\"sales\");".to_string()),
        Just("return;".to_string()),
    ];
    simple.prop_recursive(3, 16, 3, |inner| {
        (cond(), prop::collection::vec(inner.clone(), 0..3), prop::collection::vec(inner, 0..3))
            .prop_map(|(c, t, e)| format!("if {c} {{ {} }} else {{ {} }}", t.join(" "), e.join(" ")))
    })
}

/// A hook body: three locals of each kind, then statements.
fn body() -> impl Strategy<Value = String> {
    prop::collection::vec(stmt(), 1..6).prop_map(|st| {
        format!("let a = 1; let b = 0.5; let c = true; let q = ctx.queue(\"sales\");\n{}", st.join("\n"))
    })
}

fn facts() -> impl Strategy<Value = QueueFacts> + Clone {
    (0..4u8, 0..3u8, 0..4u8, 0..3u8).prop_map(|(h, a, within, ab_within)| QueueFacts {
        offered: f64::from(h + a),
        handled: f64::from(h),
        abandoned: f64::from(a),
        answered_within: f64::from(within.min(h)),
        abandoned_within: f64::from(ab_within.min(a)),
        wait_answered_s: f64::from(h) * 12.5,
        ..QueueFacts::default()
    })
}

fn queue() -> impl Strategy<Value = QueueLive> {
    (0..5u32, select(vec![0.0, 30.5, 1e9]), any::<bool>(), 0..3u32, facts(), facts()).prop_map(
        |(waiting, oldest_wait_s, open, callbacks_pending, interval, day)| QueueLive {
            waiting,
            oldest_wait_s,
            open,
            callbacks_pending,
            interval,
            day,
        },
    )
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    let group =
        || {
            (0..4u32, 0..3u32, 0..3u32, 0..3u32, 0..3u32).prop_map(|(staffed, available, idle, busy, on_break)| {
                GroupLive { staffed, available, idle, busy, on_break }
            })
        };
    (select(vec![0.0, 900.5, 3599.0]), 0..1usize, 0..4usize, [queue(), queue()], [group(), group()]).prop_map(
        |(t, day, interval, queues, groups)| Snapshot {
            time_s: t,
            day,
            interval,
            queues: queues.to_vec(),
            groups: groups.to_vec(),
        },
    )
}

#[test]
fn the_fast_path_decides_every_call_as_rhai_does() {
    let scenario = parse_str(SCENARIO, Path::new("t.yaml")).expect("scenario");
    let (decided, cases, translated, rhai_ok) = (Cell::new(0), Cell::new(0), Cell::new(0), Cell::new(0));
    let config = Config { cases: 3000, failure_persistence: None, ..Config::default() };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    runner
        .run(&(body(), snapshot()), |(body, snap)| {
            let text = format!("{HEAD}fn on_interval(ctx) {{\n{body}\n}}");
            let Ok(script) = PolicyScript::compile(&text, Path::new("x.rhai"), vec![]) else {
                return Ok(()); // Rhai refused the text (e.g. a constant folded into an overflow)
            };
            let fast = script.bind_to(&scenario, None).unwrap();
            let mut off = script.clone();
            off.set_fast_path(false);
            let slow = off.bind_to(&scenario, None).unwrap();
            cases.set(cases.get() + 1);
            let Some(prog) = &fast.fast[0] else {
                return Err(TestCaseError::fail(format!("not translated:\n{text}")));
            };
            translated.set(translated.get() + 1);
            let (mut by_fast, mut by_rhai, mut by_hook) = (Vec::new(), Vec::new(), Vec::new());
            let rhai = slow.start(0).on_interval(&snap, &mut by_rhai);
            let hook = fast.start(0).on_interval(&snap, &mut by_hook);
            rhai_ok.set(rhai_ok.get() + usize::from(rhai.is_ok()));
            if prog.run(&fast.stat, &snap, None, &mut by_fast).is_ok() {
                decided.set(decided.get() + 1);
                prop_assert!(rhai.is_ok(), "fast path decided, Rhai failed: {rhai:?}\n{text}\n{snap:?}");
                prop_assert_eq!(&by_fast, &by_rhai, "{}\n{:?}", text, snap);
            }
            prop_assert_eq!(hook, rhai);
            prop_assert_eq!(by_hook, by_rhai);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // the property is not vacuous: most bodies are translated, and many calls decided natively
    assert!(
        translated.get() == cases.get() && cases.get() > 2000,
        "{} of {} translated",
        translated.get(),
        cases.get()
    );
    let (decided, rhai_ok) = (decided.get(), rhai_ok.get());
    eprintln!("{} bodies, {rhai_ok} calls Rhai ran, {decided} decided by the fast path", cases.get());
    assert!(rhai_ok * 4 > cases.get(), "only {rhai_ok} of {} calls succeed", cases.get());
    assert!(decided * 10 >= rhai_ok * 9, "fast path decided only {decided} of the {rhai_ok} calls Rhai ran");
}
