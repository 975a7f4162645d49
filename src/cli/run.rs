//! `ccsim run`: simulate a scenario and report.

use super::{OutArgs, PathArg, SimArgs, progress_bar, with_threads, write_output};
use crate::experiment;
use crate::report::report;
use crate::scenario::Scenario;
use anyhow::{Result, bail};

/// Arguments of `ccsim run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (YAML).
    pub scenario: PathArg,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Replace groups' staffing with the curves in this file (`staffing: { <group>: [..] }`,
    /// as `ccsim staff --emit-staffing` writes it).
    #[arg(long)]
    pub staffing: Option<PathArg>,
    #[command(flatten)]
    pub out: OutArgs,
    /// Add the per-interval table (table format; JSON and CSV always include intervals).
    #[arg(long)]
    pub intervals: bool,
}

/// Loads the scenario with command-line overrides applied.
pub fn load(path: &std::path::Path, replications: Option<u32>, seed: Option<u64>) -> Result<Scenario> {
    let mut s = Scenario::load(path)?;
    if let Some(n) = replications {
        if n == 0 {
            bail!("--replications must be at least 1");
        }
        s.simulation.replications = n;
    }
    if let Some(seed) = seed {
        s.simulation.seed = seed;
    }
    Ok(s)
}

/// Runs `ccsim run`.
pub fn exec(a: Args) -> Result<()> {
    let mut scenario = load(&a.scenario, a.sim.replications, a.sim.seed)?;
    if let Some(path) = &a.staffing {
        scenario = scenario.with_staffing(&crate::scenario::load_staffing(path)?, path)?;
    }
    let pb = progress_bar(u64::from(scenario.simulation.replications), a.sim.quiet, "simulating");
    let result = with_threads(a.sim.threads, || experiment::run(&scenario, &|| pb.inc(1)))??;
    pb.finish_and_clear();
    let rep = report(a.out.format.into());
    write_output(a.out.output.as_deref(), |w| rep.write(&result, a.intervals, w))
}
