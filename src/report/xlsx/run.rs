//! A run's workbook, built from its [`RunResult`]: wide sheets, one row per scope, day or
//! interval, and per KPI three columns `<kpi> (unit)`, `<kpi> ci_low`, `<kpi> ci_high` (the
//! 95 % CI; empty when undefined), KPIs in their table's order. Sheets, only those with rows:
//! `summary` (all queues, then each queue, with SL quantiles across days and the targets),
//! `groups`, `sites`, `regions`, `days` (all queues per day), `day_queues`, `day_groups`,
//! `intervals` (queue × interval), `group_intervals`, `served` (who served whom), `policy`
//! (counters, one per row) and `run` (how it was executed).

use super::{Book, Cell, Column, Sheet};
use crate::experiment::RunResult;
use crate::kpi::{Table, Values};
use crate::report::Report;
use crate::stats::Estimate;
use std::io::{self, Write};

/// The workbook report of a run.
pub struct XlsxReport;

/// The key columns, then three per KPI of table `S`.
fn columns<S: Table>(keys: &[Column]) -> Vec<Column> {
    let mut cols = keys.to_vec();
    for d in S::DEFS {
        cols.push(Column::with_unit(d.name, d.unit));
        cols.push(Column::unit_not_shown(&format!("{} ci_low", d.name), d.unit));
        cols.push(Column::unit_not_shown(&format!("{} ci_high", d.name), d.unit));
    }
    cols
}

/// `keys` followed by each KPI's mean, ci_low, ci_high.
fn kpi_row<'a, S: Table>(keys: &[Cell<'a>], v: &Values<S, Estimate>) -> Vec<Cell<'a>> {
    let mut row = keys.to_vec();
    for (_, e) in v.named() {
        row.extend([Cell::Number(e.mean), Cell::Number(e.ci_low), Cell::Number(e.ci_high)]);
    }
    row
}

/// The `day` (1-based), `date` and (when `weekday`) `weekday` columns.
fn day_columns(weekday: bool) -> Vec<Column> {
    let mut c = vec![Column::plain("day"), Column::plain("date")];
    if weekday {
        c.push(Column::plain("weekday"));
    }
    c
}

fn text(s: Option<&str>) -> Cell<'_> {
    s.map_or(Cell::Empty, Cell::Text)
}

/// A sheet of `rows`, each made by `row`, written only when there are rows.
fn sheet<T>(
    book: &mut Book,
    name: &str,
    cols: Vec<Column>,
    keys: u16,
    rows: &[T],
    row: impl Fn(&mut Sheet<'_>, &T) -> io::Result<()>,
) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut s = book.sheet(name, cols, keys)?;
    for r in rows {
        row(&mut s, r)?;
    }
    s.finish()
}

fn summary(book: &mut Book, r: &RunResult) -> io::Result<()> {
    let mut cols = columns::<crate::kpi::QueueKpis>(&[Column::plain("scope"), Column::plain("queue")]);
    for q in ["sl_p5", "sl_p50", "sl_p95"] {
        cols.push(Column::with_unit(q, "share 0–1"));
    }
    cols.extend([
        Column::with_unit("target_service_level", "share 0–1"),
        Column::with_unit("answered_within", "s"),
        Column::plain("sl_definition"),
        Column::with_unit("max_asa", "s"),
        Column::with_unit("max_abandon_rate", "share 0–1"),
    ]);
    let mut s = book.sheet("summary", cols, 2)?;
    let mut row = kpi_row(&[Cell::Text("total"), Cell::Empty], &r.total);
    let risk = &r.total_risk;
    row.extend([Cell::Number(risk.sl_p5), Cell::Number(risk.sl_p50), Cell::Number(risk.sl_p95)]);
    s.row(&row)?;
    for q in &r.queues {
        let mut row = kpi_row(&[Cell::Text("queue"), Cell::Text(&q.id)], &q.kpis);
        let risk = &q.risk;
        row.extend([Cell::Number(risk.sl_p5), Cell::Number(risk.sl_p50), Cell::Number(risk.sl_p95)]);
        row.extend([
            Cell::Number(q.sl_target),
            Cell::Number(q.sl_threshold_s),
            Cell::Text(q.sl_definition.name()),
            q.max_asa_s.map_or(Cell::Empty, Cell::Number),
            q.max_abandon_rate.map_or(Cell::Empty, Cell::Number),
        ]);
        s.row(&row)?;
    }
    s.finish()
}

impl Report for XlsxReport {
    fn write(&self, r: &RunResult, _intervals: bool, out: &mut dyn Write) -> io::Result<()> {
        use crate::kpi::{GroupKpis, QueueKpis, ServedKpis};
        let mut book = Book::new();
        summary(&mut book, r)?;
        let by_id = |what: &str| vec![Column::plain(what)];
        sheet(&mut book, "groups", columns::<GroupKpis>(&by_id("group")), 1, &r.groups, |s, g| {
            s.row(&kpi_row(&[Cell::Text(&g.id)], &g.kpis))
        })?;
        sheet(&mut book, "sites", columns::<GroupKpis>(&by_id("site")), 1, &r.sites, |s, x| {
            s.row(&kpi_row(&[Cell::Text(&x.id)], &x.kpis))
        })?;
        sheet(&mut book, "regions", columns::<QueueKpis>(&by_id("region")), 1, &r.regions, |s, x| {
            s.row(&kpi_row(&[Cell::Text(&x.id)], &x.kpis))
        })?;
        let mut cols = day_columns(true);
        cols.push(Column::plain("closed"));
        sheet(&mut book, "days", columns::<QueueKpis>(&cols), 3, &r.per_day, |s, d| {
            let keys = [
                Cell::Number((d.day + 1) as f64),
                text(d.date.as_deref()),
                text(d.weekday.as_deref()),
                Cell::Text(if d.closed { "closed" } else { "" }),
            ];
            s.row(&kpi_row(&keys, &d.total))
        })?;
        let mut cols = day_columns(false);
        cols.push(Column::plain("queue"));
        sheet(&mut book, "day_queues", columns::<QueueKpis>(&cols), 3, &r.per_day, |s, d| {
            for (q, v) in r.queues.iter().zip(&d.queues) {
                s.row(&kpi_row(&[Cell::Number((d.day + 1) as f64), text(d.date.as_deref()), Cell::Text(&q.id)], v))?;
            }
            Ok(())
        })?;
        let mut cols = day_columns(false);
        cols.push(Column::plain("group"));
        sheet(&mut book, "day_groups", columns::<GroupKpis>(&cols), 3, &r.per_day, |s, d| {
            for (g, v) in r.groups.iter().zip(&d.groups) {
                s.row(&kpi_row(&[Cell::Number((d.day + 1) as f64), text(d.date.as_deref()), Cell::Text(&g.id)], v))?;
            }
            Ok(())
        })?;
        let interval_cols = |what: &str| {
            let mut c = vec![Column::plain(what)];
            c.extend(day_columns(false));
            c.push(Column::plain("start"));
            c
        };
        sheet(&mut book, "intervals", columns::<QueueKpis>(&interval_cols("queue")), 4, &r.intervals, |s, row| {
            let keys = [
                Cell::Text(&r.queues[row.index].id),
                Cell::Number((row.day + 1) as f64),
                text(row.date.as_deref()),
                Cell::Text(&row.start),
            ];
            s.row(&kpi_row(&keys, &row.kpis))
        })?;
        let cols = columns::<GroupKpis>(&interval_cols("group"));
        sheet(&mut book, "group_intervals", cols, 4, &r.group_intervals, |s, row| {
            let keys = [
                Cell::Text(&r.groups[row.index].id),
                Cell::Number((row.day + 1) as f64),
                text(row.date.as_deref()),
                Cell::Text(&row.start),
            ];
            s.row(&kpi_row(&keys, &row.kpis))
        })?;
        let cols = columns::<ServedKpis>(&[Column::plain("group"), Column::plain("queue")]);
        sheet(&mut book, "served", cols, 2, &r.served, |s, x| {
            s.row(&kpi_row(&[Cell::Text(&r.groups[x.group].id), Cell::Text(&r.queues[x.queue].id)], &x.kpis))
        })?;
        if let Some(p) = &r.policy {
            let counters: Vec<_> = crate::report::policy_counters(p).collect();
            let cols = ["counter", "unit", "mean", "ci_low", "ci_high"].map(Column::plain).to_vec();
            sheet(&mut book, "policy", cols, 1, &counters, |s, (name, unit, e)| {
                let n = |x| Cell::NumberIn(x, unit);
                s.row(&[Cell::Text(name), Cell::Text(unit), n(e.mean), n(e.ci_low), n(e.ci_high)])
            })?;
        }
        run_sheet(&mut book, r)?;
        book.finish(out)
    }
}

/// The `run` sheet: what was run and how, one field per row.
fn run_sheet(book: &mut Book, r: &RunResult) -> io::Result<()> {
    let mut s = book.sheet("run", vec![Column::plain("field"), Column::plain("value")], 1)?;
    s.row(&[Cell::Text("ccsim"), Cell::Text(env!("CARGO_PKG_VERSION"))])?;
    s.row(&[Cell::Text("scenario"), Cell::Text(&r.scenario)])?;
    s.row(&[Cell::Text("replications"), Cell::Number(f64::from(r.replications))])?;
    // a seed can pass 2^53: as text, every digit kept
    s.row(&[Cell::Text("seed"), Cell::Text(&r.seed.to_string())])?;
    s.row(&[Cell::Text("days"), Cell::Number(f64::from(r.days))])?;
    s.row(&[Cell::Text("confidence"), Cell::NumberIn(crate::stats::CONFIDENCE, "share 0–1")])?;
    let opt = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Number);
    s.row(&[Cell::Text("threads"), opt(r.execution.threads.map(|t| t as f64))])?;
    s.row(&[Cell::Text("shards"), opt(r.execution.shards.map(f64::from))])?;
    s.finish()
}
