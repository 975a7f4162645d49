//! Closed-form and exact-numerical queueing models for staffing: Erlang B, C, A and X, and the
//! staffing-requirement search built on them.
//!
//! This module owns the *steady-state analytic* answers that planners use to size staff per
//! interval and that the simulator is checked against. It knows nothing of scenarios, shifts or
//! the discrete-event engine; it depends on `std` only.
//!
//! Units everywhere: times in seconds, rates per second, loads in Erlangs
//! (`A = λ · AHT`), probabilities in `[0, 1]`.
//!
//! | model | system | implementation |
//! |---|---|---|
//! | [`erlang_b`] | M/M/c/c loss (Erlang 1917) | stable recursion |
//! | [`erlang_c`] | M/M/c, infinite patience (Erlang 1917) | closed form from Erlang B |
//! | [`erlang_a`] | M/M/c+M, exponential patience (Palm 1943; Garnett, Mandelbaum & Reiman 2002) | exact birth–death chain |
//! | [`erlang_a_integral`] | same model, independent route (virtual-waiting-time integral) | adaptive Gauss–Kronrod |
//! | [`erlang_x`] | M/M/c/N+M with redials (Koole's Erlang X) | birth–death chain + redial fixed point |
//! | [`required_agents`] | smallest staffing meeting [`Targets`] | galloping + bisection search |
//!
//! # Service-level definitions
//! [`Kpis::service_level`] is *answered within T ÷ all arrivals* (abandoned and blocked calls
//! count as failures, "SL over all arrivals"); [`Kpis::service_level_answered`] is *answered
//! within T ÷ answered*. For Erlang C both coincide. The ACD-style definition that ignores short
//! abandons needs the abandon-time distribution and is not reported here.
//!
//! # Input handling
//! Functions never panic. Negative or NaN inputs (rates, handle times, patience, thresholds,
//! redial probabilities) are treated as `0`. Infinite inputs are accepted and give the limiting
//! answer (for example infinite patience is Erlang C, zero patience is a loss system).

/// Threshold (seconds) used to report [`Kpis::service_level`] in [`required_agents`] when
/// [`Targets::service_level`] is `None`: the common "x % within 20 s" convention.
pub const DEFAULT_SL_THRESHOLD_S: f64 = 20.0;

/// Largest number of waiting positions (lines above the agents) modelled exactly by the
/// birth–death chain. [`ErlangXParams::lines`] that leave more waiting positions than this are
/// treated as unlimited (no real trunk group comes close).
pub const MAX_WAITING_POSITIONS: u64 = 1 << 22;

/// Upper limit of the staffing search in [`required_agents`] (agents).
pub const MAX_SEARCH_AGENTS: u32 = 100_000_000;

/// Relative tolerance with which [`meets_targets`] compares KPIs with their targets, so that a
/// target met exactly (for example occupancy `8/10 = 0.8`) is not lost to rounding.
pub const TARGET_TOLERANCE: f64 = 1e-12;

/// Offered traffic to one queue: Poisson arrivals at `arrival_rate_per_s` (calls per second),
/// each needing an exponentially distributed handle time with mean `mean_handle_s` seconds
/// (talk + hold + wrap-up, i.e. AHT).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    /// Arrival rate λ in calls per second.
    pub arrival_rate_per_s: f64,
    /// Average handle time `AHT = 1/μ` in seconds.
    pub mean_handle_s: f64,
}

impl Traffic {
    /// Traffic from an arrival rate (calls/s) and an AHT (s).
    pub const fn new(arrival_rate_per_s: f64, mean_handle_s: f64) -> Self {
        Self { arrival_rate_per_s, mean_handle_s }
    }

    /// Traffic from a forecast volume: `calls` arriving during an interval of `interval_s`
    /// seconds, so `λ = calls / interval_s`. A non-positive interval gives rate 0.
    pub fn from_volume(calls: f64, interval_s: f64, mean_handle_s: f64) -> Self {
        let rate = if interval_s > 0.0 { calls / interval_s } else { 0.0 };
        Self::new(rate, mean_handle_s)
    }

    /// Offered load in Erlangs: `A = λ · AHT` (the mean number of busy agents if every call
    /// were answered at once).
    pub fn load_erlangs(&self) -> f64 {
        self.arrival_rate_per_s * self.mean_handle_s
    }
}

/// KPIs of one queue at a given staffing, as the models predict in steady state.
///
/// All shares are per arrival (for Erlang X per *attempt*, see [`erlang_x`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kpis {
    /// Agents `c` the KPIs were computed for.
    pub agents: u32,
    /// Offered load `A = λ · AHT` in Erlangs (Erlang X: attempts, first calls plus redials).
    pub offered_load: f64,
    /// `false` only when the queue grows without bound: Erlang C (infinite patience, unlimited
    /// lines) with calls arriving and `load >= agents`. Unstable KPIs are limits: SL 0, waits
    /// and queue infinite.
    pub stable: bool,
    /// P(an arriving, non-blocked call finds every agent busy and so waits > 0).
    /// Erlang C: `C(c, A)`; Erlang A: `P(N ≥ c)` seen by an arrival (PASTA).
    pub p_wait: f64,
    /// Share of arrivals blocked because all lines are busy (Erlang X with finite lines; 0 for
    /// the other models).
    pub p_blocked: f64,
    /// Share of all arrivals that abandon while waiting.
    pub p_abandon: f64,
    /// Answered within the threshold ÷ all arrivals (abandoned and blocked calls are failures).
    pub service_level: f64,
    /// Answered within the threshold ÷ answered calls. When nothing is answered this equals
    /// [`Kpis::service_level`] (1 with no arrivals, 0 otherwise).
    pub service_level_answered: f64,
    /// ASA: mean wait of answered calls in seconds (`f64::INFINITY` if unstable or if no call
    /// is ever answered).
    pub asa_s: f64,
    /// Mean wait of all arrivals in seconds, abandoned calls counted until they hang up and
    /// blocked calls with 0 (Little: `mean_queue_len / λ`).
    pub avg_wait_s: f64,
    /// Occupancy: carried load ÷ agents = `A · P(answered) / c` (0 with no agents).
    pub occupancy: f64,
    /// Mean number of calls waiting in queue (time average).
    pub mean_queue_len: f64,
}

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
    let mut b = 1.0;
    for n in 1..=agents {
        let ab = a * b;
        b = ab / (f64::from(n) + ab);
    }
    b
}

/// Erlang C probability of waiting in M/M/c (Erlang 1917):
/// `C(c, A) = c·B / (c − A·(1 − B))` with `B = B(c, A)` from [`erlang_b`].
///
/// Returns `1.0` when `load_erlangs >= agents` (the queue is unstable and every call waits),
/// `0.0` for zero load on at least one agent.
pub fn erlang_c_wait_probability(agents: u32, load_erlangs: f64) -> f64 {
    let a = nonneg(load_erlangs);
    let c = f64::from(agents);
    if a >= c {
        return 1.0;
    }
    if a == 0.0 {
        return 0.0;
    }
    let b = erlang_b(agents, a);
    (c * b / (c - a * (1.0 - b))).clamp(0.0, 1.0)
}

/// Erlang C KPIs of M/M/c (Erlang 1917): Poisson arrivals, exponential handle times,
/// `agents` agents, infinite patience, unlimited lines, FCFS.
///
/// With `A = λ·AHT`, `C = C(c, A)` ([`erlang_c_wait_probability`]) and `T = threshold_s`:
/// `SL(T) = 1 − C·exp(−(c − A)·T / AHT)`, `ASA = C·AHT / (c − A)`,
/// `mean queue = C·A / (c − A)`, occupancy `A / c`. Nobody abandons, so the average wait of
/// all calls equals the ASA and both SL definitions coincide.
///
/// Unstable (`A ≥ c` with calls arriving): `stable = false`, `p_wait = 1`, SL 0,
/// ASA/waits/queue `f64::INFINITY`, occupancy 1 (0 with no agents).
pub fn erlang_c(agents: u32, traffic: Traffic, threshold_s: f64) -> Kpis {
    let lam = nonneg(traffic.arrival_rate_per_s);
    let aht = nonneg(traffic.mean_handle_s);
    let t = nonneg(threshold_s);
    if lam == 0.0 {
        return idle_kpis(agents);
    }
    let a = lam * aht;
    let c = f64::from(agents);
    if a >= c || a.is_nan() {
        return unstable_kpis(agents, a);
    }
    if a == 0.0 {
        // Instant service (AHT 0) on at least one agent.
        return instant_kpis(agents);
    }
    let pw = erlang_c_wait_probability(agents, a);
    let gap = c - a;
    let sl = (1.0 - pw * (-gap * t / aht).exp()).clamp(0.0, 1.0);
    let asa = pw * aht / gap;
    Kpis {
        agents,
        offered_load: a,
        stable: true,
        p_wait: pw,
        p_blocked: 0.0,
        p_abandon: 0.0,
        service_level: sl,
        service_level_answered: sl,
        asa_s: asa,
        avg_wait_s: asa,
        occupancy: (a / c).min(1.0),
        mean_queue_len: pw * a / gap,
    }
}

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
/// With `r = 0` and unlimited lines this is exactly the chain of [`erlang_a`]; with infinite
/// patience too it is Erlang C (computed by the chain, an independent check of [`erlang_c`]).
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

/// A queueing model with its parameters, for [`kpis`] and [`required_agents`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// [`erlang_c`]: infinite patience.
    ErlangC,
    /// [`erlang_a`]: exponential patience with this mean (seconds).
    ErlangA {
        /// Mean patience in seconds.
        mean_patience_s: f64,
    },
    /// [`erlang_x`]: patience, finite lines and redials; KPIs per attempt.
    ErlangX(ErlangXParams),
}

/// KPIs of `model` with `agents` agents; dispatches to [`erlang_c`], [`erlang_a`] or
/// [`erlang_x`]. `threshold_s` is the service-level threshold `T` in seconds.
pub fn kpis(model: Model, agents: u32, traffic: Traffic, threshold_s: f64) -> Kpis {
    match model {
        Model::ErlangC => erlang_c(agents, traffic, threshold_s),
        Model::ErlangA { mean_patience_s } => erlang_a(agents, traffic, mean_patience_s, threshold_s),
        Model::ErlangX(p) => erlang_x(agents, traffic, p, threshold_s),
    }
}

/// Staffing targets of one queue; every `Some` must hold (see [`meets_targets`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Targets {
    /// `(threshold_s, share)`: [`Kpis::service_level`] (answered within `threshold_s` seconds
    /// ÷ all arrivals) must be at least `share`, e.g. `(20.0, 0.8)` for 80/20.
    pub service_level: Option<(f64, f64)>,
    /// Maximum ASA in seconds.
    pub max_asa_s: Option<f64>,
    /// Maximum abandon rate (abandoned ÷ offered).
    pub max_abandon_rate: Option<f64>,
    /// Maximum occupancy (carried load ÷ agents).
    pub max_occupancy: Option<f64>,
}

/// Result of [`required_agents`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    /// Smallest number of agents meeting every target.
    pub agents: u32,
    /// Continuous requirement for aggregation across queues/intervals, in
    /// `[agents − 1, agents]`: linear interpolation between `agents − 1` and `agents` on the
    /// binding target (the one needing the largest fraction). When `agents − 1` is unstable
    /// (Erlang C) it is at least the offered load, and an ASA target is interpolated along
    /// `ASA ∝ 1/(x − A)` instead of linearly. 0 when `agents` is 0.
    pub fractional_agents: f64,
    /// KPIs at `agents` (SL reported at the target threshold, else
    /// [`DEFAULT_SL_THRESHOLD_S`]).
    pub kpis: Kpis,
    /// `false` if no staffing up to the search limit meets the targets (e.g. an SL target
    /// above 1 or a zero abandon target with Erlang A); `agents` is then the limit tried.
    pub feasible: bool,
}

/// Whether `kpis` meet every `Some` target, each compared with a relative tolerance of
/// [`TARGET_TOLERANCE`]. An unstable queue never meets targets.
pub fn meets_targets(kpis: &Kpis, targets: &Targets) -> bool {
    if !kpis.stable {
        return false;
    }
    // NaN values or targets never pass.
    let le = |value: f64, max: f64| value <= max + TARGET_TOLERANCE * max.abs().max(1.0);
    let sl_ok = targets.service_level.is_none_or(|(_, share)| kpis.service_level + TARGET_TOLERANCE >= share);
    sl_ok
        && targets.max_asa_s.is_none_or(|max| le(kpis.asa_s, max))
        && targets.max_abandon_rate.is_none_or(|max| le(kpis.p_abandon, max))
        && targets.max_occupancy.is_none_or(|max| le(kpis.occupancy, max))
}

/// Smallest number of agents whose [`kpis`] meet every target ([`meets_targets`]), with a
/// fractional requirement for aggregation. 0 agents when the arrival rate is 0.
///
/// The search starts at the offered load, gallops (steps 1, 2, 4, …) up or down to bracket the
/// answer, bisects, and finally checks that `agents − 1` fails; KPIs are monotone in the
/// agents for these models, so this is the smallest feasible staffing. Each evaluation costs
/// O(agents + queue states); a search takes ~10 evaluations.
pub fn required_agents(model: Model, traffic: Traffic, targets: &Targets) -> Requirement {
    let threshold = targets.service_level.map_or(DEFAULT_SL_THRESHOLD_S, |(t, _)| t);
    let eval = |c: u32| kpis(model, c, traffic, threshold);
    let ok = |k: &Kpis| meets_targets(k, targets);
    let lam = nonneg(traffic.arrival_rate_per_s);
    let load = lam * nonneg(traffic.mean_handle_s);
    if lam == 0.0 {
        let k = eval(0);
        return Requirement { agents: 0, fractional_agents: 0.0, kpis: k, feasible: ok(&k) };
    }

    // Search limit: room for an occupancy target and a generous margin above the load.
    let mut limit = 2.0 * load + 10.0 * load.sqrt() + 1000.0;
    if let Some(occ) = targets.max_occupancy
        && occ > 0.0
    {
        limit = limit.max(load / occ + 1000.0);
    }
    let limit = if limit.is_finite() { limit.min(f64::from(MAX_SEARCH_AGENTS)) as u32 } else { MAX_SEARCH_AGENTS };
    let start = if load.is_finite() { (load.ceil().min(f64::from(limit))) as u32 } else { limit };

    // Bracket: `lo` fails (or is None = below 0), `hi` meets.
    let k_start = eval(start);
    let (mut lo, mut hi, mut k_hi);
    if ok(&k_start) {
        hi = start;
        k_hi = k_start;
        lo = None;
        let mut step = 1_u32;
        while hi > 0 {
            let c = hi.saturating_sub(step);
            let k = eval(c);
            if ok(&k) {
                hi = c;
                k_hi = k;
                step = step.saturating_mul(2);
            } else {
                lo = Some(c);
                break;
            }
        }
    } else {
        let mut failing = start;
        let mut step = 1_u32;
        loop {
            if failing >= limit {
                return Requirement {
                    agents: failing,
                    fractional_agents: f64::from(failing),
                    kpis: eval(failing),
                    feasible: false,
                };
            }
            let c = failing.saturating_add(step).min(limit);
            let k = eval(c);
            if ok(&k) {
                hi = c;
                k_hi = k;
                lo = Some(failing);
                break;
            }
            failing = c;
            step = step.saturating_mul(2);
        }
    }
    let mut k_lo = None;
    if let Some(mut l) = lo {
        while hi - l > 1 {
            let mid = l + (hi - l) / 2;
            let k = eval(mid);
            if ok(&k) {
                hi = mid;
                k_hi = k;
            } else {
                l = mid;
            }
        }
        // Guard against a non-monotone KPI: walk down while the next lower staffing passes.
        loop {
            if hi == 0 {
                break;
            }
            let k = eval(hi - 1);
            if ok(&k) {
                hi -= 1;
                k_hi = k;
            } else {
                k_lo = Some(k);
                break;
            }
        }
    }
    let fractional = match k_lo {
        Some(prev) => fractional_requirement(&prev, &k_hi, targets),
        None => 0.0,
    };
    Requirement { agents: hi, fractional_agents: fractional, kpis: k_hi, feasible: true }
}

/// Fractional requirement between `prev` (failing, `c − 1` agents) and `cur` (meeting, `c`).
fn fractional_requirement(prev: &Kpis, cur: &Kpis, targets: &Targets) -> f64 {
    let c = f64::from(cur.agents);
    let base = c - 1.0;
    let lin = |v_prev: f64, v_cur: f64, target: f64| {
        let d = v_cur - v_prev;
        if d.abs() > 0.0 && v_prev.is_finite() && v_cur.is_finite() {
            ((target - v_prev) / d).clamp(0.0, 1.0)
        } else {
            1.0
        }
    };
    let mut frac = 0.0_f64;
    let single = |t: Targets| meets_targets(prev, &t);
    if let Some((_, share)) = targets.service_level {
        let t = Targets { service_level: targets.service_level, ..Targets::default() };
        if !single(t) {
            frac = frac.max(lin(prev.service_level, cur.service_level, share));
        }
    }
    if let Some(max) = targets.max_asa_s {
        let t = Targets { max_asa_s: Some(max), ..Targets::default() };
        if !single(t) {
            let f = if prev.asa_s.is_finite() {
                lin(prev.asa_s, cur.asa_s, max)
            } else if max > 0.0 && cur.offered_load < c {
                // ASA ≈ K / (x − A) near the stability limit.
                let a = cur.offered_load;
                let x = a + cur.asa_s * (c - a) / max;
                (x - base).clamp(0.0, 1.0)
            } else {
                1.0
            };
            frac = frac.max(f);
        }
    }
    if let Some(max) = targets.max_abandon_rate {
        let t = Targets { max_abandon_rate: Some(max), ..Targets::default() };
        if !single(t) {
            frac = frac.max(lin(prev.p_abandon, cur.p_abandon, max));
        }
    }
    if let Some(max) = targets.max_occupancy {
        let t = Targets { max_occupancy: Some(max), ..Targets::default() };
        if !single(t) {
            frac = frac.max(lin(prev.occupancy, cur.occupancy, max));
        }
    }
    let mut x = base + frac;
    if !prev.stable && prev.offered_load.is_finite() {
        x = x.max(prev.offered_load);
    }
    x.clamp(base, c)
}

// ---------------------------------------------------------------------------------------------
// Shared evaluation of the Markovian queue M/M/c/N+M.
// ---------------------------------------------------------------------------------------------

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Chain,
    Integral,
}

/// Probabilities over all arrivals (attempts) of the queue.
#[derive(Debug, Clone, Copy, Default)]
struct Outcome {
    /// Blocked (all lines busy).
    p_block: f64,
    /// Enters the queue (all agents busy, not blocked).
    p_queue: f64,
    /// Abandons.
    p_abandon: f64,
    /// Answered.
    p_served: f64,
    /// Answered within the threshold.
    p_within: f64,
    /// `E[wait · 1{answered}]` in seconds.
    served_wait: f64,
    /// Time-average number waiting.
    mean_queue: f64,
}

fn nonneg(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// `θ = 1 / patience` (infinite for zero patience, 0 for infinite patience).
fn abandonment_rate(patience: f64) -> f64 {
    if patience.is_infinite() {
        0.0
    } else if patience > 0.0 {
        1.0 / patience
    } else {
        f64::INFINITY
    }
}

/// `1 / (1 + e^d)` without overflow.
fn logistic_neg(d: f64) -> f64 {
    if d > 0.0 {
        let e = (-d).exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + d.exp())
    }
}

/// `ln(1 / B(n, a))` for `a > 0` finite, without underflow for any `n`: the stable recursion
/// while `B` is representable, then `x_k = 1/B(k) = 1 + (k/a)·x_{k−1}` in log scale.
fn ln_inv_erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0_f64;
    let mut k = 0_u32;
    while k < n {
        k += 1;
        let ab = a * b;
        b = ab / (f64::from(k) + ab);
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
fn ln_idle_over_full(c: u32, a: f64) -> f64 {
    if c == 0 || !a.is_finite() {
        return f64::NEG_INFINITY;
    }
    (f64::from(c) / a).ln() + ln_inv_erlang_b(c - 1, a)
}

fn idle_kpis(agents: u32) -> Kpis {
    Kpis {
        agents,
        offered_load: 0.0,
        stable: true,
        p_wait: 0.0,
        p_blocked: 0.0,
        p_abandon: 0.0,
        service_level: 1.0,
        service_level_answered: 1.0,
        asa_s: 0.0,
        avg_wait_s: 0.0,
        occupancy: 0.0,
        mean_queue_len: 0.0,
    }
}

fn instant_kpis(agents: u32) -> Kpis {
    idle_kpis(agents)
}

fn unstable_kpis(agents: u32, load: f64) -> Kpis {
    Kpis {
        agents,
        offered_load: load,
        stable: false,
        p_wait: 1.0,
        p_blocked: 0.0,
        p_abandon: 0.0,
        service_level: 0.0,
        service_level_answered: 0.0,
        asa_s: f64::INFINITY,
        avg_wait_s: f64::INFINITY,
        occupancy: if agents > 0 { 1.0 } else { 0.0 },
        mean_queue_len: f64::INFINITY,
    }
}

/// KPIs from the per-arrival probabilities.
fn assemble(agents: u32, lam: f64, load: f64, o: Outcome) -> Kpis {
    let accepted = 1.0 - o.p_block;
    let p_wait = if accepted > 0.0 { (o.p_queue / accepted).clamp(0.0, 1.0) } else { 1.0 };
    let sl = o.p_within.clamp(0.0, 1.0);
    let served = o.p_served.clamp(0.0, 1.0);
    let (sl_ans, asa) =
        if served > 0.0 { ((sl / served).min(1.0), (o.served_wait / served).max(0.0)) } else { (sl, f64::INFINITY) };
    let occupancy = if agents > 0 {
        let carried = if load.is_finite() { load * served } else { f64::from(agents) };
        (carried / f64::from(agents)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Kpis {
        agents,
        offered_load: load,
        stable: true,
        p_wait,
        p_blocked: o.p_block.clamp(0.0, 1.0),
        p_abandon: o.p_abandon.clamp(0.0, 1.0),
        service_level: sl,
        service_level_answered: sl_ans,
        asa_s: asa,
        avg_wait_s: (o.mean_queue / lam).max(0.0),
        occupancy,
        mean_queue_len: o.mean_queue.max(0.0),
    }
}

/// KPIs of M/M/c/N+M at arrival rate `lam` (sanitised inputs). `lines = None` is unlimited.
fn evaluate(agents: u32, lam: f64, aht: f64, theta: f64, lines: Option<u32>, t: f64, route: Route) -> Kpis {
    if lam == 0.0 {
        return idle_kpis(agents);
    }
    let servers = lines.map_or(agents, |l| l.min(agents));
    let waiting = lines.map(|l| u64::from(l - servers)).filter(|&w| w <= MAX_WAITING_POSITIONS);
    let load = lam * aht;
    // Agents that never finish (infinite AHT) are equivalent to no agents.
    let (servers_eff, mu) = if aht.is_infinite() {
        (0, 0.0)
    } else if aht > 0.0 {
        (servers, 1.0 / aht)
    } else {
        (servers, f64::INFINITY)
    };
    let busy_occupancy = |k: Kpis| Kpis {
        occupancy: if aht.is_infinite() && agents > 0 && servers > 0 {
            f64::from(servers) / f64::from(agents)
        } else {
            k.occupancy
        },
        ..k
    };

    if servers_eff > 0 && mu.is_infinite() {
        // Instant service: nobody ever waits.
        return Kpis { offered_load: load, ..instant_kpis(agents) };
    }
    if theta.is_infinite() {
        // Zero patience: a loss system; calls finding all agents busy are blocked (no waiting
        // positions) or abandon at once.
        let b = if servers_eff == 0 { 1.0 } else { erlang_b(servers_eff, load) };
        let blocked = waiting == Some(0);
        let o = Outcome {
            p_block: if blocked { b } else { 0.0 },
            p_queue: 0.0,
            p_abandon: if blocked { 0.0 } else { b },
            p_served: 1.0 - b,
            p_within: 1.0 - b,
            served_wait: 0.0,
            mean_queue: 0.0,
        };
        return busy_occupancy(assemble(agents, lam, load, o));
    }
    let cmu = if servers_eff == 0 { 0.0 } else { f64::from(servers_eff) * mu };
    if theta == 0.0 && (servers_eff == 0 || (waiting.is_none() && lam >= cmu)) {
        if let Some(w) = waiting {
            // Nobody leaves and the lines are full: every arrival is blocked.
            let k = Kpis {
                agents,
                offered_load: load,
                stable: true,
                p_wait: 1.0,
                p_blocked: 1.0,
                p_abandon: 0.0,
                service_level: 0.0,
                service_level_answered: 0.0,
                asa_s: f64::INFINITY,
                avg_wait_s: 0.0,
                occupancy: if servers > 0 { 1.0 } else { 0.0 },
                mean_queue_len: w as f64,
            };
            return busy_occupancy(k);
        }
        return unstable_kpis(agents, load);
    }
    if servers_eff == 0 && waiting.is_none() {
        // No agent ever answers: everybody waits out their patience (θ > 0 here).
        let mean_wait = 1.0 / theta;
        let o = Outcome { p_queue: 1.0, p_abandon: 1.0, mean_queue: lam * mean_wait, ..Outcome::default() };
        return busy_occupancy(assemble(agents, lam, load, o));
    }
    let first_ratio = lam / (cmu + theta);
    if !lam.is_finite() || !first_ratio.is_finite() {
        // Saturated: the queue is always full (or ever growing).
        let mut k = unstable_kpis(agents, load);
        k.stable = theta > 0.0 || waiting.is_some();
        if let Some(w) = waiting {
            k.p_blocked = 1.0;
            k.avg_wait_s = 0.0;
            k.mean_queue_len = w as f64;
        } else if theta > 0.0 {
            k.p_abandon = 1.0;
            k.avg_wait_s = 1.0 / theta;
        }
        if servers == 0 {
            k.occupancy = 0.0;
        }
        return k;
    }
    let q = QueueParams { servers: servers_eff, lam, cmu, theta, load, waiting, t };
    let integral_ok = q.waiting.is_none() && q.servers > 0;
    let outcome = match route {
        Route::Integral if integral_ok => Some(integral_outcome(&q)),
        _ => chain_outcome(&q),
    };
    let outcome = match outcome {
        Some(o) => o,
        None if integral_ok => integral_outcome(&q),
        // Not reached: a chain with finite waiting positions is never too long.
        None => return unstable_kpis(agents, load),
    };
    busy_occupancy(assemble(agents, lam, load, outcome))
}

/// Sanitised parameters of one evaluation.
struct QueueParams {
    /// Servers that can be reached (`≥ 1`, or 0 only with `θ > 0`).
    servers: u32,
    /// Arrival rate λ (finite, > 0).
    lam: f64,
    /// Total service rate `c·μ` (finite).
    cmu: f64,
    /// Abandonment rate θ (finite, ≥ 0).
    theta: f64,
    /// Offered load `λ/μ`.
    load: f64,
    /// Waiting positions `N − c`; `None` = unlimited.
    waiting: Option<u64>,
    /// SL threshold in seconds.
    t: f64,
}

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
        let g = if theta > 0.0 { -(-theta * t).exp_m1() / theta } else { t };
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
fn chain_outcome(q: &QueueParams) -> Option<Outcome> {
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

/// `h(u) − u` with `h(u) = (1 − e^{−θu})/θ` (`h(u) = u` for `θ = 0`), accurate for small `θu`.
fn h_minus_u(theta: f64, u: f64) -> f64 {
    let x = theta * u;
    if x.abs() < 1e-3 {
        -u * x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0 - x / 120.0)))
    } else {
        (-(-x).exp_m1() - x) / theta
    }
}

/// `h(t) = (1 − e^{−θt})/θ`, `t` for `θ = 0`.
fn h_fn(theta: f64, t: f64) -> f64 {
    if theta > 0.0 { -(-theta * t).exp_m1() / theta } else { t }
}

/// Erlang A through the virtual-waiting-time integrals (unlimited lines, `c ≥ 1`).
fn integral_outcome(q: &QueueParams) -> Outcome {
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

/// Gauss–Kronrod 15-point abscissae on [−1, 1] (QUADPACK `qk15`), descending, last = 0.
const GK_X: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
/// Kronrod weights for [`GK_X`].
const GK_WK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
/// Gauss 7-point weights for `GK_X[1], GK_X[3], GK_X[5], GK_X[7]`.
const GK_WG: [f64; 4] =
    [0.129_484_966_168_869_7, 0.279_705_391_489_276_7, 0.381_830_050_505_118_9, 0.417_959_183_673_469_4];

#[derive(Debug, Clone, Copy)]
struct Segment<const N: usize> {
    a: f64,
    b: f64,
    val: [f64; N],
    err: [f64; N],
}

fn gk15<const N: usize, F: Fn(f64) -> [f64; N]>(f: &F, a: f64, b: f64) -> Segment<N> {
    let c = 0.5 * (a + b);
    let hw = 0.5 * (b - a);
    let fc = f(c);
    let mut k = [0.0; N];
    let mut g = [0.0; N];
    for n in 0..N {
        k[n] = fc[n] * GK_WK[7];
        g[n] = fc[n] * GK_WG[3];
    }
    for i in 0..7 {
        let dx = hw * GK_X[i];
        let f1 = f(c - dx);
        let f2 = f(c + dx);
        for n in 0..N {
            let s = f1[n] + f2[n];
            k[n] += GK_WK[i] * s;
            if i % 2 == 1 {
                g[n] += GK_WG[i / 2] * s;
            }
        }
    }
    let mut val = [0.0; N];
    let mut err = [0.0; N];
    for n in 0..N {
        val[n] = k[n] * hw;
        err[n] = ((k[n] - g[n]) * hw).abs();
    }
    Segment { a, b, val, err }
}

/// Globally adaptive Gauss–Kronrod over consecutive `breaks`: bisects the segment with the
/// largest relative error until every component's error estimate is below `rel_tol` of its
/// total (or 4,000 segments).
fn adaptive_gk<const N: usize, F: Fn(f64) -> [f64; N]>(f: &F, breaks: &[f64], rel_tol: f64) -> Vec<Segment<N>> {
    let mut segs: Vec<Segment<N>> = breaks.windows(2).filter(|w| w[1] > w[0]).map(|w| gk15(f, w[0], w[1])).collect();
    while segs.len() < 4000 {
        let mut total = [0.0; N];
        let mut err = [0.0; N];
        for s in &segs {
            for n in 0..N {
                total[n] += s.val[n];
                err[n] += s.err[n];
            }
        }
        let done = (0..N).all(|n| err[n] <= rel_tol * total[n].abs() || err[n] < 1e-300);
        if done {
            break;
        }
        let badness = |s: &Segment<N>| (0..N).map(|n| s.err[n] / total[n].abs().max(1e-300)).fold(0.0, f64::max);
        let mut worst = 0;
        let mut worst_bad = -1.0;
        for (i, s) in segs.iter().enumerate() {
            let b = badness(s);
            if b > worst_bad {
                worst_bad = b;
                worst = i;
            }
        }
        let s = segs[worst];
        let mid = 0.5 * (s.a + s.b);
        if !(mid > s.a && mid < s.b) {
            break;
        }
        segs[worst] = gk15(f, s.a, mid);
        segs.push(gk15(f, mid, s.b));
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        if a == b { 0.0 } else { (a - b).abs() / a.abs().max(b.abs()) }
    }

    #[test]
    fn gauss_kronrod_is_exact_for_polynomials() {
        // K15 integrates degree ≤ 22 exactly, G7 degree ≤ 13.
        let f = |x: f64| [x.powi(22), x.powi(13) + x.powi(12)];
        let s = gk15(&f, -1.0, 1.0);
        assert!(rel(s.val[0], 2.0 / 23.0) < 1e-14);
        assert!(rel(s.val[1], 2.0 / 13.0) < 1e-14);
        let wsum: f64 = GK_WK[7] + 2.0 * GK_WK[..7].iter().sum::<f64>();
        let gsum: f64 = GK_WG[3] + 2.0 * (GK_WG[0] + GK_WG[1] + GK_WG[2]);
        assert!((wsum - 2.0).abs() < 1e-15 && (gsum - 2.0).abs() < 1e-15);
        let segs = adaptive_gk(&|x: f64| [(-x).exp()], &[0.0, 50.0], 1e-13);
        let v: f64 = segs.iter().map(|s| s.val[0]).sum();
        assert!(rel(v, -(-50.0_f64).exp_m1()) < 1e-13);
    }

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
