//! The reducer: folds replications' facts, in replication order, into running statistics of
//! every KPI of every table, and builds the [`RunResult`] the reports read.
//!
//! Per replication it sums the recorded counts into scopes (a queue-interval cell, a queue's
//! day, a queue's horizon, all queues; a group's interval and horizon; a (group, queue) pair),
//! derives each scope's KPIs from its table, and pushes them into Welford accumulators. Folding
//! in replication order makes results identical for any thread count.

use super::group::{self, GroupScope};
use super::queue::{self, MEETS, QueueScope, SL, Targets};
use super::result::{
    DayResult, GroupResult, IntervalResult, PolicyResult, QueueResult, RegionResult, RepValues, Risk, RunResult,
    ServedResult,
};
use super::{Table, Values, policy, served};
use crate::facts::{GroupFacts, QueueFacts, ReplicationFacts, service_level};
use crate::model::Model;
use crate::policy::{ACTION_KINDS, ACTION_NAMES};
use crate::scenario::Scenario;
use crate::stats::{Estimate, Welford, quantile};

/// How the days of the horizon are named, for the per-day results.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct DayNames {
    /// Per day, its date `"2026-12-07"` when dated.
    dates: Vec<Option<String>>,
    /// Per day, its weekday `"Mon"` when dated.
    weekdays: Vec<Option<String>>,
    /// Per day, true when the center is closed.
    closed: Vec<bool>,
}

/// Folds replications' facts into running statistics. Serialisable (without its scratch
/// space), so that a shard of a run can write it and `ccsim merge` fold it in. Its size follows
/// the scenario (intervals, days, queues, groups, sites, regions × KPIs), never the number of
/// replications, except for the days' service levels kept for the quantiles.
#[derive(serde::Serialize, serde::Deserialize)]
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
    names: DayNames,
    site_ids: Vec<String>,
    /// Per group, its site (index into `site_ids`).
    group_site: Vec<Option<usize>>,
    region_ids: Vec<String>,
    /// Per queue, its region (index into `region_ids`).
    queue_region: Vec<Option<usize>>,
    reps: u32,
    total: [Welford; queue::N],
    total_meets: Welford,
    total_day_sl: Vec<f64>,
    queues: Vec<[Welford; queue::N]>,
    queue_meets: Vec<Welford>,
    queue_day_sl: Vec<Vec<f64>>,
    groups: Vec<[Welford; group::N]>,
    /// Per site, its groups summed.
    sites: Vec<[Welford; group::N]>,
    /// Per region, its queues summed; `p_meet_target` from `region_meets`.
    regions: Vec<[Welford; queue::N]>,
    /// Per region, 1 or 0 per (replication, day with calls): every queue of it met its targets.
    region_meets: Vec<Welford>,
    /// Per day, all queues (`p_meet_target`: the day met every target, 1 or 0).
    day_total: Vec<[Welford; queue::N]>,
    /// `[day × n_queues + queue]`.
    day_queues: Vec<[Welford; queue::N]>,
    /// `[day × n_groups + group]`.
    day_groups: Vec<[Welford; group::N]>,
    cells: Vec<[Welford; queue::N]>,
    group_cells: Vec<[Welford; group::N]>,
    /// `[group × n_queues + queue]`.
    served: Vec<[Welford; served::N]>,
    policy: Option<([Welford; policy::N], [Welford; ACTION_KINDS])>,
    // scratch, reused per replication (sized on first use after deserialising)
    #[serde(skip)]
    scopes: Vec<QueueScope>,
}

impl Reducer {
    /// An empty reducer for `scenario` compiled as `model`.
    pub fn new(scenario: &Scenario, model: &Model) -> Reducer {
        let nq = scenario.queues.len();
        let ng = scenario.groups.len();
        let ni = model.total_intervals();
        let days = model.days;
        let h = &scenario.horizon;
        Reducer {
            scenario: scenario.name.clone(),
            seed: model.seed,
            days,
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
            labels: (0..ni).map(|i| h.interval_label(i)).collect(),
            names: DayNames {
                dates: (0..days).map(|d| h.date(d).map(|x| x.to_string())).collect(),
                weekdays: (0..days).map(|d| h.weekday(d).map(str::to_string)).collect(),
                closed: (0..days).map(|d| !h.is_open(d)).collect(),
            },
            site_ids: scenario.sites.clone(),
            group_site: scenario.groups.iter().map(|g| g.site).collect(),
            region_ids: scenario.regions.clone(),
            queue_region: scenario.queues.iter().map(|q| q.region).collect(),
            reps: 0,
            total: Default::default(),
            total_meets: Welford::default(),
            total_day_sl: Vec::new(),
            queues: vec![Default::default(); nq],
            queue_meets: vec![Welford::default(); nq],
            queue_day_sl: vec![Vec::new(); nq],
            groups: vec![Default::default(); ng],
            sites: vec![Default::default(); scenario.sites.len()],
            regions: vec![Default::default(); scenario.regions.len()],
            region_meets: vec![Welford::default(); scenario.regions.len()],
            day_total: vec![Default::default(); days],
            day_queues: vec![Default::default(); days * nq],
            day_groups: vec![Default::default(); days * ng],
            cells: vec![Default::default(); ni * nq],
            group_cells: vec![Default::default(); ni * ng],
            served: vec![Default::default(); ng * nq],
            scopes: vec![QueueScope::default(); ni * nq],
            policy: model.policy.as_ref().map(|_| Default::default()),
        }
    }

    fn counted(&self, interval: usize) -> bool {
        interval % self.n_day >= self.warmup
    }

    /// Folds one replication (the next in replication order) and returns its queue KPI values.
    ///
    /// Every larger scope is summed from the interval cells of this replication before its KPIs
    /// are derived: a queue's day from its intervals, the horizon from the days, all queues and
    /// a region from their queues' sums, a site from its groups' sums. So the counts, hours and
    /// costs of the days add up to the horizon's, and those of the regions and sites to all
    /// queues' and all groups', replication by replication.
    pub fn push(&mut self, f: &ReplicationFacts) -> RepValues {
        self.reps += 1;
        let (nq, ng) = (f.n_queues, f.n_groups);
        let (nr, ns) = (self.region_ids.len(), self.site_ids.len());
        let ni = self.days * self.n_day;
        self.scopes.resize(ni * nq, QueueScope::default());
        let mut out = RepValues {
            total: [f64::NAN; queue::N],
            queues: vec![[f64::NAN; queue::N]; nq],
            cells: vec![[f64::NAN; queue::N]; ni * nq],
            days: vec![[f64::NAN; queue::N]; self.days],
            day_queues: vec![[f64::NAN; queue::N]; self.days * nq],
        };
        let mut meets_q = vec![Welford::default(); nq];
        let mut meets_t = Welford::default();
        let mut day_group = vec![GroupFacts::default(); self.days * ng];
        let mut group_total = vec![GroupFacts::default(); ng];
        let mut horizon_q = vec![QueueScope::default(); nq];
        let mut horizon_t = QueueScope::default();
        // per region: its queues' calls and cost, and the time of the groups serving any of them
        let mut horizon_r = vec![QueueScope::default(); nr];
        let mut seen = vec![false; nr * ng];

        // Per-interval cells.
        let mut cost_g = vec![0.0; ng];
        for i in 0..ni {
            if !self.counted(i) {
                continue;
            }
            let d = i / self.n_day;
            for g in 0..ng {
                let gf = f.group(i, g);
                day_group[d * ng + g].add(gf);
                group_total[g].add(gf);
                cost_g[g] = gf.paid_s * self.cost_per_s[g];
                let scope = GroupScope { facts: *gf, cost: cost_g[g], length_s: self.interval_s };
                push_all(&mut self.group_cells[i * ng + g], &group::derive(&scope));
            }
            seen.fill(false);
            for q in 0..nq {
                let cf: &QueueFacts = f.queue(i, q);
                let mut s = QueueScope { length_s: self.interval_s, ..Default::default() };
                s.add_calls(cf, &self.targets[q]);
                s.judge(cf, &self.targets[q]);
                let region = self.queue_region[q];
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
                    // a group serving several queues of a region counts once for it
                    if let Some(r) = region.filter(|&r| !seen[r * ng + g]) {
                        seen[r * ng + g] = true;
                        horizon_r[r].busy_s += gf.busy_s;
                        horizon_r[r].available_s += gf.available_s;
                    }
                }
                let k = queue::derive(&s);
                push_all(&mut self.cells[i * nq + q], &k);
                out.cells[i * nq + q] = k;
                self.scopes[i * nq + q] = s;
            }
        }

        // Days: each queue's day, judged; all queues; each group; and the regions' days.
        let day_length = self.interval_s * (self.n_day - self.warmup) as f64;
        let mut day_r = vec![QueueScope::default(); nr];
        for d in 0..self.days {
            let mut day_t = QueueScope { length_s: day_length, ..Default::default() };
            day_r.fill(QueueScope::default());
            for (q, hq) in horizon_q.iter_mut().enumerate() {
                let mut day_q = QueueScope::default();
                for i in d * self.n_day..(d + 1) * self.n_day {
                    if self.counted(i) {
                        day_q.merge(&self.scopes[i * nq + q]);
                    }
                }
                let t = &self.targets[q];
                let calls = day_q.calls;
                day_q.judge(&calls, t);
                let k = queue::derive(&day_q);
                push_all(&mut self.day_queues[d * nq + q], &k);
                out.day_queues[d * nq + q] = k;
                let meets = k[MEETS.index()];
                self.queue_meets[q].push(meets);
                meets_q[q].push(meets);
                self.queue_day_sl[q].push(service_level(&day_q.calls, t.definition));
                day_t.add_calls(&day_q.calls, t);
                day_t.judge(&day_q.calls, t);
                if let Some(r) = self.queue_region[q] {
                    day_r[r].add_calls(&day_q.calls, t);
                    day_r[r].judge(&day_q.calls, t);
                    horizon_r[r].cost += day_q.cost;
                }
                hq.merge(&day_q);
            }
            for g in 0..ng {
                let gf = &day_group[d * ng + g];
                let scope = GroupScope { facts: *gf, cost: gf.paid_s * self.cost_per_s[g], length_s: day_length };
                push_all(&mut self.day_groups[d * ng + g], &group::derive(&scope));
                day_t.busy_s += gf.busy_s;
                day_t.available_s += gf.available_s;
                day_t.cost += scope.cost;
            }
            let k = queue::derive(&day_t);
            push_all(&mut self.day_total[d], &k);
            out.days[d] = k;
            self.total_meets.push(k[MEETS.index()]);
            meets_t.push(k[MEETS.index()]);
            self.total_day_sl.push(k[SL.index()]);
            for (r, dr) in day_r.iter().enumerate() {
                self.region_meets[r].push(queue::derive(dr)[MEETS.index()]);
                horizon_r[r].merge(dr); // calls only: its time and cost are summed above
            }
        }

        // Horizon: per queue, per group, per site and region, total; `p_meet_target` is
        // reported per day (from the day judgments above), so the horizon's own is left out of
        // its accumulator.
        for (q, hq) in horizon_q.iter().enumerate() {
            let mut k = queue::derive(hq);
            k[MEETS.index()] = f64::NAN;
            push_all(&mut self.queues[q], &k);
            k[MEETS.index()] = meets_q[q].mean();
            out.queues[q] = k;
            horizon_t.add_calls(&hq.calls, &self.targets[q]);
        }
        let length = day_length * self.days as f64;
        horizon_t.length_s = length;
        let mut site_scopes = vec![GroupScope { length_s: length, ..Default::default() }; ns];
        for (g, gf) in group_total.iter().enumerate() {
            let scope = GroupScope { facts: *gf, cost: gf.paid_s * self.cost_per_s[g], length_s: length };
            push_all(&mut self.groups[g], &group::derive(&scope));
            if let Some(site) = self.group_site[g] {
                site_scopes[site].facts.add(gf);
                site_scopes[site].cost += scope.cost;
            }
            horizon_t.busy_s += gf.busy_s;
            horizon_t.available_s += gf.available_s;
            horizon_t.cost += scope.cost;
        }
        for (acc, scope) in self.sites.iter_mut().zip(&site_scopes) {
            push_all(acc, &group::derive(scope));
        }
        for (acc, hr) in self.regions.iter_mut().zip(&mut horizon_r) {
            hr.length_s = length;
            let mut k = queue::derive(hr);
            k[MEETS.index()] = f64::NAN;
            push_all(acc, &k);
        }
        for (acc, sf) in self.served.iter_mut().zip(&f.served) {
            push_all(acc, &served::derive(sf));
        }
        if let Some((table, actions)) = &mut self.policy {
            push_all(table, &policy::derive(&f.policy));
            push_all(actions, &f.policy.actions);
        }
        let mut k = queue::derive(&horizon_t);
        k[MEETS.index()] = f64::NAN;
        push_all(&mut self.total, &k);
        k[MEETS.index()] = meets_t.mean();
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

    /// Folds in `later`, a reducer of the same scenario over the replications that follow this
    /// one's (a shard of a run): every accumulator is merged ([`Welford::merge`]: equal to
    /// folding the replications in order up to rounding) and the per-day service levels, kept
    /// in replication order, are appended, so the quantiles are exactly those of one reducer.
    pub fn merge(&mut self, later: Reducer) {
        fn all<const N: usize>(a: &mut [[Welford; N]], b: &[[Welford; N]]) {
            for (a, b) in a.iter_mut().zip(b) {
                for (a, b) in a.iter_mut().zip(b) {
                    a.merge(b);
                }
            }
        }
        debug_assert!(self.queue_ids == later.queue_ids && self.group_ids == later.group_ids);
        self.reps += later.reps;
        all(std::slice::from_mut(&mut self.total), std::slice::from_ref(&later.total));
        self.total_meets.merge(&later.total_meets);
        self.total_day_sl.extend(later.total_day_sl);
        all(&mut self.queues, &later.queues);
        for (a, b) in self.queue_meets.iter_mut().zip(&later.queue_meets) {
            a.merge(b);
        }
        for (a, b) in self.queue_day_sl.iter_mut().zip(later.queue_day_sl) {
            a.extend(b);
        }
        all(&mut self.groups, &later.groups);
        all(&mut self.sites, &later.sites);
        all(&mut self.regions, &later.regions);
        for (a, b) in self.region_meets.iter_mut().zip(&later.region_meets) {
            a.merge(b);
        }
        all(&mut self.day_total, &later.day_total);
        all(&mut self.day_queues, &later.day_queues);
        all(&mut self.day_groups, &later.day_groups);
        all(&mut self.cells, &later.cells);
        all(&mut self.group_cells, &later.group_cells);
        all(&mut self.served, &later.served);
        if let (Some((ta, aa)), Some((tb, ab))) = (&mut self.policy, &later.policy) {
            all(std::slice::from_mut(ta), std::slice::from_ref(tb));
            all(std::slice::from_mut(aa), std::slice::from_ref(ab));
        }
    }

    /// The final statistics.
    pub fn finish(self) -> RunResult {
        fn sl_histogram(sl: &[f64]) -> [u32; 100] {
            let mut bins = [0u32; 100];
            for x in sl.iter().filter(|x| x.is_finite()) {
                bins[((x * 100.0).floor().max(0.0) as usize).min(99)] += 1;
            }
            bins
        }
        let risk = |meets: &Welford, sl: &[f64]| Risk {
            p_meet_target: meets.share_estimate().clipped(0.0, 1.0),
            sl_p5: quantile(sl, 0.05),
            sl_p50: quantile(sl, 0.5),
            sl_p95: quantile(sl, 0.95),
            sl_histogram: sl_histogram(sl),
        };
        let nq = self.queue_ids.len();
        let ng = self.group_ids.len();
        let with_meets = |w: &[Welford; queue::N], meets: &Welford| {
            let mut v = estimates(w);
            v[MEETS] = meets.share_estimate().clipped(0.0, 1.0);
            v
        };
        let served = (0..ng)
            .flat_map(|g| (0..nq).map(move |q| (g, q)))
            .map(|(g, q)| ServedResult { group: g, queue: q, kpis: estimates(&self.served[g * nq + q]) })
            .filter(|s| s.kpis.iter().any(|e| e.mean > 0.0))
            .collect();
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
                .map(|g| GroupResult { id: self.group_ids[g].clone(), kpis: estimates(&self.groups[g]) })
                .collect(),
            sites: self
                .site_ids
                .iter()
                .zip(&self.sites)
                .map(|(id, w)| GroupResult { id: id.clone(), kpis: estimates(w) })
                .collect(),
            regions: self
                .region_ids
                .iter()
                .zip(&self.regions)
                .zip(&self.region_meets)
                .map(|((id, w), meets)| RegionResult { id: id.clone(), kpis: with_meets(w, meets) })
                .collect(),
            per_day: (0..self.days)
                .map(|d| DayResult {
                    day: d,
                    date: self.names.dates[d].clone(),
                    weekday: self.names.weekdays[d].clone(),
                    closed: self.names.closed[d],
                    total: estimates(&self.day_total[d]),
                    queues: (0..nq).map(|q| estimates(&self.day_queues[d * nq + q])).collect(),
                    groups: (0..ng).map(|g| estimates(&self.day_groups[d * ng + g])).collect(),
                })
                .collect(),
            served,
            intervals: self.interval_rows(nq, &self.cells),
            group_intervals: self.interval_rows(ng, &self.group_cells),
            policy: self.policy.as_ref().map(|(table, actions)| PolicyResult {
                values: estimates(table),
                actions: ACTION_NAMES
                    .iter()
                    .zip(actions)
                    .map(|(n, w)| (*n, w.estimate().clipped(0.0, f64::INFINITY)))
                    .collect(),
            }),
            execution: Default::default(),
        }
    }

    /// Per-interval rows of `n` scopes (queues or groups) from their accumulators, interval-major,
    /// warm-up intervals left out.
    fn interval_rows<S: Table, const K: usize>(&self, n: usize, cells: &[[Welford; K]]) -> Vec<IntervalResult<S>> {
        (0..self.days * self.n_day)
            .filter(|&i| self.counted(i))
            .flat_map(|i| (0..n).map(move |k| (i, k)))
            .map(|(i, k)| IntervalResult {
                index: k,
                interval: i,
                day: i / self.n_day,
                date: self.names.dates[i / self.n_day].clone(),
                start: self.labels[i].clone(),
                kpis: estimates(&cells[i * n + k]),
            })
            .collect()
    }
}

/// Estimates of a scope's accumulators, each interval clipped to [0, the KPI's maximum].
/// Each KPI's estimate from its accumulator: a share of days from its exact count of days
/// ([`Welford::share_estimate`]), every other KPI as a mean with its t interval.
fn estimates<S: Table>(acc: &[Welford]) -> Values<S, Estimate> {
    acc.iter()
        .zip(S::DEFS)
        .map(|(w, d)| match d.kind {
            super::table::Kind::DayShare => w.share_estimate().clipped(0.0, d.max),
            super::table::Kind::Mean => w.estimate().clipped(0.0, d.max),
        })
        .collect()
}

fn push_all<const N: usize>(acc: &mut [Welford; N], values: &[f64; N]) {
    for (w, v) in acc.iter_mut().zip(values) {
        w.push(*v);
    }
}
