//! The shared evaluation of the Markovian queue M/M/c/N+M behind Erlang A and Erlang X: input
//! sanitation into [`QueueParams`], the limiting cases (zero or infinite patience, no agents,
//! instant service, saturation), the choice of route (the exact birth–death chain of `chain.rs`
//! or the virtual-waiting-time integrals of `integral.rs`), and the assembly of per-arrival
//! probabilities ([`Outcome`]) into [`Kpis`] (Little's law for the waits, PASTA for `p_wait`).

use super::chain::chain_outcome;
use super::erlang_b::erlang_b;
use super::integral::integral_outcome;
use super::kpis::{Kpis, idle_kpis, instant_kpis, lines_full_kpis, unstable_kpis};

/// Largest number of waiting positions (lines above the agents) modelled exactly by the
/// birth–death chain. [`ErlangXParams::lines`](super::ErlangXParams::lines) that leave more
/// waiting positions than this are treated as unlimited (no real trunk group comes close).
pub const MAX_WAITING_POSITIONS: u64 = 1 << 22;

/// How [`evaluate`] computes the queue: the birth–death chain (`chain.rs`) or, for unlimited
/// lines, the virtual-waiting-time integrals (`integral.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Route {
    Chain,
    Integral,
}

/// Probabilities over all arrivals (attempts) of the queue.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Outcome {
    /// Blocked (all lines busy).
    pub(super) p_block: f64,
    /// Enters the queue (all agents busy, not blocked).
    pub(super) p_queue: f64,
    /// Abandons.
    pub(super) p_abandon: f64,
    /// Answered.
    pub(super) p_served: f64,
    /// Answered within the threshold.
    pub(super) p_within: f64,
    /// `E[wait · 1{answered}]` in seconds.
    pub(super) served_wait: f64,
    /// Time-average number waiting.
    pub(super) mean_queue: f64,
}

/// `θ = 1 / patience` (infinite for zero patience, 0 for infinite patience).
pub(super) fn abandonment_rate(patience: f64) -> f64 {
    if patience.is_infinite() {
        0.0
    } else if patience > 0.0 {
        1.0 / patience
    } else {
        f64::INFINITY
    }
}

/// `h(t) = (1 − e^{−θt})/θ = ∫_0^t e^{−θs} ds` (`t` for `θ = 0`): the `g` of the chain's
/// within-threshold series and the `h` of the virtual-waiting-time integrand.
pub(super) fn h_fn(theta: f64, t: f64) -> f64 {
    if theta > 0.0 { -(-theta * t).exp_m1() / theta } else { t }
}

/// `1 / (1 + e^d)` without overflow.
pub(super) fn logistic_neg(d: f64) -> f64 {
    if d > 0.0 {
        let e = (-d).exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + d.exp())
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
pub(super) fn evaluate(agents: u32, lam: f64, aht: f64, theta: f64, lines: Option<u32>, t: f64, route: Route) -> Kpis {
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
            // Nobody leaves and the lines are full.
            return busy_occupancy(lines_full_kpis(agents, load, servers, w));
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
        if let Some(w) = waiting {
            return lines_full_kpis(agents, load, servers, w);
        }
        let mut k = unstable_kpis(agents, load);
        k.stable = theta > 0.0;
        if theta > 0.0 {
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
pub(super) struct QueueParams {
    /// Servers that can be reached (`≥ 1`, or 0 only with `θ > 0`).
    pub(super) servers: u32,
    /// Arrival rate λ (finite, > 0).
    pub(super) lam: f64,
    /// Total service rate `c·μ` (finite).
    pub(super) cmu: f64,
    /// Abandonment rate θ (finite, ≥ 0).
    pub(super) theta: f64,
    /// Offered load `λ/μ`.
    pub(super) load: f64,
    /// Waiting positions `N − c`; `None` = unlimited.
    pub(super) waiting: Option<u64>,
    /// SL threshold in seconds.
    pub(super) t: f64,
}
