//! Helpers shared by the policy test files: small scenarios, attaching a policy script, and
//! running one replication to read its facts.
#![allow(dead_code)] // each test file uses a part

use ccsim::facts::{GroupFacts, QueueFacts, ReplicationFacts};
use ccsim::kpi::{Kpi, Queue};
use ccsim::model::Model;
use ccsim::policy::PolicyError;
use ccsim::scenario::{PolicyConfig, Scenario, parse_str};
use ccsim::script::policy::ScriptPolicy;
use ccsim::sim::{Workspace, run_replication};
use std::path::Path;
use std::sync::Arc;

pub fn scenario(yaml: &str) -> Scenario {
    parse_str(yaml, Path::new("t.yaml")).unwrap_or_else(|e| panic!("{e}"))
}

/// `s` with the policy script `text` attached (as if read from `x.rhai`), no built-ins.
pub fn with_script(mut s: Scenario, text: &str, tick_s: Option<f64>) -> Scenario {
    let p = ScriptPolicy::compile(text, Path::new("x.rhai"), &s, tick_s, vec![]).unwrap_or_else(|e| panic!("{e}"));
    s.policy =
        Some(PolicyConfig { script: Some("x.rhai".into()), tick_s, builtins: vec![], program: Some(Arc::new(p)) });
    s
}

pub fn try_facts(s: &Scenario, rep: u32) -> Result<ReplicationFacts, PolicyError> {
    let m = Model::compile(s);
    let mut ws = Workspace::new(&m);
    let mut f = ReplicationFacts::new(m.total_intervals(), m.queues.len(), m.groups.len());
    run_replication(&m, rep, &mut ws, &mut f).map(|()| f)
}

/// Runs replication `rep` and returns its facts.
pub fn facts(s: &Scenario, rep: u32) -> ReplicationFacts {
    try_facts(s, rep).unwrap_or_else(|e| panic!("{e}"))
}

pub fn intervals(f: &ReplicationFacts) -> usize {
    f.queues.len() / f.n_queues
}

/// Group `g`'s agent time summed over all intervals.
pub fn group_total(f: &ReplicationFacts, g: usize) -> GroupFacts {
    let mut t = GroupFacts::default();
    for i in 0..intervals(f) {
        t.add(f.group(i, g));
    }
    t
}

/// Queue `q`'s call counts summed over all intervals.
pub fn queue_total(f: &ReplicationFacts, q: usize) -> QueueFacts {
    let mut t = QueueFacts::default();
    for i in 0..intervals(f) {
        t.add(f.queue(i, q));
    }
    t
}

/// Paid seconds of group `g` per interval.
pub fn paid_by_interval(f: &ReplicationFacts, g: usize) -> Vec<f64> {
    (0..intervals(f)).map(|i| f.group(i, g).paid_s).collect()
}

/// The queue KPI called `name` (panics on an unknown name).
pub fn kpi(name: &str) -> Kpi<Queue> {
    Kpi::named(name)
}

/// Two queues: `q1` without traffic served by A (3 agents), `q2` with 10 Erlangs of 5-minute
/// calls served by B (1 agent). Callers never hang up.
pub const TWO_GROUPS: &str = r#"
name: two groups
horizon: { start: "08:00", end: "12:00", interval: 15m }
queues:
  - id: q1
    arrivals: { rate_per_hour: 0 }
    handle_time: { dist: constant, mean: 5m }
  - id: q2
    arrivals: { rate_per_hour: 120 }
    handle_time: { dist: constant, mean: 5m }
agents:
  - group: A
    skills: [q1]
    count: 3
  - group: B
    skills: [q2]
    count: 1
simulation: { replications: 3, seed: 9 }
"#;
