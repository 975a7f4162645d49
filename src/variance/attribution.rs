//! The statistics of a variance: per scope (an interval, a day or the whole comparison, of one
//! queue, over the intervals with actuals only), the plan's KPIs over replications, the paired
//! differences of each substituted simulation to the plan, and the interaction; then the
//! result types and the planner's headline per day and queue. Replications are pushed in
//! order, so the result is the same for any thread count.

use super::actuals::Actuals;
use super::{Cause, planned_aht_s, planned_staffing};
use crate::compare::ROUNDING;
use crate::facts::{QueueFacts, ReplicationFacts, abandon_rate, asa_s, ratio};
use crate::scenario::Scenario;
use crate::stats::{Estimate, Welford};
use serde::Serialize;

/// The simulated KPIs kept per scope, in this order; the last three are attributed.
const SIM_KPIS: [(&str, &str); 6] = [
    ("offered", "calls"),
    ("handled", "calls"),
    ("abandoned", "calls"),
    ("service_level", "share 0–1"),
    ("asa_seconds", "s"),
    ("abandon_rate", "share 0–1"),
];

/// Index in [`SIM_KPIS`] of the first attributed KPI (service level).
const FIRST_ATTRIBUTED: usize = 3;

/// Number of attributed KPIs (service level, ASA, abandon rate).
const N_ATTR: usize = SIM_KPIS.len() - FIRST_ATTRIBUTED;

/// Roles of the simulated scenarios, as indices into the accumulator's `index`.
const PLAN: usize = 0;
const ALL: usize = 4;

/// What a scope covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Horizon,
    Day(usize),
    Interval(usize),
}

/// One scope's accumulators.
#[derive(Debug, Clone)]
struct Scope {
    kind: Kind,
    queue: usize,
    /// Indices into the actuals' queue rows (cells) it sums.
    cells: Vec<usize>,
    plan: [Welford; SIM_KPIS.len()],
    all: [Welford; N_ATTR],
    /// volume, handle time, staffing, all − plan, interaction.
    diffs: [[Welford; N_ATTR]; 5],
}

/// Accumulates the replications of the simulated scenarios of a variance.
pub(super) struct Accumulator<'a> {
    plan: &'a Scenario,
    actuals: &'a Actuals,
    /// Per day, per role (plan, volume, handle time, staffing, all), the model index in the facts.
    index: Vec<[usize; 5]>,
    scopes: Vec<Scope>,
    /// Per role, the facts of each actuals cell in this replication (reused).
    cell_facts: Vec<Vec<QueueFacts>>,
    replications: u32,
}

/// The KPIs of [`SIM_KPIS`] from summed facts under the queue's SL definition.
fn kpis(f: &QueueFacts, def: crate::scenario::SlDefinition) -> [f64; SIM_KPIS.len()] {
    let (num, den) = f.sl_parts(def);
    [f.offered, f.handled, f.abandoned, ratio(num, den), asa_s(f), abandon_rate(f)]
}

/// `a − b`, exactly 0 within floating-point rounding of their magnitude (see [`ROUNDING`]).
fn diff(a: f64, b: f64) -> f64 {
    let d = a - b;
    if d.abs() <= ROUNDING * a.abs().max(b.abs()) { 0.0 } else { d }
}

impl<'a> Accumulator<'a> {
    /// Empty statistics for comparing `plan` with `actuals`; `index[d]` maps the five roles on
    /// day `d` to the models simulated.
    pub(super) fn new(plan: &'a Scenario, actuals: &'a Actuals, index: Vec<[usize; 5]>) -> Accumulator<'a> {
        let n = plan.horizon.intervals_per_day();
        let empty = |kind, queue, cells| Scope {
            kind,
            queue,
            cells,
            plan: Default::default(),
            all: Default::default(),
            diffs: Default::default(),
        };
        let mut scopes = Vec::new();
        for q in 0..plan.queues.len() {
            let cells: Vec<usize> = (0..actuals.queues.len()).filter(|&k| actuals.queues[k].queue == q).collect();
            if cells.is_empty() {
                continue;
            }
            scopes.push(empty(Kind::Horizon, q, cells.clone()));
            let mut days: Vec<usize> = cells.iter().map(|&k| actuals.queues[k].interval / n).collect();
            days.dedup();
            for d in days {
                let in_day = cells.iter().copied().filter(|&k| actuals.queues[k].interval / n == d).collect();
                scopes.push(empty(Kind::Day(d), q, in_day));
            }
        }
        for (k, r) in actuals.queues.iter().enumerate() {
            scopes.push(empty(Kind::Interval(r.interval), r.queue, vec![k]));
        }
        Accumulator { plan, actuals, index, scopes, cell_facts: Vec::new(), replications: 0 }
    }

    /// Adds one replication: the facts of every simulated model.
    pub(super) fn push(&mut self, facts: &[ReplicationFacts]) {
        self.replications += 1;
        let n = self.plan.horizon.intervals_per_day();
        // per role, each cell's facts from the model that plays the role on the cell's day
        self.cell_facts.resize(5, Vec::new());
        for (role, cells) in self.cell_facts.iter_mut().enumerate() {
            cells.clear();
            cells.extend(
                self.actuals.queues.iter().map(|r| *facts[self.index[r.interval / n][role]].queue(r.interval, r.queue)),
            );
        }
        for s in &mut self.scopes {
            let def = self.plan.queues[s.queue].service_level.definition;
            let values: [[f64; SIM_KPIS.len()]; 5] = std::array::from_fn(|role| {
                let mut sum = QueueFacts::default();
                for &k in &s.cells {
                    sum.add(&self.cell_facts[role][k]);
                }
                kpis(&sum, def)
            });
            for (acc, v) in s.plan.iter_mut().zip(values[PLAN]) {
                acc.push(v);
            }
            for k in 0..N_ATTR {
                let j = FIRST_ATTRIBUTED + k;
                let p = values[PLAN][j];
                s.all[k].push(values[ALL][j]);
                let singles: [f64; 3] = [1, 2, 3].map(|r| diff(values[r][j], p));
                let total = diff(values[ALL][j], p);
                for (r, d) in singles.iter().enumerate() {
                    s.diffs[r][k].push(*d);
                }
                s.diffs[3][k].push(total);
                // interaction: all − plan − Σ singles, rounding residues made 0 as for a difference
                let scale = values.iter().map(|v| v[j].abs()).fold(0.0, f64::max);
                let inter = total - singles.iter().sum::<f64>();
                s.diffs[4][k].push(if inter.abs() <= ROUNDING * scale { 0.0 } else { inter });
            }
        }
    }
}

/// A 0-based day written as people count it, from 1.
fn one_based<S: serde::Serializer>(day: &usize, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(*day as u64 + 1)
}

/// An optional 0-based day written from 1 (`null` when absent).
fn one_based_opt<S: serde::Serializer>(day: &Option<usize>, s: S) -> Result<S::Ok, S::Error> {
    match day {
        Some(d) => s.serialize_u64(*d as u64 + 1),
        None => s.serialize_none(),
    }
}

/// How much an actual input differs from the plan's over a scope, as a fraction (0.12 = +12 %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InputChange {
    /// Actual offered ÷ planned expected calls − 1; `None` when the plan expects no calls.
    pub volume: Option<f64>,
    /// Actual AHT (weighted by handled calls) ÷ planned AHT − 1; `None` without handled calls.
    pub handle_time: Option<f64>,
    /// Agents staffed in the groups with a skill for the queue ÷ planned − 1, over the scope's
    /// intervals (planned where no actual staffing is given); `None` when none are planned.
    pub staffing: Option<f64>,
}

/// One KPI of a scope: actual against planned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiRow {
    /// KPI name (`offered`, `service_level`, `aht_seconds`, ...).
    pub kpi: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// The actual value; `None` when the actuals do not give it (ASA without `asa_s`).
    pub actual: Option<f64>,
    /// The plan simulated: mean over replications with its 95 % CI. AHT is the plan's input
    /// (its CI has width 0).
    pub planned: Estimate,
}

/// The attribution of one KPI's deviation actual − planned over a scope. Differences are in
/// the KPI's unit (a share 0–1 for SL and abandon rate, seconds for ASA), each the mean over
/// replications of a paired difference with its 95 % CI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    /// KPI name (`service_level`, `asa_seconds`, `abandon_rate`).
    pub kpi: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// The actual value; `None` when the actuals do not give it.
    pub actual: Option<f64>,
    /// The plan simulated.
    pub planned: Estimate,
    /// Plan with actual volume − plan.
    pub volume: Estimate,
    /// Plan with actual AHT − plan.
    pub handle_time: Estimate,
    /// Plan with actual staffing − plan.
    pub staffing: Estimate,
    /// All substituted − plan − the three above.
    pub interaction: Estimate,
    /// The plan with every actual input substituted.
    pub all_substituted: Estimate,
    /// Actual − all substituted: what re-simulation does not explain (other causes and
    /// randomness); its CI is that of the all-substituted mean. `None` without an actual.
    pub other: Option<Estimate>,
}

/// Actual against planned over one scope: a queue over all its intervals with actuals
/// (`scope = "all"`), over one day's, or in one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeResult {
    /// `all`, `day` or `interval`.
    pub scope: &'static str,
    /// The queue.
    pub queue: String,
    /// Day index (0-based) for day and interval scopes; JSON counts from 1, as every output.
    #[serde(serialize_with = "one_based_opt")]
    pub day: Option<usize>,
    /// How people name it: `"all"`, `"Tue 2026-12-08"`, `"Tue 2026-12-08 09:30"` (`"09:30"`
    /// on a one-day plan).
    pub label: String,
    /// Intervals with actuals it covers.
    pub intervals: usize,
    /// SL target share, 0–1.
    pub sl_target: f64,
    /// SL threshold, seconds.
    pub sl_threshold_s: f64,
    /// How the actual inputs differ from the plan's.
    pub inputs: InputChange,
    /// Every KPI the actuals give, actual against planned.
    pub kpis: Vec<KpiRow>,
    /// SL, ASA and abandon rate deviations and their causes.
    pub attribution: Vec<Attribution>,
    /// The planner's sentence (day scopes with an SL).
    pub headline: Option<String>,
}

/// Staffing of one group, actual against planned: per interval (agents on average) or per day
/// (agent-hours), over the intervals with actual staffing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffRow {
    /// `interval` or `day`.
    pub scope: &'static str,
    /// The group.
    pub group: String,
    /// Day index, 0-based; JSON counts from 1, as every output.
    #[serde(serialize_with = "one_based")]
    pub day: usize,
    /// How people name it (as [`ScopeResult::label`]).
    pub label: String,
    /// `agents` (interval) or `agent-hours` (day).
    pub unit: &'static str,
    /// Actual staffing.
    pub actual: f64,
    /// Planned staffing, net of breaks and expected absence.
    pub planned: f64,
}

/// The variance of a plan against actuals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variance {
    /// The plan's (scenario's) name.
    pub plan: String,
    /// The actuals file.
    pub actuals: String,
    /// Replications simulated per scenario.
    pub replications: u32,
    /// Base seed (the same for every substituted scenario: common random numbers).
    pub seed: u64,
    /// The causes whose actual input differs from the plan and was substituted.
    pub substituted: Vec<&'static str>,
    /// One planner's sentence per day and queue, in day order.
    pub headlines: Vec<String>,
    /// Per queue, over all its intervals with actuals.
    pub queues: Vec<ScopeResult>,
    /// Per day and queue.
    pub days: Vec<ScopeResult>,
    /// Per interval and queue.
    pub intervals: Vec<ScopeResult>,
    /// Per interval and day and group with actual staffing.
    pub staffing: Vec<StaffRow>,
}

/// Sums of a scope's actual rows.
#[derive(Default)]
struct Sums {
    offered: f64,
    handled: f64,
    abandoned: f64,
    within: f64,
    sl_den: Option<f64>,
    aht_num: f64,
    aht_den: f64,
    asa_num: f64,
    asa_ok: bool,
    planned_volume: f64,
}

impl Accumulator<'_> {
    fn sums(&self, s: &Scope) -> Sums {
        let def = self.plan.queues[s.queue].service_level.definition;
        let mut t = Sums { sl_den: Some(0.0), asa_ok: true, ..Sums::default() };
        for &k in &s.cells {
            let r = &self.actuals.queues[k];
            t.offered += r.offered;
            t.handled += r.handled;
            t.abandoned += r.abandoned;
            t.within += r.answered_within;
            t.sl_den = t.sl_den.zip(r.sl_parts(def)).map(|(a, (_, d))| a + d);
            if let Some(a) = r.aht_s {
                t.aht_num += a * r.handled;
                t.aht_den += r.handled;
            }
            match r.asa_s {
                Some(a) => t.asa_num += a * r.handled,
                None if r.handled > 0.0 => t.asa_ok = false,
                None => {}
            }
            t.planned_volume += self.plan.queues[r.queue].volumes[r.interval];
        }
        t
    }

    /// Agents staffed ÷ planned − 1 over the scope's intervals, in the groups with a skill for
    /// its queue; `actual[i × groups + g]` the actual staffing where given.
    fn staffing_change(&self, s: &Scope, curves: &[Vec<f64>], actual: &[Option<f64>]) -> Option<f64> {
        let ng = self.plan.groups.len();
        let groups: Vec<usize> =
            (0..ng).filter(|&g| self.plan.groups[g].skills.iter().any(|k| k.queue == s.queue)).collect();
        let (mut staffed, mut planned) = (0.0, 0.0);
        for &k in &s.cells {
            let i = self.actuals.queues[k].interval;
            for &g in &groups {
                let p = curves[g][i];
                planned += p;
                staffed += actual[i * ng + g].unwrap_or(p);
            }
        }
        (planned > 0.0).then(|| staffed / planned - 1.0)
    }

    /// The result, `changed` the causes substituted.
    pub(super) fn finish(self, changed: &[Cause]) -> Variance {
        let h = &self.plan.horizon;
        let n = h.intervals_per_day();
        let ng = self.plan.groups.len();
        let curves: Vec<Vec<f64>> = (0..ng).map(|g| planned_staffing(self.plan, g)).collect();
        let mut actual = vec![None; h.total_intervals() * ng];
        for r in &self.actuals.groups {
            actual[r.interval * ng + r.group] = Some(r.staffed);
        }
        let (mut queues, mut days, mut intervals) = (Vec::new(), Vec::new(), Vec::new());
        for s in &self.scopes {
            let r = self.scope_result(s, &curves, &actual, changed);
            match s.kind {
                Kind::Horizon => queues.push(r),
                Kind::Day(_) => days.push(r),
                Kind::Interval(_) => intervals.push(r),
            }
        }
        days.sort_by_key(|r| (r.day, self.plan.queue_index(&r.queue)));
        let headlines = days.iter().filter_map(|r| r.headline.clone()).collect();
        let mut staffing = Vec::new();
        let hours = h.interval_s / 3600.0;
        let mut day_rows: Vec<StaffRow> = Vec::new();
        for r in &self.actuals.groups {
            let (d, planned) = (r.interval / n, curves[r.group][r.interval]);
            let group = self.plan.groups[r.group].id.clone();
            staffing.push(StaffRow {
                scope: "interval",
                group: group.clone(),
                day: d,
                label: h.interval_label(r.interval),
                unit: "agents",
                actual: r.staffed,
                planned,
            });
            match day_rows.iter_mut().find(|x| x.day == d && x.group == group) {
                Some(x) => {
                    x.actual += r.staffed * hours;
                    x.planned += planned * hours;
                }
                None => day_rows.push(StaffRow {
                    scope: "day",
                    group,
                    day: d,
                    label: h.day_label(d),
                    unit: "agent-hours",
                    actual: r.staffed * hours,
                    planned: planned * hours,
                }),
            }
        }
        day_rows.sort_by_key(|x| (x.day, self.plan.group_index(&x.group)));
        staffing.extend(day_rows);
        Variance {
            plan: self.plan.name.clone(),
            actuals: self.actuals.file.display().to_string(),
            replications: self.replications,
            seed: self.plan.simulation.seed,
            substituted: changed.iter().map(|c| c.name()).collect(),
            headlines,
            queues,
            days,
            intervals,
            staffing,
        }
    }

    fn scope_result(&self, s: &Scope, curves: &[Vec<f64>], actual: &[Option<f64>], changed: &[Cause]) -> ScopeResult {
        let h = &self.plan.horizon;
        let n = h.intervals_per_day();
        let q = &self.plan.queues[s.queue];
        let t = self.sums(s);
        let planned_aht = planned_aht_s(self.plan, s.queue);
        let actual_aht = (t.aht_den > 0.0).then(|| t.aht_num / t.aht_den);
        let inputs = InputChange {
            volume: (t.planned_volume > 0.0).then(|| t.offered / t.planned_volume - 1.0),
            handle_time: actual_aht.map(|a| a / planned_aht - 1.0),
            staffing: self.staffing_change(s, curves, actual),
        };
        let actual_sl = t.sl_den.filter(|d| *d > 0.0).map(|d| t.within / d);
        let actual_asa = (t.asa_ok && t.handled > 0.0).then(|| t.asa_num / t.handled);
        let actual_ar = (t.offered > 0.0).then(|| t.abandoned / t.offered);
        let actual = [Some(t.offered), Some(t.handled), Some(t.abandoned), actual_sl, actual_asa, actual_ar];
        let clip = |k: usize, e: Estimate| if SIM_KPIS[k].1.starts_with("share") { e.clipped(0.0, 1.0) } else { e };
        let mut kpis: Vec<KpiRow> = SIM_KPIS
            .iter()
            .enumerate()
            .map(|(k, (name, unit))| KpiRow {
                kpi: name,
                unit,
                actual: actual[k],
                planned: clip(k, s.plan[k].estimate()),
            })
            .collect();
        let exact = Estimate { mean: planned_aht, ci_low: planned_aht, ci_high: planned_aht, n: 0 };
        kpis.push(KpiRow { kpi: "aht_seconds", unit: "s", actual: actual_aht, planned: exact });
        let attribution: Vec<Attribution> = (0..N_ATTR)
            .map(|k| {
                let j = FIRST_ATTRIBUTED + k;
                let all = s.all[k].estimate();
                let other = actual[j].map(|a| Estimate {
                    mean: a - all.mean,
                    ci_low: a - all.ci_high,
                    ci_high: a - all.ci_low,
                    n: all.n,
                });
                Attribution {
                    kpi: SIM_KPIS[j].0,
                    unit: SIM_KPIS[j].1,
                    actual: actual[j],
                    planned: clip(j, s.plan[j].estimate()),
                    volume: s.diffs[0][k].estimate(),
                    handle_time: s.diffs[1][k].estimate(),
                    staffing: s.diffs[2][k].estimate(),
                    interaction: s.diffs[4][k].estimate(),
                    all_substituted: clip(j, all),
                    other,
                }
            })
            .collect();
        let (scope, day, label) = match s.kind {
            Kind::Horizon => ("all", None, "all".to_string()),
            Kind::Day(d) => ("day", Some(d), h.day_label(d)),
            Kind::Interval(i) => ("interval", Some(i / n), h.interval_label(i)),
        };
        let mut r = ScopeResult {
            scope,
            queue: q.id.clone(),
            day,
            label,
            intervals: s.cells.len(),
            sl_target: q.service_level.target,
            sl_threshold_s: q.service_level.threshold_s,
            inputs,
            kpis,
            attribution,
            headline: None,
        };
        if matches!(s.kind, Kind::Day(_)) {
            r.headline = headline(&r, changed);
        }
        r
    }
}

/// A percentage change as the headline shows it: `+12 %`, `as planned` when not substituted.
fn change(c: Option<f64>, substituted: bool) -> String {
    match c {
        Some(x) if substituted && (100.0 * x).abs() < 0.5 => "±0 %".to_string(),
        Some(x) if substituted => format!("{:+.0} %", 100.0 * x),
        _ => "as planned".to_string(),
    }
}

/// The planner's sentence of a day and queue: whether the SL met its target and by how much,
/// how far it is from the plan, and how many SL points each cause explains. "Explains x" is
/// in the direction of the gap to the plan (points lost when below it, gained when above);
/// the five parts add up to the gap. `None` without an actual SL.
pub fn headline(r: &ScopeResult, changed: &[Cause]) -> Option<String> {
    let a = r.attribution.iter().find(|a| a.kpi == "service_level")?;
    let actual = a.actual?;
    let pts = |x: f64| 100.0 * x;
    let target = format!("{:.0}/{:.0}", pts(r.sl_target), r.sl_threshold_s);
    let verdict = if actual >= r.sl_target {
        format!("met {target} (SL {:.1} %)", pts(actual))
    } else {
        format!("missed {target} by {:.1} points (SL {:.1} %)", pts(r.sl_target - actual), pts(actual))
    };
    let gap = actual - a.planned.mean;
    let sign = if gap < 0.0 { -1.0 } else { 1.0 };
    let side = if gap < 0.0 { "below" } else { "above" };
    // each part with its CI's half-width; one whose CI holds 0 says so, as a rerun may give the
    // other sign
    let part = |e: &Estimate| {
        let v = pts(e.mean) * sign;
        // "-0.0" reads as noise: a part that rounds to nothing is 0.0
        let v = if v.abs() < 0.05 { 0.0 } else { v };
        let half = pts(e.half_width());
        if v == 0.0 || !half.is_finite() || half < 0.05 {
            format!("{v:.1}")
        } else if e.ci_low <= 0.0 && 0.0 <= e.ci_high {
            format!("{v:.1} ±{half:.1} (not significant)")
        } else {
            format!("{v:.1} ±{half:.1}")
        }
    };
    let other = a.other.as_ref().map_or("0.0".to_string(), part);
    let sub = |c: Cause| changed.contains(&c);
    Some(format!(
        "{} {} {verdict}, {:.1} points {side} the plan's {:.1} %: volume {} explains {}, handle time {} explains {}, staffing {} explains {}, interaction {}, other/randomness {}.",
        r.label,
        r.queue,
        pts(gap.abs()),
        pts(a.planned.mean),
        change(r.inputs.volume, sub(Cause::Volume)),
        part(&a.volume),
        change(r.inputs.handle_time, sub(Cause::HandleTime)),
        part(&a.handle_time),
        change(r.inputs.staffing, sub(Cause::Staffing)),
        part(&a.staffing),
        part(&a.interaction),
        other,
    ))
}
