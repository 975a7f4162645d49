//! `ccsim optimize`: the least staffing per interval that meets the targets, by simulation.

use super::{FormatArg, OutArgs, PathArg, SimArgs, progress_bar, with_threads, write_output};
use crate::experiment;
use crate::optimize::{Criterion, day_meets_within_ci, per_group, per_interval};
use crate::report::run_json;
use crate::report::table::{pm, render};
use anyhow::{Result, anyhow};
use serde_json::json;

/// What `optimize` adjusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// Each interval's staffing.
    Interval,
    /// One offset per group over the day.
    Group,
}

/// Arguments of `ccsim optimize`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (YAML).
    pub scenario: PathArg,
    /// `mean` (mean KPIs meet the targets) or `pNN` (targets met in NN % of replications).
    #[arg(long, default_value = "mean")]
    pub criterion: String,
    /// `interval`: the least agents interval by interval; `group`: one offset per group over
    /// the whole day (each group's Erlang curve shifted), judged on the day's KPIs.
    #[arg(long, value_enum, default_value = "interval")]
    pub by: By,
    /// Largest level any group may reach in an interval.
    #[arg(long, default_value_t = 2000)]
    pub max_agents: u32,
    /// Write the resulting staffing curves (YAML for `ccsim run --staffing`).
    #[arg(long, value_name = "FILE")]
    pub emit_staffing: Option<PathArg>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `ccsim optimize`.
pub fn exec(a: Args) -> Result<()> {
    let base = super::run::load(&a.scenario, a.sim.replications, a.sim.seed)?;
    let c = Criterion::parse(&a.criterion).map_err(|e| anyhow!(e))?;
    let pb = progress_bar(0, a.sim.quiet, "optimizing");
    let o = with_threads(a.sim.threads, || match a.by {
        By::Interval => per_interval(&base, c, a.max_agents, &|| pb.inc(1)),
        By::Group => per_group(&base, c, a.max_agents, &|| pb.inc(1)),
    })??;
    // verification with fresh random numbers
    let mut check = o.scenario.clone();
    check.simulation.seed = base.simulation.seed.wrapping_add(1_000_003);
    let verify = with_threads(a.sim.threads, || experiment::run(&check, &|| pb.inc(1)))??;
    pb.finish_and_clear();
    let verified = day_meets_within_ci(&check, &verify, c);
    if let Some(path) = &a.emit_staffing {
        let comments = [format!(
            "Staffing curves from `ccsim optimize --criterion {}`: agents on duty per interval.",
            a.criterion
        )];
        let list = o.scenario.groups.iter().filter_map(|g| match &g.staffing {
            crate::scenario::Staffing::Curve(c) => Some((g.id.as_str(), c.as_slice())),
            _ => None,
        });
        write_output(Some(path), |w| crate::report::write_staffing(&comments, list, w))?;
    }
    let erlang: u32 = o.rows.iter().map(|r| r.erlang_agents).sum();
    let agents: u32 = o.rows.iter().map(|r| r.agents).sum();
    write_output(a.out.output.as_deref(), |w| match a.out.format {
        FormatArg::Json => {
            let rows: Vec<_> = o
                .rows
                .iter()
                .map(|r| {
                    json!({
                        "group": base.groups[r.group].id, "start": r.start,
                        "erlang_agents": r.erlang_agents, "agents": r.agents,
                        "service_level": { "mean": r.service_level.mean, "ci_low": r.service_level.ci_low, "ci_high": r.service_level.ci_high },
                    })
                })
                .collect();
            let doc = json!({
                "scenario": base.name, "criterion": a.criterion, "intervals": rows,
                "simulations": o.simulations, "met": o.met,
                "erlang_agent_intervals": erlang, "agent_intervals": agents,
                "verification": { "seed": check.simulation.seed, "meets": verified, "result": run_json(&verify) },
            });
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            writeln!(w)
        }
        FormatArg::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(["group", "start", "erlang_agents", "agents", "service_level", "ci_low", "ci_high"])?;
            for r in &o.rows {
                let e = &r.service_level;
                c.write_record([
                    base.groups[r.group].id.clone(),
                    r.start.clone(),
                    r.erlang_agents.to_string(),
                    r.agents.to_string(),
                    e.mean.to_string(),
                    e.ci_low.to_string(),
                    e.ci_high.to_string(),
                ])?;
            }
            c.flush()
        }
        FormatArg::Table => {
            writeln!(
                w,
                "{} — least staffing {} meeting every target ({}), {} replications each",
                base.name,
                if a.by == By::Group { "per group over the day" } else { "per interval" },
                a.criterion,
                base.simulation.replications
            )?;
            writeln!(w)?;
            let body: Vec<Vec<String>> = o
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.start.clone(),
                        base.groups[r.group].id.clone(),
                        r.erlang_agents.to_string(),
                        r.agents.to_string(),
                        format!("{:+}", i64::from(r.agents) - i64::from(r.erlang_agents)),
                        pm(&r.service_level, 100.0, 1),
                    ]
                })
                .collect();
            render(w, &["start", "group", "Erlang", "simulated", "Δ", "SL % (first queue)"], &body)?;
            writeln!(w)?;
            writeln!(
                w,
                "Agent-intervals: Erlang {erlang}, simulated {agents} ({:+}).",
                i64::from(agents) - i64::from(erlang)
            )?;
            writeln!(w, "Simulations: {} of {} replications each.", o.simulations, base.simulation.replications)?;
            if !o.met {
                writeln!(w, "Some intervals cannot meet their targets within --max-agents {}.", a.max_agents)?;
            }
            writeln!(
                w,
                "Verification with fresh random numbers (seed {}): the day {} the criterion (within its 95% CI).",
                check.simulation.seed,
                if verified { "meets" } else { "does NOT meet" }
            )?;
            for q in &verify.queues {
                writeln!(
                    w,
                    "  {}: SL {} , P(meet) {:.1}%",
                    q.id,
                    pm(&q.kpis[crate::facts::SL], 100.0, 1),
                    q.risk.p_meet_target.mean * 100.0
                )?;
            }
            Ok(())
        }
    })
}
