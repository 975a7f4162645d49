//! Output of `ccsim variance`: the planner's headlines, actual against planned per queue and
//! day (per interval on request in the table; always in JSON and CSV), the attribution of the
//! SL, ASA and abandon-rate deviations to volume, handle time, staffing, their interaction and
//! other/randomness with 95 % CIs, and the staffing per group.
//!
//! CSV is long format: `scope,id,day,label,kpi,unit,measure,value,ci_low,ci_high`. `scope` is
//! `all`, `day` or `interval` (id: the queue) or `group_interval`, `group_day` (id: the group);
//! `day` is 1-based (empty for `all`); `measure` is `actual`, `planned`, `volume`,
//! `handle_time`, `staffing`, `interaction`, `all_substituted`, `other` or `input_change` (a
//! fraction: 0.12 = +12 %, with `kpi` the input); undefined values are empty cells.

use super::Format;
use super::csv::cell;
use super::table::{pm, render};
use crate::stats::Estimate;
use crate::variance::{Attribution, ScopeResult, Variance};
use std::io::{self, Write};

/// Writes `v` in `format`; `intervals` adds the per-interval tables to the table format.
/// The JSON has the run's metadata first (`"run": {"ccsim", "threads", "shards"}`, as every
/// command's JSON), then the fields of [`Variance`].
pub fn write_variance(
    v: &Variance,
    execution: &crate::kpi::Execution,
    intervals: bool,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table(v, intervals, out),
        Format::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("run".into(), super::execution_json(execution));
            if let serde_json::Value::Object(m) = serde_json::to_value(v).map_err(io::Error::from)? {
                doc.extend(m);
            }
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            writeln!(out)
        }
        Format::Csv => csv(v, out),
        Format::Xlsx => super::xlsx::from_csv("variance", &[], |w| csv(v, w), out),
    }
}

/// Scale and decimals of a KPI in tables: shares as percentages.
fn shown(unit: &str) -> (f64, usize) {
    if unit.starts_with("share") {
        (100.0, 1)
    } else if unit == "s" {
        (1.0, 1)
    } else {
        (1.0, 0)
    }
}

/// A KPI's label in tables.
fn label(kpi: &str) -> &str {
    match kpi {
        "service_level" => "SL %",
        "asa_seconds" => "ASA s",
        "abandon_rate" => "abandon %",
        "aht_seconds" => "AHT s",
        other => other,
    }
}

fn opt(x: Option<f64>, scale: f64, decimals: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{:.*}", decimals, v * scale),
        _ => "–".into(),
    }
}

/// A paired difference: `+1.2 ±0.4`, `*` when its CI excludes 0.
fn delta(e: &Estimate, scale: f64, decimals: usize) -> String {
    if e.mean.is_nan() {
        return "–".into();
    }
    let mark = if crate::compare::significant(e) { " *" } else { "" };
    if e.half_width().is_nan() {
        return format!("{:+.*}{mark}", decimals, e.mean * scale);
    }
    format!("{:+.*} ±{:.*}{mark}", decimals, e.mean * scale, decimals, e.half_width() * scale)
}

fn kpi_rows(scopes: &[ScopeResult]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for r in scopes {
        for k in &r.kpis {
            let (scale, d) = shown(k.unit);
            let diff = k.actual.map(|a| a - k.planned.mean);
            rows.push(vec![
                r.label.clone(),
                r.queue.clone(),
                label(k.kpi).to_string(),
                opt(k.actual, scale, d),
                pm(&k.planned, scale, d),
                diff.map_or("–".into(), |x| if x.is_finite() { format!("{:+.*}", d, x * scale) } else { "–".into() }),
            ]);
        }
    }
    rows
}

fn attribution_rows(scopes: &[ScopeResult]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for r in scopes {
        for a in &r.attribution {
            let (scale, d) = shown(a.unit);
            rows.push(attribution_row(r, a, scale, d));
        }
    }
    rows
}

fn attribution_row(r: &ScopeResult, a: &Attribution, scale: f64, d: usize) -> Vec<String> {
    vec![
        r.label.clone(),
        r.queue.clone(),
        label(a.kpi).to_string(),
        opt(a.actual, scale, d),
        pm(&a.planned, scale, d),
        delta(&a.volume, scale, d),
        delta(&a.handle_time, scale, d),
        delta(&a.staffing, scale, d),
        delta(&a.interaction, scale, d),
        a.other.as_ref().map_or("–".into(), |o| delta(o, scale, d)),
    ]
}

const KPI_HEADER: [&str; 6] = ["scope", "queue", "KPI", "actual", "planned ±95% CI", "actual − plan"];
const ATTR_HEADER: [&str; 10] =
    ["scope", "queue", "KPI", "actual", "planned", "volume", "handle time", "staffing", "interaction", "other"];

fn table(v: &Variance, intervals: bool, out: &mut dyn Write) -> io::Result<()> {
    let subs =
        if v.substituted.is_empty() { "none (the actuals match the plan)".into() } else { v.substituted.join(", ") };
    writeln!(
        out,
        "Variance of plan \"{}\" against {} ({} replications, seed {}; substituted: {subs})",
        v.plan, v.actuals, v.replications, v.seed
    )?;
    writeln!(out)?;
    writeln!(out, "Headlines (SL points; \"explains\" counts in the direction of the gap to the plan):")?;
    for h in &v.headlines {
        writeln!(out, "  {h}")?;
    }
    let both: Vec<ScopeResult> = v.queues.iter().chain(&v.days).cloned().collect();
    writeln!(out)?;
    writeln!(out, "Actual against plan, per queue over the intervals with actuals and per day:")?;
    render(out, &KPI_HEADER, &kpi_rows(&both))?;
    writeln!(out)?;
    writeln!(
        out,
        "Attribution of actual − plan (paired differences under common random numbers, ±95% CI, * = CI excludes 0; other = actual − all substituted):"
    )?;
    render(out, &ATTR_HEADER, &attribution_rows(&both))?;
    if !v.staffing.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Staffing per group (agents on duty net of breaks and expected absence; day rows in agent-hours):"
        )?;
        let rows: Vec<Vec<String>> = v
            .staffing
            .iter()
            .filter(|s| intervals || s.scope == "day")
            .map(|s| {
                vec![
                    s.label.clone(),
                    s.group.clone(),
                    s.unit.to_string(),
                    format!("{:.1}", s.actual),
                    format!("{:.1}", s.planned),
                    format!("{:+.1}", s.actual - s.planned),
                ]
            })
            .collect();
        render(out, &["scope", "group", "unit", "actual", "planned", "actual − plan"], &rows)?;
    }
    if intervals {
        writeln!(out)?;
        writeln!(out, "Per interval, actual against plan:")?;
        render(out, &KPI_HEADER, &kpi_rows(&v.intervals))?;
        writeln!(out)?;
        writeln!(out, "Per interval, attribution:")?;
        render(out, &ATTR_HEADER, &attribution_rows(&v.intervals))?;
    } else {
        writeln!(out)?;
        writeln!(out, "({} intervals with actuals: add --intervals for the per-interval tables)", v.intervals.len())?;
    }
    Ok(())
}

fn csv(v: &Variance, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["scope", "id", "day", "label", "kpi", "unit", "measure", "value", "ci_low", "ci_high"])?;
    let day = |d: Option<usize>| d.map_or(String::new(), |d| (d + 1).to_string());
    let text = |x: Option<f64>| x.map_or(String::new(), cell);
    for r in v.queues.iter().chain(&v.days).chain(&v.intervals) {
        let pre = [r.scope.to_string(), r.queue.clone(), day(r.day), r.label.clone()];
        let mut row = |kpi: &str, unit: &str, measure: &str, value: String, lo: String, hi: String| {
            let mut rec: Vec<String> = pre.to_vec();
            rec.extend([kpi.to_string(), unit.to_string(), measure.to_string(), value, lo, hi]);
            w.write_record(&rec)
        };
        let inputs =
            [("volume", r.inputs.volume), ("handle_time", r.inputs.handle_time), ("staffing", r.inputs.staffing)];
        for (name, x) in inputs {
            row(name, "fraction", "input_change", text(x), String::new(), String::new())?;
        }
        for k in &r.kpis {
            row(k.kpi, k.unit, "actual", text(k.actual), String::new(), String::new())?;
            row(k.kpi, k.unit, "planned", cell(k.planned.mean), cell(k.planned.ci_low), cell(k.planned.ci_high))?;
        }
        for a in &r.attribution {
            let parts = [
                ("volume", Some(&a.volume)),
                ("handle_time", Some(&a.handle_time)),
                ("staffing", Some(&a.staffing)),
                ("interaction", Some(&a.interaction)),
                ("all_substituted", Some(&a.all_substituted)),
                ("other", a.other.as_ref()),
            ];
            for (m, e) in parts {
                match e {
                    Some(e) => row(a.kpi, a.unit, m, cell(e.mean), cell(e.ci_low), cell(e.ci_high))?,
                    None => row(a.kpi, a.unit, m, String::new(), String::new(), String::new())?,
                }
            }
        }
    }
    for s in &v.staffing {
        let scope = if s.scope == "day" { "group_day" } else { "group_interval" };
        for (m, x) in [("actual", s.actual), ("planned", s.planned)] {
            w.write_record([
                scope,
                &s.group,
                &(s.day + 1).to_string(),
                &s.label,
                "staffed",
                s.unit,
                m,
                &cell(x),
                "",
                "",
            ])?;
        }
    }
    w.flush()
}
