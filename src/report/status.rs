//! Green / amber / red judgement of a KPI against its target, shared by the HTML report and
//! the terminal table: green when the mean meets the target and its CI does not span it, amber
//! when the CI spans it or the mean misses by at most the amber margin (a share of the target),
//! red beyond. Also the report settings a scenario
//! may set (`report:` — currency, amber margin, occupancy band, cost budget, FTE hours).

use crate::experiment::{QueueResult, RunResult};
use crate::kpi::queue as qk;
use crate::stats::Estimate;

/// How a KPI stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Meets the target.
    Green,
    /// Misses by at most the amber margin.
    Amber,
    /// Misses by more.
    Red,
}

impl Status {
    /// The CSS class and the word a report prints.
    pub fn word(self) -> &'static str {
        match self {
            Status::Green => "meets",
            Status::Amber => "near",
            Status::Red => "misses",
        }
    }
    /// ANSI colour code for a terminal.
    pub fn ansi(self) -> &'static str {
        match self {
            Status::Green => "\x1b[32m",
            Status::Amber => "\x1b[33m",
            Status::Red => "\x1b[31m",
        }
    }
}

/// The status of `value` against `target`: `higher` when more is better (SL), else less is
/// better (ASA, abandon rate, cost). `margin` is the amber band as a share of the target (0.05:
/// an SL target of 80 % is amber from 76 % up). `None` when the value is undefined.
pub fn status(value: f64, target: f64, higher: bool, margin: f64) -> Option<Status> {
    if !value.is_finite() || !target.is_finite() {
        return None;
    }
    let band = margin.max(0.0) * target.abs();
    let miss = if higher { target - value } else { value - target };
    Some(if miss <= 0.0 {
        Status::Green
    } else if miss <= band {
        Status::Amber
    } else {
        Status::Red
    })
}

/// The status of an estimate against `target` ([`status`] of its mean), amber rather than
/// green when its 95 % CI spans the target: the mean meets it, but a rerun with fresh random
/// numbers may not, and a verdict must hold on a rerun.
pub fn judge(e: &Estimate, target: f64, higher: bool, margin: f64) -> Option<Status> {
    let s = status(e.mean, target, higher, margin)?;
    Some(if s == Status::Green && spans(e, target) { Status::Amber } else { s })
}

/// True when the 95 % CI of `e` (with a finite mean) holds `target` strictly inside.
pub fn spans(e: &Estimate, target: f64) -> bool {
    e.mean.is_finite() && e.ci_low.is_finite() && e.ci_low < target && target < e.ci_high
}

/// The status of a value against a band `[lo, hi]` (occupancy): green inside, amber within
/// `margin × bound` outside, red beyond.
pub fn band_status(value: f64, (lo, hi): (f64, f64), margin: f64) -> Option<Status> {
    if !value.is_finite() {
        return None;
    }
    let worst = [status(value, lo, true, margin), status(value, hi, false, margin)];
    worst.into_iter().flatten().max_by_key(|s| *s as u8)
}

/// A queue's KPI statuses: (SL, ASA when targeted, abandon rate when targeted).
pub fn queue_statuses(q: &QueueResult, margin: f64) -> [Option<Status>; 3] {
    [
        judge(&q.kpis[qk::SL], q.sl_target, true, margin),
        q.max_asa_s.and_then(|t| judge(&q.kpis[qk::ASA], t, false, margin)),
        q.max_abandon_rate.and_then(|t| judge(&q.kpis[qk::ABANDON_RATE], t, false, margin)),
    ]
}

/// The worst status of every queue's targets in `r` (green when every target is met).
pub fn overall(r: &RunResult, margin: f64) -> Option<Status> {
    r.queues.iter().flat_map(|q| queue_statuses(q, margin)).flatten().max_by_key(|s| *s as u8)
}

/// What a scenario's `report:` section sets: how reports present and judge results.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportSettings {
    /// Currency of every cost (ISO code such as `EUR`), `None`: plain "currency units".
    pub currency: Option<String>,
    /// Amber band as a share of each target (default 0.05).
    pub amber_margin: f64,
    /// Occupancy band (low, high) as shares 0–1, judged per group.
    pub occupancy: Option<(f64, f64)>,
    /// Cost budget of the whole horizon, in the currency.
    pub cost_budget: Option<f64>,
    /// Paid hours of one full-time equivalent a day (default 8): FTE = paid hours ÷ (this ×
    /// open days).
    pub fte_hours_per_day: f64,
}

impl Default for ReportSettings {
    fn default() -> ReportSettings {
        ReportSettings {
            currency: None,
            amber_margin: DEFAULT_AMBER_MARGIN,
            occupancy: None,
            cost_budget: None,
            fte_hours_per_day: DEFAULT_FTE_HOURS,
        }
    }
}

/// Default amber band: 5 % of the target.
pub const DEFAULT_AMBER_MARGIN: f64 = 0.05;
/// Default paid hours of one FTE a day.
pub const DEFAULT_FTE_HOURS: f64 = 8.0;

impl ReportSettings {
    /// The currency's name for headers: `"EUR"`, or `"currency"`.
    pub fn currency_name(&self) -> &str {
        self.currency.as_deref().unwrap_or("currency")
    }
    /// Full-time equivalents of `paid_hours` (h) over `open_days`: paid hours ÷
    /// (`fte_hours_per_day` × open days), at least one day.
    pub fn fte(&self, paid_hours: f64, open_days: usize) -> f64 {
        paid_hours / (self.fte_hours_per_day * open_days.max(1) as f64)
    }

    /// `x` as money: `"12,345.00 EUR"`.
    pub fn money(&self, x: f64) -> String {
        if !x.is_finite() {
            return "–".into();
        }
        format!("{} {}", thousands(x, 2), self.currency_name())
    }
}

/// `x` with `decimals` and a thin separator every three digits: `12,345.50`.
pub fn thousands(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(a, b)| (a, Some(b)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn green_amber_red_against_a_target() {
        assert_eq!(status(0.81, 0.80, true, 0.05), Some(Status::Green));
        assert_eq!(status(0.80, 0.80, true, 0.05), Some(Status::Green));
        assert_eq!(status(0.77, 0.80, true, 0.05), Some(Status::Amber));
        assert_eq!(status(0.75, 0.80, true, 0.05), Some(Status::Red));
        assert_eq!(status(21.0, 20.0, false, 0.05), Some(Status::Amber));
        assert_eq!(status(19.0, 20.0, false, 0.05), Some(Status::Green));
        assert_eq!(status(25.0, 20.0, false, 0.05), Some(Status::Red));
        assert_eq!(status(f64::NAN, 20.0, false, 0.05), None);
        assert_eq!(status(0.79, 0.80, true, 0.0), Some(Status::Red));
    }

    #[test]
    fn a_ci_spanning_the_target_is_amber_not_green() {
        let e = |mean: f64, half: f64| Estimate { mean, ci_low: mean - half, ci_high: mean + half, n: 10 };
        assert_eq!(judge(&e(0.82, 0.01), 0.80, true, 0.05), Some(Status::Green));
        assert_eq!(judge(&e(0.82, 0.05), 0.80, true, 0.05), Some(Status::Amber));
        assert_eq!(judge(&e(0.70, 0.20), 0.80, true, 0.05), Some(Status::Red));
        assert!(!spans(&e(f64::NAN, 0.1), 0.8));
    }

    #[test]
    fn occupancy_band() {
        assert_eq!(band_status(0.8, (0.7, 0.9), 0.05), Some(Status::Green));
        assert_eq!(band_status(0.68, (0.7, 0.9), 0.05), Some(Status::Amber));
        assert_eq!(band_status(0.97, (0.7, 0.9), 0.05), Some(Status::Red));
    }

    #[test]
    fn money_reads_like_money() {
        assert_eq!(thousands(1234567.891, 2), "1,234,567.89");
        assert_eq!(thousands(-950.0, 0), "-950");
        assert_eq!(thousands(-0.001, 2), "0.00");
        let s = ReportSettings { currency: Some("EUR".into()), ..Default::default() };
        assert_eq!(s.money(12345.5), "12,345.50 EUR");
    }
}
