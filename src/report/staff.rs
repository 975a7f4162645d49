//! Output of `ccsim staff`: the analytic plan per queue and interval, optionally with the
//! simulation check (`--verify`), as a table, CSV or JSON.

use super::Format;
use super::table::render;
use crate::plan::Plan;
use crate::stats::Estimate;
use serde_json::{Value, json};
use std::io::{self, Write};

/// One interval of `--verify`: analytic SL against the simulated SL with its CI.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyRow {
    /// Queue id.
    pub queue: String,
    /// Interval label.
    pub start: String,
    /// Agents simulated (the plan's curve of the queue's group).
    pub agents: u32,
    /// SL the Erlang model predicts at that staffing (answered within T ÷ offered).
    pub analytic: f64,
    /// Simulated SL (answered within T ÷ offered), mean and 95 % CI.
    pub simulated: Estimate,
}

impl VerifyRow {
    /// True when the analytic value lies inside the simulated confidence interval.
    pub fn agrees(&self) -> bool {
        self.simulated.mean.is_nan() || (self.simulated.ci_low..=self.simulated.ci_high).contains(&self.analytic)
    }
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
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
                        "required_agents": r.required_agents, "fractional_agents": num(r.fractional_agents),
                        "scheduled_agents": r.scheduled_agents, "feasible": r.feasible,
                        "service_level": num(r.service_level), "asa_seconds": num(r.asa_seconds),
                        "abandon_rate": num(r.abandon_rate), "occupancy": num(r.occupancy),
                    })
                })
                .collect();
            let mut doc = json!({
                "scenario": plan.scenario, "model": plan.model.name(), "shrinkage": num(plan.shrinkage),
                "notes": plan.notes, "intervals": intervals,
            });
            if !verify.is_empty() {
                doc["verify"] = verify
                    .iter()
                    .map(|v| {
                        json!({
                            "queue": v.queue, "start": v.start, "agents": v.agents,
                            "analytic_service_level": num(v.analytic),
                            "simulated_service_level": { "mean": num(v.simulated.mean), "ci_low": num(v.simulated.ci_low), "ci_high": num(v.simulated.ci_high) },
                            "agrees": v.agrees(),
                        })
                    })
                    .collect();
            }
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "queue",
                "start",
                "model",
                "calls",
                "offered_load",
                "required_agents",
                "fractional_agents",
                "scheduled_agents",
                "feasible",
                "service_level",
                "asa_seconds",
                "abandon_rate",
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
                    r.scheduled_agents.to_string(),
                    r.feasible.to_string(),
                    format!("{}", r.service_level),
                    format!("{}", r.asa_seconds),
                    format!("{}", r.abandon_rate),
                    format!("{}", r.occupancy),
                ])?;
            }
            w.flush()
        }
        Format::Table => {
            writeln!(
                out,
                "{} — analytic staffing ({}), shrinkage {:.0}%: KPIs at the required agents",
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
            if !verify.is_empty() {
                writeln!(
                    out,
                    "\nVerification by simulation (SL = answered within T ÷ offered; * = analytic outside the 95% CI):"
                )?;
                let vrows: Vec<Vec<String>> = verify
                    .iter()
                    .map(|v| {
                        vec![
                            v.start.clone(),
                            v.queue.clone(),
                            v.agents.to_string(),
                            format!("{:.1}", v.analytic * 100.0),
                            super::table::pm(&v.simulated, 100.0, 1),
                            if v.agrees() { String::new() } else { "*".into() },
                        ]
                    })
                    .collect();
                render(out, &["start", "queue", "agents", "analytic SL %", "simulated SL %", ""], &vrows)?;
                let off = verify.iter().filter(|v| !v.agrees()).count();
                writeln!(out, "{off} of {} intervals disagree beyond the confidence interval.", verify.len())?;
            }
            Ok(())
        }
    }
}
