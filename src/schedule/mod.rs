//! Scheduling (issue 15): from a requirement curve to shifts and a roster of agents under
//! contract rules. Owns the result types and the dispatch between the two jobs:
//! - without agents, [`select`] chooses how many of each candidate shift to start per day and
//!   group (an integer program through good_lp + microlp, with its LP bound);
//! - with agents (counted or named), [`roster`] gives each agent a shift or a day off per day by
//!   LP-guided construction and a seeded local search, and [`check`] (written from the rules, not
//!   from the solver) lists every contract rule the roster breaks.
//!
//! The spec format is in [`spec`] and docs/schedule.md.

pub mod check;
pub mod emit;
pub mod roster;
pub mod rules;
pub mod select;
pub mod spec;
pub mod verify;

pub use spec::{Candidate, Spec, load};

use crate::time::format_clock;
use serde::Serialize;
use std::collections::BTreeMap;

/// Agents starting one concrete shift on one day in one group.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChosenShift {
    /// Day label (`d1`, or the date when the horizon is dated).
    pub day: String,
    /// Group.
    pub group: String,
    /// Concrete shift code (template code + start, e.g. `D0830`), a key of `shift_codes`.
    pub code: String,
    /// Template code.
    pub template: String,
    /// Start, "HH:MM".
    pub start: String,
    /// End, "HH:MM".
    pub end: String,
    /// Agents.
    pub count: u32,
}

/// Required and scheduled agents in one interval.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Coverage {
    /// Day label.
    pub day: String,
    /// Group.
    pub group: String,
    /// Interval start, "HH:MM".
    pub start: String,
    /// Agents required.
    pub required: u32,
    /// Agents on duty (breaks count as the share of the interval they take).
    pub scheduled: f64,
}

/// A concrete shift as the scenario's `shift_codes` write it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShiftCodeOut {
    /// Template code.
    pub template: String,
    /// Start, "HH:MM".
    pub start: String,
    /// End, "HH:MM".
    pub end: String,
    /// Breaks: start "HH:MM", length in minutes, paid.
    pub breaks: Vec<BreakOut>,
    /// Paid hours.
    pub paid_hours: f64,
}

/// A placed break.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BreakOut {
    /// Start, "HH:MM".
    pub start: String,
    /// Length, minutes.
    pub minutes: f64,
    /// Paid or not.
    pub paid: bool,
}

/// One agent's row of the roster.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RosterRow {
    /// Agent name.
    pub agent: String,
    /// Group.
    pub group: String,
    /// Contract.
    pub contract: String,
    /// Per day, the concrete shift code worked, or `null` for a day off.
    pub days: Vec<Option<String>>,
    /// Paid hours over the horizon.
    pub hours: f64,
    /// Weekends (Saturday or Sunday) worked.
    pub weekends: u32,
}

/// A contract rule broken.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// Agent name.
    pub agent: String,
    /// Rule key as written in the contract (e.g. `days_per_week`), or `unavailable`, `fixed`,
    /// `template` (a template the contract or group may not work, or not on that day).
    pub rule: String,
    /// Day label (or the first day of the week or run concerned), when the rule is about days.
    pub day: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

/// Intervals left short, and the rule that binds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Shortfall {
    /// Day label.
    pub day: String,
    /// Group.
    pub group: String,
    /// Short intervals, "HH:MM–HH:MM" ranges.
    pub intervals: Vec<String>,
    /// Agent-hours short that day.
    pub agent_hours: f64,
    /// Why, in a planner's words.
    pub reason: String,
}

/// What a planner reads about the schedule's quality.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metrics {
    /// Required agent-hours (sum of the requirement × interval length).
    pub required_hours: f64,
    /// Agent-hours on duty above the requirement, % of required.
    pub over_pct: f64,
    /// Agent-hours on duty below the requirement, % of required.
    pub under_pct: f64,
    /// Agent-hours short.
    pub under_hours: f64,
    /// Agent-hours over.
    pub over_hours: f64,
    /// Soft preferences not granted.
    pub preferences_not_granted: u32,
    /// Weekends worked by full-time agents: least and most (`null` without them).
    pub full_time_weekends: Option<[u32; 2]>,
    /// Paid hours per agent: least and most (`null` without agents).
    pub hours_per_agent: Option<[f64; 2]>,
}

/// How the answer was found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchInfo {
    /// `integer program` (proven optimal per day), `LP rounding + local search`, ...
    pub method: String,
    /// Objective value of the answer (weighted under/over coverage, preferences, cost; or
    /// hours or cost when choosing shifts).
    pub objective: f64,
    /// Lower bound on the objective from the LP relaxation.
    pub lp_bound: f64,
    /// (objective − bound) ÷ objective, % (0 = proven optimal).
    pub gap_pct: f64,
    /// Local-search moves tried.
    pub moves: u64,
    /// Seconds spent.
    pub seconds: f64,
    /// Whether the time limit cut the search short (the answer is then not reproducible).
    pub time_limited: bool,
    /// Whether the solver found a roster keeping every hard rule by its own bookkeeping (the
    /// independent checker's `violations` must then be empty).
    pub feasible: bool,
    /// Whether the answer is proven optimal (objective equal to the bound of a completed
    /// branch and bound).
    pub proven_optimal: bool,
    /// Seed of the local search.
    pub seed: u64,
}

/// The schedule.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Schedule {
    /// Spec name.
    pub name: String,
    /// Paid agent hours.
    pub agent_hours: f64,
    /// Paid agent hours of the LP relaxation (choosing shifts: no cover can use fewer).
    pub lp_bound_hours: f64,
    /// Cost when every template has a cost, else `None`.
    pub cost: Option<f64>,
    /// Shifts started, by day, group and concrete shift.
    pub shifts: Vec<ChosenShift>,
    /// Concrete shifts used, by code.
    pub shift_codes: BTreeMap<String, ShiftCodeOut>,
    /// Coverage per day, group and interval.
    pub coverage: Vec<Coverage>,
    /// The roster (agents named or counted), else empty.
    pub roster: Vec<RosterRow>,
    /// Contract rules broken (empty when none).
    pub violations: Vec<Violation>,
    /// Intervals left short and why.
    pub short: Vec<Shortfall>,
    /// Quality figures.
    pub metrics: Metrics,
    /// How it was found.
    pub search: SearchInfo,
}

/// Options of the solvers.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed of the local search.
    pub seed: u64,
    /// Stop the local search after this many seconds (the answer is then marked as cut).
    pub time_limit_s: f64,
    /// Local-search moves per agent-day (effort; the default suits most rosters).
    pub moves_per_agent_day: u64,
    /// Show a progress bar.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { seed: 1, time_limit_s: 60.0, moves_per_agent_day: 1_000, progress: false }
    }
}

/// Solves the spec: shift counts without agents, a roster with them.
pub fn solve(spec: &Spec, opts: &Options) -> Result<Schedule, String> {
    let t0 = std::time::Instant::now();
    let (plan, search) = if spec.agents.is_empty() { select::solve(spec, opts)? } else { roster::solve(spec, opts)? };
    let mut s = build(spec, &plan, search);
    s.search.seconds = t0.elapsed().as_secs_f64();
    Ok(s)
}

/// What a solver returns: per group and day, the candidates started (with repetition), and per
/// agent and day the candidate worked (empty without agents).
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// `starts[g][d]`: candidate indices started for group `g` on day `d` (one per agent).
    pub starts: Vec<Vec<Vec<usize>>>,
    /// `roster[a][d]`: the candidate agent `a` works on day `d`.
    pub roster: Vec<Vec<Option<usize>>>,
    /// LP bound on paid hours (choosing shifts), hours.
    pub lp_bound_hours: f64,
}

impl Plan {
    /// The per-group, per-day starts of a roster.
    pub fn from_roster(spec: &Spec, roster: Vec<Vec<Option<usize>>>) -> Plan {
        let days = spec.horizon.days as usize;
        let mut starts = vec![vec![Vec::new(); days]; spec.groups.len()];
        for (a, row) in roster.iter().enumerate() {
            for (d, c) in row.iter().enumerate() {
                if let Some(c) = c {
                    starts[spec.agents[a].group][d].push(*c);
                }
            }
        }
        Plan { starts, roster, lp_bound_hours: 0.0 }
    }
}

/// On-duty agents per group and global interval.
pub fn coverage_of(spec: &Spec, plan: &Plan) -> Vec<Vec<f64>> {
    let ipd = spec.ipd();
    let mut cov = vec![vec![0.0; ipd * spec.horizon.days as usize]; spec.groups.len()];
    for (g, per_day) in plan.starts.iter().enumerate() {
        for (d, cands) in per_day.iter().enumerate() {
            for &c in cands {
                let cand = &spec.candidates[c];
                for (k, share) in cand.cover.iter().enumerate() {
                    cov[g][d * ipd + cand.first_interval + k] += share;
                }
            }
        }
    }
    cov
}

/// Concrete shift codes: template code + start (`D0830`), with `-2`, `-3`... when one start has
/// several break placements.
fn concrete_codes(spec: &Spec, used: &[usize]) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut used = used.to_vec();
    used.sort_unstable();
    used.dedup();
    for c in used {
        let cand = &spec.candidates[c];
        let base = format!("{}{}", spec.templates[cand.template].code, format_clock(cand.start_s).replace(':', ""));
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        out.insert(c, if *n == 1 { base } else { format!("{base}-{n}") });
    }
    out
}

/// Builds the output from a plan.
fn build(spec: &Spec, plan: &Plan, search: SearchInfo) -> Schedule {
    let ipd = spec.ipd();
    let ih = spec.interval_h();
    let used: Vec<usize> = plan.starts.iter().flatten().flatten().copied().collect();
    let codes = concrete_codes(spec, &used);
    let shift_codes = codes
        .iter()
        .map(|(c, code)| {
            let cand = &spec.candidates[*c];
            (
                code.clone(),
                ShiftCodeOut {
                    template: spec.templates[cand.template].code.clone(),
                    start: format_clock(cand.start_s),
                    end: format_clock(cand.end_s),
                    breaks: cand
                        .breaks
                        .iter()
                        .map(|b| BreakOut { start: format_clock(b.start_s), minutes: b.length_s / 60.0, paid: b.paid })
                        .collect(),
                    paid_hours: cand.paid_hours,
                },
            )
        })
        .collect();
    let mut shifts = Vec::new();
    let mut agent_hours = 0.0;
    let mut cost = spec.templates.iter().all(|t| t.cost_per_hour.is_some()).then_some(0.0);
    for (g, per_day) in plan.starts.iter().enumerate() {
        for (d, cands) in per_day.iter().enumerate() {
            let mut counts: BTreeMap<usize, u32> = BTreeMap::new();
            for &c in cands {
                *counts.entry(c).or_default() += 1;
                let cand = &spec.candidates[c];
                agent_hours += cand.paid_hours;
                if let Some(x) = &mut cost {
                    *x += cand.paid_hours * spec.templates[cand.template].cost_per_hour.unwrap_or(0.0);
                }
            }
            let mut rows: Vec<(f64, usize, u32)> =
                counts.into_iter().map(|(c, k)| (spec.candidates[c].start_s, c, k)).collect();
            rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (_, c, k) in rows {
                let cand = &spec.candidates[c];
                shifts.push(ChosenShift {
                    day: spec.horizon.day_label(d),
                    group: spec.groups[g].clone(),
                    code: codes[&c].clone(),
                    template: spec.templates[cand.template].code.clone(),
                    start: format_clock(cand.start_s),
                    end: format_clock(cand.end_s),
                    count: k,
                });
            }
        }
    }
    let cov = coverage_of(spec, plan);
    let mut coverage = Vec::new();
    let (mut under_h, mut over_h, mut required_h) = (0.0, 0.0, 0.0);
    for (g, req) in spec.requirement.iter().enumerate() {
        for (t, r) in req.iter().enumerate() {
            let d = t / ipd;
            if !spec.horizon.is_open(d) {
                continue;
            }
            let r = f64::from(*r);
            required_h += r * ih;
            under_h += (r - cov[g][t]).max(0.0) * ih;
            over_h += (cov[g][t] - r).max(0.0) * ih;
            coverage.push(Coverage {
                day: spec.horizon.day_label(d),
                group: spec.groups[g].clone(),
                start: format_clock(spec.horizon.start_s + (t % ipd) as f64 * spec.horizon.interval_s),
                required: r as u32,
                scheduled: (cov[g][t] * 1e6).round() / 1e6,
            });
        }
    }
    let pct = |x: f64| if required_h > 0.0 { x / required_h * 100.0 } else { 0.0 };
    let roster: Vec<RosterRow> = plan
        .roster
        .iter()
        .enumerate()
        .map(|(a, row)| {
            let agent = &spec.agents[a];
            RosterRow {
                agent: agent.name.clone(),
                group: spec.groups[agent.group].clone(),
                contract: spec.contracts[agent.contract].name.clone(),
                days: row.iter().map(|c| c.map(|c| codes[&c].clone())).collect(),
                hours: row.iter().flatten().map(|c| spec.candidates[*c].paid_hours).sum(),
                weekends: weekends_worked(spec, row),
            }
        })
        .collect();
    let ft: Vec<u32> = roster
        .iter()
        .zip(&spec.agents)
        .filter(|(_, a)| spec.contracts[a.contract].kind == spec::ContractKind::FullTime)
        .map(|(r, _)| r.weekends)
        .collect();
    let hours: Vec<f64> = roster.iter().map(|r| r.hours).collect();
    let metrics = Metrics {
        required_hours: required_h,
        over_pct: pct(over_h),
        under_pct: pct(under_h),
        under_hours: under_h,
        over_hours: over_h,
        preferences_not_granted: plan
            .roster
            .iter()
            .enumerate()
            .map(|(a, row)| preferences_not_granted(spec, a, row))
            .sum(),
        full_time_weekends: (!ft.is_empty())
            .then(|| [*ft.iter().min().expect("non-empty"), *ft.iter().max().expect("non-empty")]),
        hours_per_agent: (!hours.is_empty())
            .then(|| [hours.iter().copied().fold(f64::INFINITY, f64::min), hours.iter().copied().fold(0.0, f64::max)]),
    };
    let violations = if plan.roster.is_empty() { Vec::new() } else { check::check(spec, &plan.roster) };
    let short = shortfalls(spec, &cov);
    Schedule {
        name: spec.name.clone(),
        agent_hours,
        lp_bound_hours: plan.lp_bound_hours,
        cost,
        shifts,
        shift_codes,
        coverage,
        roster,
        violations,
        short,
        metrics,
        search,
    }
}

/// Weekends (Saturday or Sunday) an agent's row works.
pub fn weekends_worked(spec: &Spec, row: &[Option<usize>]) -> u32 {
    let mut w: Vec<usize> = row
        .iter()
        .enumerate()
        .filter(|(d, c)| c.is_some() && spec.is_weekend(*d))
        .map(|(d, _)| spec.weekend_index(d))
        .collect();
    w.dedup();
    w.len() as u32
}

/// Soft preferences of agent `a` its row does not grant: days off preferred but worked, and
/// worked days on a template not preferred.
pub fn preferences_not_granted(spec: &Spec, a: usize, row: &[Option<usize>]) -> u32 {
    let agent = &spec.agents[a];
    row.iter()
        .enumerate()
        .filter_map(|(d, c)| c.map(|c| (d, c)))
        .map(|(d, c)| {
            u32::from(agent.prefer_off[d])
                + u32::from(!agent.prefer_templates.is_empty() && !agent.prefer_templates[spec.candidates[c].template])
        })
        .sum()
}

/// Short intervals per day and group, with the rule that binds.
fn shortfalls(spec: &Spec, cov: &[Vec<f64>]) -> Vec<Shortfall> {
    let ipd = spec.ipd();
    let ih = spec.interval_h();
    let mut out = Vec::new();
    for (g, req) in spec.requirement.iter().enumerate() {
        for d in 0..spec.horizon.days as usize {
            let mut ranges: Vec<(usize, usize)> = Vec::new();
            let mut hours = 0.0;
            for i in 0..ipd {
                let t = d * ipd + i;
                let gap = f64::from(req[t]) - cov[g][t];
                if gap > 1e-6 {
                    hours += gap * ih;
                    match ranges.last_mut() {
                        Some(r) if r.1 == i => r.1 = i + 1,
                        _ => ranges.push((i, i + 1)),
                    }
                }
            }
            if ranges.is_empty() {
                continue;
            }
            let clock = |i: usize| format_clock(spec.horizon.start_s + i as f64 * spec.horizon.interval_s);
            out.push(Shortfall {
                day: spec.horizon.day_label(d),
                group: spec.groups[g].clone(),
                intervals: ranges.iter().map(|(a, b)| format!("{}–{}", clock(*a), clock(*b))).collect(),
                agent_hours: hours,
                reason: binding_rule(spec, g, d, &ranges),
            });
        }
    }
    out
}

/// The first reason found why group `g` is short on day `d`, from the simplest: no shift covers
/// the interval; fewer agents can work then than required; the week's days or hours of the
/// contracts are too few; otherwise the rules together.
fn binding_rule(spec: &Spec, g: usize, d: usize, ranges: &[(usize, usize)]) -> String {
    let ipd = spec.ipd();
    let clock = |i: usize| format_clock(spec.horizon.start_s + i as f64 * spec.horizon.interval_s);
    let day = spec.horizon.day_label(d);
    let can_cover = |i: usize| {
        spec.templates.iter().any(|t| {
            t.days[d] && t.groups[g] && spec.candidates[t.candidates.clone()].iter().any(|c| c.on_duty(i) > 0.0)
        })
    };
    for &(a, b) in ranges {
        if let Some(i) = (a..b).find(|i| !can_cover(*i)) {
            return format!(
                "no shift template of group {} covers {} {} (check `days`, `groups` and start times)",
                spec.groups[g],
                day,
                clock(i)
            );
        }
    }
    if spec.agents.is_empty() {
        return "the integer program leaves it short (no template fits)".into();
    }
    let (i, need) = ranges
        .iter()
        .flat_map(|&(a, b)| a..b)
        .map(|i| (i, spec.requirement[g][d * ipd + i]))
        .max_by_key(|x| x.1)
        .expect("a short interval");
    let able = spec
        .agents
        .iter()
        .filter(|a| a.group == g && !a.unavailable[d] && !matches!(a.fixed[d], spec::Fixed::Off))
        .filter(|a| {
            spec.templates.iter().enumerate().any(|(ti, t)| {
                spec.contracts[a.contract].templates[ti]
                    && t.days[d]
                    && t.groups[g]
                    && spec.candidates[t.candidates.clone()].iter().any(|c| c.on_duty(i) > 0.0)
            })
        })
        .count();
    if (able as u32) < need {
        return format!(
            "headcount: only {able} agents of {} can work {day} {} (unavailable, fixed days off and allowed templates), {need} are required",
            spec.groups[g],
            clock(i)
        );
    }
    let members: Vec<&spec::Agent> = spec.agents.iter().filter(|a| a.group == g).collect();
    let week = d / 7;
    if week < spec.weeks() {
        let days_cap: u32 = members.iter().map(|a| spec.contracts[a.contract].days_per_week[1].min(7)).sum();
        let peak_days: u32 = (week * 7..week * 7 + 7)
            .map(|dd| (0..ipd).map(|ii| spec.requirement[g][dd * ipd + ii]).max().unwrap_or(0))
            .sum();
        if days_cap < peak_days {
            return format!(
                "days per week: {} agents working at most {} agent-days cannot give each day of the week its peak ({peak_days} agent-days)",
                members.len(),
                days_cap
            );
        }
        let hours_cap: f64 = members.iter().map(|a| spec.contracts[a.contract].hours_per_week[1]).sum();
        let need_h: f64 =
            (week * 7 * ipd..(week * 7 + 7) * ipd).map(|t| f64::from(spec.requirement[g][t])).sum::<f64>()
                * spec.interval_h();
        if hours_cap < need_h {
            return format!(
                "hours per week: {} agents with at most {hours_cap:.0} paid hours cannot cover the {need_h:.0} agent-hours required in week {}",
                members.len(),
                week + 1
            );
        }
    }
    "the contract rules together (rest, consecutive days, weekends, successions) and the weights leave it short; the LP bound says how far any roster could get".into()
}
