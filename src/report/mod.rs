//! Output formats for simulation results: one file per format behind one trait. Reports write
//! to a `Write` they are given; they never print, never touch clap or the file system.

pub mod chart;
mod compare;
pub mod csv;
pub mod html;
mod json;
mod staff;
pub mod status;
pub mod sweep;
pub mod table;
mod variance;
pub mod xlsx;

pub use self::compare::{verdict, write_comparison, write_comparison_coloured};
pub use self::csv::CsvReport;
pub use self::json::{JsonReport, execution_json, run_json};
pub use self::staff::{VerifyRow, write_plan};
pub use self::status::{ReportSettings, Status};
pub use self::table::TableReport;
pub use self::variance::write_variance;

use crate::experiment::RunResult;
use crate::kpi::PolicyResult;
use crate::stats::Estimate;
use std::io::{self, Write};

/// A policy's counters as `(name, estimate)`: the policy table's KPIs, then `actions.<kind>`
/// per action kind.
pub(crate) fn policy_rows(p: &PolicyResult) -> impl Iterator<Item = (String, &Estimate)> {
    policy_counters(p).map(|(n, _, e)| (n, e))
}

/// A policy's counters as `(name, unit, estimate)`, in [`policy_rows`] order; `actions.<kind>`
/// counts actions.
pub(crate) fn policy_counters(p: &PolicyResult) -> impl Iterator<Item = (String, &'static str, &Estimate)> {
    p.values
        .named()
        .map(|(d, e)| (d.name.to_string(), d.unit, e))
        .chain(p.actions.iter().map(|(n, e)| (format!("actions.{n}"), "actions", e)))
}

/// An output format for a [`RunResult`].
pub trait Report {
    /// Writes `r`; `intervals` asks for per-interval detail where the format makes it optional.
    fn write(&self, r: &RunResult, intervals: bool, out: &mut dyn Write) -> io::Result<()>;
}

/// Writes a staffing file (`staffing: { <group>: [agents per interval] }`) that
/// `ccsim run --staffing` reads, after `# ` comment lines.
pub fn write_staffing<'a>(
    comments: &[String],
    curves: impl IntoIterator<Item = (&'a str, &'a [u32])>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for c in comments {
        writeln!(out, "# {c}")?;
    }
    writeln!(out, "staffing:")?;
    for (group, curve) in curves {
        let v: Vec<String> = curve.iter().map(u32::to_string).collect();
        writeln!(out, "  {group}: [{}]", v.join(", "))?;
    }
    Ok(())
}

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable tables.
    Table,
    /// One JSON document.
    Json,
    /// Long-format CSV: one row per (scope, interval, KPI).
    Csv,
    /// An Excel workbook (binary: needs an output file), one sheet per table.
    Xlsx,
}

/// The report for `format`.
pub fn report(format: Format) -> Box<dyn Report> {
    match format {
        Format::Table => Box::new(TableReport::default()),
        Format::Json => Box::new(JsonReport),
        Format::Csv => Box::new(CsvReport),
        Format::Xlsx => Box::new(xlsx::XlsxReport),
    }
}
