//! `ccsim variance`: actuals (an ACD export) against the plan, with the deviations of SL, ASA
//! and abandon rate attributed to volume, handle time and staffing by re-simulation under
//! common random numbers (see [`crate::variance`] and docs/variance.md).

use super::{OutArgs, PathArg, SimArgs, days_progress_bar, with_threads};
use crate::report::write_variance;
use anyhow::Result;

/// Arguments of `ccsim variance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan: a scenario file (YAML).
    #[arg(long, value_name = "SCENARIO")]
    pub plan: PathArg,
    /// The actuals: a CSV file per interval and queue (format in docs/variance.md).
    #[arg(long, value_name = "CSV")]
    pub actual: PathArg,
    /// Add the per-interval tables (table format; JSON and CSV always include intervals).
    #[arg(long)]
    pub intervals: bool,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub html: super::ReportArgs,
}

/// Runs `ccsim variance`: reads the plan and the actuals (every problem of the actuals is
/// reported before any simulation), simulates the plan and its substitutions, writes the report.
pub fn exec(a: Args) -> Result<()> {
    let plan = super::run::load(&a.plan, a.sim.replications, a.sim.seed)?;
    let script = super::run::policy_script(&plan, &[])?;
    let actuals = crate::variance::actuals::load(&a.actual, &plan)?;
    let scenarios = crate::variance::scenarios_simulated(&plan, &actuals);
    let total = u64::from(plan.simulation.replications) * scenarios as u64;
    let pb = days_progress_bar(total, plan.horizon.days, a.sim.quiet, "variance");
    let policy = script.as_ref().map(|p| p as &dyn crate::policy::PolicySource);
    let v = with_threads(a.sim.threads, || crate::variance::variance(&plan, policy, &actuals, &|| pb.inc(1)))??;
    pb.finish_and_clear();
    let execution =
        crate::kpi::Execution { threads: Some(a.sim.threads.unwrap_or_else(rayon::current_num_threads)), shards: None };
    a.out.write(|w| write_variance(&v, &execution, a.intervals, a.out.format.into(), w))?;
    a.html.write(|audience| crate::report::html::variance_report(&v, plan.report.amber_margin, audience))
}
