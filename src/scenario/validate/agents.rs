//! Validation of agent groups: skills, speed, cost, absenteeism, and the staffing (a count, a
//! per-interval curve, or shifts with breaks), checked against the limits.

use super::super::limits::*;
use super::super::raw::*;
use super::super::*;
use super::Check;

impl Check {
    pub(super) fn group(
        &mut self,
        path: &str,
        g: &RawGroup,
        h: Option<&Horizon>,
        queues: &[&str],
        codes: &[ShiftCode],
        base: &Path,
    ) -> Group {
        let mut skills: Vec<Skill> = Vec::new();
        if g.skills.is_empty() {
            self.err(&format!("{path}.skills"), "list at least one queue".into());
        }
        for (i, s) in g.skills.iter().enumerate() {
            let (id, preference) = match s {
                RawSkill::Queue(id) => (id, 1),
                RawSkill::WithPreference { queue, preference } => (queue, *preference),
            };
            let p = format!("{path}.skills[{i}]");
            if preference == 0 {
                self.err(&format!("{p}.preference"), "preference levels start at 1 (most preferred)".into());
            }
            match queues.iter().position(|q| q == id) {
                None => self.err(&p, format!("unknown queue `{id}` (queues: {})", queues.join(", "))),
                Some(q) if skills.iter().any(|s| s.queue == q) => self.err(&p, format!("queue `{id}` listed twice")),
                Some(q) => skills.push(Skill { queue: q, preference }),
            }
        }
        let speed = g.speed.unwrap_or(1.0);
        if !(speed.is_finite() && speed > 0.0) {
            self.err(&format!("{path}.speed"), format!("must be a positive factor, got {speed}"));
        }
        let cost_per_hour = g.cost_per_hour.unwrap_or(0.0);
        if !(cost_per_hour.is_finite() && cost_per_hour >= 0.0) {
            self.err(&format!("{path}.cost_per_hour"), format!("must be non-negative, got {cost_per_hour}"));
        } else if cost_per_hour > MAX_COST_PER_HOUR {
            self.err(&format!("{path}.cost_per_hour"), format!("{cost_per_hour}: at most {MAX_COST_PER_HOUR} an hour"));
        }
        let absenteeism = g.absenteeism.unwrap_or(0.0);
        if !(absenteeism.is_finite() && (0.0..1.0).contains(&absenteeism)) {
            self.err(&format!("{path}.absenteeism"), format!("must be a probability in [0, 1), got {absenteeism}"));
        }
        let shift_like = g.shifts.is_some() || g.roster.is_some();
        let given = [g.count.is_some(), shift_like, g.staffing.is_some()];
        let staffing = if given.iter().filter(|x| **x).count() != 1 {
            self.err(path, "give exactly one of `count`, `staffing`, or `shifts` and/or `roster`".into());
            Staffing::Count(0)
        } else if let Some(n) = g.count {
            Staffing::Count(n)
        } else if let Some(curve) = &g.staffing {
            h.and_then(|h| self.per_interval(&format!("{path}.staffing"), curve, h))
                .map_or(Staffing::Count(0), Staffing::Curve)
        } else {
            let raw_shifts = g.shifts.as_deref().unwrap_or_default();
            if g.shifts.is_some() && raw_shifts.is_empty() {
                self.err(&format!("{path}.shifts"), "list at least one shift".into());
            }
            let shifts = raw_shifts
                .iter()
                .enumerate()
                .filter_map(|(i, s)| self.shift(&format!("{path}.shifts[{i}]"), s, h, codes))
                .collect();
            let roster = match (&g.roster, h) {
                (Some(r), Some(h)) => self.roster(&format!("{path}.roster"), r, h, codes, base),
                _ => Vec::new(),
            };
            Staffing::Shifts { shifts, roster }
        };
        let too_many = |n: u64| n > u64::from(MAX_AGENTS_PER_GROUP);
        let limit = format!("at most {MAX_AGENTS_PER_GROUP} agents in a group");
        match &staffing {
            Staffing::Count(n) if too_many(u64::from(*n)) => {
                self.err(&format!("{path}.count"), format!("{n}: {limit}"))
            }
            Staffing::Curve(c) => {
                if let Some((i, n)) = c.iter().enumerate().find(|(_, n)| too_many(u64::from(**n))) {
                    self.err(&format!("{path}.staffing[{i}]"), format!("{n}: {limit}"));
                }
            }
            Staffing::Shifts { shifts, roster } => {
                let sum: u64 = shifts.iter().map(|s| u64::from(s.count)).sum::<u64>() + roster.len() as u64;
                if too_many(sum) {
                    self.err(&format!("{path}.shifts"), format!("{sum} agents in all: {limit}"));
                }
            }
            _ => {}
        }
        Group { id: g.group.clone(), site: None, skills, speed, cost_per_hour, absenteeism, staffing }
    }
}
