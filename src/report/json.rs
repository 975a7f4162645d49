//! JSON output. KPIs are objects `{"mean", "ci_low", "ci_high"}` with plain JSON numbers
//! (`null` where undefined); `p_meet_target` is a plain number with `p_meet_target_ci` beside it.

use super::Report;
use crate::experiment::{Risk, RunResult};
use crate::facts::{GROUP_KPIS, MEETS, QUEUE_KPIS};
use crate::stats::Estimate;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// The JSON report.
pub struct JsonReport;

impl Report for JsonReport {
    fn write(&self, r: &RunResult, _intervals: bool, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &run_json(r))?;
        writeln!(out)
    }
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn estimate(e: &Estimate) -> Value {
    json!({ "mean": num(e.mean), "ci_low": num(e.ci_low), "ci_high": num(e.ci_high) })
}

/// KPI estimates as a JSON object, with `p_meet_target` flattened to a number.
pub fn kpi_object(names: &[&str], values: &[Estimate]) -> Map<String, Value> {
    let mut m = Map::new();
    for (i, (name, e)) in names.iter().zip(values).enumerate() {
        if names.len() == QUEUE_KPIS.len() && i == MEETS {
            m.insert((*name).into(), num(e.mean));
            m.insert(format!("{name}_ci"), json!([num(e.ci_low), num(e.ci_high)]));
        } else {
            m.insert((*name).into(), estimate(e));
        }
    }
    m
}

fn risk(m: &mut Map<String, Value>, r: &Risk) {
    m.insert("sl_quantiles".into(), json!({ "p5": num(r.sl_p5), "p50": num(r.sl_p50), "p95": num(r.sl_p95) }));
}

/// The whole run as a JSON value (also embedded by `compare`).
pub fn run_json(r: &RunResult) -> Value {
    let mut total = kpi_object(&QUEUE_KPIS, &r.total);
    risk(&mut total, &r.total_risk);
    let mut queues = Map::new();
    for q in &r.queues {
        let mut m = kpi_object(&QUEUE_KPIS, &q.kpis);
        risk(&mut m, &q.risk);
        m.insert(
            "target".into(),
            json!({ "answered_within_seconds": num(q.sl_threshold_s), "service_level": num(q.sl_target), "definition": q.sl_definition.name() }),
        );
        queues.insert(q.id.clone(), Value::Object(m));
    }
    let mut groups = Map::new();
    for g in &r.groups {
        groups.insert(g.id.clone(), Value::Object(kpi_object(&GROUP_KPIS, &g.kpis)));
    }
    let intervals: Vec<Value> = r
        .intervals
        .iter()
        .map(|row| {
            let mut m = Map::new();
            m.insert("queue".into(), json!(r.queues[row.index].id));
            m.insert("start".into(), json!(row.start));
            m.extend(kpi_object(&QUEUE_KPIS, &row.kpis));
            Value::Object(m)
        })
        .collect();
    let group_intervals: Vec<Value> = r
        .group_intervals
        .iter()
        .map(|row| {
            let mut m = Map::new();
            m.insert("group".into(), json!(r.groups[row.index].id));
            m.insert("start".into(), json!(row.start));
            m.extend(kpi_object(&GROUP_KPIS, &row.kpis));
            Value::Object(m)
        })
        .collect();
    let mut v = json!({
        "scenario": r.scenario,
        "replications": r.replications,
        "seed": r.seed,
        "days": r.days,
        "confidence": crate::stats::CONFIDENCE,
        "total": total,
        "queues": queues,
        "groups": groups,
        "intervals": intervals,
        "group_intervals": group_intervals,
    });
    if let (Some(p), Value::Object(m)) = (&r.policy, &mut v) {
        let counters: Map<String, Value> =
            p.names.iter().zip(&p.values).map(|(n, e)| (n.clone(), estimate(e))).collect();
        m.insert("policy".into(), Value::Object(counters));
    }
    v
}
