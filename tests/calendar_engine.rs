//! The engine on days and places: rosters worked exactly, closed days skipped without moving
//! other days' random numbers, night shifts carried past midnight with one absence draw per
//! shift, site preference with a cross-site delay (also after a policy's routing change),
//! `ctx.date` and `ctx.weekday`, and results independent of the thread count.
//!
//! Scenarios are built from a small YAML and mutated in Rust, so that these tests exercise the
//! engine on the scenario types directly.

mod common;

use ccsim::calendar::parse_date;
use ccsim::experiment;
use ccsim::facts::{GroupFacts, QueueFacts, ReplicationFacts};
use ccsim::scenario::{Break, RosterAgent, Scenario, Shift, ShiftCode, Staffing};
use common::{facts, scenario, with_script};

/// One queue `q` and groups `a` (10 agents) and `b` (5), 08:00–20:00 in 30-minute intervals,
/// `days` days, 60 calls an hour of 4-minute lognormal calls, 5-minute patience.
fn base(days: u32) -> Scenario {
    scenario(&format!(
        r#"
name: t
horizon: {{ start: "08:00", end: "20:00", interval: 30m, days: {days} }}
queues:
  - id: q
    arrivals: {{ rate_per_hour: 60 }}
    handle_time: {{ dist: lognormal, mean: 240s, cv: 1.0 }}
    patience: {{ dist: exponential, mean: 300s }}
    service_level: {{ answered_within: 20s, target: 0.8 }}
agents:
  - {{ group: a, skills: [q], count: 10 }}
  - {{ group: b, skills: [q], count: 5 }}
simulation: {{ replications: 20, seed: 3 }}
"#
    ))
}

fn code(name: &str, start_h: f64, end_h: f64, breaks: &[(f64, f64)]) -> ShiftCode {
    ShiftCode {
        code: name.into(),
        start_s: start_h * 3600.0,
        end_s: end_h * 3600.0,
        breaks: breaks.iter().map(|&(s, l)| Break { start_s: s * 3600.0, length_s: l * 60.0 }).collect(),
    }
}

/// Cells of day `day` (0-based) of group `g`, summed.
fn group_day(f: &ReplicationFacts, s: &Scenario, g: usize, day: usize) -> GroupFacts {
    let n = s.horizon.intervals_per_day();
    let mut t = GroupFacts::default();
    for i in day * n..(day + 1) * n {
        t.add(f.group(i, g));
    }
    t
}

/// Cells of day `day` of queue `q`, summed.
fn queue_day(f: &ReplicationFacts, s: &Scenario, q: usize, day: usize) -> QueueFacts {
    let n = s.horizon.intervals_per_day();
    let mut t = QueueFacts::default();
    for i in day * n..(day + 1) * n {
        t.add(f.queue(i, q));
    }
    t
}

fn no_calls(s: &mut Scenario) {
    for q in &mut s.queues {
        q.volumes.iter_mut().for_each(|v| *v = 0.0);
    }
}

#[test]
fn a_roster_is_paid_exactly_its_hours_day_by_day() {
    let mut s = base(4);
    no_calls(&mut s); // no call to finish after a shift's end: paid time is the roster's
    let (e, l, p) = (code("E", 8.0, 16.0, &[(11.5, 30.0)]), code("L", 12.0, 20.0, &[]), code("P", 10.0, 14.0, &[]));
    let roster = vec![
        RosterAgent { name: "rossi".into(), days: vec![Some(e.clone()), None, Some(e.clone()), Some(l.clone())] },
        RosterAgent { name: "bianchi".into(), days: vec![Some(l.clone()), Some(p.clone()), None, Some(e.clone())] },
        RosterAgent { name: "verdi".into(), days: vec![None, None, Some(p), Some(l)] },
    ];
    s.groups[1].staffing = Staffing::Shifts { shifts: vec![], roster: roster.clone() };
    let h = s.horizon.clone();
    for rep in 0..3 {
        let f = facts(&s, rep);
        for day in 0..4 {
            let want: f64 = roster.iter().filter_map(|a| a.shift_on(&h, day)).map(|sh| sh.end_s - sh.start_s).sum();
            let got = group_day(&f, &s, 1, day).paid_s;
            assert!((got - want).abs() < 1e-6, "day {day}: paid {got} s, roster {want} s");
        }
        let total: f64 = (0..4).map(|d| group_day(&f, &s, 1, d).paid_s).sum::<f64>() / 3600.0;
        let want: f64 = roster.iter().map(|a| a.paid_hours(&h)).sum();
        assert!((total - want).abs() < 1e-9 && want == 8.0 * 6.0 + 4.0 * 2.0, "{total} h vs {want} h");
        // the break of code E removes 30 minutes of availability from each E day
        let avail: f64 = (0..4).map(|d| group_day(&f, &s, 1, d).available_s).sum::<f64>() / 3600.0;
        assert!((total - avail - 3.0 * 0.5).abs() < 1e-9, "available {avail} h of {total} h");
    }
}

#[test]
fn a_closed_day_is_empty_and_leaves_the_other_days_untouched() {
    let mut open = base(3);
    open.queues[0].busyness.day_cv = 0.2;
    open.queues[0].busyness.interval_cv = 0.1;
    open.groups[0].absenteeism = 0.2;
    let e = code("E", 8.0, 16.0, &[(12.0, 30.0)]);
    open.groups[1].staffing = Staffing::Shifts {
        shifts: vec![e.shift(4, None)],
        roster: vec![RosterAgent { name: "x".into(), days: vec![Some(e.clone()), None, Some(e)] }],
    };
    let mut closed = open.clone();
    closed.horizon.closed[1] = true;
    let n = closed.horizon.intervals_per_day();
    closed.queues[0].volumes[n..2 * n].iter_mut().for_each(|v| *v = 0.0);
    for rep in 0..10 {
        let (fo, fc) = (facts(&open, rep), facts(&closed, rep));
        assert!(queue_day(&fo, &open, 0, 1).offered > 0.0 && group_day(&fo, &open, 1, 1).paid_s > 0.0);
        assert_eq!(queue_day(&fc, &closed, 0, 1), QueueFacts::default(), "rep {rep}: the closed day has calls");
        for g in 0..2 {
            assert_eq!(group_day(&fc, &closed, g, 1), GroupFacts::default(), "rep {rep}: group {g} works");
        }
        for day in [0, 2] {
            for i in day * n..(day + 1) * n {
                assert_eq!(fo.queue(i, 0), fc.queue(i, 0), "rep {rep}, interval {i}");
                for g in 0..2 {
                    assert_eq!(fo.group(i, g), fc.group(i, g), "rep {rep}, interval {i}, group {g}");
                }
            }
        }
    }
}

/// Group `b` of a 00:00–24:00 horizon works only a night shift 22:00–06:00 (break 02:00, 30
/// min) with `agents` agents and absenteeism `absent`; no calls.
fn night(agents: u32, absent: f64) -> Scenario {
    let mut s = base(3);
    s.horizon.start_s = 0.0;
    s.horizon.end_s = 86_400.0;
    let n = s.horizon.intervals_per_day() * 3;
    s.queues[0].volumes = vec![0.0; n];
    s.groups[0].staffing = Staffing::Count(0);
    s.groups[1].absenteeism = absent;
    let shift = Shift {
        start_s: 22.0 * 3600.0,
        end_s: 30.0 * 3600.0,
        count: agents,
        breaks: vec![Break { start_s: 26.0 * 3600.0, length_s: 1800.0 }],
        days: None,
    };
    s.groups[1].staffing = Staffing::Shifts { shifts: vec![shift], roster: vec![] };
    s
}

#[test]
fn a_night_shift_carries_its_agents_past_midnight() {
    let s = night(3, 0.0);
    let f = facts(&s, 0);
    let n = s.horizon.intervals_per_day();
    let hour = |day: usize, h: usize| -> GroupFacts {
        let mut t = f.group(day * n + 2 * h, 1).to_owned();
        t.add(f.group(day * n + 2 * h + 1, 1));
        t
    };
    for (day, paid_h) in [(0, 2.0), (1, 8.0), (2, 8.0)] {
        let got = group_day(&f, &s, 1, day).paid_s / 3600.0;
        assert!((got - 3.0 * paid_h).abs() < 1e-9, "day {day}: {got} h paid, want 3 × {paid_h}");
    }
    // on duty 00:00–06:00 and 22:00–24:00 of the next days, off in between
    for h in 0..24 {
        let want = if !(6..22).contains(&h) { 3.0 * 3600.0 } else { 0.0 };
        assert!((hour(1, h).paid_s - want).abs() < 1e-6, "day 2, hour {h}: {}", hour(1, h).paid_s);
    }
    assert_eq!(hour(0, 3).paid_s, 0.0, "nobody before the first night");
    // the 02:00 break falls on the day after the shift started
    assert!((hour(1, 2).available_s - 3.0 * 1800.0).abs() < 1e-6);
}

#[test]
fn an_absence_removes_both_parts_of_a_night_shift() {
    let s = night(6, 0.5);
    let n = s.horizon.intervals_per_day();
    let mut differs = 0;
    for rep in 0..40 {
        let f = facts(&s, rep);
        for day in 0..2 {
            // agents on duty 23:30–24:00 of `day`, and 00:00–00:30 of the next day
            let evening = f.group(day * n + n - 1, 1).paid_s / 1800.0;
            let morning = f.group((day + 1) * n, 1).paid_s / 1800.0;
            assert!((evening - morning).abs() < 1e-9, "rep {rep}, day {day}: {evening} then {morning}");
            let next_evening = f.group((day + 1) * n + n - 1, 1).paid_s / 1800.0;
            differs += usize::from((evening - next_evening).abs() > 0.5);
        }
    }
    // the draws differ from night to night: the equality above is not a coincidence
    assert!(differs > 20, "{differs}");
}

/// Queue `q` of region `r` prefers site `north` (group `a`); group `b` is at `south`.
fn sites(s: &mut Scenario, after_s: f64) {
    s.sites = vec!["north".into(), "south".into()];
    s.regions = vec!["r".into()];
    s.groups[0].site = Some(0);
    s.groups[1].site = Some(1);
    s.queues[0].region = Some(0);
    s.routing.prefer_site = vec![Some(0)];
    s.routing.cross_site_after_s = after_s;
}

#[test]
fn other_sites_see_a_call_only_after_the_cross_site_delay() {
    let mut s = base(2);
    sites(&mut s, 30.0);
    s.groups[0].staffing = Staffing::Count(0); // the preferred site is empty
    s.groups[1].staffing = Staffing::Count(12);
    s.queues[0].service_level.threshold_s = 29.999;
    let r = experiment::run(&s, None, &|| {}).unwrap();
    let f = facts(&s, 1);
    let total = queue_day(&f, &s, 0, 0);
    assert!(total.handled > 500.0, "{total:?}");
    assert_eq!(total.answered_within, 0.0, "an answer before the delay");
    assert!(total.wait_answered_s >= 30.0 * total.handled);
    assert_eq!(f.served(1, 0).handled + f.served(0, 0).handled, f.served(1, 0).handled);
    assert_eq!(r.queues[0].kpis["service_level"].mean, 0.0);

    // the preferred site staffed: it takes most calls; the other site only the long waits
    s.groups[0].staffing = Staffing::Count(12);
    let f = facts(&s, 1);
    let (north, south) = (f.served(0, 0).handled, f.served(1, 0).handled);
    assert!(north > 9.0 * south && north > 500.0, "north {north}, south {south}");

    // without site preference both sites share the calls
    s.routing.prefer_site = vec![None];
    let f = facts(&s, 1);
    let (north, south) = (f.served(0, 0).handled, f.served(1, 0).handled);
    assert!(south > 0.3 * north, "north {north}, south {south}");
}

#[test]
fn a_queue_has_both_a_cross_site_delay_and_overflow() {
    let mut s = base(1);
    sites(&mut s, 30.0);
    s.groups[0].staffing = Staffing::Count(0);
    s.groups[1].staffing = Staffing::Count(0);
    // a third group without the skill takes calls that waited 90 s
    let mut spare = s.groups[1].clone();
    spare.id = "spare".into();
    spare.skills.clear();
    spare.staffing = Staffing::Count(12);
    s.groups.push(spare);
    s.queues[0].overflow = Some(ccsim::scenario::Overflow { groups: vec![2], after_s: 90.0 });
    s.queues[0].patience = None;
    s.queues[0].service_level.threshold_s = 89.999;
    let f = facts(&s, 0);
    let total = queue_day(&f, &s, 0, 0);
    assert!(total.handled > 500.0 && total.answered_within == 0.0, "{total:?}");
    assert_eq!(f.served(2, 0).handled, total.handled);
    // the other site staffed: it takes the calls after 30 s, before the overflow group
    s.groups[1].staffing = Staffing::Count(12);
    s.queues[0].service_level.threshold_s = 29.999;
    let f = facts(&s, 0);
    let total = queue_day(&f, &s, 0, 0);
    assert_eq!(total.answered_within, 0.0);
    assert!(f.served(1, 0).handled > 9.0 * f.served(2, 0).handled, "{:?}", f.served(2, 0));
}

#[test]
fn a_skill_given_by_a_policy_keeps_the_cross_site_delay() {
    let mut s = base(1);
    sites(&mut s, 45.0);
    s.groups[0].staffing = Staffing::Count(0);
    s.groups[1].skills.clear();
    s.groups[1].staffing = Staffing::Count(12);
    s.queues[0].service_level.threshold_s = 44.999;
    let r = with_script(s, r#"fn on_interval(ctx) { if ctx.interval == 0 { ctx.set_skill("b", "q", true); } }"#, None);
    let f = facts(&r, 0);
    let total = queue_day(&f, &r.scenario, 0, 0);
    assert!(f.served(1, 0).handled > 500.0, "{total:?}");
    assert_eq!(total.answered_within, 0.0, "the policy's skill ignored the site");
}

#[test]
fn a_policy_reads_the_date_and_the_weekday() {
    let script = r#"
        fn on_interval(ctx) {
            if ctx.date == "2026-12-08" && ctx.weekday == "Tue" { ctx.close_queue("q"); } else { ctx.open_queue("q"); }
        }"#;
    let mut s = base(3);
    s.horizon.from = Some(parse_date("2026-12-07").unwrap());
    let f = facts(&with_script(s.clone(), script, None), 0);
    let blocked: Vec<f64> = (0..3).map(|d| queue_day(&f, &s, 0, d).blocked).collect();
    assert!(blocked[0] == 0.0 && blocked[1] > 500.0 && blocked[2] == 0.0, "{blocked:?}");

    // undated: both are ()
    let script = r#"
        fn on_interval(ctx) {
            if type_of(ctx.date) == "()" && type_of(ctx.weekday) == "()" && ctx.day == 2 { ctx.close_queue("q"); }
        }"#;
    s.horizon.from = None;
    let f = facts(&with_script(s.clone(), script, None), 0);
    let blocked: Vec<f64> = (0..3).map(|d| queue_day(&f, &s, 0, d).blocked).collect();
    assert!(blocked[0] == 0.0 && blocked[1] == 0.0 && blocked[2] > 500.0, "{blocked:?}");
}

#[test]
fn a_dated_week_with_rosters_sites_and_a_holiday_does_not_depend_on_the_thread_count() {
    let mut s = base(7);
    s.horizon.from = Some(parse_date("2026-12-07").unwrap());
    s.horizon.closed[1] = true;
    let n = s.horizon.intervals_per_day();
    s.queues[0].volumes[n..2 * n].iter_mut().for_each(|v| *v = 0.0);
    sites(&mut s, 30.0);
    s.groups[0].absenteeism = 0.1;
    let (e, l) = (code("E", 8.0, 16.0, &[(11.5, 30.0)]), code("L", 12.0, 20.0, &[(16.0, 30.0)]));
    let weekdays = Some(vec![true, true, true, true, true, false, false]);
    s.groups[0].staffing = Staffing::Shifts {
        shifts: vec![e.shift(6, weekdays.clone()), l.shift(5, weekdays)],
        roster: vec![RosterAgent {
            name: "rossi".into(),
            days: vec![Some(e.clone()), None, Some(l.clone()), None, Some(e), Some(l.clone()), Some(l)],
        }],
    };
    s.simulation.replications = 30;
    let run = |threads| common::run_on_threads(&s, threads);
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
    assert!(one.queues[0].kpis["offered"].mean > 1000.0);
}

#[test]
fn identical_days_share_one_plan() {
    let mut s = base(28);
    let weekdays: Vec<bool> = (0..28).map(|d| d % 7 < 5).collect();
    let e = code("E", 8.0, 16.0, &[(11.5, 30.0)]);
    s.groups[1].staffing =
        Staffing::Shifts { shifts: vec![e.shift(5, Some(weekdays)), e.shift(3, None)], roster: vec![] };
    s.horizon.closed[9] = true;
    let m = ccsim::model::Model::compile(&s, None).unwrap();
    assert_eq!(m.plans.len(), 2, "a weekday plan and a weekend plan");
    assert_eq!(m.day_plan[9], None);
    assert_eq!(m.day_plan[0], m.day_plan[14]);
    assert_ne!(m.day_plan[0], m.day_plan[5]);
    let weekday = &m.plans[m.day_plan[0].unwrap() as usize];
    assert_eq!(weekday.pieces.len(), 8);
    assert_eq!(weekday.first_piece.len(), m.agents() + 1);
}
