//! Validation of the `report:` section: currency code, amber margin, occupancy band, cost
//! budget and FTE hours.

use super::super::raw::RawReport;
use super::Check;
use crate::report::ReportSettings;

impl Check {
    /// The report settings of `raw` (defaults where absent); problems are recorded.
    pub(super) fn report(&mut self, raw: Option<&RawReport>) -> ReportSettings {
        let mut out = ReportSettings::default();
        let Some(r) = raw else { return out };
        if let Some(c) = &r.currency {
            if (3..=8).contains(&c.len()) && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                out.currency = Some(c.clone());
            } else {
                self.err(
                    "report.currency",
                    format!("expected a currency code of 3 to 8 letters such as EUR, got {c:?}"),
                );
            }
        }
        if let Some(m) = r.amber_margin {
            if m.is_finite() && (0.0..1.0).contains(&m) {
                out.amber_margin = m;
            } else {
                self.err("report.amber_margin", format!("must be a share of the target in [0, 1), got {m}"));
            }
        }
        if let Some([lo, hi]) = r.occupancy {
            if lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo < hi && hi <= 1.0 {
                out.occupancy = Some((lo, hi));
            } else {
                self.err("report.occupancy", format!("expected [low, high] with 0 ≤ low < high ≤ 1, got [{lo}, {hi}]"));
            }
        }
        if let Some(b) = r.cost_budget {
            if b.is_finite() && b > 0.0 {
                out.cost_budget = Some(b);
            } else {
                self.err("report.cost_budget", format!("must be a positive amount, got {b}"));
            }
        }
        if let Some(h) = r.fte_hours_per_day {
            if h.is_finite() && h > 0.0 && h <= 24.0 {
                out.fte_hours_per_day = h;
            } else {
                self.err("report.fte_hours_per_day", format!("must be hours in (0, 24], got {h}"));
            }
        }
        out
    }
}
