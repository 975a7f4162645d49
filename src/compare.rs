//! Comparisons: a baseline and variants run with the same seeds for each replication (common
//! random numbers), all scheduled together on the rayon pool, each reduced into its own
//! statistics, plus the paired differences variant − baseline per replication (over the horizon,
//! per day and per interval), with Student-t confidence intervals. A difference is significant when its CI excludes zero; a per-replication
//! difference within floating-point rounding of the values (1e-9 of their magnitude) counts as
//! exactly 0, so a KPI a variant does not change never shows a "significant" `-0 ±0`.
//!
//! Verdicts ("meets every target", "cheapest meeting every target") judge every scenario against
//! one set of targets, the baseline's ([`judge`]): a variant that changes a target share, a max
//! ASA or a max abandon rate is judged by the baseline's all the same; one that measures SL with
//! another threshold or definition cannot be, and is judged by its own targets and left out of
//! the ranking ([`Verdict::Own`]).
//!
//! The statistics of a comparison are a [`CompareState`] (every scenario's reducer and every
//! variant's paired differences), serialisable and mergeable in replication order, so that a
//! shard of the replications ([`simulate_shard`], with their rerun on fresh seeds for the
//! confirmation of verdicts) can be merged into exactly what the single run finishes to.

use crate::experiment::{IntervalResult, Reducer, RepValues, RunResult, for_each_replication_in};
use crate::facts::ReplicationFacts;
use crate::kpi::queue::{self, ABANDON_RATE, ASA, SL};
use crate::kpi::{QueueKpis, Values};
use crate::model::Model;
use crate::policy::{PolicySource, RunError};
use crate::scenario::Scenario;
use crate::stats::{Estimate, Welford};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One variant's results and its paired differences to the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantResult {
    /// Display name (script stem and parameters).
    pub name: String,
    /// The variant's own statistics.
    pub result: RunResult,
    /// variant − baseline over all queues, per queue KPI.
    pub diff_total: Values<QueueKpis, Estimate>,
    /// variant − baseline per queue present in both: (variant queue index, differences).
    pub diff_queues: Vec<(usize, Values<QueueKpis, Estimate>)>,
    /// variant − baseline per interval and queue present in both (`index` = variant queue).
    pub diff_intervals: Vec<IntervalResult>,
    /// variant − baseline per day of the horizon: all queues, and each queue present in both.
    pub diff_days: Vec<DayDiff>,
}

/// One day's paired differences variant − baseline (replication by replication, that day only).
#[derive(Debug, Clone, PartialEq)]
pub struct DayDiff {
    /// Day of the horizon, 0-based.
    pub day: usize,
    /// Its date, `"2026-12-07"`, when the horizon is dated.
    pub date: Option<String>,
    /// Its weekday, `"Mon"`, when the horizon is dated.
    pub weekday: Option<String>,
    /// All queues together.
    pub total: Values<QueueKpis, Estimate>,
    /// Per queue present in both: (variant queue index, differences).
    pub queues: Vec<(usize, Values<QueueKpis, Estimate>)>,
}

impl DayDiff {
    /// The day as people name it: `"Mon 2026-12-07"` when dated, else `"d1"`.
    pub fn label(&self) -> String {
        match (&self.weekday, &self.date) {
            (Some(w), Some(d)) => format!("{w} {d}"),
            _ => format!("d{}", self.day + 1),
        }
    }
}

impl VariantResult {
    /// True when every queue's mean KPIs meet its targets (SL, ASA, abandon rate).
    pub fn meets_targets(&self, scenario: &Scenario) -> bool {
        meets_all(&self.result, scenario)
    }
}

/// True when every queue's mean KPIs over the horizon meet its targets.
pub fn meets_all(r: &RunResult, s: &Scenario) -> bool {
    r.queues.iter().zip(&s.queues).all(|(qr, q)| meets_queue(qr, q))
}

/// True when a queue's mean KPIs meet the targets of `q` (SL target share, max ASA, max abandon
/// rate); the SL is taken as measured, so `q` must have the threshold and definition it was
/// measured with.
fn meets_queue(qr: &crate::experiment::QueueResult, q: &crate::scenario::Queue) -> bool {
    let sl = qr.kpis[SL].mean;
    let asa = qr.kpis[ASA].mean;
    let ab = qr.kpis[ABANDON_RATE].mean;
    (sl.is_nan() || sl >= q.service_level.target)
        && q.max_asa_s.is_none_or(|m| asa.is_nan() || asa <= m)
        && q.max_abandon_rate.is_none_or(|m| ab.is_nan() || ab <= m)
}

/// How a variant fares, and against which targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Judged against the baseline's targets (a queue the baseline lacks, by its own): true when
    /// every queue meets them. Only these variants are ranked against the baseline.
    Baseline(bool),
    /// The variant measures SL with another threshold or definition than the baseline on some
    /// queue, so the baseline's targets cannot be applied to its results: judged against its own
    /// targets, and not ranked.
    Own(bool),
}

impl Verdict {
    /// True when the variant meets the targets it is judged against.
    pub fn meets(self) -> bool {
        matches!(self, Verdict::Baseline(true) | Verdict::Own(true))
    }
}

/// Judges a variant's results `r` (simulated from `variant`) against the baseline's targets.
pub fn judge(r: &RunResult, variant: &Scenario, baseline: &Scenario) -> Verdict {
    let reference: Vec<&crate::scenario::Queue> =
        variant.queues.iter().map(|q| baseline.queue_index(&q.id).map_or(q, |b| &baseline.queues[b])).collect();
    let same_measure = variant.queues.iter().zip(&reference).all(|(q, b)| {
        q.service_level.threshold_s == b.service_level.threshold_s
            && q.service_level.definition == b.service_level.definition
    });
    if !same_measure {
        return Verdict::Own(meets_all(r, variant));
    }
    Verdict::Baseline(r.queues.iter().zip(&reference).all(|(qr, q)| meets_queue(qr, q)))
}

/// Confirms "meets" verdicts on fresh random numbers, so that what the comparison calls
/// meeting its targets, or cheapest among those that do, still holds when simulated again:
/// each scenario judged to meet (the baseline when `base_meets`, and every variant whose verdict
/// meets) is simulated again with seed + [`crate::optimize::VERIFY_SEED_OFFSET`] and the same
/// replications (those the comparison ran, [`aligned`]), judged the same way, and keeps its
/// verdict only when the rerun meets too. Returns the names whose verdict was withdrawn
/// ("baseline" for the baseline).
pub fn confirm_on_fresh_seeds(
    base: &Scenario,
    base_policy: Option<&dyn PolicySource>,
    base_meets: &mut bool,
    vars: &[Variant],
    verdicts: &mut [Verdict],
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<String>, RunError> {
    let scenarios = aligned(base, vars);
    let policies = policies(base_policy, vars);
    confirm_with(base, base_meets, vars, verdicts, |i| {
        crate::experiment::run(&fresh(&scenarios[i]), policies[i], progress)
    })
}

/// `s` with seed + [`crate::optimize::VERIFY_SEED_OFFSET`]: the scenario a verdict is confirmed on.
pub fn fresh(s: &Scenario) -> Scenario {
    let mut s = s.clone();
    s.simulation.seed = s.simulation.seed.wrapping_add(crate::optimize::VERIFY_SEED_OFFSET);
    s
}

/// The confirmation of [`confirm_on_fresh_seeds`], with the rerun results from `rerun(i)` (scenario
/// `i` of [`aligned`]: 0 the baseline, 1 + k variant k), asked only of the scenarios judged to meet.
pub fn confirm_with(
    base: &Scenario,
    base_meets: &mut bool,
    vars: &[Variant],
    verdicts: &mut [Verdict],
    mut rerun: impl FnMut(usize) -> Result<RunResult, RunError>,
) -> Result<Vec<String>, RunError> {
    let mut withdrawn = Vec::new();
    if *base_meets && !meets_all(&rerun(0)?, base) {
        *base_meets = false;
        withdrawn.push("baseline".to_string());
    }
    for (k, (var, v)) in vars.iter().zip(verdicts.iter_mut()).enumerate() {
        if v.meets() && !judge(&rerun(k + 1)?, &var.scenario, base).meets() {
            *v = match *v {
                Verdict::Baseline(_) => Verdict::Baseline(false),
                Verdict::Own(_) => Verdict::Own(false),
            };
            withdrawn.push(var.name.clone());
        }
    }
    Ok(withdrawn)
}

/// True when the two scenarios' shared queues have the same targets (SL threshold, target share
/// and definition, max ASA, max abandon rate).
pub fn same_targets(a: &Scenario, b: &Scenario) -> bool {
    a.queues.iter().all(|q| {
        b.queue_index(&q.id).is_none_or(|i| {
            let p = &b.queues[i];
            q.service_level == p.service_level && q.max_asa_s == p.max_asa_s && q.max_abandon_rate == p.max_abandon_rate
        })
    })
}

/// A baseline and its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The baseline's statistics (identical to `ccsim run` with the same seed).
    pub baseline: RunResult,
    /// Each variant.
    pub variants: Vec<VariantResult>,
}

/// One variant's paired differences variant − baseline, one accumulator per replication's
/// difference: over all queues, per queue both have (variant index, baseline index), per
/// interval and such queue (interval, variant index, baseline index), per day over all queues,
/// and per day and such queue (day, variant index, baseline index).
#[derive(Serialize, Deserialize)]
struct Diffs {
    total: [DiffAcc; queue::N],
    queues: Vec<(usize, usize, [DiffAcc; queue::N])>,
    cells: Vec<(usize, usize, usize, [DiffAcc; queue::N])>,
    days: Vec<[DiffAcc; queue::N]>,
    day_queues: Vec<(usize, usize, usize, [DiffAcc; queue::N])>,
}

impl Diffs {
    /// Empty accumulators for `variant` against `baseline`.
    fn new(baseline: &Scenario, variant: &Scenario) -> Diffs {
        let pairs: Vec<(usize, usize)> = variant
            .queues
            .iter()
            .enumerate()
            .filter_map(|(qv, q)| baseline.queue_index(&q.id).map(|qb| (qv, qb)))
            .collect();
        Diffs {
            total: Default::default(),
            queues: pairs.iter().map(|&(a, b)| (a, b, Default::default())).collect(),
            cells: (0..baseline.horizon.total_intervals())
                .flat_map(|i| pairs.iter().map(move |&(a, b)| (i, a, b, Default::default())))
                .collect(),
            days: vec![Default::default(); baseline.horizon.days as usize],
            day_queues: (0..baseline.horizon.days as usize)
                .flat_map(|d| pairs.iter().map(move |&(a, b)| (d, a, b, Default::default())))
                .collect(),
        }
    }

    /// Adds one replication's differences of `v` to `base`.
    fn push(&mut self, v: &RepValues, base: &RepValues) {
        diff_into(&mut self.total, &v.total, &base.total);
        for (qv, qb, acc) in &mut self.queues {
            diff_into(acc, &v.queues[*qv], &base.queues[*qb]);
        }
        let (nqv, nqb) = (v.queues.len(), base.queues.len());
        for (i, qv, qb, acc) in &mut self.cells {
            diff_into(acc, &v.cells[*i * nqv + *qv], &base.cells[*i * nqb + *qb]);
        }
        for (acc, (v, b)) in self.days.iter_mut().zip(v.days.iter().zip(&base.days)) {
            diff_into(acc, v, b);
        }
        for (d, qv, qb, acc) in &mut self.day_queues {
            diff_into(acc, &v.day_queues[*d * nqv + *qv], &base.day_queues[*d * nqb + *qb]);
        }
    }

    /// Folds in `later`, the differences of the replications that follow.
    fn merge(&mut self, later: &Diffs) -> Result<(), String> {
        let same = self.queues.len() == later.queues.len()
            && self.cells.len() == later.cells.len()
            && self.days.len() == later.days.len()
            && self.day_queues.len() == later.day_queues.len();
        if !same {
            return Err("the paired differences of the parts do not have the same queues, days and intervals".into());
        }
        merge_all(&mut self.total, &later.total);
        for (a, b) in self.queues.iter_mut().zip(&later.queues) {
            merge_all(&mut a.2, &b.2);
        }
        for (a, b) in self.cells.iter_mut().zip(&later.cells) {
            merge_all(&mut a.3, &b.3);
        }
        for (a, b) in self.days.iter_mut().zip(&later.days) {
            merge_all(a, b);
        }
        for (a, b) in self.day_queues.iter_mut().zip(&later.day_queues) {
            merge_all(&mut a.3, &b.3);
        }
        Ok(())
    }
}

fn merge_all(acc: &mut [DiffAcc; queue::N], later: &[DiffAcc; queue::N]) {
    for (a, b) in acc.iter_mut().zip(later) {
        a.merge(b);
    }
}

/// The running statistics of a comparison: each scenario's reducer (the baseline first) and
/// each variant's paired differences to the baseline, over the replications pushed so far.
/// Serialisable and mergeable, so that a shard of a comparison (a range of replications, every
/// scenario of each) can write it and `ccsim merge` fold the shards in replication order.
#[derive(Serialize, Deserialize)]
pub struct CompareState {
    reducers: Vec<Reducer>,
    diffs: Vec<Diffs>,
}

impl CompareState {
    /// Empty statistics for `scenarios` ([`aligned`]: the baseline, then the variants) and their
    /// compiled `models`.
    pub fn new(scenarios: &[Scenario], models: &[Model]) -> CompareState {
        let reducers = scenarios.iter().zip(models).map(|(s, m)| Reducer::new(s, m)).collect();
        let diffs = scenarios.get(1..).unwrap_or_default().iter().map(|v| Diffs::new(&scenarios[0], v)).collect();
        CompareState { reducers, diffs }
    }

    /// Adds one replication: the facts of every scenario, the baseline first.
    pub fn push(&mut self, facts: &[ReplicationFacts]) {
        let values: Vec<RepValues> = self.reducers.iter_mut().zip(facts).map(|(r, f)| r.push(f)).collect();
        if let Some((base, vars)) = values.split_first() {
            for (d, v) in self.diffs.iter_mut().zip(vars) {
                d.push(v, base);
            }
        }
    }

    /// Folds in `later`, the statistics of the replications that follow (as if they had been
    /// pushed here, up to floating-point rounding of means and variances; shares of days exact).
    pub fn merge(&mut self, later: CompareState) -> Result<(), String> {
        if self.reducers.len() != later.reducers.len() || self.diffs.len() != later.diffs.len() {
            return Err("the parts compare different numbers of scenarios".into());
        }
        for (d, l) in self.diffs.iter_mut().zip(&later.diffs) {
            d.merge(l)?;
        }
        for (r, l) in self.reducers.iter_mut().zip(later.reducers) {
            r.merge(l);
        }
        Ok(())
    }

    /// The comparison: `baseline`'s results and each of `variants` (named as given) with its
    /// differences.
    pub fn finish(self, baseline: &Scenario, variants: &[Variant]) -> Comparison {
        let est = |w: &[DiffAcc; queue::N]| w.iter().map(DiffAcc::estimate).collect::<Values<QueueKpis, _>>();
        let h = &baseline.horizon;
        let n_day = h.intervals_per_day().max(1);
        let mut results = self.reducers.into_iter().map(Reducer::finish);
        let base = results.next().expect("baseline");
        let variants = results
            .zip(variants)
            .zip(self.diffs)
            .map(|((result, var), d)| VariantResult {
                name: var.name.clone(),
                diff_total: est(&d.total),
                diff_queues: d.queues.iter().map(|(qv, _, w)| (*qv, est(w))).collect(),
                diff_intervals: d
                    .cells
                    .iter()
                    .filter(|(i, ..)| base.intervals.iter().any(|r| r.interval == *i))
                    .map(|(i, qv, _, w)| IntervalResult {
                        index: *qv,
                        interval: *i,
                        day: *i / n_day,
                        date: h.date(*i / n_day).map(|x| x.to_string()),
                        start: h.interval_label(*i),
                        kpis: est(w),
                    })
                    .collect(),
                diff_days: d
                    .days
                    .iter()
                    .enumerate()
                    .map(|(day, w)| DayDiff {
                        day,
                        date: h.date(day).map(|x| x.to_string()),
                        weekday: h.weekday(day).map(str::to_string),
                        total: est(w),
                        queues: d.day_queues.iter().filter(|x| x.0 == day).map(|(_, qv, _, w)| (*qv, est(w))).collect(),
                    })
                    .collect(),
                result,
            })
            .collect();
        Comparison { baseline: base, variants }
    }

    /// The scenarios' reducers, the baseline first (each scenario's statistics on its own).
    pub fn into_reducers(self) -> Vec<Reducer> {
        self.reducers
    }
}

/// A shard of a comparison: the statistics of its replications, and those of the same
/// replications of every scenario with fresh seeds ([`fresh`]), from which `ccsim merge` confirms
/// the verdicts as the single run does (a shard cannot know which scenarios will meet their
/// targets, so it simulates the confirmation of all of them).
#[derive(Serialize, Deserialize)]
pub struct CompareShard {
    /// The comparison's statistics.
    pub state: CompareState,
    /// Per scenario (the baseline first), its statistics with fresh seeds.
    pub fresh: Vec<Reducer>,
}

impl CompareShard {
    /// Folds in `later`, the shard of the replications that follow.
    pub fn merge(&mut self, later: CompareShard) -> Result<(), String> {
        if self.fresh.len() != later.fresh.len() {
            return Err("the parts compare different numbers of scenarios".into());
        }
        self.state.merge(later.state)?;
        for (r, l) in self.fresh.iter_mut().zip(later.fresh) {
            r.merge(l);
        }
        Ok(())
    }
}

/// Simulates replications `range` of the comparison of `baseline` and `variants` (every
/// scenario of each replication together, so the pairing holds), and the same replications of
/// every scenario with fresh seeds: one shard's [`CompareShard`].
pub fn simulate_shard(
    baseline: &Scenario,
    base_policy: Option<&dyn PolicySource>,
    variants: &[Variant],
    range: std::ops::Range<u32>,
    progress: &(dyn Fn() + Sync),
) -> Result<CompareShard, RunError> {
    let state =
        simulate_range(&aligned(baseline, variants), &policies(base_policy, variants), range.clone(), progress)?;
    let fresh: Vec<Scenario> = aligned(baseline, variants).iter().map(fresh).collect();
    let models: Vec<Model> = fresh
        .iter()
        .zip(policies(base_policy, variants))
        .map(|(s, p)| Model::compile(s, p))
        .collect::<Result<_, _>>()?;
    let mut reducers: Vec<Reducer> = fresh.iter().zip(&models).map(|(s, m)| Reducer::new(s, m)).collect();
    for_each_replication_in(&models, range, progress, |_, facts| {
        for (r, f) in reducers.iter_mut().zip(facts) {
            r.push(f);
        }
    })?;
    Ok(CompareShard { state, fresh: reducers })
}

/// The scenarios a comparison simulates: the baseline, then each variant with the baseline's
/// replications, seed and warm-up.
pub fn aligned(baseline: &Scenario, variants: &[Variant]) -> Vec<Scenario> {
    let mut scenarios = vec![baseline.clone()];
    for var in variants {
        let mut v = var.scenario.clone();
        v.simulation.replications = baseline.simulation.replications;
        v.simulation.seed = baseline.simulation.seed;
        v.simulation.warmup_s = baseline.simulation.warmup_s;
        scenarios.push(v);
    }
    scenarios
}

fn policies<'a>(
    base_policy: Option<&'a dyn PolicySource>,
    variants: &'a [Variant],
) -> Vec<Option<&'a dyn PolicySource>> {
    std::iter::once(base_policy).chain(variants.iter().map(Variant::policy)).collect()
}

/// Simulates replications `range` of `scenarios` (with `policies`) together into a
/// [`CompareState`].
fn simulate_range(
    scenarios: &[Scenario],
    policies: &[Option<&dyn PolicySource>],
    range: std::ops::Range<u32>,
    progress: &(dyn Fn() + Sync),
) -> Result<CompareState, RunError> {
    let models: Vec<Model> =
        scenarios.iter().zip(policies).map(|(s, p)| Model::compile(s, *p)).collect::<Result<_, _>>()?;
    let mut state = CompareState::new(scenarios, &models);
    for_each_replication_in(&models, range, progress, |_, facts| state.push(facts))?;
    Ok(state)
}

/// Relative size below which a paired difference is floating-point rounding: the same paid
/// seconds or waits summed in another order (event times differ between variants) differ by up
/// to about 1e-11 of the total over a day of ~10^5 events; 1e-9 leaves a wide margin while no
/// real change in a KPI is that small.
pub const ROUNDING: f64 = 1e-9;

/// Adds one replication's paired differences. A difference within [`ROUNDING`] of the values'
/// magnitude counts as exactly 0.
fn diff_into(acc: &mut [DiffAcc; queue::N], v: &[f64; queue::N], b: &[f64; queue::N]) {
    for k in 0..queue::N {
        let d = v[k] - b[k];
        acc[k].push(if d.abs() <= ROUNDING * v[k].abs().max(b[k].abs()) { 0.0 } else { d });
    }
}

/// The largest whole difference summed exactly (see [`DiffAcc`]): its square times a million
/// replications fits an `i64`.
const WHOLE_MAX: f64 = (1u64 << 20) as f64;

/// One KPI's paired differences over replications: a running mean and variance, and while every
/// difference is a whole number of at most [`WHOLE_MAX`] in size (counts of calls, a day that met
/// its targets or not), their exact sum and sum of squares. The estimate of whole differences is
/// computed from the exact sums, so it is the same bits however the replications were
/// accumulated or merged (the shards of a comparison): a difference of counts whose mean is 0
/// is exactly 0, not a rounding residue. Others are merged with Chan's formula, equal to the
/// single run's up to rounding.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct DiffAcc {
    w: Welford,
    /// A difference was not whole or too large: the exact sums are not kept.
    fractional: bool,
    sum: i64,
    sum_sq: i64,
}

impl DiffAcc {
    /// Adds one replication's difference (`NaN`, undefined, is skipped).
    fn push(&mut self, d: f64) {
        if d.is_nan() {
            return;
        }
        self.w.push(d);
        if !self.fractional {
            if d.fract() == 0.0 && d.abs() <= WHOLE_MAX && self.w.count() <= 1 << 20 {
                let x = d as i64;
                self.sum += x;
                self.sum_sq += x * x;
            } else {
                self.fractional = true;
            }
        }
    }

    /// Folds in `later`, the differences of the replications that follow.
    fn merge(&mut self, later: &DiffAcc) {
        self.w.merge(&later.w);
        self.fractional |= later.fractional || self.w.count() > 1 << 20;
        if !self.fractional {
            self.sum += later.sum;
            self.sum_sq += later.sum_sq;
        }
    }

    /// Mean with its Student-t interval (see [`Welford::estimate`]).
    fn estimate(&self) -> Estimate {
        let n = self.w.count();
        if self.fractional || n == 0 {
            return self.w.estimate();
        }
        let mean = self.sum as f64 / n as f64;
        let half = if n >= 2 {
            let nn = i128::from(n);
            let num = nn * i128::from(self.sum_sq) - i128::from(self.sum) * i128::from(self.sum);
            let variance = num as f64 / (n as f64 * (n - 1) as f64);
            crate::stats::t_quantile(crate::stats::CONFIDENCE, n - 1) * (variance / n as f64).sqrt()
        } else {
            f64::NAN
        };
        Estimate { mean, ci_low: mean - half, ci_high: mean + half, n }
    }
}

/// A variant to compare with the baseline: its name, its scenario, and the policy script that
/// scenario names (if any), bound to it when its model is built.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Display name.
    pub name: String,
    /// The variant's scenario.
    pub scenario: Scenario,
    /// The policy script its `policy.script` names, loaded.
    pub script: Option<Arc<dyn PolicySource>>,
}

impl From<(String, Scenario)> for Variant {
    /// A named variant without a policy script.
    fn from((name, scenario): (String, Scenario)) -> Variant {
        Variant { name, scenario, script: None }
    }
}

impl Variant {
    /// A variant without a policy script.
    pub fn new(name: impl Into<String>, scenario: Scenario) -> Variant {
        Variant { name: name.into(), scenario, script: None }
    }

    /// The variant's policy script, as the model compiler takes it.
    pub fn policy(&self) -> Option<&dyn PolicySource> {
        self.script.as_deref()
    }
}

/// Runs `baseline` (with `base_policy`, the script it names) and every variant with the
/// baseline's replications and seed. Variants may add queues (matched to the baseline by id) but
/// keep the baseline's horizon. Fails only when a scenario's policy cannot be bound or fails.
pub fn compare(
    baseline: &Scenario,
    base_policy: Option<&dyn PolicySource>,
    variants: &[Variant],
    progress: &(dyn Fn() + Sync),
) -> Result<Comparison, RunError> {
    let range = 0..baseline.simulation.replications;
    let state = simulate_range(&aligned(baseline, variants), &policies(base_policy, variants), range, progress)?;
    Ok(state.finish(baseline, variants))
}

/// True when a paired difference is significant: its confidence interval excludes zero. A
/// difference that is exactly 0 in every replication (rounding is made 0, see [`ROUNDING`]) has
/// the interval [0, 0] and is never significant.
pub fn significant(e: &Estimate) -> bool {
    e.mean != 0.0 && (e.ci_low > 0.0 || e.ci_high < 0.0)
}
