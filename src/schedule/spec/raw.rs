//! The schedule spec as written in YAML: the serde types, checked for unknown keys; their
//! meaning and units are in docs/schedule.md, their validation in the parent module.

use crate::scenario::raw::RawHorizon;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The spec file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    /// Display name.
    pub name: String,
    /// Opening hours, interval and days: the scenario's horizon format.
    pub horizon: RawHorizon,
    /// Days the center is closed (`Mon`, `2026-12-08`, `d3`): nothing is required or worked.
    #[serde(default)]
    pub closed: Option<Vec<String>>,
    /// Agents required per interval, by group: one day's list or every day's.
    #[serde(default)]
    pub requirement: Option<BTreeMap<String, Vec<u32>>>,
    /// A staffing file (`staff`/`optimize --emit-staffing`) giving the requirement instead.
    #[serde(default)]
    pub requirement_file: Option<String>,
    /// Shift templates.
    pub shift_templates: Vec<RawTemplate>,
    /// Contracts by name.
    #[serde(default)]
    pub contracts: BTreeMap<String, RawContract>,
    /// Agents: counted per contract and group, or named.
    #[serde(default)]
    pub agents: Vec<RawAgent>,
    /// Weights of the objective.
    #[serde(default)]
    pub objective: Option<RawObjective>,
}

/// A shift template: fixed or ranged start times with a step, a length, allowed days and groups,
/// breaks, and a cost.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTemplate {
    /// Code shown in the roster (unique).
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
    /// Shift length, breaks included.
    pub length: String,
    /// Days the template may be worked (default: every open day).
    #[serde(default)]
    pub days: Option<Vec<String>>,
    /// Groups that may work it (default: all).
    #[serde(default)]
    pub groups: Option<Vec<String>>,
    /// Breaks and lunches, in order.
    #[serde(default)]
    pub breaks: Vec<RawBreakRule>,
    /// Least time between the end of one break and the start of the next (default 0).
    #[serde(default)]
    pub min_break_gap: Option<String>,
    /// Cost per paid hour (currency units).
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
}

/// A break or lunch placed within a window.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreakRule {
    /// Length, e.g. "15m".
    pub length: String,
    /// Earliest and latest start after the shift starts, e.g. ["2h", "3h"].
    #[serde(default)]
    pub after: Option<[String; 2]>,
    /// Earliest and latest start by the clock, e.g. ["11:30", "14:00"].
    #[serde(default)]
    pub between: Option<[String; 2]>,
    /// Whether the break is paid (default true; lunches are usually unpaid).
    #[serde(default)]
    pub paid: Option<bool>,
    /// Step between possible starts (default: the horizon's interval).
    #[serde(default)]
    pub every: Option<String>,
}

/// A contract: the rules every agent on it must keep. Ranges are `[min, max]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    /// `full_time` or `part_time` (metrics compare weekends among full-timers).
    #[serde(default)]
    pub kind: Option<String>,
    /// Paid hours on a worked day.
    #[serde(default)]
    pub hours_per_day: Option<[f64; 2]>,
    /// Paid hours in each week (7 days from the horizon's first day).
    #[serde(default)]
    pub hours_per_week: Option<[f64; 2]>,
    /// Paid hours over the whole horizon.
    #[serde(default)]
    pub hours_total: Option<[f64; 2]>,
    /// Days worked in each week.
    #[serde(default)]
    pub days_per_week: Option<[u32; 2]>,
    /// Consecutive working days (a run touching the horizon's edge may be shorter).
    #[serde(default)]
    pub consecutive_days: Option<[u32; 2]>,
    /// Least consecutive days off (a run touching the horizon's edge may be shorter).
    #[serde(default)]
    pub min_days_off_in_a_row: Option<u32>,
    /// Least rest between the end of one shift and the start of the next, e.g. "11h".
    #[serde(default)]
    pub min_rest: Option<String>,
    /// Forbidden successions on consecutive days, e.g. `[[L, E]]`: no E the day after an L.
    #[serde(default)]
    pub forbidden: Vec<[String; 2]>,
    /// The most shifts of a template over the horizon, e.g. `{ N: 4 }`.
    #[serde(default)]
    pub max_shifts: BTreeMap<String, u32>,
    /// Weekends (Saturday or Sunday) worked at most: `{ max: 2, per_weeks: 4 }`.
    #[serde(default)]
    pub weekends: Option<RawWeekends>,
    /// Templates the contract may work (default: all).
    #[serde(default)]
    pub templates: Option<Vec<String>>,
}

/// At most `max` weekends worked in any `per_weeks` consecutive weeks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeekends {
    /// Weekends worked at most.
    pub max: u32,
    /// In any this many consecutive weeks.
    pub per_weeks: u32,
}

/// Agents: `count` of them, numbered, or one named agent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgent {
    /// The agent's name (or, with `count`, the prefix of the numbered names).
    #[serde(default)]
    pub name: Option<String>,
    /// How many such agents (default 1).
    #[serde(default)]
    pub count: Option<u32>,
    /// The group (skill set) they work in.
    pub group: String,
    /// The contract.
    pub contract: String,
    /// Days they cannot work.
    #[serde(default)]
    pub unavailable: Vec<String>,
    /// Preferred days off (soft).
    #[serde(default)]
    pub prefer_off: Vec<String>,
    /// Preferred templates (soft): a worked day on another template is a preference not granted.
    #[serde(default)]
    pub prefer_shifts: Vec<String>,
    /// Fixed assignments: day → template code, or `-` for a fixed day off.
    #[serde(default)]
    pub fixed: BTreeMap<String, String>,
}

/// Objective weights.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    /// `cost` or `hours` when choosing shifts without agents (default: cost when every template
    /// has one).
    #[serde(default)]
    pub minimise: Option<String>,
    /// Weight per agent-hour short: one number, or one per interval (one day's or every day's).
    #[serde(default)]
    pub under: Option<Weights>,
    /// Weight per agent-hour over the requirement.
    #[serde(default)]
    pub over: Option<Weights>,
    /// Weight of each soft preference not granted.
    #[serde(default)]
    pub preference: Option<f64>,
    /// Weight per currency unit of cost (rosters; default 0).
    #[serde(default)]
    pub cost: Option<f64>,
    /// Weight per weekend² worked by each full-time agent, spreading weekends evenly (default 1).
    #[serde(default)]
    pub weekend_fairness: Option<f64>,
}

/// One weight or one per interval.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Weights {
    /// Every interval.
    One(f64),
    /// Per interval.
    Each(Vec<f64>),
}
