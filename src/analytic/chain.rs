//! The exact stationary analysis of M/M/c/N+M on its birth–death chain over the number in system
//! (birth rate `λ`, death rate `min(n, c)·μ + max(n − c, 0)·θ`), normalised and rescaled so that
//! thousands of agents and heavy overload work, truncated when the tail is below `1e-17`. The
//! within-threshold probability of a call with `j` calls ahead uses `exp(−θV) ~ Beta(c·μ/θ + 1,
//! j + 1)` (the negative-binomial series of [`WithinSeries`]); see [`erlang_a`](super::erlang_a())
//! for the derivation.

use super::erlang_b::ln_idle_over_full;
use super::queue::{Outcome, QueueParams, h_fn, logistic_neg};

/// Queue states beyond which Erlang A (unlimited lines) switches from the chain to the
/// integral route (both exact; the integral is O(1) in the queue length).
const CHAIN_STATES_LIMIT: u64 = 1 << 18;
/// Tail mass (relative) below which the chain is truncated.
const CHAIN_EPS: f64 = 1e-17;
/// `(c·μ + θ)·T` above which a patient call with at most `2·MAX_WAITING_POSITIONS` calls
/// ahead surely (to double precision) reaches an agent within `T`: `T` is then > 100 times
/// the mean of its wait.
const SL_HORIZON: f64 = 1e9;
/// Rescaling bound for the running weights of the chain.
const BIG: f64 = 1e150;

/// `P(V_j ≤ T)` for `V_j = Σ_{k=0..j} Exp(c·μ + (k+1)·θ)`, accumulated over `j = 0, 1, …`.
///
/// `exp(−θ·V_j) ~ Beta(α + 1, j + 1)` with `α = c·μ/θ`, so
/// `P(V_j > T) = I_x(α + 1, j + 1) = Σ_{m=0..j} t_m` with `x = e^{−θT}`,
/// `t_0 = x^{α+1} = e^{−(c·μ+θ)·T}` and `t_m = t_{m−1}·(c·μ + m·θ)·g / m`,
/// `g = (1 − e^{−θT})/θ` (→ `T` as `θ → 0`, where the series becomes the Erlang/Poisson CDF).
/// All terms are positive; they are kept scaled by `e^{exp}` to avoid underflow.
struct WithinSeries {
    cmu: f64,
    theta: f64,
    g: f64,
    /// `true` when `T` is so large that every patient call is answered within it.
    always: bool,
    term: f64,
    sum: f64,
    scale: f64,
    exp: f64,
    m: u64,
}

impl WithinSeries {
    fn new(cmu: f64, theta: f64, t: f64) -> Self {
        let rate = cmu + theta;
        // Also catches a NaN product (0 · ∞).
        let always = rate * t > SL_HORIZON || (rate * t).is_nan();
        let g = h_fn(theta, t);
        let exp = -rate * t;
        Self { cmu, theta, g, always, term: 1.0, sum: 1.0, scale: if always { 0.0 } else { exp.exp() }, exp, m: 0 }
    }

    /// `P(V_j ≤ T)` for the current `j`.
    fn within(&self) -> f64 {
        if self.always { 1.0 } else { (1.0 - (self.sum * self.scale).min(1.0)).max(0.0) }
    }

    /// Move from `j` to `j + 1`.
    fn advance(&mut self) {
        if self.always {
            return;
        }
        self.m += 1;
        let m = self.m as f64;
        self.term *= (self.cmu + m * self.theta) * self.g / m;
        self.sum += self.term;
        if self.sum > BIG {
            self.term /= BIG;
            self.sum /= BIG;
            self.exp += BIG.ln();
            self.scale = self.exp.exp();
        }
    }
}

/// Rough number of queue states the chain needs (unlimited lines).
fn chain_length_estimate(cmu: f64, lam: f64, theta: f64) -> f64 {
    let geometric = |rho: f64| {
        if rho < 1.0 { 45.0 / -rho.ln() } else { f64::INFINITY }
    };
    if theta == 0.0 {
        return geometric(lam / cmu) + 100.0;
    }
    if lam > cmu {
        (lam - cmu) / theta + 60.0 * (lam / theta).sqrt() + 100.0
    } else {
        geometric(lam / cmu).min(std::f64::consts::E * lam / theta + 100.0) + 100.0
    }
}

/// Exact stationary analysis by the birth–death chain; `None` if it would be too long.
pub(super) fn chain_outcome(q: &QueueParams) -> Option<Outcome> {
    let (lam, cmu, theta) = (q.lam, q.cmu, q.theta);
    if q.waiting.is_none() && chain_length_estimate(cmu, lam, theta) > CHAIN_STATES_LIMIT as f64 {
        return None;
    }
    let hard_cap = 2 * CHAIN_STATES_LIMIT;
    let ln_idle = ln_idle_over_full(q.servers, q.load);
    let mut within = WithinSeries::new(cmu, theta, q.t);

    // Weights w_j = π_{c+j} / π_c, kept in units of e^{ln_unit}.
    let mut w = 1.0_f64;
    let mut ln_unit = 0.0_f64;
    let mut s_mass = 0.0;
    let mut s_served = 0.0;
    let mut s_ab = 0.0;
    let mut s_within = 0.0;
    let mut s_wait = 0.0;
    let mut s_lq = 0.0;
    let mut w_block = 0.0;
    let mut h = 0.0; // Σ_{k=0..j} 1/(cμ + (k+1)θ)
    let mut j: u64 = 0;
    loop {
        if q.waiting == Some(j) {
            w_block = w;
            s_lq += w * j as f64;
            break;
        }
        let jf = j as f64;
        let denom = cmu + (jf + 1.0) * theta;
        let served = cmu / denom;
        let abandon = (jf + 1.0) * theta / denom;
        h += 1.0 / denom;
        s_mass += w;
        s_served += w * served;
        s_ab += w * abandon;
        s_within += w * served * within.within();
        s_wait += w * served * h;
        s_lq += w * jf;

        let r = lam / denom;
        if r < 1.0 {
            let tail = w * r / (1.0 - r);
            let tail_lq = tail * (jf + 1.0 / (1.0 - r));
            if tail <= CHAIN_EPS * s_mass && tail_lq <= CHAIN_EPS * s_lq {
                break;
            }
        }
        j += 1;
        if q.waiting.is_none() && j > hard_cap {
            return None;
        }
        let next = w * r;
        if next > BIG {
            // ln(w·r) computed without forming a possibly infinite product.
            let shift = w.ln() + r.ln();
            let f = (-shift).exp();
            for s in [&mut s_mass, &mut s_served, &mut s_ab, &mut s_within, &mut s_wait, &mut s_lq] {
                *s *= f;
            }
            w = 1.0;
            ln_unit += shift;
        } else {
            w = next;
        }
        within.advance();
    }

    let total = s_mass + w_block;
    let d = ln_idle - (total.ln() + ln_unit);
    let busy = logistic_neg(d); // P(N ≥ c)
    let idle = logistic_neg(-d); // P(N < c)
    let norm = busy / total;
    Some(Outcome {
        p_block: norm * w_block,
        p_queue: norm * s_mass,
        p_abandon: norm * s_ab,
        p_served: idle + norm * s_served,
        p_within: idle + norm * s_within,
        served_wait: norm * s_wait,
        mean_queue: norm * s_lq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::rel;
    use crate::analytic::{ErlangXParams, Traffic, erlang_a, erlang_x};

    /// Brute-force stationary distribution of M/M/c/N+M by the plain recursion.
    fn brute(c: u32, lam: f64, mu: f64, theta: f64, n_max: usize) -> Vec<f64> {
        let mut p = vec![1.0_f64];
        for n in 1..=n_max {
            let k = n as f64;
            let death = k.min(f64::from(c)) * mu + (k - f64::from(c)).max(0.0) * theta;
            let next = p[n - 1] * lam / death;
            p.push(next);
        }
        let z: f64 = p.iter().sum();
        p.iter().map(|x| x / z).collect()
    }

    #[test]
    fn chain_matches_brute_force_distribution() {
        let (c, lam, mu, theta) = (7_u32, 0.05, 1.0 / 150.0, 1.0 / 90.0);
        let p = brute(c, lam, mu, theta, 400);
        let p_wait: f64 = p[c as usize..].iter().sum();
        let lq: f64 = p.iter().enumerate().skip(c as usize).map(|(n, x)| (n as f64 - f64::from(c)) * x).sum();
        let k = erlang_a(c, Traffic::new(lam, 150.0), 90.0, 20.0);
        assert!(rel(k.p_wait, p_wait) < 1e-12);
        assert!(rel(k.mean_queue_len, lq) < 1e-12);
        // Rate balance: abandonments θ·Lq = λ·P(abandon).
        assert!(rel(k.p_abandon, theta * lq / lam) < 1e-12);

        // Finite lines: blocking = π_N.
        let n = 10_usize;
        let pb = brute(c, lam, mu, theta, n);
        let params = ErlangXParams { mean_patience_s: 90.0, lines: Some(n as u32), redial_probability: 0.0 };
        let kx = erlang_x(c, Traffic::new(lam, 150.0), params, 20.0);
        assert!(rel(kx.p_blocked, pb[n]) < 1e-12);
    }

    /// `P(served, wait ≤ T | j ahead)` by integrating the killed pure-death chain (RK4).
    fn served_within_ode(cmu: f64, theta: f64, j: usize, t: f64) -> f64 {
        // y[k] = P(k calls ahead, still waiting); last entry = P(served).
        let deriv = |y: &[f64]| {
            let mut d = vec![0.0; j + 2];
            for k in 0..=j {
                let kf = k as f64;
                d[k] -= (cmu + kf * theta + theta) * y[k];
                if k > 0 {
                    d[k - 1] += (cmu + kf * theta) * y[k];
                } else {
                    d[j + 1] += cmu * y[k];
                }
            }
            d
        };
        let mut y = vec![0.0; j + 2];
        y[j] = 1.0;
        let steps = 20_000;
        let dt = t / f64::from(steps);
        for _ in 0..steps {
            let k1 = deriv(&y);
            let y2: Vec<f64> = y.iter().zip(&k1).map(|(a, b)| a + 0.5 * dt * b).collect();
            let k2 = deriv(&y2);
            let y3: Vec<f64> = y.iter().zip(&k2).map(|(a, b)| a + 0.5 * dt * b).collect();
            let k3 = deriv(&y3);
            let y4: Vec<f64> = y.iter().zip(&k3).map(|(a, b)| a + dt * b).collect();
            let k4 = deriv(&y4);
            for i in 0..y.len() {
                y[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
            }
        }
        y[j + 1]
    }

    #[test]
    fn beta_series_matches_phase_type_ode() {
        for &(cmu, theta, t) in &[(0.1, 0.01, 20.0), (0.5, 0.2, 7.0), (0.05, 0.0, 60.0)] {
            let mut s = WithinSeries::new(cmu, theta, t);
            for j in 0..12 {
                let served = cmu / (cmu + (j as f64 + 1.0) * theta);
                let series = served * s.within();
                let ode = served_within_ode(cmu, theta, j, t);
                assert!((series - ode).abs() < 1e-10, "j={j}: {series} vs {ode}");
                s.advance();
            }
        }
    }

    #[test]
    fn within_series_survives_underflow() {
        // (cμ+θ)·T = 5000: e^{-5000} underflows, yet the CDF must be computed.
        let mut s = WithinSeries::new(10.0, 0.0, 500.0);
        // Poisson(5000) CDF: P(V_j ≤ T) ≈ 0.5 near j = 5000.
        for _ in 0..5000 {
            s.advance();
        }
        let p = s.within();
        assert!((p - 0.5).abs() < 0.01, "{p}");
    }
}
