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
//! | [`erlang_b()`] | M/M/c/c loss (Erlang 1917) | stable recursion |
//! | [`erlang_c()`] | M/M/c, infinite patience (Erlang 1917) | closed form from Erlang B |
//! | [`erlang_a()`] | M/M/c+M, exponential patience (Palm 1943; Garnett, Mandelbaum & Reiman 2002) | exact birth–death chain |
//! | [`erlang_a_integral`] | same model, independent route (virtual-waiting-time integral) | adaptive Gauss–Kronrod |
//! | [`erlang_x()`] | M/M/c/N+M with redials (Koole's Erlang X) | birth–death chain + redial fixed point |
//! | [`required_agents`] | smallest staffing meeting [`StaffingTargets`] | galloping + bisection search |
//!
//! # Files
//! Every public item is re-exported here, so `ccsim::analytic::X` is the one path to use.
//!
//! | file | owns |
//! |---|---|
//! | `kpis.rs` | [`Traffic`] in, [`Kpis`] out; KPIs of degenerate cases; input sanitation |
//! | `erlang_b.rs` | [`erlang_b()`] and its log-scale form `ln(1/B)` |
//! | `erlang_c.rs` | [`erlang_c()`], [`erlang_c_wait_probability`] |
//! | `erlang_a.rs` | [`erlang_a()`], [`erlang_a_integral`] (entry points) |
//! | `erlang_x.rs` | [`erlang_x()`], [`erlang_x_solve`]: the redial fixed point |
//! | `queue.rs` | the shared M/M/c/N+M evaluation behind Erlang A and X: limiting cases, choice of route, KPI assembly |
//! | `chain.rs` | the exact birth–death chain route |
//! | `integral.rs` | the virtual-waiting-time integral route |
//! | `quadrature.rs` | adaptive Gauss–Kronrod quadrature (numerics only) |
//! | `requirement.rs` | [`QueueingModel`], [`kpis()`], [`StaffingTargets`], [`meets_targets`], [`required_agents`] |
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

mod chain;
mod erlang_a;
mod erlang_b;
mod erlang_c;
mod erlang_x;
mod integral;
mod kpis;
mod quadrature;
mod queue;
mod requirement;

pub use erlang_a::{erlang_a, erlang_a_integral};
pub use erlang_b::erlang_b;
pub use erlang_c::{erlang_c, erlang_c_wait_probability};
pub use erlang_x::{ErlangXParams, ErlangXSolution, erlang_x, erlang_x_solve};
pub use kpis::{Kpis, Traffic};
pub use queue::MAX_WAITING_POSITIONS;
pub use requirement::{
    DEFAULT_SL_THRESHOLD_S, MAX_SEARCH_AGENTS, QueueingModel, Requirement, StaffingTargets, TARGET_TOLERANCE, kpis,
    meets_targets, required_agents,
};

/// Relative difference of `a` and `b` (0 when equal), for the unit tests of the children.
#[cfg(test)]
fn rel(a: f64, b: f64) -> f64 {
    if a == b { 0.0 } else { (a - b).abs() / a.abs().max(b.abs()) }
}
