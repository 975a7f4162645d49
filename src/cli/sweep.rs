//! `ccsim sweep`: a grid over scenario values and script parameters, under common random numbers.

use super::{FormatArg, OutArgs, PathArg, ShardArgs, SimArgs, Work, days_progress_bar, with_threads, write_output};
use crate::experiment::RunResult;
use crate::report::sweep::{point_json, point_json_params, run_header, text_chart, write_csv, write_json, write_table};
use crate::script::whatif::WhatIf;
use crate::sweep::{Axis, Point, describe, fingerprint, grid, grid_from_csv, params_at, resumable, run, scenario_at};
use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

/// Arguments of `ccsim sweep`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (YAML).
    pub scenario: PathArg,
    /// `path=from..to:step` or `path=v1,v2,...`: a scenario value (`agents.team`,
    /// `queues.support.handle_time.mean`) or a what-if parameter; several form the product grid.
    #[arg(long, value_name = "NAME=VALUES")]
    pub vary: Vec<String>,
    /// A CSV file listing the points instead: a header of names, one point per row.
    #[arg(long, value_name = "FILE", conflicts_with = "vary")]
    pub grid: Option<PathArg>,
    /// What-if scripts applied at every point (their parameters come from the grid).
    #[arg(long, value_name = "SCRIPT")]
    pub whatif: Vec<PathArg>,
    /// Fixed script parameters, `name=value`.
    #[arg(long, value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// A policy script (Rhai) run during the day at every point; grid names that are not
    /// scenario paths reach it as constants too. `none` removes the scenario's policy.
    #[arg(long, value_name = "SCRIPT")]
    pub policy: Option<PathArg>,
    /// Time between the policy's `on_tick` calls, e.g. "5m".
    #[arg(long, value_name = "DURATION")]
    pub tick: Option<String>,
    /// Skip the points already in `--output` (a JSON file from an interrupted sweep).
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Also draw an SVG chart of SL against a one-dimensional sweep.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathArg>,
    /// Points simulated together before the output file is rewritten.
    #[arg(long, default_value_t = 8)]
    pub batch: usize,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub shard: ShardArgs,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub html: super::ReportArgs,
}

/// Runs `ccsim sweep`: simulates every point, one shard of the points × replications
/// (writing a partial result), or reports the merged shards of such a sweep.
pub fn exec(a: Args, work: Work) -> Result<()> {
    let mut base = super::run::load(&a.scenario, a.sim.replications, a.sim.seed)?;
    let sets = super::run::params(&a.set)?;
    super::run::apply_policy(&mut base, a.policy.as_deref(), a.tick.as_deref())?;
    // compiled once; each point gets its parameters and binds it to its own scenario
    let policy = super::run::policy_script(&base, &sets)?;
    let points: Vec<Point> = match &a.grid {
        Some(f) => {
            let text = std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
            grid_from_csv(&text, f).map_err(|e| anyhow!(e))?
        }
        None => {
            if a.vary.is_empty() {
                bail!("give at least one --vary NAME=VALUES, or --grid FILE");
            }
            let axes: Vec<Axis> =
                a.vary.iter().map(|v| Axis::parse(v).map_err(|e| anyhow!(e))).collect::<Result<_>>()?;
            grid(&axes)
        }
    };
    let scripts: Vec<WhatIf> = a.whatif.iter().map(|p| WhatIf::load(p, vec![])).collect::<Result<_, _>>()?;
    // Build (and so validate) every point before simulating anything.
    let runs = points
        .iter()
        .map(|p| scenario_at(&base, &a.scenario, &scripts, policy.as_ref(), &sets, p))
        .collect::<Result<Vec<_>, _>>()?;

    let fmt = a.out.format;
    if a.chart.is_some() && !crate::report::chart::numeric_axis(&points) {
        bail!("--chart needs a one-dimensional sweep over numeric values (one --vary, or a grid with one column)");
    }
    let fingerprints: Vec<String> =
        points.iter().zip(&runs).map(|(p, r)| fingerprint(&r.scenario, &params_at(&sets, p))).collect();
    let execution = work.execution(a.sim.threads);
    let header = run_header(base.simulation.seed, base.simulation.replications, &execution);
    let scripts: Vec<&std::path::Path> = base
        .policy
        .as_ref()
        .and_then(|p| p.script.as_deref())
        .into_iter()
        .chain(a.whatif.iter().map(|p| p.as_path()))
        .collect();
    let id = crate::shard::RunId::new("sweep", &base, &scripts, &fingerprints);
    let mut merged_rows = None;
    match work {
        Work::Local => {}
        Work::Shard(shard) => {
            if a.html.report.is_some() {
                bail!(
                    "--shard writes a partial result: make the HTML report from the merged result (`ccsim merge PARTS --report FILE.html`)"
                );
            }
            if a.resume || a.chart.is_some() {
                bail!(
                    "--shard writes a partial result: leave out --resume (a failed shard is simply run again) and --chart"
                );
            }
            let list: Vec<_> = runs
                .iter()
                .map(|r| (&r.scenario, r.policy.as_ref().map(|p| p as &dyn crate::policy::PolicySource)))
                .collect();
            return super::simulate_shard(shard, &list, a.batch, &a.sim, a.out.output.as_deref(), id);
        }
        Work::Merged(m) => {
            m.check(&id).map_err(|e| anyhow!(e))?;
            let rows: Vec<(usize, RunResult)> = m.reducers.into_iter().map(|r| r.finish()).enumerate().collect();
            merged_rows = Some(rows);
        }
    }
    if a.resume && a.html.report.is_some() {
        bail!(
            "--report needs every point's result, and with --resume the earlier points are only in the JSON: run without --resume"
        );
    }
    let mut finished_json: Vec<Value> = Vec::new();
    let mut skip = vec![false; points.len()];
    if a.resume {
        if fmt != FormatArg::Json {
            bail!("--resume reads the earlier output, which must be --format json");
        }
        let path = a.out.output.as_deref().expect("clap requires --output");
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let doc: Value = serde_json::from_str(&text)
                    .with_context(|| format!("--resume: {} is not a sweep's JSON", path.display()))?;
                let kept = resumable(&doc, &header, &points, &fingerprints, point_json_params).map_err(|e| {
                    anyhow!("--resume: refusing {}: {e}; remove it or write to another file", path.display())
                })?;
                for (i, pj) in kept {
                    skip[i] = true;
                    finished_json.push(pj);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!("--resume: cannot read {}: {e}", path.display()),
        }
    }
    let todo: Vec<usize> =
        if merged_rows.is_some() { Vec::new() } else { (0..points.len()).filter(|i| !skip[*i]).collect() };
    super::run::note_size(&base, todo.len());
    let total = todo.len() as u64 * u64::from(base.simulation.replications);
    let pb = days_progress_bar(total, base.horizon.days, a.sim.quiet, &format!("{} points", todo.len()));
    let mut rows: Vec<(usize, RunResult)> = Vec::new();
    let mut write_err: Option<anyhow::Error> = None;
    if let Some(merged) = merged_rows {
        if let (Some(path), FormatArg::Json) = (a.out.output.as_deref(), fmt) {
            let v: Vec<Value> = merged.iter().map(|(i, r)| point_json(&points[*i], &fingerprints[*i], r)).collect();
            write_output(Some(path), |w| write_json(&header, &v, w))?;
        }
        rows = merged;
    }
    with_threads(a.sim.threads, || {
        run(&runs, &todo, a.batch, &|| pb.inc(1), |batch| {
            rows.extend(batch.iter().cloned());
            pb.set_message(format!("{}/{} points", rows.len(), todo.len()));
            if let (Some(path), FormatArg::Json) = (a.out.output.as_deref(), fmt) {
                finished_json.extend(batch.iter().map(|(i, r)| point_json(&points[*i], &fingerprints[*i], r)));
                // keep the file in point order, and whole after every batch
                finished_json.sort_by_key(|pj| points.iter().position(|p| point_json_params(p) == pj["params"]));
                if let Err(e) = write_output(Some(path), |w| write_json(&header, &finished_json, w)) {
                    write_err.get_or_insert(e);
                }
            }
        })
    })??;
    pb.finish_and_clear();
    if let Some(e) = write_err {
        return Err(e);
    }
    rows.sort_by_key(|(i, _)| *i);
    let rows: Vec<(Point, RunResult)> = rows.into_iter().map(|(i, r)| (points[i].clone(), r)).collect();
    match (fmt, a.out.output.as_deref()) {
        (FormatArg::Json, Some(_)) => {} // written after every batch
        (FormatArg::Json, None) => {
            let v: Vec<Value> = rows
                .iter()
                .map(|(p, r)| {
                    let i = points.iter().position(|q| q == p).unwrap_or(0);
                    point_json(p, &fingerprints[i], r)
                })
                .collect();
            write_output(None, |w| write_json(&header, &v, w))?;
        }
        (FormatArg::Csv, _) => a.out.write(|w| write_csv(&rows, w))?,
        (FormatArg::Xlsx, _) => {
            a.out.write(|w| crate::report::xlsx::from_csv("sweep", &[], |c| write_csv(&rows, c), w))?
        }
        (FormatArg::Table, out) => write_output(out, |w| {
            write_table(&base.name, &rows, &execution, w)?;
            let target = base.queues.iter().map(|q| q.service_level.target).fold(0.0, f64::max);
            if let Some(chart) = text_chart(&rows, target) {
                writeln!(w)?;
                write!(w, "{chart}")?;
            }
            Ok(())
        })?,
    }
    if let Some(path) = &a.chart {
        let target = base.queues.iter().map(|q| q.service_level.target).fold(0.0, f64::max);
        let mut svg = Vec::new();
        match crate::report::chart::sweep_svg(&rows, target, &mut svg) {
            None => bail!("--chart needs a one-dimensional sweep over numeric values"),
            Some(r) => r.context("drawing the chart")?,
        }
        write_output(Some(path), |w| w.write_all(&svg))?;
    }
    if a.html.report.is_some() {
        let cheapest = confirmed_cheapest(&rows, &runs, &a)?;
        a.html.write(|audience| crate::report::html::sweep_report(&rows, &base, cheapest, audience))?;
    }
    if rows.is_empty() && !points.is_empty() {
        eprintln!("all {} points were already in the output ({})", points.len(), describe(&points[0]));
    }
    Ok(())
}

/// The index of the cheapest point (then the fewest paid agent-hours) whose means meet every
/// target both on this run and on a rerun with fresh random numbers ([`crate::compare::fresh`]); the candidates are tried in
/// order of cost, at most [`CONFIRM_AT_MOST`] of them. `None` when none holds.
fn confirmed_cheapest(rows: &[(Point, RunResult)], runs: &[crate::sweep::PointRun], a: &Args) -> Result<Option<usize>> {
    let cost = crate::kpi::queue::COST;
    let offered = crate::kpi::queue::OFFERED;
    // a point where no call arrives meets every target vacuously: it is no answer
    let mut candidates: Vec<usize> = (0..rows.len())
        .filter(|i| rows[*i].1.total[offered].mean > 0.0 && crate::compare::meets_all(&rows[*i].1, &runs[*i].scenario))
        .collect();
    // by cost, then (equal costs, or none set) by paid agent-hours
    let key = |i: usize| (rows[i].1.total[cost].mean, rows[i].1.paid_hours());
    candidates.sort_by(|x, y| key(*x).0.total_cmp(&key(*y).0).then(key(*x).1.total_cmp(&key(*y).1)));
    for i in candidates.into_iter().take(CONFIRM_AT_MOST) {
        let fresh = crate::compare::fresh(&runs[i].scenario);
        let policy = runs[i].policy.as_ref().map(|p| p as &dyn crate::policy::PolicySource);
        let reps = u64::from(fresh.simulation.replications);
        let pb = days_progress_bar(reps, fresh.horizon.days, a.sim.quiet, "confirming the cheapest point");
        let r = with_threads(a.sim.threads, || crate::experiment::run(&fresh, policy, &|| pb.inc(1)))??;
        pb.finish_and_clear();
        if crate::compare::meets_all(&r, &fresh) {
            return Ok(Some(i));
        }
        eprintln!(
            "note: {} met every target on this run's means but not on a rerun with fresh random numbers: it is not reported as the cheapest",
            describe(&rows[i].0)
        );
    }
    Ok(None)
}

/// Candidates for the cheapest point that `--report` confirms on fresh random numbers.
const CONFIRM_AT_MOST: usize = 3;
