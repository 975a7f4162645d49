//! Helpers shared by the policy test files: small scenarios, attaching a policy script, and
//! running one replication to read its facts.
#![allow(dead_code)] // each test file uses a part

use ccsim::experiment::{self, RunResult};
use ccsim::facts::{GroupFacts, QueueFacts, ReplicationFacts};
use ccsim::kpi::{Kpi, QueueKpis};
use ccsim::model::Model;
use ccsim::policy::{PolicyError, PolicySource, RunError};
use ccsim::scenario::{PolicyConfig, Scenario, parse_str};
use ccsim::script::policy::PolicyScript;
use ccsim::sim::{Workspace, run_replication};
use std::ops::{Deref, DerefMut};
use std::path::Path;

pub fn scenario(yaml: &str) -> Scenario {
    parse_str(yaml, Path::new("t.yaml")).unwrap_or_else(|e| panic!("{e}"))
}

/// A scenario with the compiled policy script it names: what a command runs.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub scenario: Scenario,
    pub script: Option<PolicyScript>,
}

impl Deref for Scripted {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.scenario
    }
}

impl DerefMut for Scripted {
    fn deref_mut(&mut self) -> &mut Scenario {
        &mut self.scenario
    }
}

/// Something to simulate: a scenario, and the policy script it names if any.
pub trait Runnable {
    fn scenario(&self) -> &Scenario;
    fn policy(&self) -> Option<&dyn PolicySource>;
}

impl Runnable for Scenario {
    fn scenario(&self) -> &Scenario {
        self
    }
    fn policy(&self) -> Option<&dyn PolicySource> {
        None
    }
}

impl Runnable for Scripted {
    fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    fn policy(&self) -> Option<&dyn PolicySource> {
        self.script.as_ref().map(|p| p as &dyn PolicySource)
    }
}

/// `s` with the policy script `text` (as if read from `x.rhai`), no built-ins.
pub fn with_script(mut s: Scenario, text: &str, tick_s: Option<f64>) -> Scripted {
    let p = PolicyScript::compile(text, Path::new("x.rhai"), vec![]).unwrap_or_else(|e| panic!("{e}"));
    p.bind_to(&s, tick_s).unwrap_or_else(|e| panic!("{e}"));
    s.policy = Some(PolicyConfig { script: Some("x.rhai".into()), tick_s, builtins: vec![] });
    Scripted { scenario: s, script: Some(p) }
}

/// `s` with the policy script file `path` replacing its script (built-ins kept), as
/// `--policy path --tick` does.
pub fn with_script_file(mut s: Scenario, path: &Path, tick_s: Option<f64>) -> Scripted {
    let p = PolicyScript::load(path, vec![]).unwrap_or_else(|e| panic!("{e}"));
    let cfg = s.policy.get_or_insert(PolicyConfig { script: None, tick_s: None, builtins: vec![] });
    cfg.script = Some(path.to_path_buf());
    if tick_s.is_some() {
        cfg.tick_s = tick_s;
    }
    Scripted { scenario: s, script: Some(p) }
}

/// A comparison variant of `r`, named `name`.
pub fn variant(name: &str, r: Scripted) -> ccsim::compare::Variant {
    ccsim::compare::Variant {
        name: name.into(),
        scenario: r.scenario,
        script: r.script.map(|p| std::sync::Arc::new(p) as std::sync::Arc<dyn PolicySource>),
    }
}

/// The model of `r`, its policy bound.
pub fn model(r: &impl Runnable) -> Model {
    Model::compile(r.scenario(), r.policy()).unwrap_or_else(|e| panic!("{e}"))
}

/// `experiment::run` of `r`; a policy that cannot be bound panics, one that fails is `Err`.
pub fn simulate(r: &impl Runnable) -> Result<RunResult, PolicyError> {
    match experiment::run(r.scenario(), r.policy(), &|| {}) {
        Ok(x) => Ok(x),
        Err(RunError::Policy(e)) => Err(e),
        Err(RunError::Bind(e)) => panic!("{e}"),
    }
}

pub fn try_facts(s: &impl Runnable, rep: u32) -> Result<ReplicationFacts, PolicyError> {
    let m = model(s);
    let mut ws = Workspace::new(&m);
    let mut f = ReplicationFacts::new(m.total_intervals(), m.queues.len(), m.groups.len());
    run_replication(&m, rep, &mut ws, &mut f).map(|()| f)
}

/// Runs replication `rep` and returns its facts.
pub fn facts(s: &impl Runnable, rep: u32) -> ReplicationFacts {
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
pub fn kpi(name: &str) -> Kpi<QueueKpis> {
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

/// Runs `s` to its result on a pool of `threads` threads (to show results do not depend on it).
pub fn run_on_threads(s: &Scenario, threads: usize) -> RunResult {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| experiment::run(s, None, &|| {}).unwrap())
}
