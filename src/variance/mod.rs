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
//!   absenteeism drawn — on the days where some group's actual staffing differs from the
//!   plan only: the other days keep the plan's shifts (days are simulated independently, so a
//!   day's facts are taken from the simulation with or without the staffing substitution).
//!   Planned staffing is the group's planned agents on duty net of breaks
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

pub use actuals::{Actuals, ActualsError, CellProblem, GroupActual, QueueActual};
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

/// The scenarios to simulate and which serves each role on each day: `masks` the substitutions
/// simulated (bits of [`Cause`], the plan `0` first), `per_day[d][role]` the index into `masks`
/// of role plan, volume, handle time, staffing, all on day `d`. Staffing is substituted only on
/// the days where a group's actual staffing differs from the plan: on the others the role uses
/// the same substitution without staffing, so that a group's shifts are kept where nothing
/// changed (days are simulated independently: each starts empty with its own random streams).
struct Roles {
    masks: Vec<u8>,
    per_day: Vec<[usize; 5]>,
}

fn roles(plan: &Scenario, a: &Actuals, changed: &[Cause]) -> Roles {
    let n = plan.horizon.intervals_per_day();
    let curves: Vec<Vec<f64>> = (0..plan.groups.len()).map(|g| planned_staffing(plan, g)).collect();
    let mut staff_days = vec![false; plan.horizon.days as usize];
    for r in a.groups.iter().filter(|r| r.staffed != curves[r.group][r.interval]) {
        staff_days[r.interval / n] = true;
    }
    let mask_of = |causes: &[Cause]| causes.iter().filter(|c| changed.contains(c)).fold(0u8, |m, c| m | c.bit());
    let base: [u8; 5] = [
        0,
        mask_of(&[Cause::Volume]),
        mask_of(&[Cause::HandleTime]),
        mask_of(&[Cause::Staffing]),
        mask_of(&Cause::ALL),
    ];
    let mut masks: Vec<u8> = vec![0];
    let per_day = staff_days
        .iter()
        .map(|&staffed| {
            base.map(|m| {
                let m = if staffed { m } else { m & !Cause::Staffing.bit() };
                match masks.iter().position(|x| *x == m) {
                    Some(k) => k,
                    None => {
                        masks.push(m);
                        masks.len() - 1
                    }
                }
            })
        })
        .collect();
    Roles { masks, per_day }
}

/// How many scenarios [`variance`] simulates for `actuals` against `plan` (the plan, each
/// substitution that changes something, all of them together and, when staffing changes on
/// some days only, all but staffing).
pub fn scenarios_simulated(plan: &Scenario, actuals: &Actuals) -> usize {
    roles(plan, actuals, &changed(plan, actuals)).masks.len()
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
    let roles = roles(plan, actuals, &changed);
    let models: Vec<Model> = roles
        .masks
        .iter()
        .map(|&m| {
            let causes: Vec<Cause> = Cause::ALL.into_iter().filter(|c| m & c.bit() != 0).collect();
            substituted_model(plan, policy, actuals, &causes)
        })
        .collect::<Result<_, _>>()?;
    let mut acc = attribution::Accumulator::new(plan, actuals, roles.per_day);
    crate::experiment::for_each_replication_of(&models, progress, |_, facts| acc.push(facts))
        .map_err(RunError::from)?;
    Ok(acc.finish(&changed))
}
