//! The independent checker: every rule a roster breaks, one [`Violation`] per breach, in a
//! planner's words. Written from the rules as the spec states them, not from the solver's
//! pricing in `roster`, so that it can verify any roster (the solver's, a planner's, a test's).
//!
//! Rules, per agent (`rule` is the contract key, or `closed`, `unavailable`, `fixed`,
//! `template`):
//! - `closed`: no shift on a day the center is closed; closed days count as days off for every
//!   other rule;
//! - `unavailable`: no shift on a day the agent cannot work;
//! - `fixed`: a day fixed off is not worked; a day fixed to a template is worked on it;
//! - `template`: the template is one the contract may work, runs that day and suits the group;
//! - `hours_per_day`: each worked day's paid hours within [min, max];
//! - `hours_per_week`, `days_per_week`: per whole week (7 days from the first day; a trailing
//!   partial week is not checked), paid hours and days worked within [min, max];
//! - `hours_total`: paid hours over the horizon within [min, max];
//! - `consecutive_days`: every run of worked days at most max long, and at least min unless it
//!   touches the horizon's first or last day;
//! - `min_days_off_in_a_row`: every run of days off between two worked days at least this long;
//! - `min_rest`: from the end of one day's shift to the start of the next day's, at least this;
//! - `forbidden`: no forbidden (template, template the next day) succession;
//! - `max_shifts`: per template, shifts over the horizon at most the limit;
//! - `weekends`: in every window of `per_weeks` consecutive weekends of the horizon (fewer when
//!   the horizon has fewer), weekends worked (Saturday or Sunday) at most `max`.
//!
//! Hours are compared with a tolerance of 1e-9 h.

use super::spec::{Agent, Candidate, Contract, Fixed};
use super::{Spec, Violation};
use crate::time::{format_clock, format_duration};

/// Tolerance on hours and seconds.
const EPS: f64 = 1e-9;

/// Every rule the roster breaks, sorted by agent (in the spec's order), rule and day.
///
/// `roster[a][d]` is the index into `spec.candidates` agent `a` works on day `d`, or `None` for
/// a day off. A row shorter than the horizon is read as days off after its end; rows beyond
/// the spec's agents and days beyond the horizon are ignored; a candidate index the spec does
/// not have is reported as a `template` breach and read as a day off.
pub fn check(spec: &Spec, roster: &[Vec<Option<usize>>]) -> Vec<Violation> {
    let mut found: Vec<(usize, &'static str, Option<usize>, String)> = Vec::new();
    for (a, agent) in spec.agents.iter().enumerate() {
        let row = roster.get(a).map_or(&[][..], Vec::as_slice);
        let mut push = |rule: &'static str, day: Option<usize>, message: String| found.push((a, rule, day, message));
        agent_rules(spec, agent, row, &mut push);
    }
    // stable: breaches of one rule on one day (or none) keep the order they were found in
    found.sort_by_key(|x| (x.0, x.1, x.2));
    found
        .into_iter()
        .map(|(a, rule, day, message)| Violation {
            agent: spec.agents[a].name.clone(),
            rule: rule.to_string(),
            day: day.map(|d| spec.horizon.day_label(d)),
            message,
        })
        .collect()
}

/// A number as a planner writes it: whole numbers without decimals, others with at most two.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "no limit".into();
    }
    if (x - x.round()).abs() < 1e-6 {
        return format!("{}", x.round() as i64);
    }
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "1 day", "3 days".
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// The rules of one agent's row.
fn agent_rules(
    spec: &Spec,
    agent: &Agent,
    row: &[Option<usize>],
    push: &mut dyn FnMut(&'static str, Option<usize>, String),
) {
    let days = spec.horizon.days as usize;
    let k: &Contract = &spec.contracts[agent.contract];
    let label = |d: usize| spec.horizon.day_label(d);
    let span = |a: usize, b: usize| if a == b { label(a) } else { format!("{}–{}", label(a), label(b)) };
    let code = |c: &Candidate| spec.templates[c.template].code.clone();

    // the shifts worked, closed days read as days off
    let mut worked: Vec<Option<&Candidate>> = vec![None; days];
    for (d, slot) in worked.iter_mut().enumerate() {
        let Some(c) = row.get(d).copied().flatten() else { continue };
        let Some(cand) = spec.candidates.get(c) else {
            push(
                "template",
                Some(d),
                format!(
                    "works shift #{c} on {}, which the spec does not have ({} candidate shifts)",
                    label(d),
                    spec.candidates.len()
                ),
            );
            continue;
        };
        let ti = cand.template;
        let t = &spec.templates[ti];
        if !spec.horizon.is_open(d) {
            push("closed", Some(d), format!("works {} on {}, a day the center is closed", t.code, label(d)));
            continue;
        }
        *slot = Some(cand);
        if agent.unavailable.get(d).copied().unwrap_or(false) {
            push("unavailable", Some(d), format!("works {} on {}, a day they are unavailable", t.code, label(d)));
        }
        let mut why = Vec::new();
        if !k.templates.get(ti).copied().unwrap_or(false) {
            why.push(format!("contract {} does not work {}", k.name, t.code));
        }
        if !t.days.get(d).copied().unwrap_or(false) {
            why.push(format!("{} does not run on {}", t.code, label(d)));
        }
        if !t.groups.get(agent.group).copied().unwrap_or(false) {
            let group = spec.groups.get(agent.group).map_or("?", String::as_str);
            why.push(format!("group {group} may not work {}", t.code));
        }
        if !why.is_empty() {
            push("template", Some(d), format!("works {} on {}: {}", t.code, label(d), why.join("; ")));
        }
        let [lo, hi] = k.hours_per_day;
        let h = cand.paid_hours;
        if h < lo - EPS {
            push(
                "hours_per_day",
                Some(d),
                format!(
                    "works {} paid hours on {} ({}); the contract requires at least {}",
                    num(h),
                    label(d),
                    t.code,
                    num(lo)
                ),
            );
        } else if h > hi + EPS {
            push(
                "hours_per_day",
                Some(d),
                format!(
                    "works {} paid hours on {} ({}); the contract allows at most {}",
                    num(h),
                    label(d),
                    t.code,
                    num(hi)
                ),
            );
        }
    }

    // fixed days
    for (d, &on) in worked.iter().enumerate() {
        match (agent.fixed.get(d).copied().unwrap_or(Fixed::Free), on) {
            (Fixed::Off, Some(c)) => {
                push("fixed", Some(d), format!("works {} on {}, fixed as a day off", code(c), label(d)))
            }
            (Fixed::Template(t), None) => {
                push("fixed", Some(d), format!("is off on {}, fixed to work {}", label(d), spec.templates[t].code))
            }
            (Fixed::Template(t), Some(c)) if c.template != t => push(
                "fixed",
                Some(d),
                format!("works {} on {}, fixed to work {}", code(c), label(d), spec.templates[t].code),
            ),
            _ => {}
        }
    }

    // whole weeks
    for w in 0..spec.weeks() {
        let (first, last) = (w * 7, w * 7 + 6);
        let n = worked[first..=last].iter().flatten().count();
        let h: f64 = worked[first..=last].iter().flatten().map(|c| c.paid_hours).sum();
        let week = format!("week {} ({}–{})", w + 1, label(first), label(last));
        let [dlo, dhi] = k.days_per_week;
        if (n as u32) < dlo {
            push(
                "days_per_week",
                Some(first),
                format!("works {} in {week}; the contract requires at least {dlo}", plural(n, "day", "days")),
            );
        } else if n as u32 > dhi {
            push(
                "days_per_week",
                Some(first),
                format!("works {} in {week}; the contract allows at most {dhi}", plural(n, "day", "days")),
            );
        }
        let [hlo, hhi] = k.hours_per_week;
        if h < hlo - EPS {
            push(
                "hours_per_week",
                Some(first),
                format!("works {} paid hours in {week}; the contract requires at least {}", num(h), num(hlo)),
            );
        } else if h > hhi + EPS {
            push(
                "hours_per_week",
                Some(first),
                format!("works {} paid hours in {week}; the contract allows at most {}", num(h), num(hhi)),
            );
        }
    }

    // the horizon
    let total: f64 = worked.iter().flatten().map(|c| c.paid_hours).sum();
    let [tlo, thi] = k.hours_total;
    if total < tlo - EPS {
        push(
            "hours_total",
            None,
            format!("works {} paid hours over the horizon; the contract requires at least {}", num(total), num(tlo)),
        );
    } else if total > thi + EPS {
        push(
            "hours_total",
            None,
            format!("works {} paid hours over the horizon; the contract allows at most {}", num(total), num(thi)),
        );
    }

    // runs of worked days and of days off: (first day, length, worked)
    let mut runs: Vec<(usize, usize, bool)> = Vec::new();
    for (d, c) in worked.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if r.2 == c.is_some() => r.1 += 1,
            _ => runs.push((d, 1, c.is_some())),
        }
    }
    let [cmin, cmax] = k.consecutive_days;
    for &(first, len, on) in &runs {
        let last = first + len - 1;
        let inside = first > 0 && last + 1 < days;
        if on {
            if len as u64 > u64::from(cmax) {
                push(
                    "consecutive_days",
                    Some(first),
                    format!(
                        "works {} in a row ({}); the contract allows at most {cmax}",
                        plural(len, "day", "days"),
                        span(first, last)
                    ),
                );
            } else if (len as u64) < u64::from(cmin) && inside {
                push(
                    "consecutive_days",
                    Some(first),
                    format!(
                        "works only {} in a row ({}); the contract requires at least {cmin}",
                        plural(len, "day", "days"),
                        span(first, last)
                    ),
                );
            }
        } else if inside && (len as u64) < u64::from(k.min_days_off) {
            push(
                "min_days_off_in_a_row",
                Some(first),
                format!(
                    "has only {} off in a row ({}); the contract requires at least {}",
                    plural(len, "day", "days"),
                    span(first, last),
                    k.min_days_off
                ),
            );
        }
    }

    // consecutive days: rest and successions
    for d in 1..days {
        let (Some(prev), Some(next)) = (worked[d - 1], worked[d]) else { continue };
        let rest = 86_400.0 + next.start_s - prev.end_s;
        if rest < k.min_rest_s - EPS {
            push(
                "min_rest",
                Some(d),
                format!(
                    "rests {} between {} on {} (ends {}) and {} on {} (starts {}); the contract requires {}",
                    format_duration(rest.max(0.0)),
                    code(prev),
                    label(d - 1),
                    format_clock(prev.end_s),
                    code(next),
                    label(d),
                    format_clock(next.start_s),
                    format_duration(k.min_rest_s)
                ),
            );
        }
        if k.forbidden.contains(&(prev.template, next.template)) {
            push(
                "forbidden",
                Some(d),
                format!(
                    "works {} on {} after {} on {}: a succession the contract forbids",
                    code(next),
                    label(d),
                    code(prev),
                    label(d - 1)
                ),
            );
        }
    }

    // shifts per template
    let mut counts = vec![0u32; spec.templates.len()];
    for c in worked.iter().flatten() {
        counts[c.template] += 1;
    }
    for (t, (&n, &max)) in counts.iter().zip(&k.max_shifts).enumerate() {
        if n > max {
            push(
                "max_shifts",
                None,
                format!(
                    "works {n} {} shifts over the horizon; the contract allows at most {max}",
                    spec.templates[t].code
                ),
            );
        }
    }

    // weekends
    let nw = spec.weekends();
    if let Some((max, per)) = k.weekends
        && nw > 0
    {
        let mut on = vec![false; nw];
        for (d, c) in worked.iter().enumerate() {
            if c.is_some() && spec.is_weekend(d) {
                let w = spec.weekend_index(d);
                if w < nw {
                    on[w] = true;
                }
            }
        }
        let window = (per as usize).clamp(1, nw);
        for s in 0..=nw - window {
            let n = on[s..s + window].iter().filter(|x| **x).count();
            if n as u64 > u64::from(max) {
                let first = (0..days).find(|&d| spec.is_weekend(d) && spec.weekend_index(d) == s);
                let from =
                    first.map_or_else(|| format!("weekend {}", s + 1), |d| format!("the weekend of {}", label(d)));
                let worked = if window == 1 {
                    format!("works {from}")
                } else {
                    format!("works {n} of the {window} weekends from {from}")
                };
                push(
                    "weekends",
                    first,
                    format!(
                        "{worked}; the contract allows at most {max} in any {}",
                        plural(per as usize, "week", "weeks")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::spec::{RawSpec, validate};
    use std::path::Path;

    /// A spec from YAML text.
    fn spec(yaml: &str) -> Spec {
        let raw: RawSpec = serde_yaml::from_str(yaml).expect("valid YAML");
        validate(&raw, Path::new("."), None).unwrap_or_else(|p| panic!("invalid spec: {p:?}"))
    }

    /// One agent `ann` in group `team` on contract `k` over `days` undated days, 06:00–22:00 in
    /// 2-hour intervals, with templates E (06–14), L (14–22) and S (10–14, 4 h).
    fn one(days: u32, top: &str, contract: &str, agent: &str) -> Spec {
        spec(&format!(
            r#"
name: t
horizon: {{ start: "06:00", end: "22:00", interval: 2h, days: {days} }}
{top}
requirement: {{ team: [1, 1, 1, 1, 1, 1, 1, 1] }}
shift_templates:
  - {{ code: E, start: "06:00", length: 8h }}
  - {{ code: L, start: "14:00", length: 8h }}
  - {{ code: S, start: "10:00", length: 4h }}
contracts:
  k: {{ {contract} }}
agents:
  - {{ name: ann, group: team, contract: k {agent} }}
"#
        ))
    }

    /// A row from codes separated by spaces (`-` = off): each code's first candidate.
    fn row(spec: &Spec, text: &str) -> Vec<Option<usize>> {
        text.split_whitespace()
            .map(|t| {
                (t != "-").then(|| spec.templates[spec.template_index(t).expect("a template code")].candidates.start)
            })
            .collect()
    }

    /// (rule, day) of each violation.
    fn rules(v: &[Violation]) -> Vec<(String, Option<String>)> {
        v.iter().map(|x| (x.rule.clone(), x.day.clone())).collect()
    }

    fn r(rule: &str, day: Option<&str>) -> (String, Option<String>) {
        (rule.to_string(), day.map(str::to_string))
    }

    #[test]
    fn a_roster_keeping_every_rule_passes() {
        let s = one(
            14,
            "",
            "hours_per_day: [4, 8], hours_per_week: [28, 40], hours_total: [60, 80], days_per_week: [4, 5], \
             consecutive_days: [2, 5], min_days_off_in_a_row: 2, min_rest: 11h, forbidden: [[L, E]], \
             max_shifts: { L: 3 }, weekends: { max: 1, per_weeks: 2 }",
            "",
        );
        let ro = vec![row(&s, "E E E E L - - - E E L L - -")];
        assert_eq!(check(&s, &ro), vec![]);
    }

    #[test]
    fn closed_days_are_not_worked_and_count_as_days_off() {
        let s = one(7, "closed: [d3]", "consecutive_days: [1, 2]", "");
        // E on the closed d3: one `closed` breach; d3 then splits the runs d1–d2 and d4–d5
        let v = check(&s, &[row(&s, "E E E E E - -")]);
        assert_eq!(rules(&v), vec![r("closed", Some("d3"))]);
        assert_eq!(v[0].message, "works E on d3, a day the center is closed");
        assert_eq!(check(&s, &[row(&s, "E E - E E - -")]), vec![]);
    }

    #[test]
    fn unavailable_days_are_not_worked() {
        let s = one(7, "", "", ", unavailable: [d2, d5]");
        let v = check(&s, &[row(&s, "E E - - L - -")]);
        assert_eq!(rules(&v), vec![r("unavailable", Some("d2")), r("unavailable", Some("d5"))]);
        assert_eq!(check(&s, &[row(&s, "E - E E - E E")]), vec![]);
    }

    #[test]
    fn fixed_days_off_and_fixed_templates_are_kept() {
        let s = one(7, "", "", r#", fixed: { d1: "-", d3: L, d4: E }"#);
        let v = check(&s, &[row(&s, "E - E - - - -")]);
        assert_eq!(rules(&v), vec![r("fixed", Some("d1")), r("fixed", Some("d3")), r("fixed", Some("d4"))]);
        assert_eq!(v[1].message, "works E on d3, fixed to work L");
        assert_eq!(v[2].message, "is off on d4, fixed to work E");
        assert_eq!(check(&s, &[row(&s, "- E L E - - -")]), vec![]);
    }

    #[test]
    fn templates_must_suit_the_contract_the_day_and_the_group() {
        let s = spec(
            r#"
name: t
horizon: { start: "06:00", end: "22:00", interval: 2h, days: 7 }
requirement: { a: [1, 1, 1, 1, 1, 1, 1, 1], b: [1, 1, 1, 1, 1, 1, 1, 1] }
shift_templates:
  - { code: E, start: "06:00", length: 8h, days: [d1, d2, d3, d4, d5] }
  - { code: L, start: "14:00", length: 8h, groups: [b] }
  - { code: S, start: "10:00", length: 4h }
contracts:
  k: { templates: [E, L] }
agents:
  - { name: ann, group: a, contract: k }
  - { name: bob, group: b, contract: k }
"#,
        );
        let v = check(&s, &[row(&s, "E L S - - E -"), row(&s, "E L - - - - -")]);
        let got: Vec<(&str, &str, Option<&str>)> =
            v.iter().map(|x| (x.agent.as_str(), x.rule.as_str(), x.day.as_deref())).collect();
        assert_eq!(
            got,
            vec![("ann", "template", Some("d2")), ("ann", "template", Some("d3")), ("ann", "template", Some("d6"))]
        );
        assert_eq!(v[0].message, "works L on d2: group a may not work L");
        assert_eq!(v[1].message, "works S on d3: contract k does not work S");
        assert_eq!(v[2].message, "works E on d6: E does not run on d6");
    }

    #[test]
    fn hours_per_day_are_within_the_range() {
        let s = one(7, "", "hours_per_day: [6, 8]", "");
        let v = check(&s, &[row(&s, "E S - - - - -")]);
        assert_eq!(rules(&v), vec![r("hours_per_day", Some("d2"))]);
        assert_eq!(v[0].message, "works 4 paid hours on d2 (S); the contract requires at least 6");
        assert_eq!(check(&s, &[row(&s, "E L - - - - -")]), vec![]);
    }

    #[test]
    fn hours_per_week_are_checked_on_whole_weeks_only() {
        let s = one(10, "", "hours_per_week: [12, 20]", "");
        // week 1: 24 h (over); the partial days 8–10 (24 h) are not a week
        let v = check(&s, &[row(&s, "E E E - - - - E E E")]);
        assert_eq!(rules(&v), vec![r("hours_per_week", Some("d1"))]);
        assert_eq!(v[0].message, "works 24 paid hours in week 1 (d1–d7); the contract allows at most 20");
        let v = check(&s, &[row(&s, "S - - - - - - E E E")]);
        assert_eq!(v[0].message, "works 4 paid hours in week 1 (d1–d7); the contract requires at least 12");
        assert_eq!(check(&s, &[row(&s, "E E - - - - - E E E")]), vec![]);
    }

    #[test]
    fn days_per_week_one_breach_per_week() {
        let s = one(14, "", "days_per_week: [2, 5]", "");
        let v = check(&s, &[row(&s, "E E E E E E - S - - - - - -")]);
        assert_eq!(rules(&v), vec![r("days_per_week", Some("d1")), r("days_per_week", Some("d8"))]);
        assert_eq!(v[0].message, "works 6 days in week 1 (d1–d7); the contract allows at most 5");
        assert_eq!(v[1].message, "works 1 day in week 2 (d8–d14); the contract requires at least 2");
        assert_eq!(check(&s, &[row(&s, "E E E E E - - S S - - - - -")]), vec![]);
    }

    #[test]
    fn hours_total_over_the_horizon() {
        let s = one(7, "", "hours_total: [16, 20]", "");
        let v = check(&s, &[row(&s, "E E E - - - -")]);
        assert_eq!(rules(&v), vec![r("hours_total", None)]);
        assert_eq!(v[0].message, "works 24 paid hours over the horizon; the contract allows at most 20");
        assert_eq!(rules(&check(&s, &[row(&s, "S - - - - - -")])), vec![r("hours_total", None)]);
        assert_eq!(check(&s, &[row(&s, "E S S - - - -")]), vec![]);
    }

    #[test]
    fn consecutive_days_at_most_max() {
        let s = one(14, "", "consecutive_days: [1, 3]", "");
        let v = check(&s, &[row(&s, "E E E E - E E E - E E E E E")]);
        assert_eq!(rules(&v), vec![r("consecutive_days", Some("d1")), r("consecutive_days", Some("d10"))]);
        assert_eq!(v[1].message, "works 5 days in a row (d10–d14); the contract allows at most 3");
        assert_eq!(check(&s, &[row(&s, "E E E - E E E - E E E - E E")]), vec![]);
    }

    #[test]
    fn consecutive_days_at_least_min_except_at_the_edges() {
        let s = one(10, "", "consecutive_days: [3, 7]", "");
        // d1 and d10 touch the edges; d4–d5 is short
        let v = check(&s, &[row(&s, "E - - E E - E E E E")]);
        assert_eq!(rules(&v), vec![r("consecutive_days", Some("d4"))]);
        assert_eq!(v[0].message, "works only 2 days in a row (d4–d5); the contract requires at least 3");
        assert_eq!(check(&s, &[row(&s, "E - E E E - - - - E")]), vec![]);
    }

    #[test]
    fn days_off_in_a_row_between_worked_days() {
        let s = one(10, "closed: [d6]", "min_days_off_in_a_row: 2", "");
        // off d2 alone: short; d5 + closed d6 (worked, so a `closed` breach): two days off; the
        // run reaching d10 is exempt
        let v = check(&s, &[row(&s, "E - E E - E E E E -")]);
        assert_eq!(rules(&v), vec![r("closed", Some("d6")), r("min_days_off_in_a_row", Some("d2"))]);
        assert_eq!(v[1].message, "has only 1 day off in a row (d2); the contract requires at least 2");
        assert_eq!(check(&s, &[row(&s, "- E E E - - E E E -")]), vec![]);
    }

    #[test]
    fn rest_between_shifts_on_consecutive_days() {
        let s = one(7, "", "min_rest: 11h", "");
        // L ends 22:00, E starts 06:00: 8 h; L then S (10:00): 12 h
        let v = check(&s, &[row(&s, "L E - L S - -")]);
        assert_eq!(rules(&v), vec![r("min_rest", Some("d2"))]);
        assert_eq!(
            v[0].message,
            "rests 8h between L on d1 (ends 22:00) and E on d2 (starts 06:00); the contract requires 11h"
        );
        assert_eq!(check(&s, &[row(&s, "E L L - E E -")]), vec![]);
    }

    #[test]
    fn forbidden_successions() {
        let s = one(7, "", "forbidden: [[L, E], [S, S]]", "");
        let v = check(&s, &[row(&s, "L E S S - L E")]);
        assert_eq!(rules(&v), vec![r("forbidden", Some("d2")), r("forbidden", Some("d4")), r("forbidden", Some("d7"))]);
        assert_eq!(v[0].message, "works E on d2 after L on d1: a succession the contract forbids");
        assert_eq!(check(&s, &[row(&s, "E L L - E S E")]), vec![]);
    }

    #[test]
    fn max_shifts_per_template() {
        let s = one(7, "", "max_shifts: { L: 2, S: 0 }", "");
        let v = check(&s, &[row(&s, "L L L S E E E")]);
        let got: Vec<&str> = v.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "works 3 L shifts over the horizon; the contract allows at most 2",
                "works 1 S shifts over the horizon; the contract allows at most 0"
            ]
        );
        assert!(v.iter().all(|x| x.rule == "max_shifts" && x.day.is_none()));
        assert_eq!(check(&s, &[row(&s, "L L E E E E E")]), vec![]);
    }

    #[test]
    fn weekends_in_every_window() {
        // undated: weekends are days 6–7 of each week; 21 days = 3 weekends
        let s = one(21, "", "weekends: { max: 1, per_weeks: 2 }", "");
        let v = check(&s, &[row(&s, "- - - - - E - - - - - - - E - - - - - - E")]);
        assert_eq!(rules(&v), vec![r("weekends", Some("d6")), r("weekends", Some("d13"))]);
        assert_eq!(
            v[0].message,
            "works 2 of the 2 weekends from the weekend of d6; the contract allows at most 1 in any 2 weeks"
        );
        assert_eq!(check(&s, &[row(&s, "E E E E E E - - - - - - - - - - - - - - E")]), vec![]);
        // a window longer than the horizon is clipped to its weekends
        let s = one(14, "", "weekends: { max: 1, per_weeks: 4 }", "");
        assert_eq!(rules(&check(&s, &[row(&s, "- - - - - - E - - - - - E -")])), vec![r("weekends", Some("d6"))]);
        assert_eq!(check(&s, &[row(&s, "- - - - - - E - - - - - - -")]), vec![]);
    }

    #[test]
    fn weekends_on_dated_days_follow_the_calendar() {
        // from Wednesday 2026-03-04: Sat 7, Sun 8 (weekend 1), Sat 14, Sun 15 (weekend 2)
        let s = spec(
            r#"
name: t
horizon: { start: "06:00", end: "22:00", interval: 2h, from: "2026-03-04", to: "2026-03-15" }
requirement: { team: [1, 1, 1, 1, 1, 1, 1, 1] }
shift_templates:
  - { code: E, start: "06:00", length: 8h }
contracts:
  k: { weekends: { max: 1, per_weeks: 2 } }
agents:
  - { name: ann, group: team, contract: k }
"#,
        );
        assert_eq!(s.weekends(), 2);
        let v = check(&s, &[row(&s, "- - - - E - - - - - - E")]);
        assert_eq!(rules(&v), vec![r("weekends", Some("Sat 2026-03-07"))]);
        assert_eq!(
            v[0].message,
            "works 2 of the 2 weekends from the weekend of Sat 2026-03-07; the contract allows at most 1 in any 2 weeks"
        );
        let k = one(7, "", "weekends: { max: 0, per_weeks: 1 }", "");
        let v = check(&k, &[row(&k, "- - - - - - E")]);
        assert_eq!(v[0].message, "works the weekend of d6; the contract allows at most 0 in any 1 week");
        // Sat and Sun of one weekend are one weekend
        assert_eq!(check(&s, &[row(&s, "E E E E E - - - - - - -")]), vec![]);
    }

    #[test]
    fn every_breach_sorted_by_agent_rule_and_day() {
        let s = spec(
            r#"
name: t
horizon: { start: "06:00", end: "22:00", interval: 2h, days: 14 }
requirement: { team: [1, 1, 1, 1, 1, 1, 1, 1] }
shift_templates:
  - { code: E, start: "06:00", length: 8h }
  - { code: L, start: "14:00", length: 8h }
contracts:
  k: { days_per_week: [0, 4], min_rest: 11h, consecutive_days: [1, 5] }
agents:
  - { name: zed, group: team, contract: k }
  - { name: amy, group: team, contract: k, unavailable: [d12] }
"#,
        );
        let ro = vec![row(&s, "L E E E E E - - - - - L E -"), row(&s, "E E E E E - - - - - L L L L")];
        let v = check(&s, &ro);
        let got: Vec<(&str, &str, Option<&str>)> =
            v.iter().map(|x| (x.agent.as_str(), x.rule.as_str(), x.day.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("zed", "consecutive_days", Some("d1")),
                ("zed", "days_per_week", Some("d1")),
                ("zed", "min_rest", Some("d2")),
                ("zed", "min_rest", Some("d13")),
                ("amy", "days_per_week", Some("d1")),
                ("amy", "unavailable", Some("d12")),
            ]
        );
        assert_eq!(check(&s, &ro), v, "deterministic");
    }

    #[test]
    fn odd_rosters_are_read_without_panics() {
        let s = one(7, "", "days_per_week: [1, 7]", "");
        // no row at all: a week without work
        assert_eq!(rules(&check(&s, &[])), vec![r("days_per_week", Some("d1"))]);
        // a short row, an unknown candidate, days beyond the horizon and extra rows
        let v = check(&s, &[vec![Some(999)], vec![Some(0); 3]]);
        assert_eq!(rules(&v), vec![r("days_per_week", Some("d1")), r("template", Some("d1"))]);
        assert!(v[1].message.contains("shift #999"), "{}", v[1].message);
        assert_eq!(check(&s, &[row(&s, "E - - - - - - E E")]), vec![]);
    }

    #[test]
    fn numbers_read_as_a_planner_writes_them() {
        assert_eq!(num(8.0), "8");
        assert_eq!(num(7.5), "7.5");
        assert_eq!(num(22.499_999_999_9), "22.5");
        assert_eq!(num(1.0 / 3.0), "0.33");
        assert_eq!(plural(1, "day", "days"), "1 day");
    }
}
