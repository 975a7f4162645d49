//! Simulation-based staffing: the least agents per interval (or per group over the day) such
//! that every queue meets its targets, where "meets" is the mean over replications or a
//! probability (the target holds in at least p of the replications).
//!
//! It starts from the Erlang requirement ([`crate::plan`]) and corrects it by simulation,
//! interval by interval from the start of the day (a late interval depends on the earlier
//! ones): while an interval misses, one agent is added to the group serving a missing queue
//! with the fewest skills (a specialist); then agents are taken away again while the interval
//! still meets its targets. Every evaluation simulates all replications with the same seeds
//! (common random numbers), so a change of one agent is judged on the same calls.

use crate::experiment::{self, RunResult};
use crate::facts::{MEETS, QUEUE_KPIS, SL};
use crate::plan::{self, ModelChoice};
use crate::policy::PolicyError;
use crate::scenario::{Scenario, Staffing};
use crate::stats::Estimate;
use std::collections::BTreeMap;

/// When an interval (or the day) counts as meeting its targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Criterion {
    /// Mean SL ≥ target, mean ASA ≤ max, mean abandon rate ≤ max.
    Mean,
    /// The targets hold in at least this share of replications (e.g. 0.9 for `p90`).
    Probability(f64),
}

impl Criterion {
    /// Parses `mean` or `pNN` (`p90` → 0.9).
    pub fn parse(s: &str) -> Result<Criterion, String> {
        if s == "mean" {
            return Ok(Criterion::Mean);
        }
        s.strip_prefix('p')
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|p| (1..100).contains(p))
            .map(|p| Criterion::Probability(f64::from(p) / 100.0))
            .ok_or_else(|| format!("criterion {s:?}: expected `mean` or `pNN` such as `p90`"))
    }
}

/// One (group, interval) of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Group index.
    pub group: usize,
    /// Global interval index.
    pub interval: usize,
    /// Interval label.
    pub start: String,
    /// The Erlang requirement of the group in this interval.
    pub erlang_agents: u32,
    /// The simulated requirement.
    pub agents: u32,
    /// SL of the group's most preferred queue in this interval, at the result's staffing.
    pub service_level: Estimate,
}

/// The result of an optimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimized {
    /// The scenario with the optimised staffing curves.
    pub scenario: Scenario,
    /// Rows per interval and group.
    pub rows: Vec<Row>,
    /// Simulations (each of all replications) it took.
    pub simulations: u32,
    /// The final evaluation's statistics.
    pub result: RunResult,
    /// Whether every interval met the criterion in the end (false when the agent cap was hit).
    pub met: bool,
}

fn kpi(name: &str) -> usize {
    QUEUE_KPIS.iter().position(|k| *k == name).expect("known KPI")
}

/// Queues (indices) that miss the criterion in global interval `i` (in scope), judged on `r`.
fn missing(s: &Scenario, r: &RunResult, i: usize, c: Criterion) -> Vec<usize> {
    r.intervals
        .iter()
        .filter(|row| row.interval == i)
        .filter(|row| {
            let q = &s.queues[row.index];
            let k = &row.kpis;
            match c {
                Criterion::Mean => {
                    let sl = k[SL].mean;
                    let asa = k[kpi("asa_seconds")].mean;
                    let ab = k[kpi("abandon_rate")].mean;
                    !((sl.is_nan() || sl >= q.service_level.target)
                        && q.max_asa_s.is_none_or(|m| asa.is_nan() || asa <= m)
                        && q.max_abandon_rate.is_none_or(|m| ab.is_nan() || ab <= m))
                }
                Criterion::Probability(p) => k[MEETS].mean.is_finite() && k[MEETS].mean < p,
            }
        })
        .map(|row| row.index)
        .collect()
}

/// Every group as a per-interval curve (shift groups become their planned on-duty counts,
/// breaks included as absences).
fn as_curves(s: &Scenario) -> Scenario {
    let mut out = s.clone();
    for g in &mut out.groups {
        g.staffing = Staffing::Curve(g.planned_curve(&s.horizon));
    }
    out
}

fn curve_mut(s: &mut Scenario, g: usize) -> &mut Vec<u32> {
    match &mut s.groups[g].staffing {
        Staffing::Curve(c) => c,
        _ => unreachable!("optimize works on curves"),
    }
}

/// The group to add an agent to for a queue: a group with the skill, fewest skills first.
fn group_for(s: &Scenario, q: usize) -> Option<usize> {
    (0..s.groups.len())
        .filter(|&g| s.groups[g].skills.iter().any(|k| k.queue == q))
        .min_by_key(|&g| (s.groups[g].skills.len(), g))
}

/// Optimises per interval. `max_agents` caps any group's level.
/// Fails only when the scenario's policy fails.
pub fn per_interval(
    base: &Scenario,
    c: Criterion,
    max_agents: u32,
    progress: &(dyn Fn() + Sync),
) -> Result<Optimized, PolicyError> {
    let plan = plan::plan(base, ModelChoice::Auto, 0.0);
    let erlang = plan::curves(base, &plan);
    let mut s = as_curves(base);
    for (g, group) in s.groups.iter_mut().enumerate() {
        group.staffing = Staffing::Curve(erlang[&base.groups[g].id].clone());
        group.absenteeism = base.groups[g].absenteeism;
    }
    let mut sims = 0u32;
    let mut eval = |s: &Scenario| {
        sims += 1;
        experiment::run(s, progress)
    };
    let mut r = eval(&s)?;
    let n = s.horizon.total_intervals();
    let mut met = true;
    for i in 0..n {
        if !r.intervals.iter().any(|row| row.interval == i) {
            continue; // warm-up
        }
        // up while missing
        loop {
            let miss = missing(&s, &r, i, c);
            let Some(&q) = miss.first() else { break };
            let Some(g) = group_for(&s, q) else { break };
            if curve_mut(&mut s, g)[i] >= max_agents {
                met = false;
                break;
            }
            curve_mut(&mut s, g)[i] += 1;
            r = eval(&s)?;
        }
        // down while still meeting
        for g in 0..s.groups.len() {
            loop {
                if curve_mut(&mut s, g)[i] == 0 {
                    break;
                }
                let mut trial = s.clone();
                curve_mut(&mut trial, g)[i] -= 1;
                let tr = eval(&trial)?;
                if missing(&trial, &tr, i, c).is_empty() {
                    s = trial;
                    r = tr;
                } else {
                    break;
                }
            }
        }
    }
    let rows = rows(base, &s, &r, &erlang);
    Ok(Optimized { scenario: s, rows, simulations: sims, result: r, met })
}

/// Optimises per group over the day: each group's Erlang curve shifted by one offset (agents
/// added or removed in every interval), the least offsets such that every queue meets the
/// criterion over the day.
/// Fails only when the scenario's policy fails.
pub fn per_group(
    base: &Scenario,
    c: Criterion,
    max_offset: u32,
    progress: &(dyn Fn() + Sync),
) -> Result<Optimized, PolicyError> {
    let plan = plan::plan(base, ModelChoice::Auto, 0.0);
    let erlang = plan::curves(base, &plan);
    let ng = base.groups.len();
    let mut offsets = vec![0i64; ng];
    let build = |offsets: &[i64]| {
        let mut s = as_curves(base);
        for (g, group) in s.groups.iter_mut().enumerate() {
            let e = &erlang[&base.groups[g].id];
            group.staffing = Staffing::Curve(e.iter().map(|&x| (i64::from(x) + offsets[g]).max(0) as u32).collect());
        }
        s
    };
    let mut sims = 0u32;
    let mut eval = |s: &Scenario| {
        sims += 1;
        experiment::run(s, progress)
    };
    let mut s = build(&offsets);
    let mut r = eval(&s)?;
    let mut met = true;
    let missing_day = |s: &Scenario, r: &RunResult| -> Option<usize> {
        r.queues.iter().zip(&s.queues).position(|(qr, q)| {
            let one = Scenario { queues: vec![q.clone()], ..s.clone() };
            let rr = RunResult { queues: vec![qr.clone()], ..r.clone() };
            !day_meets(&one, &rr, c)
        })
    };
    while let Some(q) = missing_day(&s, &r) {
        let Some(g) = group_for(&s, q) else { break };
        if offsets[g] >= i64::from(max_offset) {
            met = false;
            break;
        }
        offsets[g] += 1;
        s = build(&offsets);
        r = eval(&s)?;
    }
    for g in 0..ng {
        loop {
            let mut trial = offsets.clone();
            trial[g] -= 1;
            if erlang[&base.groups[g].id].iter().all(|&x| i64::from(x) + trial[g] <= 0) {
                break;
            }
            let ts = build(&trial);
            let tr = eval(&ts)?;
            if missing_day(&ts, &tr).is_some() {
                break;
            }
            (offsets, s, r) = (trial, ts, tr);
        }
    }
    let rows = rows(base, &s, &r, &erlang);
    Ok(Optimized { scenario: s, rows, simulations: sims, result: r, met })
}

fn rows(base: &Scenario, s: &Scenario, r: &RunResult, erlang: &BTreeMap<String, Vec<u32>>) -> Vec<Row> {
    let mut out = Vec::new();
    for i in 0..s.horizon.total_intervals() {
        for (g, group) in s.groups.iter().enumerate() {
            let Staffing::Curve(c) = &group.staffing else { continue };
            let q = group.skills.iter().min_by_key(|k| k.preference).map(|k| k.queue);
            let sl = q
                .and_then(|q| r.intervals.iter().find(|row| row.interval == i && row.index == q))
                .map(|row| row.kpis[SL]);
            let Some(sl) = sl else { continue };
            out.push(Row {
                group: g,
                interval: i,
                start: s.horizon.interval_label(i),
                erlang_agents: erlang[&base.groups[g].id][i],
                agents: c[i],
                service_level: sl,
            });
        }
    }
    out
}

/// True when the day (each queue over the horizon) meets the criterion in `r`.
pub fn day_meets(s: &Scenario, r: &RunResult, c: Criterion) -> bool {
    judge_day(s, r, c, false)
}

/// Like [`day_meets`], but a target counts as met when it lies within the estimate's 95 %
/// confidence interval: the check for a re-run with fresh random numbers.
pub fn day_meets_within_ci(s: &Scenario, r: &RunResult, c: Criterion) -> bool {
    judge_day(s, r, c, true)
}

fn judge_day(s: &Scenario, r: &RunResult, c: Criterion, lenient: bool) -> bool {
    let pick = |e: &Estimate, up: bool| match (lenient, up) {
        (false, _) => e.mean,
        (true, true) => e.ci_high,
        (true, false) => e.ci_low,
    };
    r.queues.iter().zip(&s.queues).all(|(qr, q)| match c {
        Criterion::Mean => {
            let k = &qr.kpis;
            let (sl, asa, ab) =
                (pick(&k[SL], true), pick(&k[kpi("asa_seconds")], false), pick(&k[kpi("abandon_rate")], false));
            (sl.is_nan() || sl >= q.service_level.target)
                && q.max_asa_s.is_none_or(|m| asa.is_nan() || asa <= m)
                && q.max_abandon_rate.is_none_or(|m| ab.is_nan() || ab <= m)
        }
        Criterion::Probability(p) => pick(&qr.risk.p_meet_target, true) >= p,
    })
}
