//! Erlang A by an independent route: Palm's virtual waiting time `V`, whose density on `t > 0` is
//! `π_c · c·μ · exp(−c·μ·t + λ·(1 − e^{−θt})/θ)` (Garnett, Mandelbaum & Reiman 2002), integrated
//! in log scale by adaptive Gauss–Kronrod quadrature split at the mode of the log-concave
//! integrand. Constant cost in the queue length, so it also serves when the chain would be too long.

use super::erlang_b::ln_idle_over_full;
use super::quadrature::adaptive_gk;
use super::queue::{Outcome, QueueParams, h_fn, logistic_neg};

/// `h(u) − u` with `h(u) = (1 − e^{−θu})/θ` (`h(u) = u` for `θ = 0`), accurate for small `θu`.
fn h_minus_u(theta: f64, u: f64) -> f64 {
    let x = theta * u;
    if x.abs() < 1e-3 {
        -u * x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0 - x / 120.0)))
    } else {
        (-(-x).exp_m1() - x) / theta
    }
}

/// Erlang A through the virtual-waiting-time integrals (unlimited lines, `c ≥ 1`).
pub(super) fn integral_outcome(q: &QueueParams) -> Outcome {
    let (lam, cmu, theta) = (q.lam, q.cmu, q.theta);
    let interior = theta > 0.0 && lam > cmu;
    // Mode of the log-concave integrand and its log value φ(t_m).
    let t_mode = if interior { (lam / cmu).ln() / theta } else { 0.0 };
    let phi_max = if interior { (lam - cmu) / theta - cmu * t_mode } else { 0.0 };
    // φ(t) − φ(t_m), computed without cancellation.
    let dphi = |t: f64| {
        if interior { cmu * h_minus_u(theta, t - t_mode) } else { -(cmu - lam) * t + lam * h_minus_u(theta, t) }
    };
    let scale =
        if interior { 1.0 / (cmu * theta).sqrt() } else { 1.0 / (cmu - lam).max((lam * theta).sqrt()).max(1e-300) };
    const CUT: f64 = 80.0;
    let mut d = scale;
    while dphi(t_mode + d) > -CUT && d < 1e300 {
        d *= 2.0;
    }
    let t_right = t_mode + d;
    let mut t_left = 0.0;
    if t_mode > 0.0 {
        let mut d = scale;
        loop {
            let t = t_mode - d;
            if t <= 0.0 {
                break;
            }
            if dphi(t) < -CUT {
                t_left = t;
                break;
            }
            d *= 2.0;
        }
    }
    let mut breaks = vec![t_left];
    for b in [t_mode, q.t] {
        if b > t_left && b < t_right {
            breaks.push(b);
        }
    }
    breaks.push(t_right);
    breaks.sort_by(f64::total_cmp);
    breaks.dedup();

    let f = |t: f64| {
        let e = dphi(t).exp();
        let decay = (-theta * t).exp();
        [e, e * decay, e * h_fn(theta, t), e * t * decay]
    };
    let segments = adaptive_gk(&f, &breaks, 1e-13);
    let mut total = [0.0; 4];
    let mut within_t = 0.0;
    for s in &segments {
        for (acc, v) in total.iter_mut().zip(s.val) {
            *acc += v;
        }
        if s.b <= q.t {
            within_t += s.val[1];
        }
    }
    let ln_idle = ln_idle_over_full(q.servers, q.load);
    let ln_busy = cmu.ln() + phi_max + total[0].ln();
    let d = ln_idle - ln_busy;
    let busy = logistic_neg(d);
    let idle = logistic_neg(-d);
    let norm = busy / total[0];
    let mean_wait = norm * total[2];
    Outcome {
        p_block: 0.0,
        p_queue: busy,
        p_abandon: theta * mean_wait,
        p_served: idle + norm * total[1],
        p_within: idle + norm * within_t,
        served_wait: norm * total[3],
        mean_queue: lam * mean_wait,
    }
}

#[cfg(test)]
mod tests {
    use crate::analytic::rel;
    use crate::analytic::{Traffic, erlang_a};

    #[test]
    fn integral_route_handles_overload_with_very_long_patience() {
        // Chain would need ~1e11 states: the integral route is used.
        let k = erlang_a(10, Traffic::new(1.0, 100.0), 1e9, 20.0);
        assert!(k.p_abandon > 0.89 && k.p_abandon < 0.91, "{k:?}");
        assert!(k.service_level < 1e-6);
        // Fluid limit: served calls wait ln(λ/cμ)/θ.
        assert!(rel(k.asa_s, 10.0_f64.ln() * 1e9) < 1e-3, "{}", k.asa_s);
    }
}
