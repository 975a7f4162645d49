//! `ccsim optimize`: the least staffing per interval that meets the targets, by simulation.

use super::{FormatArg, OutArgs, PathArg, SimArgs, progress_bar, with_threads, write_output};
use crate::optimize::{
    Criterion, Optimized, Options, Shortfall, agent_hours_per_day, cost_per_day, per_group, per_interval,
};
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
    /// Most replications a decision near the target may use (default: 8 × the scenario's
    /// replications): while a target lies inside a staffing's 95 % CI the sample is doubled.
    #[arg(long, value_name = "N")]
    pub max_replications: Option<u32>,
    /// Replications of the verification with fresh random numbers (default: 8 × the
    /// scenario's replications).
    #[arg(long, value_name = "N")]
    pub verify_replications: Option<u32>,
    /// Most verification rounds that may add agents where the fresh numbers miss.
    #[arg(long, default_value_t = 5)]
    pub verify_rounds: u32,
    /// Write the resulting staffing curves (YAML for `ccsim run --staffing`).
    #[arg(long, value_name = "FILE")]
    pub emit_staffing: Option<PathArg>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub html: super::ReportArgs,
}

/// The staffing curves of an optimisation, per group and global interval (agents on duty), as
/// `--emit-staffing` writes them (`ccsim schedule --from-scenario --method optimize` reads the
/// same), in scenario order.
pub(super) fn curves(o: &Optimized) -> Vec<(String, Vec<u32>)> {
    o.scenario
        .groups
        .iter()
        .filter_map(|g| match &g.staffing {
            crate::scenario::Staffing::Curve(c) => Some((g.id.clone(), c.clone())),
            _ => None,
        })
        .collect()
}

/// Runs `ccsim optimize`.
pub fn exec(a: Args) -> Result<()> {
    let base = super::run::load(&a.scenario, a.sim.replications, a.sim.seed)?;
    let script = super::run::policy_script(&base, &[])?;
    let policy = script.as_ref().map(|p| p as &dyn crate::policy::PolicySource);
    let c = Criterion::parse(&a.criterion).map_err(|e| anyhow!(e))?;
    let mut opts = Options::new(&base, c);
    opts.max_agents = a.max_agents;
    opts.verify_rounds = a.verify_rounds;
    if let Some(n) = a.max_replications {
        opts.max_replications = n;
    }
    if let Some(n) = a.verify_replications {
        opts.verify_replications = n;
    }
    let pb = progress_bar(0, a.sim.quiet, "optimizing");
    let o = with_threads(a.sim.threads, || match a.by {
        By::Interval => per_interval(&base, policy, opts, &|| pb.inc(1)),
        By::Group => per_group(&base, policy, opts, &|| pb.inc(1)),
    })??;
    pb.finish_and_clear();
    let v = &o.verification;
    if let Some(path) = &a.emit_staffing {
        let comments = [format!(
            "Staffing curves from `ccsim optimize --criterion {}`, verified with seed {} and {} replications: \
             agents on duty per interval.",
            a.criterion, v.seed, v.replications
        )];
        let list = curves(&o);
        write_output(Some(path), |w| {
            crate::report::write_staffing(&comments, list.iter().map(|(g, c)| (g.as_str(), c.as_slice())), w)
        })?;
    }
    let erlang: u32 = o.rows.iter().map(|r| r.erlang_agents).sum();
    let agents: u32 = o.rows.iter().map(|r| r.agents).sum();
    let cost = cost_per_day(&v.result);
    let hours = agent_hours_per_day(&v.result);
    let verdict = verdict_text(&base, &o);
    a.out.write(|w| match a.out.format {
        FormatArg::Json => {
            let est = |e: &crate::stats::Estimate| json!({ "mean": e.mean, "ci_low": e.ci_low, "ci_high": e.ci_high });
            let rows: Vec<_> = o
                .rows
                .iter()
                .map(|r| {
                    json!({
                        "group": base.groups[r.group].id, "start": r.start,
                        "erlang_agents": r.erlang_agents, "agents": r.agents,
                        "service_level": est(&r.service_level),
                    })
                })
                .collect();
            let shortfalls: Vec<_> = v
                .shortfalls
                .iter()
                .map(|f| {
                    json!({
                        "queue": base.queues[f.queue].id, "start": f.start, "kpi": f.kpi,
                        "mean": f.mean, "target": f.target, "by": f.by, "text": shortfall_text(&base, f),
                    })
                })
                .collect();
            let execution = crate::kpi::Execution {
                threads: Some(a.sim.threads.unwrap_or_else(rayon::current_num_threads)),
                shards: None,
            };
            let doc = json!({
                "run": crate::report::execution_json(&execution),
                "scenario": base.name, "criterion": a.criterion, "intervals": rows,
                "simulations": o.simulations, "replications_simulated": o.replications_simulated,
                "max_replications": opts.max_replications.max(base.simulation.replications),
                "met": o.met, "within_cap": o.within_cap, "verdict": verdict,
                "erlang_agent_intervals": erlang, "agent_intervals": agents,
                "cost_per_day": est(&cost), "agent_hours_per_day": hours,
                "verification": {
                    "seed": v.seed, "replications": v.replications, "rounds": v.rounds,
                    "added_agent_intervals": v.added_agent_intervals,
                    "meets": v.shortfalls.is_empty(), "shortfalls": shortfalls, "result": run_json(&v.result),
                },
            });
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            writeln!(w)
        }
        FormatArg::Csv => write_csv(&base, &o, w),
        FormatArg::Xlsx => crate::report::xlsx::from_csv("optimize", &CSV_UNITS, |c| write_csv(&base, &o, c), w),
        FormatArg::Table => {
            writeln!(
                w,
                "{} — least staffing {} meeting every target ({}), decided on {} to {} replications",
                base.name,
                if a.by == By::Group { "per group over the day" } else { "per interval" },
                a.criterion,
                base.simulation.replications,
                opts.max_replications.max(base.simulation.replications),
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
            render(w, &["start", "group", "Erlang", "simulated", "Δ", "SL % (first queue, fresh)"], &body)?;
            writeln!(w)?;
            let ih = base.horizon.interval_s / 3600.0;
            let fte = |h: f64| base.report.fte(h, base.horizon.open_days());
            let (eh, sh) = (f64::from(erlang) * ih, f64::from(agents) * ih);
            writeln!(
                w,
                "Agent-hours on duty: Erlang {eh:.1} h ({:.1} FTE), simulated {sh:.1} h ({:.1} FTE), {:+.1} h; the verification added {:.1} h.",
                fte(eh),
                fte(sh),
                sh - eh,
                f64::from(v.added_agent_intervals) * ih
            )?;
            writeln!(w, "Cost of the result: {} per day, {hours:.1} paid agent hours per day.", pm(&cost, 1.0, 2))?;
            writeln!(
                w,
                "Search: {} staffings simulated, {} replications in all (search and verification).",
                o.simulations, o.replications_simulated
            )?;
            if !o.within_cap {
                writeln!(w, "Some intervals cannot meet their targets within --max-agents {}.", a.max_agents)?;
            }
            writeln!(
                w,
                "Verification with fresh random numbers (seed {}, {} replications, round {}): {verdict}",
                v.seed, v.replications, v.rounds
            )?;
            for f in v.shortfalls.iter().take(12) {
                writeln!(w, "  {}", shortfall_text(&base, f))?;
            }
            if v.shortfalls.len() > 12 {
                writeln!(w, "  … and {} more (see --format json)", v.shortfalls.len() - 12)?;
            }
            for q in &v.result.queues {
                writeln!(
                    w,
                    "  {} (day): SL {} %, P(meet) {:.1} %",
                    q.id,
                    pm(&q.kpis[crate::kpi::queue::SL], 100.0, 1),
                    q.risk.p_meet_target.mean * 100.0
                )?;
            }
            Ok(())
        }
    })?;
    a.html.write(|audience| crate::report::html::optimize_report(&o, &base, &verdict, audience))
}

/// The units of the CSV's columns that are not KPIs.
const CSV_UNITS: [(&str, &str); 2] = [("erlang_agents", "agents"), ("agents", "agents")];

/// CSV: one row per group and interval, the Erlang and the simulated staffing and the SL it
/// gives with its CI.
fn write_csv(base: &crate::scenario::Scenario, o: &Optimized, w: &mut dyn std::io::Write) -> std::io::Result<()> {
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

/// The one-line verdict of the last verification: "meet …" only when its means meet every
/// target, else how many targets miss and the worst (largest shortfall relative to its target).
fn verdict_text(base: &crate::scenario::Scenario, o: &Optimized) -> String {
    let sf = &o.verification.shortfalls;
    if sf.is_empty() {
        return if o.verification.judged_intervals {
            "the means meet every target (every interval and the day).".into()
        } else {
            "the means meet every target over the day.".into()
        };
    }
    let rel = |f: &Shortfall| f.by / f.target.abs().max(1e-9);
    let worst = sf.iter().max_by(|a, b| rel(a).total_cmp(&rel(b))).expect("non-empty");
    format!(
        "{} target{} missed; the worst: {}.",
        sf.len(),
        if sf.len() == 1 { "" } else { "s" },
        shortfall_text(base, worst)
    )
}

/// "10:30 support: SL 78.4 % misses the 80 % target by 1.6 points".
fn shortfall_text(base: &crate::scenario::Scenario, f: &Shortfall) -> String {
    let points = |x: f64| {
        let t = format!("{:.1}", x * 100.0);
        let unit = if t == "1.0" { "point" } else { "points" };
        format!("{t} {unit}")
    };
    let what = match f.kpi {
        "service_level" => {
            format!("SL {:.1} % misses the {} % target by {}", f.mean * 100.0, f.target * 100.0, points(f.by))
        }
        "p_meet_target" => {
            format!("P(meet) {:.1} % misses the {} % criterion by {}", f.mean * 100.0, f.target * 100.0, points(f.by))
        }
        "asa_seconds" => format!("ASA {:.1} s is over the {} s maximum by {:.1} s", f.mean, f.target, f.by),
        _ => format!(
            "abandon rate {:.1} % is over the {} % maximum by {}",
            f.mean * 100.0,
            f.target * 100.0,
            points(f.by)
        ),
    };
    format!("{} {}: {what}", f.start, base.queues[f.queue].id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_miss_is_said_plainly_in_points_or_seconds() {
        let yaml = "name: t\nhorizon: { start: \"08:00\", end: \"09:00\", interval: 30m }\nqueues:\n  - id: support\n    arrivals: { per_interval: [10, 10] }\n    handle_time: { dist: exponential, mean: 60s }\n    service_level: { answered_within: 20s, target: 0.80 }\nagents:\n  - group: team\n    skills: [support]\n    count: 2\n";
        let s = crate::scenario::parse_str(yaml, std::path::Path::new("t.yaml")).unwrap();
        let f = |kpi, mean: f64, target: f64| Shortfall {
            queue: 0,
            interval: None,
            start: "day".into(),
            kpi,
            mean,
            target,
            by: (target - mean).abs(),
        };
        assert_eq!(
            shortfall_text(&s, &f("service_level", 0.79, 0.80)),
            "day support: SL 79.0 % misses the 80 % target by 1.0 point"
        );
        assert_eq!(
            shortfall_text(&s, &f("service_level", 0.784, 0.80)),
            "day support: SL 78.4 % misses the 80 % target by 1.6 points"
        );
        assert_eq!(
            shortfall_text(&s, &f("asa_seconds", 34.2, 30.0)),
            "day support: ASA 34.2 s is over the 30 s maximum by 4.2 s"
        );
    }
}
