//! Scenarios: the YAML format (`raw`), its validation (`validate`) and the validated
//! [`Scenario`] every other part of ccsim works from; the staffing of its groups (skills, shifts,
//! shift codes, rosters) is in `staffing`, re-exported here.
//!
//! A `Scenario` cannot be invalid: every id is resolved to an index, every distribution checked,
//! every per-interval list expanded to the full horizon. It holds times as seconds since
//! midnight of each day, volumes as expected calls per interval. It knows nothing of the engine.

pub mod limits;
pub mod locate;
pub mod path;
pub mod raw;
mod staffing;
mod unparse;
mod validate;

use crate::dist::Dist;
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::vocabulary::SlDefinition;
pub use staffing::{Break, DayPiece, Group, RosterAgent, Shift, ShiftCode, Skill, Staffing};
pub use validate::{from_raw, horizon_of, parse_str, validate_dist, validate_queue};

/// A validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// The simulated days and their intervals.
    pub horizon: Horizon,
    /// Routing rules.
    pub routing: RoutingRules,
    /// Queues, in file order; indices are used everywhere else.
    pub queues: Vec<Queue>,
    /// Agent groups, in file order.
    pub groups: Vec<Group>,
    /// Sites (places where agents work), in order of first mention by a group; groups refer to
    /// them by index. Empty when no group names a site.
    pub sites: Vec<String>,
    /// Regions (where callers are), in order of first mention by a queue; queues refer to them
    /// by index. Empty when no queue names a region.
    pub regions: Vec<String>,
    /// Shift codes (`shift_codes:`), in file order: what roster entries and coded shifts name.
    pub shift_codes: Vec<ShiftCode>,
    /// Monte Carlo settings.
    pub simulation: Simulation,
    /// Planning settings.
    pub planning: Planning,
    /// The intraday policy, if any.
    pub policy: Option<PolicyConfig>,
    /// How reports present and judge results (`report:`).
    pub report: crate::report::ReportSettings,
}

/// The intraday policy of a scenario as the file says it: built-ins, the path of a script and a
/// tick. The script itself is loaded and compiled elsewhere (`script::policy::PolicyScript`) and
/// bound to the scenario when the engine's model is built (`model::Model::compile`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyConfig {
    /// The policy script, as a path usable from the working directory.
    pub script: Option<PathBuf>,
    /// Seconds between `on_tick` calls.
    pub tick_s: Option<f64>,
    /// Built-in policies, in file order.
    pub builtins: Vec<BuiltinPolicy>,
}

/// A built-in policy as configured in the scenario's `policy.builtin` list: data only; the
/// engine runs it natively (`policy::builtin_hooks` and the `Combined` policy).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum BuiltinPolicy {
    /// At the start of each day, calls of `queue` waiting `after_s` overflow to `groups`.
    Overflow {
        /// Queue index.
        queue: usize,
        /// Overflow group indices.
        groups: Vec<usize>,
        /// Delay, seconds.
        after_s: f64,
    },
    /// At every tick, when `queue`'s SL so far in the current interval is below its target,
    /// breaks of `group` falling due in the next `hold_s` seconds wait until then.
    BreakPostponement {
        /// Index of the queue whose SL is watched.
        queue: usize,
        /// Index of the group whose breaks are held.
        group: usize,
        /// Hold, seconds.
        hold_s: f64,
    },
    /// At the start of each day, offer callbacks to calls of `queue` whose estimated wait exceeds
    /// `max_wait_s`; callers accept with probability `acceptance`.
    Callback {
        /// Queue index.
        queue: usize,
        /// Estimated-wait threshold, seconds.
        max_wait_s: f64,
        /// Acceptance probability, in [0, 1].
        acceptance: f64,
    },
}

/// Planning settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Planning {
    /// Shrinkage in [0, 1): scheduled agents = required ÷ (1 − shrinkage).
    pub shrinkage: Option<f64>,
}

/// The simulated days: each day runs from `start_s` to `end_s` (seconds since midnight).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Horizon {
    /// Opening time, seconds since midnight.
    pub start_s: f64,
    /// Closing time, seconds since midnight (> `start_s`, ≤ 86,400).
    pub end_s: f64,
    /// Interval length, seconds; divides `end_s − start_s`.
    pub interval_s: f64,
    /// Number of consecutive days (≥ 1). Each day starts empty.
    pub days: u32,
    /// The date of the first day (`horizon.from`); `None`: days are numbered only (d1, d2, ...).
    pub from: Option<crate::calendar::Date>,
    /// Per day, true when the whole center is closed (`closed:`): no calls, nobody works.
    /// Always `days` long.
    pub closed: Vec<bool>,
}

impl Horizon {
    /// Days the center is open (not `closed`).
    pub fn open_days(&self) -> usize {
        self.closed.iter().filter(|c| !**c).count()
    }

    /// Intervals in one day.
    pub fn intervals_per_day(&self) -> usize {
        ((self.end_s - self.start_s) / self.interval_s).round() as usize
    }
    /// Intervals over all days.
    pub fn total_intervals(&self) -> usize {
        self.intervals_per_day() * self.days as usize
    }
    /// Length of one day's opening hours, seconds.
    pub fn day_length_s(&self) -> f64 {
        self.end_s - self.start_s
    }
    /// Start of global interval `i` as (day index, seconds since midnight).
    pub fn interval_start(&self, i: usize) -> (u32, f64) {
        let n = self.intervals_per_day();
        ((i / n) as u32, self.start_s + (i % n) as f64 * self.interval_s)
    }
    /// Label of interval `i`: `"08:15"`, or with its day when the horizon has several days
    /// (`"Mon 2026-12-07 08:15"` on dated days, `"d2 08:15"` otherwise).
    pub fn interval_label(&self, i: usize) -> String {
        let (day, s) = self.interval_start(i);
        if self.days > 1 {
            format!("{} {}", self.day_label(day as usize), crate::time::format_clock(s))
        } else {
            crate::time::format_clock(s)
        }
    }
    /// A horizon of `days` undated days, all open.
    pub fn undated(start_s: f64, end_s: f64, interval_s: f64, days: u32) -> Horizon {
        Horizon { start_s, end_s, interval_s, days, from: None, closed: vec![false; days as usize] }
    }
    /// The date of day `day` (0-based), when the horizon is dated.
    pub fn date(&self, day: usize) -> Option<crate::calendar::Date> {
        self.from.map(|f| crate::calendar::date_of(f, day))
    }
    /// The weekday abbreviation (`"Mon"`) of day `day` (0-based), when the horizon is dated.
    pub fn weekday(&self, day: usize) -> Option<&'static str> {
        use chrono::Datelike;
        self.date(day).map(|d| crate::calendar::weekday_name(d.weekday()))
    }
    /// Day `day` (0-based) as people name it: `"Mon 2026-12-07"` when dated, else `"d1"`.
    pub fn day_label(&self, day: usize) -> String {
        match (self.weekday(day), self.date(day)) {
            (Some(w), Some(d)) => format!("{w} {d}"),
            _ => format!("d{}", day + 1),
        }
    }
    /// True unless day `day` (0-based) is closed.
    pub fn is_open(&self, day: usize) -> bool {
        !self.closed.get(day).copied().unwrap_or(false)
    }
    /// Resolves a day reference (`Wed`, `2026-12-09`, `d3`) to 0-based day indices.
    pub fn resolve(&self, r: crate::calendar::DayRef) -> Result<Vec<usize>, String> {
        r.resolve(self.from, self.days)
    }
}

/// How a free agent is chosen for a new call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentSelection {
    /// The agent idle longest, across all eligible groups.
    LongestIdle,
    /// The group with the fewest skills first (specialists first), then longest idle.
    LeastSkilled,
}

/// Routing rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutingRules {
    /// Agent selection for a new call.
    pub agent_selection: AgentSelection,
    /// Per region (index into [`Scenario::regions`]), the site (index into [`Scenario::sites`])
    /// whose agents see its calls first; `None`: every site at once. Empty when no
    /// `routing.prefer_site` is given.
    pub prefer_site: Vec<Option<usize>>,
    /// Wait after which a call preferring a site becomes visible to the agents of other sites
    /// with the skill, seconds (`routing.cross_site_after`; infinite when not given).
    pub cross_site_after_s: f64,
}

/// A queue's service-level target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ServiceLevel {
    /// Threshold T, seconds: a call is on time if answered within T.
    pub threshold_s: f64,
    /// Target share of on-time calls, in [0, 1].
    pub target: f64,
    /// Which calls are counted.
    pub definition: SlDefinition,
}

/// Day- and interval-level Gamma multipliers of the arrival rate (mean 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Busyness {
    /// Coefficient of variation of the day factor (0 = none).
    pub day_cv: f64,
    /// Coefficient of variation of the per-interval factor (0 = none).
    pub interval_cv: f64,
}

/// Retrials of abandoned calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retrial {
    /// Probability in [0, 1] that an abandoning caller calls again.
    pub probability: f64,
    /// Delay from abandoning to the new call, seconds.
    pub delay: Dist,
}

/// Overflow: calls waiting at least `after_s` become visible to `groups`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overflow {
    /// Wait after which the overflow groups see the call, seconds.
    pub after_s: f64,
    /// Indices into [`Scenario::groups`].
    pub groups: Vec<usize>,
}

/// A validated queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Queue {
    /// Identifier.
    pub id: String,
    /// Region of the callers (index into [`Scenario::regions`]), if named.
    pub region: Option<usize>,
    /// Expected calls per interval over the whole horizon (`days × intervals_per_day`); zero on
    /// closed days.
    pub volumes: Vec<f64>,
    /// Overdispersion of the volumes.
    pub busyness: Busyness,
    /// Handle time (talk + hold), seconds.
    pub handle_time: Dist,
    /// After-call work, seconds; `None` = none.
    pub wrap_up: Option<Dist>,
    /// Patience, seconds; `None` = infinite.
    pub patience: Option<Dist>,
    /// Retrials of abandoned calls.
    pub retrial: Option<Retrial>,
    /// Service-level target.
    pub service_level: ServiceLevel,
    /// Maximum ASA, seconds.
    pub max_asa_s: Option<f64>,
    /// Maximum abandon rate, in [0, 1].
    pub max_abandon_rate: Option<f64>,
    /// Priority among equally preferred queues (higher first).
    pub priority: i32,
    /// Overflow to more groups.
    pub overflow: Option<Overflow>,
    /// Lines (trunks) counting the calls in service: arrivals finding all busy are blocked;
    /// `None` = unlimited. Used by Erlang X in `ccsim staff`; the simulator does not block
    /// calls yet.
    pub lines: Option<u32>,
}

/// Monte Carlo settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Simulation {
    /// Replications (≥ 1).
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Warm-up, seconds from the start of each day; a multiple of the interval. Intervals inside it
    /// are left out of every statistic.
    pub warmup_s: f64,
}

/// Reads a staffing file (`staffing: { <group>: [agents per interval] }`).
pub fn load_staffing(path: &Path) -> Result<std::collections::BTreeMap<String, Vec<u32>>, ScenarioError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::Io { file: path.to_path_buf(), message: e.to_string() })?;
    let de = serde_yaml::Deserializer::from_str(&text);
    let raw: raw::RawStaffingFile = serde_path_to_error::deserialize(de).map_err(|e| validate::parse_error(e, path))?;
    Ok(raw.staffing)
}

impl Scenario {
    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let io = |message: String| ScenarioError::Io { file: path.to_path_buf(), message };
        let meta = std::fs::metadata(path).map_err(|e| io(e.to_string()))?;
        if !meta.is_file() {
            return Err(io("not a regular file".into()));
        }
        if meta.len() > limits::MAX_SCENARIO_BYTES {
            return Err(io(format!(
                "{} bytes: a scenario file has at most {}",
                meta.len(),
                limits::MAX_SCENARIO_BYTES
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| ScenarioError::Io { file: path.to_path_buf(), message: e.to_string() })?;
        parse_str(&text, path)
    }

    /// Replaces the staffing of the named groups with per-interval curves (one day's values or
    /// every day's). Every problem (unknown group, wrong length) is reported.
    pub fn with_staffing(
        &self,
        curves: &std::collections::BTreeMap<String, Vec<u32>>,
        file: &Path,
    ) -> Result<Scenario, ScenarioError> {
        let mut s = self.clone();
        let mut problems = Vec::new();
        let (n, total) = (self.horizon.intervals_per_day(), self.horizon.total_intervals());
        for (id, curve) in curves {
            let path = format!("staffing.{id}");
            let Some(g) = self.group_index(id) else {
                let ids: Vec<&str> = self.groups.iter().map(|g| g.id.as_str()).collect();
                problems.push(Problem {
                    path,
                    message: format!("unknown group `{id}` (groups: {})", ids.join(", ")),
                    location: None,
                });
                continue;
            };
            let full = if curve.len() == total {
                curve.clone()
            } else if curve.len() == n {
                curve.iter().copied().cycle().take(total).collect()
            } else {
                problems.push(Problem {
                    path,
                    message: format!("has {} values: expected {n} (one per interval) or {total}", curve.len()),
                    location: None,
                });
                continue;
            };
            s.groups[g].staffing = Staffing::Curve(full);
        }
        if problems.is_empty() { Ok(s) } else { Err(ScenarioError::Invalid { file: file.to_path_buf(), problems }) }
    }

    /// Index of the queue with this id.
    pub fn queue_index(&self, id: &str) -> Option<usize> {
        self.queues.iter().position(|q| q.id == id)
    }

    /// Index of the group with this id.
    pub fn group_index(&self, id: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.id == id)
    }
    /// What is valid but probably not meant, one message per finding: a queue whose calls
    /// arrive in intervals when no agent who could serve them (by skill or overflow) is on duty.
    /// Those calls go unserved (or abandon). `validate` prints these; the simulating commands
    /// print them on standard error.
    pub fn warnings(&self) -> Vec<String> {
        let h = &self.horizon;
        let mut out = Vec::new();
        for (qi, q) in self.queues.iter().enumerate() {
            let servers: Vec<&Group> = self
                .groups
                .iter()
                .enumerate()
                .filter(|(gi, g)| {
                    g.skills.iter().any(|s| s.queue == qi) || q.overflow.as_ref().is_some_and(|o| o.groups.contains(gi))
                })
                .map(|(_, g)| g)
                .collect();
            let uncovered: Vec<usize> = (0..h.total_intervals())
                .filter(|&i| q.volumes.get(i).is_some_and(|v| *v > 0.0) && !servers.iter().any(|g| g.on_duty_in(h, i)))
                .collect();
            if let Some(l) = q.lines {
                out.push(format!(
                    "queue `{}`: `lines` ({l}) is used by Erlang X in `ccsim staff`; the simulator does not block calls at it yet",
                    q.id
                ));
            }
            if uncovered.is_empty() {
                continue;
            }
            let calls: f64 = uncovered.iter().map(|&i| q.volumes[i]).sum();
            // runs of consecutive intervals, as "08:00–09:30"
            let mut runs: Vec<String> = Vec::new();
            let mut k = 0;
            while k < uncovered.len() {
                let mut e = k;
                while e + 1 < uncovered.len() && uncovered[e + 1] == uncovered[e] + 1 {
                    e += 1;
                }
                let (_, end) = h.interval_start(uncovered[e]);
                runs.push(format!(
                    "{}–{}",
                    h.interval_label(uncovered[k]),
                    crate::time::format_clock(end + h.interval_s)
                ));
                k = e + 1;
            }
            let shown = if runs.len() > 6 {
                format!("{} and {} more", runs[..6].join(", "), runs.len() - 6)
            } else {
                runs.join(", ")
            };
            out.push(format!(
                "queue `{}`: no agent who can serve it is on duty in {} interval(s) with calls ({shown}): about {calls:.0} calls will go unserved or abandon",
                q.id,
                uncovered.len()
            ));
        }
        out
    }

    /// The one-paragraph summary `ccsim validate` prints.
    pub fn summary(&self) -> String {
        let h = &self.horizon;
        let hours = h.day_length_s() / 3600.0;
        let dated = match h.from {
            Some(_) => format!(", {} to {}", h.day_label(0), h.day_label(h.days as usize - 1)),
            None => String::new(),
        };
        let closed: Vec<String> = (0..h.days as usize).filter(|&d| !h.is_open(d)).map(|d| h.day_label(d)).collect();
        let closed = if closed.is_empty() { String::new() } else { format!("; closed {}", closed.join(", ")) };
        let mut s = format!(
            "Scenario \"{}\": {} day(s){dated} of {} to {} ({} intervals of {} per day){closed}. ",
            self.name,
            h.days,
            crate::time::format_clock(h.start_s),
            crate::time::format_clock(h.end_s),
            h.intervals_per_day(),
            crate::time::format_duration(h.interval_s),
        );
        // the load of an open day: closed days have no calls
        let open_days = (0..h.days as usize).filter(|&d| h.is_open(d)).count().max(1) as f64;
        let queues: Vec<String> = self
            .queues
            .iter()
            .map(|q| {
                let calls: f64 = q.volumes.iter().sum();
                // AHT = talk + wrap-up, as `ccsim staff` sizes with
                let aht = q.handle_time.mean() + q.wrap_up.as_ref().map_or(0.0, Dist::mean);
                let load = calls * aht / (hours * 3600.0 * open_days);
                format!(
                    "{}{} ({:.0} calls, AHT (talk + wrap-up) {:.0} s, mean offered load {:.1} Erlangs, SL {:.0}/{:.0}{})",
                    q.id,
                    q.region.map_or(String::new(), |r| format!(" from {}", self.regions[r])),
                    calls,
                    aht,
                    load,
                    q.service_level.target * 100.0,
                    q.service_level.threshold_s,
                    q.lines.map_or(String::new(), |l| format!(", {l} lines"))
                )
            })
            .collect();
        s.push_str(&format!("{} queue(s): {}. ", self.queues.len(), queues.join("; ")));
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|g| {
                let how = match &g.staffing {
                    Staffing::Count(n) => format!("{n} agents"),
                    Staffing::Shifts { shifts, roster } if roster.is_empty() => {
                        format!("{} agents on {} shift(s)", g.max_agents(), shifts.len())
                    }
                    Staffing::Shifts { shifts, roster } => format!(
                        "{} agents on {} shift(s) and {} named in a roster",
                        g.max_agents() as usize - roster.len(),
                        shifts.len(),
                        roster.len()
                    ),
                    Staffing::Curve(_) => format!("staffing curve up to {}", g.max_agents()),
                };
                let skills: Vec<&str> = g.skills.iter().map(|k| self.queues[k.queue].id.as_str()).collect();
                let site = g.site.map_or(String::new(), |x| format!(" at {}", self.sites[x]));
                format!("{}{site} ({how}; skills {})", g.id, skills.join(", "))
            })
            .collect();
        s.push_str(&format!("{} group(s): {}. ", self.groups.len(), groups.join("; ")));
        s.push_str(&format!("{} replications, seed {}.", self.simulation.replications, self.simulation.seed));
        if let Some(p) = &self.policy {
            let mut parts: Vec<String> = p
                .builtins
                .iter()
                .map(|b| match b {
                    BuiltinPolicy::Overflow { .. } => "built-in overflow".to_string(),
                    BuiltinPolicy::BreakPostponement { .. } => "built-in break postponement".to_string(),
                    BuiltinPolicy::Callback { .. } => "built-in callback".to_string(),
                })
                .collect();
            if let Some(script) = &p.script {
                parts.push(format!("script {}", script.display()));
            }
            if let Some(t) = p.tick_s {
                parts.push(format!("tick {}", crate::time::format_duration(t)));
            }
            s.push_str(&format!(" Policy: {}.", parts.join(", ")));
        }
        s
    }
}

/// One problem found in a scenario: where (YAML path) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// YAML path, e.g. `queues[1].handle_time.mean`.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// Line and column (1-based) in the file, when known.
    pub location: Option<(usize, usize)>,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{}: cannot read: {message}", file.display())]
    Io {
        /// The scenario file.
        file: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// The YAML is malformed or does not fit the format.
    #[error("{}:{}: {path}: {message}", file.display(), location.map(|(l, c)| format!("{l}:{c}")).unwrap_or_default())]
    Parse {
        /// The scenario file.
        file: PathBuf,
        /// YAML path of the offending element.
        path: String,
        /// Line and column (1-based), when known.
        location: Option<(usize, usize)>,
        /// What was expected.
        message: String,
    },
    /// The scenario parsed but is inconsistent; every problem found is listed.
    #[error("{}: {} problem(s):{}", file.display(), problems.len(), ProblemList(problems))]
    Invalid {
        /// The scenario file.
        file: PathBuf,
        /// All problems found.
        problems: Vec<Problem>,
    },
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self.0 {
            match p.location {
                Some((l, c)) => write!(f, "\n  - {} (line {l}, column {c}): {}", p.path, p.message)?,
                None => write!(f, "\n  - {}: {}", p.path, p.message)?,
            }
        }
        Ok(())
    }
}
