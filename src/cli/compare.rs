//! `ccsim compare`: a baseline and what-if variants under common random numbers.

use super::{OutArgs, PathArg, ShardArgs, SimArgs, Work, days_progress_bar, with_threads};
use crate::compare::{Variant, Verdict, compare, judge, meets_all};
use crate::kpi::Reducer;
use crate::policy::PolicySource;
use crate::script::Param;
use crate::script::whatif::WhatIf;
use anyhow::{Context, Result, bail};
use clap::ArgMatches;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `ccsim compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (YAML): the baseline.
    pub scenario: PathArg,
    /// A what-if script (Rhai); repeat for several variants. A `--set` after a `--whatif`
    /// applies to that script only.
    #[arg(long, value_name = "SCRIPT")]
    pub whatif: Vec<PathArg>,
    /// Every `*.rhai` script in this folder is a variant (in name order), except those whose
    /// opening comment has a `// scenario: other.yaml` line naming other scenario files (skipped
    /// with a note).
    #[arg(long, value_name = "DIR")]
    pub whatif_dir: Option<PathArg>,
    /// `name=value` visible to scripts as a variable; before any `--whatif` it applies to all.
    #[arg(long, value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// A policy script (Rhai) run inside the simulation. Before any `--whatif` it is a variant of
    /// its own (the baseline under this policy); after a `--whatif` it applies to that variant.
    /// `none` removes the scenario's policy.
    #[arg(long, value_name = "SCRIPT")]
    pub policy: Vec<PathArg>,
    /// Time between `on_tick` calls of `--policy` scripts, e.g. "5m".
    #[arg(long, value_name = "DURATION")]
    pub tick: Option<String>,
    /// Add the per-interval comparison.
    #[arg(long)]
    pub intervals: bool,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub shard: ShardArgs,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub html: super::ReportArgs,
}

/// A variant as the command line describes it: a what-if with its parameters, a policy, or both.
struct VariantSpec {
    whatif: Option<(PathBuf, Vec<Param>)>,
    policy: Option<PathBuf>,
    /// `--set` parameters of a policy-only variant (those given before any `--whatif`).
    params: Vec<Param>,
}

/// The variants: each `--whatif` with the `--set`s and the `--policy` after it (before the next
/// `--whatif`), then each `--policy` given before any `--whatif` as a variant of its own.
fn variants(a: &Args, m: &ArgMatches) -> Result<Vec<VariantSpec>> {
    let policy_at: Vec<usize> = m.indices_of("policy").map(|i| i.collect()).unwrap_or_default();
    let whatif_at: Vec<usize> = m.indices_of("whatif").map(|i| i.collect()).unwrap_or_default();
    let first = whatif_at.first().copied().unwrap_or(usize::MAX);
    let mut out: Vec<VariantSpec> =
        whatifs(a, m)?.into_iter().map(|w| VariantSpec { whatif: Some(w), policy: None, params: vec![] }).collect();
    let global = global_params(a, m)?;
    for (p, at) in a.policy.iter().zip(&policy_at) {
        if *at < first {
            out.push(VariantSpec { whatif: None, policy: Some(p.clone()), params: global.clone() });
            continue;
        }
        let k = whatif_at.iter().rposition(|w| w < at).expect("after the first --whatif");
        if out[k].policy.is_some() {
            bail!("--policy {}: the --whatif before it has a --policy already", p.display());
        }
        out[k].policy = Some(p.clone());
    }
    Ok(out)
}

/// The `--set`s given before the first `--whatif`: they reach every what-if, and a policy-only
/// variant.
fn global_params(a: &Args, m: &ArgMatches) -> Result<Vec<Param>> {
    let set_at: Vec<usize> = m.indices_of("set").map(|i| i.collect()).unwrap_or_default();
    let first = m.indices_of("whatif").and_then(|mut i| i.next()).unwrap_or(usize::MAX);
    let sets = super::run::params(&a.set)?;
    Ok(sets.into_iter().zip(&set_at).filter(|(_, i)| **i < first).map(|(p, _)| p).collect())
}

/// The (script, parameters) list, binding each `--set` to the `--whatif` before it.
fn whatifs(a: &Args, m: &ArgMatches) -> Result<Vec<(PathBuf, Vec<Param>)>> {
    let sets = super::run::params(&a.set)?;
    let set_at: Vec<usize> = m.indices_of("set").map(|i| i.collect()).unwrap_or_default();
    let whatif_at: Vec<usize> = m.indices_of("whatif").map(|i| i.collect()).unwrap_or_default();
    let global = global_params(a, m)?;
    let mut out: Vec<(PathBuf, Vec<Param>)> = Vec::new();
    for (k, (path, at)) in a.whatif.iter().zip(&whatif_at).enumerate() {
        let next = whatif_at.get(k + 1).copied().unwrap_or(usize::MAX);
        let mut params = global.clone();
        params.extend(sets.iter().zip(&set_at).filter(|(_, i)| **i > *at && **i < next).map(|(p, _)| p.clone()));
        out.push((path.clone(), params));
    }
    if let Some(dir) = &a.whatif_dir {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
            .collect();
        files.sort();
        if files.is_empty() {
            bail!("{}: no *.rhai scripts in this folder", dir.display());
        }
        let mut kept = 0;
        for f in files {
            let w = WhatIf::load(&f, vec![])?;
            if w.is_for(&a.scenario) {
                out.push((f, global.clone()));
                kept += 1;
            } else {
                eprintln!("note: skipping {}: it is written for {}", f.display(), w.scenarios.join(", "));
            }
        }
        if kept == 0 {
            bail!("{}: no script in this folder is for {}", dir.display(), a.scenario.display());
        }
    }
    Ok(out)
}

/// Runs `ccsim compare`: simulates every replication (then confirms the verdicts of "meets" on
/// fresh seeds), one shard of the replications (writing a partial result, with the fresh-seed
/// replications of every scenario), or reports the merged shards of such a comparison.
pub fn exec(a: Args, m: &ArgMatches, work: Work) -> Result<()> {
    let base = super::run::load(&a.scenario, a.sim.replications, a.sim.seed)?;
    // the baseline's script, compiled once; every variant that keeps it binds it to its own scenario
    let base_script: Option<Arc<dyn PolicySource>> =
        super::run::policy_script(&base, &[])?.map(|p| Arc::new(p) as Arc<dyn PolicySource>);
    let list = variants(&a, m)?;
    if list.is_empty() {
        bail!("nothing to compare: give a --whatif, a --whatif-dir or a --policy");
    }
    // Compile and apply every script first: a broken script fails before any simulation.
    let mut vars = Vec::new();
    // what identifies the comparison: the scripts read, and each scenario with its parameters
    let mut scripts: Vec<PathBuf> = base.policy.as_ref().and_then(|p| p.script.clone()).into_iter().collect();
    let mut var_params = Vec::new();
    for v in list {
        let (mut name, mut s, params) = match v.whatif {
            Some((path, params)) => {
                let w = WhatIf::load(&path, params.clone())?;
                if w.is_empty() {
                    eprintln!(
                        "warning: {}: the script has no statements, so this variant is the baseline itself",
                        path.display()
                    );
                }
                let s = w.apply(&base)?;
                scripts.push(path);
                (w.name, s, params)
            }
            None => (String::new(), base.clone(), v.params),
        };
        let script = if let Some(p) = &v.policy {
            // the variant's --set parameters reach its policy script too
            super::run::apply_policy(&mut s, Some(p), a.tick.as_deref())?;
            let script = super::run::policy_script(&s, &params)?.map(|p| Arc::new(p) as Arc<dyn PolicySource>);
            let stem = p.file_stem().map_or("policy".into(), |x| x.to_string_lossy().to_string());
            // a what-if's name already shows the parameters
            let label = if !name.is_empty() || params.is_empty() {
                format!("policy:{stem}")
            } else {
                let list: Vec<String> = params.iter().map(|p| format!("{}={}", p.name, p.text)).collect();
                format!("policy:{stem}[{}]", list.join(","))
            };
            s.name = format!("{} + {label}", s.name);
            name = if name.is_empty() { label } else { format!("{name} + {label}") };
            scripts.push(p.clone());
            script
        } else {
            base_script.clone()
        };
        vars.push(Variant { name, scenario: s, script });
        var_params.push(params);
    }
    let id = || {
        let scenarios = crate::compare::aligned(&base, &vars);
        let mut fingerprints = vec![crate::sweep::fingerprint(&scenarios[0], &[])];
        fingerprints.extend(scenarios[1..].iter().zip(&var_params).map(|(s, p)| crate::sweep::fingerprint(s, p)));
        let paths: Vec<&std::path::Path> = scripts.iter().map(PathBuf::as_path).collect();
        let mut id = crate::shard::RunId::new("compare", &base, &paths, &fingerprints);
        // the work is the baseline's replications, every scenario of each together
        id.points = 1;
        id
    };
    let reps = base.simulation.replications;
    let scenarios = vars.len() as u64 + 1;
    let execution = work.execution(a.sim.threads);
    let (mut c, fresh) = match work {
        Work::Shard(shard) => {
            if a.html.report.is_some() {
                bail!(
                    "--shard writes a partial result: make the HTML report from the merged result (`ccsim merge PARTS --report FILE.html`)"
                );
            }
            let range = shard.pieces(1, reps).into_iter().next().map_or(0..0, |p| p.1);
            // every scenario twice: the comparison, and its confirmation on fresh seeds
            let total = range.len() as u64 * scenarios * 2;
            let what = format!("shard {}/{}", shard.index, shard.count);
            let pb = days_progress_bar(total, base.horizon.days, a.sim.quiet, &what);
            let piece = with_threads(a.sim.threads, || {
                crate::compare::simulate_shard(&base, base_script.as_deref(), &vars, range.clone(), &|| pb.inc(1))
            })??;
            pb.finish_and_clear();
            let pieces = if range.is_empty() {
                vec![]
            } else {
                vec![crate::shard::Piece {
                    point: 0,
                    from: range.start,
                    to: range.end,
                    payload: crate::shard::Payload::Compare(Box::new(piece)),
                }]
            };
            return super::write_part(a.out.output.as_deref(), id(), shard, pieces);
        }
        Work::Merged(merged) => {
            merged.check(&id()).map_err(|e| anyhow::anyhow!(e))?;
            let Some(cs) = merged.compare.filter(|cs| cs.fresh.len() == vars.len() + 1) else {
                bail!("the parts hold no comparison of these {} scenarios", vars.len() + 1)
            };
            (cs.state.finish(&base, &vars), Some(cs.fresh))
        }
        Work::Local => {
            super::run::note_size(&base, vars.len() + 1);
            let pb = days_progress_bar(u64::from(reps) * scenarios, base.horizon.days, a.sim.quiet, "comparing");
            let c = with_threads(a.sim.threads, || compare(&base, base_script.as_deref(), &vars, &|| pb.inc(1)))??;
            pb.finish_and_clear();
            (c, None)
        }
    };
    c.baseline.execution = execution;
    // every variant is judged against the baseline's targets (see compare::judge)
    let mut verdicts: Vec<Verdict> =
        vars.iter().zip(&c.variants).map(|(var, v)| judge(&v.result, &var.scenario, &base)).collect();
    let mut base_meets = meets_all(&c.baseline, &base);
    // a verdict of "meets" (and so "cheapest") must hold on fresh random numbers too
    let withdrawn = match fresh {
        // merged shards simulated the confirmation of every scenario: judge it as a rerun would
        Some(fresh) => {
            let mut fresh: Vec<Option<Reducer>> = fresh.into_iter().map(Some).collect();
            crate::compare::confirm_with(&base, &mut base_meets, &vars, &mut verdicts, |i| {
                Ok(fresh.get_mut(i).and_then(Option::take).expect("a fresh reducer per scenario").finish())
            })?
        }
        None => {
            let confirming =
                u64::from(reps) * (u64::from(base_meets) + verdicts.iter().filter(|v| v.meets()).count() as u64);
            let pb = days_progress_bar(confirming, base.horizon.days, a.sim.quiet, "confirming on fresh seeds");
            let withdrawn = with_threads(a.sim.threads, || {
                crate::compare::confirm_on_fresh_seeds(
                    &base,
                    base_script.as_deref(),
                    &mut base_meets,
                    &vars,
                    &mut verdicts,
                    &|| pb.inc(1),
                )
            })??;
            pb.finish_and_clear();
            withdrawn
        }
    };
    for name in withdrawn {
        eprintln!(
            "note: {name} met every target on this run's means but not on a rerun with fresh random numbers (seed + {}): it is not counted as meeting them",
            crate::optimize::VERIFY_SEED_OFFSET
        );
    }
    let colour =
        (a.out.format == super::FormatArg::Table && super::colour_terminal(&a.out)).then_some(base.report.amber_margin);
    a.out.write(|w| {
        crate::report::write_comparison_coloured(&c, base_meets, &verdicts, a.intervals, a.out.format.into(), colour, w)
    })?;
    a.html.write(|audience| crate::report::html::compare_report(&c, &base, base_meets, &verdicts, audience))
}
