//! `ccsim schedule`: shifts and rosters covering a requirement curve, and the loop closed with
//! the simulator: the requirement computed from a scenario (`--from-scenario`), the schedule
//! written into a scenario (`--emit-scenario`), simulated (`--verify`) and corrected by
//! simulation (`--iterate`). The library parts are `crate::schedule` (`emit`, `verify`).

use super::{FormatArg, OutArgs, PathArg, days_progress_bar, progress_bar, with_threads, write_output};
use crate::experiment::RunResult;
use crate::report::table::render;
use crate::scenario::Scenario;
use crate::schedule::emit::{self, Emitted};
use crate::schedule::verify::{self, Iteration, SlEstimate, Verify};
use crate::schedule::{Options, Schedule, Spec};
use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

/// How `--from-scenario` computes the requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// The analytic staffing `ccsim staff` computes (its `--emit-staffing` curves: agents on
    /// duty per interval, the Erlang model chosen per queue, absenteeism counted).
    Erlang,
    /// The simulated staffing `ccsim optimize` finds (per interval, criterion `mean`).
    Optimize,
}

/// Arguments of `ccsim schedule`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schedule spec (YAML): `horizon`, `requirement`, `shift_templates`, `contracts`, `agents`,
    /// `objective` (docs/schedule.md).
    pub spec: PathArg,
    /// Seed of the roster's local search (the same seed gives the same roster).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop the roster's local search after this many seconds (a cut search is marked
    /// `time_limited` and is not reproducible).
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub time_limit: f64,
    /// Local-search moves per agent and open day (default 1000): more is slower and better.
    #[arg(long, value_name = "MOVES_PER_AGENT_DAY")]
    pub effort: Option<u64>,
    /// No progress bars.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// A staffing file (`staffing: { <group>: [agents per interval] }`, as `staff` and
    /// `optimize --emit-staffing` write it) replacing the spec's requirement.
    #[arg(long, value_name = "FILE", conflicts_with = "from_scenario")]
    pub requirement: Option<PathArg>,
    /// Compute the requirement from this scenario (with `--method`); its groups and horizon
    /// must match the spec's.
    #[arg(long, value_name = "SCENARIO")]
    pub from_scenario: Option<PathArg>,
    /// How `--from-scenario` computes the requirement.
    #[arg(long, value_enum)]
    pub method: Option<Method>,
    /// The scenario the schedule is put into (for `--emit-scenario`, `--verify`, `--iterate`);
    /// its horizon must be the spec's and every spec group one of its groups.
    #[arg(long, value_name = "SCENARIO")]
    pub scenario: Option<PathArg>,
    /// Write the scenario with the schedule in place (roster or coded shifts per day) to FILE,
    /// ready for `ccsim run`.
    #[arg(long, value_name = "FILE")]
    pub emit_scenario: Option<PathArg>,
    /// Simulate the schedule in the scenario: per day required vs scheduled agent-hours and the
    /// simulated SL per queue with its 95 % CI against the target.
    #[arg(long)]
    pub verify: bool,
    /// Correct the schedule by simulation, at most N rounds: raise the requirement where the
    /// simulated SL clearly misses, lower it where it is clearly above, solve again.
    #[arg(long, value_name = "N")]
    pub iterate: Option<u32>,
    /// Replications of the simulations (default: the scenario's `simulation.replications`).
    #[arg(long, short = 'n')]
    pub replications: Option<u32>,
    /// Worker threads of the simulations (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = super::parse_threads)]
    pub threads: Option<usize>,
    /// Output.
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub html: super::ReportArgs,
}

/// The most `--iterate` rounds.
const MAX_ROUNDS: u32 = 100;

/// Refuses combinations of options that cannot work, before any work.
fn check_args(a: &Args) -> Result<()> {
    let needs_scenario =
        [(a.emit_scenario.is_some(), "--emit-scenario"), (a.verify, "--verify"), (a.iterate.is_some(), "--iterate")];
    for (given, flag) in needs_scenario {
        if given && a.scenario.is_none() {
            bail!(
                "{flag} needs --scenario SCENARIO: the scenario to put the schedule into (its queues, routing and groups)"
            );
        }
    }
    match (&a.from_scenario, a.method) {
        (Some(_), None) => bail!("--from-scenario needs --method erlang or --method optimize"),
        (None, Some(_)) => bail!("--method needs --from-scenario SCENARIO"),
        _ => {}
    }
    let simulates = a.verify || a.iterate.is_some() || a.method == Some(Method::Optimize);
    if (a.replications.is_some() || a.threads.is_some()) && !simulates {
        bail!("-n/--replications and --threads apply to simulations: give --verify, --iterate or --method optimize");
    }
    if !(a.time_limit.is_finite() && a.time_limit > 0.0) {
        bail!("--time-limit {}: expected a positive number of seconds", a.time_limit);
    }
    if a.effort == Some(0) {
        bail!("--effort 0: expected at least 1 move per agent and day");
    }
    if let Some(n) = a.iterate
        && !(1..=MAX_ROUNDS).contains(&n)
    {
        bail!("--iterate {n}: expected 1 to {MAX_ROUNDS} rounds");
    }
    Ok(())
}

/// The requirement `--from-scenario` computes, after checking that the scenario's horizon and
/// groups match the spec's.
fn requirement_from(a: &Args, path: &Path, method: Method) -> Result<BTreeMap<String, Vec<u32>>> {
    let sc = super::run::load(path, a.replications, None)?;
    if let Some((groups, has_requirement, h)) = emit::named_groups(&a.spec) {
        emit::check_horizon(&h, &sc.horizon, path).map_err(|e| anyhow!("--from-scenario: {e}"))?;
        let named: Vec<String> = groups.into_iter().collect();
        emit::check_groups(&named, &sc, path, has_requirement).map_err(|e| anyhow!("--from-scenario: {e}"))?;
    }
    Ok(match method {
        Method::Erlang => super::staff::plan_curves(&sc, None, None)?.1,
        Method::Optimize => {
            let script = super::run::policy_script(&sc, &[])?;
            let policy = script.as_ref().map(|p| p as &dyn crate::policy::PolicySource);
            let opts = crate::optimize::Options::new(&sc, crate::optimize::Criterion::Mean);
            let pb = progress_bar(0, a.quiet, "optimizing the requirement");
            let o = with_threads(a.threads, || crate::optimize::per_interval(&sc, policy, opts, &|| pb.inc(1)))??;
            pb.finish_and_clear();
            super::optimize::curves(&o).into_iter().collect()
        }
    })
}

/// The scenario given by `--scenario`: its path, text and validated form.
struct Target {
    path: std::path::PathBuf,
    text: String,
    scenario: Scenario,
}

/// Simulates the scenario with `schedule` in place (the spec's groups replaced), with the
/// replications of `-n` or the scenario's.
fn simulate(a: &Args, t: &Target, spec: &Spec, schedule: &Schedule, what: &str) -> Result<(Scenario, RunResult)> {
    let e = emit::emit(&t.text, &t.path, &t.scenario, spec, schedule, &t.path).map_err(anyhow::Error::msg)?;
    let mut s = e.scenario;
    if let Some(n) = a.replications {
        s.simulation.replications = n;
    }
    let script = super::run::policy_script(&s, &[])?;
    let policy = script.as_ref().map(|p| p as &dyn crate::policy::PolicySource);
    let reps = u64::from(s.simulation.replications);
    let pb = days_progress_bar(reps, s.horizon.days, a.quiet, what);
    let result = with_threads(a.threads, || crate::experiment::run(&s, policy, &|| pb.inc(1)))??;
    pb.finish_and_clear();
    Ok((s, result))
}

/// What `--scenario` did, for the JSON output.
#[derive(Debug, Serialize)]
struct ScenarioOut {
    /// The scenario file.
    file: String,
    /// Where the scenario with the schedule was written (`--emit-scenario`).
    emitted: Option<String>,
    /// Groups whose staffing the schedule replaced.
    replaced: Vec<String>,
    /// Groups kept as the scenario staffs them.
    kept: Vec<String>,
    /// Shift codes added.
    codes_added: usize,
    /// Unpaid break time the simulator pays on top of the schedule's paid hours, agent-hours.
    unpaid_break_hours: f64,
}

/// The JSON document: the schedule, then what the loop added.
#[derive(Debug, Serialize)]
struct Out<'a> {
    #[serde(flatten)]
    schedule: &'a Schedule,
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<ScenarioOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify: Option<&'a Verify>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iterate: Option<&'a Iteration>,
}

/// Runs `ccsim schedule`.
pub fn exec(a: Args) -> Result<()> {
    check_args(&a)?;
    let requirement = if let Some(f) = &a.requirement {
        Some(crate::schedule::spec::read_requirement_file(f).map_err(|e| anyhow!("--requirement: {e}"))?)
    } else if let (Some(sc), Some(m)) = (&a.from_scenario, a.method) {
        Some(requirement_from(&a, sc, m)?)
    } else {
        None
    };
    let mut spec = crate::schedule::load(&a.spec, requirement).map_err(anyhow::Error::msg)?;
    let target = match &a.scenario {
        Some(p) => {
            let scenario = super::run::load(p, a.replications, None)?;
            emit::check_horizon(&spec.horizon, &scenario.horizon, p).map_err(|e| anyhow!("--scenario: {e}"))?;
            emit::check_groups(&spec.groups, &scenario, p, false).map_err(|e| anyhow!("--scenario: {e}"))?;
            let text = std::fs::read_to_string(p).map_err(|e| anyhow!("cannot read {}: {e}", p.display()))?;
            Some(Target { path: p.clone(), text, scenario })
        }
        None => None,
    };
    let mut opts = Options {
        seed: a.seed,
        time_limit_s: a.time_limit,
        progress: !a.quiet && std::io::stderr().is_terminal(),
        ..Options::default()
    };
    if let Some(e) = a.effort {
        opts.moves_per_agent_day = e;
    }
    let first = crate::schedule::solve(&spec, &opts).map_err(anyhow::Error::msg)?;

    let (schedule, verify, iteration) = match (&target, a.iterate) {
        (Some(t), Some(n)) => {
            let mut round = 0;
            let mut sim = |spec: &Spec, s: &Schedule| {
                let what = format!("simulating round {round}");
                round += 1;
                simulate(&a, t, spec, s, &what).map_err(|e| super::error_text(&e))
            };
            let it = verify::iterate(&mut spec, &opts, n, first, &mut sim).map_err(anyhow::Error::msg)?;
            (it.schedule, Some(it.verify), Some(it.iteration))
        }
        (Some(t), None) if a.verify => {
            let (s, r) = simulate(&a, t, &spec, &first, "verifying")?;
            let v = verify::check(&spec, &first, &s, &r).map_err(anyhow::Error::msg)?;
            (first, Some(v), None)
        }
        _ => (first, None, None),
    };

    let emitted: Option<Emitted> = match &target {
        Some(t) => {
            let to = a.emit_scenario.as_deref().unwrap_or(&t.path);
            Some(emit::emit(&t.text, &t.path, &t.scenario, &spec, &schedule, to).map_err(anyhow::Error::msg)?)
        }
        None => None,
    };
    if let (Some(path), Some(e), Some(t)) = (&a.emit_scenario, &emitted, &target) {
        for w in e.scenario.warnings() {
            eprintln!("warning: {}: {w}", path.display());
        }
        let header = header_lines(&a, t, &schedule, e, path);
        write_output(Some(path), |w| {
            for line in &header {
                writeln!(w, "# {line}")?;
            }
            w.write_all(e.text.as_bytes())
        })?;
    }
    let scenario_out = target.as_ref().zip(emitted.as_ref()).map(|(t, e)| ScenarioOut {
        file: t.path.display().to_string(),
        emitted: a.emit_scenario.as_ref().map(|p| p.display().to_string()),
        replaced: e.replaced.clone(),
        kept: e.kept.clone(),
        codes_added: e.codes_added,
        unpaid_break_hours: e.unpaid_break_hours,
    });
    a.out.write(|w| match a.out.format {
        FormatArg::Json => {
            let doc = Out {
                schedule: &schedule,
                scenario: scenario_out,
                verify: verify.as_ref(),
                iterate: iteration.as_ref(),
            };
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            writeln!(w)
        }
        FormatArg::Csv => write_csv(&schedule, verify.as_ref(), w),
        FormatArg::Xlsx => {
            crate::report::xlsx::from_csv("schedule", &CSV_UNITS, |c| write_csv(&schedule, verify.as_ref(), c), w)
        }
        FormatArg::Table => {
            write_table(&spec, &schedule, w)?;
            if let (Some(e), Some(path)) = (&emitted, &a.emit_scenario) {
                writeln!(
                    w,
                    "\nScenario with the schedule written to {} (groups {}): the simulator pays whole shifts, so it pays {:.1} agent-hours of unpaid breaks on top of the {:.1} paid hours above.",
                    path.display(),
                    e.replaced.join(", "),
                    e.unpaid_break_hours,
                    schedule.agent_hours
                )?;
            }
            if let Some(it) = &iteration {
                write_rounds(it, w)?;
            }
            if let Some(v) = &verify {
                write_verify(v, w)?;
            }
            Ok(())
        }
    })?;
    let margin =
        target.as_ref().map_or(crate::report::status::DEFAULT_AMBER_MARGIN, |t| t.scenario.report.amber_margin);
    a.html.write(|audience| {
        let days: Vec<String> = (0..spec.horizon.days as usize).map(|d| spec.horizon.day_label(d)).collect();
        crate::report::html::schedule_report(&schedule, verify.as_ref(), &days, margin, audience)
    })
}

/// The comment lines at the top of an emitted scenario.
fn header_lines(a: &Args, t: &Target, s: &Schedule, e: &Emitted, path: &Path) -> Vec<String> {
    let mut lines = vec![
        format!(
            "{}: the scenario {} with the schedule of {} in place (ccsim schedule, seed {}{}).",
            t.scenario.name,
            t.path.display(),
            a.spec.display(),
            a.seed,
            a.iterate.map_or(String::new(), |n| format!(", --iterate {n}"))
        ),
        format!(
            "Groups scheduled (staffing replaced): {}{}; {} shift codes added.",
            e.replaced.join(", "),
            if e.kept.is_empty() { String::new() } else { format!("; kept as they were: {}", e.kept.join(", ")) },
            e.codes_added
        ),
    ];
    lines.push(format!(
        "Paid hours: the schedule pays {:.1} agent-hours; the simulator pays whole shifts, unpaid breaks included, {:.1} agent-hours more.",
        s.agent_hours, e.unpaid_break_hours
    ));
    lines.push("The original file's comments are not kept.".into());
    lines.push(format!("Run: ccsim run {}", path.display()));
    lines
}

/// The schedule as tables: a summary in words, the shift codes, the roster (or the shifts
/// started), what stays short and why, the rules broken, and the coverage per interval.
fn write_table(spec: &Spec, s: &Schedule, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let m = &s.metrics;
    let q = &s.search;
    let what = if s.roster.is_empty() {
        format!("{} shifts started", s.shifts.iter().map(|x| x.count).sum::<u32>())
    } else {
        format!("a roster of {} agents", s.roster.len())
    };
    writeln!(
        w,
        "{}: {what}, {:.1} paid agent-hours{}.",
        spec.name,
        s.agent_hours,
        s.cost.map_or(String::new(), |c| format!(", cost {c:.2}"))
    )?;
    writeln!(
        w,
        "Coverage: {:.1} agent-hours required; {:.1} h over ({:.1} %), {:.1} h short ({:.1} %).",
        m.required_hours, m.over_hours, m.over_pct, m.under_hours, m.under_pct
    )?;
    writeln!(
        w,
        "Search: {}; objective {:.2} against the LP bound {:.2} (gap {:.2} %){}{}; {} moves, {:.2} s, seed {}.",
        q.method,
        q.objective,
        q.lp_bound,
        q.gap_pct,
        if q.proven_optimal { ", proven optimal" } else { "" },
        if q.time_limited { ", cut by the time limit" } else { "" },
        q.moves,
        q.seconds,
        q.seed
    )?;
    if !s.roster.is_empty() {
        let rules = if s.violations.is_empty() {
            "every contract rule kept".to_string()
        } else {
            format!("{} contract rules broken (listed below)", s.violations.len())
        };
        let span = |x: Option<[f64; 2]>| x.map_or("–".into(), |[a, b]| format!("{a:.1}–{b:.1}"));
        writeln!(
            w,
            "Roster: {rules}; paid hours per agent {}; weekends worked by full-timers {}; {} preferences not granted.",
            span(m.hours_per_agent),
            m.full_time_weekends.map_or("–".into(), |[a, b]| format!("{a}–{b}")),
            m.preferences_not_granted
        )?;
    }
    writeln!(w, "\nShift codes")?;
    let rows: Vec<Vec<String>> = s
        .shift_codes
        .iter()
        .map(|(code, c)| {
            let breaks: Vec<String> = c
                .breaks
                .iter()
                .map(|b| format!("{} {:.0}m{}", b.start, b.minutes, if b.paid { "" } else { " unpaid" }))
                .collect();
            vec![
                code.clone(),
                c.template.clone(),
                c.start.clone(),
                c.end.clone(),
                breaks.join(", "),
                format!("{:.2}", c.paid_hours),
            ]
        })
        .collect();
    render(w, &["code", "template", "start", "end", "breaks", "paid h"], &rows)?;
    if s.roster.is_empty() {
        writeln!(w, "\nShifts started")?;
        let rows: Vec<Vec<String>> = s
            .shifts
            .iter()
            .map(|x| {
                vec![
                    x.day.clone(),
                    x.group.clone(),
                    x.code.clone(),
                    x.start.clone(),
                    x.end.clone(),
                    x.count.to_string(),
                ]
            })
            .collect();
        render(w, &["day", "group", "code", "start", "end", "agents"], &rows)?;
    } else {
        writeln!(w, "\nRoster (- a day off)")?;
        let days: Vec<String> = (0..spec.horizon.days as usize)
            .map(|d| crate::report::html::short_day(&spec.horizon.day_label(d)))
            .collect();
        let mut header: Vec<&str> = vec!["agent", "group", "contract"];
        header.extend(days.iter().map(String::as_str));
        header.extend(["paid h", "weekends"]);
        let rows: Vec<Vec<String>> = s
            .roster
            .iter()
            .map(|r| {
                let mut row = vec![r.agent.clone(), r.group.clone(), r.contract.clone()];
                row.extend(r.days.iter().map(|d| d.clone().unwrap_or_else(|| "-".into())));
                row.push(format!("{:.1}", r.hours));
                row.push(r.weekends.to_string());
                row
            })
            .collect();
        render(w, &header, &rows)?;
    }
    if !s.short.is_empty() {
        writeln!(w, "\nShort: intervals with fewer agents on duty than required, and why")?;
        let rows: Vec<Vec<String>> = s
            .short
            .iter()
            .map(|x| {
                vec![
                    x.day.clone(),
                    x.group.clone(),
                    x.intervals.join(" "),
                    format!("{:.2}", x.agent_hours),
                    x.reason.clone(),
                ]
            })
            .collect();
        render(w, &["day", "group", "intervals", "agent-hours short", "binding rule"], &rows)?;
    }
    if !s.violations.is_empty() {
        writeln!(w, "\nContract rules broken")?;
        let rows: Vec<Vec<String>> = s
            .violations
            .iter()
            .map(|v| vec![v.agent.clone(), v.rule.clone(), v.day.clone().unwrap_or_default(), v.message.clone()])
            .collect();
        render(w, &["agent", "rule", "day", "what"], &rows)?;
    }
    writeln!(w, "\nCoverage per interval (agents; breaks count as the share of the interval they take)")?;
    let rows: Vec<Vec<String>> = s
        .coverage
        .iter()
        .map(|c| {
            vec![
                c.day.clone(),
                c.group.clone(),
                c.start.clone(),
                c.required.to_string(),
                format!("{:.2}", c.scheduled),
                format!("{:+.2}", c.scheduled - f64::from(c.required)),
            ]
        })
        .collect();
    render(w, &["day", "group", "start", "required", "scheduled", "difference"], &rows)
}

/// `81.2 ±1.3` (percent) or `–`.
fn sl_text(e: &SlEstimate) -> String {
    match (e.mean, e.ci_half_width) {
        (Some(m), Some(h)) => format!("{:.1} ±{:.1}", m * 100.0, h * 100.0),
        (Some(m), None) => format!("{:.1}", m * 100.0),
        _ => "–".into(),
    }
}

/// The per-day block of `--verify`.
fn write_verify(v: &Verify, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        w,
        "\nSimulated ({} replications, seed {}): the SL of each queue per day, % with its 95 % CI; {} of {} days meet every target.",
        v.replications, v.seed, v.days_meeting, v.open_days
    )?;
    let mut rows = Vec::new();
    for d in &v.days {
        if d.closed {
            rows.push(vec![
                d.day.clone(),
                "closed".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            continue;
        }
        for (i, q) in d.queues.iter().enumerate() {
            let first = i == 0;
            rows.push(vec![
                if first { d.day.clone() } else { String::new() },
                if first { format!("{:.1}", d.required_hours) } else { String::new() },
                if first { format!("{:.1}", d.scheduled_hours) } else { String::new() },
                q.queue.clone(),
                sl_text(&q.service_level),
                format!("{:.0}", q.target * 100.0),
                q.verdict.clone(),
            ]);
        }
    }
    render(w, &["day", "required h", "scheduled h", "queue", "SL %", "target %", "verdict"], &rows)?;
    writeln!(
        w,
        "Paid agent-hours as simulated (whole shifts, unpaid breaks included): {:.1} per replication.",
        v.simulated_paid_hours
    )
}

/// The rounds of `--iterate`.
fn write_rounds(it: &Iteration, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(w, "\nSimulation-based correction (--iterate {}):", it.max_rounds)?;
    let rows: Vec<Vec<String>> = it
        .rounds
        .iter()
        .map(|r| {
            vec![
                r.round.to_string(),
                format!("{:.1}", r.required_hours),
                format!("{:.1}", r.agent_hours),
                r.cost.map_or("–".into(), |c| format!("{c:.2}")),
                format!("{} of {}", r.days_meeting, r.open_days),
                format!(
                    "+{} −{}{}",
                    r.raised,
                    r.lowered,
                    if r.applied || r.raised + r.lowered == 0 { "" } else { " (not applied)" }
                ),
            ]
        })
        .collect();
    render(w, &["round", "required h", "paid h", "cost", "days meeting", "requirement changes"], &rows)?;
    writeln!(w, "{}.", it.summary)
}

/// The units of the CSV's columns that are not KPIs: agents on duty, and the SL target.
const CSV_UNITS: [(&str, &str); 3] = [("required", "agents"), ("scheduled", "agents"), ("target", "share 0–1")];

/// CSV: one row per day, group and interval (`day,group,start,required,scheduled`); with
/// `--verify`, one row per queue the group serves, with its simulated SL.
fn write_csv(s: &Schedule, v: Option<&Verify>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    let Some(v) = v else {
        c.write_record(["day", "group", "start", "required", "scheduled"])?;
        for r in &s.coverage {
            c.write_record([
                r.day.clone(),
                r.group.clone(),
                r.start.clone(),
                r.required.to_string(),
                r.scheduled.to_string(),
            ])?;
        }
        return c.flush();
    };
    let opt = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
    c.write_record([
        "day",
        "group",
        "start",
        "required",
        "scheduled",
        "queue",
        "service_level",
        "ci_half_width",
        "target",
    ])?;
    for r in &v.intervals {
        for q in &r.queues {
            c.write_record([
                r.day.clone(),
                r.group.clone(),
                r.start.clone(),
                r.required.to_string(),
                r.scheduled.to_string(),
                q.queue.clone(),
                opt(q.service_level),
                opt(q.ci_half_width),
                q.target.to_string(),
            ])?;
        }
    }
    c.flush()
}
