//! The schedule put into a scenario (`ccsim schedule --emit-scenario`): the scenario file as the
//! planner wrote it, with the schedule's concrete shifts added to `shift_codes` and the staffing
//! of every scheduled group replaced by the roster (named agents, one code per day, `-` off) or,
//! without agents, by coded shifts with a count on the days they are worked. Also the checks
//! that a spec and a scenario describe the same days and groups.
//!
//! The file is edited as a YAML document, so everything else (volumes, routing, policy, the
//! groups not scheduled) stays as written, only comments are lost; relative file references
//! (volume CSVs, roster CSVs, the policy script) are rewritten for the folder the new file goes
//! to. The text is validated by the scenario rules before it is handed back: what this module
//! returns always loads.
//!
//! Paid hours: the simulator pays a shift from start to end, breaks included, so the emitted
//! scenario's paid hours exceed the schedule's `agent_hours` by the unpaid breaks (see
//! [`Emitted::unpaid_break_hours`]).

use super::{Schedule, Spec};
use crate::scenario::{Horizon, Scenario};
use crate::time::format_clock;
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// A scenario with a schedule in place (prepend `# ` comment lines to `text` freely).
#[derive(Debug, Clone)]
pub struct Emitted {
    /// The YAML text of the scenario.
    pub text: String,
    /// The text validated, as the simulator reads it.
    pub scenario: Scenario,
    /// Groups whose staffing the schedule replaced, in scenario order.
    pub replaced: Vec<String>,
    /// Groups of the scenario the spec does not schedule (their staffing is kept), in scenario
    /// order.
    pub kept: Vec<String>,
    /// Shift codes added to `shift_codes` (codes already there with the same definition are
    /// reused, not counted).
    pub codes_added: usize,
    /// Unpaid break time of the scheduled shifts, agent-hours: what the simulator pays on top
    /// of the schedule's `agent_hours` (it pays whole shifts).
    pub unpaid_break_hours: f64,
}

/// A horizon in words, for error messages: "Mon 2026-12-07, 7 days, 08:00–20:00 every 30 min,
/// closed 2026-12-08".
fn horizon_text(h: &Horizon) -> String {
    let closed: Vec<String> = (0..h.days as usize).filter(|d| !h.is_open(*d)).map(|d| h.day_label(d)).collect();
    format!(
        "{}, {} day{}, {}–{} every {} min{}",
        h.day_label(0),
        h.days,
        if h.days == 1 { "" } else { "s" },
        format_clock(h.start_s),
        format_clock(h.end_s),
        h.interval_s / 60.0,
        if closed.is_empty() { String::new() } else { format!(", closed {}", closed.join(" ")) }
    )
}

/// Checks that a spec's horizon (`spec`) and a scenario's (`scenario`) are the same days, hours,
/// interval and closed days; the error names what differs and shows both.
pub fn check_horizon(spec: &Horizon, scenario: &Horizon, scenario_file: &Path) -> Result<(), String> {
    let mut diff = Vec::new();
    if spec.from != scenario.from {
        diff.push("first day");
    }
    if spec.days != scenario.days {
        diff.push("number of days");
    }
    if spec.start_s != scenario.start_s || spec.end_s != scenario.end_s {
        diff.push("opening hours");
    }
    if spec.interval_s != scenario.interval_s {
        diff.push("interval");
    }
    if diff.is_empty() && spec.closed != scenario.closed {
        diff.push("closed days");
    }
    if diff.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the spec's horizon ({}) differs from the horizon of {} ({}): {} differ{}; make them the same days, hours and interval",
        horizon_text(spec),
        scenario_file.display(),
        horizon_text(scenario),
        diff.join(", "),
        if diff.len() == 1 && !diff[0].ends_with('s') { "s" } else { "" }
    ))
}

/// Checks that every group of the spec is a group of the scenario (`exact`: and the other way
/// round); the error lists both.
pub fn check_groups(
    spec_groups: &[String],
    scenario: &Scenario,
    scenario_file: &Path,
    exact: bool,
) -> Result<(), String> {
    let ids: Vec<&str> = scenario.groups.iter().map(|g| g.id.as_str()).collect();
    let missing: Vec<&str> = spec_groups.iter().map(String::as_str).filter(|g| !ids.contains(g)).collect();
    let extra: Vec<&str> = ids.iter().copied().filter(|g| !spec_groups.iter().any(|s| s == g)).collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "the spec's group{} {} {} not in the scenario",
            plural(&missing),
            list(&missing),
            are(&missing)
        ));
    }
    if exact && !extra.is_empty() {
        problems.push(format!(
            "the scenario's group{} {} {} not in the spec",
            plural(&extra),
            list(&extra),
            are(&extra)
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the groups of the spec ({}) and of {} ({}) do not match: {}",
        list(&spec_groups.iter().map(String::as_str).collect::<Vec<_>>()),
        scenario_file.display(),
        list(&ids),
        problems.join("; ")
    ))
}

fn plural(v: &[&str]) -> &'static str {
    if v.len() == 1 { "" } else { "s" }
}

fn are(v: &[&str]) -> &'static str {
    if v.len() == 1 { "is" } else { "are" }
}

fn list(v: &[&str]) -> String {
    if v.is_empty() { "none".into() } else { v.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ") }
}

/// Day `d` (0-based) as the scenario names it: its date, or `d<k>`.
fn day_ref(h: &Horizon, d: usize) -> String {
    h.date(d).map_or(format!("d{}", d + 1), |x| x.to_string())
}

/// A break length as the scenario writes durations: `30m`, or `90s` when not whole minutes.
fn length_text(minutes: f64) -> String {
    let s = (minutes * 60.0).round();
    if (s / 60.0).fract() == 0.0 { format!("{}m", s / 60.0) } else { format!("{s}s") }
}

fn s(x: &str) -> Value {
    Value::String(x.to_string())
}

/// The scenario's text `source` (read from `source_file`, validated as `scenario`) with
/// `schedule` (solved for `spec`) in place, for a file at `target` (relative references are
/// rewritten for its folder). Fails when a
/// shift code of the schedule is in the scenario with another definition, when a spec group is
/// not in the scenario, and (never expected) when the result does not validate.
pub fn emit(
    source: &str,
    source_file: &Path,
    scenario: &Scenario,
    spec: &Spec,
    schedule: &Schedule,
    target: &Path,
) -> Result<Emitted, String> {
    let h = &spec.horizon;
    check_horizon(h, &scenario.horizon, source_file)?;
    check_groups(&spec.groups, scenario, source_file, false)?;
    let mut doc: Value =
        serde_yaml::from_str(source).map_err(|e| format!("{}: cannot read as YAML: {e}", source_file.display()))?;
    let Value::Mapping(top) = &mut doc else {
        return Err(format!("{}: expected a mapping at the top", source_file.display()));
    };

    // shift codes: the schedule's, reusing identical ones, refusing clashes
    let mut clashes = Vec::new();
    let mut added = Mapping::new();
    for (code, c) in &schedule.shift_codes {
        if let Some(old) = scenario.shift_codes.iter().find(|o| o.code == *code) {
            let same =
                format_clock(old.start_s) == c.start
                    && format_clock(old.end_s) == c.end
                    && old.breaks.len() == c.breaks.len()
                    && old.breaks.iter().zip(&c.breaks).all(|(a, b)| {
                        format_clock(a.start_s) == b.start && (a.length_s - b.minutes * 60.0).abs() < 1e-6
                    });
            if !same {
                clashes.push(format!(
                    "`{code}` is {}–{} in the scenario but {}–{} in the schedule",
                    format_clock(old.start_s),
                    format_clock(old.end_s),
                    c.start,
                    c.end
                ));
            }
            continue;
        }
        let mut m = Mapping::new();
        m.insert(s("start"), s(&c.start));
        m.insert(s("end"), s(&c.end));
        if !c.breaks.is_empty() {
            let breaks = c
                .breaks
                .iter()
                .map(|b| {
                    let mut bm = Mapping::new();
                    bm.insert(s("start"), s(&b.start));
                    bm.insert(s("length"), s(&length_text(b.minutes)));
                    Value::Mapping(bm)
                })
                .collect();
            m.insert(s("breaks"), Value::Sequence(breaks));
        }
        added.insert(s(code), Value::Mapping(m));
    }
    if !clashes.is_empty() {
        return Err(format!(
            "{}: shift code{} of the schedule clash with the scenario's `shift_codes`: {}; rename the scenario's code{} (the schedule names its shifts template code + start, e.g. D0830)",
            source_file.display(),
            if clashes.len() == 1 { "" } else { "s" },
            clashes.join("; "),
            if clashes.len() == 1 { "" } else { "s" },
        ));
    }
    let codes_added = added.len();

    // per group: the roster rows, or the coded shifts per day
    let label_to_day: BTreeMap<String, usize> = (0..h.days as usize).map(|d| (h.day_label(d), d)).collect();
    let mut staffing: BTreeMap<&str, Value> = BTreeMap::new();
    for g in &spec.groups {
        let rows: Vec<Value> = schedule
            .roster
            .iter()
            .filter(|r| r.group == *g)
            .map(|r| {
                let mut m = Mapping::new();
                m.insert(s("agent"), s(&r.agent));
                let days = r.days.iter().map(|c| s(c.as_deref().unwrap_or("-"))).collect();
                m.insert(s("days"), Value::Sequence(days));
                Value::Mapping(m)
            })
            .collect();
        let v = if !rows.is_empty() {
            let mut m = Mapping::new();
            m.insert(s("roster"), Value::Sequence(rows));
            m
        } else {
            // (code, count) → days, in code order
            let mut by: BTreeMap<(&str, u32), Vec<usize>> = BTreeMap::new();
            for sh in schedule.shifts.iter().filter(|sh| sh.group == *g) {
                let d = *label_to_day.get(&sh.day).ok_or_else(|| format!("internal: unknown day label {}", sh.day))?;
                by.entry((sh.code.as_str(), sh.count)).or_default().push(d);
            }
            let mut m = Mapping::new();
            if by.is_empty() {
                m.insert(s("count"), Value::Number(0.into()));
            } else {
                let shifts = by
                    .into_iter()
                    .map(|((code, count), days)| {
                        let mut e = Mapping::new();
                        e.insert(s("code"), s(code));
                        e.insert(s("count"), Value::Number(count.into()));
                        e.insert(s("days"), Value::Sequence(days.iter().map(|d| s(&day_ref(h, *d))).collect()));
                        Value::Mapping(e)
                    })
                    .collect();
                m.insert(s("shifts"), Value::Sequence(shifts));
            }
            m
        };
        staffing.insert(g.as_str(), Value::Mapping(v));
    }

    // rebuild the top level: shift codes added (before `queues` when new), groups replaced,
    // relative references rewritten
    let from_dir = folder(source_file);
    let to_dir = folder(target);
    let mut out = Mapping::new();
    // a scenario without `shift_codes` gets them before its queues (where the bundled ones have them)
    let mut codes_done = top.contains_key("shift_codes");
    let mut replaced = Vec::new();
    let mut kept = Vec::new();
    let entries: Vec<(Value, Value)> = std::mem::take(top).into_iter().collect();
    for (k, mut v) in entries {
        let key = k.as_str().unwrap_or_default().to_string();
        match key.as_str() {
            "shift_codes" => {
                let mut m = match v {
                    Value::Mapping(m) => m,
                    _ => Mapping::new(),
                };
                for (ck, cv) in std::mem::take(&mut added) {
                    m.insert(ck, cv);
                }
                v = Value::Mapping(m);
            }
            "queues" | "agents" | "routing" | "simulation" | "planning" | "policy" if !codes_done => {
                if !added.is_empty() {
                    out.insert(s("shift_codes"), Value::Mapping(std::mem::take(&mut added)));
                }
                codes_done = true;
            }
            _ => {}
        }
        match key.as_str() {
            "agents" => {
                if let Value::Sequence(groups) = &mut v {
                    for g in groups.iter_mut() {
                        let Value::Mapping(gm) = g else { continue };
                        let id = gm.get("group").and_then(Value::as_str).unwrap_or_default().to_string();
                        if let Some(Value::Mapping(new)) = staffing.get(id.as_str()) {
                            for k in ["count", "staffing", "shifts", "roster"] {
                                gm.shift_remove(k);
                            }
                            for (nk, nv) in new {
                                gm.insert(nk.clone(), nv.clone());
                            }
                            replaced.push(id);
                        } else {
                            if let Some(Value::String(p)) = gm.get_mut("roster") {
                                *p = rebase(p, &from_dir, &to_dir);
                            }
                            kept.push(id);
                        }
                    }
                }
            }
            "queues" => {
                if let Value::Sequence(qs) = &mut v {
                    for q in qs.iter_mut() {
                        if let Some(Value::String(p)) = q.get_mut("arrivals").and_then(|a| a.get_mut("csv")) {
                            *p = rebase(p, &from_dir, &to_dir);
                        }
                    }
                }
            }
            "policy" => match &mut v {
                Value::String(p) => *p = rebase(p, &from_dir, &to_dir),
                Value::Mapping(m) => {
                    if let Some(Value::String(p)) = m.get_mut("script") {
                        *p = rebase(p, &from_dir, &to_dir);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        out.insert(k, v);
    }
    if !added.is_empty() {
        out.insert(s("shift_codes"), Value::Mapping(added));
    }
    let doc = Value::Mapping(out);

    let text = to_yaml(&doc)?;
    let parsed = crate::scenario::parse_str(&text, target)
        .map_err(|e| format!("the scenario with the schedule in place does not validate: {e}"))?;
    let unpaid_break_hours = schedule
        .shifts
        .iter()
        .map(|sh| {
            let unpaid: f64 = schedule
                .shift_codes
                .get(&sh.code)
                .map_or(0.0, |c| c.breaks.iter().filter(|b| !b.paid).map(|b| b.minutes / 60.0).sum());
            f64::from(sh.count) * unpaid
        })
        .sum();
    Ok(Emitted { text, scenario: parsed, replaced, kept, codes_added, unpaid_break_hours })
}

/// The folder of a file, `.` for a bare name.
fn folder(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A reference `p` relative to folder `from`, rewritten relative to folder `to` (kept when
/// absolute or when both folders are the same; made absolute when no relative path exists).
fn rebase(p: &str, from: &Path, to: &Path) -> String {
    let path = Path::new(p);
    if path.is_absolute() {
        return p.to_string();
    }
    let (Ok(from), Ok(to)) = (std::fs::canonicalize(from), std::fs::canonicalize(to)) else {
        return p.to_string();
    };
    if from == to {
        return p.to_string();
    }
    let joined = from.join(path);
    let target: Vec<Component> = joined.components().collect();
    let base: Vec<Component> = to.components().collect();
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return from.join(path).to_string_lossy().into_owned();
    }
    let mut rel = PathBuf::new();
    for _ in common..base.len() {
        rel.push("..");
    }
    for c in &target[common..] {
        rel.push(c.as_os_str());
    }
    rel.to_string_lossy().into_owned()
}

/// The document as YAML in the style of the bundled scenarios: block mappings, short lists and
/// mappings in flow style (`{ agent: rossi, days: [E, -, E] }`). The text is read back and
/// compared; should the compact form ever differ, the plain block form is used instead.
pub fn to_yaml(doc: &Value) -> Result<String, String> {
    let mut out = String::new();
    block(&mut out, doc, 0);
    match serde_yaml::from_str::<Value>(&out) {
        Ok(back) if back == *doc => Ok(out),
        _ => serde_yaml::to_string(doc).map_err(|e| format!("internal: cannot write YAML: {e}")),
    }
}

/// Widest line a flow collection may make.
const WIDTH: usize = 110;

/// A scalar as YAML text: double-quoted when it holds a line break or a colon (clock times
/// stay text for every YAML reader, as the bundled files write them) or, in flow context, a
/// flow indicator.
fn scalar(v: &Value, flow: bool) -> String {
    if let Value::String(t) = v
        && (t.contains(['\n', ':']) || (flow && t.contains([',', '[', ']', '{', '}'])))
    {
        return serde_json::to_string(t).unwrap_or_else(|_| format!("{t:?}"));
    }
    serde_yaml::to_string(v).map(|t| t.trim_end().to_string()).unwrap_or_default()
}

/// A collection in flow style (`None` for tagged values, which are written in block style).
fn flow(v: &Value) -> Option<String> {
    Some(match v {
        Value::Sequence(items) => {
            let parts: Option<Vec<String>> = items.iter().map(flow).collect();
            format!("[{}]", parts?.join(", "))
        }
        Value::Mapping(m) if m.is_empty() => "{}".into(),
        Value::Mapping(m) => {
            let parts: Option<Vec<String>> =
                m.iter().map(|(k, v)| Some(format!("{}: {}", scalar(k, true), flow(v)?))).collect();
            format!("{{ {} }}", parts?.join(", "))
        }
        Value::Tagged(_) => return None,
        other => scalar(other, true),
    })
}

/// True for a list of scalars (written in flow style whatever its length, as volume lists are).
fn scalar_list(v: &Value) -> bool {
    matches!(v, Value::Sequence(items) if items.iter().all(|x| !matches!(x, Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_))))
}

/// `v` as the value of a key or a list item whose text so far ends the line at column `col`:
/// inline (flow or scalar) when it fits, else (`None`) on the next lines.
fn inline(v: &Value, col: usize) -> Option<String> {
    match v {
        // lists of mappings (queues, groups, roster rows): one item a line
        Value::Sequence(items) if items.iter().any(|x| matches!(x, Value::Mapping(_))) => None,
        Value::Sequence(_) | Value::Mapping(_) => {
            let f = flow(v)?;
            (scalar_list(v) || col + f.len() <= WIDTH).then_some(f)
        }
        Value::Tagged(_) => None,
        other => Some(scalar(other, false)),
    }
}

fn block(out: &mut String, v: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::Mapping(m) => {
            for (k, val) in m {
                let key = scalar(k, false);
                match inline(val, indent + key.len() + 2) {
                    Some(text) => out.push_str(&format!("{pad}{key}: {text}\n")),
                    None => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        block(out, val, indent + 2);
                    }
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                match inline(item, indent + 2) {
                    Some(text) => out.push_str(&format!("{pad}- {text}\n")),
                    None => {
                        let mut inner = String::new();
                        block(&mut inner, item, indent + 2);
                        // the item's first line starts with "- " in place of its indent
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(&inner[indent + 2..]);
                    }
                }
            }
        }
        other => {
            // a tagged value or a lone scalar: leave it to the library
            let t = serde_yaml::to_string(other).unwrap_or_default();
            for line in t.lines() {
                out.push_str(&format!("{pad}{line}\n"));
            }
        }
    }
}

/// Groups of a spec, as named anywhere in its file before validation: requirement keys (inline
/// or from its requirement file), template `groups` and agents' `group`. Used to match a spec
/// with a scenario before the requirement is known; `None` when the file does not parse (the
/// spec loader then reports it).
pub fn named_groups(spec_file: &Path) -> Option<(BTreeSet<String>, bool, Horizon)> {
    let text = std::fs::read_to_string(spec_file).ok()?;
    let raw: super::spec::RawSpec = serde_yaml::from_str(&text).ok()?;
    let h = crate::scenario::horizon_of(&raw.horizon, raw.closed.as_deref()).ok()?;
    let mut groups = BTreeSet::new();
    let mut has_requirement = false;
    if let Some(r) = &raw.requirement {
        groups.extend(r.keys().cloned());
        has_requirement = true;
    }
    if let Some(f) = &raw.requirement_file {
        let base = spec_file.parent().unwrap_or(Path::new("."));
        if let Ok(r) = super::spec::read_requirement_file(&base.join(f)) {
            groups.extend(r.keys().cloned());
            has_requirement = true;
        }
    }
    for t in &raw.shift_templates {
        groups.extend(t.groups.iter().flatten().cloned());
    }
    groups.extend(raw.agents.iter().map(|a| a.group.clone()));
    Some((groups, has_requirement, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_yaml_reads_back_as_written() {
        let text = "name: t\nhorizon: { start: \"08:00\", end: \"10:00\", interval: 30m }\nlist: [1, 2, 3]\nnested:\n  - { agent: rossi, days: [E, \"-\", \"a, b\"] }\n  - group: g\n    skills: [{ queue: q, preference: 1 }]\ndescription: \"two\\nlines\"\n";
        let v: Value = serde_yaml::from_str(text).unwrap();
        let out = to_yaml(&v).unwrap();
        assert_eq!(serde_yaml::from_str::<Value>(&out).unwrap(), v);
        assert!(out.contains("list: [1, 2, 3]"), "{out}");
        assert!(out.contains("start: \"08:00\""), "clock times stay quoted: {out}");
        assert!(out.contains("- { agent: rossi, days: [E, "), "{out}");
    }

    #[test]
    fn references_are_rewritten_for_the_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b/c");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        assert_eq!(rebase("v.csv", &a, &b), "../../a/v.csv");
        assert_eq!(rebase("v.csv", &a, &a), "v.csv");
        assert_eq!(rebase("/abs/v.csv", &a, &b), "/abs/v.csv");
    }

    #[test]
    fn break_lengths_keep_their_unit() {
        assert_eq!(length_text(30.0), "30m");
        assert_eq!(length_text(7.5), "450s");
    }
}
