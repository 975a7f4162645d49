//! `ccsim staff`: analytic staffing per queue and interval, optionally checked by simulation.

use super::{OutArgs, PathArg, SimArgs, days_progress_bar, with_threads, write_output};
use crate::experiment;
use crate::kpi::queue::SL;
use crate::plan::{self, ModelChoice};
use crate::report::{VerifyRow, write_plan};
use crate::scenario::SlDefinition;
use anyhow::{Result, bail};
use clap::ValueEnum;

/// Erlang models for `--model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// Erlang C (infinite patience).
    ErlangC,
    /// Erlang A (exponential patience with the queue's mean).
    ErlangA,
    /// Erlang X (Erlang A plus the queue's retrial share as redials).
    ErlangX,
}

/// Arguments of `ccsim staff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (YAML).
    pub scenario: PathArg,
    /// Model (default: erlang-a for queues with a patience distribution, else erlang-c).
    #[arg(long, value_enum)]
    pub model: Option<ModelArg>,
    /// Shrinkage in [0, 1): scheduled = required ÷ (1 − shrinkage). Default: the scenario's
    /// `planning.shrinkage`, else 0.
    #[arg(long)]
    pub shrinkage: Option<f64>,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub html: super::ReportArgs,
    /// Also write the required agents as staffing curves per group (YAML that
    /// `ccsim run --staffing` accepts).
    #[arg(long)]
    pub emit_staffing: Option<PathArg>,
    /// Simulate the required staffing and compare each interval's SL with the analytic one.
    #[arg(long)]
    pub verify: bool,
    /// Simulation options for `--verify`.
    #[command(flatten)]
    pub sim: SimArgs,
}

/// The analytic plan `staff` computes for `scenario` with `--model` `model` and `--shrinkage`
/// `shrinkage` (`None`: their defaults), and the staffing curves `--emit-staffing` writes from it:
/// agents on duty per group and global interval (`ccsim schedule --from-scenario --method erlang`
/// reads the same).
pub(super) fn plan_curves(
    scenario: &crate::scenario::Scenario,
    model: Option<ModelArg>,
    shrinkage: Option<f64>,
) -> Result<(plan::Plan, std::collections::BTreeMap<String, Vec<u32>>)> {
    let shrinkage = shrinkage.or(scenario.planning.shrinkage).unwrap_or(0.0);
    if !(0.0..1.0).contains(&shrinkage) {
        bail!("--shrinkage must be in [0, 1), got {shrinkage}");
    }
    let model = match model {
        None => ModelChoice::Auto,
        Some(ModelArg::ErlangC) => ModelChoice::ErlangC,
        Some(ModelArg::ErlangA) => ModelChoice::ErlangA,
        Some(ModelArg::ErlangX) => ModelChoice::ErlangX,
    };
    let plan = plan::plan(scenario, model, shrinkage);
    let curves = plan::curves(scenario, &plan);
    Ok((plan, curves))
}

/// Runs `ccsim staff`.
pub fn exec(a: Args) -> Result<()> {
    let scenario = super::run::load(&a.scenario, a.sim.replications, a.sim.seed)?;
    let (plan, curves) = plan_curves(&scenario, a.model, a.shrinkage)?;
    if let Some(path) = &a.emit_staffing {
        let comments = [
            format!("Staffing curves from `ccsim staff` ({}): agents on duty per interval.", plan.model.name()),
            format!("Simulate them with: ccsim run {} --staffing {}", a.scenario.display(), path.display()),
        ];
        let list = curves.iter().map(|(g, c)| (g.as_str(), c.as_slice()));
        write_output(Some(path), |w| crate::report::write_staffing(&comments, list, w))?;
    }
    let mut verify = Vec::new();
    if a.verify {
        // Compare like with like: the agents the plan requires present (absenteeism off, so
        // exactly that many come), SL over all arrivals; once as the scenario says, once under
        // the model's own assumptions (exponential times, mean volume, ...).
        let mut sim = scenario.with_staffing(&plan::required_curves(&scenario, &plan), &a.scenario)?;
        for g in &mut sim.groups {
            g.absenteeism = 0.0;
        }
        for q in &mut sim.queues {
            q.service_level.definition = SlDefinition::Offered;
        }
        let assumed = plan::model_assumptions(&sim, &plan);
        let script = super::run::policy_script(&sim, &[])?;
        let policy = script.as_ref().map(|p| p as &dyn crate::policy::PolicySource);
        let reps = u64::from(sim.simulation.replications);
        let pb = days_progress_bar(2 * reps, sim.horizon.days, a.sim.quiet, "verifying");
        let (result, model_result) = with_threads(a.sim.threads, || {
            Ok::<_, crate::policy::RunError>((
                experiment::run(&sim, policy, &|| pb.inc(1))?,
                experiment::run(&assumed, policy, &|| pb.inc(1))?,
            ))
        })??;
        pb.finish_and_clear();
        for row in &result.intervals {
            let Some(p) = plan.rows.iter().find(|r| r.interval == row.interval && r.queue == row.index) else {
                continue;
            };
            let Some(m) = model_result.intervals.iter().find(|r| r.interval == row.interval && r.index == row.index)
            else {
                continue;
            };
            verify.push(VerifyRow {
                queue: plan.queue_ids[p.queue].clone(),
                start: p.start.clone(),
                agents: p.required_agents,
                analytic: p.service_level,
                simulated: row.kpis[SL],
                simulated_model: m.kpis[SL],
            });
        }
    }
    a.out.write(|w| write_plan(&plan, &verify, a.out.format.into(), w))?;
    a.html.write(|audience| crate::report::html::staff_report(&plan, &verify, &scenario, audience))
}
