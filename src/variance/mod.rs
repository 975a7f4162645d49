//! Variance against actuals: the plan (a scenario) simulated, compared with what happened (an
//! ACD export, [`actuals`]), and the deviation of SL, ASA and abandon rate attributed to its
//! causes by re-simulating the plan with one actual input substituted at a time — volume,
//! handle time, staffing — and with all of them together, under common random numbers.
//!
//! What a substitution changes (the rest of the plan is kept, and so are the intervals without
//! actuals):
//! - **volume**: the expected calls of each (interval, queue) with actuals become the actual
//!   `offered` (arrivals stay Poisson around it, with the plan's busyness factors);
//! - **handle time**: the handle and wrap-up times of calls arriving in that (interval, queue)
//!   are scaled by actual AHT ÷ planned AHT (planned AHT = mean handle + mean wrap-up), the
//!   distributions' shape kept ([`Model::scale_work`]);
//! - **staffing**: a group with actual staffing becomes a staffing curve (agents on duty per
//!   interval, [`Scenario::with_staffing`]): the actual agents (rounded to whole agents) where
//!   given, the planned ones net of expected absence (rounded) elsewhere, with no further
//!   absenteeism drawn. Planned staffing is the group's planned agents on duty net of breaks
//!   ([`crate::scenario::Group::planned_curve`]) × (1 − absenteeism).
//!
//! An input equal to the plan's everywhere is not substituted at all, so with common random
//! numbers its attribution is exactly 0 (CI [0, 0]). Each attribution is a paired difference
//! per replication (substituted − plan), and the interaction is all − plan − Σ singles, paired
//! too; "other/randomness" is actual − mean of the all-substituted simulation. The sums hold by
//! construction: actual − plan = volume + handle time + staffing + interaction + other.
//! The comparison covers only the intervals and queues with actuals (a partial day is compared
//! over its intervals with actuals). No printing here; `report::variance` renders the result.

pub mod actuals;
mod attribution;

pub use actuals::{ActualsError, Actuals, CellProblem, GroupActual, QueueActual};
pub use attribution::{Attribution, InputChange, KpiRow, ScopeResult, StaffRow, Variance};

use crate::model::Model;
use crate::policy::{PolicySource, RunError};
use crate::scenario::{Scenario, ScenarioError};

/// A cause of deviation that an actuals file substitutes into the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Offered calls per interval and queue.
    Volume,
    /// Average handle time per interval and queue.
    HandleTime,
    /// Agents staffed per interval and group.
    Staffing,
}

impl Cause {
    /// The three causes, in report order.
    pub const ALL: [Cause; 3] = [Cause::Volume, Cause::HandleTime, Cause::Staffing];

    /// Bit of this cause in a substitution mask.
    fn bit(self) -> u8 {
        match self {
            Cause::Volume => 1,
            Cause::HandleTime => 2,
            Cause::Staffing => 4,
        }
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Cause::Volume => "volume",
            Cause::HandleTime => "handle time",
            Cause::Staffing => "staffing",
        }
    }
}

/// Why a variance could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum VarianceError {
    /// The substituted plan is not a valid scenario.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A policy could not be bound or failed.
    #[error(transparent)]
    Run(#[from] RunError),
}

/// Planned AHT of queue `q` (mean handle + mean wrap-up), seconds.
pub fn planned_aht_s(plan: &Scenario, q: usize) -> f64 {
    let queue = &plan.queues[q];
    queue.handle_time.mean() + queue.wrap_up.as_ref().map_or(0.0, crate::dist::Dist::mean)
}

/// Planned agents on duty of group `g` per global interval, net of breaks and of expected
/// absence (× (1 − absenteeism)), agents.
pub fn planned_staffing(plan: &Scenario, g: usize) -> Vec<f64> {
    let group = &plan.groups[g];
    group.planned_curve(&plan.horizon).into_iter().map(|n| f64::from(n) * (1.0 - group.absenteeism)).collect()
}

/// The causes whose actual input differs from the plan's somewhere (only those are substituted).
pub fn changed(plan: &Scenario, a: &Actuals) -> Vec<Cause> {
    let volume = a.queues.iter().any(|r| r.offered != plan.queues[r.queue].volumes[r.interval]);
    let aht = a.queues.iter().any(|r| r.aht_s.is_some_and(|x| x != planned_aht_s(plan, r.queue)));
    let curves: Vec<Vec<f64>> = (0..plan.groups.len()).map(|g| planned_staffing(plan, g)).collect();
    let staffing = a.groups.iter().any(|r| r.staffed != curves[r.group][r.interval]);
    Cause::ALL.into_iter().zip([volume, aht, staffing]).filter(|(_, c)| *c).map(|(c, _)| c).collect()
}

/// How many scenarios [`variance`] simulates when `changed` are the causes that differ: the
/// plan, each single substitution and, with two or more, all together.
pub fn scenarios_simulated(changed: &[Cause]) -> usize {
    match changed.len() {
        0 => 1,
        1 => 2,
        n => 2 + n,
    }
}

/// The plan with the actual inputs of `causes` substituted, compiled (with `policy`, the
/// script the plan names).
pub fn substituted_model(
    plan: &Scenario,
    policy: Option<&dyn PolicySource>,
    a: &Actuals,
    causes: &[Cause],
) -> Result<Model, VarianceError> {
    let mut s = plan.clone();
    if causes.contains(&Cause::Volume) {
        for r in &a.queues {
            s.queues[r.queue].volumes[r.interval] = r.offered;
        }
    }
    if causes.contains(&Cause::Staffing) {
        let mut curves = std::collections::BTreeMap::new();
        for g in 0..plan.groups.len() {
            let mut rows = a.groups.iter().filter(|r| r.group == g).peekable();
            if rows.peek().is_none() {
                continue;
            }
            let mut curve: Vec<u32> = planned_staffing(plan, g).iter().map(|x| x.round() as u32).collect();
            for r in rows {
                curve[r.interval] = r.staffed.round().min(f64::from(u32::MAX)) as u32;
            }
            curves.insert(plan.groups[g].id.clone(), curve);
        }
        s = s.with_staffing(&curves, &a.file)?;
        for id in curves.keys() {
            if let Some(g) = s.group_index(id) {
                s.groups[g].absenteeism = 0.0;
            }
        }
    }
    let mut model = Model::compile(&s, policy).map_err(RunError::from)?;
    if causes.contains(&Cause::HandleTime) {
        let total = plan.horizon.total_intervals();
        for q in 0..plan.queues.len() {
            let planned = planned_aht_s(plan, q);
            let mut factors = vec![1.0; total];
            let mut any = false;
            for r in a.queues.iter().filter(|r| r.queue == q) {
                if let Some(x) = r.aht_s
                    && x != planned
                {
                    factors[r.interval] = x / planned;
                    any = true;
                }
            }
            if any {
                model.scale_work(q, factors);
            }
        }
    }
    Ok(model)
}

/// Compares `plan` (simulated with its replications and seed; `policy` the script it names)
/// with `actuals`: every KPI the actuals give per interval, day and queue, and the attribution
/// of the SL, ASA and abandon-rate deviations. `progress` is called once per simulated
/// (scenario, replication). The result is the same for any thread count.
pub fn variance(
    plan: &Scenario,
    policy: Option<&dyn PolicySource>,
    actuals: &Actuals,
    progress: &(dyn Fn() + Sync),
) -> Result<Variance, VarianceError> {
    let changed = changed(plan, actuals);
    let mask_of = |causes: &[Cause]| causes.iter().filter(|c| changed.contains(c)).fold(0u8, |m, c| m | c.bit());
    // the five roles: plan, each single substitution, all together; identical ones share a model
    let roles: [u8; 5] = [
        0,
        mask_of(&[Cause::Volume]),
        mask_of(&[Cause::HandleTime]),
        mask_of(&[Cause::Staffing]),
        mask_of(&Cause::ALL),
    ];
    let mut masks: Vec<u8> = Vec::new();
    for m in roles {
        if !masks.contains(&m) {
            masks.push(m);
        }
    }
    let models: Vec<Model> = masks
        .iter()
        .map(|&m| {
            let causes: Vec<Cause> = Cause::ALL.into_iter().filter(|c| m & c.bit() != 0).collect();
            substituted_model(plan, policy, actuals, &causes)
        })
        .collect::<Result<_, _>>()?;
    let index: [usize; 5] = roles.map(|m| masks.iter().position(|x| *x == m).unwrap_or(0));
    let mut acc = attribution::Accumulator::new(plan, actuals, index);
    crate::experiment::for_each_replication_of(&models, progress, |_, facts| acc.push(facts))
        .map_err(RunError::from)?;
    Ok(acc.finish(&changed))
}
