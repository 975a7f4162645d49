//! Times and windows on days, as what-if arguments write them: `"10:00"` (every day),
//! `"Wed 10:00"` (every Wednesday of the horizon), `"2026-12-09 10:00"` (that date), `"d3 10:00"`
//! (the third day), and bare days (`"Mon"`, `"2026-12-09"`, `"d3"`) where a function takes days.
//!
//! Owns turning a `from`–`to` pair into spans of (day, clock) on the horizon and those spans into
//! per-interval shares and masks. Knows nothing of queues or groups. A window of two plain clocks
//! gives, day by day, exactly the arithmetic of a daily window, so scripts without days give
//! byte-identical results.

use crate::calendar::{DayRef, split_day_time};
use crate::scenario::Horizon;
use crate::time::parse_clock;

/// A stretch of the horizon from (`day`, clock) to (`day`, clock), days 0-based, clocks in
/// seconds since that day's midnight; the end is exclusive and may lie past the last day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Span {
    /// First day.
    from_day: usize,
    /// Start on the first day, seconds since midnight.
    from_s: f64,
    /// Last day.
    to_day: usize,
    /// End on the last day, seconds since midnight.
    to_s: f64,
}

impl Span {
    /// The clock range `[lo, hi)` of day `d` inside the span, if the span touches `d`.
    fn on_day(&self, d: usize) -> Option<(f64, f64)> {
        (self.from_day..=self.to_day).contains(&d).then(|| {
            let lo = if d == self.from_day { self.from_s } else { f64::NEG_INFINITY };
            let hi = if d == self.to_day { self.to_s } else { f64::INFINITY };
            (lo, hi)
        })
    }
}

/// A window of a what-if: the spans it covers.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Window {
    spans: Vec<Span>,
}

/// Names a horizon for error messages: `"Mon 2026-12-07 to Sun 2026-12-13"` or `"d1 to d7"`.
fn horizon_text(h: &Horizon) -> String {
    format!("{} to {}", h.day_label(0), h.day_label(h.days as usize - 1))
}

/// The days (0-based, ascending, at least one) a day reference names on the horizon: errors when
/// it cannot apply (a weekday or a date on an undated horizon, a date or day number outside it,
/// a weekday that does not occur in it).
pub(super) fn resolve_days(h: &Horizon, r: DayRef, text: &str) -> Result<Vec<usize>, String> {
    let days = h.resolve(r)?;
    if days.is_empty() {
        return Err(format!("{text:?} does not occur in the horizon ({})", horizon_text(h)));
    }
    Ok(days)
}

/// The days named by a bare day (`"Mon"`, `"2026-12-09"`, `"d3"`, `"*"` for every day).
pub(super) fn days_named(h: &Horizon, text: &str) -> Result<Vec<usize>, String> {
    resolve_days(h, DayRef::parse(text)?, text)
}

/// A time with an optional day: the day reference ([`DayRef::Every`] when plain) and the clock
/// in seconds since midnight.
pub(super) fn day_clock(text: &str) -> Result<(DayRef, f64), String> {
    let (day, clock) = split_day_time(text)?;
    Ok((day, parse_clock(clock)?))
}

impl Window {
    /// The window `from`–`to` on horizon `h`:
    /// - two plain clocks: that daily window on every day (`to` after `from`);
    /// - one side with a day: the day applies to both;
    /// - two weekdays: from each such `from` day to the next `to` weekday on or after it
    ///   (`"Mon 08:00"`–`"Wed 20:00"`: Monday 08:00 to Wednesday 20:00 of the same week);
    /// - two dates or day numbers: from that day to that day.
    ///
    /// Errors: an empty or reversed window, a weekday on an undated horizon, a day outside it,
    /// a weekday paired with a date.
    pub(super) fn parse(h: &Horizon, from: &str, to: &str) -> Result<Window, String> {
        let ((fd, a), (td, b)) = (day_clock(from)?, day_clock(to)?);
        let (fd, td) = match (fd, td) {
            (DayRef::Every, DayRef::Every) => {
                if b <= a {
                    return Err(format!("the window {from}–{to} is empty: `to` must be after `from`"));
                }
                let spans = (0..h.days as usize).map(|d| Span { from_day: d, from_s: a, to_day: d, to_s: b }).collect();
                return Ok(Window { spans });
            }
            (DayRef::Every, d) | (d, DayRef::Every) => (d, d),
            pair => pair,
        };
        let reversed = || format!("the window {from}–{to} is empty: `to` must be after `from`");
        match (fd, td) {
            (DayRef::Weekday(w1), DayRef::Weekday(w2)) => {
                let offset = (7 + w2.num_days_from_monday() - w1.num_days_from_monday()) as usize % 7;
                if offset == 0 && b <= a {
                    return Err(reversed());
                }
                let starts = resolve_days(h, fd, from)?;
                let spans =
                    starts.into_iter().map(|d| Span { from_day: d, from_s: a, to_day: d + offset, to_s: b }).collect();
                Ok(Window { spans })
            }
            (DayRef::Weekday(_), _) | (_, DayRef::Weekday(_)) => Err(format!(
                "the window {from}–{to} mixes a weekday with a date or day number: name both ends' days the same way"
            )),
            _ => {
                let (d1, d2) = (resolve_days(h, fd, from)?[0], resolve_days(h, td, to)?[0]);
                if (d2, b) <= (d1, a) {
                    return Err(reversed());
                }
                Ok(Window { spans: vec![Span { from_day: d1, from_s: a, to_day: d2, to_s: b }] })
            }
        }
    }

    /// For every global interval, the share of it inside the window (0 to 1).
    pub(super) fn overlap(&self, h: &Horizon) -> Vec<f64> {
        (0..h.total_intervals())
            .map(|i| {
                let (day, s) = h.interval_start(i);
                let e = s + h.interval_s;
                self.spans
                    .iter()
                    .filter_map(|sp| sp.on_day(day as usize))
                    .map(|(a, b)| ((e.min(b) - s.max(a)).max(0.0)) / h.interval_s)
                    .fold(0.0, |acc, x| if acc == 0.0 { x } else { (acc + x).min(1.0) })
            })
            .collect()
    }

    /// For every global interval, whether its start lies inside the window.
    pub(super) fn starts_in(&self, h: &Horizon) -> Vec<bool> {
        (0..h.total_intervals())
            .map(|i| {
                let (day, s) = h.interval_start(i);
                self.spans.iter().filter_map(|sp| sp.on_day(day as usize)).any(|(a, b)| (a..b).contains(&s))
            })
            .collect()
    }

    /// Per day, whether the window touches it.
    pub(super) fn days_touched(&self, h: &Horizon) -> Vec<bool> {
        (0..h.days as usize).map(|d| self.spans.iter().any(|sp| sp.on_day(d).is_some())).collect()
    }
}

/// The days of the horizon whose every interval `mask` marks, when the marked intervals are
/// exactly those days (at least one); `None` when some day is marked only in part, or none is.
pub(super) fn whole_days(h: &Horizon, mask: &[bool]) -> Option<Vec<usize>> {
    let n = h.intervals_per_day();
    let mut days = Vec::new();
    for (d, day) in mask.chunks(n).enumerate() {
        if day.iter().all(|m| *m) {
            days.push(d);
        } else if day.iter().any(|m| *m) {
            return None;
        }
    }
    (!days.is_empty()).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;

    fn week() -> Horizon {
        let mut h = Horizon::undated(8.0 * 3600.0, 20.0 * 3600.0, 3600.0, 7);
        h.from = Some(parse_date("2026-12-07").unwrap()); // a Monday
        h
    }

    fn days_with(w: &Window, h: &Horizon) -> Vec<usize> {
        w.days_touched(h).iter().enumerate().filter(|(_, t)| **t).map(|(d, _)| d).collect()
    }

    #[test]
    fn plain_windows_are_daily() {
        let h = Horizon::undated(8.0 * 3600.0, 10.0 * 3600.0, 1800.0, 2);
        let w = Window::parse(&h, "08:15", "09:00").unwrap();
        assert_eq!(w.overlap(&h), vec![0.5, 1.0, 0.0, 0.0, 0.5, 1.0, 0.0, 0.0]);
        assert_eq!(w.starts_in(&h), vec![false, true, false, false, false, true, false, false]);
        assert!(Window::parse(&h, "09:00", "09:00").unwrap_err().contains("empty"));
    }

    #[test]
    fn days_on_windows() {
        let h = week();
        let w = Window::parse(&h, "Wed 10:00", "Wed 12:00").unwrap();
        assert_eq!(days_with(&w, &h), vec![2]);
        let mask = w.starts_in(&h);
        assert_eq!(mask.iter().filter(|m| **m).count(), 2);
        assert!(mask[2 * 12 + 2] && mask[2 * 12 + 3]);
        // one side with a day: the day applies to both
        assert_eq!(Window::parse(&h, "Wed 10:00", "12:00").unwrap(), w);
        assert_eq!(Window::parse(&h, "10:00", "2026-12-09 12:00").unwrap().starts_in(&h), mask);
        assert_eq!(Window::parse(&h, "d3 10:00", "d3 12:00").unwrap().starts_in(&h), mask);
        // Monday 08:00 to Wednesday 20:00: three whole days
        let m = Window::parse(&h, "Mon 08:00", "Wed 20:00").unwrap().starts_in(&h);
        assert_eq!(whole_days(&h, &m), Some(vec![0, 1, 2]));
        let m = Window::parse(&h, "2026-12-08 08:00", "d4 20:00").unwrap().starts_in(&h);
        assert_eq!(whole_days(&h, &m), Some(vec![1, 2, 3]));
        // Sunday 18:00 to Monday 10:00 runs past the horizon's end: clipped
        let m = Window::parse(&h, "Sun 18:00", "Mon 10:00").unwrap().starts_in(&h);
        assert_eq!(m.iter().filter(|m| **m).count(), 2);
        assert_eq!(whole_days(&h, &Window::parse(&h, "Mon 09:00", "Mon 20:00").unwrap().starts_in(&h)), None);
    }

    #[test]
    fn bad_windows_say_why() {
        let h = week();
        let undated = Horizon::undated(8.0 * 3600.0, 20.0 * 3600.0, 3600.0, 7);
        let err = |h: &Horizon, a: &str, b: &str| Window::parse(h, a, b).unwrap_err();
        assert!(err(&undated, "Wed 10:00", "Wed 12:00").contains("no dates"));
        assert!(err(&h, "2026-12-14 10:00", "12:00").contains("outside the horizon"));
        assert!(err(&h, "Wed 12:00", "Wed 10:00").contains("empty"));
        assert!(err(&h, "d3 12:00", "d2 14:00").contains("empty"));
        assert!(err(&h, "Wed 10:00", "d3 12:00").contains("same way"));
        assert!(err(&h, "Xyz 10:00", "12:00").contains("invalid day"));
        let short = Horizon { days: 3, closed: vec![false; 3], ..h.clone() };
        assert!(err(&short, "Fri 10:00", "Fri 12:00").contains("does not occur"));
        assert_eq!(days_named(&h, "Mon"), Ok(vec![0]));
        assert!(days_named(&undated, "2026-12-07").unwrap_err().contains("no dates"));
    }
}
