//! Erlang C: M/M/c with infinite patience (Erlang 1917). `C(c, A)` in closed form from Erlang B,
//! and the KPIs `SL(T) = 1 − C·exp(−(c − A)·T / AHT)`, `ASA = C·AHT / (c − A)`.

use super::erlang_b::erlang_b;
use super::kpis::{Kpis, Traffic, idle_kpis, instant_kpis, nonneg, unstable_kpis};

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
