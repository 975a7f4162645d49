//! Behaviour of the engine: conservation of calls, shifts and breaks, staffing curves,
//! absences, retrials, overflow, busyness, warm-up, common random numbers and determinism.

mod common;

use ccsim::experiment::{self, RunResult};
use ccsim::facts::ReplicationFacts;
use ccsim::model::Model;
use ccsim::scenario::{Scenario, parse_str};
use ccsim::sim::{Workspace, run_replication};
use std::path::Path;

fn scenario(yaml: &str) -> Scenario {
    parse_str(yaml, Path::new("test.yaml")).unwrap_or_else(|e| panic!("{e}"))
}

fn bundled(name: &str) -> Scenario {
    Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)).expect("bundled scenario")
}

/// Runs replication `rep` and returns its facts.
fn facts(s: &Scenario, rep: u32) -> ReplicationFacts {
    let m = Model::compile(s, None).expect("model");
    let mut ws = Workspace::new(&m);
    let mut f = ReplicationFacts::new(m.total_intervals(), m.queues.len(), m.groups.len());
    run_replication(&m, rep, &mut ws, &mut f).unwrap();
    f
}

fn q(r: &RunResult, queue: usize, kpi: &str) -> f64 {
    r.queues[queue].kpis[kpi].mean
}

fn g(r: &RunResult, group: usize, kpi: &str) -> f64 {
    r.groups[group].kpis[kpi].mean
}

const ONE_QUEUE: &str = r#"
name: t
horizon: { start: "08:00", end: "10:00", interval: 15m }
queues:
  - id: q
    arrivals: { rate_per_hour: RATE }
    handle_time: { dist: HANDLE }
    PATIENCE
agents:
  - group: g
    skills: [q]
    STAFF
simulation: { replications: REPS, seed: 5 }
"#;

fn one_queue(rate: f64, handle: &str, patience: &str, staff: &str, reps: u32) -> Scenario {
    scenario(
        &ONE_QUEUE
            .replace("RATE", &rate.to_string())
            .replace("HANDLE", handle)
            .replace("PATIENCE", patience)
            .replace("STAFF", staff)
            .replace("REPS", &reps.to_string()),
    )
}

#[test]
fn every_call_is_handled_abandoned_or_unserved() {
    for name in ["erlang_c_check.yaml", "morning_peak.yaml", "realistic_day.yaml", "multi_skill.yaml"] {
        let s = bundled(name);
        for rep in 0..3 {
            let f = facts(&s, rep);
            for (i, c) in f.queues.iter().enumerate() {
                assert_eq!(c.offered, c.handled + c.abandoned + c.unserved, "{name} rep {rep} cell {i}");
                assert!(c.answered_within <= c.handled && c.abandoned_within <= c.abandoned);
                assert!(c.retrials <= c.offered);
            }
            for c in &f.groups {
                assert!(c.busy_s <= c.available_s + 1e-6 && c.available_s <= c.paid_s + 1e-6, "{name}: {c:?}");
            }
            // busy time booked per queue adds up to each group's busy time, interval by interval
            for (k, c) in f.groups.iter().enumerate() {
                let per_queue: f64 = f.busy_by_queue[k * f.n_queues..(k + 1) * f.n_queues].iter().sum();
                assert!((per_queue - c.busy_s).abs() < 1e-6, "{name} cell {k}: {per_queue} vs {}", c.busy_s);
            }
        }
    }
}

#[test]
fn a_flat_curve_equals_a_count() {
    let count =
        one_queue(400.0, "exponential, mean: 180s", "patience: { dist: exponential, mean: 60s }", "count: 19", 20);
    let curve = one_queue(
        400.0,
        "exponential, mean: 180s",
        "patience: { dist: exponential, mean: 60s }",
        "staffing: [19, 19, 19, 19, 19, 19, 19, 19]",
        20,
    );
    assert_eq!(experiment::run(&count, None, &|| {}).unwrap(), experiment::run(&curve, None, &|| {}).unwrap());
}

#[test]
fn breaks_are_taken_in_full_even_when_late() {
    // One agent, always busy (calls of 10 minutes pour in): the 15-minute break is late but whole.
    let s = one_queue(
        60.0,
        "constant, mean: 10m",
        "",
        r#"shifts: [{ start: "08:00", end: "10:00", count: 1, breaks: [{ start: "09:00", length: 15m }] }]"#,
        5,
    );
    for rep in 0..5 {
        let f = facts(&s, rep);
        let paid: f64 = f.groups.iter().map(|c| c.paid_s).sum();
        let available: f64 = f.groups.iter().map(|c| c.available_s).sum();
        let late: f64 = f.groups.iter().map(|c| c.late_break_s).sum();
        let late_exit: f64 = f.groups.iter().map(|c| c.late_exit_s).sum();
        assert!((paid - available - 900.0).abs() < 1e-6, "break time {}", paid - available);
        assert!(late > 0.0 && late < 600.0, "late break {late}");
        assert!(late_exit > 0.0 && late_exit < 600.0, "late exit {late_exit}");
        // paid time within the horizon is the whole 2-hour shift
        assert!((paid - 7200.0).abs() < 1e-6, "paid {paid}");
    }
}

#[test]
fn a_falling_curve_lets_busy_agents_finish_and_starts_no_new_call() {
    // 3 agents, then 0: calls of exactly 5 minutes, heavy traffic, infinite patience.
    let s = one_queue(120.0, "constant, mean: 5m", "", "staffing: [3, 0, 0, 0, 0, 0, 0, 0]", 5);
    for rep in 0..5 {
        let f = facts(&s, rep);
        let second = f.group(1, 0);
        // the three busy agents finish their call (< 5 min into the interval), then leave
        assert!(second.paid_s > 0.0 && second.paid_s <= 3.0 * 300.0 + 1e-6, "{second:?}");
        assert_eq!(second.busy_s, second.paid_s);
        // nobody answers a call that arrived after the level fell to 0
        for i in 1..8 {
            assert_eq!(f.queue(i, 0).handled, 0.0, "interval {i}");
        }
        assert!(f.queue(0, 0).handled <= 3.0 * 3.0 + 3.0);
    }
}

#[test]
fn a_rising_curve_starts_agents_at_once_and_they_take_waiting_calls() {
    let s = one_queue(120.0, "constant, mean: 1m", "", "staffing: [0, 4, 4, 4, 4, 4, 4, 4]", 3);
    let f = facts(&s, 0);
    let waiting = f.queue(0, 0).offered;
    assert!(waiting > 10.0);
    // every call of the first interval waited until 08:15 and was then answered
    assert_eq!(f.queue(0, 0).handled, waiting);
    assert_eq!(f.queue(0, 0).answered_within, 0.0);
    assert!((f.group(1, 0).paid_s - 4.0 * 900.0).abs() < 1e-6);
}

#[test]
fn absenteeism_removes_the_expected_share_of_agents() {
    let s = one_queue(0.0, "exponential, mean: 3m", "", "count: 100\n    absenteeism: 0.2", 200);
    let r = experiment::run(&s, None, &|| {}).unwrap();
    let agents = &r.groups[0].kpis["agents"];
    assert!((agents.mean - 80.0).abs() <= 2.0 * agents.half_width(), "{agents:?}");
    assert!(agents.half_width() < 1.0);
}

#[test]
fn a_share_of_abandoning_callers_retries() {
    let yaml = r#"
name: retrials
horizon: { start: "08:00", end: "20:00", interval: 1h }
queues:
  - id: q
    arrivals: { rate_per_hour: 200 }
    handle_time: { dist: exponential, mean: 3m }
    patience: { dist: exponential, mean: 30s }
    retrial: { probability: 0.4, delay: { dist: constant, mean: 1m } }
agents:
  - group: g
    skills: [q]
    count: 9
simulation: { replications: 100, seed: 3 }
"#;
    let r = experiment::run(&scenario(yaml), None, &|| {}).unwrap();
    let (retrials, abandoned) = (q(&r, 0, "retrials"), q(&r, 0, "abandoned"));
    // every retry comes one minute after an abandonment; only those in the last minute are lost
    let share = retrials / abandoned;
    assert!((share - 0.4).abs() < 0.02, "retrial share {share}");
}

/// Retrials that fall after the close are counted as lost, not dropped (issue 12, item 10):
/// with a 3-hour delay on a 2-hour day no retrial comes back and every decision to retry is
/// lost; with a 1-minute delay, retrials plus lost retrials are the retrial share of abandons.
#[test]
fn retrials_after_the_close_are_counted_as_lost() {
    let yaml = |delay: &str| {
        format!(
            r#"
name: retrials at close
horizon: {{ start: "08:00", end: "10:00", interval: 30m }}
queues:
  - id: q
    arrivals: {{ rate_per_hour: 200 }}
    handle_time: {{ dist: exponential, mean: 3m }}
    patience: {{ dist: exponential, mean: 30s }}
    retrial: {{ probability: 0.4, delay: {{ dist: constant, mean: {delay} }} }}
agents:
  - group: g
    skills: [q]
    count: 9
simulation: {{ replications: 200, seed: 3 }}
"#
        )
    };
    let reps = 200.0;
    // share ± 4 binomial standard deviations over all replications' abandons
    let close_to = |x: f64, abandoned: f64| (x / abandoned - 0.4).abs() < 4.0 * (0.24 / (abandoned * reps)).sqrt();

    let r = experiment::run(&scenario(&yaml("3h")), None, &|| {}).unwrap();
    let (abandoned, lost) = (q(&r, 0, "abandoned"), q(&r, 0, "retrials_lost_at_close"));
    assert_eq!(q(&r, 0, "retrials"), 0.0);
    assert!(abandoned > 10.0 && close_to(lost, abandoned), "lost {lost} of {abandoned} abandoned");

    let r = experiment::run(&scenario(&yaml("1m")), None, &|| {}).unwrap();
    let (abandoned, lost, retrials) = (q(&r, 0, "abandoned"), q(&r, 0, "retrials_lost_at_close"), q(&r, 0, "retrials"));
    assert!(lost > 0.0 && lost < retrials / 20.0, "only the last minute's retrials are lost: {lost} vs {retrials}");
    assert!(close_to(retrials + lost, abandoned), "{retrials} + {lost} of {abandoned}");
}

#[test]
fn overflow_lets_another_group_take_long_waiting_calls() {
    let with = bundled("multi_skill.yaml");
    let mut without = with.clone();
    let billing = without.queue_index("billing").unwrap();
    without.queues[billing].overflow = None;
    let (mut a, mut b) = (with.clone(), without);
    a.simulation.replications = 40;
    b.simulation.replications = 40;
    let ra = experiment::run(&a, None, &|| {}).unwrap();
    let rb = experiment::run(&b, None, &|| {}).unwrap();
    assert!(q(&ra, billing, "service_level") > q(&rb, billing, "service_level") + 0.02);
    // only with overflow does the sales team spend time on billing calls
    let sales_team = with.group_index("sales_team").unwrap();
    let on_billing = |s: &Scenario| -> f64 {
        let f = facts(s, 0);
        (0..f.busy_by_queue.len() / (f.n_groups * f.n_queues))
            .map(|i| f.busy_by_queue[(i * f.n_groups + sales_team) * f.n_queues + billing])
            .sum()
    };
    assert!(on_billing(&a) > 0.0);
    assert_eq!(on_billing(&b), 0.0);
}

#[test]
fn busyness_overdisperses_daily_volume() {
    let base = "name: b\nhorizon: { start: \"08:00\", end: \"20:00\", interval: 1h }\nqueues:\n  - id: q\n    arrivals: { daily_total: 2000 BUSY }\n    handle_time: { dist: exponential, mean: 3m }\nagents:\n  - group: g\n    skills: [q]\n    count: 30\nsimulation: { replications: 300, seed: 8 }\n";
    let sd = |busy: &str| {
        let s = scenario(&base.replace("BUSY", busy));
        let r = experiment::run(&s, None, &|| {}).unwrap();
        let e = &r.queues[0].kpis["offered"];
        (e.mean, e.half_width() * (300f64).sqrt() / 1.968)
    };
    let (m0, sd0) = sd("");
    let (m1, sd1) = sd(", busyness: { day_cv: 0.2 }");
    // Poisson: sd = √2000 ≈ 45; with a Gamma day factor of cv 0.2: √(2000 + 400²) ≈ 402
    assert!((m0 - 2000.0).abs() < 10.0 && (m1 - 2000.0).abs() < 60.0, "{m0} {m1}");
    assert!((sd0 - 44.7).abs() < 8.0, "Poisson sd {sd0}");
    assert!(sd1 > 320.0 && sd1 < 490.0, "overdispersed sd {sd1}");
}

#[test]
fn warmup_intervals_are_left_out() {
    let mut s = bundled("erlang_c_check.yaml");
    s.simulation.warmup_s = 2.0 * 3600.0;
    s.simulation.replications = 3;
    let r = experiment::run(&s, None, &|| {}).unwrap();
    assert_eq!(r.intervals.len(), 44);
    assert_eq!(r.intervals[0].start, "02:00");
    let paid = g(&r, 0, "paid_hours");
    assert!((paid - 12.0 * 22.0).abs() < 1e-9, "paid hours {paid}");
    // who served whom leaves the warm-up out too
    let served = &r.served[0].kpis;
    assert_eq!(served["handled"], r.queues[0].kpis["handled"]);
    let busy = g(&r, 0, "busy_hours") + g(&r, 0, "busy_hours_after_close");
    assert!((served["busy_hours"].mean - busy).abs() < 1e-6 * busy, "{served:?} vs {busy}");
}

#[test]
fn scenarios_that_agree_share_their_random_numbers() {
    // One more agent changes waits, never the arrivals or the calls' own attributes.
    let a = one_queue(
        400.0,
        "lognormal, mean: 180s, cv: 1.0",
        "patience: { dist: exponential, mean: 90s }",
        "count: 19",
        1,
    );
    let b = one_queue(
        400.0,
        "lognormal, mean: 180s, cv: 1.0",
        "patience: { dist: exponential, mean: 90s }",
        "count: 20",
        1,
    );
    for rep in 0..5 {
        let (fa, fb) = (facts(&a, rep), facts(&b, rep));
        let offered = |f: &ReplicationFacts| f.queues.iter().map(|c| c.offered).collect::<Vec<_>>();
        assert_eq!(offered(&fa), offered(&fb));
        assert_ne!(fa.queues, fb.queues);
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let s = bundled("multi_skill.yaml");
    let run = |threads| common::run_on_threads(&s, threads);
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
}

#[test]
fn least_skilled_routing_spares_the_blended_agents() {
    let ls = bundled("multi_skill.yaml");
    let mut li = ls.clone();
    li.routing.agent_selection = ccsim::scenario::AgentSelection::LongestIdle;
    let (mut ls, mut li) = (ls, li);
    ls.simulation.replications = 30;
    li.simulation.replications = 30;
    let blended = ls.group_index("blended").unwrap();
    let support_team = ls.group_index("support_team").unwrap();
    let (rls, rli) = (experiment::run(&ls, None, &|| {}).unwrap(), experiment::run(&li, None, &|| {}).unwrap());
    // specialists first: specialists busier, blended agents less so
    assert!(g(&rls, support_team, "occupancy") > g(&rli, support_team, "occupancy"));
    assert!(g(&rls, blended, "occupancy") < g(&rli, blended, "occupancy"));
}

#[test]
fn a_week_has_volumes_per_day() {
    let yaml = r#"
name: week
horizon: { start: "08:00", end: "12:00", interval: 1h, days: 3 }
queues:
  - id: q
    arrivals: { daily_total: [100, 200, 400], profile: [1, 1, 1, 1] }
    handle_time: { dist: exponential, mean: 1m }
agents:
  - group: g
    skills: [q]
    count: 10
simulation: { replications: 200, seed: 1 }
"#;
    let r = experiment::run(&scenario(yaml), None, &|| {}).unwrap();
    assert_eq!(r.days, 3);
    assert_eq!(r.intervals.len(), 12);
    assert_eq!(r.intervals[4].start, "d2 08:00");
    for (day, calls) in [(0, 100.0), (1, 200.0), (2, 400.0)] {
        let per_interval = &r.intervals[day * 4].kpis["offered"];
        assert!(
            (per_interval.mean - calls / 4.0).abs() <= 2.0 * per_interval.half_width(),
            "day {day}: {per_interval:?}"
        );
    }
    let total = &r.queues[0].kpis["offered"];
    assert!((total.mean - 700.0).abs() <= 2.0 * total.half_width());
    // paid hours: 10 agents × 4 hours × 3 days
    assert!((g(&r, 0, "paid_hours") - 120.0).abs() < 1e-9);
}

#[test]
fn a_higher_priority_queue_is_served_first() {
    let yaml = r#"
name: priority
horizon: { start: "08:00", end: "12:00", interval: 1h }
queues:
  - id: vip
    arrivals: { rate_per_hour: 100 }
    handle_time: { dist: exponential, mean: 3m }
    priority: 1
  - id: normal
    arrivals: { rate_per_hour: 100 }
    handle_time: { dist: exponential, mean: 3m }
agents:
  - group: g
    skills: [vip, normal]
    count: 11
simulation: { replications: 50, seed: 1 }
"#;
    let mut s = scenario(yaml);
    let r = experiment::run(&s, None, &|| {}).unwrap();
    assert!(
        q(&r, 0, "asa_seconds") * 3.0 < q(&r, 1, "asa_seconds"),
        "{} vs {}",
        q(&r, 0, "asa_seconds"),
        q(&r, 1, "asa_seconds")
    );
    // with equal priority, both queues wait alike
    s.queues[0].priority = 0;
    let r = experiment::run(&s, None, &|| {}).unwrap();
    let (a, b) = (q(&r, 0, "asa_seconds"), q(&r, 1, "asa_seconds"));
    assert!((a - b).abs() < 0.25 * (a + b), "{a} vs {b}");
}

#[test]
fn who_served_whom_adds_up_to_the_queues_and_groups() {
    for name in ["multi_skill.yaml", "realistic_day.yaml", "morning_peak.yaml"] {
        let s = bundled(name);
        for rep in 0..3 {
            let f = facts(&s, rep);
            let ni = f.queues.len() / f.n_queues;
            // every answered call is counted once, on the group that answered it
            for q in 0..f.n_queues {
                let handled: f64 = (0..ni).map(|i| f.queue(i, q).handled).sum();
                let served: f64 = (0..f.n_groups).map(|g| f.served(g, q).handled).sum();
                assert_eq!(served, handled, "{name} rep {rep} queue {q}");
            }
            // a group's time on each queue adds up to its busy time, in hours and after the close
            for g in 0..f.n_groups {
                let busy: f64 = (0..ni).map(|i| f.group(i, g).busy_s + f.group(i, g).busy_after_close_s).sum();
                let served: f64 = (0..f.n_queues).map(|q| f.served(g, q).busy_s).sum();
                assert!((served - busy).abs() < 1e-6 * busy.max(1.0), "{name} rep {rep} group {g}: {served} vs {busy}");
            }
        }
    }
    let s = bundled("multi_skill.yaml");
    let r = experiment::run(&s, None, &|| {}).unwrap();
    for (qi, queue) in r.queues.iter().enumerate() {
        let served: f64 = r.served.iter().filter(|p| p.queue == qi).map(|p| p.kpis["handled"].mean).sum();
        let handled = queue.kpis["handled"].mean;
        assert!((served - handled).abs() < 1e-9 * handled, "{}: {served} vs {handled}", queue.id);
    }
    // a group only serves queues it has the skill for (or overflows to)
    let group = |id: &str| r.groups.iter().position(|g| g.id == id).unwrap();
    let queue = |id: &str| r.queues.iter().position(|q| q.id == id).unwrap();
    assert!(!r.served.iter().any(|p| p.group == group("sales_team") && p.queue == queue("support")));
    assert!(r.served.iter().any(|p| p.group == group("blended") && p.queue == queue("support")));
}

#[test]
fn work_after_the_close_counts_in_the_occupancy_with_it() {
    // one agent, 40-minute calls, callers who never hang up: the agent works on after the
    // close at 10:00 until the queue is empty
    let s = one_queue(6.0, "constant, mean: 40m", "", "count: 1", 40);
    for rep in 0..5 {
        let f = facts(&s, rep);
        let last = f.groups.len() - 1;
        assert!(f.group(last, 0).busy_after_close_s > 0.0, "{:?}", f.group(last, 0));
        assert!(f.groups[..last].iter().all(|c| c.busy_after_close_s == 0.0), "only the day's last interval holds it");
        // every call's 40 minutes are booked, in hours or after the close
        let sv = f.served(0, 0);
        let busy: f64 = f.groups.iter().map(|c| c.busy_s + c.busy_after_close_s).sum();
        assert!((sv.busy_s - sv.handled * 2400.0).abs() < 1e-6 && (busy - sv.busy_s).abs() < 1e-6, "{sv:?} {busy}");
    }
    let r = experiment::run(&s, None, &|| {}).unwrap();
    let (occ, with) = (g(&r, 0, "occupancy"), g(&r, 0, "occupancy_with_after_close"));
    let (busy, after) = (g(&r, 0, "busy_hours"), g(&r, 0, "busy_hours_after_close"));
    assert!(after > 0.1 && with > occ && with <= 1.0, "after {after} h, occupancy {occ} vs {with}");
    assert!((busy + after - q(&r, 0, "handled") * 40.0 / 60.0).abs() < 1e-9, "{busy} + {after}");
    let pair = &r.served[0];
    assert_eq!(r.served.len(), 1);
    assert!((pair.kpis["busy_hours"].mean - (busy + after)).abs() < 1e-9);
}

#[test]
fn reducers_of_consecutive_replications_merge_into_one() {
    use ccsim::kpi::Reducer;
    let mut s = bundled("multi_skill.yaml");
    s.simulation.replications = 8;
    let m = Model::compile(&s, None).unwrap();
    let (mut whole, mut first, mut second) = (Reducer::new(&s, &m), Reducer::new(&s, &m), Reducer::new(&s, &m));
    experiment::for_each_replication(&m, &|| {}, |rep, f| {
        whole.push(f);
        if rep < 3 {
            first.push(f)
        } else {
            second.push(f)
        };
    })
    .unwrap();
    first.merge(second);
    let (a, b) = (whole.finish(), first.finish());
    assert_eq!(a.replications, b.replications);
    assert_eq!(a.total_risk.sl_p5, b.total_risk.sl_p5, "day quantiles are exact");
    let close = |x: f64, y: f64| x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()) || (x.is_nan() && y.is_nan());
    let pairs = a.queues.iter().flat_map(|q| q.kpis.iter()).zip(b.queues.iter().flat_map(|q| q.kpis.iter()));
    let pairs =
        pairs.chain(a.intervals.iter().flat_map(|r| r.kpis.iter()).zip(b.intervals.iter().flat_map(|r| r.kpis.iter())));
    let pairs =
        pairs.chain(a.served.iter().flat_map(|r| r.kpis.iter()).zip(b.served.iter().flat_map(|r| r.kpis.iter())));
    let mut n = 0;
    for (x, y) in pairs {
        assert!(close(x.mean, y.mean) && close(x.ci_low, y.ci_low) && close(x.ci_high, y.ci_high), "{x:?} vs {y:?}");
        assert_eq!(x.n, y.n);
        n += 1;
    }
    assert!(n > 1000, "{n} estimates compared");
}
