//! Validation of the calendar keys: closed days, day references and day lists, shift codes
//! (shifts crossing midnight included), shift times, and rosters written inline or read from a
//! CSV file.

use super::super::raw::*;
use super::super::*;
use super::Check;
use super::volumes::Row;
use crate::calendar::DayRef;
use crate::time::DAY_S;

/// What a roster day off is written as.
fn is_day_off(token: &str) -> bool {
    matches!(token.trim(), "" | "-")
}

impl Check {
    /// The days one reference names (`Wed`, `2026-12-09`, `d3`), or `None` with the problem noted.
    pub(super) fn day_ref(&mut self, path: &str, text: &str, h: &Horizon) -> Option<Vec<usize>> {
        DayRef::parse(text)
            .and_then(|r| h.resolve(r))
            .map_err(|m| {
                if !m.contains("the horizon has no dates") {
                    self.err(path, m);
                } else {
                    self.undated_refs += 1;
                    if self.undated_refs == 1 {
                        self.err(path, m);
                    }
                }
            })
            .ok()
    }

    /// A list of day references as a mask over the horizon's days.
    pub(super) fn day_mask(&mut self, path: &str, refs: &[String], h: &Horizon) -> Option<Vec<bool>> {
        let mut mask = vec![false; h.days as usize];
        let mut ok = true;
        for (i, r) in refs.iter().enumerate() {
            match self.day_ref(&format!("{path}[{i}]"), r, h) {
                Some(days) => days.into_iter().for_each(|d| mask[d] = true),
                None => ok = false,
            }
        }
        ok.then_some(mask)
    }

    /// Marks the horizon's closed days (`closed:`).
    pub(super) fn closed_days(&mut self, refs: Option<&[String]>, h: &mut Horizon) {
        if let Some(refs) = refs
            && let Some(mask) = self.day_mask("closed", refs, h)
        {
            h.closed = mask;
        }
    }

    /// Start, end and breaks of a shift. An end at or before the start is on the next day (the
    /// shift crosses midnight), which needs a horizon open at midnight (00:00–24:00); breaks
    /// before the start are then after midnight. Breaks must lie inside the shift and not overlap.
    pub(super) fn shift_times(
        &mut self,
        path: &str,
        start: &str,
        end: &str,
        raw_breaks: &[RawBreak],
        h: Option<&Horizon>,
    ) -> Option<(f64, f64, Vec<Break>)> {
        let start_s = self.clock(&format!("{path}.start"), start);
        let end_s = self.clock(&format!("{path}.end"), end);
        let (start_s, mut end_s) = (start_s?, end_s?);
        let crosses = end_s <= start_s;
        if crosses {
            end_s += DAY_S;
        }
        let mut breaks = Vec::new();
        for (i, b) in raw_breaks.iter().enumerate() {
            let p = format!("{path}.breaks[{i}]");
            let bs = self.clock(&format!("{p}.start"), &b.start);
            let len = self.duration(&format!("{p}.length"), &b.length);
            if let (Some(mut bs), Some(len)) = (bs, len) {
                if len <= 0.0 {
                    self.err(&format!("{p}.length"), "must be positive".into());
                }
                if crosses && bs < start_s {
                    bs += DAY_S;
                }
                breaks.push((p, Break { start_s: bs, length_s: len }));
            }
        }
        if let Some(h) = h {
            let (open, close) = (crate::time::format_clock(h.start_s), crate::time::format_clock(h.end_s));
            if crosses && (h.start_s > 0.0 || h.end_s < DAY_S) {
                self.err(
                    path,
                    format!(
                        "shift {start}–{end} ends before it starts, so it crosses midnight: that needs a horizon open at midnight (start \"00:00\", end \"24:00\"), not {open}–{close}"
                    ),
                );
            } else if !crosses && (start_s < h.start_s || end_s > h.end_s) {
                self.err(path, format!("shift {start}–{end} lies outside the horizon {open}–{close}"));
            }
        }
        breaks.sort_by(|a, b| a.1.start_s.total_cmp(&b.1.start_s));
        let mut last_end = start_s;
        for (p, b) in &breaks {
            let at = crate::time::format_clock(b.start_s % DAY_S);
            if b.start_s < start_s || b.start_s + b.length_s > end_s {
                self.err(p, format!("break at {at} lies outside its shift {start}–{end}"));
            } else if b.start_s < last_end {
                self.err(p, format!("break at {at} overlaps the previous break"));
            }
            last_end = b.start_s + b.length_s;
        }
        Some((start_s, end_s, breaks.into_iter().map(|(_, b)| b).collect()))
    }

    /// The `shift_codes` section.
    pub(super) fn shift_codes(
        &mut self,
        raw: Option<&std::collections::BTreeMap<String, RawShiftCode>>,
        h: Option<&Horizon>,
    ) -> Vec<ShiftCode> {
        let mut out = Vec::new();
        for (code, c) in raw.into_iter().flatten() {
            let path = format!("shift_codes.{code}");
            if is_day_off(code) || code.contains(char::is_whitespace) || code.contains(',') || code.contains(';') {
                self.err(
                    &path,
                    format!(
                        "{code:?} cannot be a shift code: `-` and empty mean a day off; no spaces, commas or semicolons"
                    ),
                );
                continue;
            }
            if let Some((start_s, end_s, breaks)) = self.shift_times(&path, &c.start, &c.end, &c.breaks, h) {
                out.push(ShiftCode { code: code.clone(), start_s, end_s, breaks });
            }
        }
        out
    }

    /// A shift code by name, or `None` with a problem listing the codes.
    fn code<'a>(&mut self, path: &str, code: &str, codes: &'a [ShiftCode]) -> Option<&'a ShiftCode> {
        let found = codes.iter().find(|c| c.code == code.trim());
        if found.is_none() {
            let known: Vec<&str> = codes.iter().map(|c| c.code.as_str()).collect();
            let known = if known.is_empty() { "none: add `shift_codes`".to_string() } else { known.join(", ") };
            self.err(path, format!("unknown shift code `{}` (codes: {known}; `-` is a day off)", code.trim()));
        }
        found
    }

    /// One entry of `shifts`: times of its own or a `code`, and its days.
    pub(super) fn shift(
        &mut self,
        path: &str,
        s: &RawShift,
        h: Option<&Horizon>,
        codes: &[ShiftCode],
    ) -> Option<Shift> {
        let days = match (&s.days, h) {
            (Some(d), Some(h)) => Some(self.day_mask(&format!("{path}.days"), d, h)?),
            _ => None,
        };
        match (&s.code, &s.start, &s.end) {
            (Some(code), None, None) => {
                if !s.breaks.is_empty() {
                    self.err(&format!("{path}.breaks"), format!("a coded shift takes its breaks from code `{code}`"));
                }
                Some(self.code(&format!("{path}.code"), code, codes)?.shift(s.count, days))
            }
            (None, Some(start), Some(end)) => {
                let (start_s, end_s, breaks) = self.shift_times(path, start, end, &s.breaks, h)?;
                Some(Shift { start_s, end_s, count: s.count, breaks, days })
            }
            _ => {
                self.err(path, "give `start` and `end`, or a `code` of `shift_codes`".into());
                None
            }
        }
    }

    /// A roster, inline or from a CSV file: one shift code (or `-`) per day of the horizon; an
    /// agent working on a closed day is a problem.
    pub(super) fn roster(
        &mut self,
        path: &str,
        r: &RawRoster,
        h: &Horizon,
        codes: &[ShiftCode],
        base: &Path,
    ) -> Vec<RosterAgent> {
        let entries: Vec<(String, RawRosterEntry)> = match r {
            RawRoster::Entries(v) => v.iter().enumerate().map(|(i, e)| (format!("{path}[{i}]"), e.clone())).collect(),
            RawRoster::File(f) => match self.roster_csv(path, &base.join(f), h) {
                Some(v) => v,
                None => return Vec::new(),
            },
        };
        let n = h.days as usize;
        let mut out = Vec::new();
        for (p, e) in entries {
            if e.agent.trim().is_empty() {
                self.err(&format!("{p}.agent"), "must not be empty".into());
            }
            if e.days.len() != n {
                self.err(
                    &format!("{p}.days"),
                    format!("has {} days: expected {n}, one shift code or `-` per day of the horizon", e.days.len()),
                );
                continue;
            }
            let mut days = Vec::with_capacity(n);
            for (d, token) in e.days.iter().enumerate() {
                let dp = format!("{p}.days[{d}]");
                if is_day_off(token) {
                    days.push(None);
                    continue;
                }
                let code = self.code(&dp, token, codes).cloned();
                if code.is_some() && !h.is_open(d) {
                    self.err(&dp, format!("{} works `{}` on {}, a closed day", e.agent, token.trim(), h.day_label(d)));
                }
                days.push(code);
            }
            out.push(RosterAgent { name: e.agent.trim().to_string(), days });
        }
        out
    }

    /// Reads a roster CSV: a first column `agent`, then one column per day of the horizon headed
    /// by its date (`2026-12-07`), weekday (`Mon`) or number (`d1`), in order. Problems name the
    /// file, line and column; the entries' paths are `<path>(<file>:<line>)`.
    fn roster_csv(&mut self, path: &str, file: &Path, h: &Horizon) -> Option<Vec<(String, RawRosterEntry)>> {
        let shown = file.display().to_string();
        let (rdr, headers) = self.open_csv(path, file, true)?;
        let n = h.days as usize;
        if !headers.get(0).is_some_and(|c| c.trim().eq_ignore_ascii_case("agent")) {
            self.err(path, format!("{shown}:1: the first column must be `agent`, then one column per day"));
            return None;
        }
        if headers.len() != n + 1 {
            self.err(
                path,
                format!("{shown}:1: {} day columns: expected {n}, one per day of the horizon", headers.len() - 1),
            );
            return None;
        }
        for d in 0..n {
            let head = headers.get(d + 1).unwrap_or("").trim();
            let fits = match DayRef::parse(head) {
                Ok(DayRef::Number(k)) => k as usize == d + 1,
                Ok(DayRef::Date(date)) => h.date(d) == Some(date),
                Ok(DayRef::Weekday(w)) => h.weekday(d) == Some(crate::calendar::weekday_name(w)),
                _ => false,
            };
            if !fits {
                self.err(
                    path,
                    format!(
                        "{shown}:1: column {} is headed {head:?}: expected day {} of the horizon ({}, or d{})",
                        d + 2,
                        d + 1,
                        h.day_label(d),
                        d + 1
                    ),
                );
                return None;
            }
        }
        self.csv_rows(path, file, rdr, false, |c, line, rec| {
            if rec.len() != n + 1 {
                c.err(path, format!("{shown}:{line}: {} cells: expected {} (agent and one per day)", rec.len(), n + 1));
                return Row::Skip;
            }
            Row::Keep((
                format!("{path}({shown}:{line})"),
                RawRosterEntry {
                    agent: rec.get(0).unwrap_or("").to_string(),
                    days: rec.iter().skip(1).map(str::to_string).collect(),
                },
            ))
        })
    }
}
