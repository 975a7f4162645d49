//! Days of a horizon as planners name them: calendar dates (`2026-12-09`), weekdays (`Wed`),
//! day numbers (`d3`, 1-based) and times on them (`"Wed 10:00"`, `"2026-12-09 10:00"`,
//! `"d3 10:00"`, or a plain `"10:00"` meaning every day).
//!
//! Owns parsing and formatting of these references and their resolution to day indices of a
//! horizon given its first date (or none: days are then numbered only). Knows nothing of
//! scenarios beyond the first date and the number of days.

use chrono::{Datelike, NaiveDate, Weekday};

/// The weekday abbreviations planners write, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A calendar date (no time zone): days of a horizon with a `from` date carry one.
pub type Date = NaiveDate;

/// Parses an ISO date `"2026-12-09"`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date {text:?}: expected \"YYYY-MM-DD\" such as \"2026-12-07\""))
}

/// Parses a weekday abbreviation (`Mon` … `Sun`; case-insensitive, full names accepted).
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let t = text.trim().to_ascii_lowercase();
    let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    (0..7)
        .find(|&i| t == WEEKDAYS[i].to_ascii_lowercase() || t == full[i])
        .map(|i| Weekday::try_from(i as u8).expect("0..7 are weekdays"))
}

/// The abbreviation of a weekday: `"Mon"`.
pub fn weekday_name(w: Weekday) -> &'static str {
    WEEKDAYS[w.num_days_from_monday() as usize]
}

/// A reference to some days of a horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRef {
    /// Every day.
    Every,
    /// Every such weekday (needs dated days).
    Weekday(Weekday),
    /// One calendar date (needs dated days).
    Date(Date),
    /// One day by its 1-based number (`d3` is the third day).
    Number(u32),
}

impl DayRef {
    /// Parses `"Wed"`, `"2026-12-09"`, `"d3"` (or `"*"` / `"all"` for every day).
    pub fn parse(text: &str) -> Result<DayRef, String> {
        let t = text.trim();
        if t == "*" || t.eq_ignore_ascii_case("all") {
            return Ok(DayRef::Every);
        }
        if let Some(w) = parse_weekday(t) {
            return Ok(DayRef::Weekday(w));
        }
        if let Some(n) = t.strip_prefix(['d', 'D']).filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
            return match n.parse::<u32>() {
                Ok(k) if k >= 1 => Ok(DayRef::Number(k)),
                _ => Err(format!("invalid day {text:?}: days are numbered from d1")),
            };
        }
        if t.len() == 10 && t.as_bytes()[4] == b'-' {
            return parse_date(t).map(DayRef::Date);
        }
        Err(format!(
            "invalid day {text:?}: expected a weekday (\"Wed\"), a date (\"2026-12-09\") or a day number (\"d3\")"
        ))
    }

    /// The day indices (0-based, ascending) of a horizon of `days` days starting on `from`
    /// (`None`: undated) that this reference names. Errors when it cannot apply: a weekday or a
    /// date without dated days, a date or day number outside the horizon. A weekday that does
    /// not occur gives no days.
    pub fn resolve(&self, from: Option<Date>, days: u32) -> Result<Vec<usize>, String> {
        let n = days as usize;
        match *self {
            DayRef::Every => Ok((0..n).collect()),
            DayRef::Number(k) if k as usize <= n => Ok(vec![k as usize - 1]),
            DayRef::Number(k) => Err(format!("day d{k} is outside the horizon of {days} day(s)")),
            DayRef::Weekday(w) => {
                let Some(first) = from else {
                    return Err(format!(
                        "`{}` names a weekday, but the horizon has no dates: give `horizon.from`, or name days as d1, d2, ...",
                        weekday_name(w)
                    ));
                };
                let offset = (7 + w.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
                Ok((offset as usize..n).step_by(7).collect())
            }
            DayRef::Date(d) => {
                let Some(first) = from else {
                    return Err(format!(
                        "{d} is a date, but the horizon has no dates: give `horizon.from`, or name days as d1, d2, ..."
                    ));
                };
                let k = (d - first).num_days();
                if k < 0 || k >= i64::from(days) {
                    let last = first + chrono::Days::new(u64::from(days.saturating_sub(1)));
                    return Err(format!("{d} is outside the horizon {first} to {last}"));
                }
                Ok(vec![k as usize])
            }
        }
    }
}

/// Splits a time on a day, `"Wed 10:00"`, `"2026-12-09 10:00"`, `"d3 10:00"` or `"10:00"`, into
/// its day reference ([`DayRef::Every`] when none is given) and its clock text.
pub fn split_day_time(text: &str) -> Result<(DayRef, &str), String> {
    let t = text.trim();
    match t.split_once(char::is_whitespace) {
        None => Ok((DayRef::Every, t)),
        Some((day, clock)) => Ok((DayRef::parse(day)?, clock.trim())),
    }
}

/// The date of day `day` (0-based) of a horizon starting on `from`.
pub fn date_of(from: Date, day: usize) -> Date {
    from + chrono::Days::new(day as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn day_references_resolve_on_a_dated_week() {
        let from = Some(d("2026-12-07")); // a Monday
        assert_eq!(DayRef::parse("Wed").unwrap().resolve(from, 7), Ok(vec![2]));
        assert_eq!(DayRef::parse("mon").unwrap().resolve(from, 15), Ok(vec![0, 7, 14]));
        assert_eq!(DayRef::parse("Sunday").unwrap().resolve(from, 7), Ok(vec![6]));
        assert_eq!(DayRef::parse("2026-12-09").unwrap().resolve(from, 7), Ok(vec![2]));
        assert_eq!(DayRef::parse("d3").unwrap().resolve(from, 7), Ok(vec![2]));
        assert_eq!(DayRef::parse("*").unwrap().resolve(from, 3), Ok(vec![0, 1, 2]));
        assert!(DayRef::parse("2026-12-14").unwrap().resolve(from, 7).unwrap_err().contains("outside the horizon"));
        assert!(DayRef::parse("d8").unwrap().resolve(from, 7).is_err());
        assert!(DayRef::parse("Wed").unwrap().resolve(None, 7).unwrap_err().contains("no dates"));
        assert_eq!(DayRef::parse("d2").unwrap().resolve(None, 3), Ok(vec![1]));
        for bad in ["d0", "Wes", "2026-13-01", "d", "12/09/2026"] {
            assert!(DayRef::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn times_on_days() {
        assert_eq!(split_day_time("Wed 10:00"), Ok((DayRef::Weekday(Weekday::Wed), "10:00")));
        assert_eq!(split_day_time(" 10:00 "), Ok((DayRef::Every, "10:00")));
        assert_eq!(split_day_time("2026-12-09  10:00"), Ok((DayRef::Date(d("2026-12-09")), "10:00")));
        assert_eq!(split_day_time("d3 10:00"), Ok((DayRef::Number(3), "10:00")));
        assert!(split_day_time("Xyz 10:00").is_err());
        assert_eq!(weekday_name(d("2026-12-07").weekday()), "Mon");
        assert_eq!(date_of(d("2026-12-30"), 3), d("2027-01-02"));
    }
}
