//! Rosters (placeholder).
use super::{Options, Plan, SearchInfo, Spec};
/// Roster.
pub fn solve(_spec: &Spec, _opts: &Options) -> Result<(Plan, SearchInfo), String> {
    Err("not yet".into())
}
