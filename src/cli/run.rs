//! `ccsim run`: simulate a scenario and report.

use super::{OutArgs, PathArg, ShardArgs, SimArgs, Work, days_progress_bar, with_threads};
use crate::experiment;
use crate::policy::PolicySource;
use crate::report::report;
use crate::scenario::{PolicyConfig, Scenario};
use crate::script::policy::PolicyScript;
use anyhow::{Result, bail};

/// Arguments of `ccsim run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (YAML).
    pub scenario: PathArg,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub shard: ShardArgs,
    /// Replace groups' staffing with the curves in this file (`staffing: { <group>: [..] }`,
    /// as `ccsim staff --emit-staffing` writes it).
    #[arg(long)]
    pub staffing: Option<PathArg>,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub html: super::ReportArgs,
    /// Add the per-interval table (table format; JSON and CSV always include intervals).
    #[arg(long)]
    pub intervals: bool,
    /// A policy script (Rhai) run inside the simulation, replacing the scenario's
    /// `policy.script` (its built-ins stay); `none` removes the scenario's whole policy.
    #[arg(long, value_name = "SCRIPT")]
    pub policy: Option<PathArg>,
    /// Time between `on_tick` calls of the policy, e.g. "5m" (overrides `policy.tick`).
    #[arg(long, value_name = "DURATION")]
    pub tick: Option<String>,
    /// `name=value` visible to the policy script as a constant.
    #[arg(long, value_name = "NAME=VALUE")]
    pub set: Vec<String>,
}

/// `--set name=value` options parsed, in order.
pub fn params(set: &[String]) -> Result<Vec<crate::script::Param>> {
    set.iter().map(|s| crate::script::Param::parse(s).map_err(|e| anyhow::anyhow!(e))).collect()
}

/// `--policy` / `--tick` applied to the scenario's data: `--policy` replaces its
/// `policy.script` (keeping its built-ins), `none` removes the whole policy.
pub fn apply_policy(s: &mut Scenario, policy: Option<&std::path::Path>, tick: Option<&str>) -> Result<()> {
    let tick_s = tick.map(crate::time::parse_duration).transpose().map_err(|e| anyhow::anyhow!("--tick: {e}"))?;
    let min = crate::scenario::limits::MIN_TICK_S;
    if let Some(t) = tick_s.filter(|t| *t < min) {
        bail!("--tick {t} s: the shortest tick is {min} s");
    }
    match policy {
        Some(p) if p == std::path::Path::new("none") => s.policy = None,
        Some(p) => {
            let cfg = s.policy.get_or_insert(PolicyConfig { script: None, tick_s: None, builtins: Vec::new() });
            cfg.script = Some(p.to_path_buf());
            if tick_s.is_some() {
                cfg.tick_s = tick_s;
            }
        }
        None => {
            if let (Some(t), Some(cfg)) = (tick_s, &mut s.policy) {
                cfg.tick_s = Some(t);
            } else if tick_s.is_some() {
                bail!("--tick needs a policy (--policy or the scenario's `policy`)");
            }
        }
    }
    Ok(())
}

/// The policy script `s` names, loaded and compiled once with `params` (its `--set`
/// constants), and bound to `s` once so that a script that cannot run with it fails before any
/// simulation. Every model built from `s`, or from a what-if's change of it, binds it afresh.
pub fn policy_script(s: &Scenario, params: &[crate::script::Param]) -> Result<Option<PolicyScript>> {
    let script = crate::script::policy::load_named(s, params)?;
    if let Some(p) = &script {
        p.bind_to(s, s.policy.as_ref().and_then(|c| c.tick_s))?;
    }
    Ok(script)
}

/// Loads the scenario with command-line overrides applied.
pub fn load(path: &std::path::Path, replications: Option<u32>, seed: Option<u64>) -> Result<Scenario> {
    let mut s = Scenario::load(path)?;
    if let Some(n) = replications {
        let max = crate::scenario::limits::MAX_REPLICATIONS;
        if n == 0 || n > max {
            bail!("--replications {n}: expected 1 to {max}");
        }
        s.simulation.replications = n;
    }
    if let Some(seed) = seed {
        s.simulation.seed = seed;
    }
    for warning in s.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(s)
}

/// Says on standard error how big a run is when it simulates more than
/// [`crate::scenario::limits::LARGE_RUN_CALLS`] calls (expected calls per replication ×
/// replications × `points`: sweep points or compare variants), before it starts.
pub fn note_size(s: &Scenario, points: usize) {
    let per_rep: f64 = s.queues.iter().flat_map(|q| q.volumes.iter()).sum();
    let calls = per_rep * f64::from(s.simulation.replications) * points as f64;
    if calls > crate::scenario::limits::LARGE_RUN_CALLS {
        eprintln!(
            "note: this run simulates about {calls:.2e} calls ({per_rep:.0} a replication × {} replications{}); interrupt it with Ctrl-C",
            s.simulation.replications,
            if points > 1 { format!(" × {points} points") } else { String::new() }
        );
    }
}

/// Runs `ccsim run`: simulates every replication, one shard of them (writing a partial
/// result), or reports the merged shards of such a run.
pub fn exec(a: Args, work: Work) -> Result<()> {
    let mut scenario = load(&a.scenario, a.sim.replications, a.sim.seed)?;
    if let Some(path) = &a.staffing {
        scenario = scenario.with_staffing(&crate::scenario::load_staffing(path)?, path)?;
    }
    apply_policy(&mut scenario, a.policy.as_deref(), a.tick.as_deref())?;
    let params = params(&a.set)?;
    let script = policy_script(&scenario, &params)?;
    let policy = script.as_ref().map(|p| p as &dyn PolicySource);
    let scripts: Vec<&std::path::Path> =
        scenario.policy.as_ref().and_then(|p| p.script.as_deref()).into_iter().collect();
    let id = || crate::shard::RunId::new("run", &scenario, &scripts, &[crate::sweep::fingerprint(&scenario, &params)]);
    let execution = work.execution(a.sim.threads);
    let mut result = match work {
        Work::Merged(m) => {
            m.check(&id()).map_err(|e| anyhow::anyhow!(e))?;
            m.reducers.into_iter().next().ok_or_else(|| anyhow::anyhow!("the parts hold no result"))?.finish()
        }
        Work::Shard(shard) => {
            if a.html.report.is_some() {
                bail!(
                    "--shard writes a partial result: make the HTML report from the merged result (`ccsim merge PARTS --report FILE.html`)"
                );
            }
            let out = a.out.output.as_deref();
            return super::simulate_shard(shard, &[(&scenario, policy)], 1, &a.sim, out, id());
        }
        Work::Local => {
            note_size(&scenario, 1);
            let reps = u64::from(scenario.simulation.replications);
            let pb = days_progress_bar(reps, scenario.horizon.days, a.sim.quiet, "simulating");
            let result = with_threads(a.sim.threads, || experiment::run(&scenario, policy, &|| pb.inc(1)))??;
            pb.finish_and_clear();
            result
        }
    };
    result.execution = execution;
    let rep: Box<dyn crate::report::Report> =
        if a.out.format == super::FormatArg::Table && super::colour_terminal(&a.out) {
            Box::new(crate::report::TableReport { colour: Some(scenario.report.amber_margin) })
        } else {
            report(a.out.format.into())
        };
    a.out.write(|w| rep.write(&result, a.intervals, w))?;
    a.html.write(|audience| crate::report::html::run_report(&result, &scenario, audience))
}
