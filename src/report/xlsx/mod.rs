//! Excel workbooks (`--format xlsx`), written with `rust_xlsxwriter`: one sheet per table,
//! numbers stored as numbers at full precision and shown through a number format chosen by
//! their unit (shares `0.0%`, seconds, calls and minutes `0.0`, hours `0.00`, currency
//! `#,##0.00`, whole numbers `0`), the unit in the column header (`service_level (share 0–1)`),
//! the header row frozen, bold, wrapped and filterable, columns wide enough to read.
//!
//! Two ways in, sharing [`Sheet`]: [`XlsxReport`] builds a run's sheets from its
//! [`crate::experiment::RunResult`] (module `run`), and [`from_csv`] turns the one CSV table a
//! command already writes into a one-sheet workbook (a cell that [`super::csv`] treats as a
//! number becomes a number). This module writes bytes to the `Write` it is given; it never
//! opens files, so the command line's atomic writing applies unchanged.

mod run;

pub use run::XlsxReport;

use crate::kpi::{GroupKpis, KpiDef, PolicyKpis, QueueKpis, ServedKpis, Table};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;
use std::io::{self, Write};

/// Excel's last row index (1,048,576 rows, header included).
const MAX_ROW: u32 = 1_048_575;

/// Narrowest and widest column, characters.
const WIDTH: (usize, usize) = (7, 40);

/// About how many characters `x` takes when shown in number format `format` (`None`: General).
fn shown_width(x: f64, format: Option<&str>) -> usize {
    let (decimals, scale, extra) = match format {
        Some("0.0%") => (1, 100.0, 1),
        Some("#,##0.00") => (2, 1.0, ((x.abs().max(1.0).log10().floor() as usize) / 3)),
        Some("0.00") => (2, 1.0, 0),
        Some("0.0") => (1, 1.0, 0),
        Some(_) => (0, 1.0, 0),
        None => return format!("{x}").len().min(11),
    };
    format!("{:.*}", decimals, x * scale).len() + extra
}

/// A `rust_xlsxwriter` error as an I/O error, saying it came from the workbook.
fn io_err(e: XlsxError) -> io::Error {
    io::Error::other(format!("writing the workbook: {e}"))
}

/// The number format that shows a value of `unit` (`None`: no unit known); `whole` says the
/// value is a whole number (a count of agents, a day). `None`: Excel's General format.
pub fn number_format(unit: Option<&str>, whole: bool) -> Option<&'static str> {
    match unit {
        Some(u) if u.contains("0–1") => Some("0.0%"),
        Some("currency" | "currency/call") => Some("#,##0.00"),
        Some("h") => Some("0.00"),
        Some("s" | "min" | "calls" | "breaks" | "actions") => Some("0.0"),
        Some("agents" | "erlangs") if !whole => Some("0.00"),
        _ if whole => Some("0"),
        _ => None,
    }
}

/// The unit of the KPI called `name` in any KPI table (queue first, then group, who served
/// whom and policy).
pub fn kpi_unit(name: &str) -> Option<&'static str> {
    fn find<I>(defs: &'static [KpiDef<I>], name: &str) -> Option<&'static str> {
        defs.iter().find(|d| d.name == name).map(|d| d.unit)
    }
    find(QueueKpis::DEFS, name)
        .or_else(|| find(GroupKpis::DEFS, name))
        .or_else(|| find(ServedKpis::DEFS, name))
        .or_else(|| find(PolicyKpis::DEFS, name))
        .or_else(|| name.starts_with("actions.").then_some("actions"))
}

/// A column of a sheet: its header text and the unit that picks its cells' number format.
#[derive(Debug, Clone)]
pub struct Column {
    /// Header text, unit included where it belongs (`asa_seconds (s)`).
    pub header: String,
    /// Unit of the column's numbers (`None`: unknown or text).
    pub unit: Option<String>,
}

impl Column {
    /// A column of text or unitless numbers.
    pub fn plain(name: &str) -> Column {
        Column { header: name.to_string(), unit: None }
    }

    /// A column of numbers in `unit`, the unit shown in the header: `name (unit)`.
    pub fn with_unit(name: &str, unit: &str) -> Column {
        Column { header: format!("{name} ({unit})"), unit: Some(unit.to_string()) }
    }

    /// A column of numbers in `unit` whose header says the unit elsewhere (`asa_seconds ci_low`
    /// beside `asa_seconds (s)`).
    pub fn unit_not_shown(header: &str, unit: &str) -> Column {
        Column { header: header.to_string(), unit: Some(unit.to_string()) }
    }
}

/// One cell of a row.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// Nothing (an undefined value).
    Empty,
    /// Text.
    Text(&'a str),
    /// A number, in its column's unit (`NaN` and infinities are left empty).
    Number(f64),
    /// A number in `unit`, overriding the column's (a long table's mean in the row's unit).
    NumberIn(f64, &'a str),
}

/// A workbook being built: its sheets and the cell formats they share.
pub struct Book {
    wb: Workbook,
    formats: HashMap<&'static str, Format>,
    header: Format,
}

impl Default for Book {
    fn default() -> Self {
        Book::new()
    }
}

impl Book {
    /// An empty workbook.
    pub fn new() -> Book {
        let header =
            Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_border_bottom(FormatBorder::Thin);
        Book { wb: Workbook::new(), formats: HashMap::new(), header }
    }

    /// Adds a sheet called `name` whose first row is `columns`' headers, frozen with the first
    /// `keys` columns (the row's labels stay in sight when scrolling right).
    pub fn sheet(&mut self, name: &str, columns: Vec<Column>, keys: u16) -> io::Result<Sheet<'_>> {
        let ws = self.wb.add_worksheet();
        ws.set_name(name).map_err(io_err)?;
        for (c, col) in columns.iter().enumerate() {
            ws.write_string_with_format(0, col_index(c)?, &col.header, &self.header).map_err(io_err)?;
        }
        ws.set_freeze_panes(1, keys.min(col_index(columns.len())?)).map_err(io_err)?;
        let widths = columns.iter().map(|c| header_width(&c.header)).collect();
        let lines = columns.iter().map(|c| c.header.split(' ').count()).max().unwrap_or(1).min(4);
        ws.set_row_height(0, 15 * lines as u32).map_err(io_err)?;
        Ok(Sheet { ws, formats: &mut self.formats, name: name.to_string(), columns, widths, row: 0 })
    }

    /// Writes the workbook (an `.xlsx` file's bytes) to `out`.
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        let bytes = self.wb.save_to_buffer().map_err(io_err)?;
        out.write_all(&bytes)
    }
}

/// A sheet being filled row by row.
pub struct Sheet<'a> {
    ws: &'a mut Worksheet,
    formats: &'a mut HashMap<&'static str, Format>,
    name: String,
    columns: Vec<Column>,
    widths: Vec<usize>,
    row: u32,
}

fn col_index(c: usize) -> io::Result<u16> {
    u16::try_from(c).ok().filter(|c| *c < 16_384).ok_or_else(|| io::Error::other("more than 16,384 columns"))
}

/// The width a header needs when wrapped at its spaces: its longest word.
fn header_width(h: &str) -> usize {
    h.split(' ').map(|w| w.chars().count()).max().unwrap_or(0)
}

impl Sheet<'_> {
    /// Appends a row; cells beyond the columns are refused.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        if self.row >= MAX_ROW {
            return Err(io::Error::other(format!(
                "sheet `{}` would have more than Excel's {} rows: use --format csv",
                self.name,
                MAX_ROW + 1
            )));
        }
        if cells.len() > self.columns.len() {
            return Err(io::Error::other(format!("sheet `{}`: a row longer than its header", self.name)));
        }
        self.row += 1;
        for (c, cell) in cells.iter().enumerate() {
            let col = col_index(c)?;
            let (x, unit) = match *cell {
                Cell::Empty => continue,
                Cell::Text(t) => {
                    if !t.is_empty() {
                        self.ws.write_string(self.row, col, t).map_err(io_err)?;
                        self.widths[c] = self.widths[c].max(t.chars().count());
                    }
                    continue;
                }
                Cell::Number(x) => (x, self.columns[c].unit.as_deref()),
                Cell::NumberIn(x, u) => (x, Some(u).filter(|u| !u.is_empty())),
            };
            if !x.is_finite() {
                continue;
            }
            let whole = x.fract() == 0.0 && x.abs() < 1e15;
            let f = number_format(unit, whole);
            match f {
                Some(f) => {
                    let format = self.formats.entry(f).or_insert_with(|| Format::new().set_num_format(f));
                    self.ws.write_number_with_format(self.row, col, x, format).map_err(io_err)?;
                }
                None => {
                    self.ws.write_number(self.row, col, x).map_err(io_err)?;
                }
            }
            self.widths[c] = self.widths[c].max(shown_width(x, f));
        }
        Ok(())
    }

    /// Sets the column widths from what was written and a filter on the header row. Call once,
    /// after the last row.
    pub fn finish(self) -> io::Result<()> {
        for (c, w) in self.widths.iter().enumerate() {
            self.ws.set_column_width(col_index(c)?, (*w).clamp(WIDTH.0, WIDTH.1) as f64 + 1.0).map_err(io_err)?;
        }
        if !self.columns.is_empty() {
            self.ws.autofilter(0, 0, self.row, col_index(self.columns.len() - 1)?).map_err(io_err)?;
        }
        Ok(())
    }
}

/// The unit of a CSV column called `name`: `units` (the command's own columns) first, then the
/// KPI tables, a `<kpi>_ci_low` / `<kpi>_ci_high` column taking its KPI's unit and a bare
/// `ci_low` / `ci_high` / `ci_half_width` the unit of the column `before` it.
fn csv_unit(name: &str, units: &[(&str, &str)], before: Option<&str>) -> Option<String> {
    if let Some((_, u)) = units.iter().find(|(n, _)| *n == name) {
        return Some(u.to_string());
    }
    let base = name.strip_suffix("_ci_low").or_else(|| name.strip_suffix("_ci_high")).unwrap_or(name);
    if let Some(u) = kpi_unit(base) {
        return Some(u.to_string());
    }
    matches!(name, "ci_low" | "ci_high" | "ci_half_width").then(|| before.map(str::to_string)).flatten()
}

/// Writes the one CSV table `body` writes (C locale, full precision) as a workbook of one sheet
/// called `sheet` to `out`. Headers get their unit from `units` (`(column, unit)`, for columns
/// that are not KPIs) or the KPI tables; in a long table with a `unit` column, the `mean`,
/// `ci_low` and `ci_high` cells are formatted in their row's unit. Cells that read as numbers
/// are written as numbers, the rest as text.
pub fn from_csv(
    sheet: &str,
    units: &[(&str, &str)],
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut buf = Vec::new();
    body(&mut buf)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(buf.as_slice());
    let mut records = reader.records();
    let head = match records.next() {
        Some(h) => h.map_err(io::Error::other)?,
        None => csv::StringRecord::new(),
    };
    let names: Vec<&str> = head.iter().collect();
    let unit_col = names.iter().position(|n| *n == "unit");
    let per_row = |n: &str| unit_col.is_some() && matches!(n, "mean" | "ci_low" | "ci_high");
    let mut columns: Vec<Column> = Vec::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        let before = columns.get(i.wrapping_sub(1)).and_then(|c: &Column| c.unit.clone());
        let col = match csv_unit(n, units, before.as_deref()) {
            Some(u) if !per_row(n) => Column::with_unit(n, &u),
            _ => Column::plain(n),
        };
        columns.push(col);
    }
    let keys =
        names.iter().take_while(|n| matches!(**n, "variant" | "value" | "level" | "id" | "queue" | "group")).count();
    let mut book = Book::new();
    let mut s = book.sheet(sheet, columns, keys as u16)?;
    for rec in records {
        let rec = rec.map_err(io::Error::other)?;
        let unit = unit_col.and_then(|u| rec.get(u)).unwrap_or_default();
        let cells: Vec<Cell<'_>> = rec
            .iter()
            .zip(&names)
            .map(|(text, name)| match text.parse::<f64>() {
                Ok(x) if super::csv::is_number(text) && per_row(name) => Cell::NumberIn(x, unit),
                Ok(x) if super::csv::is_number(text) => Cell::Number(x),
                _ => Cell::Text(text),
            })
            .collect();
        s.row(&cells)?;
    }
    s.finish()?;
    book.finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_pick_the_number_formats() {
        assert_eq!(number_format(Some("share 0–1"), false), Some("0.0%"));
        assert_eq!(number_format(Some("probability 0–1"), true), Some("0.0%"));
        assert_eq!(number_format(Some("s"), false), Some("0.0"));
        assert_eq!(number_format(Some("calls"), true), Some("0.0"));
        assert_eq!(number_format(Some("currency"), false), Some("#,##0.00"));
        assert_eq!(number_format(Some("h"), false), Some("0.00"));
        assert_eq!(number_format(Some("agents"), true), Some("0"));
        assert_eq!(number_format(Some("agents"), false), Some("0.00"));
        assert_eq!(number_format(None, true), Some("0"));
        assert_eq!(number_format(None, false), None);
    }

    #[test]
    fn columns_are_as_wide_as_the_numbers_shown() {
        assert_eq!(shown_width(1234567.891, Some("#,##0.00")), "1,234,567.89".len());
        assert_eq!(shown_width(0.8123, Some("0.0%")), "81.2%".len());
        assert_eq!(shown_width(14.0, Some("0")), 2);
        assert_eq!(shown_width(0.1 + 0.2, None), 11);
    }

    #[test]
    fn csv_columns_get_units_from_the_kpi_tables_and_the_command() {
        assert_eq!(csv_unit("service_level", &[], None).as_deref(), Some("share 0–1"));
        assert_eq!(csv_unit("asa_seconds_ci_high", &[], None).as_deref(), Some("s"));
        assert_eq!(csv_unit("paid_hours", &[], None).as_deref(), Some("h"));
        assert_eq!(csv_unit("ci_low", &[], Some("share 0–1")).as_deref(), Some("share 0–1"));
        assert_eq!(csv_unit("required", &[("required", "agents")], None).as_deref(), Some("agents"));
        assert_eq!(csv_unit("start", &[], None), None);
    }

    #[test]
    fn a_csv_table_becomes_a_workbook() {
        let mut out = Vec::new();
        let csv = "group,start,agents,service_level,ci_low,ci_high\nsales,08:00,14,0.81,0.8,0.82\n";
        from_csv("t", &[("agents", "agents")], |w| w.write_all(csv.as_bytes()), &mut out).unwrap();
        assert!(out.starts_with(b"PK"), "a zip archive");
    }
}
