//! The documented limits of a scenario: values no real contact center reaches but a typo does
//! (a missing unit, a slipped exponent, a pasted cell). Validation refuses anything beyond them
//! and names the limit, so that a mistaken file fails at once instead of running for minutes,
//! exhausting memory or overflowing a count. docs/scenario.md lists them.

/// The most days a horizon may have (a year and a day).
pub const MAX_DAYS: u32 = 366;
/// The shortest planning interval, seconds (planners use 15, 30 or 60 minutes).
pub const MIN_INTERVAL_S: f64 = 60.0;
/// The most queues in a scenario.
pub const MAX_QUEUES: usize = 1_000;
/// The most agent groups in a scenario.
pub const MAX_GROUPS: usize = 1_000;
/// The most agents a group may have on duty at once (a `count`, a staffing level, the sum of
/// the shifts' counts).
pub const MAX_AGENTS_PER_GROUP: u32 = 100_000;
/// The most calls a queue may expect in one interval.
pub const MAX_CALLS_PER_INTERVAL: f64 = 1_000_000.0;
/// The most replications of a run.
pub const MAX_REPLICATIONS: u32 = 1_000_000;
/// The longest duration a distribution may take (mean, maximum or observed value), seconds:
/// handle time, wrap-up, patience, retrial delay.
pub const MAX_DURATION_S: f64 = 86_400.0;
/// The shortest mean delay before a retrial, seconds.
pub const MIN_RETRIAL_DELAY_S: f64 = 1.0;
/// The highest retrial probability (at 1, a caller who is never served retries forever).
pub const MAX_RETRIAL_PROBABILITY: f64 = 0.99;
/// The shortest policy tick, seconds.
pub const MIN_TICK_S: f64 = 1.0;
/// The highest cost of an agent hour.
pub const MAX_COST_PER_HOUR: f64 = 10_000.0;
/// The most phases of an Erlang distribution.
pub const MAX_ERLANG_K: u32 = 1_000;
/// The largest scenario file, bytes.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;
/// The largest CSV file of volumes, bytes.
pub const MAX_CSV_BYTES: u64 = 64 << 20;
/// The deepest nesting of a scenario file (lists and mappings inside each other).
pub const MAX_NESTING: usize = 64;
/// Calls a run may simulate (expected calls per replication × replications) before the command
/// line says how big the run is.
pub const LARGE_RUN_CALLS: f64 = 2e8;

/// The deepest nesting of YAML `text`, estimated cheaply before parsing (a parser given a file
/// nested 100,000 deep takes half a minute to refuse it): flow brackets open at once plus the
/// indentation and `- ` markers of the deepest line. An upper bound of the real depth for
/// block style, exact for flow style; comments and quoted text are skipped.
pub fn nesting_depth(text: &str) -> usize {
    let mut deepest = 0usize;
    let mut flow = 0usize;
    for line in text.lines() {
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut block = 0usize;
        // indentation and sequence markers open block levels
        while i < bytes.len() {
            match bytes[i] {
                b' ' => i += 1,
                b'-' if bytes.get(i + 1).is_none_or(|c| *c == b' ') => {
                    block += 1;
                    i += 1;
                }
                _ => break,
            }
        }
        let indent_levels = i.div_ceil(2);
        let mut quote: Option<u8> = None;
        for &c in &bytes[i..] {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'#') => break,
                (None, b'[' | b'{') => {
                    flow += 1;
                    deepest = deepest.max(flow + indent_levels);
                }
                (None, b']' | b'}') => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        deepest = deepest.max(indent_levels.max(block) + flow);
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_estimated_from_brackets_and_indentation() {
        assert!(nesting_depth("a: 1\nb: [1, 2]\n") <= 2);
        assert!(nesting_depth("q:\n  - id: x\n    arrivals: { per_interval: [1, 2] }\n") < 8);
        let deep = format!("a: {}1{}", "[".repeat(100), "]".repeat(100));
        assert!(nesting_depth(&deep) >= 100);
        let dashes = format!("{}x", "- ".repeat(200));
        assert!(nesting_depth(&dashes) >= 200);
        let indented = format!("a:\n{}b: 1\n", " ".repeat(400));
        assert!(nesting_depth(&indented) >= 200);
        assert!(nesting_depth("a: \"[[[[[[\" # [[[[\n") <= 1);
    }
}
