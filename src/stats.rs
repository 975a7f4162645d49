//! Statistics over replications: running mean and variance (Welford), Student-t confidence
//! intervals, quantiles. Plain numbers in, plain numbers out; nothing here knows about calls.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Confidence level of every interval ccsim reports.
pub const CONFIDENCE: f64 = 0.95;

/// Running mean and variance of a sample (Welford 1962); `NaN` values are skipped.
/// Serialisable, so that a shard of a run can hand its accumulators to `ccsim merge`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// Adds one observation; `NaN` (an undefined KPI) is ignored.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Folds in `later`, the accumulator of the observations that follow this one's (Chan,
    /// Golub & LeVeque 1979: n = na + nb, δ = mean_b − mean_a, mean = mean_a + δ·nb/n,
    /// M2 = M2a + M2b + δ²·na·nb/n). Count, mean and variance equal those of pushing every
    /// observation in order up to rounding (a few ulps), not bit for bit; merging with an empty
    /// accumulator, on either side, is exact.
    pub fn merge(&mut self, later: &Welford) {
        if later.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *later;
            return;
        }
        let n = self.n + later.n;
        let d = later.mean - self.mean;
        let (na, nb, nf) = (self.n as f64, later.n as f64, n as f64);
        self.mean += d * nb / nf;
        self.m2 += later.m2 + d * d * na * nb / nf;
        self.n = n;
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Sample mean (`NaN` if empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }

    /// Unbiased sample variance (`NaN` with fewer than two observations).
    pub fn variance(&self) -> f64 {
        if self.n < 2 { f64::NAN } else { self.m2 / (self.n - 1) as f64 }
    }

    /// For a sample of 0s and 1s (a share of days): the mean and interval computed from the
    /// exact count of 1s, k = round(mean · n): p = k/n, s² = k(n − k)/(n(n − 1)). The running
    /// mean is only approximately k/n (rounding); the count is exact, so the estimate is the
    /// same bits however the sample was accumulated or merged (shards of a run).
    pub fn share_estimate(&self) -> Estimate {
        if self.n == 0 {
            return self.estimate();
        }
        let n = self.n as f64;
        let k = (self.mean * n).round();
        let mean = k / n;
        let half = if self.n >= 2 {
            t_quantile(CONFIDENCE, self.n - 1) * (k * (n - k) / (n * (n - 1.0)) / n).sqrt()
        } else {
            f64::NAN
        };
        Estimate { mean, ci_low: mean - half, ci_high: mean + half, n: self.n }
    }

    /// Mean with its two-sided [`CONFIDENCE`] Student-t interval: mean ± t(n−1) · s/√n.
    pub fn estimate(&self) -> Estimate {
        let mean = self.mean();
        let half = if self.n >= 2 {
            t_quantile(CONFIDENCE, self.n - 1) * (self.variance() / self.n as f64).sqrt()
        } else {
            f64::NAN
        };
        Estimate { mean, ci_low: mean - half, ci_high: mean + half, n: self.n }
    }
}

/// A mean with its confidence interval. Undefined values (no observation; one observation for
/// the interval) are `NaN` and serialise as JSON `null`. Equality is bitwise, so that two
/// identical runs compare equal even where a KPI is undefined.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Lower end of the 95 % confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95 % confidence interval.
    pub ci_high: f64,
    /// Number of replications (or replication-days) the estimate is over.
    #[serde(skip)]
    pub n: u64,
}

impl PartialEq for Estimate {
    fn eq(&self, o: &Self) -> bool {
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits();
        same(self.mean, o.mean) && same(self.ci_low, o.ci_low) && same(self.ci_high, o.ci_high) && self.n == o.n
    }
}

impl Estimate {
    /// The same estimate with its interval clipped to the KPI's natural range [lo, hi]
    /// (a share cannot exceed 1 however few replications there are).
    pub fn clipped(self, lo: f64, hi: f64) -> Estimate {
        Estimate { ci_low: self.ci_low.max(lo), ci_high: self.ci_high.min(hi), ..self }
    }

    /// The 95 % CI as (low, high) scaled by `scale` (100 for percentages), the mean at both
    /// ends when there is no CI (one replication): what a chart draws as a band or whisker.
    pub fn band(&self, scale: f64) -> (f64, f64) {
        if self.ci_low.is_finite() && self.ci_high.is_finite() {
            (self.ci_low * scale, self.ci_high * scale)
        } else {
            (self.mean * scale, self.mean * scale)
        }
    }

    /// Half-width of the confidence interval.
    pub fn half_width(&self) -> f64 {
        0.5 * (self.ci_high - self.ci_low)
    }
}

/// Two-sided Student-t critical value: the `(1 + level)/2` quantile with `df` degrees of freedom.
///
/// The inverse CDF is iterative (regularized incomplete beta) and a run asks for the same few
/// values for every KPI of every cell, so the last few are remembered per thread: a pure
/// function of its inputs, the answer is the same bits either way.
pub fn t_quantile(level: f64, df: u64) -> f64 {
    thread_local! {
        static SEEN: std::cell::RefCell<Vec<(u64, u64, f64)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let key = (level.to_bits(), df);
    if let Some(t) = SEEN.with(|c| c.borrow().iter().find(|e| (e.0, e.1) == key).map(|e| e.2)) {
        return t;
    }
    let t = t_quantile_uncached(level, df);
    SEEN.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 8 {
            c.remove(0);
        }
        c.push((key.0, key.1, t));
    });
    t
}

fn t_quantile_uncached(level: f64, df: u64) -> f64 {
    let p = 0.5 * (1.0 + level);
    match StudentsT::new(0.0, 1.0, df.max(1) as f64) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// Quantile `p` in [0, 1] of `values` by linear interpolation between order statistics
/// (Hyndman & Fan type 7, the default of R and NumPy). `NaN`s are ignored; `NaN` if none left.
pub fn quantile(values: &[f64], p: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_two_pass() {
        let xs = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, f64::NAN];
        let mut w = Welford::default();
        xs.iter().for_each(|x| w.push(*x));
        let v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
        let m = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64;
        assert_eq!(w.count(), 8);
        assert!((w.mean() - m).abs() < 1e-12 && (w.variance() - var).abs() < 1e-12);
        let e = w.estimate();
        // t(0.975, 7) = 2.364624
        assert!((e.half_width() - 2.364624 * (var / 8.0).sqrt()).abs() < 1e-5);
    }

    #[test]
    fn merging_equals_pushing_in_order_up_to_rounding() {
        let xs: Vec<f64> = (0..50).map(|i| ((i * 37) % 11) as f64 * 0.7 + 100.0).collect();
        let mut all = Welford::default();
        xs.iter().for_each(|&x| all.push(x));
        for cut in [0, 1, 20, 49, 50] {
            let (mut a, mut b) = (Welford::default(), Welford::default());
            xs[..cut].iter().for_each(|&x| a.push(x));
            xs[cut..].iter().for_each(|&x| b.push(x));
            a.merge(&b);
            assert_eq!(a.count(), all.count());
            assert!((a.mean() - all.mean()).abs() <= 1e-12 * all.mean().abs(), "cut {cut}");
            assert!((a.variance() - all.variance()).abs() <= 1e-10 * all.variance(), "cut {cut}");
            if cut == 0 || cut == 50 {
                assert_eq!(a, all, "merging with an empty side is exact");
            }
        }
    }

    #[test]
    fn t_values() {
        for df in [1, 2, 7, 49, 1000] {
            let first = t_quantile(0.95, df);
            assert_eq!(first.to_bits(), t_quantile_uncached(0.95, df).to_bits());
            assert_eq!(first.to_bits(), t_quantile(0.95, df).to_bits(), "remembered");
        }
        assert!((t_quantile(0.95, 1) - 12.7062).abs() < 1e-3);
        assert!((t_quantile(0.95, 49) - 2.0096).abs() < 1e-3);
        assert!((t_quantile(0.95, 100_000) - 1.95998).abs() < 1e-3);
    }

    #[test]
    fn quantiles() {
        let v = [5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert!((quantile(&v, 0.05) - 1.2).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
        assert!(Welford::default().estimate().mean.is_nan());
    }
}
