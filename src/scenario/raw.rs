//! The scenario file exactly as written: serde types with `deny_unknown_fields`, plus their
//! JSON Schema (`ccsim schema`). Nothing here is validated; `scenario::validate` turns these into
//! a [`super::Scenario`]. Durations and clock times stay text until validation so that every
//! bad value is reported with its path in one pass.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// A duration as written: plain seconds (`20`, `2.5`) or text (`"20s"`, `"15m"`, `"1h30m"`).
#[derive(Debug, Clone, PartialEq)]
pub enum RawDuration {
    /// A bare number of seconds.
    Seconds(f64),
    /// Text to parse with [`crate::time::parse_duration`].
    Text(String),
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DurationVisitor;
        impl Visitor<'_> for DurationVisitor {
            type Value = RawDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration: seconds as a number, or text like \"20s\", \"15m\", \"1h30m\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_string()))
            }
        }
        d.deserialize_any(DurationVisitor)
    }
}

impl Serialize for RawDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RawDuration::Seconds(v) => s.serialize_f64(*v),
            RawDuration::Text(t) => s.serialize_str(t),
        }
    }
}

impl JsonSchema for RawDuration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Seconds as a number, or text like \"20s\", \"15m\", \"1h30m\".",
            "anyOf": [
                { "type": "number", "minimum": 0 },
                { "type": "string", "pattern": "^\\s*([0-9.]+h)?([0-9.]+m)?([0-9.]+s)?\\s*$|^\\s*[0-9.]+\\s*$" }
            ]
        })
    }
}

/// One number or a list of numbers (e.g. one daily total for every day, or one per day).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// The same value for every day.
    One(f64),
    /// One value per day.
    Many(Vec<f64>),
}

/// The top level of a scenario file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// A short name shown in reports.
    pub name: String,
    /// Free text describing the scenario.
    #[serde(default)]
    pub description: Option<String>,
    /// The simulated time window.
    pub horizon: RawHorizon,
    /// Days the whole center is closed (no calls, nobody works): dates (`2026-12-08`), weekdays
    /// (`Sun`: every Sunday) or day numbers (`d3`).
    #[serde(default)]
    pub closed: Option<Vec<String>>,
    /// Named shifts that roster entries and `shifts` refer to by code, e.g.
    /// `E: { start: "08:00", end: "16:00" }`. An end before the start crosses midnight.
    #[serde(default)]
    pub shift_codes: Option<std::collections::BTreeMap<String, RawShiftCode>>,
    /// How calls and agents are matched.
    #[serde(default)]
    pub routing: Option<RawRouting>,
    /// Call types (queues).
    pub queues: Vec<RawQueue>,
    /// Agent groups.
    pub agents: Vec<RawGroup>,
    /// Monte Carlo settings.
    #[serde(default)]
    pub simulation: Option<RawSimulation>,
    /// Planning settings (used by `ccsim staff`).
    #[serde(default)]
    pub planning: Option<RawPlanning>,
    /// The intraday policy: a Rhai script path, or built-ins, a script and a tick.
    #[serde(default)]
    pub policy: Option<RawPolicy>,
    /// How reports present and judge results: currency, amber margin, occupancy band, cost
    /// budget, FTE hours.
    #[serde(default)]
    pub report: Option<RawReport>,
}

/// The intraday policy: just a script path, or the full form. Deserialised by hand (a string or
/// a mapping) so that a typo in the full form is reported at its key, not as "no variant matched".
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawPolicy {
    /// A policy script (Rhai), relative to the scenario file.
    Script(String),
    /// Built-ins, a script and a tick.
    Full(RawPolicyFull),
}

/// The full form of `policy`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPolicyFull {
    /// A policy script (Rhai), relative to the scenario file.
    #[serde(default)]
    pub script: Option<String>,
    /// Time between `on_tick` calls (and built-in checks), e.g. "5m".
    #[serde(default)]
    pub tick: Option<RawDuration>,
    /// Built-in policies, applied before the script at each hook.
    #[serde(default)]
    pub builtin: Vec<RawBuiltin>,
}

/// A built-in policy: a mapping with one key, the built-in's name.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawBuiltin {
    /// Calls of `queue` waiting `after` overflow to `groups` (set at the start of each day).
    Overflow {
        /// Queue id.
        queue: String,
        /// Group ids.
        groups: Vec<String>,
        /// Wait before overflowing.
        after: RawDuration,
    },
    /// At every tick, while `queue`'s SL so far in the interval is below target, breaks of
    /// `group` falling due within `hold` wait until the hold ends.
    BreakPostponement {
        /// Queue id whose SL is watched.
        queue: String,
        /// Group id whose breaks are held.
        group: String,
        /// Length of each hold.
        hold: RawDuration,
    },
    /// Offer callbacks to calls of `queue` whose estimated wait exceeds `max_wait`.
    Callback {
        /// Queue id.
        queue: String,
        /// Estimated-wait threshold.
        max_wait: RawDuration,
        /// Probability a caller accepts, in [0, 1].
        acceptance: f64,
    },
}

/// Planning settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlanning {
    /// Share of paid time not available for calls (breaks, meetings, absence), in [0, 1).
    #[serde(default)]
    pub shrinkage: Option<f64>,
}

/// Report settings (`report:`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// Currency of every cost, e.g. `EUR` (3 to 8 letters); shown in reports.
    #[serde(default)]
    pub currency: Option<String>,
    /// Amber band as a share of each target, in [0, 1) (default 0.05: an SL target of 80 % is
    /// amber from 76 %).
    #[serde(default)]
    pub amber_margin: Option<f64>,
    /// Occupancy band `[low, high]`, shares 0–1, judged per group.
    #[serde(default)]
    pub occupancy: Option<[f64; 2]>,
    /// Cost budget of the whole horizon, in the currency (> 0).
    #[serde(default)]
    pub cost_budget: Option<f64>,
    /// Paid hours of one full-time equivalent a day (default 8, in (0, 24]).
    #[serde(default)]
    pub fte_hours_per_day: Option<f64>,
}

/// A staffing file, as `ccsim staff --emit-staffing` writes it and `ccsim run --staffing` reads it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStaffingFile {
    /// Agents on duty per interval, by group id.
    pub staffing: std::collections::BTreeMap<String, Vec<u32>>,
}

/// The opening hours of each simulated day and the reporting interval.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHorizon {
    /// Opening time, "HH:MM".
    pub start: String,
    /// Closing time, "HH:MM" ("24:00" allowed); must be after `start`.
    pub end: String,
    /// Interval length (e.g. 15m, 30m, 1h); must divide end − start.
    pub interval: RawDuration,
    /// Number of consecutive days (default 1). Each day starts empty at `start`.
    #[serde(default)]
    pub days: Option<u32>,
    /// Date of the first day, "YYYY-MM-DD": days then have dates and weekdays.
    #[serde(default)]
    pub from: Option<String>,
    /// Date of the last day, "YYYY-MM-DD" (with `from`, instead of `days`).
    #[serde(default)]
    pub to: Option<String>,
}

/// Routing rules.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    /// `longest_idle` (default) or `least_skilled` (specialists first).
    #[serde(default)]
    pub agent_selection: Option<String>,
    /// Per region of callers, the site whose agents see its calls first: `{ nord: milano }`.
    #[serde(default)]
    pub prefer_site: Option<std::collections::BTreeMap<String, String>>,
    /// Wait after which a call preferring a site is visible to other sites' agents with the
    /// skill (required with `prefer_site`).
    #[serde(default)]
    pub cross_site_after: Option<RawDuration>,
}

/// One queue (call type).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    /// Identifier used by agent skills and in reports.
    pub id: String,
    /// Region the callers are in (reports aggregate by region; routing may prefer a site).
    #[serde(default)]
    pub region: Option<String>,
    /// Days this queue takes no calls (dates, weekdays or day numbers).
    #[serde(default)]
    pub closed: Option<Vec<String>>,
    /// Arrival volumes.
    pub arrivals: RawArrivals,
    /// Talk (+ hold) time distribution.
    pub handle_time: RawDist,
    /// After-call work distribution (default none).
    #[serde(default)]
    pub wrap_up: Option<RawDist>,
    /// Caller patience distribution (default infinite patience).
    #[serde(default)]
    pub patience: Option<RawDist>,
    /// Share of abandoning callers who call again, and after what delay.
    #[serde(default)]
    pub retrial: Option<RawRetrial>,
    /// The service-level target.
    #[serde(default)]
    pub service_level: Option<RawServiceLevel>,
    /// Further targets.
    #[serde(default)]
    pub targets: Option<RawTargets>,
    /// Routing priority: higher is served first among queues an agent prefers equally (default 0).
    #[serde(default)]
    pub priority: Option<i32>,
    /// Overflow: after waiting this long, calls become visible to more groups.
    #[serde(default)]
    pub overflow: Option<RawOverflow>,
    /// Lines (trunks) of the queue, counting the calls being served: a call arriving when all
    /// are busy is blocked (default unlimited). Used by Erlang X in `ccsim staff`; the simulator
    /// does not block calls yet.
    #[serde(default)]
    pub lines: Option<u32>,
}

/// Arrival volumes: exactly one of `rate_per_hour`, `per_interval`, `daily_total` (+ `profile`),
/// or `csv`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    /// Constant arrival rate, calls per hour.
    #[serde(default)]
    pub rate_per_hour: Option<f64>,
    /// Expected calls per interval: one day's worth (repeated every day) or every day's.
    #[serde(default)]
    pub per_interval: Option<Vec<f64>>,
    /// Expected calls per day (one number, or one per day), spread by `profile`.
    #[serde(default)]
    pub daily_total: Option<OneOrMany>,
    /// Intraday weights, one per interval of a day (normalised; default flat).
    #[serde(default)]
    pub profile: Option<Vec<f64>>,
    /// CSV file of interval volumes, relative to the scenario file.
    #[serde(default)]
    pub csv: Option<String>,
    /// Column of `csv` to read (default: the queue id).
    #[serde(default)]
    pub column: Option<String>,
    /// Overdispersion: random Gamma multipliers with mean 1.
    #[serde(default)]
    pub busyness: Option<RawBusyness>,
    /// Volume factor per day: keys are weekdays (`Mon`), dates or day numbers (`d3`).
    #[serde(default)]
    pub day_factors: Option<std::collections::BTreeMap<String, f64>>,
    /// Overrides for single days, keyed by date or day number: `{ factor: 1.4 }` multiplies the
    /// day's volume, `{ total: 900 }` sets its expected calls (the intraday shape is kept).
    #[serde(default)]
    pub dates: Option<std::collections::BTreeMap<String, RawDayVolume>>,
}

/// A volume override for one day: exactly one of `factor` and `total`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDayVolume {
    /// Multiplies the day's expected calls.
    #[serde(default)]
    pub factor: Option<f64>,
    /// The day's expected calls.
    #[serde(default)]
    pub total: Option<f64>,
}

/// A named shift: start, end (before the start: crosses midnight) and breaks.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShiftCode {
    /// Start, "HH:MM".
    pub start: String,
    /// End, "HH:MM"; at or before `start` it is on the next day.
    pub end: String,
    /// Breaks within the shift.
    #[serde(default)]
    pub breaks: Vec<RawBreak>,
}

/// A roster: a list of named agents with their shift code per day, or the path of a CSV file
/// (relative to the scenario) with an `agent` column and one column per day.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawRoster {
    /// A CSV file.
    File(String),
    /// Entries in the scenario.
    Entries(Vec<RawRosterEntry>),
}

/// One named agent of a roster.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRosterEntry {
    /// The agent's name, unique in the scenario.
    pub agent: String,
    /// One shift code per day of the horizon; `-` is a day off.
    pub days: Vec<String>,
}

/// Gamma "busyness" multipliers with mean 1 applied to the arrival rate.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBusyness {
    /// Coefficient of variation of the day-level factor (0 = none).
    #[serde(default)]
    pub day_cv: Option<f64>,
    /// Coefficient of variation of an independent factor per interval (0 = none).
    #[serde(default)]
    pub interval_cv: Option<f64>,
}

/// A distribution as written.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    /// exponential | lognormal | gamma | erlang | uniform | constant | empirical
    pub dist: String,
    /// Mean duration.
    #[serde(default)]
    pub mean: Option<RawDuration>,
    /// Coefficient of variation (lognormal, gamma).
    #[serde(default)]
    pub cv: Option<f64>,
    /// Number of phases (erlang).
    #[serde(default)]
    pub k: Option<u32>,
    /// Lower bound (uniform).
    #[serde(default)]
    pub min: Option<RawDuration>,
    /// Upper bound (uniform).
    #[serde(default)]
    pub max: Option<RawDuration>,
    /// Observed durations (empirical).
    #[serde(default)]
    pub values: Option<Vec<RawDuration>>,
}

/// Retrials of abandoned calls.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRetrial {
    /// Probability in [0, 1] that an abandoning caller calls again.
    pub probability: f64,
    /// Delay between abandoning and calling again.
    pub delay: RawDist,
}

/// The service-level target.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServiceLevel {
    /// Threshold T: a call is on time if answered within it.
    pub answered_within: RawDuration,
    /// Target share in [0, 1].
    pub target: f64,
    /// `offered` (default), `offered_minus_short_abandons`, or `answered`.
    #[serde(default)]
    pub definition: Option<String>,
}

/// Further targets of a queue.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTargets {
    /// Maximum average speed of answer.
    #[serde(default)]
    pub max_asa: Option<RawDuration>,
    /// Maximum abandon rate in [0, 1].
    #[serde(default)]
    pub max_abandon_rate: Option<f64>,
}

/// Overflow of a queue to more groups.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOverflow {
    /// Wait after which the call becomes visible to `groups`.
    pub after: RawDuration,
    /// Groups that may take the call once it has waited `after`.
    pub groups: Vec<String>,
}

/// A skill: a queue id, or a queue with a preference level (1 = most preferred).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawSkill {
    /// Just the queue id (preference 1).
    Queue(String),
    /// Queue id and preference level.
    WithPreference {
        /// Queue id.
        queue: String,
        /// Preference level: 1 is served first, then 2, ...
        preference: u32,
    },
}

/// An agent group: exactly one of `count`, `shifts` or `staffing`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// Group identifier.
    pub group: String,
    /// The site where the group works (reports aggregate by site; routing may prefer a site).
    #[serde(default)]
    pub site: Option<String>,
    /// Queues the group serves.
    pub skills: Vec<RawSkill>,
    /// Speed factor: handle and wrap-up times are divided by it (default 1).
    #[serde(default)]
    pub speed: Option<f64>,
    /// Cost per paid agent hour (currency units; default 0).
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
    /// Probability in [0, 1) that each agent is absent for a whole day (default 0).
    #[serde(default)]
    pub absenteeism: Option<f64>,
    /// Agents present for the whole horizon.
    #[serde(default)]
    pub count: Option<u32>,
    /// Shifts with their agent counts.
    #[serde(default)]
    pub shifts: Option<Vec<RawShift>>,
    /// Agents on duty per interval (one day's worth, or every day's).
    #[serde(default)]
    pub staffing: Option<Vec<u32>>,
    /// Named agents and their shift code per day (with or without `shifts`).
    #[serde(default)]
    pub roster: Option<RawRoster>,
}

/// A shift worked by `count` agents on its days: `start` and `end`, or a `code`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    /// Shift start, "HH:MM".
    #[serde(default)]
    pub start: Option<String>,
    /// Shift end, "HH:MM"; at or before `start` it is on the next day.
    #[serde(default)]
    pub end: Option<String>,
    /// A shift code of `shift_codes` (instead of `start`, `end` and `breaks`).
    #[serde(default)]
    pub code: Option<String>,
    /// Days worked: weekdays, dates or day numbers (default every open day).
    #[serde(default)]
    pub days: Option<Vec<String>>,
    /// Agents working this shift.
    pub count: u32,
    /// Breaks within the shift.
    #[serde(default)]
    pub breaks: Vec<RawBreak>,
}

/// A break.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    /// Planned start, "HH:MM".
    pub start: String,
    /// Length.
    pub length: RawDuration,
}

/// Monte Carlo settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    /// Number of replications (default 100).
    #[serde(default)]
    pub replications: Option<u32>,
    /// Base seed (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Calls arriving before this offset from the start are left out of statistics.
    #[serde(default)]
    pub warmup: Option<RawDuration>,
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;
        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of calls, or a list with one number per day")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v as f64))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<OneOrMany, A::Error> {
                Vec::<f64>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }
        }
        d.deserialize_any(OneOrManyVisitor)
    }
}

impl<'de> Deserialize<'de> for RawBuiltin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename = "Overflow")] // the name serde's messages show
        struct OverflowFields {
            queue: String,
            groups: Vec<String>,
            after: RawDuration,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename = "BreakPostponement")] // the name serde's messages show
        struct BreakPostponementFields {
            queue: String,
            group: String,
            hold: RawDuration,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename = "Callback")] // the name serde's messages show
        struct CallbackFields {
            queue: String,
            max_wait: RawDuration,
            acceptance: f64,
        }
        const NAMES: &[&str] = &["overflow", "break_postponement", "callback"];
        struct BuiltinVisitor;
        impl<'de> Visitor<'de> for BuiltinVisitor {
            type Value = RawBuiltin;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a built-in policy: `{ overflow: {..} }`, `{ break_postponement: {..} }` or `{ callback: {..} }`",
                )
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<RawBuiltin, A::Error> {
                let Some(name) = map.next_key::<String>()? else {
                    return Err(de::Error::invalid_length(0, &self));
                };
                let b = match name.as_str() {
                    "overflow" => {
                        let v: OverflowFields = map.next_value()?;
                        RawBuiltin::Overflow { queue: v.queue, groups: v.groups, after: v.after }
                    }
                    "break_postponement" => {
                        let v: BreakPostponementFields = map.next_value()?;
                        RawBuiltin::BreakPostponement { queue: v.queue, group: v.group, hold: v.hold }
                    }
                    "callback" => {
                        let v: CallbackFields = map.next_value()?;
                        RawBuiltin::Callback { queue: v.queue, max_wait: v.max_wait, acceptance: v.acceptance }
                    }
                    other => return Err(de::Error::unknown_variant(other, NAMES)),
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "one built-in per list entry: `{extra}` must be a separate `- {extra}: {{..}}`"
                    )));
                }
                Ok(b)
            }
        }
        d.deserialize_map(BuiltinVisitor)
    }
}

impl<'de> Deserialize<'de> for RawPolicy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PolicyVisitor;
        impl<'de> Visitor<'de> for PolicyVisitor {
            type Value = RawPolicy;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a policy script path, or `{ script, tick, builtin: [..] }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawPolicy, E> {
                Ok(RawPolicy::Script(v.to_string()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawPolicy, A::Error> {
                RawPolicyFull::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawPolicy::Full)
            }
        }
        d.deserialize_any(PolicyVisitor)
    }
}

impl<'de> Deserialize<'de> for RawSkill {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct WithPreference {
            queue: String,
            preference: u32,
        }
        struct SkillVisitor;
        impl<'de> Visitor<'de> for SkillVisitor {
            type Value = RawSkill;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a queue id, or `{ queue: <id>, preference: <1, 2, ...> }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSkill, E> {
                Ok(RawSkill::Queue(v.to_string()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawSkill, A::Error> {
                let w = WithPreference::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawSkill::WithPreference { queue: w.queue, preference: w.preference })
            }
        }
        d.deserialize_any(SkillVisitor)
    }
}

impl<'de> Deserialize<'de> for RawRoster {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RosterVisitor;
        impl<'de> Visitor<'de> for RosterVisitor {
            type Value = RawRoster;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a roster: a list of `{ agent: <name>, days: [<code or ->, ...] }`, or a CSV file path")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRoster, E> {
                Ok(RawRoster::File(v.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<RawRoster, A::Error> {
                Vec::<RawRosterEntry>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(RawRoster::Entries)
            }
        }
        d.deserialize_any(RosterVisitor)
    }
}
