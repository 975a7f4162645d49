//! The schedule spec: the YAML a planner writes for `ccsim schedule` (horizon, requirement,
//! shift templates with breaks, contracts, agents, objective), its validation into index-based
//! types the solvers and the checker read. The serde types are in `raw`, the candidate shifts
//! each template can start in `candidates`.
//!
//! Every problem is reported at once with its YAML path and line, as for scenarios.

use crate::calendar::DayRef;
use crate::scenario::{Horizon, Problem};
use crate::time::{parse_clock, parse_duration};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod candidates;
mod raw;

use candidates::template_candidates;
pub use raw::{RawAgent, RawBreakRule, RawContract, RawObjective, RawSpec, RawTemplate, RawWeekends, Weights};

/// A break placed in a candidate shift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedBreak {
    /// Start, seconds since midnight.
    pub start_s: f64,
    /// Length, seconds.
    pub length_s: f64,
    /// Paid or not.
    pub paid: bool,
}

/// A candidate shift: a template started at one time with its breaks placed.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index into [`Spec::templates`].
    pub template: usize,
    /// Start, seconds since midnight.
    pub start_s: f64,
    /// End, seconds since midnight.
    pub end_s: f64,
    /// Breaks, in order.
    pub breaks: Vec<PlacedBreak>,
    /// Paid hours (length minus unpaid breaks), hours.
    pub paid_hours: f64,
    /// First interval of the day it touches, and the share of each interval worked from there
    /// (1 = the whole interval on duty, 0.5 = half of it on a break).
    pub first_interval: usize,
    /// Share of each interval on duty, from `first_interval`.
    pub cover: Vec<f64>,
}

impl Candidate {
    /// Share of day interval `i` this shift is on duty.
    pub fn on_duty(&self, i: usize) -> f64 {
        i.checked_sub(self.first_interval).and_then(|k| self.cover.get(k)).copied().unwrap_or(0.0)
    }
}

/// A validated template.
#[derive(Debug, Clone)]
pub struct Template {
    /// Code.
    pub code: String,
    /// Days (of the horizon) it may be worked.
    pub days: Vec<bool>,
    /// Groups (indices into [`Spec::groups`]) that may work it.
    pub groups: Vec<bool>,
    /// Cost per paid hour, if given.
    pub cost_per_hour: Option<f64>,
    /// Its candidates: a range of [`Spec::candidates`].
    pub candidates: std::ops::Range<usize>,
}

/// Full- or part-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractKind {
    /// Full-time.
    FullTime,
    /// Part-time.
    PartTime,
}

/// A validated contract. Absent rules are the widest range (0 and infinity).
#[derive(Debug, Clone)]
pub struct Contract {
    /// Name.
    pub name: String,
    /// Full- or part-time.
    pub kind: ContractKind,
    /// Paid hours on a worked day, [min, max].
    pub hours_per_day: [f64; 2],
    /// Paid hours per week, [min, max] (applies to whole weeks of the horizon only).
    pub hours_per_week: [f64; 2],
    /// Paid hours over the horizon, [min, max].
    pub hours_total: [f64; 2],
    /// Days worked per week, [min, max] (whole weeks only).
    pub days_per_week: [u32; 2],
    /// Consecutive working days, [min, max].
    pub consecutive_days: [u32; 2],
    /// Least consecutive days off.
    pub min_days_off: u32,
    /// Least rest between shifts, seconds.
    pub min_rest_s: f64,
    /// Forbidden (template, template next day) pairs.
    pub forbidden: Vec<(usize, usize)>,
    /// Per template, the most shifts over the horizon (`u32::MAX` = no limit).
    pub max_shifts: Vec<u32>,
    /// At most `.0` weekends worked in any `.1` consecutive weeks.
    pub weekends: Option<(u32, u32)>,
    /// Per template, whether the contract may work it.
    pub templates: Vec<bool>,
}

/// What is fixed for an agent on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixed {
    /// Nothing fixed.
    Free,
    /// A day off.
    Off,
    /// This template (any of its candidates).
    Template(usize),
}

/// A validated agent.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Name (numbered for counted agents: `ft-01`).
    pub name: String,
    /// Group index.
    pub group: usize,
    /// Contract index.
    pub contract: usize,
    /// Per day, cannot work.
    pub unavailable: Vec<bool>,
    /// Per day, prefers a day off (soft).
    pub prefer_off: Vec<bool>,
    /// Per template, preferred (soft); empty = no preference.
    pub prefer_templates: Vec<bool>,
    /// Per day, what is fixed.
    pub fixed: Vec<Fixed>,
}

/// Objective weights, validated.
#[derive(Debug, Clone)]
pub struct Objective {
    /// Choosing shifts without agents: minimise cost (true) or paid hours (false).
    pub minimise_cost: bool,
    /// Weight per agent-hour short, per global interval.
    pub under: Vec<f64>,
    /// Weight per agent-hour over, per global interval.
    pub over: Vec<f64>,
    /// Weight per soft preference not granted.
    pub preference: f64,
    /// Weight per currency unit of cost in rosters.
    pub cost: f64,
    /// Weight per weekend² worked by each full-time agent.
    pub weekend_fairness: f64,
}

/// A validated spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Display name.
    pub name: String,
    /// Days, opening hours and interval (the scenario's type).
    pub horizon: Horizon,
    /// Group names, sorted.
    pub groups: Vec<String>,
    /// Required agents per group and global interval (day × intervals per day + interval).
    pub requirement: Vec<Vec<u32>>,
    /// Templates.
    pub templates: Vec<Template>,
    /// Every candidate shift, grouped by template.
    pub candidates: Vec<Candidate>,
    /// Contracts.
    pub contracts: Vec<Contract>,
    /// Agents (empty: choose shift counts only).
    pub agents: Vec<Agent>,
    /// Objective.
    pub objective: Objective,
}

impl Spec {
    /// Intervals per day.
    pub fn ipd(&self) -> usize {
        self.horizon.intervals_per_day()
    }
    /// Interval length, hours.
    pub fn interval_h(&self) -> f64 {
        self.horizon.interval_s / 3600.0
    }
    /// Whole weeks (7 days from the first day).
    pub fn weeks(&self) -> usize {
        self.horizon.days as usize / 7
    }
    /// Whether day `d` is a Saturday or Sunday (undated horizons: the 6th and 7th day of each week).
    pub fn is_weekend(&self, d: usize) -> bool {
        match self.horizon.weekday(d) {
            Some(w) => w == "Sat" || w == "Sun",
            None => d % 7 >= 5,
        }
    }
    /// Index of the weekend containing day `d` (counted from the first day's week).
    pub fn weekend_index(&self, d: usize) -> usize {
        match self.horizon.date(d) {
            Some(date) => {
                use chrono::Datelike;
                let first = self.horizon.date(0).expect("dated");
                // weeks start on Monday: the Monday on or before the first day
                let monday0 = first - chrono::Duration::days(i64::from(first.weekday().num_days_from_monday()));
                ((date - monday0).num_days() / 7) as usize
            }
            None => d / 7,
        }
    }
    /// Number of weekends the horizon touches.
    pub fn weekends(&self) -> usize {
        (0..self.horizon.days as usize)
            .filter(|d| self.is_weekend(*d))
            .map(|d| self.weekend_index(d))
            .max()
            .map_or(0, |m| m + 1)
    }
    /// A template code's index.
    pub fn template_index(&self, code: &str) -> Option<usize> {
        self.templates.iter().position(|t| t.code == code)
    }
}

/// Reads and validates a spec. `requirement` (from `--requirement` or `--from-scenario`)
/// replaces the file's. Errors carry the file, the YAML path and the line.
pub fn load(path: &Path, requirement: Option<BTreeMap<String, Vec<u32>>>) -> Result<Spec, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let raw: RawSpec = serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(&text)).map_err(|e| {
        let p = e.path().to_string();
        let inner = e.into_inner();
        let at = inner.location().map(|l| format!(" (line {}, column {})", l.line(), l.column())).unwrap_or_default();
        let mut m = inner.to_string();
        if let Some(cut) = m.find(" at line ") {
            m.truncate(cut);
        }
        format!("{}: {p}{at}: {m}", path.display())
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    validate(&raw, base, requirement).map_err(|mut problems| {
        let places = crate::scenario::locate::locate(&text);
        for p in &mut problems {
            p.location = crate::scenario::locate::position(&places, &p.path);
        }
        let list: Vec<String> = problems
            .iter()
            .map(|p| match p.location {
                Some((l, c)) => format!("{} (line {l}, column {c}): {}", p.path, p.message),
                None => format!("{}: {}", p.path, p.message),
            })
            .collect();
        format!("{}: {} problem(s):\n  - {}", path.display(), list.len(), list.join("\n  - "))
    })
}

/// Collects problems.
#[derive(Default)]
struct Check {
    problems: Vec<Problem>,
}

impl Check {
    fn err(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem { path: path.into(), message: message.into(), location: None });
    }
    fn clock(&mut self, path: &str, t: &str) -> Option<f64> {
        parse_clock(t).map_err(|m| self.err(path, m)).ok()
    }
    fn duration(&mut self, path: &str, t: &str) -> Option<f64> {
        parse_duration(t).map_err(|m| self.err(path, m)).ok()
    }
    /// Day references as a mask over the horizon.
    fn days(&mut self, path: &str, refs: &[String], h: &Horizon) -> Vec<bool> {
        let mut mask = vec![false; h.days as usize];
        for (i, r) in refs.iter().enumerate() {
            match DayRef::parse(r).and_then(|r| h.resolve(r)) {
                Ok(ds) => ds.into_iter().for_each(|d| mask[d] = true),
                Err(m) => self.err(&format!("{path}[{i}]"), m),
            }
        }
        mask
    }
    fn range(&mut self, path: &str, r: Option<[f64; 2]>) -> [f64; 2] {
        match r {
            None => [0.0, f64::INFINITY],
            Some([a, b]) if a.is_finite() && b.is_finite() && 0.0 <= a && a <= b => [a, b],
            Some([a, b]) => {
                self.err(path, format!("[{a}, {b}]: expected [min, max] with 0 ≤ min ≤ max"));
                [0.0, f64::INFINITY]
            }
        }
    }
    fn weights(&mut self, path: &str, w: Option<&Weights>, default: f64, ipd: usize, h: &Horizon) -> Vec<f64> {
        let n = ipd * h.days as usize;
        match w {
            None => vec![default; n],
            Some(Weights::One(v)) if v.is_finite() && *v >= 0.0 => vec![*v; n],
            Some(Weights::Each(v))
                if (v.len() == ipd || v.len() == n) && v.iter().all(|x| x.is_finite() && *x >= 0.0) =>
            {
                (0..n).map(|i| v[i % v.len()]).collect()
            }
            Some(_) => {
                self.err(path, format!("expected a weight ≥ 0, or {ipd} of them (one day) or {n} (every day)"));
                vec![default; n]
            }
        }
    }
}

/// Reads a staffing file (`staffing: { group: [...] }`) as a requirement.
pub fn read_requirement_file(path: &Path) -> Result<BTreeMap<String, Vec<u32>>, String> {
    crate::scenario::load_staffing(path).map_err(|e| e.to_string())
}

/// Validates a raw spec, collecting every problem with its YAML path. `base` anchors a relative
/// `requirement_file`; `requirement` replaces the file's own.
pub fn validate(
    raw: &RawSpec,
    base: &Path,
    requirement: Option<BTreeMap<String, Vec<u32>>>,
) -> Result<Spec, Vec<Problem>> {
    let mut c = Check::default();
    let h = crate::scenario::horizon_of(&raw.horizon, raw.closed.as_deref())?;
    let ipd = h.intervals_per_day();
    let days = h.days as usize;
    let n = ipd * days;

    // requirement
    let req_map = match (requirement, &raw.requirement, &raw.requirement_file) {
        (Some(r), _, _) => r,
        (None, Some(r), None) => r.clone(),
        (None, None, Some(f)) => {
            let p: PathBuf = base.join(f);
            match read_requirement_file(&p) {
                Ok(r) => r,
                Err(m) => {
                    c.err("requirement_file", m);
                    BTreeMap::new()
                }
            }
        }
        (None, Some(_), Some(_)) => {
            c.err("requirement_file", "give `requirement` or `requirement_file`, not both");
            BTreeMap::new()
        }
        (None, None, None) => {
            c.err(
                "requirement",
                "give the agents required per interval by group (or `requirement_file`, or run with --from-scenario)",
            );
            BTreeMap::new()
        }
    };
    let groups: Vec<String> = req_map.keys().cloned().collect();
    let mut requirement = Vec::new();
    for (g, r) in &req_map {
        if r.len() != ipd && r.len() != n {
            let expected = if n == ipd {
                format!("{ipd} (one per interval)")
            } else {
                format!("{ipd} (one day's, repeated) or {n} (every day's)")
            };
            c.err(&format!("requirement.{g}"), format!("has {} values: expected {expected}", r.len()));
            requirement.push(vec![0; n]);
        } else {
            requirement.push((0..n).map(|i| if h.is_open(i / ipd) { r[i % r.len()] } else { 0 }).collect::<Vec<u32>>());
        }
    }
    let group_index = |c: &mut Check, path: &str, g: &str| -> Option<usize> {
        let i = groups.iter().position(|x| x == g);
        if i.is_none() && !groups.is_empty() {
            c.err(path, format!("unknown group `{g}`: the requirement names {}", groups.join(", ")));
        }
        i
    };

    // templates and candidates
    let mut templates = Vec::new();
    let mut candidates = Vec::new();
    for (ti, t) in raw.shift_templates.iter().enumerate() {
        let p = format!("shift_templates[{ti}]");
        if raw.shift_templates[..ti].iter().any(|o| o.code == t.code) {
            c.err(&format!("{p}.code"), format!("duplicate code `{}`", t.code));
        }
        if t.code.trim().is_empty() || t.code.trim() == "-" {
            c.err(&format!("{p}.code"), "a code must not be empty or `-` (a day off)");
        }
        let tdays = match &t.days {
            Some(d) => c.days(&format!("{p}.days"), d, &h),
            None => vec![true; days],
        };
        let tdays: Vec<bool> = tdays.iter().enumerate().map(|(d, on)| *on && h.is_open(d)).collect();
        let tgroups = match &t.groups {
            Some(gs) => {
                let mut m = vec![false; groups.len()];
                for (i, g) in gs.iter().enumerate() {
                    if let Some(k) = group_index(&mut c, &format!("{p}.groups[{i}]"), g) {
                        m[k] = true;
                    }
                }
                m
            }
            None => vec![true; groups.len()],
        };
        if let Some(cost) = t.cost_per_hour
            && !(cost.is_finite() && cost >= 0.0)
        {
            c.err(&format!("{p}.cost_per_hour"), format!("{cost}: expected a cost ≥ 0 per paid hour"));
        }
        let first = candidates.len();
        if let Some(cands) = template_candidates(&mut c, &p, t, ti, &h) {
            candidates.extend(cands);
        }
        templates.push(Template {
            code: t.code.clone(),
            days: tdays,
            groups: tgroups,
            cost_per_hour: t.cost_per_hour,
            candidates: first..candidates.len(),
        });
    }
    if raw.shift_templates.is_empty() {
        c.err("shift_templates", "give at least one shift template");
    }
    const MAX_CANDIDATES: usize = 20_000;
    if candidates.len() > MAX_CANDIDATES {
        c.err(
            "shift_templates",
            format!(
                "{} candidate shifts (starts × break placements): at most {MAX_CANDIDATES}; use a larger `every`",
                candidates.len()
            ),
        );
    }
    let code_index = |c: &mut Check, path: &str, code: &str| -> Option<usize> {
        let i = templates.iter().position(|t| t.code == code);
        if i.is_none() {
            let codes: Vec<&str> = templates.iter().map(|t| t.code.as_str()).collect();
            c.err(path, format!("unknown template `{code}`: the templates are {}", codes.join(", ")));
        }
        i
    };

    // contracts
    let mut contracts = Vec::new();
    for (name, k) in &raw.contracts {
        let p = format!("contracts.{name}");
        let kind = match k.kind.as_deref() {
            None | Some("full_time") => ContractKind::FullTime,
            Some("part_time") => ContractKind::PartTime,
            Some(o) => {
                c.err(&format!("{p}.kind"), format!("unknown kind `{o}`: expected full_time or part_time"));
                ContractKind::FullTime
            }
        };
        let hours_per_day = c.range(&format!("{p}.hours_per_day"), k.hours_per_day);
        let hours_per_week = c.range(&format!("{p}.hours_per_week"), k.hours_per_week);
        let hours_total = c.range(&format!("{p}.hours_total"), k.hours_total);
        let int_range = |c: &mut Check, path: &str, r: Option<[u32; 2]>, max: u32| match r {
            None => [0, max],
            Some([a, b]) if a <= b => [a, b],
            Some([a, b]) => {
                c.err(path, format!("[{a}, {b}]: expected [min, max] with min ≤ max"));
                [0, max]
            }
        };
        let days_per_week = int_range(&mut c, &format!("{p}.days_per_week"), k.days_per_week, 7);
        if days_per_week[1] > 7 {
            c.err(&format!("{p}.days_per_week"), "a week has 7 days");
        }
        let consecutive_days = int_range(&mut c, &format!("{p}.consecutive_days"), k.consecutive_days, u32::MAX);
        let min_rest_s = match &k.min_rest {
            Some(r) => c.duration(&format!("{p}.min_rest"), r).unwrap_or(0.0),
            None => 0.0,
        };
        let mut forbidden = Vec::new();
        for (i, [a, b]) in k.forbidden.iter().enumerate() {
            let ia = code_index(&mut c, &format!("{p}.forbidden[{i}][0]"), a);
            let ib = code_index(&mut c, &format!("{p}.forbidden[{i}][1]"), b);
            if let (Some(a), Some(b)) = (ia, ib) {
                forbidden.push((a, b));
            }
        }
        let mut max_shifts = vec![u32::MAX; templates.len()];
        for (code, m) in &k.max_shifts {
            if let Some(t) = code_index(&mut c, &format!("{p}.max_shifts.{code}"), code) {
                max_shifts[t] = *m;
            }
        }
        let weekends = k.weekends.as_ref().and_then(|w| {
            if w.per_weeks == 0 || w.max > w.per_weeks {
                c.err(&format!("{p}.weekends"), "expected 0 ≤ max ≤ per_weeks and per_weeks ≥ 1");
                None
            } else {
                Some((w.max, w.per_weeks))
            }
        });
        let allowed = match &k.templates {
            Some(ts) => {
                let mut m = vec![false; templates.len()];
                for (i, code) in ts.iter().enumerate() {
                    if let Some(t) = code_index(&mut c, &format!("{p}.templates[{i}]"), code) {
                        m[t] = true;
                    }
                }
                m
            }
            None => vec![true; templates.len()],
        };
        contracts.push(Contract {
            name: name.clone(),
            kind,
            hours_per_day,
            hours_per_week,
            hours_total,
            days_per_week,
            consecutive_days,
            min_days_off: k.min_days_off_in_a_row.unwrap_or(0),
            min_rest_s,
            forbidden,
            max_shifts,
            weekends,
            templates: allowed,
        });
    }

    // agents
    let mut agents: Vec<Agent> = Vec::new();
    for (ai, a) in raw.agents.iter().enumerate() {
        let p = format!("agents[{ai}]");
        let group = group_index(&mut c, &format!("{p}.group"), &a.group);
        let contract = contracts.iter().position(|k| k.name == a.contract);
        if contract.is_none() {
            let names: Vec<&str> = contracts.iter().map(|k| k.name.as_str()).collect();
            c.err(
                &format!("{p}.contract"),
                if names.is_empty() {
                    format!("unknown contract `{}`: define it under `contracts`", a.contract)
                } else {
                    format!("unknown contract `{}`: the contracts are {}", a.contract, names.join(", "))
                },
            );
        }
        let unavailable = c.days(&format!("{p}.unavailable"), &a.unavailable, &h);
        let prefer_off = c.days(&format!("{p}.prefer_off"), &a.prefer_off, &h);
        let mut prefer_templates = Vec::new();
        if !a.prefer_shifts.is_empty() {
            prefer_templates = vec![false; templates.len()];
            for (i, code) in a.prefer_shifts.iter().enumerate() {
                if let Some(t) = code_index(&mut c, &format!("{p}.prefer_shifts[{i}]"), code) {
                    prefer_templates[t] = true;
                }
            }
        }
        let mut fixed = vec![Fixed::Free; days];
        for (day, code) in &a.fixed {
            let fp = format!("{p}.fixed.{day}");
            let what =
                if code.trim() == "-" { Some(Fixed::Off) } else { code_index(&mut c, &fp, code).map(Fixed::Template) };
            match DayRef::parse(day).and_then(|r| h.resolve(r)) {
                Ok(ds) => {
                    for d in ds {
                        if let Some(w) = what {
                            if let Fixed::Template(_) = w
                                && (unavailable[d] || !h.is_open(d))
                            {
                                c.err(
                                    &fp,
                                    format!("{} is unavailable or closed: no shift can be fixed on it", h.day_label(d)),
                                );
                            }
                            fixed[d] = w;
                        }
                    }
                }
                Err(m) => c.err(&fp, m),
            }
        }
        let count = a.count.unwrap_or(1);
        if count == 0 || count > 10_000 {
            c.err(&format!("{p}.count"), format!("{count}: expected 1 to 10000 agents"));
        }
        let stem = a.name.clone().unwrap_or_else(|| format!("{}-{}", a.group, a.contract));
        if stem.trim().is_empty() {
            c.err(&format!("{p}.name"), "must not be empty");
        }
        if let (Some(group), Some(contract)) = (group, contract) {
            let width = count.to_string().len().max(2);
            for k in 0..count.min(10_000) {
                let name = if a.count.is_some() { format!("{stem}-{:0width$}", k + 1) } else { stem.clone() };
                if agents.iter().any(|o| o.name == name) {
                    c.err(&format!("{p}.name"), format!("agent `{name}` is listed twice"));
                    break;
                }
                agents.push(Agent {
                    name,
                    group,
                    contract,
                    unavailable: unavailable.clone(),
                    prefer_off: prefer_off.clone(),
                    prefer_templates: prefer_templates.clone(),
                    fixed: fixed.clone(),
                });
            }
        }
    }

    // objective
    let o = raw.objective.clone().unwrap_or_default();
    let all_costed = templates.iter().all(|t| t.cost_per_hour.is_some());
    let minimise_cost = match o.minimise.as_deref() {
        None => all_costed,
        Some("hours") => false,
        Some("cost") => {
            if !all_costed {
                c.err("objective.minimise", "`cost` needs a `cost_per_hour` on every template");
            }
            true
        }
        Some(other) => {
            c.err("objective.minimise", format!("unknown `{other}`: expected cost or hours"));
            false
        }
    };
    let under = c.weights("objective.under", o.under.as_ref(), 100.0, ipd, &h);
    let over = c.weights("objective.over", o.over.as_ref(), 1.0, ipd, &h);
    let preference = o.preference.unwrap_or(10.0);
    let cost = o.cost.unwrap_or(0.0);
    let weekend_fairness = o.weekend_fairness.unwrap_or(1.0);
    for (k, v) in [("preference", preference), ("cost", cost), ("weekend_fairness", weekend_fairness)] {
        if !(v.is_finite() && v >= 0.0) {
            c.err(&format!("objective.{k}"), format!("{v}: expected a weight ≥ 0"));
        }
    }

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    Ok(Spec {
        name: raw.name.clone(),
        horizon: h,
        groups,
        requirement,
        templates,
        candidates,
        contracts,
        agents,
        objective: Objective { minimise_cost, under, over, preference, cost, weekend_fairness },
    })
}
