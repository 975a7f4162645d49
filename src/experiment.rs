//! Monte Carlo experiments: replications in parallel (rayon), handed on in replication order
//! to the reducer ([`crate::kpi::Reducer`]) so that results are identical for any thread count.
//!
//! Replications run in chunks; each chunk's facts are folded into the reducer as soon as the
//! chunk is done, so memory follows the chunk size, not the number of replications or calls.
//! The result types are defined in [`crate::kpi`] and re-exported here.

use crate::facts::ReplicationFacts;
use crate::model::Model;
use crate::policy::PolicyError;
use crate::scenario::Scenario;
use crate::sim::{Workspace, run_replication};
use rayon::prelude::*;

pub use crate::kpi::{
    DayResult, Execution, GroupResult, IntervalResult, PolicyResult, QueueResult, Reducer, RegionResult, RepValues,
    Risk, RunResult, ServedResult,
};

/// The most replications simulated in parallel before their facts are folded into statistics.
pub const CHUNK: u32 = 64;

/// Memory the facts of the replications in flight may take, bytes: a large center's week has
/// about 12 MB of facts a replication, so fewer are simulated ahead of the ordered reduction
/// (never fewer than one per worker thread). Memory then follows the system's size and the
/// thread count, not the number of replications.
pub const FACTS_IN_FLIGHT_BYTES: usize = 64 << 20;

/// Runs every replication of `model` in parallel and hands each one's facts to `sink` in
/// replication order. `progress` is called once per finished replication (from any thread).
/// Stops at the first policy failure (the lowest replication's, so the error is the same for
/// any thread count).
pub fn for_each_replication(
    model: &Model,
    progress: &(dyn Fn() + Sync),
    mut sink: impl FnMut(u32, &ReplicationFacts),
) -> Result<(), PolicyError> {
    for_each_replication_of(std::slice::from_ref(model), progress, |rep, facts| sink(rep, &facts[0]))
}

/// Runs replication r of every model (r = 0 .. the first model's replications) in parallel,
/// all models and replications scheduled together, and hands the facts of replication r of
/// every model to `sink`, in replication order. Models run with the same seed share their
/// random numbers where they agree (common random numbers). `progress` is called once per
/// finished (model, replication). Stops at the first policy failure, in (replication, model)
/// order.
pub fn for_each_replication_of(
    models: &[Model],
    progress: &(dyn Fn() + Sync),
    sink: impl FnMut(u32, &[ReplicationFacts]),
) -> Result<(), PolicyError> {
    let Some(first) = models.first() else { return Ok(()) };
    for_each_replication_in(models, 0..first.replications, progress, sink)
}

/// As [`for_each_replication_of`], for the replications in `range` only (a shard of a run:
/// replication r is the same whichever shard simulates it, as its random streams are derived
/// from r).
pub fn for_each_replication_in(
    models: &[Model],
    range: std::ops::Range<u32>,
    progress: &(dyn Fn() + Sync),
    mut sink: impl FnMut(u32, &[ReplicationFacts]),
) -> Result<(), PolicyError> {
    let reps = range.end;
    let k = models.len() as u32;
    let per_rep: usize =
        models.iter().map(|m| ReplicationFacts::bytes(m.total_intervals(), m.queues.len(), m.groups.len())).sum();
    let fits = u32::try_from(FACTS_IN_FLIGHT_BYTES / per_rep.max(1)).unwrap_or(u32::MAX);
    let threads = u32::try_from(rayon::current_num_threads()).unwrap_or(1).div_ceil(k);
    let chunk = (CHUNK / k).min(fits).max(threads).max(1);
    // The lowest replication whose policy failed: later ones are skipped (a runaway script
    // fails fast), earlier ones still run, so the error reported is always the lowest's.
    let failed = std::sync::atomic::AtomicU32::new(u32::MAX);
    let mut start = range.start;
    while start < reps {
        let end = (start + chunk).min(reps);
        let facts: Vec<Option<Result<ReplicationFacts, PolicyError>>> = (start * k..end * k)
            .into_par_iter()
            .map_init(
                || -> Vec<Option<Workspace>> { (0..models.len()).map(|_| None).collect() },
                |spaces, job| {
                    let (rep, m) = (job / k, (job % k) as usize);
                    if rep > failed.load(std::sync::atomic::Ordering::Relaxed) {
                        return None;
                    }
                    let model = &models[m];
                    let ws = spaces[m].get_or_insert_with(|| Workspace::new(model));
                    let mut f = ReplicationFacts::new(model.total_intervals(), model.queues.len(), model.groups.len());
                    let r = run_replication(model, rep, ws, &mut f);
                    progress();
                    if r.is_err() {
                        failed.fetch_min(rep, std::sync::atomic::Ordering::Relaxed);
                    }
                    Some(r.map(|()| f))
                },
            )
            .collect();
        let mut ok = Vec::with_capacity(facts.len());
        for r in facts {
            // in order: the first error met is the lowest failed replication's; skipped jobs
            // (`None`) only come after it
            match r {
                Some(Ok(f)) => ok.push(f),
                Some(Err(e)) => return Err(e),
                None => unreachable!("a replication is skipped only after a lower one failed"),
            }
        }
        let facts = ok;
        for (r, per_model) in facts.chunks(k as usize).enumerate() {
            sink(start + r as u32, per_model);
        }
        start = end;
    }
    Ok(())
}

/// Simulates a scenario, with `script` bound as the policy script it names (see
/// [`Model::compile`]), and returns its statistics; fails only when its policy cannot be bound
/// or fails.
pub fn run(
    scenario: &Scenario,
    script: Option<&dyn crate::policy::PolicySource>,
    progress: &(dyn Fn() + Sync),
) -> Result<RunResult, crate::policy::RunError> {
    let model = Model::compile(scenario, script)?;
    let mut reducer = Reducer::new(scenario, &model);
    for_each_replication(&model, progress, |_, f| {
        reducer.push(f);
    })?;
    Ok(reducer.finish())
}
