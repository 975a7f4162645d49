//! Simulation-based staffing: the least agents per interval (or per group over the day) such
//! that every queue meets its targets, where "meets" is the mean over replications or a
//! probability (the target holds in at least p of the replications). It owns the search, its
//! statistical decisions and the verification with fresh random numbers; it prints nothing.
//!
//! It starts from the Erlang requirement ([`crate::plan`]) and corrects it by simulation,
//! interval by interval from the start of the day (a late interval depends on the earlier
//! ones): while an interval misses, one agent is added to the group serving a missing queue
//! with the fewest skills (a specialist); then agents are taken away again while the interval
//! still meets its targets.
//!
//! # Decisions that do not ride on noise
//!
//! Removing agents while a sample still says "meets" picks, among the levels close to the
//! target, the one whose sample happened to be lucky: the result then misses when it is run
//! again. So every decision is a sequential test:
//!
//! - a staffing is first simulated with the scenario's replications `n` (seed `s`);
//! - a target whose 95 % confidence interval lies entirely on one side decides at once
//!   (clearly met, or clearly missed);
//! - while a target's interval contains it (and nothing is clearly missed), the sample is
//!   doubled — the extra replications run in batches with seeds `s + b·`[`BATCH_SEED_STRIDE`]
//!   (b = 1, 2, …, sizes n, 2n, 4n, …), the same batches for every staffing, so comparisons
//!   keep common random numbers — up to [`Options::max_replications`];
//! - at that cap the mean decides.
//!
//! # Verification with fresh random numbers
//!
//! The search's samples are then discarded: the staffing found is simulated again with seed
//! `s +` [`VERIFY_SEED_OFFSET`] and [`Options::verify_replications`] replications (a plain
//! run: `ccsim run --staffing <emitted> --seed <s + 1000003> -n <verify_replications>` gives
//! the same numbers). Where its mean misses a target, one agent is added (to the interval that
//! misses, or for a queue whose day misses, to its worst interval; `--by group`: to the
//! group's offset) and the verification is run again on the same fresh stream, for at most
//! [`Options::verify_rounds`] rounds. The verdict and the figures reported come from the last
//! verification: a target is met only when that mean meets it, whatever its CI.

use crate::experiment::{self, Reducer, RunResult};
use crate::kpi::queue::{MEETS, SL};
use crate::kpi::{Kpi, QueueKpis, Values};
use crate::model::Model;
use crate::plan::{self, ModelChoice};
use crate::policy::{PolicySource, RunError as PolicyError};
use crate::scenario::{Scenario, Staffing};
use crate::stats::{Estimate, Welford};
use std::collections::BTreeMap;

/// The verification runs with the scenario's seed plus this offset (wrapping), a stream the
/// search never used.
pub const VERIFY_SEED_OFFSET: u64 = 1_000_003;

/// Extra replications of a decision run in batches b = 1, 2, … with seed `seed + b × stride`
/// (wrapping); batch 0 is the scenario's seed. 2³² keeps the batches of the search and those
/// of any verification seed apart.
pub const BATCH_SEED_STRIDE: u64 = 1 << 32;

/// When an interval (or the day) counts as meeting its targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Criterion {
    /// Mean SL ≥ target, mean ASA ≤ max, mean abandon rate ≤ max.
    Mean,
    /// The targets hold in at least this share of replications (e.g. 0.9 for `p90`).
    Probability(f64),
}

impl Criterion {
    /// Parses `mean` or `pNN` (`p90` → 0.9).
    pub fn parse(s: &str) -> Result<Criterion, String> {
        if s == "mean" {
            return Ok(Criterion::Mean);
        }
        s.strip_prefix('p')
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|p| (1..100).contains(p))
            .map(|p| Criterion::Probability(f64::from(p) / 100.0))
            .ok_or_else(|| format!("criterion {s:?}: expected `mean` or `pNN` such as `p90`"))
    }
}

/// Settings of an optimisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// What "meets" means.
    pub criterion: Criterion,
    /// Largest level (agents) any group may reach in an interval, the Erlang start included;
    /// `--by group`: largest offset (agents) added to a group's Erlang curve.
    pub max_agents: u32,
    /// Most replications one decision near the boundary may use (the sample is doubled from
    /// the scenario's replications while a target lies inside its CI).
    pub max_replications: u32,
    /// Replications of each verification run with fresh random numbers.
    pub verify_replications: u32,
    /// Most verification runs that may add agents (the last verification is always reported).
    pub verify_rounds: u32,
}

impl Options {
    /// Defaults for `s`: decisions and the verification up to 8 × the scenario's
    /// replications, 5 verification rounds, at most 2000 agents.
    pub fn new(s: &Scenario, criterion: Criterion) -> Options {
        let n = s.simulation.replications.max(2);
        Options {
            criterion,
            max_agents: 2000,
            max_replications: n.saturating_mul(8),
            verify_replications: n.saturating_mul(8),
            verify_rounds: 5,
        }
    }
}

/// One (group, interval) of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Group index.
    pub group: usize,
    /// Global interval index.
    pub interval: usize,
    /// Interval label.
    pub start: String,
    /// The Erlang requirement of the group in this interval, agents.
    pub erlang_agents: u32,
    /// The simulated requirement (after verification), agents.
    pub agents: u32,
    /// SL (share) of the group's most preferred queue in this interval, at the result's
    /// staffing, from the verification with fresh random numbers.
    pub service_level: Estimate,
}

/// A target that the verification's mean misses.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortfall {
    /// Queue index.
    pub queue: usize,
    /// Global interval index; `None` for the queue over the horizon (the day).
    pub interval: Option<usize>,
    /// Interval label, or `"day"`.
    pub start: String,
    /// The KPI that misses: `service_level`, `asa_seconds`, `abandon_rate` (criterion
    /// `mean`) or `p_meet_target` (criterion `pNN`).
    pub kpi: &'static str,
    /// The verification's mean, in the KPI's unit (share or seconds).
    pub mean: f64,
    /// The target (a minimum for `service_level` and `p_meet_target`, a maximum otherwise).
    pub target: f64,
    /// How far the mean is on the wrong side of the target (> 0), in the KPI's unit.
    pub by: f64,
}

/// The verification with fresh random numbers of the final staffing.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// Seed of the verification stream (the scenario's + [`VERIFY_SEED_OFFSET`]).
    pub seed: u64,
    /// Replications of each verification run.
    pub replications: u32,
    /// Verification runs made (each after the previous one added agents).
    pub rounds: u32,
    /// Agent-intervals added because a verification missed (`--by group`: agents added to
    /// offsets, times the intervals).
    pub added_agent_intervals: u32,
    /// Whether every (interval, queue) was judged (`--by interval`), or only each queue's day.
    pub judged_intervals: bool,
    /// Targets the last verification's means miss (empty: every target met).
    pub shortfalls: Vec<Shortfall>,
    /// The last verification's statistics.
    pub result: RunResult,
}

/// The result of an optimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimized {
    /// The scenario with the optimised (and verified) staffing curves.
    pub scenario: Scenario,
    /// Rows per interval and group.
    pub rows: Vec<Row>,
    /// Staffings simulated by the search (each with at least the scenario's replications).
    pub simulations: u32,
    /// Replications simulated in all, search and verification.
    pub replications_simulated: u64,
    /// The search's last accepted staffing, simulated with the scenario's seed and
    /// replications (the numbers the search decided on; the verification's are in
    /// `verification.result`).
    pub result: RunResult,
    /// True when the last verification's means meet every target (and the search never hit
    /// the agent cap).
    pub met: bool,
    /// False when some interval (or group) hit `max_agents` during the search.
    pub within_cap: bool,
    /// The verification with fresh random numbers.
    pub verification: Verification,
}

/// The KPIs a decision looks at, in this order in a [`Sample`]'s cells.
/// The queue KPI called `name` (names here are constants of this module).
fn queue_kpi(name: &str) -> Kpi<QueueKpis> {
    Kpi::named(name)
}

const JUDGED: [&str; 4] = ["service_level", "asa_seconds", "abandon_rate", "p_meet_target"];

/// Per-replication KPI values of one staffing, extendable by batches of replications.
struct Sample {
    reps: u32,
    batches: u64,
    /// `[interval × n_queues + queue]`, the [`JUDGED`] KPIs.
    cells: Vec<[Welford; 4]>,
    /// Per queue over the horizon, the [`JUDGED`] KPIs (`p_meet_target`: share of days).
    days: Vec<[Welford; 4]>,
}

/// Three-way outcome of a target against a confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TargetCall {
    Met,
    Unsure,
    Missed,
}

/// Compares a mean and its CI with a target: `at_least` (SL, P(meet)) or at most (ASA,
/// abandon rate). Undefined means (no calls) meet; an undefined CI is unsure.
fn verdict(e: &Estimate, target: f64, at_least: bool) -> TargetCall {
    let (good, bad) =
        if at_least { (e.ci_low >= target, e.ci_high < target) } else { (e.ci_high <= target, e.ci_low > target) };
    if e.mean.is_nan() || good {
        TargetCall::Met
    } else if bad {
        TargetCall::Missed
    } else {
        TargetCall::Unsure
    }
}

/// Whether the mean alone meets the target (undefined means meet).
fn by_mean(e: &Estimate, target: f64, at_least: bool) -> bool {
    e.mean.is_nan() || if at_least { e.mean >= target } else { e.mean <= target }
}

/// The (KPI position in [`JUDGED`], target, at_least) triples a queue is judged on.
fn targets(s: &Scenario, q: usize, c: Criterion) -> Vec<(usize, f64, bool)> {
    let q = &s.queues[q];
    match c {
        Criterion::Mean => {
            let mut t = vec![(0, q.service_level.target, true)];
            t.extend(q.max_asa_s.map(|m| (1, m, false)));
            t.extend(q.max_abandon_rate.map(|m| (2, m, false)));
            t
        }
        Criterion::Probability(p) => vec![(3, p, true)],
    }
}

/// The searcher: simulates staffings in batches and decides with a sequential test.
struct Search<'a> {
    opts: Options,
    seed: u64,
    n: u32,
    nq: usize,
    progress: &'a (dyn Fn() + Sync),
    /// The policy script the scenario names, bound afresh to every staffing tried.
    policy: Option<&'a dyn PolicySource>,
    simulations: u32,
    replications: u64,
}

impl Search<'_> {
    fn new<'a>(
        base: &Scenario,
        policy: Option<&'a dyn PolicySource>,
        opts: Options,
        progress: &'a (dyn Fn() + Sync),
    ) -> Search<'a> {
        let n = base.simulation.replications.max(2);
        Search {
            opts: Options { max_replications: opts.max_replications.max(n), ..opts },
            seed: base.simulation.seed,
            n,
            nq: base.queues.len(),
            progress,
            policy,
            simulations: 0,
            replications: 0,
        }
    }

    /// A fresh sample of `s` with the scenario's replications (batch 0, the scenario's seed).
    fn sample(&mut self, s: &Scenario) -> Result<Sample, PolicyError> {
        self.simulations += 1;
        let mut out = Sample {
            reps: 0,
            batches: 0,
            cells: vec![Default::default(); s.horizon.total_intervals() * self.nq],
            days: vec![Default::default(); self.nq],
        };
        self.extend(s, &mut out, self.n)?;
        Ok(out)
    }

    /// Adds the next batch of `more` replications to `sample`.
    fn extend(&mut self, s: &Scenario, sample: &mut Sample, more: u32) -> Result<(), PolicyError> {
        let mut sc = s.clone();
        sc.simulation.seed = self.seed.wrapping_add(sample.batches.wrapping_mul(BATCH_SEED_STRIDE));
        sc.simulation.replications = more;
        let model = Model::compile(&sc, self.policy)?;
        let mut reducer = Reducer::new(&sc, &model);
        let idx = JUDGED.map(queue_kpi);
        experiment::for_each_replication(&model, self.progress, |_, f| {
            let v = reducer.push(f);
            for (acc, vals) in sample.cells.iter_mut().zip(&v.cells).chain(sample.days.iter_mut().zip(&v.queues)) {
                for (w, &k) in acc.iter_mut().zip(&idx) {
                    w.push(vals[k.index()]);
                }
            }
        })?;
        sample.reps += more;
        sample.batches += 1;
        self.replications += u64::from(more);
        Ok(())
    }

    /// Queues that miss the criterion in global interval `i` (or over the day when `i` is
    /// `None`), decided sequentially: clear calls at once, unsure ones after doubling the
    /// sample up to the cap, then by the mean.
    fn missing(&mut self, s: &Scenario, sample: &mut Sample, i: Option<usize>) -> Result<Vec<usize>, PolicyError> {
        let (c, nq) = (self.opts.criterion, self.nq);
        loop {
            let cell = |sample: &Sample, q: usize| match i {
                Some(i) => sample.cells[i * nq + q],
                None => sample.days[q],
            };
            let calls: Vec<TargetCall> = (0..self.nq)
                .map(|q| {
                    let w = cell(sample, q);
                    targets(s, q, c)
                        .iter()
                        .map(|&(k, t, up)| verdict(&w[k].estimate(), t, up))
                        .max()
                        .unwrap_or(TargetCall::Met)
                })
                .collect();
            let missed: Vec<usize> = (0..self.nq).filter(|&q| calls[q] == TargetCall::Missed).collect();
            if !missed.is_empty() {
                return Ok(missed);
            }
            if !calls.contains(&TargetCall::Unsure) {
                return Ok(Vec::new());
            }
            if sample.reps >= self.opts.max_replications {
                return Ok((0..self.nq)
                    .filter(|&q| {
                        let w = cell(sample, q);
                        !targets(s, q, c).iter().all(|&(k, t, up)| by_mean(&w[k].estimate(), t, up))
                    })
                    .collect());
            }
            let more = sample.reps.min(self.opts.max_replications - sample.reps);
            self.extend(s, sample, more)?;
        }
    }

    /// The targets the verification's means miss: per interval (when `intervals`) and per
    /// queue over the horizon.
    fn verify_once(&mut self, s: &Scenario, intervals: bool) -> Result<(RunResult, Vec<Shortfall>), PolicyError> {
        let mut check = s.clone();
        check.simulation.seed = self.seed.wrapping_add(VERIFY_SEED_OFFSET);
        check.simulation.replications = self.opts.verify_replications.max(2);
        self.replications += u64::from(check.simulation.replications);
        let r = experiment::run(&check, self.policy, self.progress)?;
        let sf = shortfalls(&check, &r, self.opts.criterion, intervals);
        Ok((r, sf))
    }

    /// Verifies `s` on fresh random numbers, letting `add` add agents where it misses, for
    /// at most the configured rounds. `add` returns the agent-intervals it added (0: none
    /// could be added).
    fn verify(
        &mut self,
        s: &mut Scenario,
        intervals: bool,
        mut add: impl FnMut(&mut Scenario, &[Shortfall], &RunResult) -> u32,
    ) -> Result<Verification, PolicyError> {
        let mut added = 0;
        let mut rounds = 1;
        let (mut r, mut sf) = self.verify_once(s, intervals)?;
        while !sf.is_empty() && rounds <= self.opts.verify_rounds {
            let a = add(s, &sf, &r);
            if a == 0 {
                break;
            }
            added += a;
            rounds += 1;
            (r, sf) = self.verify_once(s, intervals)?;
        }
        Ok(Verification {
            seed: self.seed.wrapping_add(VERIFY_SEED_OFFSET),
            replications: self.opts.verify_replications.max(2),
            rounds,
            added_agent_intervals: added,
            judged_intervals: intervals,
            shortfalls: sf,
            result: r,
        })
    }
}

/// The targets whose means in `r` miss the criterion: every (interval, queue) when
/// `intervals`, then every queue over the horizon ("day"). Undefined means (no calls) meet.
pub fn shortfalls(s: &Scenario, r: &RunResult, c: Criterion, intervals: bool) -> Vec<Shortfall> {
    let judge =
        |q: usize, kpis: &Values<QueueKpis, Estimate>, p_meet: &Estimate, interval: Option<usize>, start: &str| {
            let qq = &s.queues[q];
            let checks: Vec<(&'static str, &Estimate, f64, bool)> = match c {
                Criterion::Mean => {
                    let mut v = vec![("service_level", &kpis[SL], qq.service_level.target, true)];
                    v.extend(qq.max_asa_s.map(|m| ("asa_seconds", &kpis[queue_kpi("asa_seconds")], m, false)));
                    v.extend(qq.max_abandon_rate.map(|m| ("abandon_rate", &kpis[queue_kpi("abandon_rate")], m, false)));
                    v
                }
                Criterion::Probability(p) => vec![("p_meet_target", p_meet, p, true)],
            };
            checks
                .into_iter()
                .filter(|(_, e, t, up)| !by_mean(e, *t, *up))
                .map(|(name, e, t, up)| Shortfall {
                    queue: q,
                    interval,
                    start: start.to_string(),
                    kpi: name,
                    mean: e.mean,
                    target: t,
                    by: if up { t - e.mean } else { e.mean - t },
                })
                .collect::<Vec<_>>()
        };
    let mut out = Vec::new();
    if intervals {
        for row in &r.intervals {
            out.extend(judge(row.index, &row.kpis, &row.kpis[MEETS], Some(row.interval), &row.start));
        }
    }
    for (q, qr) in r.queues.iter().enumerate() {
        out.extend(judge(q, &qr.kpis, &qr.risk.p_meet_target, None, "day"));
    }
    out
}

/// Every group as a per-interval curve (shift groups become their planned on-duty counts,
/// breaks included as absences).
fn as_curves(s: &Scenario) -> Scenario {
    let mut out = s.clone();
    for g in &mut out.groups {
        g.staffing = Staffing::Curve(g.planned_curve(&s.horizon));
    }
    out
}

fn curve_mut(s: &mut Scenario, g: usize) -> &mut Vec<u32> {
    match &mut s.groups[g].staffing {
        Staffing::Curve(c) => c,
        _ => unreachable!("optimize works on curves"),
    }
}

/// The group to add an agent to for a queue: a group with the skill, fewest skills first.
fn group_for(s: &Scenario, q: usize) -> Option<usize> {
    (0..s.groups.len())
        .filter(|&g| s.groups[g].skills.iter().any(|k| k.queue == q))
        .min_by_key(|&g| (s.groups[g].skills.len(), g))
}

/// Optimises per interval (see the module doc for the decisions and the verification).
/// Fails only when the scenario's policy fails.
pub fn per_interval(
    base: &Scenario,
    policy: Option<&dyn PolicySource>,
    opts: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<Optimized, PolicyError> {
    let plan = plan::plan(base, ModelChoice::Auto, 0.0);
    let erlang = plan::curves(base, &plan);
    let mut s = as_curves(base);
    for (g, group) in s.groups.iter_mut().enumerate() {
        let start = erlang[&base.groups[g].id].iter().map(|&x| x.min(opts.max_agents)).collect();
        group.staffing = Staffing::Curve(start);
        group.absenteeism = base.groups[g].absenteeism;
    }
    let mut search = Search::new(base, policy, opts, progress);
    let max_agents = opts.max_agents;
    let mut cur = search.sample(&s)?;
    let n = s.horizon.total_intervals();
    let mut within_cap = true;
    for i in 0..n {
        if cur.cells[i * search.nq..(i + 1) * search.nq].iter().all(|w| w[0].count() == 0 && w[3].count() == 0) {
            continue; // warm-up, or no calls in any replication
        }
        // up while missing
        loop {
            let miss = search.missing(&s, &mut cur, Some(i))?;
            let Some(&q) = miss.first() else { break };
            let Some(g) = group_for(&s, q) else { break };
            if curve_mut(&mut s, g)[i] >= max_agents {
                within_cap = false;
                break;
            }
            curve_mut(&mut s, g)[i] += 1;
            cur = search.sample(&s)?;
        }
        // down while still meeting
        for g in 0..s.groups.len() {
            while curve_mut(&mut s, g)[i] > 0 {
                let mut trial = s.clone();
                curve_mut(&mut trial, g)[i] -= 1;
                let mut ts = search.sample(&trial)?;
                if !search.missing(&trial, &mut ts, Some(i))?.is_empty() {
                    break;
                }
                (s, cur) = (trial, ts);
            }
        }
    }
    let result = experiment::run(&s, policy, &|| {})?;
    search.replications += u64::from(s.simulation.replications);
    let verification = search.verify(&mut s, true, |s, sf, r| {
        let mut added = 0;
        let mut worst = BTreeMap::new(); // interval → its first missing queue
        for f in sf {
            if let Some(i) = f.interval {
                worst.entry(i).or_insert(f.queue);
            }
        }
        if worst.is_empty() {
            // only a day misses: add where that queue's KPI is worst
            for f in sf {
                let k = queue_kpi(f.kpi);
                let key = |row: &&experiment::IntervalResult| {
                    let m = row.kpis[k].mean;
                    if f.kpi == "service_level" || f.kpi == "p_meet_target" { -m } else { m }
                };
                let rows = r.intervals.iter().filter(|row| row.index == f.queue && !row.kpis[k].mean.is_nan());
                if let Some(row) = rows.max_by(|a, b| key(a).total_cmp(&key(b))) {
                    worst.entry(row.interval).or_insert(f.queue);
                }
            }
        }
        for (i, q) in worst {
            if let Some(g) = group_for(s, q).filter(|&g| curve_mut(s, g)[i] < max_agents) {
                curve_mut(s, g)[i] += 1;
                added += 1;
            }
        }
        added
    })?;
    Ok(finish(base, s, &search, result, verification, within_cap, &erlang))
}

/// Optimises per group over the day: each group's Erlang curve shifted by one offset (agents
/// added or removed in every interval), the least offsets such that every queue meets the
/// criterion over the day, decided and verified as in [`per_interval`] (`max_agents` caps
/// the offsets). Fails only when the scenario's policy fails.
pub fn per_group(
    base: &Scenario,
    policy: Option<&dyn PolicySource>,
    opts: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<Optimized, PolicyError> {
    let plan = plan::plan(base, ModelChoice::Auto, 0.0);
    let erlang = plan::curves(base, &plan);
    let ng = base.groups.len();
    let max_offset = i64::from(opts.max_agents);
    let build = |offsets: &[i64]| {
        let mut s = as_curves(base);
        for (g, group) in s.groups.iter_mut().enumerate() {
            let e = &erlang[&base.groups[g].id];
            group.staffing = Staffing::Curve(e.iter().map(|&x| (i64::from(x) + offsets[g]).max(0) as u32).collect());
        }
        s
    };
    let mut search = Search::new(base, policy, opts, progress);
    let mut offsets = vec![0i64; ng];
    let mut s = build(&offsets);
    let mut cur = search.sample(&s)?;
    let mut within_cap = true;
    loop {
        let miss = search.missing(&s, &mut cur, None)?;
        let Some(&q) = miss.first() else { break };
        let Some(g) = group_for(&s, q) else { break };
        if offsets[g] >= max_offset {
            within_cap = false;
            break;
        }
        offsets[g] += 1;
        s = build(&offsets);
        cur = search.sample(&s)?;
    }
    for g in 0..ng {
        loop {
            let mut trial = offsets.clone();
            trial[g] -= 1;
            if erlang[&base.groups[g].id].iter().all(|&x| i64::from(x) + trial[g] <= 0) {
                break;
            }
            let ts = build(&trial);
            let mut sample = search.sample(&ts)?;
            if !search.missing(&ts, &mut sample, None)?.is_empty() {
                break;
            }
            (offsets, s) = (trial, ts);
        }
    }
    let result = experiment::run(&s, policy, &|| {})?;
    search.replications += u64::from(s.simulation.replications);
    let n = base.horizon.total_intervals() as u32;
    let verification = search.verify(&mut s, false, |s, sf, _| {
        let mut added = 0;
        let groups: std::collections::BTreeSet<usize> = sf.iter().filter_map(|f| group_for(s, f.queue)).collect();
        for g in groups {
            if offsets[g] < max_offset {
                offsets[g] += 1;
                added += n;
            }
        }
        *s = build(&offsets);
        added
    })?;
    Ok(finish(base, s, &search, result, verification, within_cap, &erlang))
}

/// The result of a search: rows from the verification run, met only when it stayed within the
/// agent cap and the verification found no shortfall.
fn finish(
    base: &Scenario,
    s: Scenario,
    search: &Search,
    result: RunResult,
    verification: Verification,
    within_cap: bool,
    erlang: &BTreeMap<String, Vec<u32>>,
) -> Optimized {
    Optimized {
        rows: rows(base, &s, &verification.result, erlang),
        scenario: s,
        simulations: search.simulations,
        replications_simulated: search.replications,
        result,
        met: within_cap && verification.shortfalls.is_empty(),
        within_cap,
        verification,
    }
}

fn rows(base: &Scenario, s: &Scenario, r: &RunResult, erlang: &BTreeMap<String, Vec<u32>>) -> Vec<Row> {
    let mut out = Vec::new();
    for i in 0..s.horizon.total_intervals() {
        for (g, group) in s.groups.iter().enumerate() {
            let Staffing::Curve(c) = &group.staffing else { continue };
            let q = group.skills.iter().min_by_key(|k| k.preference).map(|k| k.queue);
            let sl = q
                .and_then(|q| r.intervals.iter().find(|row| row.interval == i && row.index == q))
                .map(|row| row.kpis[SL]);
            let Some(sl) = sl else { continue };
            out.push(Row {
                group: g,
                interval: i,
                start: s.horizon.interval_label(i),
                erlang_agents: erlang[&base.groups[g].id][i],
                agents: c[i],
                service_level: sl,
            });
        }
    }
    out
}

/// True when the day (each queue over the horizon) meets the criterion in `r`, judged on
/// the means (whatever their CIs).
pub fn day_meets(s: &Scenario, r: &RunResult, c: Criterion) -> bool {
    shortfalls(s, r, c, false).is_empty()
}

/// Cost of a result per simulated day: the `cost` KPI over all queues (paid agent time ×
/// rate), currency units, with its CI.
pub fn cost_per_day(r: &RunResult) -> Estimate {
    let e = r.total[queue_kpi("cost")];
    let d = f64::from(r.days.max(1));
    Estimate { mean: e.mean / d, ci_low: e.ci_low / d, ci_high: e.ci_high / d, ..e }
}

/// Paid agent hours per simulated day over all groups (the groups' `paid_hours` KPI means).
pub fn agent_hours_per_day(r: &RunResult) -> f64 {
    let k = crate::kpi::group::PAID_HOURS;
    r.groups.iter().map(|g| g.kpis[k].mean).sum::<f64>() / f64::from(r.days.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(mean: f64, half: f64) -> Estimate {
        Estimate { mean, ci_low: mean - half, ci_high: mean + half, n: 100 }
    }

    #[test]
    fn a_target_inside_the_ci_is_unsure_and_decided_by_the_mean_only_at_the_cap() {
        assert_eq!(verdict(&est(0.85, 0.03), 0.80, true), TargetCall::Met);
        assert_eq!(verdict(&est(0.75, 0.03), 0.80, true), TargetCall::Missed);
        assert_eq!(verdict(&est(0.81, 0.03), 0.80, true), TargetCall::Unsure);
        assert_eq!(verdict(&est(0.79, 0.03), 0.80, true), TargetCall::Unsure);
        // maxima (ASA, abandon rate) the other way round
        assert_eq!(verdict(&est(20.0, 5.0), 30.0, false), TargetCall::Met);
        assert_eq!(verdict(&est(40.0, 5.0), 30.0, false), TargetCall::Missed);
        assert_eq!(verdict(&est(28.0, 5.0), 30.0, false), TargetCall::Unsure);
        // no calls: met; one replication (no CI): unsure
        assert_eq!(verdict(&est(f64::NAN, f64::NAN), 0.80, true), TargetCall::Met);
        assert_eq!(verdict(&est(0.9, f64::NAN), 0.80, true), TargetCall::Unsure);
        assert!(by_mean(&est(0.80, 0.1), 0.80, true) && !by_mean(&est(0.799, 0.0), 0.80, true));
        // the order used to combine targets: any miss wins, then any doubt
        assert!(TargetCall::Missed > TargetCall::Unsure && TargetCall::Unsure > TargetCall::Met);
    }
}
