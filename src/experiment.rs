//! Monte Carlo experiments: replications in parallel (rayon), reduced into statistics in
//! replication order so that results are identical for any thread count.
//!
//! Replications run in chunks; each chunk's facts are folded into [`Reducer`] as soon as the
//! chunk is done, so memory follows the chunk size, not the number of replications or calls.

use crate::facts::{
    self, GROUP_KPI_MAX, GroupFacts, MEETS, N_QUEUE_KPIS, QUEUE_KPI_MAX, QueueFacts, ReplicationFacts, SL, Scope,
    Targets, group_kpis, queue_kpis,
};
use crate::model::Model;
use crate::policy::{ACTION_KINDS, ACTION_NAMES, PolicyError};
use crate::scenario::{Scenario, SlDefinition};
use crate::sim::{Workspace, run_replication};
use crate::stats::{Estimate, Welford, quantile};
use rayon::prelude::*;

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
    mut sink: impl FnMut(u32, &[ReplicationFacts]),
) -> Result<(), PolicyError> {
    let Some(first) = models.first() else { return Ok(()) };
    let reps = first.replications;
    let k = models.len() as u32;
    let per_rep: usize =
        models.iter().map(|m| ReplicationFacts::bytes(m.total_intervals(), m.queues.len(), m.groups.len())).sum();
    let fits = u32::try_from(FACTS_IN_FLIGHT_BYTES / per_rep.max(1)).unwrap_or(u32::MAX);
    let threads = u32::try_from(rayon::current_num_threads()).unwrap_or(1).div_ceil(k);
    let chunk = (CHUNK / k).min(fits).max(threads).max(1);
    // The lowest replication whose policy failed: later ones are skipped (a runaway script
    // fails fast), earlier ones still run, so the error reported is always the lowest's.
    let failed = std::sync::atomic::AtomicU32::new(u32::MAX);
    let mut start = 0;
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

/// What the policy did, per replication (the whole horizon): means with CIs.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResult {
    /// Counter names: [`crate::facts::POLICY_KPIS`], then `actions.<kind>` per action kind.
    pub names: Vec<String>,
    /// Estimates, in `names` order.
    pub values: Vec<Estimate>,
}

/// The risk side of a queue (or of all queues): how often a day meets its targets, and the
/// spread of the day's service level across replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Risk {
    /// Share of (replication, day) pairs that met every target, with its CI.
    pub p_meet_target: Estimate,
    /// 5th percentile of the day's service level.
    pub sl_p5: f64,
    /// Median of the day's service level.
    pub sl_p50: f64,
    /// 95th percentile of the day's service level.
    pub sl_p95: f64,
}

/// Results of one queue over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueResult {
    /// Queue id.
    pub id: String,
    /// Estimates in [`crate::facts::QUEUE_KPIS`] order (`p_meet_target` is per day).
    pub kpis: Vec<Estimate>,
    /// Day-level risk.
    pub risk: Risk,
    /// SL threshold, seconds.
    pub sl_threshold_s: f64,
    /// SL target share.
    pub sl_target: f64,
    /// SL definition.
    pub sl_definition: SlDefinition,
    /// Highest mean ASA a day may have to meet the targets, seconds (none: no ASA target).
    pub max_asa_s: Option<f64>,
    /// Highest abandon rate (share of offered) a day may have to meet the targets.
    pub max_abandon_rate: Option<f64>,
}

/// Results of one agent group over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    /// Group id.
    pub id: String,
    /// Estimates in [`crate::facts::GROUP_KPIS`] order.
    pub kpis: Vec<Estimate>,
}

/// One row of per-interval results (a queue's or a group's).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalResult {
    /// Queue or group index.
    pub index: usize,
    /// Global interval index.
    pub interval: usize,
    /// Interval start label, "08:15" (or "d2 08:15").
    pub start: String,
    /// Estimates in [`crate::facts::QUEUE_KPIS`] or [`crate::facts::GROUP_KPIS`] order.
    pub kpis: Vec<Estimate>,
}

/// Everything `ccsim run` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Scenario name.
    pub scenario: String,
    /// Replications simulated.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Days per replication.
    pub days: u32,
    /// All queues together, in [`crate::facts::QUEUE_KPIS`] order.
    pub total: Vec<Estimate>,
    /// All queues together: a day meets its targets when every queue does.
    pub total_risk: Risk,
    /// Per queue.
    pub queues: Vec<QueueResult>,
    /// Per group.
    pub groups: Vec<GroupResult>,
    /// Per queue and interval (warm-up intervals left out), interval-major.
    pub intervals: Vec<IntervalResult>,
    /// Per group and interval (warm-up intervals left out), interval-major.
    pub group_intervals: Vec<IntervalResult>,
    /// What the policy did; `None` without a policy.
    pub policy: Option<PolicyResult>,
}

/// One replication's KPI values (in [`crate::facts::QUEUE_KPIS`] order), as folded into the
/// statistics: for pairing replications of two scenarios. `p_meet_target` is the share of the
/// replication's days that met the targets; warm-up cells are `NaN`.
#[derive(Debug, Clone, PartialEq)]
pub struct RepValues {
    /// All queues together.
    pub total: [f64; N_QUEUE_KPIS],
    /// Per queue.
    pub queues: Vec<[f64; N_QUEUE_KPIS]>,
    /// Per interval and queue, `[interval × n_queues + queue]`.
    pub cells: Vec<[f64; N_QUEUE_KPIS]>,
}

/// Folds replications' facts into running statistics.
pub struct Reducer {
    scenario: String,
    seed: u64,
    days: usize,
    n_day: usize,
    warmup: usize,
    interval_s: f64,
    targets: Vec<Targets>,
    thresholds: Vec<f64>,
    cost_per_s: Vec<f64>,
    /// Per group, the queues it serves in the scenario (skill or overflow).
    static_queues: Vec<Vec<usize>>,
    queue_ids: Vec<String>,
    group_ids: Vec<String>,
    labels: Vec<String>,
    reps: u32,
    total: [Welford; N_QUEUE_KPIS],
    total_meets: Welford,
    total_day_sl: Vec<f64>,
    queues: Vec<[Welford; N_QUEUE_KPIS]>,
    queue_meets: Vec<Welford>,
    queue_day_sl: Vec<Vec<f64>>,
    groups: Vec<[Welford; 8]>,
    cells: Vec<[Welford; N_QUEUE_KPIS]>,
    group_cells: Vec<[Welford; 8]>,
    policy: Option<Vec<Welford>>,
    // scratch, reused per replication
    scopes: Vec<Scope>,
}

impl Reducer {
    /// An empty reducer for `scenario` compiled as `model`.
    pub fn new(scenario: &Scenario, model: &Model) -> Reducer {
        let nq = scenario.queues.len();
        let ng = scenario.groups.len();
        let ni = model.total_intervals();
        Reducer {
            scenario: scenario.name.clone(),
            seed: model.seed,
            days: model.days,
            n_day: model.intervals_per_day,
            warmup: model.warmup_intervals,
            interval_s: model.interval_s,
            targets: scenario
                .queues
                .iter()
                .map(|q| Targets {
                    definition: q.service_level.definition,
                    sl_target: q.service_level.target,
                    max_asa_s: q.max_asa_s,
                    max_abandon_rate: q.max_abandon_rate,
                })
                .collect(),
            thresholds: scenario.queues.iter().map(|q| q.service_level.threshold_s).collect(),
            cost_per_s: model.groups.iter().map(|g| g.cost_per_s).collect(),
            static_queues: (0..ng)
                .map(|g| (0..nq).filter(|&q| model.queues[q].serving_groups.contains(&(g as u16))).collect())
                .collect(),
            queue_ids: scenario.queues.iter().map(|q| q.id.clone()).collect(),
            group_ids: scenario.groups.iter().map(|g| g.id.clone()).collect(),
            labels: (0..ni).map(|i| scenario.horizon.interval_label(i)).collect(),
            reps: 0,
            total: Default::default(),
            total_meets: Welford::default(),
            total_day_sl: Vec::new(),
            queues: vec![Default::default(); nq],
            queue_meets: vec![Welford::default(); nq],
            queue_day_sl: vec![Vec::new(); nq],
            groups: vec![Default::default(); ng],
            cells: vec![Default::default(); ni * nq],
            group_cells: vec![Default::default(); ni * ng],
            scopes: vec![Scope::default(); ni * nq],
            policy: model.policy.as_ref().map(|_| vec![Welford::default(); facts::POLICY_KPIS.len() + ACTION_KINDS]),
        }
    }

    fn counted(&self, interval: usize) -> bool {
        interval % self.n_day >= self.warmup
    }

    /// Folds one replication.
    pub fn push(&mut self, f: &ReplicationFacts) -> RepValues {
        self.reps += 1;
        let (nq, ng) = (f.n_queues, f.n_groups);
        let ni = self.days * self.n_day;
        let mut out = RepValues {
            total: [f64::NAN; N_QUEUE_KPIS],
            queues: vec![[f64::NAN; N_QUEUE_KPIS]; nq],
            cells: vec![[f64::NAN; N_QUEUE_KPIS]; ni * nq],
        };
        let mut meets_q = vec![Welford::default(); nq];
        let mut meets_t = Welford::default();
        let mut group_total = vec![GroupFacts::default(); ng];
        let mut horizon_q = vec![Scope::default(); nq];
        let mut horizon_t = Scope::default();

        // Per-interval cells.
        let mut cost_g = vec![0.0; ng];
        for i in 0..ni {
            if !self.counted(i) {
                continue;
            }
            for g in 0..ng {
                let gf = f.group(i, g);
                group_total[g].add(gf);
                cost_g[g] = gf.paid_s * self.cost_per_s[g];
                push_all(&mut self.group_cells[i * ng + g], &group_kpis(gf, self.cost_per_s[g], self.interval_s));
            }
            for q in 0..nq {
                let cf: &QueueFacts = f.queue(i, q);
                let mut s = Scope { length_s: self.interval_s, ..Default::default() };
                s.add_calls(cf, &self.targets[q]);
                s.judge(cf, &self.targets[q]);
                for (g, &group_cost) in cost_g.iter().enumerate() {
                    // a group counts for the queue when it could serve it in the interval, or
                    // finished calls of it there (after losing the skill)
                    let cell = (i * ng + g) * nq + q;
                    if !f.serves[cell] && f.busy_by_queue[cell] == 0.0 && !self.fallback(f, i, g, q) {
                        continue;
                    }
                    let gf = f.group(i, g);
                    s.busy_s += gf.busy_s;
                    s.available_s += gf.available_s;
                    s.cost += group_cost * self.cost_share(f, i, g, q);
                }
                let k = queue_kpis(&s);
                push_all(&mut self.cells[i * nq + q], &k);
                out.cells[i * nq + q] = k;
                self.scopes[i * nq + q] = s;
            }
        }

        // Days: judge each queue's day, and all queues together.
        for d in 0..self.days {
            let mut day_t = Scope::default();
            for (q, hq) in horizon_q.iter_mut().enumerate() {
                let mut day_q = Scope::default();
                for i in d * self.n_day..(d + 1) * self.n_day {
                    if self.counted(i) {
                        merge(&mut day_q, &self.scopes[i * nq + q]);
                    }
                }
                let t = &self.targets[q];
                let meets = facts::meets_targets(&day_q.calls, t);
                self.queue_meets[q].push(meets);
                meets_q[q].push(meets);
                self.queue_day_sl[q].push(facts::service_level(&day_q.calls, t.definition));
                day_t.add_calls(&day_q.calls, t);
                day_t.judge(&day_q.calls, t);
                merge(hq, &day_q);
            }
            let k = queue_kpis(&day_t);
            self.total_meets.push(k[MEETS]);
            meets_t.push(k[MEETS]);
            self.total_day_sl.push(k[SL]);
        }

        // Horizon: per queue, per group, total.
        for (q, hq) in horizon_q.iter().enumerate() {
            let mut k = queue_kpis(hq);
            k[MEETS] = f64::NAN; // reported per day, from `queue_meets`
            push_all(&mut self.queues[q], &k);
            k[MEETS] = meets_q[q].mean();
            out.queues[q] = k;
            horizon_t.add_calls(&hq.calls, &self.targets[q]);
        }
        let length = self.interval_s * (self.n_day - self.warmup) as f64 * self.days as f64;
        horizon_t.length_s = length;
        for (g, gf) in group_total.iter().enumerate() {
            push_all(&mut self.groups[g], &group_kpis(gf, self.cost_per_s[g], length));
            horizon_t.busy_s += gf.busy_s;
            horizon_t.available_s += gf.available_s;
            horizon_t.cost += gf.paid_s * self.cost_per_s[g];
        }
        if let Some(acc) = &mut self.policy {
            for (w, v) in acc.iter_mut().zip(facts::policy_values(&f.policy)) {
                w.push(v);
            }
        }
        let mut k = queue_kpis(&horizon_t);
        k[MEETS] = f64::NAN;
        push_all(&mut self.total, &k);
        k[MEETS] = meets_t.mean();
        out.total = k;
        out
    }

    /// Share of group `g`'s cost in interval `i` allocated to queue `q`: its share of the
    /// group's busy time in the interval, or an equal split over the queues it could serve in
    /// the interval when idle.
    fn cost_share(&self, f: &ReplicationFacts, i: usize, g: usize, q: usize) -> f64 {
        let nq = f.n_queues;
        let row = &f.busy_by_queue[(i * f.n_groups + g) * nq..(i * f.n_groups + g + 1) * nq];
        let busy: f64 = row.iter().sum();
        if busy > 0.0 {
            row[q] / busy
        } else {
            let serves = &f.serves[(i * f.n_groups + g) * nq..(i * f.n_groups + g + 1) * nq];
            match serves.iter().filter(|&&s| s).count() {
                0 => 1.0 / self.static_queues[g].len().max(1) as f64,
                n => 1.0 / n as f64,
            }
        }
    }

    /// An idle group that a policy left without any queue in interval `i` has its cost shared
    /// among the queues it serves in the scenario, so that queue costs still add up.
    fn fallback(&self, f: &ReplicationFacts, i: usize, g: usize, q: usize) -> bool {
        let nq = f.n_queues;
        let base = (i * f.n_groups + g) * nq;
        self.static_queues[g].contains(&q)
            && !f.serves[base..base + nq].iter().any(|&s| s)
            && f.busy_by_queue[base..base + nq].iter().all(|&b| b == 0.0)
    }

    /// The final statistics.
    pub fn finish(self) -> RunResult {
        let est = |w: &[Welford]| {
            let max: &[f64] = if w.len() == QUEUE_KPI_MAX.len() { &QUEUE_KPI_MAX } else { &GROUP_KPI_MAX };
            w.iter().zip(max).map(|(w, &hi)| w.estimate().clipped(0.0, hi)).collect::<Vec<_>>()
        };
        let risk = |meets: &Welford, sl: &[f64]| Risk {
            p_meet_target: meets.estimate().clipped(0.0, 1.0),
            sl_p5: quantile(sl, 0.05),
            sl_p50: quantile(sl, 0.5),
            sl_p95: quantile(sl, 0.95),
        };
        let nq = self.queue_ids.len();
        let ng = self.group_ids.len();
        let with_meets = |w: &[Welford], meets: &Welford| {
            let mut v = est(w);
            v[MEETS] = meets.estimate().clipped(0.0, 1.0);
            v
        };
        RunResult {
            scenario: self.scenario.clone(),
            replications: self.reps,
            seed: self.seed,
            days: self.days as u32,
            total: with_meets(&self.total, &self.total_meets),
            total_risk: risk(&self.total_meets, &self.total_day_sl),
            queues: (0..nq)
                .map(|q| {
                    let t = &self.targets[q];
                    QueueResult {
                        id: self.queue_ids[q].clone(),
                        kpis: with_meets(&self.queues[q], &self.queue_meets[q]),
                        risk: risk(&self.queue_meets[q], &self.queue_day_sl[q]),
                        sl_threshold_s: self.thresholds[q],
                        sl_target: t.sl_target,
                        sl_definition: t.definition,
                        max_asa_s: t.max_asa_s,
                        max_abandon_rate: t.max_abandon_rate,
                    }
                })
                .collect(),
            groups: (0..ng)
                .map(|g| GroupResult { id: self.group_ids[g].clone(), kpis: est(&self.groups[g]) })
                .collect(),
            intervals: self.interval_rows(nq, &self.cells, &est),
            group_intervals: self.interval_rows(ng, &self.group_cells, &est),
            policy: self.policy.as_ref().map(|acc| PolicyResult {
                names: facts::POLICY_KPIS
                    .iter()
                    .map(|n| n.to_string())
                    .chain(ACTION_NAMES.iter().map(|n| format!("actions.{n}")))
                    .collect(),
                values: acc.iter().map(|w| w.estimate().clipped(0.0, f64::INFINITY)).collect(),
            }),
        }
    }
}

impl Reducer {
    /// Per-interval rows of `n` scopes (queues or groups) from their accumulators, interval-major,
    /// warm-up intervals left out.
    fn interval_rows<const K: usize>(
        &self,
        n: usize,
        cells: &[[Welford; K]],
        est: &dyn Fn(&[Welford]) -> Vec<Estimate>,
    ) -> Vec<IntervalResult> {
        (0..self.days * self.n_day)
            .filter(|&i| self.counted(i))
            .flat_map(|i| (0..n).map(move |k| (i, k)))
            .map(|(i, k)| IntervalResult {
                index: k,
                interval: i,
                start: self.labels[i].clone(),
                kpis: est(&cells[i * n + k]),
            })
            .collect()
    }
}

fn push_all<const N: usize>(acc: &mut [Welford; N], values: &[f64; N]) {
    for (w, v) in acc.iter_mut().zip(values) {
        w.push(*v);
    }
}

/// Adds `o` into `s` (calls, SL parts, agent time, cost, length); judgments are redone by callers.
fn merge(s: &mut Scope, o: &Scope) {
    s.calls.add(&o.calls);
    s.sl_num += o.sl_num;
    s.sl_den += o.sl_den;
    s.busy_s += o.busy_s;
    s.available_s += o.available_s;
    s.cost += o.cost;
    s.length_s += o.length_s;
}
