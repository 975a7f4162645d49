//! The inputs and outputs every model shares: [`Traffic`] (Poisson arrivals and a mean handle
//! time, offered load `A = λ · AHT` in Erlangs) and [`Kpis`] (the steady-state KPIs of one
//! queue at one staffing), plus the KPI values of the degenerate cases (no arrivals, instant
//! service, an unstable M/M/c queue) and the input sanitation ([`nonneg`]) of the module doc's
//! "Input handling". Owns no queueing formula.

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
/// All shares are per arrival (for Erlang X per *attempt*, see [`erlang_x`](super::erlang_x())).
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

/// `x` if positive, else 0 (negative and NaN inputs count as 0).
pub(super) fn nonneg(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// KPIs with no arrivals: nobody waits, SL 1.
pub(super) fn idle_kpis(agents: u32) -> Kpis {
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

/// KPIs with instant service (AHT 0) on at least one agent: those of no arrivals.
pub(super) fn instant_kpis(agents: u32) -> Kpis {
    idle_kpis(agents)
}

/// KPIs when every line is always busy: each arrival is blocked (and counted with wait 0), the
/// `waiting` positions stay occupied and the `servers` agents reachable through the lines are
/// always busy.
pub(super) fn lines_full_kpis(agents: u32, load: f64, servers: u32, waiting: u64) -> Kpis {
    Kpis {
        stable: true,
        p_blocked: 1.0,
        avg_wait_s: 0.0,
        occupancy: if servers > 0 { 1.0 } else { 0.0 },
        mean_queue_len: waiting as f64,
        ..unstable_kpis(agents, load)
    }
}

/// KPIs of an unstable queue (infinite patience, unlimited lines, `load >= agents`): the limits
/// SL 0, waits and queue infinite.
pub(super) fn unstable_kpis(agents: u32, load: f64) -> Kpis {
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
