//! CSV output in long format: `level,id,start,kpi,mean,ci_low,ci_high`, one row per scope,
//! interval and KPI. `level` is `total`, `queue`, `group`, `interval` or `group_interval`;
//! `start` is empty for whole-horizon rows. Undefined values are empty cells. With a policy,
//! `level` `policy` rows give its counters per replication.

use super::Report;
use crate::experiment::RunResult;
use crate::facts::{GROUP_KPIS, QUEUE_KPIS};
use crate::stats::Estimate;
use std::io::{self, Write};

/// The CSV report.
pub struct CsvReport;

pub(super) fn cell(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// Writes one row per KPI: the `prefix` columns, then `kpi,mean,ci_low,ci_high`.
pub(super) fn rows<W: Write>(
    w: &mut csv::Writer<W>,
    prefix: &[&str],
    names: &[&str],
    kpis: &[Estimate],
) -> io::Result<()> {
    for (name, e) in names.iter().zip(kpis) {
        let mut rec: Vec<String> = prefix.iter().map(|p| p.to_string()).collect();
        rec.extend([name.to_string(), cell(e.mean), cell(e.ci_low), cell(e.ci_high)]);
        w.write_record(&rec)?;
    }
    Ok(())
}

impl Report for CsvReport {
    fn write(&self, r: &RunResult, _intervals: bool, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["level", "id", "start", "kpi", "mean", "ci_low", "ci_high"])?;
        rows(&mut w, &["total", "", ""], &QUEUE_KPIS, &r.total)?;
        for q in &r.queues {
            rows(&mut w, &["queue", &q.id, ""], &QUEUE_KPIS, &q.kpis)?;
        }
        for g in &r.groups {
            rows(&mut w, &["group", &g.id, ""], &GROUP_KPIS, &g.kpis)?;
        }
        for row in &r.intervals {
            rows(&mut w, &["interval", &r.queues[row.index].id, &row.start], &QUEUE_KPIS, &row.kpis)?;
        }
        for row in &r.group_intervals {
            rows(&mut w, &["group_interval", &r.groups[row.index].id, &row.start], &GROUP_KPIS, &row.kpis)?;
        }
        if let Some(p) = &r.policy {
            let names: Vec<&str> = p.names.iter().map(String::as_str).collect();
            rows(&mut w, &["policy", "", ""], &names, &p.values)?;
        }
        w.flush()
    }
}
