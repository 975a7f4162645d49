//! A schedule checked by simulation (`ccsim schedule --verify`) and corrected by it
//! (`--iterate`): per day, the required and scheduled agent-hours next to each queue's simulated
//! service level with its 95 % confidence interval, the target and a plain verdict; per
//! interval and group, required and scheduled agents next to the SL of the queues the group
//! serves. The correction rounds raise the requirement where the simulated SL clearly misses and
//! lower it where it is clearly above, then solve again.
//!
//! It judges the service level only (ASA and abandon-rate targets are not looked at), on the
//! mean over replications for the day's verdict and on the confidence interval for the
//! corrections. It does not simulate: the caller hands it the simulated scenario and its
//! [`RunResult`], so the command line keeps threads and progress bars.

use super::{Options, Schedule, Spec, solve};
use crate::experiment::RunResult;
use crate::kpi::queue::SL;
use crate::scenario::Scenario;
use crate::stats::Estimate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Margin above the target beyond which an interval has slack (`--iterate` lowers its
/// requirement when even the lower end of the SL's CI is above target + this), share (5 points).
pub const SLACK_MARGIN: f64 = 0.05;

/// A simulated service level: the mean over replications and its 95 % CI, shares in [0, 1];
/// all `null` when no call was offered.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct SlEstimate {
    /// Mean, share.
    pub mean: Option<f64>,
    /// Lower end of the 95 % CI, share.
    pub ci_low: Option<f64>,
    /// Upper end of the 95 % CI, share.
    pub ci_high: Option<f64>,
    /// Half the CI's width, share (SL ± this).
    pub ci_half_width: Option<f64>,
}

impl SlEstimate {
    fn of(e: &Estimate) -> SlEstimate {
        let ok = |x: f64| x.is_finite().then_some(x);
        let mean = ok(e.mean);
        SlEstimate {
            mean,
            ci_low: mean.and(ok(e.ci_low)),
            ci_high: mean.and(ok(e.ci_high)),
            ci_half_width: mean.and(ok((e.ci_high - e.ci_low) / 2.0)),
        }
    }
}

/// One queue's day.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueueDay {
    /// Queue id.
    pub queue: String,
    /// Simulated SL of the day.
    pub service_level: SlEstimate,
    /// SL target, share.
    pub target: f64,
    /// Whether the mean meets the target (`null` without calls).
    pub meets: Option<bool>,
    /// Target − mean, in percentage points, when the mean misses.
    pub misses_by_points: Option<f64>,
    /// The verdict in words: `meets`, `misses by 2.3 points`, `no calls`; with ` (the CI spans
    /// the target)` when the 95 % CI reaches both sides of the target, so a rerun with fresh
    /// seeds may give the other verdict.
    pub verdict: String,
}

/// One day of the check.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DayCheck {
    /// Day label (`d1`, or `Mon 2026-12-07`).
    pub day: String,
    /// Closed: nothing required, scheduled or simulated.
    pub closed: bool,
    /// Agent-hours required by the scheduled groups (requirement × interval length).
    pub required_hours: f64,
    /// Agent-hours on duty in the schedule (breaks excluded).
    pub scheduled_hours: f64,
    /// Every queue with calls meets its SL target on the mean (`null` when closed or no calls).
    pub meets: Option<bool>,
    /// Per queue, in scenario order.
    pub queues: Vec<QueueDay>,
}

/// A queue's SL in one interval.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueueInterval {
    /// Queue id.
    pub queue: String,
    /// Mean simulated SL, share (`null` without calls).
    pub service_level: Option<f64>,
    /// Half the 95 % CI's width, share.
    pub ci_half_width: Option<f64>,
    /// SL target, share.
    pub target: f64,
}

/// One group in one interval.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IntervalCheck {
    /// Day label.
    pub day: String,
    /// Interval start, "HH:MM".
    pub start: String,
    /// Group.
    pub group: String,
    /// Agents required.
    pub required: u32,
    /// Agents on duty in the schedule (breaks count as the share of the interval they take).
    pub scheduled: f64,
    /// The SL of each queue the group serves (its skills), in the group's skill order.
    pub queues: Vec<QueueInterval>,
}

/// The simulated check of a schedule.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Verify {
    /// Simulation seed (the scenario's).
    pub seed: u64,
    /// Replications simulated.
    pub replications: u32,
    /// Paid agent-hours of the scheduled groups as the simulator pays them (whole shifts,
    /// unpaid breaks included), mean per replication over the horizon.
    pub simulated_paid_hours: f64,
    /// Open days on which every queue meets its SL target (means).
    pub days_meeting: u32,
    /// Open days.
    pub open_days: u32,
    /// Per day.
    pub days: Vec<DayCheck>,
    /// Per day, interval and scheduled group (open days).
    pub intervals: Vec<IntervalCheck>,
}

/// "misses by 2.3 points", "misses by 1.0 point".
pub fn points_text(points: f64) -> String {
    let t = format!("{points:.1}");
    format!("misses by {t} {}", if t == "1.0" { "point" } else { "points" })
}

/// Scenario group index of each spec group (the scenario was checked to have them all).
fn group_map(spec: &Spec, scenario: &Scenario) -> Result<Vec<usize>, String> {
    spec.groups
        .iter()
        .map(|g| scenario.group_index(g).ok_or_else(|| format!("group `{g}` is not in the simulated scenario")))
        .collect()
}

/// The check of `schedule` (solved for `spec`) from `result`, the simulation of `scenario` (the
/// scenario with the schedule in place, same horizon as the spec).
pub fn check(spec: &Spec, schedule: &Schedule, scenario: &Scenario, result: &RunResult) -> Result<Verify, String> {
    let h = &spec.horizon;
    let ipd = spec.ipd();
    let ih = spec.interval_h();
    let groups = group_map(spec, scenario)?;
    let scheduled: BTreeMap<(&str, &str, &str), f64> =
        schedule.coverage.iter().map(|c| ((c.day.as_str(), c.group.as_str(), c.start.as_str()), c.scheduled)).collect();
    let sl: BTreeMap<(usize, usize), &Estimate> =
        result.intervals.iter().map(|r| ((r.interval, r.index), &r.kpis[SL])).collect();
    let clock = |i: usize| format_clock_of(spec, i);

    let mut days = Vec::new();
    let mut intervals = Vec::new();
    let (mut days_meeting, mut open_days) = (0, 0);
    for d in 0..h.days as usize {
        let label = h.day_label(d);
        let open = h.is_open(d);
        let (mut req_h, mut sched_h) = (0.0, 0.0);
        if open {
            for (g, name) in spec.groups.iter().enumerate() {
                for i in 0..ipd {
                    let t = d * ipd + i;
                    let required = spec.requirement[g][t];
                    let on = scheduled.get(&(label.as_str(), name.as_str(), clock(i).as_str())).copied().unwrap_or(0.0);
                    req_h += f64::from(required) * ih;
                    sched_h += on * ih;
                    let queues = scenario.groups[groups[g]]
                        .skills
                        .iter()
                        .map(|k| {
                            let e = sl.get(&(t, k.queue)).map(|e| SlEstimate::of(e));
                            QueueInterval {
                                queue: scenario.queues[k.queue].id.clone(),
                                service_level: e.and_then(|e| e.mean),
                                ci_half_width: e.and_then(|e| e.ci_half_width),
                                target: scenario.queues[k.queue].service_level.target,
                            }
                        })
                        .collect();
                    intervals.push(IntervalCheck {
                        day: label.clone(),
                        start: clock(i),
                        group: name.clone(),
                        required,
                        scheduled: on,
                        queues,
                    });
                }
            }
        }
        let mut queues = Vec::new();
        if let Some(day) = result.per_day.get(d) {
            for (q, k) in day.queues.iter().enumerate() {
                let e = SlEstimate::of(&k[SL]);
                let target = scenario.queues[q].service_level.target;
                let meets = e.mean.map(|m| m >= target - 1e-12);
                let misses = e.mean.filter(|m| *m < target - 1e-12).map(|m| (target - m) * 100.0);
                let mut verdict = match (meets, misses) {
                    (None, _) => "no calls".to_string(),
                    (Some(true), _) => "meets".to_string(),
                    (Some(false), Some(p)) => points_text(p),
                    (Some(false), None) => "misses".to_string(),
                };
                // a mean this close to the target may fall on the other side with fresh seeds
                if let (Some(lo), Some(hi)) = (e.ci_low, e.ci_high)
                    && lo < target - 1e-12
                    && hi >= target - 1e-12
                {
                    verdict.push_str(" (the CI spans the target)");
                }
                queues.push(QueueDay {
                    queue: scenario.queues[q].id.clone(),
                    service_level: e,
                    target,
                    meets,
                    misses_by_points: misses,
                    verdict,
                });
            }
        }
        let judged: Vec<bool> = queues.iter().filter_map(|q| q.meets).collect();
        let meets = (open && !judged.is_empty()).then(|| judged.iter().all(|m| *m));
        if open {
            open_days += 1;
            if meets != Some(false) {
                days_meeting += 1;
            }
        }
        days.push(DayCheck {
            day: label,
            closed: !open,
            required_hours: req_h,
            scheduled_hours: sched_h,
            meets,
            queues,
        });
    }
    let simulated_paid_hours =
        groups.iter().map(|&g| result.groups[g].kpis[crate::kpi::group::PAID_HOURS].mean).sum::<f64>();
    Ok(Verify {
        seed: result.seed,
        replications: result.replications,
        simulated_paid_hours,
        days_meeting,
        open_days,
        days,
        intervals,
    })
}

/// Interval `i` of the day's clock, "HH:MM".
fn format_clock_of(spec: &Spec, i: usize) -> String {
    crate::time::format_clock(spec.horizon.start_s + i as f64 * spec.horizon.interval_s)
}

/// The corrections a simulation suggests, per spec group and global interval: +1 where a queue
/// the group serves misses its SL target by more than its CI (the CI's upper end is below the
/// target), −1 where every queue it serves with calls is above target + [`SLACK_MARGIN`] even at
/// the CI's lower end and the requirement is above 0, else 0. Intervals without calls, closed
/// days and warm-up intervals are left alone.
pub fn corrections(spec: &Spec, scenario: &Scenario, result: &RunResult) -> Result<Vec<Vec<i32>>, String> {
    let groups = group_map(spec, scenario)?;
    let sl: BTreeMap<(usize, usize), &Estimate> =
        result.intervals.iter().map(|r| ((r.interval, r.index), &r.kpis[SL])).collect();
    let n = spec.ipd() * spec.horizon.days as usize;
    let mut out = vec![vec![0; n]; spec.groups.len()];
    for (g, row) in out.iter_mut().enumerate() {
        let skills = &scenario.groups[groups[g]].skills;
        for (t, delta) in row.iter_mut().enumerate() {
            if !spec.horizon.is_open(t / spec.ipd()) {
                continue;
            }
            let judged: Vec<(SlEstimate, f64)> = skills
                .iter()
                .filter_map(|k| {
                    let e = SlEstimate::of(sl.get(&(t, k.queue))?);
                    e.mean.is_some().then(|| (e, scenario.queues[k.queue].service_level.target))
                })
                .collect();
            if judged.is_empty() {
                continue;
            }
            let clearly_missed = judged.iter().any(|(e, target)| e.ci_high.unwrap_or(f64::NAN) < *target);
            let slack = judged.iter().all(|(e, target)| e.ci_low.unwrap_or(f64::NAN) > target + SLACK_MARGIN);
            if clearly_missed {
                *delta = 1;
            } else if slack && spec.requirement[g][t] > 0 {
                *delta = -1;
            }
        }
    }
    Ok(out)
}

/// One round of `--iterate`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Round {
    /// 0 for the first (two-step: requirement, then schedule) schedule, then 1, 2, ...
    pub round: u32,
    /// Required agent-hours the round's schedule was solved for.
    pub required_hours: f64,
    /// Paid agent-hours of the round's schedule.
    pub agent_hours: f64,
    /// Cost of the round's schedule, when every template has a cost.
    pub cost: Option<f64>,
    /// Open days on which every queue's simulated mean SL meets its target.
    pub days_meeting: u32,
    /// Open days.
    pub open_days: u32,
    /// (group, interval) requirements this round's simulation asks to raise by 1.
    pub raised: u32,
    /// (group, interval) requirements it asks to lower by 1.
    pub lowered: u32,
    /// Whether those changes were applied and solved again (not after the last round).
    pub applied: bool,
    /// Whether the solver's time limit cut this round's search short (then not reproducible).
    pub time_limited: bool,
}

/// The whole `--iterate` run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Iteration {
    /// Most correction rounds asked for (`--iterate N`).
    pub max_rounds: u32,
    /// Every round, the first (two-step) schedule included.
    pub rounds: Vec<Round>,
    /// True when the last simulation asked for no change (else the round limit stopped it).
    pub converged: bool,
    /// What is compared: `cost` when every template has one, else `agent_hours`.
    pub measure: String,
    /// The first schedule's cost or paid agent-hours.
    pub first: f64,
    /// The last schedule's.
    pub last: f64,
    /// first − last: positive is a saving, negative an extra cost.
    pub saving: f64,
    /// In words, e.g. "3 rounds; the last schedule costs 12.0 agent-hours (2.1 %) more than the
    /// two-step schedule and meets the target on 6 of 6 days".
    pub summary: String,
}

/// How [`iterate`] simulates a schedule: the scenario with it in place and that scenario's
/// simulation, or an error in words.
pub type Simulate<'a> = dyn FnMut(&Spec, &Schedule) -> Result<(Scenario, RunResult), String> + 'a;

/// The result of [`iterate`]: the last schedule, its check, and the rounds.
#[derive(Debug, Clone)]
pub struct Iterated {
    /// The last schedule.
    pub schedule: Schedule,
    /// Its simulated check.
    pub verify: Verify,
    /// The rounds.
    pub iteration: Iteration,
}

/// Simulation-based correction of a schedule, at most `max_rounds` rounds after the first:
/// simulate the schedule (`simulate` returns the scenario with it in place and that scenario's
/// simulation), apply [`corrections`] to `spec.requirement`, solve again with the same `opts`
/// (same seed), until a simulation asks for no change or the rounds run out. `spec` is left
/// with the last requirement. Deterministic when `simulate` is and the solver is not cut by its
/// time limit.
pub fn iterate(
    spec: &mut Spec,
    opts: &Options,
    max_rounds: u32,
    first: Schedule,
    simulate: &mut Simulate,
) -> Result<Iterated, String> {
    let ih = spec.interval_h();
    let required_hours = |spec: &Spec| spec.requirement.iter().flatten().map(|r| f64::from(*r)).sum::<f64>() * ih;
    let mut schedule = first;
    let mut rounds = Vec::new();
    let mut converged = false;
    let verify = loop {
        let (scenario, result) = simulate(spec, &schedule)?;
        let v = check(spec, &schedule, &scenario, &result)?;
        let mut round = Round {
            round: rounds.len() as u32,
            required_hours: required_hours(spec),
            agent_hours: schedule.agent_hours,
            cost: schedule.cost,
            days_meeting: v.days_meeting,
            open_days: v.open_days,
            raised: 0,
            lowered: 0,
            applied: false,
            time_limited: schedule.search.time_limited,
        };
        let last = round.round >= max_rounds;
        let delta = corrections(spec, &scenario, &result)?;
        round.raised = delta.iter().flatten().filter(|x| **x > 0).count() as u32;
        round.lowered = delta.iter().flatten().filter(|x| **x < 0).count() as u32;
        let change = round.raised + round.lowered > 0;
        if !change {
            converged = true;
        }
        if last || !change {
            rounds.push(round);
            break v;
        }
        round.applied = true;
        rounds.push(round);
        for (req, d) in spec.requirement.iter_mut().zip(&delta) {
            for (r, x) in req.iter_mut().zip(d) {
                *r = r.saturating_add_signed(*x);
            }
        }
        schedule = solve(spec, opts)?;
    };
    let by_cost = rounds.iter().all(|r| r.cost.is_some());
    let value = |r: &Round| if by_cost { r.cost.unwrap_or(0.0) } else { r.agent_hours };
    let (first_v, last_v) = (value(&rounds[0]), value(rounds.last().expect("one round at least")));
    let saving = first_v - last_v;
    let unit = if by_cost { "" } else { " agent-hours" };
    let what = if by_cost { "costs" } else { "pays" };
    let pct = if first_v > 0.0 { (saving.abs() / first_v) * 100.0 } else { 0.0 };
    let lr = rounds.last().expect("one round at least");
    let comparison = if saving.abs() < 1e-9 {
        format!("the last schedule {what} the same as the two-step schedule")
    } else {
        format!(
            "the last schedule {what} {:.1}{unit} ({pct:.1} %) {} than the two-step schedule",
            saving.abs(),
            if saving > 0.0 { "less" } else { "more" }
        )
    };
    let summary = format!(
        "{} correction round{} ({}); {comparison}; it meets the SL target on {} of {} days (the two-step schedule on {})",
        rounds.len() - 1,
        if rounds.len() == 2 { "" } else { "s" },
        if converged { "no change left".to_string() } else { format!("stopped at --iterate {max_rounds}") },
        lr.days_meeting,
        lr.open_days,
        rounds[0].days_meeting,
    );
    Ok(Iterated {
        schedule,
        verify,
        iteration: Iteration {
            max_rounds,
            measure: if by_cost { "cost" } else { "agent_hours" }.into(),
            first: first_v,
            last: last_v,
            saving,
            converged,
            summary,
            rounds,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_miss_is_said_in_points() {
        assert_eq!(points_text(2.345), "misses by 2.3 points");
        assert_eq!(points_text(1.0), "misses by 1.0 point");
    }

    #[test]
    fn an_sl_without_calls_is_null_not_nan() {
        let e = SlEstimate::of(&Estimate { mean: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n: 8 });
        assert_eq!(e, SlEstimate { mean: None, ci_low: None, ci_high: None, ci_half_width: None });
        let e = SlEstimate::of(&Estimate { mean: 0.8, ci_low: 0.7, ci_high: 0.9, n: 8 });
        assert!((e.ci_half_width.unwrap() - 0.1).abs() < 1e-12);
    }
}
