//! Erlang B: the blocking probability of the loss system M/M/c/c (Erlang 1917), by the stable
//! recursion `B(n) = A·B(n−1) / (n + A·B(n−1))`, and its log-scale form `ln(1/B)` that the
//! chain and the integral route use to weigh idle against busy states without underflow.

use super::kpis::nonneg;

/// Erlang B blocking probability of the loss system M/M/c/c (Erlang 1917):
/// `B(c, A) = (A^c / c!) / Σ_{k=0..c} A^k / k!`, the share of calls that find all `agents`
/// lines busy when `load_erlangs` Erlangs are offered.
///
/// Computed with the numerically stable recursion `B(0) = 1`,
/// `B(n) = A·B(n−1) / (n + A·B(n−1))`, O(c), no overflow for any `c`.
/// `B(0, A) = 1`; `B(c ≥ 1, 0) = 0`; `B(c, ∞) = 1`.
pub fn erlang_b(agents: u32, load_erlangs: f64) -> f64 {
    let a = nonneg(load_erlangs);
    if agents == 0 || a.is_infinite() {
        return 1.0;
    }
    if a == 0.0 {
        return 0.0;
    }
    (1..=agents).fold(1.0, |b, n| next_erlang_b(a, b, n))
}

/// One step of the stable recursion: `B(n) = A·B(n−1) / (n + A·B(n−1))`.
fn next_erlang_b(a: f64, b_prev: f64, n: u32) -> f64 {
    let ab = a * b_prev;
    ab / (f64::from(n) + ab)
}

/// `ln(1 / B(n, a))` for `a > 0` finite, without underflow for any `n`: the stable recursion
/// while `B` is representable, then `x_k = 1/B(k) = 1 + (k/a)·x_{k−1}` in log scale.
pub(super) fn ln_inv_erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0_f64;
    let mut k = 0_u32;
    while k < n {
        k += 1;
        b = next_erlang_b(a, b, k);
        if b < 1e-280 {
            break;
        }
    }
    let mut l = -b.ln();
    if k == n {
        return l;
    }
    let ln_a = a.ln();
    while k < n {
        k += 1;
        let y = f64::from(k).ln() - ln_a + l;
        l = if y > 0.0 { y + (-y).exp().ln_1p() } else { y.exp().ln_1p() };
    }
    l
}

/// `ln(Σ_{n<c} π_n / π_c) = ln((1 − B(c, A)) / B(c, A)) = ln(c/A) + ln(1/B(c−1, A))`.
pub(super) fn ln_idle_over_full(c: u32, a: f64) -> f64 {
    if c == 0 || !a.is_finite() {
        return f64::NEG_INFINITY;
    }
    (f64::from(c) / a).ln() + ln_inv_erlang_b(c - 1, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::rel;

    #[test]
    fn log_erlang_b_matches_recursion_and_survives_underflow() {
        for &(c, a) in &[(1, 0.5), (14, 10.0), (100, 80.0), (30, 25.0)] {
            let direct = erlang_b(c, a);
            assert!(rel(ln_inv_erlang_b(c, a), -direct.ln()) < 1e-13);
        }
        // 1/B(5000, 1) = Σ_k 5000!/k! = 5000!·e (to double precision), so ln = ln(5000!) + 1.
        let l = ln_inv_erlang_b(5000, 1.0);
        let ln_fact: f64 = (1..=5000).map(|k| f64::from(k).ln()).sum();
        assert!(rel(l, ln_fact + 1.0) < 1e-13, "{l} vs {}", ln_fact + 1.0);
        assert_eq!(erlang_b(5000, 1.0), 0.0);
    }
}
