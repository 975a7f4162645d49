//! Erlang X: M/M/c/N+M with redials (Koole; Koole & Mandelbaum 2002, "Queueing models of call
//! centers"): finite lines, exponential patience and a share of blocked and abandoning callers
//! who call again, solved as the fixed point `Λ = λ + r·(p_blocked(Λ) + p_abandon(Λ))·Λ` by
//! Illinois regula falsi over the shared M/M/c/N+M evaluation of `queue.rs`.

use super::kpis::{Kpis, Traffic, nonneg};
use super::queue::{Route, abandonment_rate, evaluate};

/// Parameters of Koole's Erlang X model beyond Erlang C.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangXParams {
    /// Mean exponential patience in seconds; `f64::INFINITY` = nobody abandons.
    pub mean_patience_s: f64,
    /// Total lines (trunks) including those connected to agents: at most `lines − agents`
    /// calls can wait, further arrivals are blocked. `None` = unlimited. With fewer lines than
    /// agents only `lines` agents can be reached.
    pub lines: Option<u32>,
    /// Share `r ∈ [0, 1]` of blocked and abandoning callers who call again (redial).
    pub redial_probability: f64,
}

/// Full result of [`erlang_x_solve`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangXSolution {
    /// KPIs per attempt (first attempts and redials together), see [`erlang_x`].
    pub kpis: Kpis,
    /// Original (first-attempt) arrival rate λ in calls per second.
    pub first_attempt_rate_per_s: f64,
    /// Total attempt rate `Λ = λ + redials` in calls per second (the fixed point).
    pub attempt_rate_per_s: f64,
    /// Share of original callers who finally give up (blocked or abandoned and not calling
    /// again): `(1 − r)·(p_blocked + p_abandon)·Λ / λ`.
    pub lost_caller_share: f64,
    /// Evaluations of the queue model used by the fixed-point search.
    pub iterations: u32,
    /// `false` only if no fixed point exists (`r = 1` and the agents cannot absorb the
    /// traffic, so redials grow without bound); the KPIs are then those at `Λ = 10^9·λ`.
    pub converged: bool,
}

/// Erlang X KPIs (Koole; see also Koole & Mandelbaum 2002, "Queueing models of call centers"):
/// M/M/c/N+M — `agents` agents, `lines` lines (`N`, `None` = unlimited), exponential patience,
/// blocking when all lines are busy — plus redials: a share `r` of blocked and abandoning
/// callers call again, modelled as extra Poisson arrivals.
///
/// The total attempt rate `Λ` solves the fixed point `Λ = λ + r·(p_blocked(Λ) + p_abandon(Λ))·Λ`
/// (bracketed in `[λ, λ/(1 − r)]` and solved by Illinois regula falsi, a safeguarded
/// acceleration of the damped iteration `Λ ← λ + r·p(Λ)·Λ`, to `1e-12` relative).
///
/// **All returned KPIs are per attempt** (first attempts and redials together; the simulator
/// likewise reports redials as new offered calls); `offered_load = Λ·AHT`. Use
/// [`erlang_x_solve`] for `Λ` and the share of original callers finally lost.
/// With `r = 0` and unlimited lines this is exactly the chain of [`erlang_a`](super::erlang_a());
/// with infinite patience too it is Erlang C (computed by the chain, an independent check of
/// [`erlang_c`](super::erlang_c())).
pub fn erlang_x(agents: u32, traffic: Traffic, params: ErlangXParams, threshold_s: f64) -> Kpis {
    erlang_x_solve(agents, traffic, params, threshold_s).kpis
}

/// Erlang X with the redial fixed point exposed; see [`erlang_x`].
pub fn erlang_x_solve(agents: u32, traffic: Traffic, params: ErlangXParams, threshold_s: f64) -> ErlangXSolution {
    let lam0 = nonneg(traffic.arrival_rate_per_s);
    let aht = nonneg(traffic.mean_handle_s);
    let theta = abandonment_rate(nonneg(params.mean_patience_s));
    let r = nonneg(params.redial_probability).min(1.0);
    let t = nonneg(threshold_s);
    let loss = |k: &Kpis| (k.p_blocked + k.p_abandon).clamp(0.0, 1.0);
    let eval = |lam: f64| evaluate(agents, lam, aht, theta, params.lines, t, Route::Chain);
    // h(Λ) = λ + r·p(Λ)·Λ − Λ, with the KPIs at Λ.
    let h = |lam: f64| {
        let k = eval(lam);
        (lam0 + r * loss(&k) * lam - lam, k)
    };
    let solution = |k: Kpis, lam: f64, iterations: u32, converged: bool| ErlangXSolution {
        kpis: k,
        first_attempt_rate_per_s: lam0,
        attempt_rate_per_s: lam,
        lost_caller_share: if lam0 > 0.0 { ((1.0 - r) * loss(&k) * lam / lam0).clamp(0.0, 1.0) } else { 0.0 },
        iterations,
        converged,
    };

    let k0 = eval(lam0);
    let mut evals = 1_u32;
    if r == 0.0 || lam0 == 0.0 || !lam0.is_finite() || loss(&k0) == 0.0 {
        return solution(k0, lam0, evals, true);
    }
    // Bracket [lo, hi] with h(lo) ≥ 0 ≥ h(hi); h(λ/(1−r)) ≤ 0 because p ≤ 1.
    let (mut lo, mut f_lo) = (lam0, r * loss(&k0) * lam0);
    let mut hi;
    let mut f_hi;
    let mut k_hi;
    if r < 1.0 {
        hi = lam0 / (1.0 - r);
        (f_hi, k_hi) = h(hi);
        evals += 1;
        if f_hi >= 0.0 {
            // Every attempt is lost: Λ = λ/(1−r) exactly.
            return solution(k_hi, hi, evals, true);
        }
    } else {
        hi = 2.0 * lam0;
        loop {
            (f_hi, k_hi) = h(hi);
            evals += 1;
            if f_hi <= 0.0 {
                break;
            }
            if hi > 1e9 * lam0 || !hi.is_finite() {
                return solution(k_hi, hi, evals, false);
            }
            lo = hi;
            f_lo = f_hi;
            hi *= 4.0;
        }
    }
    // Illinois regula falsi.
    let mut side = 0_i8;
    let (mut x_best, mut k_best) = (hi, k_hi);
    for _ in 0..200 {
        let denom = f_lo - f_hi;
        let mut x = if denom > 0.0 { (hi * f_lo - lo * f_hi) / denom } else { 0.5 * (lo + hi) };
        if !(x > lo && x < hi) {
            x = 0.5 * (lo + hi);
        }
        let (fx, k) = h(x);
        evals += 1;
        (x_best, k_best) = (x, k);
        if fx.abs() <= 1e-13 * x || (hi - lo) <= 1e-12 * hi {
            break;
        }
        if fx > 0.0 {
            lo = x;
            f_lo = fx;
            if side == 1 {
                f_hi *= 0.5;
            }
            side = 1;
        } else {
            hi = x;
            f_hi = fx;
            if side == -1 {
                f_lo *= 0.5;
            }
            side = -1;
        }
    }
    solution(k_best, x_best, evals, true)
}
