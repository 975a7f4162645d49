//! Shared vocabulary: the few names that the scenario, the recorded facts and the policies all
//! speak — which calls a service level counts ([`SlDefinition`]) and the kinds of policy action
//! ([`ACTION_NAMES`]). It depends on nothing else in the crate, so every layer may use it
//! without a dependency circle.

use serde::{Deserialize, Serialize};

/// Which calls the service level counts; see DOMAIN.md and `facts::service_level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlDefinition {
    /// answered_within_t / offered: abandoned calls count as failures (default; Erlang A's SL).
    Offered,
    /// answered_within_t / (offered − abandoned_within_t): short abandons ignored.
    OfferedMinusShortAbandons,
    /// answered_within_t / answered: served calls only.
    Answered,
}

impl SlDefinition {
    /// The name used in scenario files and reports.
    pub fn name(self) -> &'static str {
        match self {
            SlDefinition::Offered => "offered",
            SlDefinition::OfferedMinusShortAbandons => "offered_minus_short_abandons",
            SlDefinition::Answered => "answered",
        }
    }
}

/// Number of policy action kinds counted in `facts::PolicyFacts::actions`.
pub const ACTION_KINDS: usize = 11;

/// Names of the policy action kinds, in `policy::Action::kind` order.
pub const ACTION_NAMES: [&str; ACTION_KINDS] = [
    "move_agents",
    "set_skill",
    "postpone_breaks",
    "cancel_breaks",
    "extend_shifts",
    "send_home",
    "set_open",
    "offer_callbacks",
    "set_priority",
    "set_overflow",
    "watch",
];
