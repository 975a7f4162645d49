//! Output of `ccsim sweep`: one row per grid point with the all-queue KPIs (mean and CI, P(meet
//! target), cost) as a table, CSV or JSON (`{"points": [{"params": {...}, "result": <run>}]}`),
//! and a plain-text chart of SL against a one-dimensional sweep.

use super::csv::cell;
use super::json::run_json;
use super::table::{pm, render};
use crate::experiment::RunResult;
use crate::kpi::queue::{ABANDON_RATE, ASA, COST, HANDLED, MEETS, OCCUPANCY, OFFERED, SL};
use crate::kpi::{Kpi, QueueKpis};
use crate::sweep::Point;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// A parameter value as JSON: a number when it reads as one, else text.
fn param_value(v: &str) -> Value {
    if let Ok(i) = v.parse::<i64>() {
        return json!(i);
    }
    v.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or_else(|| json!(v), Value::Number)
}

/// A point's parameters as the JSON object `{"name": value, ...}`.
pub fn point_json_params(p: &Point) -> Value {
    Value::Object(p.iter().map(|(n, v)| (n.clone(), param_value(v))).collect::<Map<String, Value>>())
}

/// One point as JSON: `{"params": {...}, "fingerprint": "<sha256 hex>", "result": <run JSON>}`
/// (see [`crate::sweep::fingerprint`]); the result without the execution metadata, which the
/// sweep's `run` header holds for every point.
pub fn point_json(p: &Point, fingerprint: &str, r: &RunResult) -> Value {
    let mut result = run_json(r);
    if let Some(m) = result.as_object_mut() {
        m.remove("run");
    }
    json!({ "params": point_json_params(p), "fingerprint": fingerprint, "result": result })
}

/// What a sweep's JSON records about the run as a whole: `{"ccsim": version, "seed": base seed,
/// "replications": n, "threads": n | null, "shards": n | null}` (`--resume` checks the seed and
/// the replications).
pub fn run_header(seed: u64, replications: u32, execution: &crate::kpi::Execution) -> Value {
    json!({
        "ccsim": env!("CARGO_PKG_VERSION"),
        "seed": seed,
        "replications": replications,
        "threads": execution.threads,
        "shards": execution.shards,
    })
}

/// The JSON document of a sweep, `{"run": header, "points": [...]}`, from its points' JSON
/// (finished so far).
pub fn write_json(header: &Value, points: &[Value], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json!({ "run": header, "points": points }))?;
    writeln!(out)
}

const COLUMNS: [Kpi<QueueKpis>; 7] = [SL, ASA, ABANDON_RATE, OCCUPANCY, COST, OFFERED, HANDLED];

/// CSV: the parameters, then mean, ci_low, ci_high of the all-queue KPIs, and p_meet_target.
pub fn write_csv(rows: &[(Point, RunResult)], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let names: Vec<String> = rows.first().map(|(p, _)| p.iter().map(|(n, _)| n.clone()).collect()).unwrap_or_default();
    let mut header = names.clone();
    for c in COLUMNS {
        let c = c.name();
        header.extend([c.to_string(), format!("{c}_ci_low"), format!("{c}_ci_high")]);
    }
    header.push(MEETS.name().into());
    w.write_record(&header)?;
    for (p, r) in rows {
        let mut rec: Vec<String> = p.iter().map(|(_, v)| v.clone()).collect();
        for c in COLUMNS {
            let e = &r.total[c];
            rec.extend([cell(e.mean), cell(e.ci_low), cell(e.ci_high)]);
        }
        rec.push(cell(r.total[MEETS].mean));
        w.write_record(&rec)?;
    }
    w.flush()
}

/// Table: one row per point.
pub fn write_table(
    title: &str,
    rows: &[(Point, RunResult)],
    execution: &crate::kpi::Execution,
    out: &mut dyn Write,
) -> io::Result<()> {
    let how = super::table::execution_note(execution);
    writeln!(out, "{title} — {} point(s){how}; all queues; mean ±half-width of the 95% CI", rows.len())?;
    writeln!(out)?;
    let names: Vec<String> = rows.first().map(|(p, _)| p.iter().map(|(n, _)| n.clone()).collect()).unwrap_or_default();
    let mut header: Vec<&str> = names.iter().map(String::as_str).collect();
    header.extend(["SL %", "ASA s", "abandon %", "occupancy %", "cost", "P(meet) %"]);
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|(p, r)| {
            let t = &r.total;
            let mut row: Vec<String> = p.iter().map(|(_, v)| v.clone()).collect();
            row.extend([
                pm(&t[SL], 100.0, 1),
                pm(&t[ASA], 1.0, 1),
                pm(&t[ABANDON_RATE], 100.0, 1),
                pm(&t[OCCUPANCY], 100.0, 1),
                pm(&t[COST], 1.0, 0),
                format!("{:.1}", t[MEETS].mean * 100.0),
            ]);
            row
        })
        .collect();
    render(out, &header, &body)
}

/// A plain-text chart of SL (all queues) against the single varied parameter, with the
/// target line; `None` unless the sweep is one-dimensional and numeric.
pub fn text_chart(rows: &[(Point, RunResult)], target: f64) -> Option<String> {
    let xs: Vec<f64> = rows
        .iter()
        .map(|(p, _)| if p.len() == 1 { p[0].1.parse::<f64>().ok() } else { None })
        .collect::<Option<_>>()?;
    let ys: Vec<f64> = rows.iter().map(|(_, r)| r.total[SL].mean).collect();
    if xs.len() < 2 || ys.iter().any(|y| y.is_nan()) {
        return None;
    }
    let (h, w) = (12usize, 48usize);
    let (xmin, xmax) =
        (xs.iter().copied().fold(f64::INFINITY, f64::min), xs.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let ymin = ys.iter().copied().fold(target, f64::min).max(0.0);
    let ymax = ys.iter().copied().fold(target, f64::max).min(1.0);
    let span = (ymax - ymin).max(1e-9);
    let row_of = |y: f64| ((ymax - y) / span * (h - 1) as f64).round() as usize;
    let col_of = |x: f64| if xmax > xmin { ((x - xmin) / (xmax - xmin) * (w - 1) as f64).round() as usize } else { 0 };
    let mut grid = vec![vec![' '; w]; h];
    let t = row_of(target);
    grid[t].iter_mut().for_each(|c| *c = '-');
    for (x, y) in xs.iter().zip(&ys) {
        grid[row_of(*y)][col_of(*x)] = '*';
    }
    let mut s = format!("SL % (all queues) against {}; - - target {:.0}%\n", rows[0].0[0].0, target * 100.0);
    for (i, line) in grid.iter().enumerate() {
        let label = if i == 0 {
            format!("{:5.1}", ymax * 100.0)
        } else if i == h - 1 {
            format!("{:5.1}", ymin * 100.0)
        } else if i == t {
            format!("{:5.1}", target * 100.0)
        } else {
            " ".repeat(5)
        };
        s.push_str(&format!("{label} |{}\n", line.iter().collect::<String>()));
    }
    s.push_str(&format!("      +{}\n", "-".repeat(w)));
    s.push_str(&format!("       {:<width$}{}\n", fmt(xmin), fmt(xmax), width = w.saturating_sub(fmt(xmax).len())));
    Some(s)
}

fn fmt(x: f64) -> String {
    if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x}") }
}
