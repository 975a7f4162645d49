//! Dated horizons, closed days, day factors and overrides, shift codes, shifts on days and
//! crossing midnight, rosters inline and from CSV, sites and regions: what the scenario format
//! reads (issue 14). The engine's side is in tests/engine.rs; outputs in tests/outputs.rs.

use ccsim::scenario::{Scenario, Staffing, parse_str};
use std::path::Path;

const WEEK: &str = "scenarios/support_week.yaml";

fn week() -> Scenario {
    Scenario::load(Path::new(WEEK)).expect("the pinned week loads")
}

fn week_text() -> String {
    std::fs::read_to_string(WEEK).unwrap()
}

/// Validation problems of `text` (loaded as if it were `dir/scenario.yaml`), as one message.
fn problems(text: &str, dir: &Path) -> String {
    match parse_str(text, &dir.join("scenario.yaml")) {
        Ok(_) => panic!("expected problems"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_pinned_week_has_dates_a_holiday_and_day_factors() {
    let s = week();
    let h = &s.horizon;
    assert_eq!(h.days, 7);
    assert_eq!(h.day_label(0), "Mon 2026-12-07");
    assert_eq!(h.weekday(6), Some("Sun"));
    assert_eq!(h.closed, vec![false, true, false, false, false, false, false]);
    let n = h.intervals_per_day();
    let day_total = |q: usize, d: usize| s.queues[q].volumes[d * n..(d + 1) * n].iter().sum::<f64>();
    for (d, f) in [1.25, 0.0, 1.0, 1.0, 0.95, 0.6, 0.3].iter().enumerate() {
        assert!((day_total(0, d) - 2400.0 * f).abs() < 1e-9, "support_it day {d}");
    }
    assert_eq!(day_total(1, 1), 0.0, "the holiday has no calls in any queue");
    assert!((day_total(1, 0) - 600.0).abs() < 1e-9);
    assert_eq!(s.sites, vec!["milano", "napoli"]);
    assert_eq!(s.regions, vec!["nord", "sud"]);
    assert_eq!(s.routing.prefer_site, vec![Some(0), Some(1)]);
    assert_eq!(s.routing.cross_site_after_s, 30.0);
    assert_eq!((s.queues[0].region, s.groups[1].site), (Some(0), Some(1)));
}

#[test]
fn rosters_and_recurring_shifts_follow_their_days() {
    let s = week();
    let h = &s.horizon;
    let Staffing::Shifts { shifts, roster } = &s.groups[0].staffing else { panic!("milano works shifts") };
    assert_eq!(shifts.len(), 2);
    assert_eq!(roster.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["rossi", "bianchi"]);
    // E and L are 8 h each (their breaks are paid time): rossi works 4 days, bianchi 4
    assert_eq!(roster[0].paid_hours(h), 32.0);
    assert_eq!(roster[1].paid_hours(h), 32.0);
    let n = h.intervals_per_day();
    let milano = s.groups[0].planned_curve(h);
    let napoli = s.groups[1].planned_curve(h);
    assert!(milano[n..2 * n].iter().chain(&napoli[n..2 * n]).all(|x| *x == 0), "nobody works the holiday");
    let at = |c: &[u32], d: usize, clock: f64| c[d * n + ((clock - 8.0) * 2.0) as usize];
    // Monday 09:00: 18 E + rossi; Saturday 09:00: bianchi (E) only; Sunday nobody in milano
    assert_eq!(at(&milano, 0, 9.0), 19);
    assert_eq!(at(&milano, 5, 9.0), 1);
    assert_eq!(at(&milano, 6, 13.0), 0);
    // napoli's P (10:00-14:00) works Monday and Saturday only
    assert_eq!(at(&napoli, 0, 10.0), 8 + 4);
    assert_eq!(at(&napoli, 2, 10.0), 8);
    assert_eq!(at(&napoli, 5, 10.0), 8 + 4);
}

#[test]
fn a_validated_week_survives_the_way_back() {
    let s = week();
    let again = s.revalidate(Path::new(WEEK)).expect("revalidates");
    assert_eq!(again, s, "to_raw then validate gives the same scenario");
}

#[test]
fn roster_mistakes_are_reported_at_once_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = week_text()
        .replace("days: [E, -, E, E, E, -, -]", "days: [E, -, E, E, E, -]")
        .replace("days: [L, -, L, L, -, E, -]", "days: [L, L, L, Q, -, E, -]")
        .replace("{ code: E, count: 8 }", "{ code: E, count: 8, days: [2026-12-14] }");
    let m = problems(&text, dir.path());
    for want in [
        "agents[0].roster[0].days (line 31",
        "has 6 days: expected 7",
        "agents[0].roster[1].days[1] (line 32, column 37): bianchi works `L` on Tue 2026-12-08, a closed day",
        "agents[0].roster[1].days[3] (line 32, column 43): unknown shift code `Q` (codes: E, L, P",
        "agents[1].shifts[0].days[0] (line 37",
        "2026-12-14 is outside the horizon 2026-12-07 to 2026-12-13",
    ] {
        assert!(m.contains(want), "lacks {want:?}:\n{m}");
    }
}

#[test]
fn weekdays_need_dates_and_say_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let m = problems(&week_text().replace("from: 2026-12-07, ", ""), dir.path());
    assert!(m.contains("1 problem(s)"), "{m}");
    assert!(m.contains("the horizon has no dates: give `horizon.from`"), "{m}");
    assert!(m.contains("(20 more weekday or date references below it)"), "{m}");
}

/// A small dated scenario around `extra` keys; `agents` replaces the agents section.
fn small(horizon: &str, arrivals_extra: &str, agents: &str) -> String {
    format!(
        r#"name: small
horizon: {horizon}
queues:
  - id: q
    arrivals: {{ daily_total: 100{arrivals_extra} }}
    handle_time: {{ dist: exponential, mean: 3m }}
    service_level: {{ answered_within: 20s, target: 0.8 }}
{agents}
"#
    )
}

const TEAM: &str = "agents:\n  - group: team\n    skills: [q]\n    count: 5";

#[test]
fn date_overrides_closures_and_to() {
    let dir = tempfile::tempdir().unwrap();
    let text = small(
        r#"{ from: 2026-12-21, to: 2026-12-27, start: "08:00", end: "12:00", interval: 1h }"#,
        r#", day_factors: { Mon: 2 }, dates: { 2026-12-24: { factor: 1.5 }, d5: { total: 40 }, 2026-12-21: { total: 10 } }"#,
        &format!("closed: [Sun]\n{TEAM}"),
    )
    .replace("    handle_time", "    closed: [2026-12-26]\n    handle_time");
    let s = parse_str(&text, &dir.path().join("s.yaml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.horizon.days, 7);
    let totals: Vec<f64> = s.queues[0].volumes.chunks(4).map(|d| d.iter().sum()).collect();
    // Mon: factor 2 then a total of 10; Thu 24th: ×1.5; Fri (d5): 40; Sat 26th closed for q;
    // Sunday closed for everyone
    assert_eq!(totals, vec![10.0, 100.0, 100.0, 150.0, 40.0, 0.0, 0.0]);
    assert_eq!(s.horizon.closed, vec![false, false, false, false, false, false, true]);
    let c = s.groups[0].planned_curve(&s.horizon);
    assert_eq!(&c[20..28], &[5, 5, 5, 5, 0, 0, 0, 0], "a count group works Saturday, not the closed Sunday");

    let bad = small(
        r#"{ from: 2026-12-21, days: 3, to: 2026-12-27, start: "08:00", end: "12:00", interval: 1h }"#,
        r#", dates: { Mon: { factor: 2 }, d2: { factor: 1, total: 3 } }, day_factors: { Mon: 1, 2026-12-21: 2 }"#,
        TEAM,
    );
    let m = problems(&bad, dir.path());
    for want in ["horizon.days", "give `days` or `to`"] {
        assert!(m.contains(want), "lacks {want:?}:\n{m}");
    }
    let bad = small(
        r#"{ from: 2026-12-21, days: 3, start: "08:00", end: "12:00", interval: 1h }"#,
        r#", dates: { Mon: { factor: 2 }, d2: { factor: 1, total: 3 } }, day_factors: { Mon: 1, 2026-12-21: 2 }"#,
        TEAM,
    );
    let m = problems(&bad, dir.path());
    for want in
        ["dates.Mon", "names several days", "dates.d2", "exactly one of `factor` and `total`", "already has a factor"]
    {
        assert!(m.contains(want), "lacks {want:?}:\n{m}");
    }
}

#[test]
fn shifts_crossing_midnight_need_a_horizon_open_at_midnight() {
    let dir = tempfile::tempdir().unwrap();
    let agents = "shift_codes:\n  N: { start: \"22:00\", end: \"06:00\", breaks: [{ start: \"02:00\", length: 30m }] }\nagents:\n  - group: night\n    skills: [q]\n    shifts: [{ code: N, count: 3, days: [d1, d2] }]";
    let ok = small(r#"{ days: 3, start: "00:00", end: "24:00", interval: 1h }"#, "", agents);
    let s = parse_str(&ok, &dir.path().join("s.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let g = &s.groups[0];
    let h = &s.horizon;
    // day 1: 22:00-24:00; day 2: 00:00-06:00 carried (break 02:00) and 22:00-24:00; day 3: carried
    let spans = |d: usize| {
        g.pieces_on(h, d).iter().map(|p| (p.start_s / 3600.0, p.end_s / 3600.0, p.carried)).collect::<Vec<_>>()
    };
    assert_eq!(spans(0), vec![(22.0, 24.0, false)]);
    assert_eq!(spans(1), vec![(22.0, 24.0, false), (0.0, 6.0, true)]);
    assert_eq!(spans(2), vec![(0.0, 6.0, true)]);
    assert_eq!(g.pieces_on(h, 1)[1].breaks[0].start_s, 2.0 * 3600.0);
    let c = g.planned_curve(h);
    assert_eq!(&c[24..30], &[3, 3, 0, 3, 3, 3], "on duty after midnight, but for the 02:00 break");
    assert_eq!(c[24 + 22], 3);
    let again = s.revalidate(&dir.path().join("s.yaml")).unwrap();
    assert_eq!(again, s, "a night shift survives the way back");

    // a closed day has no work at all: the night shift before it ends at midnight, in the
    // planned curve and in a roster's paid hours alike
    let roster = "shift_codes:\n  N: { start: \"22:00\", end: \"06:00\" }\nagents:\n  - group: night\n    skills: [q]\n    roster: [{ agent: luna, days: [N, -, N] }]";
    let closed =
        small(r#"{ days: 3, start: "00:00", end: "24:00", interval: 1h }"#, "", &format!("closed: [d2]\n{roster}"));
    let s = parse_str(&closed, &dir.path().join("s.yaml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.groups[0].pieces_on(&s.horizon, 1).is_empty());
    assert!(s.groups[0].planned_curve(&s.horizon)[24..48].iter().all(|x| *x == 0));
    let Staffing::Shifts { roster, .. } = &s.groups[0].staffing else { panic!() };
    assert_eq!(roster[0].paid_hours(&s.horizon), 2.0 + 2.0, "22:00-24:00 twice: d2 closed, d3 the last day");
    let bad = small(r#"{ days: 3, start: "06:00", end: "24:00", interval: 1h }"#, "", agents);
    let m = problems(&bad, dir.path());
    assert!(m.contains("shift_codes.N"), "{m}");
    assert!(m.contains("crosses midnight: that needs a horizon open at midnight"), "{m}");
}

#[test]
fn a_roster_is_read_from_a_planners_csv() {
    let dir = tempfile::tempdir().unwrap();
    let horizon = r#"{ from: 2026-12-07, days: 3, start: "08:00", end: "20:00", interval: 1h }"#;
    let agents = "shift_codes:\n  E: { start: \"08:00\", end: \"16:00\" }\n  L: { start: \"12:00\", end: \"20:00\" }\nagents:\n  - group: team\n    skills: [q]\n    roster: roster.csv";
    let text = small(horizon, "", agents);
    let load = |csv: &str| {
        std::fs::write(dir.path().join("roster.csv"), csv).unwrap();
        parse_str(&text, &dir.path().join("scenario.yaml"))
    };
    for header in ["agent,2026-12-07,2026-12-08,2026-12-09", "Agent,Mon,Tue,Wed", "agent,d1,d2,d3"] {
        let s = load(&format!("{header}\nrossi,E,-,L\nbianchi,,L,E\n")).unwrap_or_else(|e| panic!("{header}: {e}"));
        let Staffing::Shifts { roster, .. } = &s.groups[0].staffing else { panic!() };
        assert_eq!(roster.len(), 2);
        assert_eq!(roster[1].name, "bianchi");
        let codes: Vec<Option<&str>> = roster[1].days.iter().map(|c| c.as_ref().map(|c| c.code.as_str())).collect();
        assert_eq!(codes, vec![None, Some("L"), Some("E")]);
        assert_eq!(roster[0].paid_hours(&s.horizon), 16.0);
    }
    let m = load("agent,Mon,Wed,Thu\nrossi,E,-,L\n").map(|_| ()).unwrap_err().to_string();
    assert!(
        m.contains("roster.csv:1: column 3 is headed \"Wed\": expected day 2 of the horizon (Tue 2026-12-08, or d2)"),
        "{m}"
    );
    let m = load("agent,d1,d2,d3\nrossi,E,-,L\nbianchi,E,X\nverdi,E,E,Z\n").map(|_| ()).unwrap_err().to_string();
    assert!(m.contains("roster.csv:3: 3 cells: expected 4"), "{m}");
    assert!(m.contains("unknown shift code `Z`"), "{m}");
    assert!(m.contains("roster.csv:4"), "{m}");
    let m = load("name,d1,d2,d3\n").map(|_| ()).unwrap_err().to_string();
    assert!(m.contains("the first column must be `agent`"), "{m}");
}

#[test]
fn sites_regions_and_routing_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let bad = week_text()
        .replace("    region: sud\n", "")
        .replace("prefer_site: { nord: milano, sud: napoli }", "prefer_site: { nord: roma }")
        .replace("{ agent: bianchi,", "{ agent: rossi,");
    let m = problems(&bad, dir.path());
    for want in [
        "queues[1]",
        "other entries name a `region`: give this one a `region` too",
        "routing.prefer_site.nord",
        "unknown site `roma` (sites of the groups: milano, napoli)",
        "agents[0].roster[1].agent",
        "agent `rossi` is already rostered at agents[0].roster[0]",
    ] {
        assert!(m.contains(want), "lacks {want:?}:\n{m}");
    }
    let m = problems(&week_text().replace(", cross_site_after: 30s", ""), dir.path());
    assert!(m.contains("give `cross_site_after` too"), "{m}");
}
