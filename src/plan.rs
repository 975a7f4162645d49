//! Analytic staffing plans: for every queue and interval of a scenario's forecast, the offered
//! load, the agents an Erlang model requires to meet the queue's targets, the KPIs at that
//! staffing, and the agents to schedule once shrinkage is counted. Also turns a plan into
//! staffing curves per group, which `ccsim run --staffing` simulates.
//!
//! Uses the [`crate::analytic`] models on the scenario's means: handle time = mean talk + mean
//! wrap-up, patience = its mean. Knows nothing of the engine or the terminal.

use crate::analytic::{self, ErlangXParams, Model, Targets, Traffic};
use crate::scenario::{Scenario, SlDefinition};
use std::collections::BTreeMap;

/// Which Erlang model to size with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelChoice {
    /// Erlang A for queues with a patience distribution, Erlang C otherwise.
    Auto,
    /// Erlang C: infinite patience.
    ErlangC,
    /// Erlang A: exponential patience with the queue's mean patience.
    ErlangA,
    /// Erlang X: Erlang A plus the queue's retrial share as redials (unlimited lines).
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
    /// Model used for this queue ("erlang-c", "erlang-a", "erlang-x").
    pub model: &'static str,
    /// Expected calls in the interval.
    pub calls: f64,
    /// Offered load, Erlangs (arrival rate × AHT).
    pub offered_load: f64,
    /// Smallest number of agents meeting every target.
    pub required_agents: u32,
    /// Continuous requirement, for aggregating across queues.
    pub fractional_agents: f64,
    /// Agents to schedule: ⌈required ÷ (1 − shrinkage)⌉.
    pub scheduled_agents: u32,
    /// False when no staffing meets the targets (e.g. an SL target of 1 with patience).
    pub feasible: bool,
    /// SL at the required staffing (answered within T ÷ all arrivals).
    pub service_level: f64,
    /// ASA at the required staffing, seconds.
    pub asa_seconds: f64,
    /// Abandon rate at the required staffing.
    pub abandon_rate: f64,
    /// Occupancy at the required staffing.
    pub occupancy: f64,
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
}

/// Computes the analytic plan of `scenario` with `model` and `shrinkage` (in [0, 1)).
pub fn plan(scenario: &Scenario, model: ModelChoice, shrinkage: f64) -> Plan {
    let h = &scenario.horizon;
    let mut notes = Vec::new();
    let models: Vec<(Model, &'static str)> = scenario
        .queues
        .iter()
        .map(|q| {
            let patience = q.patience.as_ref().map(|p| p.mean());
            let retrial = q.retrial.as_ref().map_or(0.0, |r| r.probability);
            match (model, patience) {
                (ModelChoice::ErlangC, _) | (ModelChoice::Auto, None) => (Model::ErlangC, "erlang-c"),
                (ModelChoice::ErlangA, p) | (ModelChoice::Auto, p @ Some(_)) => {
                    (Model::ErlangA { mean_patience_s: p.unwrap_or(f64::INFINITY) }, "erlang-a")
                }
                (ModelChoice::ErlangX, p) => (
                    Model::ErlangX(ErlangXParams {
                        mean_patience_s: p.unwrap_or(f64::INFINITY),
                        lines: None,
                        redial_probability: retrial,
                    }),
                    "erlang-x",
                ),
            }
        })
        .collect();
    for q in &scenario.queues {
        let mut approx = Vec::new();
        if q.handle_time.cv() != 1.0 || q.wrap_up.is_some() {
            approx.push("handle time (talk + wrap-up) taken as exponential with its mean");
        }
        if q.patience.as_ref().is_some_and(|p| p.cv() != 1.0) {
            approx.push("patience taken as exponential with its mean");
        }
        if q.service_level.definition != SlDefinition::Offered {
            approx.push("SL computed over all arrivals (definition `offered`), which is stricter");
        }
        if q.busyness.day_cv > 0.0 || q.busyness.interval_cv > 0.0 {
            approx.push("busyness (forecast error) ignored: the mean volume is used");
        }
        if !approx.is_empty() {
            notes.push(format!("{}: {}", q.id, approx.join("; ")));
        }
    }
    let mut rows = Vec::new();
    for i in 0..h.total_intervals() {
        for (qi, q) in scenario.queues.iter().enumerate() {
            let aht = q.handle_time.mean() + q.wrap_up.as_ref().map_or(0.0, |w| w.mean());
            let calls = q.volumes[i];
            let traffic = Traffic::from_volume(calls, h.interval_s, aht);
            let targets = Targets {
                service_level: Some((q.service_level.threshold_s, q.service_level.target)),
                max_asa_s: q.max_asa_s,
                max_abandon_rate: q.max_abandon_rate,
                max_occupancy: None,
            };
            let (m, name) = models[qi];
            let r = analytic::required_agents(m, traffic, &targets);
            let scheduled = (f64::from(r.agents) / (1.0 - shrinkage) - 1e-9).ceil().max(0.0) as u32;
            rows.push(PlanRow {
                queue: qi,
                interval: i,
                start: h.interval_label(i),
                model: name,
                calls,
                offered_load: traffic.load_erlangs(),
                required_agents: r.agents,
                fractional_agents: r.fractional_agents,
                scheduled_agents: scheduled,
                feasible: r.feasible,
                service_level: r.kpis.service_level,
                asa_seconds: r.kpis.asa_s,
                abandon_rate: r.kpis.p_abandon,
                occupancy: r.kpis.occupancy,
            });
        }
    }
    Plan {
        scenario: scenario.name.clone(),
        model,
        shrinkage,
        queue_ids: scenario.queues.iter().map(|q| q.id.clone()).collect(),
        notes,
        rows,
    }
}

/// Staffing curves per group that carry a plan's required agents: each queue's fractional
/// requirement is shared equally among the groups with its skill, summed per group, and
/// rounded up. For single-skill groups this is exactly the queue's requirement.
pub fn curves(scenario: &Scenario, plan: &Plan) -> BTreeMap<String, Vec<u32>> {
    let n = scenario.horizon.total_intervals();
    let mut need = vec![vec![0.0f64; n]; scenario.groups.len()];
    for row in &plan.rows {
        let serving: Vec<usize> = (0..scenario.groups.len())
            .filter(|&g| scenario.groups[g].skills.iter().any(|s| s.queue == row.queue))
            .collect();
        let k = serving.len().max(1) as f64;
        // single-skill groups get the integer requirement; shared queues the fractional one
        let amount = if serving.len() == 1 { f64::from(row.required_agents) } else { row.fractional_agents };
        for g in serving {
            need[g][row.interval] += amount / k;
        }
    }
    scenario
        .groups
        .iter()
        .zip(need)
        .map(|(g, v)| (g.id.clone(), v.iter().map(|x| (x - 1e-9).ceil().max(0.0) as u32).collect()))
        .collect()
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
}
