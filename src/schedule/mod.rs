//! Scheduling (issue 15, first slice): from a requirement curve to shifts. Owns the schedule
//! spec (`requirement`, `shift_templates`), its validation, and shift selection as an integer
//! program (good_lp with the pure-Rust microlp backend) together with its LP relaxation, so that
//! every answer states its own optimality gap.
//!
//! Not yet here (see the README's status table): breaks inside templates, several days,
//! contracts and rosters of agents, `--emit-scenario`, `--verify`, `--iterate`.

use crate::time::{format_clock, parse_clock, parse_duration};
use good_lp::{Expression, Solution, SolverModel, Variable, microlp, variable, variables};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The spec file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    /// Display name.
    pub name: String,
    /// Opening hours and interval (one day).
    pub horizon: RawSpecHorizon,
    /// Agents required per interval, by group.
    pub requirement: BTreeMap<String, Vec<u32>>,
    /// Shift templates.
    pub shift_templates: Vec<RawTemplate>,
}

/// The horizon of a spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpecHorizon {
    /// Opening, "HH:MM".
    pub start: String,
    /// Closing, "HH:MM".
    pub end: String,
    /// Interval, e.g. "30m".
    pub interval: String,
}

/// A shift template: fixed or ranged start times with a step, and a length.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTemplate {
    /// Code shown in the output.
    pub code: String,
    /// Earliest and latest start, "HH:MM".
    #[serde(default)]
    pub start_between: Option<[String; 2]>,
    /// A fixed start (instead of `start_between`).
    #[serde(default)]
    pub start: Option<String>,
    /// Step between start times (default: the interval).
    #[serde(default)]
    pub every: Option<String>,
    /// Shift length.
    pub length: String,
    /// Cost per paid hour (currency units).
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
}

/// A candidate shift: a template started at one time.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Template code.
    pub code: String,
    /// Start, seconds since midnight.
    pub start_s: f64,
    /// End, seconds since midnight.
    pub end_s: f64,
    /// Cost per hour, if given.
    pub cost_per_hour: Option<f64>,
}

/// A validated spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Display name.
    pub name: String,
    /// Opening, seconds since midnight.
    pub start_s: f64,
    /// Interval length, seconds.
    pub interval_s: f64,
    /// Required agents per interval, by group.
    pub requirement: BTreeMap<String, Vec<u32>>,
    /// Every candidate shift.
    pub candidates: Vec<Candidate>,
}

/// Reads and validates a spec; every problem is listed with its YAML path.
pub fn load(path: &Path) -> Result<Spec, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let raw: RawSpec = serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(&text))
        .map_err(|e| format!("{}: {}: {}", path.display(), e.path(), e.inner()))?;
    validate(&raw).map_err(|p| format!("{}: {} problem(s):\n  - {}", path.display(), p.len(), p.join("\n  - ")))
}

/// Validates a raw spec, collecting every problem as "path: message".
pub fn validate(raw: &RawSpec) -> Result<Spec, Vec<String>> {
    let mut problems = Vec::new();
    let clock = |p: &str, t: &str, problems: &mut Vec<String>| {
        parse_clock(t).map_err(|m| problems.push(format!("{p}: {m}"))).ok()
    };
    let start = clock("horizon.start", &raw.horizon.start, &mut problems);
    let end = clock("horizon.end", &raw.horizon.end, &mut problems);
    let interval =
        parse_duration(&raw.horizon.interval).map_err(|m| problems.push(format!("horizon.interval: {m}"))).ok();
    let (Some(start), Some(end), Some(interval)) = (start, end, interval) else { return Err(problems) };
    if end <= start || interval < 60.0 || ((end - start) / interval).fract().abs() > 1e-9 {
        problems.push("horizon: `end` after `start`, and an interval of at least 1m dividing the day".into());
        return Err(problems);
    }
    let n = ((end - start) / interval).round() as usize;
    for (g, r) in &raw.requirement {
        if r.len() != n {
            problems.push(format!("requirement.{g}: has {} values: expected {n}, one per interval", r.len()));
        }
    }
    if raw.requirement.is_empty() {
        problems.push("requirement: give at least one group's curve".into());
    }
    let mut candidates = Vec::new();
    for (i, t) in raw.shift_templates.iter().enumerate() {
        let p = format!("shift_templates[{i}]");
        let length = parse_duration(&t.length).map_err(|m| problems.push(format!("{p}.length: {m}"))).ok();
        let every = match &t.every {
            Some(e) => parse_duration(e).map_err(|m| problems.push(format!("{p}.every: {m}"))).ok(),
            None => Some(interval),
        };
        let range = match (&t.start_between, &t.start) {
            (Some([a, b]), None) => clock(&format!("{p}.start_between[0]"), a, &mut problems).zip(clock(
                &format!("{p}.start_between[1]"),
                b,
                &mut problems,
            )),
            (None, Some(s)) => clock(&format!("{p}.start"), s, &mut problems).map(|s| (s, s)),
            _ => {
                problems.push(format!("{p}: give `start` or `start_between`"));
                None
            }
        };
        let (Some(length), Some(every), Some((a, b))) = (length, every, range) else { continue };
        if length <= 0.0 || every <= 0.0 || b < a {
            problems.push(format!("{p}: a positive `length` and `every`, and `start_between` in order"));
            continue;
        }
        let mut s = a;
        while s <= b + 1e-9 {
            if s < start || s + length > end {
                problems.push(format!("{p}: a shift starting {} lies outside the horizon", format_clock(s)));
                break;
            }
            candidates.push(Candidate {
                code: t.code.clone(),
                start_s: s,
                end_s: s + length,
                cost_per_hour: t.cost_per_hour,
            });
            s += every;
        }
    }
    if candidates.is_empty() {
        problems.push("shift_templates: no shift can be started".into());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Spec {
        name: raw.name.clone(),
        start_s: start,
        interval_s: interval,
        requirement: raw.requirement.clone(),
        candidates,
    })
}

/// Shifts of one start time chosen for a group.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChosenShift {
    /// Day (1-based).
    pub day: u32,
    /// Group.
    pub group: String,
    /// Template code.
    pub code: String,
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
    /// Day (1-based).
    pub day: u32,
    /// Group.
    pub group: String,
    /// Interval start, "HH:MM".
    pub start: String,
    /// Agents required.
    pub required: u32,
    /// Agents scheduled.
    pub scheduled: u32,
}

/// The schedule: chosen shifts, coverage, and the LP bound.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Schedule {
    /// Paid agent hours of the chosen shifts.
    pub agent_hours: f64,
    /// Agent hours of the LP relaxation: no schedule can use fewer.
    pub lp_bound_hours: f64,
    /// Cost of the chosen shifts when every template has a cost, else `None`.
    pub cost: Option<f64>,
    /// Chosen shifts.
    pub shifts: Vec<ChosenShift>,
    /// Coverage per group and interval.
    pub coverage: Vec<Coverage>,
    /// Named agents' rosters (none yet: counts only).
    pub roster: Vec<serde_json::Value>,
    /// Contract rules broken (none without contracts).
    pub violations: Vec<String>,
}

/// Covers every group's requirement with the fewest agent hours (integer program), and states
/// the LP bound. Intervals no candidate covers stay short (scheduled below required).
pub fn solve(spec: &Spec) -> Result<Schedule, String> {
    let mut out = Schedule {
        agent_hours: 0.0,
        lp_bound_hours: 0.0,
        cost: spec.candidates.iter().all(|c| c.cost_per_hour.is_some()).then_some(0.0),
        shifts: Vec::new(),
        coverage: Vec::new(),
        roster: Vec::new(),
        violations: Vec::new(),
    };
    for (group, req) in &spec.requirement {
        let counts = select(spec, req, true)?;
        let relaxed = select(spec, req, false)?;
        let hours =
            |x: &[f64]| x.iter().zip(&spec.candidates).map(|(k, c)| k * (c.end_s - c.start_s) / 3600.0).sum::<f64>();
        out.agent_hours += hours(&counts);
        out.lp_bound_hours += hours(&relaxed);
        if let Some(cost) = &mut out.cost {
            *cost += counts
                .iter()
                .zip(&spec.candidates)
                .map(|(k, c)| k * (c.end_s - c.start_s) / 3600.0 * c.cost_per_hour.unwrap_or(0.0))
                .sum::<f64>();
        }
        for (k, c) in counts.iter().zip(&spec.candidates) {
            if k.round() >= 1.0 {
                out.shifts.push(ChosenShift {
                    day: 1,
                    group: group.clone(),
                    code: c.code.clone(),
                    start: format_clock(c.start_s),
                    end: format_clock(c.end_s),
                    count: k.round() as u32,
                });
            }
        }
        for (i, r) in req.iter().enumerate() {
            let t = spec.start_s + i as f64 * spec.interval_s;
            let scheduled = counts
                .iter()
                .zip(&spec.candidates)
                .filter(|(_, c)| c.start_s <= t && t < c.end_s)
                .map(|(k, _)| k.round() as u32)
                .sum();
            out.coverage.push(Coverage {
                day: 1,
                group: group.clone(),
                start: format_clock(t),
                required: *r,
                scheduled,
            });
        }
    }
    Ok(out)
}

/// Agents per candidate covering `req` at least cost in agent hours: integer or relaxed.
fn select(spec: &Spec, req: &[u32], integer: bool) -> Result<Vec<f64>, String> {
    let mut vars = variables!();
    let x: Vec<Variable> = spec
        .candidates
        .iter()
        .map(|_| vars.add(if integer { variable().integer().min(0) } else { variable().min(0) }))
        .collect();
    let objective: Expression =
        x.iter().zip(&spec.candidates).map(|(v, c)| *v * ((c.end_s - c.start_s) / 3600.0)).sum();
    let mut problem = vars.minimise(objective).using(microlp);
    for (i, r) in req.iter().enumerate() {
        let t = spec.start_s + i as f64 * spec.interval_s;
        let covering: Vec<Variable> =
            x.iter().zip(&spec.candidates).filter(|(_, c)| c.start_s <= t && t < c.end_s).map(|(v, _)| *v).collect();
        if *r > 0 && !covering.is_empty() {
            let sum: Expression = covering.into_iter().sum();
            problem = problem.with(sum.geq(f64::from(*r)));
        }
    }
    let sol = problem.solve().map_err(|e| format!("the solver failed: {e}"))?;
    Ok(x.iter().map(|v| sol.value(*v).max(0.0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(req: Vec<u32>, start_between: [&str; 2], length: &str) -> Spec {
        let raw = RawSpec {
            name: "t".into(),
            horizon: RawSpecHorizon { start: "06:00".into(), end: "14:00".into(), interval: "1h".into() },
            requirement: [("team".to_string(), req)].into(),
            shift_templates: vec![RawTemplate {
                code: "D".into(),
                start_between: Some([start_between[0].into(), start_between[1].into()]),
                start: None,
                every: Some("1h".into()),
                length: length.into(),
                cost_per_hour: None,
            }],
        };
        validate(&raw).unwrap()
    }

    /// The least agent hours by trying every count vector up to `max` agents per start.
    fn brute_force(s: &Spec, req: &[u32], max: u32) -> f64 {
        let n = s.candidates.len();
        let mut best = f64::INFINITY;
        let mut k = vec![0u32; n];
        loop {
            let covers = req.iter().enumerate().all(|(i, r)| {
                let t = s.start_s + i as f64 * s.interval_s;
                k.iter().zip(&s.candidates).filter(|(_, c)| c.start_s <= t && t < c.end_s).map(|(x, _)| *x).sum::<u32>()
                    >= *r
            });
            if covers {
                let h = k.iter().zip(&s.candidates).map(|(x, c)| f64::from(*x) * (c.end_s - c.start_s) / 3600.0).sum();
                best = best.min(h);
            }
            let mut j = 0;
            while j < n && k[j] == max {
                k[j] = 0;
                j += 1;
            }
            if j == n {
                return best;
            }
            k[j] += 1;
        }
    }

    #[test]
    fn small_days_are_solved_to_the_brute_force_optimum() {
        for req in [vec![1, 3, 2, 4, 4, 1, 2, 0], vec![2, 2, 2, 2, 2, 2, 2, 2], vec![0, 5, 0, 0, 3, 0, 0, 1]] {
            let s = spec(req.clone(), ["06:00", "10:00"], "4h");
            let got = solve(&s).unwrap();
            assert_eq!(got.agent_hours, brute_force(&s, &req, 5), "{req:?}");
            assert!(got.lp_bound_hours <= got.agent_hours + 1e-9);
            assert!(got.coverage.iter().all(|c| c.scheduled >= c.required), "{req:?}");
        }
    }
}
