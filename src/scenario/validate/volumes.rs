//! Validation of arrivals: a queue's call volumes per interval from `rate_per_hour`,
//! `per_interval`, `daily_total` with a `profile`, or a CSV column, checked against the limits.
//! Also the CSV reading the roster files share: [`Check::open_csv`] and [`Check::csv_rows`].

use super::super::limits::*;
use super::super::raw::*;
use super::super::*;
use super::Check;

/// What the reader given to [`Check::csv_rows`] makes of one CSV record.
pub(super) enum Row<T> {
    /// Keep this value.
    Keep(T),
    /// Leave the record out and read on (its problem noted).
    Skip,
    /// Stop reading: the whole file is rejected (its problem noted).
    Stop,
}

impl Check {
    /// A per-interval list of one day's length (repeated every day) or the whole horizon's.
    pub(super) fn per_interval<T: Clone>(&mut self, path: &str, values: &[T], h: &Horizon) -> Option<Vec<T>> {
        let n = h.intervals_per_day();
        let total = h.total_intervals();
        if values.len() == total {
            Some(values.to_vec())
        } else if values.len() == n {
            Some(values.iter().cloned().cycle().take(total).collect())
        } else {
            let days = if h.days > 1 { format!(" or {total} ({} days × {n})", h.days) } else { String::new() };
            self.err(path, format!("has {} values: expected {n} (one per interval){days}", values.len()));
            None
        }
    }

    pub(super) fn volumes(
        &mut self,
        path: &str,
        a: &RawArrivals,
        h: &Horizon,
        queue_id: &str,
        base: &Path,
    ) -> Option<Vec<f64>> {
        let sources = [a.rate_per_hour.is_some(), a.per_interval.is_some(), a.daily_total.is_some(), a.csv.is_some()];
        if sources.iter().filter(|s| **s).count() != 1 {
            self.err(
                path,
                "give exactly one of `rate_per_hour`, `per_interval`, `daily_total` (with `profile`) or `csv`".into(),
            );
            return None;
        }
        if a.profile.is_some() && a.daily_total.is_none() {
            self.err(&format!("{path}.profile"), "`profile` goes with `daily_total`".into());
        }
        if a.column.is_some() && a.csv.is_none() {
            self.err(&format!("{path}.column"), "`column` goes with `csv`".into());
        }
        let total = h.total_intervals();
        let vols: Vec<f64> = if let Some(r) = a.rate_per_hour {
            vec![r * h.interval_s / 3600.0; total]
        } else if let Some(v) = &a.per_interval {
            self.per_interval(&format!("{path}.per_interval"), v, h)?
        } else if let Some(t) = &a.daily_total {
            let n = h.intervals_per_day();
            let per_day: Vec<f64> = match t {
                OneOrMany::One(x) => vec![*x; h.days as usize],
                OneOrMany::Many(v) if v.len() == h.days as usize => v.clone(),
                OneOrMany::Many(v) => {
                    self.err(
                        &format!("{path}.daily_total"),
                        format!("has {} values: expected one per day ({})", v.len(), h.days),
                    );
                    return None;
                }
            };
            let profile = a.profile.clone().unwrap_or_else(|| vec![1.0; n]);
            if profile.len() != n {
                self.err(
                    &format!("{path}.profile"),
                    format!("has {} weights: expected {n} (one per interval)", profile.len()),
                );
                return None;
            }
            let sum: f64 = profile.iter().sum();
            if profile.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || sum <= 0.0 {
                self.err(&format!("{path}.profile"), "weights must be non-negative with a positive sum".into());
                return None;
            }
            per_day.iter().flat_map(|d| profile.iter().map(move |w| d * w / sum)).collect()
        } else {
            let file = a.csv.as_deref()?;
            let column = a.column.as_deref().unwrap_or(queue_id);
            let v = self.csv_column(&format!("{path}.csv"), &base.join(file), column)?;
            self.per_interval(&format!("{path}.csv"), &v, h)?
        };
        let mut vols = vols;
        self.day_volumes(path, a, h, &mut vols);
        if let Some((i, v)) = vols.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
            self.err(path, format!("volume of interval {i} is {v}: expected a non-negative number of calls"));
            return None;
        }
        if let Some((i, v)) = vols.iter().enumerate().find(|(_, v)| **v > MAX_CALLS_PER_INTERVAL) {
            self.err(
                path,
                format!(
                    "interval {} expects {v:.0} calls: at most {MAX_CALLS_PER_INTERVAL:.0} per queue and interval",
                    h.interval_label(i)
                ),
            );
            return None;
        }
        Some(vols)
    }

    /// Applies `day_factors` (per weekday, date or day number) and the single-day overrides of
    /// `dates` (a factor, or a total with the day's intraday shape kept) to the volumes.
    fn day_volumes(&mut self, path: &str, a: &RawArrivals, h: &Horizon, vols: &mut [f64]) {
        let n = h.intervals_per_day();
        let mut factor_of: Vec<Option<String>> = vec![None; h.days as usize];
        for (key, f) in a.day_factors.iter().flatten() {
            let p = format!("{path}.day_factors.{key}");
            if !(f.is_finite() && *f >= 0.0) {
                self.err(&p, format!("must be a non-negative factor, got {f}"));
                continue;
            }
            for d in self.day_ref(&p, key, h).unwrap_or_default() {
                if let Some(first) = &factor_of[d] {
                    self.err(&p, format!("{} already has a factor (from `{first}`)", h.day_label(d)));
                    continue;
                }
                factor_of[d] = Some(key.clone());
                vols[d * n..(d + 1) * n].iter_mut().for_each(|v| *v *= f);
            }
        }
        for (key, o) in a.dates.iter().flatten() {
            let p = format!("{path}.dates.{key}");
            let Some(days) = self.day_ref(&p, key, h) else { continue };
            if days.len() != 1 || matches!(crate::calendar::DayRef::parse(key), Ok(crate::calendar::DayRef::Weekday(_)))
            {
                self.err(
                    &p,
                    format!("`{key}` names several days: use a date or a day number here, `day_factors` for weekdays"),
                );
                continue;
            }
            let day = &mut vols[days[0] * n..(days[0] + 1) * n];
            match (o.factor, o.total) {
                (Some(f), None) if f.is_finite() && f >= 0.0 => day.iter_mut().for_each(|v| *v *= f),
                (None, Some(t)) if t.is_finite() && t >= 0.0 => {
                    let sum: f64 = day.iter().sum();
                    if sum > 0.0 {
                        day.iter_mut().for_each(|v| *v *= t / sum);
                    } else if t > 0.0 {
                        self.err(&p, "the day has no calls to scale: give its volumes, or a factor".into());
                    }
                }
                (Some(_), None) | (None, Some(_)) => self.err(&p, "must be a non-negative number".into()),
                _ => self.err(&p, "give exactly one of `factor` and `total`".into()),
            }
        }
    }

    /// Opens a CSV file (`flexible`: rows may differ in length) and reads its header row: a
    /// file that is missing, not a regular file, too large or without a readable header is a
    /// problem at `path`.
    pub(super) fn open_csv(
        &mut self,
        path: &str,
        file: &Path,
        flexible: bool,
    ) -> Option<(csv::Reader<std::fs::File>, csv::StringRecord)> {
        let shown = file.display();
        match std::fs::metadata(file) {
            Ok(m) if !m.is_file() => {
                self.err(path, format!("{shown} is not a regular file"));
                return None;
            }
            Ok(m) if m.len() > MAX_CSV_BYTES => {
                self.err(path, format!("{shown} has {} bytes: at most {MAX_CSV_BYTES}", m.len()));
                return None;
            }
            _ => {}
        }
        let mut rdr = match csv::ReaderBuilder::new().flexible(flexible).from_path(file) {
            Ok(r) => r,
            Err(e) => {
                self.err(path, format!("cannot read CSV file {shown}: {e}"));
                return None;
            }
        };
        match rdr.headers() {
            Ok(h) => {
                let h = h.clone();
                Some((rdr, h))
            }
            Err(e) => {
                self.err(path, format!("{shown}: malformed CSV header: {e}"));
                None
            }
        }
    }

    /// Reads the records of a CSV file opened by [`Check::open_csv`], in order, handing each to
    /// `row` with its line in the file (1-based, blank lines counted) and collecting what it keeps.
    /// A record the CSV reader cannot read is a problem at `path` naming the file (and its line
    /// when `line_in_error`) and ends the reading. `None` when the reading ended early.
    pub(super) fn csv_rows<T>(
        &mut self,
        path: &str,
        file: &Path,
        mut rdr: csv::Reader<std::fs::File>,
        line_in_error: bool,
        mut row: impl FnMut(&mut Self, u64, &csv::StringRecord) -> Row<T>,
    ) -> Option<Vec<T>> {
        let shown = file.display();
        let mut out = Vec::new();
        for rec in rdr.records() {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    let at = match e.position() {
                        Some(p) if line_in_error => format!(":{}", p.line()),
                        _ => String::new(),
                    };
                    self.err(path, format!("{shown}{at}: malformed CSV: {e}"));
                    return None;
                }
            };
            let line = rec.position().map_or(0, |p| p.line());
            match row(self, line, &rec) {
                Row::Keep(v) => out.push(v),
                Row::Skip => {}
                Row::Stop => return None,
            }
        }
        Some(out)
    }

    /// One column of a CSV file as non-negative numbers of calls, one per row; the first cell
    /// that is not one is a problem naming the file, line and column.
    pub(super) fn csv_column(&mut self, path: &str, file: &Path, column: &str) -> Option<Vec<f64>> {
        let shown = file.display();
        let (rdr, headers) = self.open_csv(path, file, false)?;
        let Some(col) = headers.iter().position(|h| h.trim() == column) else {
            let have: Vec<&str> = headers.iter().collect();
            self.err(path, format!("{shown}: no column `{column}` (columns: {})", have.join(", ")));
            return None;
        };
        self.csv_rows(path, file, rdr, true, |c, line, rec| {
            let cell = rec.get(col).unwrap_or("").trim();
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Row::Keep(v),
                _ => {
                    c.err(
                        path,
                        format!(
                            "{shown}:{line}: column `{column}` holds {cell:?}: expected a non-negative number of calls"
                        ),
                    );
                    Row::Stop
                }
            }
        })
    }
}
