//! Duration distributions (handle time, wrap-up, patience, retrial delay) and their samplers.
//!
//! [`Dist`] is the validated description a scenario holds (always with a positive finite mean);
//! [`Sampler`] is its compiled form for the engine: no allocation and no string per draw.
//! Parameterisation follows planners' habits: by mean and coefficient of variation (cv).

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1, Gamma, LogNormal};
use serde::Serialize;

/// A validated duration distribution. All values in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Dist {
    /// Exponential with the given mean (s); cv = 1.
    Exponential { mean: f64 },
    /// Lognormal with mean (s) and coefficient of variation: σ² = ln(1 + cv²), μ = ln(mean) − σ²/2.
    Lognormal { mean: f64, cv: f64 },
    /// Gamma with mean (s) and cv: shape = 1/cv², scale = mean·cv².
    Gamma { mean: f64, cv: f64 },
    /// Erlang-k (sum of k exponentials) with mean (s); cv = 1/√k.
    Erlang { mean: f64, k: u32 },
    /// Uniform on [min, max] (s).
    Uniform { min: f64, max: f64 },
    /// Always the same value (s).
    Constant { mean: f64 },
    /// Resamples the observed values (s) with equal probability (bootstrap).
    Empirical { values: Vec<f64> },
}

/// A number as a person reads it: `0.5`, `11`, but `1e-300` rather than 300 zeros.
pub fn number(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-4..1e15).contains(&v.abs()) { format!("{v:e}") } else { format!("{v}") }
}

/// The smallest mean of a distribution, seconds (a millisecond).
pub const MIN_MEAN_S: f64 = 0.001;
/// The smallest coefficient of variation of a lognormal or gamma distribution (use `constant`
/// for a fixed duration).
pub const MIN_CV: f64 = 0.01;

impl Dist {
    /// The mean in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential { mean }
            | Dist::Lognormal { mean, .. }
            | Dist::Gamma { mean, .. }
            | Dist::Erlang { mean, .. }
            | Dist::Constant { mean } => *mean,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Empirical { values } => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// The coefficient of variation (standard deviation ÷ mean), dimensionless.
    pub fn cv(&self) -> f64 {
        match self {
            Dist::Exponential { .. } => 1.0,
            Dist::Lognormal { cv, .. } | Dist::Gamma { cv, .. } => *cv,
            Dist::Erlang { k, .. } => 1.0 / f64::from(*k).sqrt(),
            Dist::Uniform { min, max } => (max - min) / (12f64.sqrt() * 0.5 * (min + max)),
            Dist::Constant { .. } => 0.0,
            Dist::Empirical { values } => {
                let n = values.len() as f64;
                let m = self.mean();
                let var = values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
                if m > 0.0 { var.sqrt() / m } else { 0.0 }
            }
        }
    }

    /// The same shape with every value multiplied by `factor` (> 0): the mean scales, the cv stays.
    pub fn scaled(&self, factor: f64) -> Dist {
        match self {
            Dist::Exponential { mean } => Dist::Exponential { mean: mean * factor },
            Dist::Lognormal { mean, cv } => Dist::Lognormal { mean: mean * factor, cv: *cv },
            Dist::Gamma { mean, cv } => Dist::Gamma { mean: mean * factor, cv: *cv },
            Dist::Erlang { mean, k } => Dist::Erlang { mean: mean * factor, k: *k },
            Dist::Uniform { min, max } => Dist::Uniform { min: min * factor, max: max * factor },
            Dist::Constant { mean } => Dist::Constant { mean: mean * factor },
            Dist::Empirical { values } => Dist::Empirical { values: values.iter().map(|v| v * factor).collect() },
        }
    }

    /// Checks the parameters; returns a message naming the bad one, or `None` when valid.
    pub fn problem(&self) -> Option<String> {
        // below these the samplers' parameters underflow (a gamma scale of mean·cv² → 0)
        let pos = |name: &str, v: f64| -> Option<String> {
            (!(v.is_finite() && v >= MIN_MEAN_S))
                .then(|| format!("`{name}` must be a positive number of seconds (at least {MIN_MEAN_S}), got {v}"))
        };
        let cv_ok = |cv: f64| -> Option<String> {
            (!(cv.is_finite() && (MIN_CV..=10.0).contains(&cv)))
                .then(|| format!("`cv` must be in [{MIN_CV}, 10], got {}", number(cv)))
        };
        match self {
            Dist::Exponential { mean } | Dist::Constant { mean } => pos("mean", *mean),
            Dist::Lognormal { mean, cv } | Dist::Gamma { mean, cv } => pos("mean", *mean).or_else(|| cv_ok(*cv)),
            Dist::Erlang { mean, k } => {
                pos("mean", *mean).or_else(|| (*k == 0).then(|| "`k` must be at least 1".to_string()))
            }
            Dist::Uniform { min, max } => {
                if !(min.is_finite() && *min >= 0.0 && max.is_finite() && max > min) {
                    Some(format!("`min` and `max` must satisfy 0 <= min < max, got min {min}, max {max}"))
                } else {
                    None
                }
            }
            Dist::Empirical { values } => {
                if values.is_empty() {
                    Some("`values` must list at least one observed duration".into())
                } else if let Some(v) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                    Some(format!("`values` must be non-negative seconds, found {v}"))
                } else if values.iter().all(|v| *v == 0.0) {
                    Some("`values` must not all be zero".into())
                } else {
                    None
                }
            }
        }
    }

    /// Compiles the distribution into a sampler. Call only on a valid `Dist` (see [`Dist::problem`]).
    pub fn sampler(&self) -> Sampler {
        match self {
            Dist::Exponential { mean } => Sampler::Exponential { mean: *mean },
            Dist::Lognormal { mean, cv } => {
                let s2 = (1.0 + cv * cv).ln();
                let mu = mean.ln() - 0.5 * s2;
                Sampler::Lognormal(LogNormal::new(mu, s2.sqrt()).expect("validated lognormal"))
            }
            Dist::Gamma { mean, cv } => {
                let shape = 1.0 / (cv * cv);
                Sampler::Gamma(Gamma::new(shape, mean / shape).expect("validated gamma"))
            }
            Dist::Erlang { mean, k } => {
                let k = f64::from(*k);
                Sampler::Gamma(Gamma::new(k, mean / k).expect("validated erlang"))
            }
            Dist::Uniform { min, max } => Sampler::Uniform { min: *min, width: max - min },
            Dist::Constant { mean } => Sampler::Constant(*mean),
            Dist::Empirical { values } => Sampler::Empirical(values.clone().into_boxed_slice()),
        }
    }
}

/// The engine's form of a [`Dist`]: draws seconds from a random stream.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// Exponential with this mean (s).
    Exponential { mean: f64 },
    /// Lognormal (parameters of the underlying normal).
    Lognormal(LogNormal<f64>),
    /// Gamma (shape, scale); Erlang-k is Gamma with integer shape.
    Gamma(Gamma<f64>),
    /// Uniform on [min, min + width] (s).
    Uniform { min: f64, width: f64 },
    /// A fixed value (s).
    Constant(f64),
    /// Uniform choice among observed values (s).
    Empirical(Box<[f64]>),
}

impl Sampler {
    /// Draws one duration in seconds.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                e * mean
            }
            Sampler::Lognormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Constant(v) => *v,
            Sampler::Empirical(values) => values[rng.random_range(0..values.len())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Sample mean and cv of 200,000 draws match the specification within 5 standard errors.
    #[test]
    fn samplers_match_mean_and_cv() {
        let dists = [
            Dist::Exponential { mean: 180.0 },
            Dist::Lognormal { mean: 240.0, cv: 0.8 },
            Dist::Gamma { mean: 60.0, cv: 0.5 },
            Dist::Erlang { mean: 100.0, k: 4 },
            Dist::Uniform { min: 10.0, max: 30.0 },
            Dist::Constant { mean: 15.0 },
            Dist::Empirical { values: vec![10.0, 20.0, 60.0] },
        ];
        let n = 200_000;
        for d in &dists {
            assert_eq!(d.problem(), None);
            let s = d.sampler();
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
            let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
            let m = xs.iter().sum::<f64>() / n as f64;
            let sd = (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64).sqrt();
            let se = d.mean() * d.cv() / (n as f64).sqrt();
            assert!((m - d.mean()).abs() <= 5.0 * se + 1e-9, "{d:?}: mean {m}");
            // the cv of a heavy-tailed sample converges slowly: 3% relative is ~5 standard errors here
            assert!((sd / m - d.cv()).abs() <= 0.03 * d.cv() + 1e-9, "{d:?}: cv {}", sd / m);
        }
    }

    #[test]
    fn problems_are_named() {
        assert!(Dist::Exponential { mean: 0.0 }.problem().unwrap().contains("mean"));
        assert!(Dist::Lognormal { mean: 1.0, cv: -1.0 }.problem().unwrap().contains("cv"));
        assert!(Dist::Erlang { mean: 1.0, k: 0 }.problem().unwrap().contains("k"));
        assert!(Dist::Uniform { min: 5.0, max: 5.0 }.problem().is_some());
        assert!(Dist::Empirical { values: vec![] }.problem().is_some());
        let scaled = Dist::Lognormal { mean: 100.0, cv: 0.5 }.scaled(1.1);
        assert!((scaled.mean() - 110.0).abs() < 1e-9 && scaled.cv() == 0.5);
    }
}
