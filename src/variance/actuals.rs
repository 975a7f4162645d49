//! Actual figures per interval and queue, as an ACD export gives them, read from CSV and
//! validated against the plan (the scenario they are compared with): every row names a day,
//! an interval and a queue (or an agent group) of the plan. Parsing and validation only; what
//! the figures are compared with and how is in the parent module. The format is documented in
//! `docs/variance.md`.
//!
//! Two kinds of rows share one header:
//! - a **queue row** (`queue` set, `group` empty): offered, handled, abandoned, answered within
//!   the SL threshold, AHT, optionally ASA, short abandons and the agents staffed (the latter
//!   only for a queue served by one dedicated group);
//! - a **group row** (`group` set, `queue` empty): the agents of that group staffed on average
//!   in the interval (`staffed`), and nothing else.
//!
//! Every problem is collected, each naming the file, the line and the column.

use crate::scenario::{Scenario, SlDefinition};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The columns a header may have, in documentation order; the first eight are required.
pub const COLUMNS: [&str; 12] = [
    "date",
    "interval",
    "queue",
    "offered",
    "handled",
    "abandoned",
    "answered_within",
    "aht_s",
    "group",
    "staffed",
    "asa_s",
    "abandoned_within",
];

/// How many of [`COLUMNS`] every file must have.
const REQUIRED: usize = 8;

/// The largest actuals file read, bytes.
pub const MAX_ACTUALS_BYTES: u64 = 64 << 20;

/// One row of the file, every cell as text (empty cells and absent columns are `None`).
#[derive(Debug, Default, Deserialize)]
struct RawRow {
    date: Option<String>,
    interval: Option<String>,
    queue: Option<String>,
    offered: Option<String>,
    handled: Option<String>,
    abandoned: Option<String>,
    answered_within: Option<String>,
    aht_s: Option<String>,
    group: Option<String>,
    staffed: Option<String>,
    asa_s: Option<String>,
    abandoned_within: Option<String>,
}

/// The actual figures of one queue in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueActual {
    /// Line of the file (1-based), for messages.
    pub line: usize,
    /// Global interval of the plan's horizon.
    pub interval: usize,
    /// Queue index in the plan.
    pub queue: usize,
    /// Calls offered (arrived), calls.
    pub offered: f64,
    /// Calls answered, calls.
    pub handled: f64,
    /// Calls abandoned, calls.
    pub abandoned: f64,
    /// Calls answered within the queue's SL threshold, calls.
    pub answered_within: f64,
    /// Calls abandoned within the SL threshold (short abandons), calls, when given.
    pub abandoned_within: Option<f64>,
    /// Average handle time (talk + hold + after-call work) of the answered calls, seconds;
    /// `None` when no call was answered and the cell is empty.
    pub aht_s: Option<f64>,
    /// Average speed of answer of the answered calls, seconds, when given.
    pub asa_s: Option<f64>,
}

impl QueueActual {
    /// The SL numerator and denominator under `def`, calls; `None` when the definition needs
    /// short abandons and the row does not give them.
    pub fn sl_parts(&self, def: SlDefinition) -> Option<(f64, f64)> {
        let den = match def {
            SlDefinition::Offered => self.offered,
            SlDefinition::OfferedMinusShortAbandons => self.offered - self.abandoned_within?,
            SlDefinition::Answered => self.handled,
        };
        Some((self.answered_within, den))
    }
}

/// Agents of one group staffed on average in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupActual {
    /// Line of the file (1-based), for messages.
    pub line: usize,
    /// Global interval of the plan's horizon.
    pub interval: usize,
    /// Group index in the plan.
    pub group: usize,
    /// Agents staffed (logged in and available for calls, breaks excluded) on average over
    /// the interval, agents.
    pub staffed: f64,
}

/// The actuals of a file, validated against a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Actuals {
    /// The file read.
    pub file: PathBuf,
    /// Queue rows, sorted by (interval, queue); at most one per pair.
    pub queues: Vec<QueueActual>,
    /// Staffing per (interval, group), from group rows and the `staffed` of queue rows of
    /// dedicated groups; sorted, at most one per pair.
    pub groups: Vec<GroupActual>,
}

/// One problem of an actuals file: where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct CellProblem {
    /// Line of the file (1-based); 1 is the header.
    pub line: usize,
    /// The column, when the problem is one cell's.
    pub column: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Why an actuals file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ActualsError {
    /// The file could not be read.
    #[error("{}: cannot read: {message}", file.display())]
    Io {
        /// The actuals file.
        file: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// Cells are missing, malformed or do not fit the plan; every problem found is listed.
    #[error("{}: {} problem(s):{}", file.display(), problems.len(), ProblemList(problems))]
    Invalid {
        /// The actuals file.
        file: PathBuf,
        /// All problems found, in line order.
        problems: Vec<CellProblem>,
    },
}

struct ProblemList<'a>(&'a [CellProblem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self.0 {
            match &p.column {
                Some(c) => write!(f, "\n  - line {}, column `{c}`: {}", p.line, p.message)?,
                None => write!(f, "\n  - line {}: {}", p.line, p.message)?,
            }
        }
        Ok(())
    }
}

/// Reads and validates an actuals file against `plan`.
pub fn load(path: &Path, plan: &Scenario) -> Result<Actuals, ActualsError> {
    let io = |message: String| ActualsError::Io { file: path.to_path_buf(), message };
    let meta = std::fs::metadata(path).map_err(|e| io(e.to_string()))?;
    if !meta.is_file() {
        return Err(io("not a regular file".into()));
    }
    if meta.len() > MAX_ACTUALS_BYTES {
        return Err(io(format!("{} bytes: an actuals file has at most {MAX_ACTUALS_BYTES}", meta.len())));
    }
    let text = std::fs::read_to_string(path).map_err(|e| io(e.to_string()))?;
    parse_str(&text, path, plan)
}

/// Parses and validates actuals given as text (`file` names it in messages).
pub fn parse_str(text: &str, file: &Path, plan: &Scenario) -> Result<Actuals, ActualsError> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(CellProblem { line: 1, column: None, message: format!("cannot read the header: {e}") });
            return Err(ActualsError::Invalid { file: file.to_path_buf(), problems });
        }
    };
    // a spreadsheet saved in a `;` locale: one problem that says so, not one per row
    if headers.len() == 1 && headers.get(0).is_some_and(|h| h.contains(';')) {
        problems.push(CellProblem {
            line: 1,
            column: None,
            message: "the cells are separated by `;`: save the file as CSV with `,` between cells and `.` in numbers (the C locale)".into(),
        });
        return Err(ActualsError::Invalid { file: file.to_path_buf(), problems });
    }
    for h in &headers {
        if !COLUMNS.contains(&h) {
            problems.push(CellProblem {
                line: 1,
                column: Some(h.to_string()),
                message: format!("unknown column (columns: {})", COLUMNS.join(", ")),
            });
        }
    }
    for c in &COLUMNS[..REQUIRED] {
        if !headers.iter().any(|h| h == *c) {
            problems.push(CellProblem {
                line: 1,
                column: Some(c.to_string()),
                message: "required column missing".into(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(ActualsError::Invalid { file: file.to_path_buf(), problems });
    }
    let mut cx = Cx { plan, problems: Vec::new(), queues: BTreeMap::new(), groups: BTreeMap::new() };
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                cx.problems.push(CellProblem { line, column: None, message: format!("malformed CSV: {e}") });
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.iter().all(str::is_empty) {
            continue;
        }
        match rec.deserialize::<RawRow>(Some(&headers)) {
            Ok(raw) => cx.row(line, &raw.blank_to_none()),
            Err(e) => cx.problems.push(CellProblem { line, column: None, message: format!("malformed row: {e}") }),
        }
    }
    if cx.queues.is_empty() && cx.problems.is_empty() {
        cx.problems.push(CellProblem { line: 1, column: None, message: "no queue rows: nothing to compare".into() });
    }
    if !cx.problems.is_empty() {
        let mut problems = cx.problems;
        problems.sort_by_key(|p| p.line);
        return Err(ActualsError::Invalid { file: file.to_path_buf(), problems });
    }
    Ok(Actuals {
        file: file.to_path_buf(),
        queues: cx.queues.into_values().collect(),
        groups: cx.groups.into_values().collect(),
    })
}

impl RawRow {
    /// Empty cells as `None`.
    fn blank_to_none(self) -> RawRow {
        let f = |c: Option<String>| c.filter(|t| !t.is_empty());
        RawRow {
            date: f(self.date),
            interval: f(self.interval),
            queue: f(self.queue),
            offered: f(self.offered),
            handled: f(self.handled),
            abandoned: f(self.abandoned),
            answered_within: f(self.answered_within),
            aht_s: f(self.aht_s),
            group: f(self.group),
            staffed: f(self.staffed),
            asa_s: f(self.asa_s),
            abandoned_within: f(self.abandoned_within),
        }
    }
}

/// The validation in progress: the plan, problems so far, rows kept by (interval, index).
struct Cx<'a> {
    plan: &'a Scenario,
    problems: Vec<CellProblem>,
    queues: BTreeMap<(usize, usize), QueueActual>,
    groups: BTreeMap<(usize, usize), GroupActual>,
}

impl Cx<'_> {
    fn problem(&mut self, line: usize, column: &str, message: impl Into<String>) {
        self.problems.push(CellProblem { line, column: Some(column.to_string()), message: message.into() });
    }

    /// A required non-negative number; `None` (and a problem) when missing or malformed.
    fn number(&mut self, line: usize, column: &str, cell: &Option<String>) -> Option<f64> {
        let Some(t) = cell else {
            self.problem(line, column, "missing value");
            return None;
        };
        self.optional(line, column, Some(t))
    }

    /// An optional non-negative number; a problem when present and malformed.
    fn optional(&mut self, line: usize, column: &str, cell: Option<&String>) -> Option<f64> {
        let t = cell?;
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => match limit(column) {
                Some((max, what)) if v > max => {
                    self.problem(line, column, format!("{v} is beyond the limit of {max} {what}"));
                    None
                }
                _ => Some(v),
            },
            Ok(v) => {
                self.problem(line, column, format!("{v} is not a non-negative number"));
                None
            }
            Err(_) => {
                self.problem(
                    line,
                    column,
                    format!("{t:?} is not a number (use `.` for decimals, no thousands separator)"),
                );
                None
            }
        }
    }

    /// The global interval a row's `date` and `interval` name, or `None` (and problems).
    fn interval(&mut self, line: usize, raw: &RawRow) -> Option<usize> {
        let h = &self.plan.horizon;
        let day = match (&raw.date, h.from) {
            (None, None) => Some(0),
            (None, Some(_)) => {
                self.problem(line, "date", "missing value: the plan is dated, give YYYY-MM-DD");
                None
            }
            (Some(t), from) => {
                // an undated plan also takes a bare day number: "2" is d2
                let text =
                    if from.is_none() && t.bytes().all(|b| b.is_ascii_digit()) { format!("d{t}") } else { t.clone() };
                let resolved = crate::calendar::DayRef::parse(&text).and_then(|r| match r {
                    crate::calendar::DayRef::Date(_) | crate::calendar::DayRef::Number(_) => r.resolve(h.from, h.days),
                    _ => Err(format!(
                        "{t:?}: expected {}",
                        if from.is_some() { "a date YYYY-MM-DD" } else { "a day number (1, 2, ...)" }
                    )),
                });
                match resolved {
                    Ok(d) if d.len() == 1 => Some(d[0]),
                    Ok(_) => {
                        self.problem(line, "date", format!("{t:?} names no single day of the plan"));
                        None
                    }
                    Err(e) => {
                        self.problem(
                            line,
                            "date",
                            format!("{e} (the plan covers {} to {})", h.day_label(0), h.day_label(h.days as usize - 1)),
                        );
                        None
                    }
                }
            }
        };
        if let Some(d) = day
            && !h.is_open(d)
        {
            self.problem(line, "date", format!("{} is closed in the plan", h.day_label(d)));
        }
        let Some(t) = &raw.interval else {
            self.problem(line, "interval", "missing value");
            return None;
        };
        let clock = match crate::time::parse_clock(t) {
            Ok(c) => c,
            Err(e) => {
                self.problem(line, "interval", e);
                return None;
            }
        };
        let k = (clock - h.start_s) / h.interval_s;
        let n = h.intervals_per_day();
        if k < 0.0 || k.fract() != 0.0 || k as usize >= n {
            self.problem(
                line,
                "interval",
                format!(
                    "{t}: not the start of one of the plan's intervals ({} to {} every {})",
                    crate::time::format_clock(h.start_s),
                    crate::time::format_clock(h.end_s - h.interval_s),
                    crate::time::format_duration(h.interval_s)
                ),
            );
            return None;
        }
        let warmup = self.plan.simulation.warmup_s;
        if k * h.interval_s < warmup {
            let end = crate::time::format_clock(h.start_s + warmup);
            self.problem(
                line,
                "interval",
                format!("{t}: in the plan's warm-up (until {end}), which no statistic covers"),
            );
            return None;
        }
        day.filter(|d| h.is_open(*d)).map(|d| d * n + k as usize)
    }

    fn row(&mut self, line: usize, raw: &RawRow) {
        let interval = self.interval(line, raw);
        match (&raw.queue, &raw.group) {
            (Some(_), Some(_)) => {
                self.problem(line, "group", "a row is for a queue or for a group, not both: leave one empty")
            }
            (None, None) => self.problem(line, "queue", "missing value (or give `group` for a staffing row)"),
            (Some(q), None) => self.queue_row(line, interval, q, raw),
            (None, Some(g)) => self.group_row(line, interval, g, raw),
        }
    }

    fn queue_row(&mut self, line: usize, interval: Option<usize>, q: &str, raw: &RawRow) {
        let plan = self.plan;
        let queue = plan.queue_index(q);
        if queue.is_none() {
            let ids: Vec<&str> = plan.queues.iter().map(|q| q.id.as_str()).collect();
            self.problem(line, "queue", format!("unknown queue `{q}` (queues: {})", ids.join(", ")));
        }
        let offered = self.number(line, "offered", &raw.offered);
        let handled = self.number(line, "handled", &raw.handled);
        let abandoned = self.number(line, "abandoned", &raw.abandoned);
        let within = self.number(line, "answered_within", &raw.answered_within);
        let aht = self.optional(line, "aht_s", raw.aht_s.as_ref());
        let asa = self.optional(line, "asa_s", raw.asa_s.as_ref());
        let short = self.optional(line, "abandoned_within", raw.abandoned_within.as_ref());
        let staffed = self.optional(line, "staffed", raw.staffed.as_ref());
        let (Some(i), Some(q), Some(offered), Some(handled), Some(abandoned), Some(within)) =
            (interval, queue, offered, handled, abandoned, within)
        else {
            return;
        };
        if within > handled {
            self.problem(line, "answered_within", format!("{within} is more than the {handled} calls handled"));
        }
        if let Some(s) = short
            && s > abandoned
        {
            self.problem(line, "abandoned_within", format!("{s} is more than the {abandoned} calls abandoned"));
        }
        if handled > 0.0 && aht.is_none() && raw.aht_s.is_none() {
            self.problem(line, "aht_s", "missing value: calls were handled");
        }
        if aht == Some(0.0) && handled > 0.0 {
            self.problem(line, "aht_s", "must be positive when calls were handled");
        }
        let def = plan.queues[q].service_level.definition;
        if def == SlDefinition::OfferedMinusShortAbandons && short.is_none() && raw.abandoned_within.is_none() {
            self.problem(
                line,
                "abandoned_within",
                format!("missing value: queue `{}` measures SL over offered − short abandons", plan.queues[q].id),
            );
        }
        if let Some(a) = staffed {
            self.dedicated_staffing(line, i, q, a);
        }
        let row = QueueActual {
            line,
            interval: i,
            queue: q,
            offered,
            handled,
            abandoned,
            answered_within: within,
            abandoned_within: short,
            aht_s: aht.filter(|_| handled > 0.0),
            asa_s: asa.filter(|_| handled > 0.0),
        };
        if let Some(first) = self.queues.get(&(i, q)) {
            let msg = format!(
                "a second row for queue `{}` in this interval (first on line {})",
                plan.queues[q].id, first.line
            );
            self.problem(line, "queue", msg);
            return;
        }
        self.queues.insert((i, q), row);
    }

    /// The `staffed` of a queue row: the agents of the one group that serves the queue and
    /// nothing else.
    fn dedicated_staffing(&mut self, line: usize, i: usize, q: usize, staffed: f64) {
        let plan = self.plan;
        let serving: Vec<usize> = (0..plan.groups.len())
            .filter(|&g| {
                plan.groups[g].skills.iter().any(|s| s.queue == q)
                    || plan.queues[q].overflow.as_ref().is_some_and(|o| o.groups.contains(&g))
            })
            .collect();
        match serving.as_slice() {
            [g] if plan.groups[*g].skills.len() == 1 => self.add_staffing(line, "staffed", i, *g, staffed),
            _ => {
                let ids: Vec<&str> = serving.iter().map(|&g| plan.groups[g].id.as_str()).collect();
                self.problem(
                    line,
                    "staffed",
                    format!(
                        "queue `{}` is not served by one dedicated group (served by: {}): give staffing in rows with a `group` and an empty `queue`",
                        plan.queues[q].id,
                        if ids.is_empty() { "none".to_string() } else { ids.join(", ") }
                    ),
                );
            }
        }
    }

    fn group_row(&mut self, line: usize, interval: Option<usize>, g: &str, raw: &RawRow) {
        let plan = self.plan;
        let group = plan.group_index(g);
        if group.is_none() {
            let ids: Vec<&str> = plan.groups.iter().map(|g| g.id.as_str()).collect();
            self.problem(line, "group", format!("unknown group `{g}` (groups: {})", ids.join(", ")));
        }
        let queue_cells = [
            ("offered", &raw.offered),
            ("handled", &raw.handled),
            ("abandoned", &raw.abandoned),
            ("answered_within", &raw.answered_within),
            ("aht_s", &raw.aht_s),
            ("asa_s", &raw.asa_s),
            ("abandoned_within", &raw.abandoned_within),
        ];
        for (c, v) in queue_cells {
            if v.is_some() {
                self.problem(line, c, "a group row gives `staffed` only: leave the queue's figures empty");
            }
        }
        let staffed = self.number(line, "staffed", &raw.staffed);
        if let (Some(i), Some(g), Some(s)) = (interval, group, staffed) {
            self.add_staffing(line, "group", i, g, s);
        }
    }

    fn add_staffing(&mut self, line: usize, column: &str, i: usize, g: usize, staffed: f64) {
        if let Some(first) = self.groups.get(&(i, g)) {
            let msg = format!(
                "staffing of group `{}` in this interval is given twice (first on line {})",
                self.plan.groups[g].id, first.line
            );
            self.problem(line, column, msg);
            return;
        }
        self.groups.insert((i, g), GroupActual { line, interval: i, group: g, staffed });
    }
}

/// The most a column may hold (the scenario's limits, so a slipped exponent is refused before
/// anything is simulated), with the unit it is counted in.
fn limit(column: &str) -> Option<(f64, &'static str)> {
    use crate::scenario::limits::{MAX_AGENTS_PER_GROUP, MAX_CALLS_PER_INTERVAL, MAX_DURATION_S};
    match column {
        "offered" | "handled" | "abandoned" | "answered_within" | "abandoned_within" => {
            Some((MAX_CALLS_PER_INTERVAL, "calls in an interval"))
        }
        "aht_s" | "asa_s" => Some((MAX_DURATION_S, "seconds")),
        "staffed" => Some((f64::from(MAX_AGENTS_PER_GROUP), "agents")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"
name: Warm
horizon: { start: "08:00", end: "10:00", interval: 30m }
queues:
  - id: q
    arrivals: { rate_per_hour: 60 }
    handle_time: { dist: exponential, mean: 3m }
    service_level: { answered_within: 20s, target: 0.8, definition: offered_minus_short_abandons }
agents:
  - { group: a, skills: [q], count: 3 }
  - { group: b, skills: [q], count: 1 }
simulation: { replications: 2, seed: 1, warmup: 30m }
"#;

    fn plan() -> Scenario {
        crate::scenario::parse_str(PLAN, Path::new("p.yaml")).unwrap()
    }

    fn problems(csv: &str) -> Vec<CellProblem> {
        match parse_str(csv, Path::new("a.csv"), &plan()) {
            Err(ActualsError::Invalid { problems, .. }) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn a_semicolon_file_gets_one_clear_problem() {
        let p = problems("date;interval;queue;offered;handled;abandoned;answered_within;aht_s\n1;08:30;q;5;5;0;5;60\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("separated by `;`"), "{p:?}");
    }

    #[test]
    fn headers_are_checked_before_rows() {
        let p = problems(
            "date,interval,queue,offered,handled,abandoned,answered_within,aht,extra\n1,08:30,q,1,1,0,1,100,x\n",
        );
        let cols: Vec<_> = p.iter().map(|p| p.column.clone().unwrap()).collect();
        assert_eq!(cols, ["aht", "extra", "aht_s"], "{p:?}");
        assert!(p.iter().all(|p| p.line == 1));
    }

    #[test]
    fn warm_up_short_abandons_and_shared_groups_are_checked() {
        let csv = "date,interval,queue,offered,handled,abandoned,answered_within,aht_s,staffed\n\
                   1,08:00,q,10,9,1,8,100,\n\
                   1,08:30,q,10,9,1,8,100,\n\
                   1,09:00,q,10,9,1,10,100,3\n";
        let p = problems(csv);
        let at = |line: usize, column: &str| p.iter().any(|x| x.line == line && x.column.as_deref() == Some(column));
        assert!(at(2, "interval"), "08:00 is in the warm-up: {p:?}");
        assert!(at(3, "abandoned_within"), "the SL definition needs short abandons: {p:?}");
        assert!(at(4, "answered_within"), "10 answered within of 9 handled: {p:?}");
        assert!(at(4, "staffed"), "q is served by two groups: {p:?}");
        assert!(p.iter().any(|x| x.message.contains("warm-up")));
    }

    #[test]
    fn a_clean_file_sorts_rows_and_keeps_group_staffing() {
        let csv = "interval,date,queue,offered,handled,abandoned,answered_within,aht_s,abandoned_within,group,staffed\n\
                   09:00,1,q,10,9,1,8,100,0,,\n\
                   08:30,1,q,12,12,0,11,0,0,,\n\
                   08:30,1,,,,,,,,a,2.5\n";
        let e = parse_str(csv, Path::new("a.csv"), &plan()).unwrap_err().to_string();
        assert!(e.contains("line 3, column `aht_s`: must be positive"), "{e}");
        let ok = csv.replace("11,0,0", "11,90,0");
        let a = parse_str(&ok, Path::new("a.csv"), &plan()).unwrap();
        assert_eq!(a.queues.iter().map(|r| r.interval).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(a.groups, [GroupActual { line: 4, interval: 1, group: 0, staffed: 2.5 }]);
        assert_eq!(a.queues[1].sl_parts(SlDefinition::OfferedMinusShortAbandons), Some((8.0, 10.0)));
    }
}
