//! Analytic staffing plans: for every queue and interval of a scenario's forecast, the offered
//! load, the agents an Erlang model requires to meet the queue's targets, the KPIs at that
//! staffing, and the agents to put on duty and to schedule once absenteeism and shrinkage are
//! counted. Also turns a plan into staffing curves per group, which `ccsim run --staffing`
//! simulates.
//!
//! Uses the [`crate::analytic`] models on the scenario's means: handle time = (mean talk + mean
//! wrap-up) ÷ the planning group's speed, patience = its mean. Each queue is planned on one
//! group, chosen by [`planning_group`]. Knows nothing of the engine or the terminal.
//!
//! Headcounts, per interval (`r` = required agents, `a` = the planning group's absenteeism,
//! `s` = shrinkage):
//! - **required** `r`: agents present and available that the model needs;
//! - **on duty** `⌈r ÷ (1 − a)⌉`: agents to put on the staffing curve, since the simulator (and
//!   life) draws absences from them: the curves [`curves`] returns;
//! - **scheduled** `⌈r ÷ ((1 − s)·(1 − a))⌉`: paid agents, once shrinkage (breaks, meetings,
//!   training; absence is counted by `a`, so leave it out of `s`) is counted too.

use crate::analytic::{self, ErlangXParams, QueueingModel, StaffingTargets, Traffic};
use crate::dist::Dist;
use crate::scenario::{Scenario, SlDefinition};
use std::collections::BTreeMap;

/// Which Erlang model to size with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelChoice {
    /// Per queue: Erlang X for queues with retrials or `lines`, else Erlang A for queues with a
    /// patience distribution, else Erlang C.
    Auto,
    /// Erlang C: infinite patience.
    ErlangC,
    /// Erlang A: exponential patience with the queue's mean patience.
    ErlangA,
    /// Erlang X: Erlang A plus the queue's retrial share as redials and its `lines` (blocking).
    ErlangX,
}

impl ModelChoice {
    /// The name shown in reports.
    pub fn name(self) -> &'static str {
        match self {
            ModelChoice::Auto => "auto",
            ModelChoice::ErlangC => "erlang-c",
            ModelChoice::ErlangA => "erlang-a",
            ModelChoice::ErlangX => "erlang-x",
        }
    }
}

/// One row of a plan: a queue in an interval.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    /// Queue index.
    pub queue: usize,
    /// Global interval index.
    pub interval: usize,
    /// Interval start label ("08:15", or "d2 08:15").
    pub start: String,
    /// Queueing model used for this queue ("erlang-c", "erlang-a", "erlang-x").
    pub model: &'static str,
    /// Index of the group the queue is planned on ([`planning_group`]); `None` when no group
    /// serves the queue.
    pub group: Option<usize>,
    /// Expected calls in the interval.
    pub calls: f64,
    /// Offered load of first attempts, Erlangs (arrival rate × AHT; Erlang X adds redials).
    pub offered_load: f64,
    /// Smallest number of agents (present and available) meeting every target.
    pub required_agents: u32,
    /// Continuous requirement, agents, for aggregating across queues.
    pub fractional_agents: f64,
    /// Absenteeism of the planning group, share in [0, 1) (0 without a group).
    pub absenteeism: f64,
    /// Agents to schedule: ⌈required ÷ ((1 − shrinkage)·(1 − absenteeism))⌉.
    pub scheduled_agents: u32,
    /// False when no staffing meets the targets (e.g. an SL target of 1 with patience).
    pub feasible: bool,
    /// SL at the required staffing (answered within T ÷ all arrivals), share.
    pub service_level: f64,
    /// ASA at the required staffing, seconds.
    pub asa_seconds: f64,
    /// Abandon rate at the required staffing, share of arrivals.
    pub abandon_rate: f64,
    /// Share of arrivals blocked because all `lines` are busy (Erlang X with `lines`; else 0).
    pub blocked_rate: f64,
    /// Occupancy at the required staffing, share.
    pub occupancy: f64,
}

/// The plan of one agent group: the requirement of the queues planned on it, per interval.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupPlan {
    /// Group id.
    pub id: String,
    /// Indices of the queues planned on this group ([`planning_group`]).
    pub queues: Vec<usize>,
    /// The group's absenteeism, share in [0, 1).
    pub absenteeism: f64,
    /// Agents present needed per global interval: a single queue's requirement, or for several
    /// queues `⌈Σ fractional requirements⌉` (at least the largest single requirement).
    pub required: Vec<u32>,
    /// Agents to put on duty per interval: `⌈required ÷ (1 − absenteeism)⌉`.
    pub on_duty: Vec<u32>,
    /// Paid agents per interval: `⌈required ÷ ((1 − shrinkage)·(1 − absenteeism))⌉`.
    pub scheduled: Vec<u32>,
}

/// A plan for a whole scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Scenario name.
    pub scenario: String,
    /// The model asked for.
    pub model: ModelChoice,
    /// Shrinkage applied to get scheduled agents, in [0, 1).
    pub shrinkage: f64,
    /// Queue ids.
    pub queue_ids: Vec<String>,
    /// Notes for the reader: approximations made (non-exponential distributions, ...).
    pub notes: Vec<String>,
    /// Rows, interval-major then queue.
    pub rows: Vec<PlanRow>,
    /// One per scenario group, in file order.
    pub groups: Vec<GroupPlan>,
}

/// `⌈x ÷ keep⌉` for headcounts (`keep` in (0, 1]).
fn gross(x: u32, keep: f64) -> u32 {
    (f64::from(x) / keep - 1e-9).ceil().max(0.0) as u32
}

/// Cost of an hour of work at speed 1 from group `g`: `cost_per_hour ÷ speed`.
fn work_cost(scenario: &Scenario, g: usize) -> f64 {
    let grp = &scenario.groups[g];
    grp.cost_per_hour / grp.speed
}

/// The group a queue's requirement is planned on, the rule a planner would use: among the
/// groups with the queue as a skill (if none, its overflow groups), **specialists first**
/// (fewest skills), then **cheapest** (`cost_per_hour ÷ speed`, the cost of an hour of work),
/// then file order. The whole requirement goes to that group: analytic staffing has no cap on
/// a group's size, so blended groups are planned only for queues no specialist serves (their
/// flexibility is what `ccsim optimize` prices by simulation).
pub fn planning_group(scenario: &Scenario, queue: usize) -> Option<usize> {
    let best = |it: &mut dyn Iterator<Item = usize>| {
        it.min_by(|&a, &b| {
            let key = |g: usize| scenario.groups[g].skills.len();
            key(a).cmp(&key(b)).then(work_cost(scenario, a).total_cmp(&work_cost(scenario, b))).then(a.cmp(&b))
        })
    };
    let skilled =
        &mut (0..scenario.groups.len()).filter(|&g| scenario.groups[g].skills.iter().any(|s| s.queue == queue));
    best(skilled).or_else(|| {
        let overflow = scenario.queues[queue].overflow.as_ref().map_or(&[][..], |o| o.groups.as_slice());
        best(&mut overflow.iter().copied())
    })
}

/// The model of each queue under `choice`.
fn queue_model(q: &crate::scenario::Queue, choice: ModelChoice) -> (QueueingModel, &'static str) {
    let patience = q.patience.as_ref().map(|p| p.mean());
    let retrial = q.retrial.as_ref().map_or(0.0, |r| r.probability);
    let x = || {
        let params = ErlangXParams {
            mean_patience_s: patience.unwrap_or(f64::INFINITY),
            lines: q.lines,
            redial_probability: retrial,
        };
        (QueueingModel::ErlangX(params), "erlang-x")
    };
    let a = || (QueueingModel::ErlangA { mean_patience_s: patience.unwrap_or(f64::INFINITY) }, "erlang-a");
    match choice {
        ModelChoice::ErlangC => (QueueingModel::ErlangC, "erlang-c"),
        ModelChoice::ErlangA => a(),
        ModelChoice::ErlangX => x(),
        ModelChoice::Auto if retrial > 0.0 || q.lines.is_some() => x(),
        ModelChoice::Auto if patience.is_some() => a(),
        ModelChoice::Auto => (QueueingModel::ErlangC, "erlang-c"),
    }
}

/// Computes the analytic plan of `scenario` with `model` and `shrinkage` (in [0, 1)).
pub fn plan(scenario: &Scenario, model: ModelChoice, shrinkage: f64) -> Plan {
    let h = &scenario.horizon;
    let mut notes = Vec::new();
    let models: Vec<(QueueingModel, &'static str)> = scenario.queues.iter().map(|q| queue_model(q, model)).collect();
    let planned_on: Vec<Option<usize>> = (0..scenario.queues.len()).map(|q| planning_group(scenario, q)).collect();
    for (qi, q) in scenario.queues.iter().enumerate() {
        let mut approx = Vec::new();
        if q.handle_time.cv() != 1.0 || q.wrap_up.is_some() {
            approx.push("handle time (talk + wrap-up) taken as exponential with its mean".to_string());
        }
        if models[qi].1 != "erlang-c" && q.patience.as_ref().is_some_and(|p| p.cv() != 1.0) {
            approx.push("patience taken as exponential with its mean".into());
        }
        if models[qi].1 == "erlang-c" && q.patience.is_some() {
            // Erlang C has no abandonment at all: say so rather than call patience exponential
            approx.push("patience ignored by erlang-c (nobody abandons; erlang-a counts abandons)".into());
        }
        if models[qi].1 != "erlang-x" && q.retrial.is_some() {
            approx.push(format!("retrials ignored by {} (erlang-x counts them)", models[qi].1));
        }
        if models[qi].1 != "erlang-x" && q.lines.is_some() {
            approx.push(format!("`lines` ignored by {} (erlang-x blocks at them)", models[qi].1));
        }
        if q.lines.is_some() {
            approx.push("the simulator does not block calls at `lines` yet (only Erlang X does)".into());
        }
        if q.service_level.definition != SlDefinition::Offered {
            approx.push("SL computed over all arrivals (definition `offered`), which is stricter".into());
        }
        if q.busyness.day_cv > 0.0 || q.busyness.interval_cv > 0.0 {
            approx.push("busyness (forecast error) ignored: the mean volume is used".into());
        }
        if let Some(g) = planned_on[qi]
            && scenario.groups[g].speed != 1.0
        {
            approx.push(format!(
                "handle time divided by the speed {} of `{}`",
                scenario.groups[g].speed, scenario.groups[g].id
            ));
        }
        if !approx.is_empty() {
            notes.push(format!("{}: {}", q.id, approx.join("; ")));
        }
    }
    let mut rows = Vec::new();
    for i in 0..h.total_intervals() {
        for (qi, q) in scenario.queues.iter().enumerate() {
            let group = planned_on[qi];
            let speed = group.map_or(1.0, |g| scenario.groups[g].speed);
            let aht = (q.handle_time.mean() + q.wrap_up.as_ref().map_or(0.0, |w| w.mean())) / speed;
            let calls = q.volumes[i];
            let traffic = Traffic::from_volume(calls, h.interval_s, aht);
            let targets = StaffingTargets {
                service_level: Some((q.service_level.threshold_s, q.service_level.target)),
                max_asa_s: q.max_asa_s,
                max_abandon_rate: q.max_abandon_rate,
                max_occupancy: None,
            };
            let (m, name) = models[qi];
            let r = analytic::required_agents(m, traffic, &targets);
            let absenteeism = group.map_or(0.0, |g| scenario.groups[g].absenteeism);
            rows.push(PlanRow {
                queue: qi,
                interval: i,
                start: h.interval_label(i),
                model: name,
                group,
                calls,
                offered_load: traffic.load_erlangs(),
                required_agents: r.agents,
                fractional_agents: r.fractional_agents,
                absenteeism,
                scheduled_agents: gross(r.agents, (1.0 - shrinkage) * (1.0 - absenteeism)),
                feasible: r.feasible,
                service_level: r.kpis.service_level,
                asa_seconds: r.kpis.asa_s,
                abandon_rate: r.kpis.p_abandon,
                blocked_rate: r.kpis.p_blocked,
                occupancy: r.kpis.occupancy,
            });
        }
    }
    let n = h.total_intervals();
    let groups: Vec<GroupPlan> = scenario
        .groups
        .iter()
        .enumerate()
        .map(|(g, grp)| {
            let queues: Vec<usize> = (0..scenario.queues.len()).filter(|&q| planned_on[q] == Some(g)).collect();
            let required: Vec<u32> = (0..n)
                .map(|i| {
                    let mine = rows.iter().filter(|r| r.interval == i && r.group == Some(g));
                    let (sum, max, k) = mine.fold((0.0, 0u32, 0), |(s, m, k), r| {
                        (s + r.fractional_agents, m.max(r.required_agents), k + 1)
                    });
                    if k <= 1 { max } else { ((sum - 1e-9).ceil().max(0.0) as u32).max(max) }
                })
                .collect();
            let keep = 1.0 - grp.absenteeism;
            GroupPlan {
                id: grp.id.clone(),
                queues,
                absenteeism: grp.absenteeism,
                on_duty: required.iter().map(|&r| gross(r, keep)).collect(),
                scheduled: required.iter().map(|&r| gross(r, (1.0 - shrinkage) * keep)).collect(),
                required,
            }
        })
        .collect();
    for (g, gp) in groups.iter().enumerate() {
        let skills = &scenario.groups[g].skills;
        if gp.queues.is_empty() && !skills.is_empty() {
            notes.push(format!(
                "{}: no requirement planned on it: its queues go to more specialised or cheaper groups \
                 (rule: fewest skills, then lowest cost per hour ÷ speed)",
                gp.id
            ));
        }
        let (req, duty): (u32, u32) = (gp.required.iter().sum(), gp.on_duty.iter().sum());
        if gp.absenteeism > 0.0 && req > 0 {
            notes.push(format!(
                "{}: absenteeism {:.1}% counted: on duty = ⌈required ÷ (1 − {:.3})⌉, {duty} agent-intervals for {req} required (+{})",
                gp.id,
                gp.absenteeism * 100.0,
                gp.absenteeism,
                duty - req
            ));
        }
    }
    Plan {
        scenario: scenario.name.clone(),
        model,
        shrinkage,
        queue_ids: scenario.queues.iter().map(|q| q.id.clone()).collect(),
        notes,
        rows,
        groups,
    }
}

/// Staffing curves per group to put on duty, for `ccsim run --staffing`: each group's
/// [`GroupPlan::on_duty`], i.e. the requirement of the queues planned on it
/// ([`planning_group`]) grossed up for its absenteeism. Groups with no queue planned on them
/// get zeros.
pub fn curves(scenario: &Scenario, plan: &Plan) -> BTreeMap<String, Vec<u32>> {
    scenario.groups.iter().zip(&plan.groups).map(|(g, p)| (g.id.clone(), p.on_duty.clone())).collect()
}

/// Staffing curves of the agents present that the plan requires ([`GroupPlan::required`]):
/// what `--verify` simulates with absenteeism off, to compare like with like.
pub fn required_curves(scenario: &Scenario, plan: &Plan) -> BTreeMap<String, Vec<u32>> {
    scenario.groups.iter().zip(&plan.groups).map(|(g, p)| (g.id.clone(), p.required.clone())).collect()
}

/// `scenario` reduced to what the plan's models assume, for `--verify`: exponential handle
/// times with the mean talk + wrap-up, exponential patience with its mean (none for Erlang C),
/// the mean volume (no busyness), retrials only for Erlang X, SL over all arrivals, no
/// absenteeism. What remains between this simulation and the formula is the day's dynamics:
/// the empty start and the load changing from one interval to the next.
pub fn model_assumptions(scenario: &Scenario, plan: &Plan) -> Scenario {
    let mut s = scenario.clone();
    for (qi, q) in s.queues.iter_mut().enumerate() {
        let model = plan.rows.iter().find(|r| r.queue == qi).map_or("erlang-c", |r| r.model);
        let aht = q.handle_time.mean() + q.wrap_up.as_ref().map_or(0.0, |w| w.mean());
        q.handle_time = Dist::Exponential { mean: aht };
        q.wrap_up = None;
        q.patience =
            if model == "erlang-c" { None } else { q.patience.as_ref().map(|p| Dist::Exponential { mean: p.mean() }) };
        if model != "erlang-x" || q.patience.is_none() {
            q.retrial = None;
        }
        q.busyness = Default::default();
        q.service_level.definition = SlDefinition::Offered;
    }
    for g in &mut s.groups {
        g.absenteeism = 0.0;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;
    use std::path::Path;

    /// The published check: 100 calls per 30 minutes, AHT 180 s, 80/20 → 14 agents.
    #[test]
    fn published_erlang_c_example() {
        let yaml = r#"
name: p
horizon: { start: "08:00", end: "09:00", interval: 30m }
queues:
  - id: q
    arrivals: { per_interval: [100, 50] }
    handle_time: { dist: exponential, mean: 180s }
agents:
  - group: g
    skills: [q]
    count: 1
"#;
        let s = parse_str(yaml, Path::new("p.yaml")).unwrap();
        let p = plan(&s, ModelChoice::Auto, 0.3);
        assert_eq!(p.rows[0].required_agents, 14);
        assert!((p.rows[0].service_level - 0.888).abs() < 0.001);
        assert!((p.rows[0].offered_load - 10.0).abs() < 1e-12);
        assert_eq!(p.rows[0].scheduled_agents, 20); // 14 / 0.7
        assert!(p.notes.is_empty());
        assert_eq!(curves(&s, &p)["g"], vec![14, p.rows[1].required_agents]);
    }

    /// Specialists first, then the cheapest hour of work (cost ÷ speed), then file order.
    #[test]
    fn planning_group_prefers_specialists_then_cost_per_hour_of_work() {
        let yaml = r#"
name: p
horizon: { start: "08:00", end: "09:00", interval: 30m }
queues:
  - { id: a, arrivals: { per_interval: [10, 10] }, handle_time: { dist: exponential, mean: 180s } }
  - { id: b, arrivals: { per_interval: [10, 10] }, handle_time: { dist: exponential, mean: 180s } }
agents:
  - { group: blended, skills: [a, b], count: 1, cost_per_hour: 10 }
  - { group: dear, skills: [a], count: 1, cost_per_hour: 30 }
  - { group: fast, skills: [a], count: 1, cost_per_hour: 33, speed: 1.5 }
  - { group: b_only_dear, skills: [b], count: 1, cost_per_hour: 50 }
"#;
        let s = parse_str(yaml, Path::new("p.yaml")).unwrap();
        // 33 ÷ 1.5 = 22 per hour of work < 30
        assert_eq!(planning_group(&s, 0), Some(2));
        // a specialist beats a cheaper blended group
        assert_eq!(planning_group(&s, 1), Some(3));
        let p = plan(&s, ModelChoice::Auto, 0.0);
        let c = curves(&s, &p);
        assert_eq!(c["blended"], vec![0, 0]);
        assert_eq!(c["dear"], vec![0, 0]);
        assert!(c["fast"][0] > 0 && c["b_only_dear"][0] > 0);
        assert!(p.notes.iter().any(|n| n.contains("handle time divided by the speed 1.5 of `fast`")), "{:?}", p.notes);
    }
}
