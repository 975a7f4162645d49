//! JSON output. KPIs are objects `{"mean", "ci_low", "ci_high"}` with plain JSON numbers
//! (`null` where undefined); a KPI of kind [`Kind::DayShare`] (`p_meet_target`) is a plain
//! number with `<name>_ci` beside it. Names and order come from the tables in [`crate::kpi`];
//! `served` lists who served whom, `days` the horizon day by day (`day` 1-based, `date` and
//! `weekday` `null` when undated), `sites` and `regions` (only when the scenario names any) the
//! groups and queues summed by place.

use super::Report;
use crate::experiment::{DayResult, IntervalResult, Risk, RunResult};
use crate::kpi::{GroupKpis, QueueKpis};
use crate::kpi::{Kind, Table, Values};
use crate::stats::Estimate;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// The JSON report.
pub struct JsonReport;

impl Report for JsonReport {
    fn write(&self, r: &RunResult, _intervals: bool, out: &mut dyn Write) -> io::Result<()> {
        // streamed: one interval row at a time, never the whole document as a tree
        serde_json::to_writer_pretty(&mut *out, &RunDoc(r))?;
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
pub fn kpi_object<S: Table>(values: &Values<S, Estimate>) -> Map<String, Value> {
    let mut m = Map::new();
    for (def, e) in values.named() {
        let name = def.name;
        match def.kind {
            Kind::DayShare => {
                m.insert(name.into(), num(e.mean));
                m.insert(format!("{name}_ci"), json!([num(e.ci_low), num(e.ci_high)]));
            }
            Kind::Mean => {
                m.insert(name.into(), estimate(e));
            }
        }
    }
    m
}

fn risk(m: &mut Map<String, Value>, r: &Risk) {
    m.insert("sl_quantiles".into(), json!({ "p5": num(r.sl_p5), "p50": num(r.sl_p50), "p95": num(r.sl_p95) }));
}

/// The whole run as a JSON value (also embedded by `compare` and `sweep`); the same document
/// [`JsonReport`] streams.
pub fn run_json(r: &RunResult) -> Value {
    serde_json::to_value(RunDoc(r)).unwrap_or(Value::Null)
}

/// A run's JSON document, serialized field by field: the interval tables, which make up most
/// of it, are written row by row, so writing a large run holds one row at a time.
struct RunDoc<'a>(&'a RunResult);

impl Serialize for RunDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut total = kpi_object(&r.total);
        risk(&mut total, &r.total_risk);
        let mut queues = Map::new();
        for q in &r.queues {
            let mut m = kpi_object(&q.kpis);
            risk(&mut m, &q.risk);
            m.insert(
                "target".into(),
                json!({ "answered_within_seconds": num(q.sl_threshold_s), "service_level": num(q.sl_target), "definition": q.sl_definition.name() }),
            );
            queues.insert(q.id.clone(), Value::Object(m));
        }
        let by_id = |rows: &mut dyn Iterator<Item = (&String, Map<String, Value>)>| -> Map<String, Value> {
            rows.map(|(id, kpis)| (id.clone(), Value::Object(kpis))).collect()
        };
        let groups = by_id(&mut r.groups.iter().map(|g| (&g.id, kpi_object(&g.kpis))));
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("scenario", &r.scenario)?;
        m.serialize_entry("replications", &r.replications)?;
        m.serialize_entry("seed", &r.seed)?;
        m.serialize_entry("run", &execution_json(&r.execution))?;
        m.serialize_entry("confidence", &crate::stats::CONFIDENCE)?;
        m.serialize_entry("total", &total)?;
        m.serialize_entry("queues", &queues)?;
        m.serialize_entry("groups", &groups)?;
        if !r.sites.is_empty() {
            m.serialize_entry("sites", &by_id(&mut r.sites.iter().map(|x| (&x.id, kpi_object(&x.kpis)))))?;
        }
        if !r.regions.is_empty() {
            m.serialize_entry("regions", &by_id(&mut r.regions.iter().map(|x| (&x.id, kpi_object(&x.kpis)))))?;
        }
        let day = |d: &DayResult| {
            let mut o = day_head(d.day, d.date.as_deref(), d.weekday.as_deref());
            o.insert("closed".into(), json!(d.closed));
            o.insert("total".into(), Value::Object(kpi_object(&d.total)));
            let queues = by_id(&mut r.queues.iter().zip(&d.queues).map(|(q, v)| (&q.id, kpi_object(v))));
            o.insert("queues".into(), Value::Object(queues));
            let groups = by_id(&mut r.groups.iter().zip(&d.groups).map(|(g, v)| (&g.id, kpi_object(v))));
            o.insert("groups".into(), Value::Object(groups));
            o
        };
        m.serialize_entry("days", &Rows(&r.per_day, &day))?;
        let served: Vec<Value> = r
            .served
            .iter()
            .map(|s| {
                let mut o = Map::new();
                o.insert("group".into(), json!(r.groups[s.group].id));
                o.insert("queue".into(), json!(r.queues[s.queue].id));
                o.extend(kpi_object(&s.kpis));
                Value::Object(o)
            })
            .collect();
        m.serialize_entry("served", &served)?;
        let queue_row = |row: &IntervalResult<QueueKpis>| {
            let mut m = Map::new();
            m.insert("queue".into(), json!(r.queues[row.index].id));
            interval_head(&mut m, row);
            m.extend(kpi_object(&row.kpis));
            m
        };
        m.serialize_entry("intervals", &Rows(&r.intervals, &queue_row))?;
        let group_row = |row: &IntervalResult<GroupKpis>| {
            let mut m = Map::new();
            m.insert("group".into(), json!(r.groups[row.index].id));
            interval_head(&mut m, row);
            m.extend(kpi_object(&row.kpis));
            m
        };
        m.serialize_entry("group_intervals", &Rows(&r.group_intervals, &group_row))?;
        if let Some(p) = &r.policy {
            let counters: Map<String, Value> = super::policy_rows(p).map(|(n, e)| (n, estimate(e))).collect();
            m.serialize_entry("policy", &counters)?;
        }
        m.end()
    }
}

/// The head of a day's object: `"day"` (1-based), `"date"` and `"weekday"` (`null` when undated).
pub(super) fn day_head(day: usize, date: Option<&str>, weekday: Option<&str>) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("day".into(), json!(day + 1));
    o.insert("date".into(), json!(date));
    o.insert("weekday".into(), json!(weekday));
    o
}

/// An interval row's `"day"` (1-based), `"date"` (only when dated) and `"start"`.
pub(super) fn interval_head<S: Table>(m: &mut Map<String, Value>, row: &IntervalResult<S>) {
    m.insert("day".into(), json!(row.day + 1));
    if let Some(d) = &row.date {
        m.insert("date".into(), json!(d));
    }
    m.insert("start".into(), json!(row.start));
}

/// Interval rows serialized one at a time, each built just before it is written.
struct Rows<'a, T, F: Fn(&T) -> Map<String, Value>>(&'a [T], &'a F);

impl<T, F: Fn(&T) -> Map<String, Value>> Serialize for Rows<'_, T, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for row in self.0 {
            seq.serialize_element(&(self.1)(row))?;
        }
        seq.end()
    }
}

/// How a run was executed, as JSON metadata: `{"ccsim": version, "threads": n | null,
/// "shards": n | null}` (no number of the results depends on it).
pub fn execution_json(e: &crate::kpi::Execution) -> Value {
    json!({ "ccsim": env!("CARGO_PKG_VERSION"), "threads": e.threads, "shards": e.shards })
}
