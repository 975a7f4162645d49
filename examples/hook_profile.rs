//! Runs replications of the realistic day with a policy script given as text, for counting
//! instructions and cache misses of policy hooks with callgrind (deterministic, unlike timings):
//!
//! ```text
//! cargo build --release --example hook_profile
//! valgrind --tool=callgrind --cache-sim=yes target/release/examples/hook_profile \
//!     'fn on_interval(ctx) { let q = ctx.queue("support"); if q.sl_interval < 0.2 { } }' 30
//! ```
//!
//! With an empty script the day runs without a policy. A third argument `rhai` turns the native
//! fast path off, so that every hook runs in Rhai. The cost of one hook is the difference
//! to that run divided by the hook calls (48 a day); run 10 and 30 replications and take the
//! difference to leave out the set-up. Timings are in `benches/policy.rs`.

use ccsim::facts::ReplicationFacts;
use ccsim::model::Model;
use ccsim::scenario::{PolicyConfig, Scenario};
use ccsim::script::policy::PolicyScript;
use ccsim::sim::{Workspace, run_replication};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let text = args.next().unwrap_or_default();
    let reps: u32 = args.next().map_or(Ok(20), |n| n.parse())?;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/realistic_day.yaml");
    let mut s = Scenario::load(&path)?;
    let mut script = None;
    if !text.is_empty() {
        let mut p = PolicyScript::compile(&text, Path::new("profile.rhai"), vec![])?;
        p.set_fast_path(args.next().as_deref() != Some("rhai"));
        eprintln!("native hooks: {:?}", p.bind_to(&s, None)?.fast_hooks());
        s.policy = Some(PolicyConfig { script: Some("profile.rhai".into()), tick_s: None, builtins: vec![] });
        script = Some(p);
    }
    let model = Model::compile(&s, script.as_ref().map(|p| p as &dyn ccsim::policy::PolicySource))?;
    let mut ws = Workspace::new(&model);
    let mut facts = ReplicationFacts::new(model.total_intervals(), model.queues.len(), model.groups.len());
    let mut hooks = 0.0;
    for rep in 0..reps {
        run_replication(&model, rep, &mut ws, &mut facts)?;
        hooks += facts.policy.hook_calls;
    }
    println!("{reps} replications, {hooks} hook calls");
    Ok(())
}
