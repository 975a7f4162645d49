//! Staffing of agent groups: who serves what ([`Skill`]), when agents work ([`Staffing`]: a
//! count, recurring [`Shift`]s with [`Break`]s, named [`RosterAgent`]s working [`ShiftCode`]s, or
//! a curve), the validated [`Group`], and a group's work cut into [`DayPiece`]s on each day's
//! clock. Data and the arithmetic over it only: validation lives in `validate`, the engine's use
//! in `model` and `sim::staffing`.

use super::Horizon;
use serde::Serialize;

/// A skill of a group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Skill {
    /// Index into [`Scenario::queues`](super::Scenario::queues).
    pub queue: usize,
    /// Preference level, 1 = served first.
    pub preference: u32,
}

/// A break within a shift.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Break {
    /// Planned start, seconds since midnight.
    pub start_s: f64,
    /// Length, seconds.
    pub length_s: f64,
}

/// A shift worked by `count` agents on the days it names (every open day by default).
///
/// Times are seconds since midnight of the day the shift starts; a shift crossing midnight ends
/// after 86,400 s (at most 24 h after its start), and its part after midnight is worked on the
/// next day of the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    /// Start, seconds since midnight.
    pub start_s: f64,
    /// End, seconds since midnight of the start day (> start; > 86,400 when crossing midnight).
    pub end_s: f64,
    /// Agents on this shift.
    pub count: u32,
    /// Breaks, sorted by start, within the shift and not overlapping (same clock as the shift).
    pub breaks: Vec<Break>,
    /// Per day of the horizon, whether the shift is worked that day (before closures); `None`:
    /// every day. Closed days are never worked (see [`Shift::works_on`]).
    pub days: Option<Vec<bool>>,
}

impl Shift {
    /// True when the shift starts on day `day` (0-based): the day is open and among its days.
    pub fn works_on(&self, h: &Horizon, day: usize) -> bool {
        h.is_open(day) && self.days.as_ref().is_none_or(|d| d.get(day).copied().unwrap_or(false))
    }
}

/// A named shift (`shift_codes: { E: {..} }`): what roster days and coded shifts refer to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftCode {
    /// The code, e.g. `"E"`.
    pub code: String,
    /// Start, seconds since midnight.
    pub start_s: f64,
    /// End, seconds since midnight (> 86,400 when crossing midnight).
    pub end_s: f64,
    /// Breaks, sorted, within the shift.
    pub breaks: Vec<Break>,
}

impl ShiftCode {
    /// This code as a shift of `count` agents on `days` (`None`: every day).
    pub fn shift(&self, count: u32, days: Option<Vec<bool>>) -> Shift {
        Shift { start_s: self.start_s, end_s: self.end_s, count, breaks: self.breaks.clone(), days }
    }
}

/// A named agent of a roster and the shift code worked each day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterAgent {
    /// The agent's name, unique in the scenario.
    pub name: String,
    /// Per day of the horizon, the shift worked (a copy of its code), or `None`: a day off.
    pub days: Vec<Option<ShiftCode>>,
}

impl RosterAgent {
    /// The agent's working day `day` as a one-agent shift, if it works that (open) day.
    pub fn shift_on(&self, h: &Horizon, day: usize) -> Option<Shift> {
        let code = self.days.get(day)?.as_ref()?;
        h.is_open(day).then(|| {
            let mut days = vec![false; h.days as usize];
            days[day] = true;
            code.shift(1, Some(days))
        })
    }
    /// Paid hours of the roster inside the horizon: the worked shifts' lengths, the part after
    /// midnight excluded when the next day is closed or past the horizon (nothing is simulated
    /// then).
    pub fn paid_hours(&self, h: &Horizon) -> f64 {
        let cut = |d: usize| d + 1 >= h.days as usize || !h.is_open(d + 1);
        (0..h.days as usize)
            .filter_map(|d| self.shift_on(h, d).map(|s| (d, s)))
            .map(|(d, s)| (if cut(d) { s.end_s.min(crate::time::DAY_S) } else { s.end_s } - s.start_s) / 3600.0)
            .sum()
    }
}

/// How many agents of a group work when.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Staffing {
    /// The same agents for the whole horizon.
    Count(u32),
    /// Shifts with breaks: recurring shifts with counts and named agents' rosters.
    Shifts {
        /// Recurring shifts, each with its agent count and days.
        shifts: Vec<Shift>,
        /// Named agents and their shift code per day.
        roster: Vec<RosterAgent>,
    },
    /// Agents on duty per interval over the whole horizon.
    Curve(Vec<u32>),
}

/// A validated agent group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Identifier.
    pub id: String,
    /// The site the group works at (index into [`Scenario::sites`](super::Scenario::sites)), if named.
    pub site: Option<usize>,
    /// Queues served, with preference levels.
    pub skills: Vec<Skill>,
    /// Speed factor (> 0): handle and wrap-up times are divided by it.
    pub speed: f64,
    /// Cost per paid agent hour, currency units.
    pub cost_per_hour: f64,
    /// Probability in [0, 1) that each agent is absent for a day.
    pub absenteeism: f64,
    /// When agents work.
    pub staffing: Staffing,
}

/// Work of `count` agents of a group on one day, on that day's clock: a shift starting that day,
/// or the part after midnight of a shift started the day before (`carried`).
#[derive(Debug, Clone, PartialEq)]
pub struct DayPiece {
    /// The group's agent slots doing it: `first_slot .. first_slot + count` (see
    /// [`Group::max_agents`]: recurring shifts' agents in file order, then roster agents).
    pub first_slot: u32,
    /// Agents.
    pub count: u32,
    /// Start, seconds since this day's midnight (≥ 0).
    pub start_s: f64,
    /// End, seconds since this day's midnight (≤ 86,400).
    pub end_s: f64,
    /// Breaks inside the piece, on this day's clock.
    pub breaks: Vec<Break>,
    /// True for the part after midnight of yesterday's shift.
    pub carried: bool,
}

/// The pieces of shift `s` (worked by slots `first_slot..+count`) that fall on day `day`.
fn pieces_of(s: &Shift, first_slot: u32, count: u32, h: &Horizon, day: usize, out: &mut Vec<DayPiece>) {
    use crate::time::DAY_S;
    if count == 0 {
        return;
    }
    if s.works_on(h, day) {
        let end = s.end_s.min(DAY_S);
        let breaks = s.breaks.iter().copied().filter(|b| b.start_s < end).collect();
        out.push(DayPiece { first_slot, count, start_s: s.start_s, end_s: end, breaks, carried: false });
    }
    if day > 0 && s.end_s > DAY_S && s.works_on(h, day - 1) {
        let breaks = s
            .breaks
            .iter()
            .filter(|b| b.start_s >= DAY_S)
            .map(|b| Break { start_s: b.start_s - DAY_S, length_s: b.length_s })
            .collect();
        out.push(DayPiece { first_slot, count, start_s: 0.0, end_s: s.end_s - DAY_S, breaks, carried: true });
    }
}

impl Group {
    /// The shift work of day `day` (0-based), in slot order: today's shifts (their part before
    /// midnight) and the part after midnight of the shifts that started yesterday. Empty for
    /// groups without shifts and on closed days (nothing happens on them: a night shift started
    /// the evening before a closed day ends at midnight).
    pub fn pieces_on(&self, h: &Horizon, day: usize) -> Vec<DayPiece> {
        let Staffing::Shifts { shifts, roster } = &self.staffing else { return Vec::new() };
        if !h.is_open(day) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut slot = 0u32;
        for s in shifts {
            pieces_of(s, slot, s.count, h, day, &mut out);
            slot += s.count;
        }
        for a in roster {
            for d in day.saturating_sub(1)..=day {
                if let Some(s) = a.shift_on(h, d) {
                    let mut part = Vec::new();
                    pieces_of(&s, slot, 1, h, day, &mut part);
                    out.extend(part);
                }
            }
            slot += 1;
        }
        out
    }

    /// Planned agents on duty per global interval: the count, the curve, or the shift agents
    /// on shift and not on a planned break at the interval's start. Counts and curves are zero
    /// on closed days.
    pub fn planned_curve(&self, h: &Horizon) -> Vec<u32> {
        let n = h.intervals_per_day();
        let mut out = Vec::with_capacity(h.total_intervals());
        for day in 0..h.days as usize {
            let pieces = self.pieces_on(h, day);
            for i in day * n..(day + 1) * n {
                let t = h.interval_start(i).1;
                out.push(match &self.staffing {
                    Staffing::Count(_) | Staffing::Curve(_) if !h.is_open(day) => 0,
                    Staffing::Count(c) => *c,
                    Staffing::Curve(c) => c[i],
                    Staffing::Shifts { .. } => pieces
                        .iter()
                        .filter(|s| s.start_s <= t && t < s.end_s)
                        .filter(|s| !s.breaks.iter().any(|b| b.start_s <= t && t < b.start_s + b.length_s))
                        .map(|s| s.count)
                        .sum(),
                });
            }
        }
        out
    }

    /// Whether any agent of the group is on duty (on shift, count or curve level above 0) at
    /// some moment of global interval `i`. Breaks are ignored: a break does not empty a group
    /// for a whole interval unless every agent takes it, which the engine then shows.
    pub fn on_duty_in(&self, h: &Horizon, i: usize) -> bool {
        let (day, t) = h.interval_start(i);
        match &self.staffing {
            Staffing::Count(_) | Staffing::Curve(_) if !h.is_open(day as usize) => false,
            Staffing::Count(c) => *c > 0,
            Staffing::Curve(c) => c.get(i).is_some_and(|n| *n > 0),
            Staffing::Shifts { .. } => {
                self.pieces_on(h, day as usize).iter().any(|s| s.start_s < t + h.interval_s && t < s.end_s)
            }
        }
    }

    /// The largest number of agents the group can have on duty at once: for shift groups, its
    /// agent slots (every recurring shift's agents, then one per roster agent).
    pub fn max_agents(&self) -> u32 {
        match &self.staffing {
            Staffing::Count(n) => *n,
            Staffing::Shifts { shifts, roster } => shifts.iter().map(|s| s.count).sum::<u32>() + roster.len() as u32,
            Staffing::Curve(levels) => levels.iter().copied().max().unwrap_or(0),
        }
    }
}
