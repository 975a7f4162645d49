//! The roster part of the what-if API: named agents' days (`give_shift`, `day_off`,
//! `swap_days`), shift codes (`add_shift_code`) and reading them back (`roster`, `shift_codes`,
//! `roster_agents`, `days`). A change names agents and days and touches nothing else: other
//! agents' rosters and the recurring shifts stay as they are.

use super::window::days_named;
use super::{Api, clock, fail};
use crate::scenario::{Break, RosterAgent, ShiftCode, Staffing};
use crate::script::{ScriptResult, duration};
use crate::time::DAY_S;
use rhai::{Array, Dynamic, Engine, Map};

/// Breaks from script maps `#{ start: "10:00", length: "15m" }`, sorted by start; a break before
/// `start_s` (a shift crossing midnight) is on the next day's clock (+24 h).
pub(super) fn breaks_from(list: Array, start_s: f64) -> ScriptResult<Vec<Break>> {
    let mut bs = Vec::new();
    for b in list {
        let m = b.try_cast::<Map>().ok_or("breaks must be maps like #{ start: \"10:00\", length: \"15m\" }")?;
        let start = m.get("start").and_then(|v| v.clone().into_string().ok()).ok_or("a break needs `start`")?;
        let len = m.get("length").ok_or("a break needs `length`")?;
        let mut s = clock(&start)?;
        if s < start_s {
            s += DAY_S;
        }
        bs.push(Break { start_s: s, length_s: duration(len, "break length")? });
    }
    bs.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    Ok(bs)
}

/// The end of a shift starting at `start_s`: `end` on the same day, or on the next day when it
/// is not after the start (`"22:00"` to `"06:00"` crosses midnight).
pub(super) fn shift_end(start_s: f64, end: &str) -> ScriptResult<f64> {
    let e = clock(end)?;
    Ok(if e <= start_s { e + DAY_S } else { e })
}

impl Api {
    /// The group and roster position of the named agent.
    fn agent(&self, name: &str) -> ScriptResult<(usize, usize)> {
        let mut known = Vec::new();
        for (g, group) in self.0.groups.iter().enumerate() {
            if let Staffing::Shifts { roster, .. } = &group.staffing {
                if let Some(k) = roster.iter().position(|a| a.name == name) {
                    return Ok((g, k));
                }
                known.extend(roster.iter().map(|a| a.name.as_str()));
            }
        }
        if known.is_empty() {
            fail(format!("unknown agent `{name}`: no group has a roster of named agents"))
        } else {
            fail(format!("unknown agent `{name}` (roster agents: {})", known.join(", ")))
        }
    }

    fn roster_agent(&mut self, (g, k): (usize, usize)) -> &mut RosterAgent {
        match &mut self.0.groups[g].staffing {
            Staffing::Shifts { roster, .. } => &mut roster[k],
            _ => unreachable!("agent() found it in a roster"),
        }
    }

    pub(super) fn code(&self, code: &str) -> ScriptResult<ShiftCode> {
        match self.0.shift_codes.iter().find(|c| c.code == code) {
            Some(c) => Ok(c.clone()),
            None if self.0.shift_codes.is_empty() => {
                fail(format!("unknown shift code `{code}`: the scenario has none; add one with add_shift_code"))
            }
            None => {
                let known: Vec<&str> = self.0.shift_codes.iter().map(|c| c.code.as_str()).collect();
                fail(format!("unknown shift code `{code}` (shift codes: {})", known.join(", ")))
            }
        }
    }

    fn days_of(&self, day: &str) -> ScriptResult<Vec<usize>> {
        days_named(&self.0.horizon, day).or_else(fail)
    }

    /// Gives `agent` the shift `code` on `day` (every such day for a weekday).
    fn give_shift(&mut self, agent: &str, day: &str, code: &str) -> ScriptResult<()> {
        let (who, c, days) = (self.agent(agent)?, self.code(code)?, self.days_of(day)?);
        let h = &self.0.horizon;
        if let Some(&d) = days.iter().find(|&&d| !h.is_open(d)) {
            return fail(format!(
                "give_shift: {} is closed: nobody works it (`{agent}` keeps the day off)",
                h.day_label(d)
            ));
        }
        let a = self.roster_agent(who);
        for d in days {
            a.days[d] = Some(c.clone());
        }
        Ok(())
    }

    /// Gives `agent` the day off on `day`.
    fn day_off(&mut self, agent: &str, day: &str) -> ScriptResult<()> {
        let (who, days) = (self.agent(agent)?, self.days_of(day)?);
        let a = self.roster_agent(who);
        for d in days {
            a.days[d] = None;
        }
        Ok(())
    }

    /// Swaps what agents `a` and `b` work on `day`.
    fn swap_days(&mut self, a: &str, b: &str, day: &str) -> ScriptResult<()> {
        let (wa, wb, days) = (self.agent(a)?, self.agent(b)?, self.days_of(day)?);
        for d in days {
            let x = self.roster_agent(wa).days[d].take();
            let y = std::mem::replace(&mut self.roster_agent(wb).days[d], x);
            self.roster_agent(wa).days[d] = y;
        }
        Ok(())
    }

    /// Adds a shift code; an existing code is an error.
    fn add_shift_code(&mut self, code: &str, start: &str, end: &str, breaks: Array) -> ScriptResult<()> {
        if code.trim().is_empty() || code.trim() == "-" {
            return fail(format!("add_shift_code: {code:?} cannot name a shift (\"-\" is a day off)"));
        }
        if self.0.shift_codes.iter().any(|c| c.code == code) {
            return fail(format!("add_shift_code: the shift code `{code}` already exists"));
        }
        let start_s = clock(start)?;
        let end_s = shift_end(start_s, end)?;
        let breaks = breaks_from(breaks, start_s)?;
        self.0.shift_codes.push(ShiftCode { code: code.to_string(), start_s, end_s, breaks });
        Ok(())
    }
}

/// Registers the roster functions.
pub(super) fn register(e: &mut Engine) {
    e.register_fn("give_shift", |s: &mut Api, agent: &str, day: &str, code: &str| s.give_shift(agent, day, code));
    e.register_fn("day_off", |s: &mut Api, agent: &str, day: &str| s.day_off(agent, day));
    e.register_fn("swap_days", |s: &mut Api, a: &str, b: &str, day: &str| s.swap_days(a, b, day));
    e.register_fn("add_shift_code", |s: &mut Api, code: &str, start: &str, end: &str| {
        s.add_shift_code(code, start, end, Array::new())
    });
    e.register_fn("add_shift_code", |s: &mut Api, code: &str, start: &str, end: &str, breaks: Array| {
        s.add_shift_code(code, start, end, breaks)
    });
    e.register_fn("roster", |s: &mut Api, agent: &str| -> ScriptResult<Array> {
        let who = s.agent(agent)?;
        let a = s.roster_agent(who);
        Ok(a.days.iter().map(|c| Dynamic::from(c.as_ref().map_or("-".to_string(), |c| c.code.clone()))).collect())
    });
    e.register_fn("roster_agents", |s: &mut Api, g: &str| -> ScriptResult<Array> {
        let g = s.group(g)?;
        Ok(match &s.0.groups[g].staffing {
            Staffing::Shifts { roster, .. } => roster.iter().map(|a| Dynamic::from(a.name.clone())).collect(),
            _ => Array::new(),
        })
    });
    e.register_fn("shift_codes", |s: &mut Api| -> Array {
        s.0.shift_codes.iter().map(|c| Dynamic::from(c.code.clone())).collect()
    });
    e.register_fn("days", |s: &mut Api| -> Array {
        (0..s.0.horizon.days as usize).map(|d| Dynamic::from(s.0.horizon.day_label(d))).collect()
    });
}
