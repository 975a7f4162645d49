//! Comparisons: a baseline and variants run with the same seeds for each replication (common
//! random numbers), all scheduled together on the rayon pool, each reduced into its own
//! statistics, plus the paired differences variant − baseline per replication, with Student-t
//! confidence intervals. A difference is significant when its CI excludes zero; a per-replication
//! difference within floating-point rounding of the values (1e-9 of their magnitude) counts as
//! exactly 0, so a KPI a variant does not change never shows a "significant" `-0 ±0`.
//!
//! Verdicts ("meets every target", "cheapest meeting every target") judge every scenario against
//! one set of targets, the baseline's ([`judge`]): a variant that changes a target share, a max
//! ASA or a max abandon rate is judged by the baseline's all the same; one that measures SL with
//! another threshold or definition cannot be, and is judged by its own targets and left out of
//! the ranking ([`Verdict::Own`]).

use crate::experiment::{IntervalResult, Reducer, RepValues, RunResult, for_each_replication_of};
use crate::kpi::queue::{self, ABANDON_RATE, ASA, SL};
use crate::kpi::{QueueKpis, Values};
use crate::model::Model;
use crate::policy::{PolicySource, RunError};
use crate::scenario::Scenario;
use crate::stats::{Estimate, Welford};
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
/// replications, judged the same way, and keeps its verdict only when the rerun meets too.
/// Returns the names whose verdict was withdrawn ("baseline" for the baseline).
pub fn confirm_on_fresh_seeds(
    base: &Scenario,
    base_policy: Option<&dyn PolicySource>,
    base_meets: &mut bool,
    vars: &[Variant],
    verdicts: &mut [Verdict],
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<String>, RunError> {
    let fresh = |s: &Scenario| {
        let mut s = s.clone();
        s.simulation.seed = s.simulation.seed.wrapping_add(crate::optimize::VERIFY_SEED_OFFSET);
        s
    };
    let mut withdrawn = Vec::new();
    if *base_meets && !meets_all(&crate::experiment::run(&fresh(base), base_policy, progress)?, base) {
        *base_meets = false;
        withdrawn.push("baseline".to_string());
    }
    for (var, v) in vars.iter().zip(verdicts.iter_mut()) {
        let s = &var.scenario;
        if v.meets() && !judge(&crate::experiment::run(&fresh(s), var.policy(), progress)?, s, base).meets() {
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

struct Diffs {
    total: [Welford; queue::N],
    queues: Vec<(usize, usize, [Welford; queue::N])>,
    cells: Vec<(usize, usize, usize, [Welford; queue::N])>,
}

/// Relative size below which a paired difference is floating-point rounding: the same paid
/// seconds or waits summed in another order (event times differ between variants) differ by up
/// to about 1e-11 of the total over a day of ~10^5 events; 1e-9 leaves a wide margin while no
/// real change in a KPI is that small.
pub const ROUNDING: f64 = 1e-9;

/// Adds one replication's paired differences. A difference within [`ROUNDING`] of the values'
/// magnitude counts as exactly 0.
fn diff_into(acc: &mut [Welford; queue::N], v: &[f64; queue::N], b: &[f64; queue::N]) {
    for k in 0..queue::N {
        let d = v[k] - b[k];
        acc[k].push(if d.abs() <= ROUNDING * v[k].abs().max(b[k].abs()) { 0.0 } else { d });
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
    let mut scenarios = vec![baseline.clone()];
    let mut policies = vec![base_policy];
    for var in variants {
        policies.push(var.policy());
        let mut v = var.scenario.clone();
        v.simulation.replications = baseline.simulation.replications;
        v.simulation.seed = baseline.simulation.seed;
        v.simulation.warmup_s = baseline.simulation.warmup_s;
        scenarios.push(v);
    }
    let models: Vec<Model> =
        scenarios.iter().zip(&policies).map(|(s, p)| Model::compile(s, *p)).collect::<Result<_, _>>()?;
    let mut reducers: Vec<Reducer> = scenarios.iter().zip(&models).map(|(s, m)| Reducer::new(s, m)).collect();
    let n_int = baseline.horizon.total_intervals();
    let nqb = baseline.queues.len();
    let mut diffs: Vec<Diffs> = scenarios[1..]
        .iter()
        .map(|v| {
            let pairs: Vec<(usize, usize)> = v
                .queues
                .iter()
                .enumerate()
                .filter_map(|(qv, q)| baseline.queue_index(&q.id).map(|qb| (qv, qb)))
                .collect();
            Diffs {
                total: Default::default(),
                queues: pairs.iter().map(|&(a, b)| (a, b, Default::default())).collect(),
                cells: (0..n_int)
                    .flat_map(|i| pairs.iter().map(move |&(a, b)| (i, a, b, Default::default())))
                    .collect(),
            }
        })
        .collect();
    for_each_replication_of(&models, progress, |_, facts| {
        let values: Vec<RepValues> = reducers.iter_mut().zip(facts).map(|(r, f)| r.push(f)).collect();
        let base = &values[0];
        for (d, v) in diffs.iter_mut().zip(&values[1..]) {
            diff_into(&mut d.total, &v.total, &base.total);
            for (qv, qb, acc) in &mut d.queues {
                diff_into(acc, &v.queues[*qv], &base.queues[*qb]);
            }
            let nqv = v.queues.len();
            for (i, qv, qb, acc) in &mut d.cells {
                diff_into(acc, &v.cells[*i * nqv + *qv], &base.cells[*i * nqb + *qb]);
            }
        }
    })?;
    let est = |w: &[Welford; queue::N]| w.iter().map(Welford::estimate).collect::<Values<QueueKpis, _>>();
    let mut results = reducers.into_iter().map(Reducer::finish);
    let base = results.next().expect("baseline");
    let variants = results
        .zip(variants)
        .zip(diffs)
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
                    start: baseline.horizon.interval_label(*i),
                    kpis: est(w),
                })
                .collect(),
            result,
        })
        .collect();
    Ok(Comparison { baseline: base, variants })
}

/// True when a paired difference is significant: its confidence interval excludes zero. A
/// difference that is exactly 0 in every replication (rounding is made 0, see [`ROUNDING`]) has
/// the interval [0, 0] and is never significant.
pub fn significant(e: &Estimate) -> bool {
    e.mean != 0.0 && (e.ci_low > 0.0 || e.ci_high < 0.0)
}
