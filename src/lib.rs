//! ccsim — contact-center scenario simulation.
//!
//! A planner writes a scenario (queues, arrivals, handle times, patience, agent groups with
//! skills and shifts, targets) in YAML; ccsim simulates it as a discrete-event system over many
//! independent replications in parallel and reports every KPI as a mean with a 95 % confidence
//! interval, plus the risk that a day misses its targets. Erlang C/A/X give the analytic view.
//!
//! # Data flow
//!
//! ```text
//! scenario.yaml ─parse─▶ scenario::raw (serde, deny_unknown_fields, path + line/column)
//!               ─validate─▶ scenario::Scenario (ids resolved, distributions checked)
//! policy.rhai ─load─▶ script::policy::PolicyScript (compiled once, independent of any scenario)
//! Scenario (+ PolicyScript) ─model::Model::compile─▶ Model (dense indices, samplers; no strings
//!               in the hot loop; the policy: built-ins + the script bound to this very
//!               scenario, as a policy::PolicyFactory; a what-if's scenario is bound afresh)
//! (replication) × N ─rayon─▶ sim::run_replication(&Model, rep) with one Policy instance per
//!               replication (hooks ─▶ Snapshot ─▶ Actions applied in order)
//!               ─▶ facts::ReplicationFacts (counts; incl. who served whom, what the policy did)
//!               ─▶ kpi::Reducer (in replication order: thread-count independent; every KPI
//!                  derived by its entry in the kpi tables)
//!               ─▶ kpi::RunResult (means, Student-t CIs, quantiles, P(meet target))
//!               ─▶ report (table | json | csv | xlsx, iterating the kpi tables) ─▶ cli writes atomically
//! Scenario ─▶ plan (analytic::required_agents per queue and interval) ─▶ report::write_plan
//! what-if.rhai ─script::whatif─▶ Scenario' (validated again) ; baseline + variants
//!               ─compare (same seeds: common random numbers)─▶ paired differences ─▶ report
//! grid of (scenario path | script parameter) values ─sweep─▶ one RunResult per point
//! Scenario ─optimize (Erlang start, simulation corrections)─▶ least staffing curves
//! ```
//!
//! Module by module: [`vocabulary`] the names several layers share (SL definitions, action
//! kinds); [`time`] parses clock times and durations; [`calendar`] dates, weekdays and day
//! references; [`dist`] holds distributions and samplers; [`scenario`] the format and its validation; [`model`] the compiled form;
//! [`sim`] the event engine (one file per concern: event loop, events, arrivals, routing,
//! staffing, recording, policy actions); [`facts`] what the engine records; [`kpi`] the KPI
//! tables (name, unit, derivation, direction), the reducer and the run's results; [`stats`]
//! Welford means, t intervals, quantiles; [`experiment`] parallel replications, handed to the
//! reducer in order; [`analytic`] Erlang B/C/A/X and requirement search;
//! [`plan`] analytic staffing of a scenario; [`policy`] the intraday policy trait, live
//! snapshot, actions and built-ins; [`script`] Rhai (sandbox, what-if API, policy scripts);
//! [`compare`] baseline and variants under common random numbers; [`sweep`] grids of points;
//! [`optimize`] simulation-based staffing; [`variance`] actuals against the plan, the deviation
//! attributed to volume, handle time and staffing by re-simulation; [`report`] output formats;
//! [`cli`] the command line (the only module that prints).
//!
//! # Example
//!
//! ```
//! use ccsim::{experiment, scenario::parse_str};
//! let yaml = r#"
//! name: Example
//! horizon: { start: "08:00", end: "12:00", interval: 30m }
//! queues:
//!   - id: support
//!     arrivals: { rate_per_hour: 120 }
//!     handle_time: { dist: lognormal, mean: 4m, cv: 1.0 }
//!     patience: { dist: exponential, mean: 2m }
//!     service_level: { answered_within: 20s, target: 0.8 }
//! agents:
//!   - group: team
//!     skills: [support]
//!     count: 10
//! simulation: { replications: 20, seed: 1 }
//! "#;
//! let scenario = parse_str(yaml, std::path::Path::new("example.yaml")).unwrap();
//! let result = experiment::run(&scenario, None, &|| {}).unwrap();
//! let sl = &result.queues[0].kpis[ccsim::kpi::queue::SL]; // or ….kpis["service_level"]
//! assert_eq!(sl, &result.queues[0].kpis["service_level"]);
//! assert!(sl.ci_low <= sl.mean && sl.mean <= sl.ci_high);
//! ```

pub mod analytic;
pub mod calendar;
pub mod cli;
pub mod compare;
pub mod dist;
pub mod experiment;
pub mod facts;
pub mod kpi;
pub mod model;
pub mod optimize;
pub mod plan;
pub mod policy;
pub mod report;
pub mod scenario;
pub mod schedule;
pub mod script;
pub mod shard;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod time;
pub mod variance;
pub mod vocabulary;
