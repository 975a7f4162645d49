//! The independent checker: every contract rule a roster breaks (placeholder until written).

use super::{Spec, Violation};

/// Every rule the roster breaks.
pub fn check(_spec: &Spec, _roster: &[Vec<Option<usize>>]) -> Vec<Violation> {
    Vec::new()
}
