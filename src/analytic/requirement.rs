//! The staffing requirement search: [`QueueingModel`] (which Erlang model, with its parameters) and
//! [`kpis`] dispatching to it, [`StaffingTargets`] and [`meets_targets`], and [`required_agents`], the
//! smallest staffing meeting every target (galloping from the offered load, then bisection;
//! KPIs are monotone in the agents for these models) with a fractional requirement
//! interpolated on the binding target for aggregation across queues and intervals.

use super::erlang_a::erlang_a;
use super::erlang_c::erlang_c;
use super::erlang_x::{ErlangXParams, erlang_x};
use super::kpis::{Kpis, Traffic, nonneg};

/// Threshold (seconds) used to report [`Kpis::service_level`] in [`required_agents`] when
/// [`StaffingTargets::service_level`] is `None`: the common "x % within 20 s" convention.
pub const DEFAULT_SL_THRESHOLD_S: f64 = 20.0;

/// Upper limit of the staffing search in [`required_agents`] (agents).
pub const MAX_SEARCH_AGENTS: u32 = 100_000_000;

/// Relative tolerance with which [`meets_targets`] compares KPIs with their targets, so that a
/// target met exactly (for example occupancy `8/10 = 0.8`) is not lost to rounding.
pub const TARGET_TOLERANCE: f64 = 1e-12;

/// A queueing model with its parameters, for [`kpis`] and [`required_agents`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QueueingModel {
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
pub fn kpis(model: QueueingModel, agents: u32, traffic: Traffic, threshold_s: f64) -> Kpis {
    match model {
        QueueingModel::ErlangC => erlang_c(agents, traffic, threshold_s),
        QueueingModel::ErlangA { mean_patience_s } => erlang_a(agents, traffic, mean_patience_s, threshold_s),
        QueueingModel::ErlangX(p) => erlang_x(agents, traffic, p, threshold_s),
    }
}

/// Staffing targets of one queue; every `Some` must hold (see [`meets_targets`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StaffingTargets {
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
pub fn meets_targets(kpis: &Kpis, targets: &StaffingTargets) -> bool {
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
pub fn required_agents(model: QueueingModel, traffic: Traffic, targets: &StaffingTargets) -> Requirement {
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
fn fractional_requirement(prev: &Kpis, cur: &Kpis, targets: &StaffingTargets) -> f64 {
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
    // Only a target that `prev` misses on its own can bind.
    let misses = |alone: StaffingTargets| !meets_targets(prev, &alone);
    let none = StaffingTargets::default();
    let mut frac = 0.0_f64;
    if let Some((_, share)) = targets.service_level
        && misses(StaffingTargets { service_level: targets.service_level, ..none })
    {
        frac = frac.max(lin(prev.service_level, cur.service_level, share));
    }
    if let Some(max) = targets.max_asa_s
        && misses(StaffingTargets { max_asa_s: Some(max), ..none })
    {
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
    if let Some(max) = targets.max_abandon_rate
        && misses(StaffingTargets { max_abandon_rate: Some(max), ..none })
    {
        frac = frac.max(lin(prev.p_abandon, cur.p_abandon, max));
    }
    if let Some(max) = targets.max_occupancy
        && misses(StaffingTargets { max_occupancy: Some(max), ..none })
    {
        frac = frac.max(lin(prev.occupancy, cur.occupancy, max));
    }
    let mut x = base + frac;
    if !prev.stable && prev.offered_load.is_finite() {
        x = x.max(prev.offered_load);
    }
    x.clamp(base, c)
}
