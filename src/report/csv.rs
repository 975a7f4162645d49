//! CSV output in long format: `level,id,day,date,start,kpi,mean,ci_low,ci_high,unit`, one row
//! per scope, day or interval, and KPI. `level` is `total`, `queue`, `group`, `site`, `region`,
//! `day` (all queues that day), `day_queue`, `day_group`, `interval` or `group_interval`; `day`
//! is the 1-based day of the horizon and `date` its date (empty when undated), both empty for
//! whole-horizon rows; `start` is empty except on interval rows. `unit` is the KPI's unit from
//! its table (`share 0–1`, `s`, `calls`, `h`, `min`, `agents`, `currency`, …), last so that the
//! earlier columns keep their positions. Undefined values are empty cells. `level` `served` rows
//! (id `group:queue`) say who served whom. With a policy, `level` `policy` rows give its
//! counters per replication. The last rows, `level` `run` (id: the ccsim version, no unit), say
//! how the run was executed: `replications`, `seed`, `threads`, `shards`. KPI names and order
//! come from the tables in [`crate::kpi`].
//!
//! [`localize`] rewrites any command's C-locale CSV for a spreadsheet's locale: numbers rounded
//! to 6 significant digits (whole numbers, such as counts and seeds, kept whole) in both
//! locales, `;` and a decimal comma for Italian spreadsheets.

use super::Report;
use crate::experiment::RunResult;
use crate::kpi::{Table, Values};
use crate::stats::Estimate;
use std::io::{self, Write};

/// The CSV report.
pub struct CsvReport;

pub(super) fn cell(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// The columns after a long-format row's prefix: `kpi,mean,ci_low,ci_high,unit`.
pub(super) const KPI_COLUMNS: [&str; 5] = ["kpi", "mean", "ci_low", "ci_high", "unit"];

/// Writes one row per KPI: the `prefix` columns, then [`KPI_COLUMNS`].
pub(super) fn rows<W: Write, S: Table>(
    w: &mut csv::Writer<W>,
    prefix: &[&str],
    kpis: &Values<S, Estimate>,
) -> io::Result<()> {
    named_rows(w, prefix, kpis.named().map(|(d, e)| (d.name.to_string(), d.unit, e)))
}

/// Writes one row per `(name, unit, estimate)`: the `prefix` columns, then [`KPI_COLUMNS`].
pub(super) fn named_rows<'a, W: Write>(
    w: &mut csv::Writer<W>,
    prefix: &[&str],
    kpis: impl Iterator<Item = (String, &'static str, &'a Estimate)>,
) -> io::Result<()> {
    for (name, unit, e) in kpis {
        let mut rec: Vec<String> = prefix.iter().map(|p| p.to_string()).collect();
        rec.extend([name, cell(e.mean), cell(e.ci_low), cell(e.ci_high), unit.to_string()]);
        w.write_record(&rec)?;
    }
    Ok(())
}

/// The `day` and `date` cells of a day (0-based `day`): `"3"`, `"2026-12-09"` (empty when undated).
pub(super) fn day_cells(day: usize, date: Option<&str>) -> [String; 2] {
    [(day + 1).to_string(), date.unwrap_or_default().to_string()]
}

impl Report for CsvReport {
    fn write(&self, r: &RunResult, _intervals: bool, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let head = ["level", "id", "day", "date", "start"];
        w.write_record(head.iter().chain(&KPI_COLUMNS))?;
        rows(&mut w, &["total", "", "", "", ""], &r.total)?;
        for q in &r.queues {
            rows(&mut w, &["queue", &q.id, "", "", ""], &q.kpis)?;
        }
        for g in &r.groups {
            rows(&mut w, &["group", &g.id, "", "", ""], &g.kpis)?;
        }
        for x in &r.sites {
            rows(&mut w, &["site", &x.id, "", "", ""], &x.kpis)?;
        }
        for x in &r.regions {
            rows(&mut w, &["region", &x.id, "", "", ""], &x.kpis)?;
        }
        for d in &r.per_day {
            let [day, date] = day_cells(d.day, d.date.as_deref());
            rows(&mut w, &["day", "", &day, &date, ""], &d.total)?;
            for (q, v) in r.queues.iter().zip(&d.queues) {
                rows(&mut w, &["day_queue", &q.id, &day, &date, ""], v)?;
            }
            for (g, v) in r.groups.iter().zip(&d.groups) {
                rows(&mut w, &["day_group", &g.id, &day, &date, ""], v)?;
            }
        }
        for row in &r.intervals {
            let [day, date] = day_cells(row.day, row.date.as_deref());
            rows(&mut w, &["interval", &r.queues[row.index].id, &day, &date, &row.start], &row.kpis)?;
        }
        for row in &r.group_intervals {
            let [day, date] = day_cells(row.day, row.date.as_deref());
            rows(&mut w, &["group_interval", &r.groups[row.index].id, &day, &date, &row.start], &row.kpis)?;
        }
        for s in &r.served {
            let id = format!("{}:{}", r.groups[s.group].id, r.queues[s.queue].id);
            rows(&mut w, &["served", &id, "", "", ""], &s.kpis)?;
        }
        if let Some(p) = &r.policy {
            named_rows(&mut w, &["policy", "", "", "", ""], super::policy_counters(p))?;
        }
        // how the run was executed, last: `run` rows with the ccsim version as id (a value that
        // was not recorded is an empty cell)
        let version = env!("CARGO_PKG_VERSION");
        let opt = |x: Option<u64>| x.map_or(String::new(), |x| x.to_string());
        for (kpi, value) in [
            ("replications", r.replications.to_string()),
            ("seed", r.seed.to_string()),
            ("threads", opt(r.execution.threads.map(|t| t as u64))),
            ("shards", opt(r.execution.shards.map(u64::from))),
        ] {
            w.write_record(["run", version, "", "", "", kpi, &value, "", "", ""])?;
        }
        w.flush()
    }
}

/// The CSV conventions of a spreadsheet's locale. Both round numbers to 6 significant digits
/// (whole numbers are kept whole), so both hold the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvLocale {
    /// `,` between cells, `.` in numbers (what programs and most spreadsheets read).
    #[default]
    C,
    /// Italian spreadsheets: `;` between cells, a decimal comma, numbers rounded to 6
    /// significant digits.
    It,
}

/// Significant digits kept in CSV numbers: a simulated KPI's confidence interval is far wider
/// than the sixth digit, so more digits would only be noise.
pub const SIGNIFICANT: i32 = 6;

/// `x` rounded to `SIGNIFICANT` digits, without trailing zeros, with `sep` as the decimal mark.
fn round_significant(x: f64, sep: char) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x == 0.0 { "0".into() } else { String::new() };
    }
    let decimals = SIGNIFICANT - 1 - x.abs().log10().floor() as i32;
    let text = if decimals > 0 {
        let t = format!("{:.*}", decimals.min(15) as usize, x);
        let t = t.trim_end_matches('0').trim_end_matches('.').to_string();
        if t == "-0" { "0".to_string() } else { t }
    } else {
        let step = 10f64.powi(-decimals);
        format!("{:.0}", (x / step).round() * step)
    };
    text.replace('.', &sep.to_string())
}

/// Whether a cell is a number as the C-locale CSV writes it (not a date, a clock time or text).
pub(crate) fn is_number(cell: &str) -> bool {
    !cell.is_empty()
        && cell.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && cell.bytes().any(|b| b.is_ascii_digit())
        && cell.parse::<f64>().is_ok()
}

/// Whether a number cell is a whole number written without a decimal point or an exponent
/// (a count, a seed): kept digit for digit.
fn is_whole(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Rewrites CSV written at full precision in the C locale for `locale`: the separator, the
/// decimal mark and the rounding of number cells to [`SIGNIFICANT`] digits (whole numbers are
/// kept whole); text, dates and clock times are kept as they are.
pub fn localize(input: &[u8], locale: CsvLocale) -> io::Result<Vec<u8>> {
    let (delimiter, mark) = match locale {
        CsvLocale::C => (b',', '.'),
        CsvLocale::It => (b';', ','),
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut out = csv::WriterBuilder::new().delimiter(delimiter).flexible(true).from_writer(Vec::new());
    for rec in reader.records() {
        let rec = rec.map_err(io::Error::other)?;
        let cells: Vec<String> = rec
            .iter()
            .map(|c| match c {
                c if is_number(c) && is_whole(c) => c.to_string(),
                c if is_number(c) => round_significant(c.parse::<f64>().unwrap_or(0.0), mark),
                c => c.to_string(),
            })
            .collect();
        out.write_record(&cells)?;
    }
    out.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn it(s: &str) -> String {
        String::from_utf8(localize(s.as_bytes(), CsvLocale::It).unwrap()).unwrap()
    }

    #[test]
    fn numbers_get_a_decimal_comma_and_six_significant_digits() {
        assert_eq!(it("kpi,mean\nsl,0.8123456789\n"), "kpi;mean\nsl;0,812346\n");
        assert_eq!(
            it("a,b,c,d\n4805.123456,-0.000123456789,12,1e-9\n"),
            "a;b;c;d\n4805,12;-0,000123457;12;0,000000001\n"
        );
        assert_eq!(it("x\n1234567.8\n"), "x\n1234570\n");
        assert_eq!(it("x\n0\n"), "x\n0\n");
    }

    #[test]
    fn dates_times_text_and_empty_cells_are_kept() {
        assert_eq!(
            it("day,date,start,id,v\n3,2026-12-09,08:30,queue a,\n"),
            "day;date;start;id;v\n3;2026-12-09;08:30;queue a;\n"
        );
        // a text cell holding the new separator is quoted
        assert_eq!(it("id,v\n\"a,b;c\",1.5\n"), "id;v\n\"a,b;c\";1,5\n");
    }

    #[test]
    fn the_c_locale_rounds_the_same_numbers_and_keeps_the_rest() {
        let c = |s: &str| String::from_utf8(localize(s.as_bytes(), CsvLocale::C).unwrap()).unwrap();
        assert_eq!(c("a,b,c\n0.8123456789,x,08:30\n"), "a,b,c\n0.812346,x,08:30\n");
        assert_eq!(c("id,v\n\"a,b\",1234567.8\n"), "id,v\n\"a,b\",1234570\n");
    }

    #[test]
    fn whole_numbers_such_as_seeds_are_kept_whole() {
        assert_eq!(it("seed,n,x\n20261207123,-15,2.0\n"), "seed;n;x\n20261207123;-15;2\n");
    }
}
