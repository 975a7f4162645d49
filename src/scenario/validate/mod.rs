//! Validation: raw serde types → [`Scenario`], collecting every problem with its YAML path.

mod agents;
mod calendar;
mod report;
mod volumes;

use super::limits::*;
use super::raw::*;
use super::*;
use crate::time::{parse_clock, parse_duration};

/// Parses YAML text and validates it. `file` names the source in errors and anchors relative
/// paths (CSV volumes).
pub fn parse_str(text: &str, file: &Path) -> Result<Scenario, ScenarioError> {
    let depth = nesting_depth(text);
    if depth > MAX_NESTING {
        return Err(ScenarioError::Parse {
            file: file.to_path_buf(),
            path: "(document)".into(),
            location: None,
            message: format!("lists and mappings nested about {depth} deep: at most {MAX_NESTING} levels"),
        });
    }
    let de = serde_yaml::Deserializer::from_str(text);
    let raw: RawScenario = serde_path_to_error::deserialize(de).map_err(|e| parse_error(e, file))?;
    from_raw(&raw, file).map_err(|e| match e {
        ScenarioError::Invalid { file, mut problems } => {
            let places = super::locate::locate(text);
            for p in &mut problems {
                p.location = super::locate::position(&places, &p.path);
            }
            ScenarioError::Invalid { file, problems }
        }
        other => other,
    })
}

/// Validates a horizon and its closed days alone (schedule specs share the scenario's horizon
/// format): every problem with its YAML path (`horizon.…`, `closed[i]`).
pub fn horizon_of(raw: &RawHorizon, closed: Option<&[String]>) -> Result<Horizon, Vec<Problem>> {
    let mut c = Check::default();
    let mut h = c.horizon(raw);
    if let Some(h) = h.as_mut() {
        c.closed_days(closed, h);
    }
    match h {
        Some(h) if c.problems.is_empty() => Ok(h),
        _ => Err(c.problems),
    }
}

/// A parse error with its YAML path, line and column, in planners' words.
pub(super) fn parse_error(e: serde_path_to_error::Error<serde_yaml::Error>, file: &Path) -> ScenarioError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let location = inner.location().map(|l| (l.line(), l.column()));
    {
        ScenarioError::Parse {
            file: file.to_path_buf(),
            path: {
                // serde_path_to_error marks an unknown position with `?`: keep what is known
                let known = path.trim_end_matches(".?").trim_end_matches('?').to_string();
                if known.is_empty() || known == "." { "(document)".into() } else { known }
            },
            location,
            message: plain_message(&inner.to_string()),
        }
    }
}

/// Rewrites a serde_norway message for planners: no repeated path prefix, no trailing location
/// (shown separately), no Rust type names.
fn plain_message(raw: &str) -> String {
    let mut m = raw.to_string();
    if let Some(cut) = m.find(" at line ") {
        m.truncate(cut);
    }
    // serde_norway prefixes the path ("agents[0].count: ..."); the error shows it already.
    if let Some((head, rest)) = m.split_once(": ")
        && !head.contains(' ')
        && (head.contains('.') || head.contains('['))
    {
        m = rest.to_string();
    }
    if let Some(hint) = decimal_comma_hint(&m) {
        m.push_str(&hint);
    }
    for (rust, plain) in [
        ("struct RawScenario", "a mapping with the scenario keys (name, horizon, queues, agents, simulation)"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
    ] {
        m = m.replace(rust, plain);
    }
    if let Some(i) = m.find("struct Raw") {
        let name_end = m[i + 7..].find(|c: char| !c.is_alphanumeric()).map_or(m.len(), |e| i + 7 + e);
        m.replace_range(i..name_end, "a mapping");
    }
    m
}

/// A hint when a message shows a decimal comma: `target: 0,80` reads as a string "0,80" in
/// block style and, inside `{ ... }`, as the value 0 followed by an unknown key `80`.
fn decimal_comma_hint(message: &str) -> Option<String> {
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let comma_number = |t: &str| t.split_once(',').is_some_and(|(a, b)| digits(a.trim_start_matches('-')) && digits(b));
    let quoted = |after: &str, open: char, close: char| {
        message.split_once(after).and_then(|(_, rest)| rest.strip_prefix(open)?.split(close).next().map(str::to_string))
    };
    let unknown_key = quoted("unknown field ", '`', '`').filter(|k| digits(k));
    let string_value = quoted("invalid type: string ", '"', '"').filter(|v| comma_number(v));
    if unknown_key.is_some() || string_value.is_some() {
        Some(" — this looks like a decimal comma: write numbers with a point (0.80, not 0,80)".into())
    } else {
        None
    }
}

/// Validates parsed raw types into a [`Scenario`]; `file` names the source and anchors CSV paths.
pub fn from_raw(raw: &RawScenario, file: &Path) -> Result<Scenario, ScenarioError> {
    let base = file.parent().unwrap_or(Path::new("."));
    let mut c = Check::default();
    let mut horizon = c.horizon(&raw.horizon);
    if let Some(h) = horizon.as_mut() {
        c.closed_days(raw.closed.as_deref(), h);
    }
    let shift_codes = c.shift_codes(raw.shift_codes.as_ref(), horizon.as_ref());

    let agent_selection = match raw.routing.as_ref().and_then(|r| r.agent_selection.as_deref()) {
        None | Some("longest_idle") => AgentSelection::LongestIdle,
        Some("least_skilled") => AgentSelection::LeastSkilled,
        Some(other) => {
            c.err(
                "routing.agent_selection",
                format!("unknown rule {other:?}: expected `longest_idle` or `least_skilled`"),
            );
            AgentSelection::LongestIdle
        }
    };

    // Ids first, so that references can be resolved whatever the order.
    let queue_ids: Vec<&str> = raw.queues.iter().map(|q| q.id.as_str()).collect();
    let group_ids: Vec<&str> = raw.agents.iter().map(|g| g.group.as_str()).collect();
    c.unique_ids("queues", "id", &queue_ids);
    c.unique_ids("agents", "group", &group_ids);
    if raw.queues.len() > MAX_QUEUES {
        c.err("queues", format!("{} queues: at most {MAX_QUEUES}", raw.queues.len()));
    }
    if raw.agents.len() > MAX_GROUPS {
        c.err("agents", format!("{} groups: at most {MAX_GROUPS}", raw.agents.len()));
    }
    if raw.queues.is_empty() {
        c.err("queues", "at least one queue is required".into());
    }
    if raw.agents.is_empty() {
        c.err("agents", "at least one agent group is required".into());
    }

    let queues: Vec<Queue> = raw
        .queues
        .iter()
        .enumerate()
        .map(|(i, q)| c.queue(&format!("queues[{i}]"), q, horizon.as_ref(), &group_ids, base))
        .collect();
    let groups: Vec<Group> = raw
        .agents
        .iter()
        .enumerate()
        .map(|(i, g)| c.group(&format!("agents[{i}]"), g, horizon.as_ref(), &queue_ids, &shift_codes, base))
        .collect();
    let mut names: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (gi, g) in groups.iter().enumerate() {
        if let Staffing::Shifts { roster, .. } = &g.staffing {
            for (k, a) in roster.iter().enumerate() {
                let here = format!("agents[{gi}].roster[{k}]");
                if let Some(first) = names.get(a.name.as_str()) {
                    c.err(&format!("{here}.agent"), format!("agent `{}` is already rostered at {first}", a.name));
                } else {
                    names.insert(&a.name, here);
                }
            }
        }
    }
    let regions = c.places("queues", "region", raw.queues.iter().map(|q| q.region.as_deref()));
    let sites = c.places("agents", "site", raw.agents.iter().map(|g| g.site.as_deref()));
    let routing_raw =
        raw.routing.clone().unwrap_or(RawRouting { agent_selection: None, prefer_site: None, cross_site_after: None });
    let mut prefer_site = Vec::new();
    if let Some(map) = &routing_raw.prefer_site {
        prefer_site = vec![None; regions.len()];
        for (region, site) in map {
            let path = format!("routing.prefer_site.{region}");
            match (regions.iter().position(|r| r == region), sites.iter().position(|s| s == site)) {
                (Some(r), Some(s)) => prefer_site[r] = Some(s),
                (None, _) => c.err(
                    &path,
                    format!("unknown region `{region}` (regions of the queues: {})", list_or_none(&regions)),
                ),
                (_, None) => {
                    c.err(&path, format!("unknown site `{site}` (sites of the groups: {})", list_or_none(&sites)))
                }
            }
        }
    }
    let cross_site_after_s = match (&routing_raw.cross_site_after, &routing_raw.prefer_site) {
        (Some(d), Some(_)) => c.duration("routing.cross_site_after", d).unwrap_or(f64::INFINITY),
        (Some(_), None) => {
            c.err("routing.cross_site_after", "goes with `prefer_site`".into());
            f64::INFINITY
        }
        (None, Some(_)) => {
            c.err(
                "routing.prefer_site",
                "give `cross_site_after` too: how long a call waits for its site before other sites' agents see it (e.g. 30s)".into(),
            );
            f64::INFINITY
        }
        (None, None) => f64::INFINITY,
    };
    let mut queues = queues;
    for (q, r) in queues.iter_mut().zip(&raw.queues) {
        q.region = r.region.as_deref().and_then(|x| regions.iter().position(|y| y == x));
    }
    let mut groups = groups;
    for (g, r) in groups.iter_mut().zip(&raw.agents) {
        g.site = r.site.as_deref().and_then(|x| sites.iter().position(|y| y == x));
        if let (Staffing::Curve(levels), Some(h)) = (&mut g.staffing, horizon.as_ref()) {
            let n = h.intervals_per_day();
            for (d, day) in levels.chunks_mut(n).enumerate() {
                if !h.is_open(d) {
                    day.fill(0);
                }
            }
        }
    }

    for (qi, q) in queues.iter().enumerate() {
        if queue_ids[..qi].contains(&q.id.as_str()) {
            continue; // already reported as a duplicate
        }
        let served = groups.iter().any(|g| g.skills.iter().any(|s| s.queue == qi))
            || q.overflow.as_ref().is_some_and(|o| !o.groups.is_empty());
        if !served && !groups.is_empty() {
            c.err(
                &format!("queues[{qi}]"),
                format!("no agent group has skill `{}`: add it to some group's `skills`", q.id),
            );
        }
    }

    let sim = raw.simulation.clone().unwrap_or_default();
    let replications = sim.replications.unwrap_or(100);
    if replications == 0 {
        c.err("simulation.replications", "must be at least 1".into());
    } else if replications > MAX_REPLICATIONS {
        c.err("simulation.replications", format!("{replications}: at most {MAX_REPLICATIONS}"));
    }
    let warmup_s = match &sim.warmup {
        None => 0.0,
        Some(w) => {
            let w = c.duration("simulation.warmup", w).unwrap_or(0.0);
            if let Some(h) = &horizon {
                let k = w / h.interval_s;
                if (k - k.round()).abs() > 1e-9 || w >= h.day_length_s() {
                    c.err(
                        "simulation.warmup",
                        format!(
                            "must be a whole number of intervals ({}) shorter than the day",
                            crate::time::format_duration(h.interval_s)
                        ),
                    );
                }
            }
            w
        }
    };

    let shrinkage = raw.planning.as_ref().and_then(|p| p.shrinkage);
    if let Some(v) = shrinkage
        && !(v.is_finite() && (0.0..1.0).contains(&v))
    {
        c.err("planning.shrinkage", format!("must be a share in [0, 1), got {v}"));
    }
    let report = c.report(raw.report.as_ref());
    let policy = raw.policy.as_ref().map(|p| c.policy(p, &queue_ids, &group_ids, base));
    if c.undated_refs > 1
        && let Some(p) = c.problems.iter_mut().find(|p| p.message.contains("the horizon has no dates"))
    {
        p.message.push_str(&format!(" ({} more weekday or date references below it)", c.undated_refs - 1));
    }
    if !c.problems.is_empty() {
        return Err(ScenarioError::Invalid { file: file.to_path_buf(), problems: c.problems });
    }
    Ok(Scenario {
        name: raw.name.clone(),
        horizon: horizon.expect("no problems implies a valid horizon"),
        routing: RoutingRules { agent_selection, prefer_site, cross_site_after_s },
        queues,
        groups,
        sites,
        regions,
        shift_codes,
        simulation: Simulation { replications, seed: sim.seed.unwrap_or(1), warmup_s },
        planning: Planning { shrinkage },
        policy,
        report,
    })
}

#[derive(Default)]
struct Check {
    problems: Vec<Problem>,
    /// Day references needing dates on an undated horizon: only the first is reported, with
    /// the count of the others added at the end.
    undated_refs: usize,
}

impl Check {
    /// The `policy` section: built-ins with resolved ids, the script path anchored at `base`.
    fn policy(&mut self, p: &RawPolicy, queue_ids: &[&str], group_ids: &[&str], base: &Path) -> PolicyConfig {
        use crate::scenario::BuiltinPolicy as Builtin;
        let full = match p {
            RawPolicy::Script(s) => RawPolicyFull { script: Some(s.clone()), ..Default::default() },
            RawPolicy::Full(f) => f.clone(),
        };
        let find = |c: &mut Check, path: String, ids: &[&str], id: &str, what: &str| {
            let i = ids.iter().position(|x| *x == id);
            if i.is_none() {
                c.err(&path, format!("unknown {what} `{id}`: expected one of {}", ids.join(", ")));
            }
            i.unwrap_or(0)
        };
        let mut builtins = Vec::new();
        let mut needs_tick = None;
        for (i, b) in full.builtin.iter().enumerate() {
            let path = format!("policy.builtin[{i}]");
            builtins.push(match b {
                RawBuiltin::Overflow { queue, groups, after } => Builtin::Overflow {
                    queue: find(self, format!("{path}.overflow.queue"), queue_ids, queue, "queue"),
                    groups: groups
                        .iter()
                        .enumerate()
                        .map(|(k, g)| find(self, format!("{path}.overflow.groups[{k}]"), group_ids, g, "group"))
                        .collect(),
                    after_s: self.duration(&format!("{path}.overflow.after"), after).unwrap_or(0.0),
                },
                RawBuiltin::BreakPostponement { queue, group, hold } => {
                    needs_tick.get_or_insert(path.clone());
                    Builtin::BreakPostponement {
                        queue: find(self, format!("{path}.break_postponement.queue"), queue_ids, queue, "queue"),
                        group: find(self, format!("{path}.break_postponement.group"), group_ids, group, "group"),
                        hold_s: self.duration(&format!("{path}.break_postponement.hold"), hold).unwrap_or(0.0),
                    }
                }
                RawBuiltin::Callback { queue, max_wait, acceptance } => Builtin::Callback {
                    queue: find(self, format!("{path}.callback.queue"), queue_ids, queue, "queue"),
                    max_wait_s: self.duration(&format!("{path}.callback.max_wait"), max_wait).unwrap_or(0.0),
                    acceptance: self.unit(&format!("{path}.callback.acceptance"), *acceptance, "acceptance"),
                },
            });
        }
        let tick_s = full.tick.as_ref().and_then(|t| self.duration("policy.tick", t));
        if let Some(t) = tick_s
            && t < MIN_TICK_S
        {
            self.err("policy.tick", format!("{t} s: the shortest tick is {MIN_TICK_S} s"));
        }
        if let (Some(path), None) = (needs_tick, full.tick.as_ref()) {
            self.err("policy.tick", format!("{path} checks at every tick: set `tick` (e.g. 5m)"));
        }
        if full.script.is_none() && builtins.is_empty() {
            self.err("policy", "expected a `script`, a `builtin` list, or both".into());
        }
        PolicyConfig { script: full.script.map(|s| base.join(s)), tick_s, builtins }
    }

    /// The distinct names of `key` (`region` of queues, `site` of groups) in order of first
    /// mention; when some entries name one, every entry must, so that aggregates sum to totals.
    fn places<'a>(&mut self, list: &str, key: &str, names: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
        let names: Vec<Option<&str>> = names.collect();
        let mut out: Vec<String> = Vec::new();
        if names.iter().all(Option::is_none) {
            return out;
        }
        for (i, n) in names.iter().enumerate() {
            match n {
                None => self.err(
                    &format!("{list}[{i}]"),
                    format!("other entries name a `{key}`: give this one a `{key}` too, so that every {key} total sums to the whole"),
                ),
                Some(n) if n.trim().is_empty() => self.err(&format!("{list}[{i}].{key}"), "must not be empty".into()),
                Some(n) if !out.iter().any(|o| o == n) => out.push(n.to_string()),
                _ => {}
            }
        }
        out
    }

    fn err(&mut self, path: &str, message: String) {
        self.problems.push(Problem { path: path.to_string(), message, location: None });
    }

    fn duration(&mut self, path: &str, d: &RawDuration) -> Option<f64> {
        let r = match d {
            RawDuration::Seconds(v) if v.is_finite() && *v >= 0.0 => Ok(*v),
            RawDuration::Seconds(v) => Err(format!("invalid duration {v}: expected non-negative seconds")),
            RawDuration::Text(t) => parse_duration(t),
        };
        r.map_err(|m| self.err(path, m)).ok()
    }

    fn clock(&mut self, path: &str, t: &str) -> Option<f64> {
        parse_clock(t).map_err(|m| self.err(path, m)).ok()
    }

    fn unit(&mut self, path: &str, v: f64, what: &str) -> f64 {
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            self.err(path, format!("{what} must be a share in [0, 1], got {v}"));
        }
        v
    }

    fn unique_ids(&mut self, list: &str, key: &str, ids: &[&str]) {
        for (i, id) in ids.iter().enumerate() {
            if id.trim().is_empty() {
                self.err(&format!("{list}[{i}].{key}"), "must not be empty".into());
            } else if ids[..i].contains(id) {
                self.err(&format!("{list}[{i}].{key}"), format!("duplicate id `{id}`"));
            }
        }
    }

    fn horizon(&mut self, h: &RawHorizon) -> Option<Horizon> {
        let start = self.clock("horizon.start", &h.start);
        let end = self.clock("horizon.end", &h.end);
        let interval = match &h.interval {
            // a bare `30` would be 30 seconds: almost always a forgotten unit
            RawDuration::Seconds(v) => {
                self.err(
                    "horizon.interval",
                    format!("{v} has no unit: write it with one, e.g. `{v}m` for minutes (`{v}s` for seconds)"),
                );
                None
            }
            d => self.duration("horizon.interval", d),
        };
        let from = h
            .from
            .as_deref()
            .and_then(|f| crate::calendar::parse_date(f).map_err(|m| self.err("horizon.from", m)).ok());
        let to =
            h.to.as_deref().and_then(|t| crate::calendar::parse_date(t).map_err(|m| self.err("horizon.to", m)).ok());
        let days = match (h.to.is_some(), from, to, h.days) {
            (true, None, _, _) if h.from.is_none() => {
                self.err("horizon.to", "`to` goes with `from` (the first date)".into());
                1
            }
            (_, Some(f), Some(t), days) => {
                let n = (t - f).num_days() + 1;
                if n < 1 {
                    self.err("horizon.to", format!("{t} is before `from` ({f})"));
                    1
                } else if days.is_some_and(|d| i64::from(d) != n) {
                    self.err(
                        "horizon.days",
                        format!("{} days, but {f} to {t} is {n}: give `days` or `to`", days.unwrap_or(0)),
                    );
                    1
                } else {
                    n.min(i64::from(MAX_DAYS) + 1) as u32
                }
            }
            (_, _, _, days) => days.unwrap_or(1),
        };
        if days == 0 {
            self.err("horizon.days", "must be at least 1".into());
        } else if days > MAX_DAYS {
            self.err("horizon.days", format!("{days} days: at most {MAX_DAYS}"));
        }
        let (start, end, interval) = (start?, end?, interval?);
        if end <= start {
            self.err("horizon.end", "must be after horizon.start".into());
            return None;
        }
        if interval < MIN_INTERVAL_S {
            self.err(
                "horizon.interval",
                format!(
                    "{}: the shortest interval is {} (planners use 15m, 30m or 1h)",
                    crate::time::format_duration(interval),
                    crate::time::format_duration(MIN_INTERVAL_S)
                ),
            );
            return None;
        }
        if interval > end - start {
            self.err(
                "horizon.interval",
                format!(
                    "{} is longer than the day {}–{}: a day needs at least one interval",
                    crate::time::format_duration(interval),
                    h.start,
                    h.end
                ),
            );
            return None;
        }
        let k = (end - start) / interval;
        if (k - k.round()).abs() > 1e-9 {
            self.err(
                "horizon.interval",
                format!(
                    "{} does not divide the day {}–{} into whole intervals",
                    crate::time::format_duration(interval),
                    h.start,
                    h.end
                ),
            );
            return None;
        }
        if h.from.is_some() && from.is_none() || h.to.is_some() && to.is_none() {
            return None;
        }
        (days > 0 && days <= MAX_DAYS).then_some(Horizon { from, ..Horizon::undated(start, end, interval, days) })
    }

    fn dist(&mut self, path: &str, d: &RawDist) -> Option<Dist> {
        let has = |present: bool, key: &str, allowed: &[&str]| present && !allowed.contains(&key);
        let allowed: &[&str] = match d.dist.as_str() {
            "exponential" | "constant" => &["mean"],
            "lognormal" | "gamma" => &["mean", "cv"],
            "erlang" => &["mean", "k"],
            "uniform" => &["min", "max"],
            "empirical" => &["values"],
            other => {
                self.err(
                    &format!("{path}.dist"),
                    format!(
                        "unknown distribution {other:?}: expected exponential, lognormal, gamma, erlang, uniform, constant or empirical"
                    ),
                );
                return None;
            }
        };
        let present = [
            ("mean", d.mean.is_some()),
            ("cv", d.cv.is_some()),
            ("k", d.k.is_some()),
            ("min", d.min.is_some()),
            ("max", d.max.is_some()),
            ("values", d.values.is_some()),
        ];
        let mut ok = true;
        for (key, p) in present {
            let article = if d.dist.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            if has(p, key, allowed) {
                let keys: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
                self.err(
                    &format!("{path}.{key}"),
                    format!(
                        "`{key}` does not apply to {article} {} distribution, which takes {}",
                        d.dist,
                        keys.join(", ")
                    ),
                );
                ok = false;
            } else if !p && allowed.contains(&key) {
                self.err(&format!("{path}.{key}"), format!("{article} {} distribution needs `{key}`", d.dist));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let mut dur =
            |key: &str, v: &Option<RawDuration>| v.as_ref().and_then(|v| self.duration(&format!("{path}.{key}"), v));
        let dist = match d.dist.as_str() {
            "exponential" => Dist::Exponential { mean: dur("mean", &d.mean)? },
            "constant" => Dist::Constant { mean: dur("mean", &d.mean)? },
            "lognormal" => Dist::Lognormal { mean: dur("mean", &d.mean)?, cv: d.cv? },
            "gamma" => Dist::Gamma { mean: dur("mean", &d.mean)?, cv: d.cv? },
            "erlang" => Dist::Erlang { mean: dur("mean", &d.mean)?, k: d.k? },
            "uniform" => Dist::Uniform { min: dur("min", &d.min)?, max: dur("max", &d.max)? },
            _ => {
                let values = d.values.as_ref()?;
                let parsed: Vec<Option<f64>> =
                    values.iter().enumerate().map(|(i, v)| self.duration(&format!("{path}.values[{i}]"), v)).collect();
                Dist::Empirical { values: parsed.into_iter().collect::<Option<Vec<f64>>>()? }
            }
        };
        if let Some(m) = dist.problem() {
            // name the parameter the message is about
            let key = ["mean", "cv", "k", "min", "values"]
                .into_iter()
                .find(|k| m.starts_with(&format!("`{k}`")))
                .unwrap_or("dist");
            self.err(&format!("{path}.{key}"), m);
            return None;
        }
        let (key, longest) = match &dist {
            Dist::Uniform { max, .. } => ("max", *max),
            Dist::Empirical { values } => ("values", values.iter().copied().fold(0.0, f64::max)),
            d => ("mean", d.mean()),
        };
        if longest > MAX_DURATION_S {
            self.err(
                &format!("{path}.{key}"),
                format!(
                    "{}: at most {} (check the unit)",
                    crate::time::format_duration(longest),
                    crate::time::format_duration(MAX_DURATION_S)
                ),
            );
            return None;
        }
        if let Dist::Erlang { k, .. } = dist
            && k > MAX_ERLANG_K
        {
            self.err(&format!("{path}.k"), format!("{k} phases: at most {MAX_ERLANG_K}"));
            return None;
        }
        Some(dist)
    }

    fn queue(&mut self, path: &str, q: &RawQueue, h: Option<&Horizon>, groups: &[&str], base: &Path) -> Queue {
        let mut volumes =
            h.and_then(|h| self.volumes(&format!("{path}.arrivals"), &q.arrivals, h, &q.id, base)).unwrap_or_default();
        if let Some(h) = h {
            let n = h.intervals_per_day();
            let own = match &q.closed {
                Some(refs) => self.day_mask(&format!("{path}.closed"), refs, h).unwrap_or_default(),
                None => Vec::new(),
            };
            for (d, day) in volumes.chunks_mut(n).enumerate() {
                if !h.is_open(d) || own.get(d).copied().unwrap_or(false) {
                    day.fill(0.0);
                }
            }
        }
        let busyness = q.arrivals.busyness.as_ref().map_or(Busyness::default(), |b| {
            let mut cv = |key: &str, v: Option<f64>| {
                let v = v.unwrap_or(0.0);
                if !(v.is_finite() && (0.0..=5.0).contains(&v)) {
                    self.err(&format!("{path}.arrivals.busyness.{key}"), format!("must be in [0, 5], got {v}"));
                }
                v
            };
            Busyness { day_cv: cv("day_cv", b.day_cv), interval_cv: cv("interval_cv", b.interval_cv) }
        });
        let placeholder = Dist::Constant { mean: 1.0 };
        let handle_time = self.dist(&format!("{path}.handle_time"), &q.handle_time).unwrap_or(placeholder.clone());
        let wrap_up = q.wrap_up.as_ref().and_then(|d| self.dist(&format!("{path}.wrap_up"), d));
        let patience = q.patience.as_ref().and_then(|d| self.dist(&format!("{path}.patience"), d));
        let retrial = q.retrial.as_ref().map(|r| {
            let p = format!("{path}.retrial");
            let probability = self.unit(&format!("{p}.probability"), r.probability, "probability");
            if probability > MAX_RETRIAL_PROBABILITY {
                self.err(
                    &format!("{p}.probability"),
                    format!(
                        "{probability}: at most {MAX_RETRIAL_PROBABILITY} (at 1 an unserved caller retries forever)"
                    ),
                );
            }
            let delay = self.dist(&format!("{p}.delay"), &r.delay).unwrap_or(placeholder.clone());
            if delay.mean() < MIN_RETRIAL_DELAY_S {
                self.err(&format!("{p}.delay"), format!("mean {} s: at least {MIN_RETRIAL_DELAY_S} s", delay.mean()));
            }
            Retrial { probability, delay }
        });
        if retrial.is_some() && q.patience.is_none() {
            self.err(
                &format!("{path}.retrial"),
                "retrials need a `patience` (callers who never abandon never retry)".into(),
            );
        }
        let service_level = match &q.service_level {
            None => ServiceLevel { threshold_s: 20.0, target: 0.8, definition: SlDefinition::Offered },
            Some(sl) => {
                let p = format!("{path}.service_level");
                let threshold_s = self.duration(&format!("{p}.answered_within"), &sl.answered_within).unwrap_or(20.0);
                let target = self.unit(&format!("{p}.target"), sl.target, "target");
                let definition = match sl.definition.as_deref() {
                    None | Some("offered") => SlDefinition::Offered,
                    Some("offered_minus_short_abandons") => SlDefinition::OfferedMinusShortAbandons,
                    Some("answered") => SlDefinition::Answered,
                    Some(o) => {
                        self.err(
                            &format!("{p}.definition"),
                            format!("unknown definition {o:?}: expected `offered`, `offered_minus_short_abandons` or `answered`"),
                        );
                        SlDefinition::Offered
                    }
                };
                ServiceLevel { threshold_s, target, definition }
            }
        };
        let (max_asa_s, max_abandon_rate) = match &q.targets {
            None => (None, None),
            Some(t) => (
                t.max_asa.as_ref().and_then(|d| self.duration(&format!("{path}.targets.max_asa"), d)),
                t.max_abandon_rate
                    .map(|v| self.unit(&format!("{path}.targets.max_abandon_rate"), v, "max_abandon_rate")),
            ),
        };
        let overflow = q.overflow.as_ref().map(|o| {
            let after_s = self.duration(&format!("{path}.overflow.after"), &o.after).unwrap_or(0.0);
            let groups = o
                .groups
                .iter()
                .enumerate()
                .filter_map(|(i, g)| {
                    let idx = groups.iter().position(|x| x == g);
                    if o.groups[..i].contains(g) {
                        self.err(&format!("{path}.overflow.groups[{i}]"), format!("group `{g}` listed twice"));
                        return None;
                    }
                    if idx.is_none() {
                        self.err(
                            &format!("{path}.overflow.groups[{i}]"),
                            format!("unknown group `{g}` (groups: {})", groups.join(", ")),
                        );
                    }
                    idx
                })
                .collect();
            Overflow { after_s, groups }
        });
        if q.lines == Some(0) {
            self.err(&format!("{path}.lines"), "must be at least 1 (omit it for unlimited lines)".into());
        }
        Queue {
            id: q.id.clone(),
            region: None,
            volumes,
            busyness,
            handle_time,
            wrap_up,
            patience,
            retrial,
            service_level,
            max_asa_s,
            max_abandon_rate,
            priority: q.priority.unwrap_or(0),
            overflow,
            lines: q.lines,
        }
    }
}

fn problems_text(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect::<Vec<_>>().join("; ")
}

/// Validates one distribution given as raw keys (for scripts); the error lists every problem.
pub fn validate_dist(raw: &RawDist) -> Result<Dist, String> {
    let mut c = Check::default();
    match c.dist("dist", raw) {
        Some(d) if c.problems.is_empty() => Ok(d),
        _ => Err(problems_text(&c.problems)),
    }
}

/// Validates a new queue given as raw keys against an existing scenario (for scripts).
pub fn validate_queue(raw: &RawQueue, s: &Scenario) -> Result<Queue, String> {
    let mut c = Check::default();
    if s.queue_index(&raw.id).is_some() {
        c.err("id", format!("a queue `{}` exists already", raw.id));
    }
    let groups: Vec<&str> = s.groups.iter().map(|g| g.id.as_str()).collect();
    let q = c.queue("queue", raw, Some(&s.horizon), &groups, Path::new("."));
    if c.problems.is_empty() { Ok(q) } else { Err(problems_text(&c.problems)) }
}

/// `a, b, c`, or `none` for an empty list.
fn list_or_none(v: &[String]) -> String {
    if v.is_empty() { "none".into() } else { v.join(", ") }
}
