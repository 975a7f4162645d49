//! Erlang A: M/M/c+M, exponential patience (Palm 1943; Garnett, Mandelbaum & Reiman 2002,
//! "Designing a call center with impatient customers"). Public entry points only: the exact
//! birth–death chain is in `chain.rs`, the independent virtual-waiting-time integral route in
//! `integral.rs`, both behind the shared M/M/c/N+M evaluation of `queue.rs`.

use super::erlang_c::erlang_c;
use super::kpis::{Kpis, Traffic, nonneg};
use super::queue::{Route, abandonment_rate, evaluate};

/// Erlang A KPIs of M/M/c+M (Palm 1943; Garnett, Mandelbaum & Reiman 2002, "Designing a call
/// center with impatient customers"): Erlang C plus exponentially distributed patience with
/// mean `mean_patience_s` (abandonment rate `θ = 1 / mean_patience_s`), FCFS.
///
/// Exact computation on the birth–death chain over the number in system `n`, birth rate `λ`,
/// death rate `min(n, c)·μ + max(n − c, 0)·θ`, summed in a normalised, rescaled recursion and
/// truncated when the remaining tail is below `1e-17` of the mass (so thousands of agents and
/// heavy overload work). By PASTA an arrival sees `n` with the stationary probability; if
/// `j = n − c ≥ 0` calls are ahead of it, it reaches an agent after `j + 1` exponential phases
/// of rates `c·μ + k·θ` (`k = j … 0`) unless its own patience runs out first, so
/// * `P(served | j) = c·μ / (c·μ + (j + 1)·θ)` (product telescopes),
/// * `P(served, wait ≤ T | j) = P(served | j) · P(Σ_{k=0..j} Exp(c·μ + (k+1)·θ) ≤ T)`, and
///   that hypoexponential sum `V` satisfies `exp(−θV) ~ Beta(c·μ/θ + 1, j + 1)`; its CDF is a
///   positive negative-binomial series, accumulated in `j`,
/// * `E[wait; served | j] = P(served | j) · Σ_{k=0..j} 1 / (c·μ + (k+1)·θ)`.
///
/// If the chain would need more than 2^18 queue states (very long patience in overload, or
/// load within ~1e-4 of the agents), the independent integral route of [`erlang_a_integral`]
/// is used instead (same results to ~1e-12, constant cost).
///
/// Special cases: infinite patience returns exactly [`erlang_c`]; zero patience is the loss
/// system (calls finding all agents busy abandon at once: `p_abandon = B(c, A)`, `p_wait = 0`);
/// no agents means everybody abandons after their patience (`avg_wait_s` = mean patience,
/// ASA infinite). `stable` is always `true` when patience is finite.
pub fn erlang_a(agents: u32, traffic: Traffic, mean_patience_s: f64, threshold_s: f64) -> Kpis {
    erlang_a_by(Route::Chain, agents, traffic, mean_patience_s, threshold_s)
}

/// Erlang A by the given route (infinite patience is Erlang C either way).
fn erlang_a_by(route: Route, agents: u32, traffic: Traffic, mean_patience_s: f64, threshold_s: f64) -> Kpis {
    let patience = nonneg(mean_patience_s);
    if patience.is_infinite() {
        return erlang_c(agents, traffic, threshold_s);
    }
    evaluate(
        agents,
        nonneg(traffic.arrival_rate_per_s),
        nonneg(traffic.mean_handle_s),
        abandonment_rate(patience),
        None,
        nonneg(threshold_s),
        route,
    )
}

/// Erlang A KPIs computed by a route independent of [`erlang_a`]'s chain, for cross-checks.
///
/// Palm's virtual waiting time `V` (the wait of an infinitely patient arrival) has an atom
/// `P(V = 0) = P(N < c)` and, on `t > 0`, the density `π_c · c·μ · f(t)` with
/// `f(t) = exp(−c·μ·t + λ·(1 − e^{−θt})/θ)` (Garnett, Mandelbaum & Reiman 2002; the incomplete
/// gamma functions of their closed forms are these integrals). A caller with patience
/// `τ ~ Exp(θ)` is served iff `τ > V`, so with `J[g] = ∫ f(t)·g(t) dt`:
/// `P(abandon) = π_c·c·μ·J[1 − e^{−θt}]`, `P(served, wait ≤ T) = P(N < c) + π_c·c·μ·∫_0^T f e^{−θt}`,
/// `E[wait; served] = π_c·c·μ·J[t·e^{−θt}]`, mean wait of all `= E[min(V, τ)]`, with
/// `π_c = 1 / ((1 − B)/B + c·μ·J[1])`, `B = B(c, A)`.
/// The integrals are evaluated in log scale by adaptive Gauss–Kronrod (7/15) quadrature split
/// at the mode of the log-concave integrand, relative tolerance `1e-13`.
///
/// Same special cases and conventions as [`erlang_a`].
pub fn erlang_a_integral(agents: u32, traffic: Traffic, mean_patience_s: f64, threshold_s: f64) -> Kpis {
    erlang_a_by(Route::Integral, agents, traffic, mean_patience_s, threshold_s)
}
