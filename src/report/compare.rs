//! Output of `ccsim compare`: the baseline and every variant side by side per queue, the paired
//! difference to the baseline with its 95 % CI (`*` = significant: the CI excludes zero by more
//! than the rounding of the shown digits, so `+0 ±0` is never flagged; the JSON's `significant`
//! is the plain statistical test), which variants meet every target — all judged against the
//! baseline's targets, see [`crate::compare::judge`] — and the cheapest that does; the paired
//! differences day by day (JSON and CSV always; the table on horizons of several days); per
//! interval on request.

use super::Format;
use super::csv::{day_cells, rows};
use super::json::{kpi_object, run_json};
use super::table::{pm, render};
use crate::compare::{Comparison, Verdict, significant};
use crate::kpi::{Kind, Kpi, QueueKpis, Values, queue as qk};
use crate::stats::Estimate;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// The KPIs shown in the comparison table: (KPI, label, scale, decimals).
const SHOWN: [(Kpi<QueueKpis>, &str, f64, usize); 6] = [
    (qk::SL, "SL %", 100.0, 1),
    (qk::ASA, "ASA s", 1.0, 1),
    (qk::ABANDON_RATE, "abandon %", 100.0, 1),
    (qk::OCCUPANCY, "occupancy %", 100.0, 1),
    (qk::COST, "cost", 1.0, 0),
    (qk::MEETS, "P(meet) %", 100.0, 1),
];

fn diff_cell(e: &Estimate, scale: f64, decimals: usize) -> String {
    if e.mean.is_nan() {
        return "–".into();
    }
    // significant at the precision shown: the CI clears zero by at least half a shown unit
    let half_unit = 0.5 * 10f64.powi(-(decimals as i32));
    let shown = e.ci_low * scale >= half_unit || e.ci_high * scale <= -half_unit;
    let mark = if significant(e) && shown { " *" } else { "" };
    format!("{:+.*} ±{:.*}{mark}", decimals, e.mean * scale, decimals, e.half_width() * scale)
}

fn diff_object(values: &Values<QueueKpis, Estimate>) -> Map<String, Value> {
    let mut m = kpi_object(values);
    // differences keep their CI as an object, with the significance flag
    for (def, e) in values.named() {
        let num = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
        m.insert(
            def.name.into(),
            json!({ "mean": num(e.mean), "ci_low": num(e.ci_low), "ci_high": num(e.ci_high), "significant": significant(e) }),
        );
        if def.kind == Kind::DayShare {
            m.remove(&format!("{}_ci", def.name));
        }
    }
    m
}

/// Names of the variants meeting the baseline's targets, and the cheapest scenario that does (by
/// mean total cost, then by paid agent-hours when costs are equal or not set) among the baseline (when it meets them, named `baseline`) and those variants.
/// Variants judged by their own targets ([`Verdict::Own`]) are not ranked.
pub fn verdict(c: &Comparison, baseline_meets: bool, verdicts: &[Verdict]) -> (Vec<String>, Option<String>) {
    let cost = qk::COST;
    let ok: Vec<&crate::compare::VariantResult> =
        c.variants.iter().zip(verdicts).filter(|(_, m)| **m == Verdict::Baseline(true)).map(|(v, _)| v).collect();
    // by cost, then (equal costs, or none set) by paid agent-hours
    let key = |r: &crate::experiment::RunResult| (r.total[cost].mean, r.paid_hours());
    let base = baseline_meets.then_some(("baseline".to_string(), key(&c.baseline)));
    let cheapest = base
        .into_iter()
        .chain(ok.iter().map(|v| (v.name.clone(), key(&v.result))))
        .min_by(|a, b| a.1.0.total_cmp(&b.1.0).then(a.1.1.total_cmp(&b.1.1)))
        .map(|(n, _)| n);
    (ok.iter().map(|v| v.name.clone()).collect(), cheapest)
}

/// Writes a comparison; `verdicts[i]` says whether variant i meets every target and against
/// which targets it was judged, `baseline_meets` whether the baseline meets its own.
pub fn write_comparison(
    c: &Comparison,
    baseline_meets: bool,
    verdicts: &[Verdict],
    intervals: bool,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_comparison_coloured(c, baseline_meets, verdicts, intervals, format, None, out)
}

/// [`write_comparison`], with the per-queue SL, ASA and abandon-rate cells of the table
/// coloured green / amber / red (ANSI, for a terminal) against the baseline's targets with the
/// amber margin `colour`.
pub fn write_comparison_coloured(
    c: &Comparison,
    baseline_meets: bool,
    verdicts: &[Verdict],
    intervals: bool,
    format: Format,
    colour: Option<f64>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (ok, cheapest) = verdict(c, baseline_meets, verdicts);
    let own: Vec<(String, bool)> = c
        .variants
        .iter()
        .zip(verdicts)
        .filter_map(|(v, m)| match m {
            Verdict::Own(meets) => Some((v.name.clone(), *meets)),
            Verdict::Baseline(_) => None,
        })
        .collect();
    match format {
        Format::Json => {
            let variants: Vec<Value> = c
                .variants
                .iter()
                .zip(verdicts)
                .map(|(v, m)| {
                    let mut queues = Map::new();
                    for (qv, d) in &v.diff_queues {
                        queues.insert(v.result.queues[*qv].id.clone(), Value::Object(diff_object(d)));
                    }
                    let ints: Vec<Value> = v
                        .diff_intervals
                        .iter()
                        .map(|r| {
                            let mut o = Map::new();
                            o.insert("queue".into(), json!(v.result.queues[r.index].id));
                            super::json::interval_head(&mut o, r);
                            o.extend(diff_object(&r.kpis));
                            Value::Object(o)
                        })
                        .collect();
                    let days: Vec<Value> = v
                        .diff_days
                        .iter()
                        .map(|d| {
                            let mut o = super::json::day_head(d.day, d.date.as_deref(), d.weekday.as_deref());
                            o.insert("total".into(), Value::Object(diff_object(&d.total)));
                            let queues: Map<String, Value> = d
                                .queues
                                .iter()
                                .map(|(qv, k)| (v.result.queues[*qv].id.clone(), Value::Object(diff_object(k))))
                                .collect();
                            o.insert("queues".into(), Value::Object(queues));
                            Value::Object(o)
                        })
                        .collect();
                    json!({
                        "name": v.name,
                        "meets_targets": m.meets(),
                        "judged_against": if matches!(m, Verdict::Own(_)) { "own" } else { "baseline" },
                        "result": result_json(&v.result),
                        "diff": { "total": diff_object(&v.diff_total), "queues": queues, "days": days, "intervals": ints },
                    })
                })
                .collect();
            let doc = json!({
                "run": super::json::execution_json(&c.baseline.execution),
                "baseline": result_json(&c.baseline),
                "targets": "baseline",
                "baseline_meets_targets": baseline_meets,
                "variants": variants,
                "meeting_targets": ok,
                "cheapest_meeting_targets": cheapest,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        Format::Csv => write_csv(c, out),
        Format::Xlsx => super::xlsx::from_csv("compare", &[], |w| write_csv(c, w), out),
        Format::Table => {
            writeln!(
                out,
                "{} — baseline and {} variant(s), {} replications with common random numbers, seed {}{}",
                c.baseline.scenario,
                c.variants.len(),
                c.baseline.replications,
                c.baseline.seed,
                super::table::execution_note(&c.baseline.execution)
            )?;
            writeln!(
                out,
                "mean ±half-width of the 95% CI; Δ = variant − baseline paired by replication, * = significant"
            )?;
            let mut queue_ids: Vec<String> = c.baseline.queues.iter().map(|q| q.id.clone()).collect();
            for v in &c.variants {
                for q in &v.result.queues {
                    if !queue_ids.contains(&q.id) {
                        queue_ids.push(q.id.clone());
                    }
                }
            }
            let mut header = vec!["queue / variant".to_string()];
            header.extend(SHOWN.iter().map(|s| s.1.to_string()));
            header.extend(SHOWN[..5].iter().map(|s| format!("Δ {}", s.1)));
            for qid in queue_ids.iter().map(Some).chain(std::iter::once(None)) {
                let mut rows = Vec::new();
                let label = qid.map_or("all queues".to_string(), |q| q.clone());
                let pick = |r: &crate::experiment::RunResult| -> Option<Values<QueueKpis, Estimate>> {
                    match qid {
                        None => Some(r.total.clone()),
                        Some(q) => r.queues.iter().find(|x| &x.id == q).map(|x| x.kpis.clone()),
                    }
                };
                let line = |name: &str,
                            k: &Values<QueueKpis, Estimate>,
                            d: Option<&Values<QueueKpis, Estimate>>|
                 -> Vec<String> {
                    let mut row = vec![name.to_string()];
                    row.extend(SHOWN.iter().map(|&(n, _, s, dec)| {
                        let e = &k[n];
                        if n == qk::MEETS { format!("{:.1}", e.mean * 100.0) } else { pm(e, s, dec) }
                    }));
                    row.extend(
                        SHOWN[..5].iter().map(|&(n, _, s, dec)| d.map_or(String::new(), |d| diff_cell(&d[n], s, dec))),
                    );
                    // judged against the baseline's targets, as the verdicts are
                    let target = qid.and_then(|q| c.baseline.queues.iter().find(|x| &x.id == q));
                    if let (Some(m), Some(t)) = (colour, target) {
                        let judged = [
                            (1, super::status::judge(&k[qk::SL], t.sl_target, true, m)),
                            (2, t.max_asa_s.and_then(|x| super::status::judge(&k[qk::ASA], x, false, m))),
                            (
                                3,
                                t.max_abandon_rate
                                    .and_then(|x| super::status::judge(&k[qk::ABANDON_RATE], x, false, m)),
                            ),
                        ];
                        for (i, st) in judged {
                            row[i] = super::table::paint(std::mem::take(&mut row[i]), st);
                        }
                    }
                    row
                };
                if let Some(k) = pick(&c.baseline) {
                    rows.push(line("baseline", &k, None));
                }
                for v in &c.variants {
                    let Some(k) = pick(&v.result) else { continue };
                    let d = match qid {
                        None => Some(&v.diff_total),
                        Some(q) => v.diff_queues.iter().find(|(qv, _)| &v.result.queues[*qv].id == q).map(|(_, d)| d),
                    };
                    rows.push(line(&v.name, &k, d));
                }
                if qid.is_none() && queue_ids.len() == 1 {
                    continue;
                }
                writeln!(out, "\n{label}")?;
                let h: Vec<&str> = header.iter().map(String::as_str).collect();
                render(out, &h, &rows)?;
            }
            write_days(c, out)?;
            for (name, r) in std::iter::once(("baseline", &c.baseline))
                .chain(c.variants.iter().map(|v| (v.name.as_str(), &v.result)))
            {
                if let Some(p) = &r.policy {
                    let acted: Vec<String> = p
                        .actions
                        .iter()
                        .filter(|(_, e)| e.mean != 0.0)
                        .map(|(n, e)| format!("{n} {:.1}", e.mean))
                        .collect();
                    let list = if acted.is_empty() { "none".to_string() } else { acted.join(", ") };
                    writeln!(out, "\nPolicy actions per replication in {name}: {list}")?;
                }
            }
            writeln!(out)?;
            let targets: Vec<String> =
                c.baseline.queues.iter().map(|q| format!("{} {}", q.id, super::table::targets_text(q))).collect();
            writeln!(out, "Every scenario is judged against the baseline's targets: {}", targets.join("; "))?;
            writeln!(out, "Baseline meets every target (means): {}", if baseline_meets { "yes" } else { "no" })?;
            if ok.is_empty() {
                writeln!(out, "No variant meets every target.")?;
            } else {
                writeln!(out, "Variants meeting every target: {}", ok.join(", "))?;
            }
            for (name, meets) in &own {
                writeln!(
                    out,
                    "{name} measures SL with another threshold or definition: judged against its own targets ({}), not ranked",
                    if *meets { "meets them" } else { "misses" }
                )?;
            }
            if let Some(c) = cheapest {
                writeln!(out, "Cheapest scenario meeting every target: {c}")?;
            }
            if intervals {
                for v in &c.variants {
                    writeln!(out, "\nPer interval: {} vs baseline", v.name)?;
                    let rows: Vec<Vec<String>> = v
                        .diff_intervals
                        .iter()
                        .map(|d| {
                            let qid = &v.result.queues[d.index].id;
                            let b = c
                                .baseline
                                .intervals
                                .iter()
                                .find(|r| r.interval == d.interval && &c.baseline.queues[r.index].id == qid);
                            let x = v.result.intervals.iter().find(|r| r.interval == d.interval && r.index == d.index);
                            vec![
                                d.start.clone(),
                                qid.clone(),
                                b.map_or("–".into(), |r| pm(&r.kpis[qk::SL], 100.0, 1)),
                                x.map_or("–".into(), |r| pm(&r.kpis[qk::SL], 100.0, 1)),
                                diff_cell(&d.kpis[qk::SL], 100.0, 1),
                                diff_cell(&d.kpis[qk::ASA], 1.0, 1),
                                diff_cell(&d.kpis[qk::ABANDON_RATE], 100.0, 1),
                            ]
                        })
                        .collect();
                    render(
                        out,
                        &["start", "queue", "baseline SL %", "variant SL %", "Δ SL %", "Δ ASA s", "Δ abandon %"],
                        &rows,
                    )?;
                }
            }
            Ok(())
        }
    }
}

/// The comparison as long-format CSV: `variant,value,level,id,day,date,start`, then
/// `kpi,mean,ci_low,ci_high,unit`; `value` is `result` (the variant's own estimate) or `diff`
/// (the paired difference to the baseline, in the KPI's unit).
fn write_csv(c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let head = ["variant", "value", "level", "id", "day", "date", "start"];
    w.write_record(head.iter().chain(&super::csv::KPI_COLUMNS))?;
    let all = std::iter::once(("baseline", &c.baseline)).chain(c.variants.iter().map(|v| (v.name.as_str(), &v.result)));
    for (name, r) in all {
        rows(&mut w, &[name, "result", "total", "", "", "", ""], &r.total)?;
        for q in &r.queues {
            rows(&mut w, &[name, "result", "queue", &q.id, "", "", ""], &q.kpis)?;
        }
        for d in &r.per_day {
            let [day, date] = day_cells(d.day, d.date.as_deref());
            rows(&mut w, &[name, "result", "day", "", &day, &date, ""], &d.total)?;
            for (q, k) in r.queues.iter().zip(&d.queues) {
                rows(&mut w, &[name, "result", "day_queue", &q.id, &day, &date, ""], k)?;
            }
        }
        for row in &r.intervals {
            let [day, date] = day_cells(row.day, row.date.as_deref());
            let id = &r.queues[row.index].id;
            rows(&mut w, &[name, "result", "interval", id, &day, &date, &row.start], &row.kpis)?;
        }
    }
    for v in &c.variants {
        rows(&mut w, &[&v.name, "diff", "total", "", "", "", ""], &v.diff_total)?;
        for (qv, d) in &v.diff_queues {
            rows(&mut w, &[&v.name, "diff", "queue", &v.result.queues[*qv].id, "", "", ""], d)?;
        }
        for d in &v.diff_days {
            let [day, date] = day_cells(d.day, d.date.as_deref());
            rows(&mut w, &[&v.name, "diff", "day", "", &day, &date, ""], &d.total)?;
            for (qv, k) in &d.queues {
                rows(&mut w, &[&v.name, "diff", "day_queue", &v.result.queues[*qv].id, &day, &date, ""], k)?;
            }
        }
        for r in &v.diff_intervals {
            let [day, date] = day_cells(r.day, r.date.as_deref());
            let id = &v.result.queues[r.index].id;
            rows(&mut w, &[&v.name, "diff", "interval", id, &day, &date, &r.start], &r.kpis)?;
        }
    }
    w.flush()
}

/// On a horizon of several days, all queues day by day: per variant, the baseline's and the
/// variant's SL and the paired differences of the day (a variant that changes one day shows
/// `+0 ±0` on every other).
fn write_days(c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    if c.baseline.per_day.len() <= 1 {
        return Ok(());
    }
    for v in &c.variants {
        writeln!(out, "\nDay by day, all queues: {} vs baseline", v.name)?;
        let rows: Vec<Vec<String>> = v
            .diff_days
            .iter()
            .map(|d| {
                let sl = |r: &crate::experiment::RunResult| {
                    r.per_day.get(d.day).map_or("–".into(), |x| pm(&x.total[qk::SL], 100.0, 1))
                };
                let mut row = vec![d.label(), sl(&c.baseline), sl(&v.result)];
                row.push(diff_cell(&d.total[qk::OFFERED], 1.0, 1));
                row.extend(SHOWN.iter().map(|&(n, _, sc, dec)| diff_cell(&d.total[n], sc, dec)));
                row
            })
            .collect();
        let mut header = vec!["day".to_string(), "baseline SL %".into(), "variant SL %".into(), "Δ offered".into()];
        header.extend(SHOWN.iter().map(|s| format!("Δ {}", s.1)));
        let h: Vec<&str> = header.iter().map(String::as_str).collect();
        render(out, &h, &rows)?;
    }
    Ok(())
}

/// A scenario's result in a comparison: its run JSON without the execution metadata, which the
/// comparison's `run` holds for all.
fn result_json(r: &crate::experiment::RunResult) -> Value {
    let mut v = run_json(r);
    if let Some(m) = v.as_object_mut() {
        m.remove("run");
    }
    v
}
