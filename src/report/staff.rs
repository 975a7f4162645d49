//! Output of `ccsim staff`: the analytic plan per queue and interval, optionally with the
//! simulation check (`--verify`), as a table, CSV, a workbook or JSON.

use super::Format;
use super::table::render;
use crate::plan::Plan;
use crate::stats::Estimate;
use serde_json::{Value, json};
use std::io::{self, Write};

/// One interval of `--verify`: analytic SL against the simulated SL with its CI, simulated
/// with the agents the plan requires all present (absenteeism off).
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyRow {
    /// Queue id.
    pub queue: String,
    /// Interval label.
    pub start: String,
    /// Agents the plan requires for the queue (present and available), at which the analytic
    /// SL is computed; the simulation puts each group's [`crate::plan::GroupPlan::required`]
    /// on duty.
    pub agents: u32,
    /// SL the Erlang model predicts at that staffing (answered within T ÷ offered), share.
    pub analytic: f64,
    /// Simulated SL of the scenario as written (answered within T ÷ offered), mean and 95 % CI.
    pub simulated: Estimate,
    /// Simulated SL under the model's own assumptions ([`crate::plan::model_assumptions`]:
    /// exponential times, mean volume, ...), mean and 95 % CI: the gap to [`Self::analytic`]
    /// is the day's dynamics, the gap to [`Self::simulated`] the model's approximations.
    pub simulated_model: Estimate,
}

fn inside(e: &Estimate, x: f64) -> bool {
    e.mean.is_nan() || (e.ci_low..=e.ci_high).contains(&x)
}

impl VerifyRow {
    /// True when the analytic value lies inside the CI of the scenario as simulated.
    pub fn agrees(&self) -> bool {
        inside(&self.simulated, self.analytic)
    }

    /// True when the analytic value lies inside the CI of the simulation under the model's
    /// assumptions.
    pub fn agrees_under_model_assumptions(&self) -> bool {
        inside(&self.simulated_model, self.analytic)
    }
}

/// Mean of `simulated − analytic` over the rows with a simulated value, in SL points (share).
fn mean_gap(verify: &[VerifyRow], sim: impl Fn(&VerifyRow) -> f64) -> f64 {
    let gaps: Vec<f64> = verify.iter().map(|v| sim(v) - v.analytic).filter(|d| d.is_finite()).collect();
    gaps.iter().sum::<f64>() / gaps.len().max(1) as f64
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// The units of the CSV's columns that are not queue KPIs (those take their table's unit).
const UNITS: [(&str, &str); 7] = [
    ("calls", "calls"),
    ("offered_load", "erlangs"),
    ("required_agents", "agents"),
    ("fractional_agents", "agents"),
    ("absenteeism", "share 0–1"),
    ("scheduled_agents", "agents"),
    ("blocked_rate", "share 0–1"),
];

/// The plan as CSV: one row per queue and interval.
fn write_csv(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "queue",
        "start",
        "model",
        "calls",
        "offered_load",
        "required_agents",
        "fractional_agents",
        "group",
        "absenteeism",
        "scheduled_agents",
        "feasible",
        "service_level",
        "asa_seconds",
        "abandon_rate",
        "blocked_rate",
        "occupancy",
    ])?;
    for r in &plan.rows {
        w.write_record([
            plan.queue_ids[r.queue].clone(),
            r.start.clone(),
            r.model.to_string(),
            format!("{}", r.calls),
            format!("{}", r.offered_load),
            r.required_agents.to_string(),
            format!("{}", r.fractional_agents),
            r.group.map_or(String::new(), |g| plan.groups[g].id.clone()),
            format!("{}", r.absenteeism),
            r.scheduled_agents.to_string(),
            r.feasible.to_string(),
            format!("{}", r.service_level),
            format!("{}", r.asa_seconds),
            format!("{}", r.abandon_rate),
            format!("{}", r.blocked_rate),
            format!("{}", r.occupancy),
        ])?;
    }
    w.flush()
}

/// Writes `plan` (and the verification rows, if any) in `format`.
pub fn write_plan(plan: &Plan, verify: &[VerifyRow], format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            let intervals: Vec<Value> = plan
                .rows
                .iter()
                .map(|r| {
                    json!({
                        "queue": plan.queue_ids[r.queue], "start": r.start, "model": r.model,
                        "calls": num(r.calls), "offered_load": num(r.offered_load),
                        "group": r.group.map(|g| plan.groups[g].id.clone()),
                        "required_agents": r.required_agents, "fractional_agents": num(r.fractional_agents),
                        "absenteeism": num(r.absenteeism),
                        "scheduled_agents": r.scheduled_agents, "feasible": r.feasible,
                        "service_level": num(r.service_level), "asa_seconds": num(r.asa_seconds),
                        "abandon_rate": num(r.abandon_rate), "blocked_rate": num(r.blocked_rate),
                        "occupancy": num(r.occupancy),
                    })
                })
                .collect();
            let mut doc = json!({
                "run": super::json::execution_json(&crate::kpi::Execution::default()),
                "scenario": plan.scenario, "model": plan.model.name(), "shrinkage": num(plan.shrinkage),
                "notes": plan.notes, "intervals": intervals,
                "groups": plan.groups.iter().map(|g| json!({
                    "group": g.id, "absenteeism": num(g.absenteeism),
                    "queues": g.queues.iter().map(|&q| plan.queue_ids[q].clone()).collect::<Vec<_>>(),
                    "required": g.required, "on_duty": g.on_duty, "scheduled": g.scheduled,
                })).collect::<Vec<_>>(),
            });
            if !verify.is_empty() {
                doc["verify"] = verify
                    .iter()
                    .map(|v| {
                        let est = |e: &Estimate| json!({ "mean": num(e.mean), "ci_low": num(e.ci_low), "ci_high": num(e.ci_high) });
                        json!({
                            "queue": v.queue, "start": v.start, "agents": v.agents,
                            "analytic_service_level": num(v.analytic),
                            "simulated_service_level": est(&v.simulated),
                            "agrees": v.agrees(),
                            "simulated_service_level_model_assumptions": est(&v.simulated_model),
                            "agrees_under_model_assumptions": v.agrees_under_model_assumptions(),
                        })
                    })
                    .collect();
            }
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        Format::Csv => write_csv(plan, out),
        Format::Xlsx => super::xlsx::from_csv("staffing", &UNITS, |w| write_csv(plan, w), out),
        Format::Table => {
            writeln!(
                out,
                "{} — analytic staffing ({}), shrinkage {:.0}%: KPIs at the required agents present; \
                 scheduled = ⌈required ÷ ((1 − shrinkage)·(1 − group absenteeism))⌉",
                plan.scenario,
                plan.model.name(),
                plan.shrinkage * 100.0
            )?;
            for n in &plan.notes {
                writeln!(out, "note: {n}")?;
            }
            writeln!(out)?;
            let header = [
                "start",
                "queue",
                "model",
                "calls",
                "load E",
                "required",
                "scheduled",
                "SL %",
                "ASA s",
                "abandon %",
                "occupancy %",
            ];
            let rows: Vec<Vec<String>> = plan
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.start.clone(),
                        plan.queue_ids[r.queue].clone(),
                        r.model.to_string(),
                        format!("{:.1}", r.calls),
                        format!("{:.2}", r.offered_load),
                        format!("{}{}", r.required_agents, if r.feasible { "" } else { " (infeasible)" }),
                        r.scheduled_agents.to_string(),
                        format!("{:.1}", r.service_level * 100.0),
                        format!("{:.1}", r.asa_seconds),
                        format!("{:.1}", r.abandon_rate * 100.0),
                        format!("{:.1}", r.occupancy * 100.0),
                    ]
                })
                .collect();
            render(out, &header, &rows)?;
            let req: u32 = plan.rows.iter().map(|r| r.required_agents).sum();
            let sch: u32 = plan.rows.iter().map(|r| r.scheduled_agents).sum();
            writeln!(out, "\nTotal agent-intervals: {req} required, {sch} scheduled.")?;
            for g in &plan.groups {
                let sum = |v: &[u32]| v.iter().sum::<u32>();
                let queues: Vec<&str> = g.queues.iter().map(|&q| plan.queue_ids[q].as_str()).collect();
                writeln!(
                    out,
                    "Group {} (absenteeism {:.1}%; planned for {}): {} required, {} on duty (the emitted curve), {} scheduled.",
                    g.id,
                    g.absenteeism * 100.0,
                    if queues.is_empty() { "no queue".to_string() } else { queues.join(", ") },
                    sum(&g.required),
                    sum(&g.on_duty),
                    sum(&g.scheduled)
                )?;
            }
            if !verify.is_empty() {
                writeln!(
                    out,
                    "\nVerification by simulation, the required agents all present (SL = answered within T ÷ offered; \
                     * = analytic outside the 95% CI). \"model's assumptions\": exponential times, mean volume, \
                     retrials only for erlang-x, no absences:"
                )?;
                let vrows: Vec<Vec<String>> = verify
                    .iter()
                    .map(|v| {
                        let flag = |ok: bool| if ok { String::new() } else { "*".into() };
                        vec![
                            v.start.clone(),
                            v.queue.clone(),
                            v.agents.to_string(),
                            format!("{:.1}", v.analytic * 100.0),
                            super::table::pm(&v.simulated_model, 100.0, 1),
                            flag(v.agrees_under_model_assumptions()),
                            super::table::pm(&v.simulated, 100.0, 1),
                            flag(v.agrees()),
                        ]
                    })
                    .collect();
                render(
                    out,
                    &[
                        "start",
                        "queue",
                        "agents",
                        "analytic SL %",
                        "sim SL %, model's assumptions",
                        "",
                        "sim SL %, scenario",
                        "",
                    ],
                    &vrows,
                )?;
                let off = verify.iter().filter(|v| !v.agrees()).count();
                let off_model = verify.iter().filter(|v| !v.agrees_under_model_assumptions()).count();
                let n = verify.len();
                writeln!(
                    out,
                    "{off} of {n} intervals disagree beyond the confidence interval (scenario as written; \
                     mean gap simulated − analytic {:+.1} SL points).",
                    mean_gap(verify, |v| v.simulated.mean) * 100.0
                )?;
                writeln!(
                    out,
                    "{off_model} of {n} under the model's own assumptions (mean gap {:+.1} points): the rest of the gap \
                     comes from the approximations listed in the notes, this part from the day's dynamics \
                     (empty start, load changing between intervals) and, where groups serve several queues, from \
                     their pooling.",
                    mean_gap(verify, |v| v.simulated_model.mean) * 100.0
                )?;
            }
            Ok(())
        }
    }
}
