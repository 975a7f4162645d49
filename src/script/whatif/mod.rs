//! What-if scripts: a Rhai script receives the validated scenario as the variable `scenario`
//! and changes it through a small API named in planners' words (`scale_arrivals`, `absence`,
//! `overtime`, `set_service_level`, ...). The changed scenario is validated again by the same
//! rules as a file. Times are clock strings (`"10:00"`), durations strings (`"15m"`) or
//! seconds; a queue or group that does not exist is an error naming the ones that do.
//!
//! Times may name days (`window.rs`): `"10:00"` is every day, `"Wed 10:00"` every Wednesday,
//! `"2026-12-09 10:00"` that date, `"d3 10:00"` the third day. Traffic changes are prorated by
//! the share of each interval inside the window; staffing changes apply to the intervals whose
//! start lies inside it, and on shift groups to whole days (`days.rs`). Roster functions
//! (`roster.rs`) change named agents' days.

use super::{Param, ScriptError, ScriptResult, agents, count, duration, fail, num, sandboxed_engine, within_limit};
use crate::dist::Dist;
use crate::scenario::raw::{RawDist, RawQueue};
use crate::scenario::{Break, Horizon, Scenario, ScenarioError, Shift, Skill, SlDefinition, Staffing};
use crate::time::{format_clock, parse_clock, parse_duration};
mod days;
mod register;
mod roster;
#[cfg(test)]
mod tests;
mod window;

use register::register;
use rhai::{AST, Array, Dynamic, Engine, Map, Scope};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A compiled what-if script with its parameters.
#[derive(Debug, Clone)]
pub struct WhatIf {
    /// Display name: the file stem, plus the parameters the script uses (`absent[share=0.15]`).
    pub name: String,
    /// The script file.
    pub path: PathBuf,
    /// `--set` parameters, visible to the script as variables.
    pub params: Vec<Param>,
    /// The scenario files the script is written for, from a `// scenario: a.yaml, b.yaml` line in
    /// its opening comment; empty when it names none (the script fits any scenario).
    pub scenarios: Vec<String>,
    /// Variable names and string constants the script mentions (a parameter is "used" when its
    /// name is among them, read directly or through `is_def_var("name")`).
    mentions: BTreeSet<String>,
    ast: AST,
}

/// Why a what-if could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    /// The script failed to read, compile or run.
    #[error("{0}")]
    Script(#[from] ScriptError),
    /// The script ran but left an invalid scenario.
    #[error("after {script}: {source}")]
    Invalid {
        /// The script.
        script: String,
        /// The validation problems.
        source: ScenarioError,
    },
}

/// The engine with the what-if API registered, built once per process.
pub fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut e = sandboxed_engine();
        register(&mut e);
        roster::register(&mut e);
        e
    })
}

/// Converts a script map into a raw scenario type through JSON, so that whole numbers are
/// accepted where the format takes decimals (Rhai keeps integers and floats apart).
fn from_map<T: serde::de::DeserializeOwned>(m: Map) -> Result<T, String> {
    let json: serde_json::Value = rhai::serde::from_dynamic(&Dynamic::from_map(m)).map_err(|e| e.to_string())?;
    serde_json::from_value(json).map_err(|e| e.to_string())
}

impl WhatIf {
    /// Reads and compiles a script once.
    pub fn load(path: &Path, params: Vec<Param>) -> Result<WhatIf, ScriptError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScriptError {
            script: path.to_path_buf(),
            position: None,
            message: format!("cannot read: {e}"),
        })?;
        WhatIf::compile(&text, path, params)
    }

    /// Compiles script text; `path` names it in errors.
    pub fn compile(text: &str, path: &Path, params: Vec<Param>) -> Result<WhatIf, ScriptError> {
        let ast = engine().compile(text).map_err(|e| ScriptError::from_rhai(path, &e.into()))?;
        let mut mentions = BTreeSet::new();
        ast.walk(&mut |nodes: &[rhai::ASTNode]| {
            if let Some(rhai::ASTNode::Expr(e)) = nodes.last() {
                match e {
                    rhai::Expr::Variable(x, ..) => {
                        mentions.insert(x.1.to_string());
                    }
                    rhai::Expr::StringConstant(s, _) => {
                        mentions.insert(s.to_string());
                    }
                    _ => {}
                }
            }
            true
        });
        let w = WhatIf {
            name: String::new(),
            path: path.to_path_buf(),
            params: vec![],
            scenarios: scenario_marks(text),
            mentions,
            ast,
        };
        Ok(w.with_params(params))
    }

    /// The same compiled script with other parameters (no recompilation). The name shows only
    /// the parameters the script mentions: a global `--set` meant for another script does not
    /// rename this one.
    pub fn with_params(&self, params: Vec<Param>) -> WhatIf {
        let stem = self.path.file_stem().map_or("whatif".into(), |s| s.to_string_lossy().to_string());
        let used: Vec<String> = params
            .iter()
            .filter(|p| self.mentions.contains(&p.name))
            .map(|p| format!("{}={}", p.name, p.text))
            .collect();
        let name = if used.is_empty() { stem } else { format!("{stem}[{}]", used.join(",")) };
        WhatIf { name, params, ..self.clone() }
    }

    /// True when the script has no statements (empty, or only comments): the variant would be
    /// the baseline itself.
    pub fn is_empty(&self) -> bool {
        self.ast.statements().is_empty() && self.ast.iter_functions().next().is_none()
    }

    /// True when the script fits the scenario file `scenario`: it names no scenario, or names
    /// this file (compared by file name, so `scenarios/a.yaml` and `a.yaml` match).
    pub fn is_for(&self, scenario: &Path) -> bool {
        let name = |p: &Path| p.file_name().map(|f| f.to_string_lossy().to_string());
        self.scenarios.is_empty()
            || self.scenarios.iter().any(|s| s == "*" || s == "any" || name(Path::new(s)) == name(scenario))
    }

    /// Runs the script on a copy of `base` and validates the result.
    pub fn apply(&self, base: &Scenario) -> Result<Scenario, WhatIfError> {
        let changed = self.run(base)?;
        let mut s = changed
            .revalidate(&self.path)
            .map_err(|source| WhatIfError::Invalid { script: self.path.display().to_string(), source })?;
        if s.horizon != base.horizon {
            return Err(ScriptError {
                script: self.path.clone(),
                position: None,
                message: "a what-if cannot change the horizon".into(),
            }
            .into());
        }
        s.name = format!("{} + {}", base.name, self.name);
        Ok(s)
    }

    /// Runs the script on a copy of `base`, without validating the result.
    fn run(&self, base: &Scenario) -> Result<Scenario, ScriptError> {
        let mut scope = Scope::new();
        for p in &self.params {
            scope.push_constant_dynamic(p.name.clone(), p.value());
        }
        scope.push("scenario", Api(base.clone()));
        engine().run_ast_with_scope(&mut scope, &self.ast).map_err(|e| ScriptError::from_rhai(&self.path, &e))?;
        let changed = scope.get_value::<Api>("scenario").ok_or_else(|| ScriptError {
            script: self.path.clone(),
            position: None,
            message: "the script replaced the `scenario` variable".into(),
        })?;
        Ok(changed.0)
    }
}

/// The scenario files named by `// scenario: a.yaml, b.yaml` lines in the script's opening
/// comment (the lines before the first line of code).
fn scenario_marks(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with("//"))
        .filter_map(|l| l.trim_start_matches('/').trim().strip_prefix("scenario:"))
        .flat_map(|list| list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))
        .collect()
}

/// The scenario as scripts see it.
#[derive(Debug, Clone)]
pub struct Api(pub Scenario);

fn clock(t: &str) -> ScriptResult<f64> {
    parse_clock(t).or_else(fail)
}

impl Api {
    fn queues_named(&self, q: &str) -> ScriptResult<Vec<usize>> {
        if q == "*" || q == "all" {
            return Ok((0..self.0.queues.len()).collect());
        }
        match self.0.queue_index(q) {
            Some(i) => Ok(vec![i]),
            None => {
                let ids: Vec<&str> = self.0.queues.iter().map(|q| q.id.as_str()).collect();
                fail(format!("unknown queue `{q}` (queues: {}; or \"*\" for all)", ids.join(", ")))
            }
        }
    }

    fn queue(&self, q: &str) -> ScriptResult<usize> {
        let v = self.queues_named(q)?;
        if v.len() != 1 {
            return fail(format!("name one queue here, not `{q}`"));
        }
        Ok(v[0])
    }

    fn group(&self, g: &str) -> ScriptResult<usize> {
        self.0.group_index(g).map_or_else(
            || {
                let ids: Vec<&str> = self.0.groups.iter().map(|g| g.id.as_str()).collect();
                fail(format!("unknown group `{g}` (groups: {})", ids.join(", ")))
            },
            Ok,
        )
    }

    /// The window `from`–`to` (times with optional days, see `window.rs`).
    fn window(&self, from: &str, to: &str) -> ScriptResult<window::Window> {
        window::Window::parse(&self.0.horizon, from, to).or_else(fail)
    }

    /// For every global interval, the share of it inside the window [from, to).
    fn overlap(&self, from: &str, to: &str) -> ScriptResult<Vec<f64>> {
        Ok(self.window(from, to)?.overlap(&self.0.horizon))
    }

    /// Global intervals whose start lies in the window [from, to).
    fn starts_in(&self, from: &str, to: &str) -> ScriptResult<Vec<bool>> {
        Ok(self.window(from, to)?.starts_in(&self.0.horizon))
    }

    /// Global intervals of the days named by `day` (`"Mon"`, `"2026-12-09"`, `"d3"`, `"*"`).
    fn day_mask(&self, day: &str) -> ScriptResult<Vec<bool>> {
        let h = &self.0.horizon;
        let days = window::days_named(h, day).or_else(fail)?;
        let n = h.intervals_per_day();
        Ok((0..h.total_intervals()).map(|i| days.contains(&(i / n))).collect())
    }

    fn all_day(&self) -> Vec<bool> {
        vec![true; self.0.horizon.total_intervals()]
    }

    /// The group's staffing as a per-interval curve (count groups become curves).
    fn curve_of(&mut self, g: usize, what: &str) -> ScriptResult<&mut Vec<u32>> {
        let n = self.0.horizon.total_intervals();
        let group = &mut self.0.groups[g];
        if let Staffing::Count(c) = group.staffing {
            group.staffing = Staffing::Curve(vec![c; n]);
        }
        match &mut group.staffing {
            Staffing::Curve(c) => Ok(c),
            _ => fail(shifts_need_whole_days(what, &group.id)),
        }
    }

    /// The whole days a mask covers, for a change on the shift group `g`.
    fn shift_days(&self, g: usize, mask: &[bool], what: &str) -> ScriptResult<Vec<usize>> {
        window::whole_days(&self.0.horizon, mask)
            .map_or_else(|| fail(shifts_need_whole_days(what, &self.0.groups[g].id)), Ok)
    }

    /// Changes the shift group `g` on `days` (closed days skipped): `f` gets each day's entries
    /// (`days::day_entries`) and returns their new agents, or `None` when it cannot apply.
    fn change_days(
        &mut self,
        g: usize,
        days: &[usize],
        what: &str,
        f: impl Fn(&[(days::Entry, u32)]) -> Option<Vec<u32>>,
    ) -> ScriptResult<()> {
        let h = self.0.horizon.clone();
        let group = &mut self.0.groups[g];
        let id = group.id.clone();
        let Staffing::Shifts { shifts, roster } = &mut group.staffing else {
            return fail(format!("{what} applies to groups that work shifts; `{id}` does not"));
        };
        let mut changes = Vec::new();
        for &d in days.iter().filter(|&&d| h.is_open(d)) {
            let entries = days::day_entries(shifts, roster, &h, d);
            let Some(new) = f(&entries) else {
                let day = h.day_label(d);
                return fail(format!(
                    "{what}: no shift of `{id}` with agents works on {day} to add agents to: add one with add_shift(\"{id}\", start, end, count, [\"{}\"])",
                    day.split(' ').next_back().unwrap_or(&day)
                ));
            };
            within_limit(
                new.iter().map(|n| i64::from(*n)).sum(),
                &format!("{what}: the agents of `{id}` on {}", h.day_label(d)),
            )?;
            changes.push((d, entries.iter().map(|e| e.0).zip(new).collect()));
        }
        days::apply(shifts, roster, &h, &changes);
        Ok(())
    }

    /// Agents of group `g` working day `d` (shift groups: agents starting a shift that day; counts:
    /// the count; curves: the day's lowest level).
    fn agents_on_day(&self, g: usize, d: usize) -> u32 {
        let h = &self.0.horizon;
        match &self.0.groups[g].staffing {
            Staffing::Count(c) => *c,
            Staffing::Curve(c) => {
                let n = h.intervals_per_day();
                c[d * n..(d + 1) * n].iter().copied().min().unwrap_or(0)
            }
            Staffing::Shifts { shifts, roster } => days::day_entries(shifts, roster, h, d).iter().map(|e| e.1).sum(),
        }
    }

    /// Adds `delta` agents (negative removes, floor 0) in the marked intervals; more than
    /// [`super::MAX_AGENTS_PER_GROUP`] on duty is an error.
    fn add_agents_in(&mut self, g: usize, delta: i64, mask: &[bool], what: &str) -> ScriptResult<()> {
        if matches!(self.0.groups[g].staffing, Staffing::Shifts { .. }) {
            let days = self.shift_days(g, mask, what)?;
            let n = within_limit(delta.abs(), &format!("{what}: agents"))?;
            return self.change_days(g, &days, what, |e| {
                if delta >= 0 { days::add_n(e, n) } else { Some(days::remove_n(e, n)) }
            });
        }
        let all = mask.iter().all(|m| *m);
        let group = &mut self.0.groups[g];
        let limit = format!("{what}: agents on duty in `{}`", group.id);
        let level = |n: u32| within_limit((i64::from(n) + delta).max(0), &limit);
        match &mut group.staffing {
            Staffing::Count(c) if all => *c = level(*c)?,
            _ => {
                let c = self.curve_of(g, what)?;
                for (v, m) in c.iter_mut().zip(mask) {
                    if *m {
                        *v = level(*v)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Moves up to `n` agents from group `a` to group `b` in the marked intervals: never more
    /// than `a` has there, so the total is conserved.
    fn move_agents_in(&mut self, a: usize, b: usize, n: u32, mask: &[bool]) -> ScriptResult<()> {
        if a == b {
            return Ok(());
        }
        let have = self.staffing_curve(a);
        let moved: Vec<i64> = have.iter().zip(mask).map(|(h, m)| if *m { (*h).min(i64::from(n)) } else { 0 }).collect();
        let all_same = moved.iter().zip(mask).filter(|(_, m)| **m).all(|(x, _)| *x == moved[0]);
        if mask.iter().all(|m| *m) && all_same && !matches!(self.0.groups[a].staffing, Staffing::Curve(_)) {
            let all = mask.to_vec();
            self.add_agents_in(a, -moved[0], &all, "move_agents")?;
            return self.add_agents_in(b, moved[0], &all, "move_agents");
        }
        let shifts = |s: &Self, g: usize| matches!(s.0.groups[g].staffing, Staffing::Shifts { .. });
        if shifts(self, a) || shifts(self, b) {
            // shift groups change by whole days: per day, up to n of the agents working it
            let days = self.shift_days(if shifts(self, a) { a } else { b }, mask, "move_agents")?;
            let per_day = self.0.horizon.intervals_per_day();
            let open: Vec<usize> = days.into_iter().filter(|&d| self.0.horizon.is_open(d)).collect();
            for d in open {
                let m = i64::from(self.agents_on_day(a, d).min(n));
                let day: Vec<bool> = (0..mask.len()).map(|i| i / per_day == d).collect();
                self.add_agents_in(a, -m, &day, "move_agents")?;
                self.add_agents_in(b, m, &day, "move_agents")?;
            }
            return Ok(());
        }
        for (i, m) in moved.iter().enumerate() {
            if *m > 0 {
                let mut one = vec![false; mask.len()];
                one[i] = true;
                self.add_agents_in(a, -m, &one, "move_agents")?;
                self.add_agents_in(b, *m, &one, "move_agents")?;
            }
        }
        Ok(())
    }

    /// Removes a share of the group's agents (rounded to the nearest agent) in the marked intervals.
    fn absence_in(&mut self, g: usize, share: f64, mask: &[bool]) -> ScriptResult<()> {
        if !(0.0..=1.0).contains(&share) {
            return fail(format!("the absent share must be in [0, 1], got {share}"));
        }
        if matches!(self.0.groups[g].staffing, Staffing::Shifts { .. }) {
            // per day: round the day's agents, then share them by largest remainders
            let days = self.shift_days(g, mask, "absence")?;
            return self.change_days(g, &days, "absence", |e| Some(days::keep_share(e, share)));
        }
        let keep = |n: u32| (f64::from(n) * (1.0 - share)).round() as u32;
        let all = mask.iter().all(|m| *m);
        let group = &mut self.0.groups[g];
        match &mut group.staffing {
            Staffing::Count(c) if all => *c = keep(*c),
            _ => {
                let c = self.curve_of(g, "absence")?;
                for (v, m) in c.iter_mut().zip(mask) {
                    if *m {
                        *v = keep(*v);
                    }
                }
            }
        }
        Ok(())
    }

    fn shifts_of(&mut self, g: usize, what: &str) -> ScriptResult<&mut Vec<Shift>> {
        let group = &mut self.0.groups[g];
        let id = group.id.clone();
        match &mut group.staffing {
            Staffing::Shifts { shifts: s, .. } => Ok(s),
            _ => fail(format!("{what} applies to groups that work shifts; `{id}` does not")),
        }
    }

    /// Adds a shift to a shift group, keeping the group within [`super::MAX_AGENTS_PER_GROUP`].
    fn push_shift(&mut self, g: usize, shift: Shift) -> ScriptResult<()> {
        let id = self.0.groups[g].id.clone();
        let shifts = self.shifts_of(g, "add_shift")?;
        let total: i64 = shifts.iter().map(|s| i64::from(s.count)).sum::<i64>() + i64::from(shift.count);
        within_limit(total, &format!("add_shift: the agents of all the shifts of `{id}`"))?;
        shifts.push(shift);
        Ok(())
    }

    /// Gives group `g` the planned curve `want` (one level per global interval). A level equal
    /// to what the group has changes nothing; a count group whose curve stays flat at its count
    /// stays a count group. A shift group keeps its shifts, breaks and paid time: where `want`
    /// differs, agents are added as shifts without breaks covering the intervals with more, and
    /// taken out of existing shifts for the intervals with fewer (the agent's shift is cut in two
    /// around the interval, each part keeping its breaks). A change that is the same every day
    /// on a group whose shifts all work every day, without a roster or closed days, reshapes the
    /// shifts themselves; otherwise each changed day is reshaped on its own: the shifts working
    /// it are split into copies for that day (see `days.rs`), which are then cut or added to.
    /// Named roster agents are never cut: levels below what they alone give are an error.
    fn set_staffing(&mut self, g: usize, want: Vec<u32>) -> ScriptResult<()> {
        let have = self.0.groups[g].planned_curve(&self.0.horizon);
        if have == want {
            return Ok(());
        }
        let h = self.0.horizon.clone();
        let group = &mut self.0.groups[g];
        let id = group.id.clone();
        let Staffing::Shifts { shifts, roster } = &mut group.staffing else {
            group.staffing = Staffing::Curve(want);
            return Ok(());
        };
        let n = h.intervals_per_day();
        let delta: Vec<i64> = want.iter().zip(&have).map(|(w, h)| i64::from(*w) - i64::from(*h)).collect();
        let every_day = roster.is_empty() && shifts.iter().all(|s| s.days.is_none()) && h.closed.iter().all(|c| !c);
        if every_day && delta.chunks(n).all(|day| day == &delta[..n]) {
            reshape_shifts(shifts, &h, &delta[..n], None);
        } else {
            let days_n = h.days as usize;
            let from = shifts.len();
            let mut touched = vec![false; from];
            for (d, day) in delta.chunks(n).enumerate().filter(|(_, day)| day.iter().any(|x| *x != 0)) {
                if !h.is_open(d) {
                    return fail(format!("set_staffing: {} is closed: nobody can work it", h.day_label(d)));
                }
                let mut copies = Vec::new();
                for (k, s) in shifts.iter_mut().enumerate().filter(|(_, s)| s.count > 0 && s.works_on(&h, d)) {
                    touched[k] = true;
                    copies.push(Shift { days: Some(days::only(days_n, d)), ..s.clone() });
                    s.days.get_or_insert_with(|| vec![true; days_n])[d] = false;
                }
                reshape_shifts(&mut copies, &h, day, Some(days::only(days_n, d)));
                shifts.extend(copies.into_iter().filter(|c| c.count > 0));
            }
            days::merge_days(shifts, from);
            // a shift split off every day it worked is left with none: its copies replace it
            let mut k = 0;
            shifts.retain(|s| {
                k += 1;
                k > from || !touched[k - 1] || (0..days_n).any(|d| s.works_on(&h, d))
            });
            let got = self.0.groups[g].planned_curve(&h);
            if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
                return fail(format!(
                    "set_staffing: `{id}` cannot have {} agent(s) on duty at {}: {} of its named roster agents work then; give them the day off with day_off(agent, day) first",
                    want[i],
                    h.interval_label(i),
                    got[i]
                ));
            }
        }
        let Staffing::Shifts { shifts, .. } = &self.0.groups[g].staffing else { unreachable!("still shifts") };
        within_limit(shifts.iter().map(|s| i64::from(s.count)).sum(), &format!("set_staffing: the agents of `{id}`"))?;
        Ok(())
    }

    /// Planned agents on duty per interval (shift agents not on a planned break).
    fn staffing_curve(&self, g: usize) -> Vec<i64> {
        self.0.groups[g].planned_curve(&self.0.horizon).into_iter().map(i64::from).collect()
    }
}

/// Why a change over part of a day cannot apply to the shift group `id`.
fn shifts_need_whole_days(what: &str, id: &str) -> String {
    format!(
        "{what} over part of a day applies to groups with `count` or `staffing`; `{id}` works shifts: give whole days (\"Mon 08:00\" to \"Mon 20:00\", opening to closing, or just \"Mon\"), or use add_shift, remove_agents (whole day) or absence (whole day)"
    )
}

/// The part of `shift` inside [`from`, `to`) for one agent, its breaks clipped to it; `None` when
/// empty.
fn piece(shift: &Shift, from: f64, to: f64) -> Option<Shift> {
    let (a, b) = (shift.start_s.max(from), shift.end_s.min(to));
    (b > a).then(|| Shift {
        start_s: a,
        end_s: b,
        count: 1,
        breaks: shift
            .breaks
            .iter()
            .filter_map(|br| {
                let (s, e) = (br.start_s.max(a), (br.start_s + br.length_s).min(b));
                (e > s).then_some(Break { start_s: s, length_s: e - s })
            })
            .collect(),
        days: shift.days.clone(),
    })
}

/// Changes a day of shifts by `delta` agents on duty per interval of the day (planned curve
/// semantics: an agent counts in an interval when on shift and not on a break at its start).
///
/// - Fewer agents in interval `i` (clock `t`, end `e`): one agent on duty at `t` leaves its shift
///   for `[t, e)`: its shift's count drops by one and the agent gets the parts before `t` and
///   after `e` as shifts of its own, breaks kept. An agent already cut just before (a part starting
///   at `t`) or whose shift ends at `e` is taken first, so that a run of intervals shortens one
///   agent's day instead of cutting many; otherwise the last shift on duty in file order gives.
///   Paid time drops by exactly the interval.
/// - More agents: one shift without breaks per run of intervals needing at least k more
///   (k = 1, 2, ...). Paid time grows by exactly the added agent-intervals.
///
/// Added shifts work `days` (`None`: every day). Identical shifts (days included) are merged
/// afterwards (the earliest keeps the count).
fn reshape_shifts(shifts: &mut Vec<Shift>, h: &Horizon, delta: &[i64], days: Option<Vec<bool>>) {
    let original = shifts.len();
    let start = |i: usize| h.interval_start(i).1;
    for (i, d) in delta.iter().enumerate() {
        let (t, e) = (start(i), start(i) + h.interval_s);
        for _ in 0..(-d).max(0) {
            let on_duty = |s: &Shift| {
                s.count > 0
                    && s.start_s <= t
                    && t < s.end_s
                    && !s.breaks.iter().any(|b| b.start_s <= t && t < b.start_s + b.length_s)
            };
            let pick = (0..shifts.len())
                .rev()
                .find(|&k| on_duty(&shifts[k]) && shifts[k].start_s == t)
                .or_else(|| (0..shifts.len()).rev().find(|&k| on_duty(&shifts[k]) && shifts[k].end_s == e))
                .or_else(|| (0..shifts.len()).rev().find(|&k| on_duty(&shifts[k])));
            // the planned curve counts exactly these agents, so one is always there
            let Some(k) = pick else { break };
            shifts[k].count -= 1;
            let cut = shifts[k].clone();
            shifts.extend(piece(&cut, cut.start_s, t));
            shifts.extend(piece(&cut, e, cut.end_s));
        }
    }
    let most = delta.iter().copied().max().unwrap_or(0);
    for k in 1..=most {
        let mut i = 0;
        while i < delta.len() {
            if delta[i] < k {
                i += 1;
                continue;
            }
            let from = i;
            while i < delta.len() && delta[i] >= k {
                i += 1;
            }
            let end = if i < delta.len() { start(i) } else { start(i - 1) + h.interval_s };
            shifts.push(Shift { start_s: start(from), end_s: end, count: 1, breaks: vec![], days: days.clone() });
        }
    }
    // merge identical shifts into the earliest; drop emptied parts (the file's own shifts stay)
    let mut k = original;
    while k < shifts.len() {
        let same = (0..k).find(|&j| {
            let (a, b) = (&shifts[j], &shifts[k]);
            a.start_s == b.start_s && a.end_s == b.end_s && a.breaks == b.breaks && a.days == b.days
        });
        match same {
            Some(j) => {
                let c = shifts[k].count;
                shifts[j].count += c;
                shifts.remove(k);
            }
            None if shifts[k].count == 0 => {
                shifts.remove(k);
            }
            None => k += 1,
        }
    }
}
