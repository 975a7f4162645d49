//! What-if scripts: a Rhai script receives the validated scenario as the variable `scenario`
//! and changes it through a small API named in planners' words (`scale_arrivals`, `absence`,
//! `overtime`, `set_service_level`, ...). The changed scenario is validated again by the same
//! rules as a file. Times are clock strings (`"10:00"`), durations strings (`"15m"`) or
//! seconds; a queue or group that does not exist is an error naming the ones that do.
//!
//! Windows `from`–`to` are clock times applied to every day of the horizon. Traffic changes
//! are prorated by the share of each interval inside the window; staffing changes apply to the
//! intervals whose start lies inside it.

use super::{Param, R, ScriptError, agents, count, duration, fail, num, sandboxed_engine, within_limit};
use crate::dist::Dist;
use crate::scenario::raw::{RawDist, RawQueue};
use crate::scenario::{Break, Horizon, Scenario, ScenarioError, Shift, Skill, SlDefinition, Staffing};
use crate::time::{format_clock, parse_clock, parse_duration};
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
        let mut s = changed
            .0
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

fn clock(t: &str) -> R<f64> {
    parse_clock(t).or_else(fail)
}

impl Api {
    fn queues_named(&self, q: &str) -> R<Vec<usize>> {
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

    fn queue(&self, q: &str) -> R<usize> {
        let v = self.queues_named(q)?;
        if v.len() != 1 {
            return fail(format!("name one queue here, not `{q}`"));
        }
        Ok(v[0])
    }

    fn group(&self, g: &str) -> R<usize> {
        self.0.group_index(g).map_or_else(
            || {
                let ids: Vec<&str> = self.0.groups.iter().map(|g| g.id.as_str()).collect();
                fail(format!("unknown group `{g}` (groups: {})", ids.join(", ")))
            },
            Ok,
        )
    }

    /// For every global interval, the share of it inside the daily window [from, to).
    fn overlap(&self, from: &str, to: &str) -> R<Vec<f64>> {
        let (a, b) = (clock(from)?, clock(to)?);
        if b <= a {
            return fail(format!("the window {from}–{to} is empty: `to` must be after `from`"));
        }
        let h = &self.0.horizon;
        Ok((0..h.total_intervals())
            .map(|i| {
                let (_, s) = h.interval_start(i);
                let e = s + h.interval_s;
                ((e.min(b) - s.max(a)).max(0.0)) / h.interval_s
            })
            .collect())
    }

    /// Global intervals whose start lies in the daily window [from, to).
    fn starts_in(&self, from: &str, to: &str) -> R<Vec<bool>> {
        let (a, b) = (clock(from)?, clock(to)?);
        if b <= a {
            return fail(format!("the window {from}–{to} is empty: `to` must be after `from`"));
        }
        let h = &self.0.horizon;
        Ok((0..h.total_intervals()).map(|i| (a..b).contains(&h.interval_start(i).1)).collect())
    }

    fn all_day(&self) -> Vec<bool> {
        vec![true; self.0.horizon.total_intervals()]
    }

    /// The group's staffing as a per-interval curve (count groups become curves).
    fn curve_of(&mut self, g: usize, what: &str) -> R<&mut Vec<u32>> {
        let n = self.0.horizon.total_intervals();
        let group = &mut self.0.groups[g];
        if let Staffing::Count(c) = group.staffing {
            group.staffing = Staffing::Curve(vec![c; n]);
        }
        match &mut group.staffing {
            Staffing::Curve(c) => Ok(c),
            _ => fail(format!(
                "{what} over a window applies to groups with `count` or `staffing`; `{}` works shifts: use add_shift, remove_agents (whole day) or absence (whole day)",
                group.id
            )),
        }
    }

    /// Adds `delta` agents (negative removes, floor 0) in the marked intervals; more than
    /// [`super::MAX_AGENTS_PER_GROUP`] on duty is an error.
    fn add_agents_in(&mut self, g: usize, delta: i64, mask: &[bool], what: &str) -> R<()> {
        let all = mask.iter().all(|m| *m);
        let group = &mut self.0.groups[g];
        let limit = format!("{what}: agents on duty in `{}`", group.id);
        let level = |n: u32| within_limit((i64::from(n) + delta).max(0), &limit);
        match &mut group.staffing {
            Staffing::Count(c) if all => *c = level(*c)?,
            Staffing::Shifts(shifts) if all => {
                if delta >= 0 {
                    return fail(format!(
                        "`{}` works shifts: add agents with add_shift(group, start, end, count)",
                        group.id
                    ));
                }
                let mut left = -delta;
                for s in shifts.iter_mut().rev() {
                    let take = left.min(i64::from(s.count));
                    s.count -= take as u32;
                    left -= take;
                }
            }
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
    fn move_agents_in(&mut self, a: usize, b: usize, n: u32, mask: &[bool]) -> R<()> {
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
    fn absence_in(&mut self, g: usize, share: f64, mask: &[bool]) -> R<()> {
        if !(0.0..=1.0).contains(&share) {
            return fail(format!("the absent share must be in [0, 1], got {share}"));
        }
        let keep = |n: u32| (f64::from(n) * (1.0 - share)).round() as u32;
        let all = mask.iter().all(|m| *m);
        let group = &mut self.0.groups[g];
        match &mut group.staffing {
            Staffing::Count(c) if all => *c = keep(*c),
            Staffing::Shifts(shifts) if all => {
                // round the group's total, then share it by largest remainders
                let total: u32 = shifts.iter().map(|s| s.count).sum();
                let target = keep(total);
                let exact: Vec<f64> = shifts.iter().map(|s| f64::from(s.count) * (1.0 - share)).collect();
                let mut kept: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
                let mut order: Vec<usize> = (0..shifts.len()).collect();
                order.sort_by(|&a, &b| {
                    (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b))
                });
                let mut left = target.saturating_sub(kept.iter().sum());
                for i in order {
                    if left == 0 {
                        break;
                    }
                    if kept[i] < shifts[i].count {
                        kept[i] += 1;
                        left -= 1;
                    }
                }
                for (s, k) in shifts.iter_mut().zip(kept) {
                    s.count = k;
                }
            }
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

    fn shifts_of(&mut self, g: usize, what: &str) -> R<&mut Vec<Shift>> {
        let group = &mut self.0.groups[g];
        let id = group.id.clone();
        match &mut group.staffing {
            Staffing::Shifts(s) => Ok(s),
            _ => fail(format!("{what} applies to groups that work shifts; `{id}` does not")),
        }
    }

    /// Adds a shift to a shift group, keeping the group within [`super::MAX_AGENTS_PER_GROUP`].
    fn push_shift(&mut self, g: usize, shift: Shift) -> R<()> {
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
    /// around the interval, each part keeping its breaks). Shifts repeat every day, so on a
    /// horizon of several days the change must be the same every day.
    fn set_staffing(&mut self, g: usize, want: Vec<u32>) -> R<()> {
        let have = self.0.groups[g].planned_curve(&self.0.horizon);
        if have == want {
            return Ok(());
        }
        let h = self.0.horizon;
        let group = &mut self.0.groups[g];
        let Staffing::Shifts(shifts) = &mut group.staffing else {
            group.staffing = Staffing::Curve(want);
            return Ok(());
        };
        let n = h.intervals_per_day();
        let delta: Vec<i64> = want.iter().zip(&have).map(|(w, h)| i64::from(*w) - i64::from(*h)).collect();
        if delta.chunks(n).any(|day| day != &delta[..n]) {
            return fail(format!(
                "set_staffing: `{}` works shifts, which repeat every day, so the levels must change it the same way every day; to give up its shifts for a curve, call set_count(\"{}\", 0) first",
                group.id, group.id
            ));
        }
        reshape_shifts(shifts, &h, &delta[..n]);
        within_limit(
            shifts.iter().map(|s| i64::from(s.count)).sum(),
            &format!("set_staffing: the agents of `{}`", group.id),
        )?;
        Ok(())
    }

    /// Planned agents on duty per interval (shift agents not on a planned break).
    fn staffing_curve(&self, g: usize) -> Vec<i64> {
        self.0.groups[g].planned_curve(&self.0.horizon).into_iter().map(i64::from).collect()
    }
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
/// Identical shifts are merged afterwards (the earliest keeps the count).
fn reshape_shifts(shifts: &mut Vec<Shift>, h: &Horizon, delta: &[i64]) {
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
            shifts.push(Shift { start_s: start(from), end_s: end, count: 1, breaks: vec![] });
        }
    }
    // merge identical shifts into the earliest; drop emptied parts (the file's own shifts stay)
    let mut k = original;
    while k < shifts.len() {
        let same = (0..k).find(|&j| {
            let (a, b) = (&shifts[j], &shifts[k]);
            a.start_s == b.start_s && a.end_s == b.end_s && a.breaks == b.breaks
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

fn dist_from_map(m: Map, what: &str) -> R<Dist> {
    let raw: RawDist = from_map(m)
        .map_err(|e| format!("{what}: {e} (expected a map like #{{ dist: \"lognormal\", mean: \"4m\", cv: 1.0 }})"))?;
    // reuse the file validation for one distribution by a one-queue probe
    let probe = format!("{what}: ");
    let d = crate::scenario::validate_dist(&raw).map_err(|m| format!("{probe}{m}"))?;
    Ok(d)
}

#[allow(clippy::too_many_lines)]
fn register(e: &mut Engine) {
    e.register_type_with_name::<Api>("Scenario");

    // ---- traffic ----
    e.register_fn("scale_arrivals", |s: &mut Api, q: &str, factor: Dynamic| -> R<()> {
        let f = num(&factor, "factor")?;
        if f < 0.0 {
            return fail(format!("factor must not be negative, got {f}"));
        }
        for qi in s.queues_named(q)? {
            s.0.queues[qi].volumes.iter_mut().for_each(|v| *v *= f);
        }
        Ok(())
    });
    e.register_fn("scale_arrivals", |s: &mut Api, q: &str, from: &str, to: &str, factor: Dynamic| -> R<()> {
        let f = num(&factor, "factor")?;
        if f < 0.0 {
            return fail(format!("factor must not be negative, got {f}"));
        }
        let w = s.overlap(from, to)?;
        for qi in s.queues_named(q)? {
            for (v, o) in s.0.queues[qi].volumes.iter_mut().zip(&w) {
                *v *= 1.0 + (f - 1.0) * o;
            }
        }
        Ok(())
    });
    e.register_fn("add_calls", |s: &mut Api, q: &str, from: &str, to: &str, calls: Dynamic| -> R<()> {
        let c = num(&calls, "calls per interval")?;
        let w = s.overlap(from, to)?;
        for qi in s.queues_named(q)? {
            for (v, o) in s.0.queues[qi].volumes.iter_mut().zip(&w) {
                *v = (*v + c * o).max(0.0);
            }
        }
        Ok(())
    });
    e.register_fn("shift_arrivals", |s: &mut Api, q: &str, by: Dynamic| -> R<()> {
        let secs = if by.is_string() {
            let t = by.clone().into_string().unwrap_or_default();
            let (neg, body) = t.strip_prefix('-').map_or((false, t.as_str()), |b| (true, b));
            let d = parse_duration(body).or_else(fail)?;
            if neg { -d } else { d }
        } else {
            num(&by, "shift")?
        };
        let h = s.0.horizon;
        let k = secs / h.interval_s;
        if (k - k.round()).abs() > 1e-9 {
            return fail(format!(
                "shift by whole intervals ({}), got {secs} s",
                crate::time::format_duration(h.interval_s)
            ));
        }
        let k = k.round() as i64;
        let n = h.intervals_per_day();
        for qi in s.queues_named(q)? {
            let old = s.0.queues[qi].volumes.clone();
            for d in 0..h.days as usize {
                for i in 0..n {
                    let src = i as i64 - k;
                    s.0.queues[qi].volumes[d * n + i] =
                        if (0..n as i64).contains(&src) { old[d * n + src as usize] } else { 0.0 };
                }
            }
        }
        Ok(())
    });
    e.register_fn("set_busyness", |s: &mut Api, q: &str, day_cv: Dynamic, interval_cv: Dynamic| -> R<()> {
        let (d, i) = (num(&day_cv, "day_cv")?, num(&interval_cv, "interval_cv")?);
        for qi in s.queues_named(q)? {
            s.0.queues[qi].busyness.day_cv = d;
            s.0.queues[qi].busyness.interval_cv = i;
        }
        Ok(())
    });
    e.register_fn("add_queue", |s: &mut Api, queue: Map| -> R<()> {
        let raw: RawQueue = from_map(queue)
            .map_err(|e| format!("add_queue: {e} (expected a map with the keys of a queue in the scenario file)"))?;
        let q = crate::scenario::validate_queue(&raw, &s.0).map_err(|m| format!("add_queue: {m}"))?;
        s.0.queues.push(q);
        Ok(())
    });
    e.register_fn("set_hours", |s: &mut Api, q: &str, open: &str, close: &str| -> R<()> {
        let w = s.overlap(open, close)?;
        for qi in s.queues_named(q)? {
            for (v, o) in s.0.queues[qi].volumes.iter_mut().zip(&w) {
                *v *= o;
            }
        }
        Ok(())
    });

    // ---- handling ----
    e.register_fn("scale_handle_time", |s: &mut Api, q: &str, factor: Dynamic| -> R<()> {
        let f = num(&factor, "factor")?;
        if f <= 0.0 {
            return fail(format!("factor must be positive, got {f}"));
        }
        for qi in s.queues_named(q)? {
            let d = s.0.queues[qi].handle_time.scaled(f);
            s.0.queues[qi].handle_time = d;
        }
        Ok(())
    });
    e.register_fn("set_handle_time", |s: &mut Api, q: &str, mean: Dynamic| -> R<()> {
        let m = duration(&mean, "mean handle time")?;
        for qi in s.queues_named(q)? {
            let d = &s.0.queues[qi].handle_time;
            s.0.queues[qi].handle_time = d.scaled(m / d.mean());
        }
        Ok(())
    });
    e.register_fn("set_handle_time", |s: &mut Api, q: &str, dist: Map| -> R<()> {
        let d = dist_from_map(dist, "handle time")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].handle_time = d.clone();
        }
        Ok(())
    });
    e.register_fn("set_wrap_up", |s: &mut Api, q: &str, mean: Dynamic| -> R<()> {
        let m = duration(&mean, "mean wrap-up")?;
        for qi in s.queues_named(q)? {
            let w = &mut s.0.queues[qi].wrap_up;
            *w = if m == 0.0 {
                None
            } else {
                Some(w.as_ref().map_or(Dist::Constant { mean: m }, |d| d.scaled(m / d.mean())))
            };
        }
        Ok(())
    });
    e.register_fn("set_patience", |s: &mut Api, q: &str, mean: Dynamic| -> R<()> {
        let m = duration(&mean, "mean patience")?;
        for qi in s.queues_named(q)? {
            let p = &mut s.0.queues[qi].patience;
            *p = Some(p.as_ref().map_or(Dist::Exponential { mean: m }, |d| d.scaled(m / d.mean())));
        }
        Ok(())
    });
    e.register_fn("set_patience", |s: &mut Api, q: &str, dist: Map| -> R<()> {
        let d = dist_from_map(dist, "patience")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].patience = Some(d.clone());
        }
        Ok(())
    });
    e.register_fn("remove_patience", |s: &mut Api, q: &str| -> R<()> {
        for qi in s.queues_named(q)? {
            s.0.queues[qi].patience = None;
            s.0.queues[qi].retrial = None;
        }
        Ok(())
    });
    e.register_fn("set_speed", |s: &mut Api, g: &str, speed: Dynamic| -> R<()> {
        let g = s.group(g)?;
        s.0.groups[g].speed = num(&speed, "speed")?;
        Ok(())
    });

    // ---- people ----
    e.register_fn("absence", |s: &mut Api, g: &str, share: Dynamic| -> R<()> {
        let g = s.group(g)?;
        let all = s.all_day();
        s.absence_in(g, num(&share, "share")?, &all)
    });
    e.register_fn("absence", |s: &mut Api, g: &str, share: Dynamic, from: &str, to: &str| -> R<()> {
        let g = s.group(g)?;
        let mask = s.starts_in(from, to)?;
        s.absence_in(g, num(&share, "share")?, &mask)
    });
    e.register_fn("set_absenteeism", |s: &mut Api, g: &str, p: Dynamic| -> R<()> {
        let g = s.group(g)?;
        s.0.groups[g].absenteeism = num(&p, "absenteeism")?;
        Ok(())
    });
    e.register_fn("add_agents", |s: &mut Api, g: &str, n: Dynamic| -> R<()> {
        let g = s.group(g)?;
        let all = s.all_day();
        s.add_agents_in(g, agents(&n, "add_agents: agents")?.into(), &all, "add_agents")
    });
    e.register_fn("add_agents", |s: &mut Api, g: &str, n: Dynamic, from: &str, to: &str| -> R<()> {
        let g = s.group(g)?;
        let mask = s.starts_in(from, to)?;
        s.add_agents_in(g, agents(&n, "add_agents: agents")?.into(), &mask, "add_agents")
    });
    e.register_fn("remove_agents", |s: &mut Api, g: &str, n: Dynamic| -> R<()> {
        let g = s.group(g)?;
        let all = s.all_day();
        s.add_agents_in(g, -i64::from(agents(&n, "remove_agents: agents")?), &all, "remove_agents")
    });
    e.register_fn("remove_agents", |s: &mut Api, g: &str, n: Dynamic, from: &str, to: &str| -> R<()> {
        let g = s.group(g)?;
        let mask = s.starts_in(from, to)?;
        s.add_agents_in(g, -i64::from(agents(&n, "remove_agents: agents")?), &mask, "remove_agents")
    });
    e.register_fn("move_agents", |s: &mut Api, from_g: &str, to_g: &str, n: Dynamic| -> R<()> {
        let (a, b) = (s.group(from_g)?, s.group(to_g)?);
        let all = s.all_day();
        s.move_agents_in(a, b, agents(&n, "move_agents: agents")?, &all)
    });
    e.register_fn("move_agents", |s: &mut Api, from_g: &str, to_g: &str, n: Dynamic, from: &str, to: &str| -> R<()> {
        let (a, b) = (s.group(from_g)?, s.group(to_g)?);
        let mask = s.starts_in(from, to)?;
        s.move_agents_in(a, b, agents(&n, "move_agents: agents")?, &mask)
    });
    e.register_fn("add_shift", |s: &mut Api, g: &str, start: &str, end: &str, n: Dynamic| -> R<()> {
        let g = s.group(g)?;
        let shift = Shift {
            start_s: clock(start)?,
            end_s: clock(end)?,
            count: agents(&n, "add_shift: agents")?,
            breaks: vec![],
        };
        s.push_shift(g, shift)
    });
    e.register_fn("add_shift", |s: &mut Api, g: &str, start: &str, end: &str, n: Dynamic, breaks: Array| -> R<()> {
        let g = s.group(g)?;
        let mut bs = Vec::new();
        for b in breaks {
            let m = b.try_cast::<Map>().ok_or("breaks must be maps like #{ start: \"10:00\", length: \"15m\" }")?;
            let start = m.get("start").and_then(|v| v.clone().into_string().ok()).ok_or("a break needs `start`")?;
            let len = m.get("length").ok_or("a break needs `length`")?;
            bs.push(Break { start_s: clock(&start)?, length_s: duration(len, "break length")? });
        }
        bs.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        let shift =
            Shift { start_s: clock(start)?, end_s: clock(end)?, count: agents(&n, "add_shift: agents")?, breaks: bs };
        s.push_shift(g, shift)
    });
    e.register_fn("overtime", |s: &mut Api, g: &str, extra: Dynamic| -> R<()> {
        let g = s.group(g)?;
        let d = duration(&extra, "overtime")?;
        let close = s.0.horizon.end_s;
        for sh in s.shifts_of(g, "overtime")? {
            sh.end_s = (sh.end_s + d).min(close);
        }
        Ok(())
    });
    e.register_fn("remove_break", |s: &mut Api, g: &str, at: &str| -> R<()> {
        let g = s.group(g)?;
        let t = clock(at)?;
        let mut found = false;
        for sh in s.shifts_of(g, "remove_break")? {
            let before = sh.breaks.len();
            sh.breaks.retain(|b| b.start_s != t);
            found |= sh.breaks.len() != before;
        }
        if found { Ok(()) } else { fail(format!("no break starts at {at} in this group")) }
    });
    e.register_fn("move_break", |s: &mut Api, g: &str, at: &str, to: &str| -> R<()> {
        let g = s.group(g)?;
        let (t, new) = (clock(at)?, clock(to)?);
        let mut found = false;
        for sh in s.shifts_of(g, "move_break")? {
            for b in sh.breaks.iter_mut().filter(|b| b.start_s == t) {
                b.start_s = new;
                found = true;
            }
            sh.breaks.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        }
        if found { Ok(()) } else { fail(format!("no break starts at {at} in this group")) }
    });
    e.register_fn("add_skill", |s: &mut Api, g: &str, q: &str, preference: Dynamic| -> R<()> {
        let (g, q) = (s.group(g)?, s.queue(q)?);
        let p = count(&preference, "preference")?;
        if p < 1 {
            return fail(format!("preference levels start at 1 (most preferred), got {p}"));
        }
        let p = p as u32;
        let skills = &mut s.0.groups[g].skills;
        skills.retain(|k| k.queue != q);
        skills.push(Skill { queue: q, preference: p });
        Ok(())
    });
    e.register_fn("remove_skill", |s: &mut Api, g: &str, q: &str| -> R<()> {
        let (g, q) = (s.group(g)?, s.queue(q)?);
        s.0.groups[g].skills.retain(|k| k.queue != q);
        Ok(())
    });

    // ---- contract ----
    e.register_fn("set_service_level", |s: &mut Api, q: &str, within: Dynamic, target: Dynamic| -> R<()> {
        let (t, x) = (duration(&within, "answered_within")?, num(&target, "target")?);
        for qi in s.queues_named(q)? {
            s.0.queues[qi].service_level.threshold_s = t;
            s.0.queues[qi].service_level.target = x;
        }
        Ok(())
    });
    e.register_fn("set_sl_definition", |s: &mut Api, q: &str, def: &str| -> R<()> {
        let d = match def {
            "offered" => SlDefinition::Offered,
            "offered_minus_short_abandons" => SlDefinition::OfferedMinusShortAbandons,
            "answered" => SlDefinition::Answered,
            o => {
                return fail(format!(
                    "unknown SL definition {o:?}: expected offered, offered_minus_short_abandons or answered"
                ));
            }
        };
        for qi in s.queues_named(q)? {
            s.0.queues[qi].service_level.definition = d;
        }
        Ok(())
    });
    e.register_fn("set_max_asa", |s: &mut Api, q: &str, asa: Dynamic| -> R<()> {
        let a = duration(&asa, "max ASA")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].max_asa_s = Some(a);
        }
        Ok(())
    });
    e.register_fn("set_max_abandon_rate", |s: &mut Api, q: &str, rate: Dynamic| -> R<()> {
        let r = num(&rate, "max abandon rate")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].max_abandon_rate = Some(r);
        }
        Ok(())
    });
    e.register_fn("set_cost", |s: &mut Api, g: &str, per_hour: Dynamic| -> R<()> {
        let g = s.group(g)?;
        s.0.groups[g].cost_per_hour = num(&per_hour, "cost per hour")?;
        Ok(())
    });
    e.register_fn("set_priority", |s: &mut Api, q: &str, p: Dynamic| -> R<()> {
        let p = count(&p, "priority")?;
        let p = i32::try_from(p).or_else(|_| fail(format!("priority must fit in ±{}, got {p}", i32::MAX)))?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].priority = p;
        }
        Ok(())
    });

    e.register_fn("set_retrial", |s: &mut Api, q: &str, probability: Dynamic, delay: Dynamic| -> R<()> {
        let p = num(&probability, "retrial probability")?;
        let d = duration(&delay, "mean retrial delay")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].retrial = if p == 0.0 {
                None
            } else {
                Some(crate::scenario::Retrial { probability: p, delay: Dist::Exponential { mean: d } })
            };
        }
        Ok(())
    });
    e.register_fn("set_overflow", |s: &mut Api, q: &str, after: Dynamic, groups: Array| -> R<()> {
        let a = duration(&after, "overflow delay")?;
        let mut gs = Vec::new();
        for g in groups {
            let id = g.into_string().map_err(|t| format!("overflow groups must be group ids, got {t}"))?;
            gs.push(s.group(&id)?);
        }
        for qi in s.queues_named(q)? {
            s.0.queues[qi].overflow = Some(crate::scenario::Overflow { after_s: a, groups: gs.clone() });
        }
        Ok(())
    });
    e.register_fn("remove_overflow", |s: &mut Api, q: &str| -> R<()> {
        for qi in s.queues_named(q)? {
            s.0.queues[qi].overflow = None;
        }
        Ok(())
    });
    e.register_fn("set_routing", |s: &mut Api, rule: &str| -> R<()> {
        s.0.routing.agent_selection = match rule {
            "longest_idle" => crate::scenario::AgentSelection::LongestIdle,
            "least_skilled" => crate::scenario::AgentSelection::LeastSkilled,
            o => return fail(format!("unknown routing rule {o:?}: expected longest_idle or least_skilled")),
        };
        Ok(())
    });
    e.register_fn("set_count", |s: &mut Api, g: &str, n: Dynamic| -> R<()> {
        let g = s.group(g)?;
        let n = agents(&n, "set_count: agents")?;
        let group = &mut s.0.groups[g];
        // a curve that is already n all day stays as it is: a what-if that changes nothing must
        // leave the scenario unchanged
        if !matches!(&group.staffing, Staffing::Curve(c) if c.iter().all(|v| *v == n)) {
            group.staffing = Staffing::Count(n);
        }
        Ok(())
    });
    e.register_fn("set_staffing", |s: &mut Api, g: &str, levels: Array| -> R<()> {
        let g = s.group(g)?;
        let v: Vec<u32> = levels
            .iter()
            .enumerate()
            .map(|(i, x)| agents(x, &format!("set_staffing: level {} (agents)", i + 1)))
            .collect::<R<_>>()?;
        let (n, total) = (s.0.horizon.intervals_per_day(), s.0.horizon.total_intervals());
        let full = if v.len() == total {
            v
        } else if v.len() == n {
            v.iter().copied().cycle().take(total).collect()
        } else {
            return fail(format!("set_staffing: {} levels, expected {n} (one per interval) or {total}", v.len()));
        };
        s.set_staffing(g, full)
    });

    // ---- reading ----
    e.register_fn("queues", |s: &mut Api| -> Array {
        s.0.queues.iter().map(|q| Dynamic::from(q.id.clone())).collect()
    });
    e.register_fn("groups", |s: &mut Api| -> Array {
        s.0.groups.iter().map(|g| Dynamic::from(g.id.clone())).collect()
    });
    e.register_fn("intervals", |s: &mut Api| -> Array {
        (0..s.0.horizon.total_intervals())
            .map(|i| Dynamic::from(s.0.horizon.interval_start(i).1))
            .map(|d| Dynamic::from(format_clock(d.as_float().unwrap_or(0.0))))
            .collect()
    });
    e.register_fn("volumes", |s: &mut Api, q: &str| -> R<Array> {
        let q = s.queue(q)?;
        Ok(s.0.queues[q].volumes.iter().map(|v| Dynamic::from(*v)).collect())
    });
    e.register_fn("total_calls", |s: &mut Api, q: &str| -> R<f64> {
        Ok(s.queues_named(q)?.iter().map(|&q| s.0.queues[q].volumes.iter().sum::<f64>()).sum())
    });
    e.register_fn("peak_interval", |s: &mut Api, q: &str| -> R<String> {
        let q = s.queue(q)?;
        let v = &s.0.queues[q].volumes;
        let i = (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b });
        Ok(format_clock(s.0.horizon.interval_start(i).1))
    });
    e.register_fn("staffing", |s: &mut Api, g: &str| -> R<Array> {
        let g = s.group(g)?;
        Ok(s.staffing_curve(g).into_iter().map(Dynamic::from).collect())
    });
    e.register_fn("aht", |s: &mut Api, q: &str| -> R<f64> {
        let q = s.queue(q)?;
        let qq = &s.0.queues[q];
        Ok(qq.handle_time.mean() + qq.wrap_up.as_ref().map_or(0.0, |w| w.mean()))
    });
    e.register_fn("sl_target", |s: &mut Api, q: &str| -> R<f64> { Ok(s.0.queues[s.queue(q)?].service_level.target) });
    e.register_fn("sl_threshold", |s: &mut Api, q: &str| -> R<f64> {
        Ok(s.0.queues[s.queue(q)?].service_level.threshold_s)
    });
    e.register_fn("interval_length", |s: &mut Api| -> f64 { s.0.horizon.interval_s });
    e.register_fn("opening", |s: &mut Api| -> String { format_clock(s.0.horizon.start_s) });
    e.register_fn("closing", |s: &mut Api| -> String { format_clock(s.0.horizon.end_s) });
    e.register_fn("time_after", |_: &mut Api, t: &str, d: Dynamic| -> R<String> {
        let end = clock(t)? + duration(&d, "duration")?;
        if end > crate::time::DAY_S {
            return fail(format!("{t} + {} is past midnight", crate::time::format_duration(duration(&d, "duration")?)));
        }
        Ok(format_clock(end))
    });
    e.register_fn("interval_end", |s: &mut Api, start: &str| -> R<String> {
        Ok(format_clock(clock(start)? + s.0.horizon.interval_s))
    });
}
