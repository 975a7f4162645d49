//! Day-targeted what-ifs on shift groups with days and rosters, run without revalidation (the
//! unit level: the scenario the script leaves, before `Scenario::revalidate`).

use super::*;
use crate::calendar::parse_date;
use crate::scenario::{Group, RosterAgent, ShiftCode, parse_str};
use std::path::Path;

const WEEK: &str = r#"
name: Week
horizon: { start: "08:00", end: "12:00", interval: 1h, days: 7 }
queues:
  - id: support_it
    arrivals: { per_interval: [10, 20, 30, 40, 0, 0, 0, 0, 11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43, 14, 24, 34, 44, 15, 25, 35, 45] }
    handle_time: { dist: lognormal, mean: 270s, cv: 0.9 }
    service_level: { answered_within: 20s, target: 0.8 }
agents:
  - group: milano
    skills: [support_it]
    shifts: [{ start: "08:00", end: "12:00", count: 18 }, { start: "09:00", end: "12:00", count: 14 }]
  - group: napoli
    skills: [support_it]
    shifts: [{ start: "08:00", end: "12:00", count: 8 }, { start: "10:00", end: "12:00", count: 4 }]
"#;

fn code(c: &str, from: &str, to: &str) -> ShiftCode {
    let t = |x: &str| crate::time::parse_clock(x).unwrap();
    ShiftCode { code: c.into(), start_s: t(from), end_s: t(to), breaks: vec![] }
}

/// A dated week from Monday 2026-12-07, Tuesday closed (the pinned support week in small):
/// milano works E (18, Mon–Fri) and L (14, Mon–Sat) plus rossi and bianchi on a roster; napoli
/// works 8 every day and 4 on Mon and Sat.
fn week() -> Scenario {
    let mut s = parse_str(WEEK, Path::new("week.yaml")).expect("valid week");
    s.horizon.from = Some(parse_date("2026-12-07").unwrap());
    s.horizon.closed = vec![false, true, false, false, false, false, false];
    s.queues[0].volumes[4..8].iter_mut().for_each(|v| *v = 0.0);
    s.shift_codes = vec![code("E", "08:00", "12:00"), code("L", "09:00", "12:00"), code("P", "10:00", "12:00")];
    let (e, l) = (s.shift_codes[0].clone(), s.shift_codes[1].clone());
    let on = |list: &str| Some(list.split(' ').map(|d| d == "1").collect::<Vec<bool>>());
    let Staffing::Shifts { shifts, roster } = &mut s.groups[0].staffing else { panic!("milano works shifts") };
    shifts[0].days = on("1 1 1 1 1 0 0");
    shifts[1].days = on("1 1 1 1 1 1 0");
    let day = |c: &ShiftCode, list: &str| list.split(' ').map(|x| (x == "1").then(|| c.clone())).collect::<Vec<_>>();
    let mut rossi = day(&e, "1 0 1 1 1 0 0");
    let mut bianchi = day(&l, "1 0 1 1 0 0 0");
    rossi[5] = None;
    bianchi[5] = Some(e.clone());
    roster.push(RosterAgent { name: "rossi".into(), days: rossi });
    roster.push(RosterAgent { name: "bianchi".into(), days: bianchi });
    let Staffing::Shifts { shifts, .. } = &mut s.groups[1].staffing else { panic!("napoli works shifts") };
    shifts[1].days = on("1 0 0 0 0 1 0");
    s
}

fn run(s: &Scenario, src: &str) -> Result<Scenario, String> {
    WhatIf::compile(src, Path::new("x.rhai"), vec![]).map_err(|e| e.to_string())?.run(s).map_err(|e| e.to_string())
}

fn ok(s: &Scenario, src: &str) -> Scenario {
    run(s, src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn err(s: &Scenario, src: &str) -> String {
    match run(s, src) {
        Ok(_) => panic!("{src} should fail"),
        Err(e) => e,
    }
}

/// Agents of a group starting work on each day.
fn agents_per_day(g: &Group, s: &Scenario) -> Vec<u32> {
    let Staffing::Shifts { shifts, roster } = &g.staffing else { panic!("shifts") };
    (0..7).map(|d| days::day_entries(shifts, roster, &s.horizon, d).iter().map(|e| e.1).sum()).collect()
}

/// The planned curve of day `d` (0-based).
fn day_curve(g: &Group, s: &Scenario, d: usize) -> Vec<u32> {
    let n = s.horizon.intervals_per_day();
    g.planned_curve(&s.horizon)[d * n..(d + 1) * n].to_vec()
}

fn roster(s: &Scenario, g: usize) -> &[RosterAgent] {
    match &s.groups[g].staffing {
        Staffing::Shifts { roster, .. } => roster,
        _ => panic!("shifts"),
    }
}

#[test]
fn a_wednesday_ad_changes_wednesday_only() {
    let b = week();
    let got = ok(&b, r#"scenario.scale_arrivals("support_it", "Wed 10:00", "Wed 12:00", 1.5);"#);
    let (old, new) = (&b.queues[0].volumes, &got.queues[0].volumes);
    for i in 0..old.len() {
        let want = if i == 8 + 2 || i == 8 + 3 { old[i] * 1.5 } else { old[i] };
        assert_eq!(new[i].to_bits(), want.to_bits(), "interval {i}");
    }
    // the same by date and by day number
    for (from, to) in [("2026-12-09 10:00", "12:00"), ("d3 10:00", "d3 12:00")] {
        let src = format!(r#"scenario.scale_arrivals("support_it", "{from}", "{to}", 1.5);"#);
        assert_eq!(ok(&b, &src).queues, got.queues, "{src}");
    }
    // Monday doubles, every other day is bit-identical
    let mon = ok(&b, r#"scenario.scale_arrivals("support_it", "Mon 08:00", "Mon 12:00", 2);"#);
    assert_eq!(mon.queues[0].volumes[..4], [20.0, 40.0, 60.0, 80.0]);
    assert!(mon.queues[0].volumes[4..].iter().zip(&old[4..]).all(|(a, b)| a.to_bits() == b.to_bits()));
    // add_calls leaves the closed Tuesday closed
    let all = ok(&b, r#"scenario.add_calls("support_it", "Mon 08:00", "Wed 12:00", 5);"#);
    assert_eq!(all.queues[0].volumes[4..8], [0.0; 4]);
    assert_eq!(all.queues[0].volumes[8], 16.0);
}

#[test]
fn monday_absence_on_shifts_and_roster() {
    let b = week();
    let before = agents_per_day(&b.groups[0], &b);
    assert_eq!(before, vec![34, 0, 34, 34, 33, 15, 0]);
    for src in [
        r#"scenario.absence("milano", 0.2, "Mon 08:00", "Mon 12:00");"#,
        r#"scenario.absence("milano", 0.2, "Mon");"#,
        r#"scenario.absence("milano", 0.2, "2026-12-07");"#,
    ] {
        let got = ok(&b, src);
        // round(0.8 × 34) = 27 stay: 14.4 → 14 E, 11.2 → 11 L, rossi and bianchi (0.8 each) stay
        let after = agents_per_day(&got.groups[0], &got);
        assert_eq!(after, vec![27, 0, 34, 34, 33, 15, 0], "{src}");
        for d in 1..7 {
            assert_eq!(day_curve(&got.groups[0], &got, d), day_curve(&b.groups[0], &b, d), "{src}: day {d}");
        }
        assert_eq!(roster(&got, 0), roster(&b, 0), "{src}");
        assert_eq!(got.groups[1], b.groups[1], "{src}");
        let Staffing::Shifts { shifts, .. } = &got.groups[0].staffing else { panic!() };
        let counts: Vec<(u32, Vec<bool>)> = shifts.iter().map(|s| (s.count, s.days.clone().unwrap())).collect();
        let d = |l: &str| l.split(' ').map(|x| x == "1").collect::<Vec<bool>>();
        assert_eq!(
            counts,
            vec![
                (18, d("0 1 1 1 1 0 0")),
                (14, d("1 0 0 0 0 0 0")),
                (14, d("0 1 1 1 1 1 0")),
                (11, d("1 0 0 0 0 0 0"))
            ],
            "{src}"
        );
    }
    // absence of everybody on Monday gives the named agents the day off too
    let got = ok(&b, r#"scenario.absence("milano", 1.0, "Mon");"#);
    assert_eq!(agents_per_day(&got.groups[0], &got)[0], 0);
    assert!(roster(&got, 0).iter().all(|a| a.days[0].is_none()));
    // a weekday on several weeks: every Monday; a window over days: each day
    let got = ok(&b, r#"scenario.remove_agents("milano", 3, "Mon 08:00", "Wed 12:00");"#);
    assert_eq!(agents_per_day(&got.groups[0], &got), vec![31, 0, 31, 34, 33, 15, 0]);
    assert_eq!(roster(&got, 0), roster(&b, 0));
    let got = ok(&b, r#"scenario.add_agents("napoli", 3, "Sat");"#);
    assert_eq!(agents_per_day(&got.groups[1], &got), vec![12, 0, 8, 8, 8, 15, 8]);
    // part of a day on shifts: the same error as before, with the hint
    let msg = err(&b, r#"scenario.absence("milano", 0.2, "Mon 08:00", "Mon 10:00");"#);
    assert!(msg.contains("`milano` works shifts") && msg.contains("whole days"), "{msg}");
}

#[test]
fn roster_functions_touch_the_named_agents_only() {
    let b = week();
    let got = ok(&b, r#"scenario.give_shift("rossi", "Sat", "L");"#);
    assert_eq!(roster(&got, 0)[0].days[5].as_ref().map(|c| c.code.as_str()), Some("L"));
    assert_eq!(roster(&got, 0)[1], roster(&b, 0)[1]);
    let mut rest = got.clone();
    if let Staffing::Shifts { roster, .. } = &mut rest.groups[0].staffing {
        roster[0].days[5] = None;
    }
    assert_eq!(rest, b);
    let got = ok(&b, r#"scenario.day_off("rossi", "2026-12-09");"#);
    assert_eq!(roster(&got, 0)[0].days[2], None);
    assert_eq!(roster(&got, 0)[0].days[3], roster(&b, 0)[0].days[3]);
    let got = ok(&b, r#"scenario.swap_days("rossi", "bianchi", "Sat");"#);
    assert_eq!(roster(&got, 0)[0].days[5], roster(&b, 0)[1].days[5]);
    assert_eq!(roster(&got, 0)[1].days[5], None);
    assert_eq!(roster(&got, 0)[0].days[..5], roster(&b, 0)[0].days[..5]);
    // a night code crossing midnight ends next day
    let got = ok(&b, r#"scenario.add_shift_code("N", "22:00", "06:00"); scenario.give_shift("bianchi", "d7", "N");"#);
    let n = got.shift_codes.last().unwrap();
    assert_eq!((n.code.as_str(), n.start_s, n.end_s), ("N", 79_200.0, 108_000.0));
    assert_eq!(roster(&got, 0)[1].days[6].as_ref().unwrap().code, "N");
    // reading
    let got = ok(&b, r#"if scenario.roster("bianchi") != ["L", "-", "L", "L", "-", "E", "-"] { throw "roster"; }"#);
    assert_eq!(got, b);
    // errors that say what exists
    assert!(err(&b, r#"scenario.give_shift("verdi", "Mon", "E");"#).contains("roster agents: rossi, bianchi"));
    assert!(err(&b, r#"scenario.give_shift("rossi", "Mon", "X");"#).contains("shift codes: E, L, P"));
    assert!(err(&b, r#"scenario.give_shift("rossi", "Tue", "E");"#).contains("Tue 2026-12-08 is closed"));
    assert!(err(&b, r#"scenario.give_shift("rossi", "2026-12-20", "E");"#).contains("outside the horizon"));
    assert!(err(&b, r#"scenario.add_shift_code("E", "08:00", "12:00");"#).contains("already exists"));
}

#[test]
fn add_shift_on_days_and_by_code() {
    let b = week();
    let got = ok(&b, r#"scenario.add_shift("napoli", "08:00", "12:00", 3, ["Mon", "Fri"]);"#);
    assert_eq!(agents_per_day(&got.groups[1], &got), vec![15, 0, 8, 8, 11, 12, 8]);
    let same = [
        r#"scenario.add_shift("napoli", "Mon 08:00", "12:00", 3); scenario.add_shift("napoli", "Fri 08:00", "Fri 12:00", 3);"#,
        r#"scenario.add_shift("napoli", #{ start: "08:00", end: "12:00", count: 3, days: ["Mon", "d5"] });"#,
        r#"scenario.add_shift("napoli", #{ code: "E", count: 3, days: ["Mon", "Fri"] });"#,
        r#"scenario.add_shift("napoli", "08:00", "12:00", 3, [], ["2026-12-07", "Fri"]);"#,
    ];
    for src in same {
        let g = ok(&b, src);
        assert_eq!(agents_per_day(&g.groups[1], &g), agents_per_day(&got.groups[1], &got), "{src}");
    }
    let msg = err(&b, r#"scenario.add_shift("napoli", "08:00", "12:00", 3, ["Xyz"]);"#);
    assert!(msg.contains("invalid day"), "{msg}");
    let night = ok(&b, r#"scenario.add_shift("napoli", "22:00", "06:00", 1, [#{ start: "02:00", length: "30m" }]);"#);
    let Staffing::Shifts { shifts, .. } = &night.groups[1].staffing else { panic!() };
    let s = shifts.last().unwrap();
    assert_eq!((s.end_s, s.breaks[0].start_s), (108_000.0, 93_600.0));
}

#[test]
fn set_staffing_on_one_day_of_shifts() {
    let b = week();
    // napoli: 8 every day plus 4 from 10:00 on Mon and Sat; one more at 08:00 on Wednesday only
    let mut want = b.groups[1].planned_curve(&b.horizon);
    want[2 * 4] += 1;
    want[3 * 4 + 3] -= 2;
    let src = format!(
        "scenario.set_staffing(\"napoli\", [{}]);",
        want.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
    );
    let got = ok(&b, &src);
    assert_eq!(got.groups[1].planned_curve(&got.horizon), want);
    for d in [0, 1, 4, 5, 6] {
        assert_eq!(day_curve(&got.groups[1], &got, d), day_curve(&b.groups[1], &b, d));
    }
    // named agents are never cut
    let mut want = b.groups[0].planned_curve(&b.horizon);
    want[0] = 0;
    let src = format!(
        "scenario.set_staffing(\"milano\", [{}]);",
        want.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
    );
    assert!(err(&b, &src).contains("named roster agents"));
}

#[test]
fn days_need_dates_and_the_horizon() {
    let mut b = week();
    b.horizon.from = None;
    let msg = err(&b, r#"scenario.scale_arrivals("support_it", "Wed 10:00", "Wed 12:00", 1.5);"#);
    assert!(msg.contains("no dates"), "{msg}");
    let got = ok(&b, r#"scenario.scale_arrivals("support_it", "d3 10:00", "d3 12:00", 1.5);"#);
    assert_eq!(got.queues[0].volumes[10], 31.0 * 1.5);
    let msg = err(&week(), r#"scenario.absence("milano", 0.2, "Wed 12:00", "Wed 10:00");"#);
    assert!(msg.contains("empty"), "{msg}");
    let msg = err(&week(), r#"scenario.absence("milano", 0.2, "2026-12-01");"#);
    assert!(msg.contains("outside the horizon"), "{msg}");
    // the day is kept by time arithmetic
    let got = ok(
        &week(),
        r#"scenario.add_agents("napoli", 1, "Mon"); if scenario.time_after("Wed 10:00", "1h") != "Wed 11:00" { throw "day lost"; }"#,
    );
    assert_eq!(agents_per_day(&got.groups[1], &got)[0], 13);
}
