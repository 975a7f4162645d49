//! The way back: a validated [`Scenario`] as raw serde types, so that a scenario changed by a
//! script is validated again by exactly the same rules as a file ([`Scenario::revalidate`]).

use super::raw::*;
use super::*;
use crate::time::format_clock;

fn dur(s: f64) -> RawDuration {
    RawDuration::Seconds(s)
}

/// A clock time of a shift (seconds since its start day's midnight, past 24:00 when it crosses
/// midnight) as written: the clock on the day it falls.
fn shift_clock(s: f64) -> String {
    format_clock(if s > crate::time::DAY_S { s - crate::time::DAY_S } else { s })
}

fn raw_breaks(breaks: &[Break]) -> Vec<RawBreak> {
    breaks.iter().map(|b| RawBreak { start: shift_clock(b.start_s), length: dur(b.length_s) }).collect()
}

/// Day `d` (0-based) as a day reference: its date, or `d<k>`.
fn day_ref(h: &Horizon, d: usize) -> String {
    h.date(d).map_or(format!("d{}", d + 1), |x| x.to_string())
}

/// The days of a mask as day references.
fn day_refs(h: &Horizon, mask: &[bool]) -> Vec<String> {
    mask.iter().enumerate().filter(|(_, m)| **m).map(|(d, _)| day_ref(h, d)).collect()
}

fn dist(d: &Dist) -> RawDist {
    let mut r = RawDist { dist: String::new(), mean: None, cv: None, k: None, min: None, max: None, values: None };
    match d {
        Dist::Exponential { mean } => (r.dist, r.mean) = ("exponential".into(), Some(dur(*mean))),
        Dist::Constant { mean } => (r.dist, r.mean) = ("constant".into(), Some(dur(*mean))),
        Dist::Lognormal { mean, cv } => (r.dist, r.mean, r.cv) = ("lognormal".into(), Some(dur(*mean)), Some(*cv)),
        Dist::Gamma { mean, cv } => (r.dist, r.mean, r.cv) = ("gamma".into(), Some(dur(*mean)), Some(*cv)),
        Dist::Erlang { mean, k } => (r.dist, r.mean, r.k) = ("erlang".into(), Some(dur(*mean)), Some(*k)),
        Dist::Uniform { min, max } => (r.dist, r.min, r.max) = ("uniform".into(), Some(dur(*min)), Some(dur(*max))),
        Dist::Empirical { values } => {
            (r.dist, r.values) = ("empirical".into(), Some(values.iter().map(|v| dur(*v)).collect()))
        }
    }
    r
}

impl Scenario {
    /// This scenario as raw types (volumes as a full `per_interval` list).
    pub fn to_raw(&self) -> RawScenario {
        let h = &self.horizon;
        let qid = |i: usize| self.queues[i].id.clone();
        let gid = |i: usize| self.groups[i].id.clone();
        RawScenario {
            name: self.name.clone(),
            description: None,
            horizon: RawHorizon {
                start: format_clock(h.start_s),
                end: format_clock(h.end_s),
                interval: RawDuration::Text(format!("{}s", h.interval_s)),
                days: Some(h.days),
                from: h.from.map(|f| f.to_string()),
                to: None,
            },
            closed: h.closed.iter().any(|c| *c).then(|| day_refs(h, &h.closed)),
            shift_codes: (!self.shift_codes.is_empty()).then(|| {
                self.shift_codes
                    .iter()
                    .map(|c| {
                        let raw = RawShiftCode {
                            start: shift_clock(c.start_s),
                            end: shift_clock(c.end_s),
                            breaks: raw_breaks(&c.breaks),
                        };
                        (c.code.clone(), raw)
                    })
                    .collect()
            }),
            routing: Some(RawRouting {
                agent_selection: Some(
                    match self.routing.agent_selection {
                        AgentSelection::LongestIdle => "longest_idle",
                        AgentSelection::LeastSkilled => "least_skilled",
                    }
                    .into(),
                ),
                prefer_site: (!self.routing.prefer_site.is_empty()).then(|| {
                    self.routing
                        .prefer_site
                        .iter()
                        .enumerate()
                        .filter_map(|(r, s)| s.map(|s| (self.regions[r].clone(), self.sites[s].clone())))
                        .collect()
                }),
                cross_site_after: (!self.routing.prefer_site.is_empty()).then(|| dur(self.routing.cross_site_after_s)),
            }),
            queues: self
                .queues
                .iter()
                .map(|q| RawQueue {
                    id: q.id.clone(),
                    region: q.region.map(|r| self.regions[r].clone()),
                    closed: None,
                    arrivals: RawArrivals {
                        rate_per_hour: None,
                        per_interval: Some(q.volumes.clone()),
                        daily_total: None,
                        profile: None,
                        csv: None,
                        column: None,
                        day_factors: None,
                        dates: None,
                        busyness: Some(RawBusyness {
                            day_cv: Some(q.busyness.day_cv),
                            interval_cv: Some(q.busyness.interval_cv),
                        }),
                    },
                    handle_time: dist(&q.handle_time),
                    wrap_up: q.wrap_up.as_ref().map(dist),
                    patience: q.patience.as_ref().map(dist),
                    retrial: q
                        .retrial
                        .as_ref()
                        .map(|r| RawRetrial { probability: r.probability, delay: dist(&r.delay) }),
                    service_level: Some(RawServiceLevel {
                        answered_within: dur(q.service_level.threshold_s),
                        target: q.service_level.target,
                        definition: Some(q.service_level.definition.name().into()),
                    }),
                    targets: Some(RawTargets { max_asa: q.max_asa_s.map(dur), max_abandon_rate: q.max_abandon_rate }),
                    priority: Some(q.priority),
                    overflow: q.overflow.as_ref().map(|o| RawOverflow {
                        after: dur(o.after_s),
                        groups: o.groups.iter().map(|&g| gid(g)).collect(),
                    }),
                    lines: q.lines,
                })
                .collect(),
            agents: self
                .groups
                .iter()
                .map(|g| {
                    let (count, shifts, staffing, roster) = match &g.staffing {
                        Staffing::Count(n) => (Some(*n), None, None, None),
                        Staffing::Curve(c) => (None, None, Some(c.clone()), None),
                        Staffing::Shifts { shifts: v, roster } => (
                            None,
                            (!v.is_empty() || roster.is_empty()).then(|| {
                                v.iter()
                                    .map(|s| RawShift {
                                        start: Some(shift_clock(s.start_s)),
                                        end: Some(shift_clock(s.end_s)),
                                        code: None,
                                        days: s.days.as_ref().map(|m| day_refs(h, m)),
                                        count: s.count,
                                        breaks: raw_breaks(&s.breaks),
                                    })
                                    .collect()
                            }),
                            None,
                            (!roster.is_empty()).then(|| {
                                RawRoster::Entries(
                                    roster
                                        .iter()
                                        .map(|a| RawRosterEntry {
                                            agent: a.name.clone(),
                                            days: a
                                                .days
                                                .iter()
                                                .map(|c| c.as_ref().map_or("-".to_string(), |c| c.code.clone()))
                                                .collect(),
                                        })
                                        .collect(),
                                )
                            }),
                        ),
                    };
                    RawGroup {
                        group: g.id.clone(),
                        site: g.site.map(|s| self.sites[s].clone()),
                        skills: g
                            .skills
                            .iter()
                            .map(|s| RawSkill::WithPreference { queue: qid(s.queue), preference: s.preference })
                            .collect(),
                        speed: Some(g.speed),
                        cost_per_hour: Some(g.cost_per_hour),
                        absenteeism: Some(g.absenteeism),
                        count,
                        shifts,
                        staffing,
                        roster,
                    }
                })
                .collect(),
            simulation: Some(RawSimulation {
                replications: Some(self.simulation.replications),
                seed: Some(self.simulation.seed),
                warmup: Some(dur(self.simulation.warmup_s)),
            }),
            planning: Some(RawPlanning { shrinkage: self.planning.shrinkage }),
            report: Some(RawReport {
                currency: self.report.currency.clone(),
                amber_margin: Some(self.report.amber_margin),
                occupancy: self.report.occupancy.map(|(a, b)| [a, b]),
                cost_budget: self.report.cost_budget,
                fte_hours_per_day: Some(self.report.fte_hours_per_day),
            }),
            policy: self.policy.as_ref().map(|p| {
                use crate::scenario::BuiltinPolicy as Builtin;
                RawPolicy::Full(RawPolicyFull {
                    script: p.script.as_ref().map(|s| s.to_string_lossy().into_owned()),
                    tick: p.tick_s.map(dur),
                    builtin: p
                        .builtins
                        .iter()
                        .map(|b| match b {
                            Builtin::Overflow { queue, groups, after_s } => RawBuiltin::Overflow {
                                queue: qid(*queue),
                                groups: groups.iter().map(|&g| gid(g)).collect(),
                                after: dur(*after_s),
                            },
                            Builtin::BreakPostponement { queue, group, hold_s } => RawBuiltin::BreakPostponement {
                                queue: qid(*queue),
                                group: gid(*group),
                                hold: dur(*hold_s),
                            },
                            Builtin::Callback { queue, max_wait_s, acceptance } => RawBuiltin::Callback {
                                queue: qid(*queue),
                                max_wait: dur(*max_wait_s),
                                acceptance: *acceptance,
                            },
                        })
                        .collect(),
                })
            }),
        }
    }

    /// Validates this scenario again by the file rules (after a script changed it).
    /// The policy script path is kept as is (it was anchored when first read).
    pub fn revalidate(&self, file: &Path) -> Result<Scenario, ScenarioError> {
        let mut raw = self.to_raw();
        if let Some(RawPolicy::Full(p)) = &mut raw.policy
            && let Some(s) = &mut p.script
        {
            // anchored already: make it absolute so that `file`'s folder does not apply twice
            let abs = std::path::absolute(Path::new(s.as_str())).unwrap_or_else(|_| PathBuf::from(s.as_str()));
            *s = abs.to_string_lossy().into_owned();
        }
        let mut s = from_raw(&raw, file)?;
        if let (Some(old), Some(new)) = (&self.policy, &mut s.policy) {
            new.script.clone_from(&old.script);
        }
        Ok(s)
    }
}
