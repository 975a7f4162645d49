//! The policy script API shared by the Rhai registrations (`policy/register.rs`) and the native
//! hook path (`fast.rs`): what a script may read that does not change during a run ([`Static`]),
//! the `Queue` and `Group` property tables, `ctx.forecast`, and the table of actions (`ACTIONS`:
//! name, argument kinds, builder). Both sides depend on this module and on nothing of each other,
//! so a property or an action means the same on both paths.

use super::{ScriptResult, count, duration, fail, num};
use crate::facts::{QueueFacts, abandon_rate, asa_s, live_service_level};
use crate::policy::{Action, GroupLive, QueueLive, Snapshot};
use crate::vocabulary::SlDefinition;
use rhai::{Dynamic, ImmutableString};

/// What a script may read that does not change during a run.
#[derive(Debug)]
pub(super) struct Static {
    pub(super) queue_ids: Vec<String>,
    pub(super) group_ids: Vec<String>,
    /// The same ids as script strings (cloning one is a reference count, not an allocation).
    pub(super) queue_names: Vec<ImmutableString>,
    pub(super) group_names: Vec<ImmutableString>,
    /// Planned calls per interval, per queue, over the horizon.
    pub(super) volumes: Vec<Vec<f64>>,
    /// Per queue: SL threshold (s), target share, definition.
    pub(super) sl: Vec<(f64, f64, SlDefinition)>,
    pub(super) intervals_per_day: usize,
    /// Interval length, seconds.
    pub(super) interval_s: f64,
    pub(super) start_s: f64,
    /// Per day of the horizon, its date (`"2026-12-07"`) and weekday (`"Mon"`) when the horizon
    /// is dated (`ctx.date`, `ctx.weekday`); `None` on undated horizons.
    pub(super) dates: Vec<Option<(ImmutableString, ImmutableString)>>,
    pub(super) seed: u64,
    /// The script names a day-so-far property (`sl_day`, `offered_day`, ...): only then does the
    /// engine sum the day for its snapshots. Properties are reached only by their literal names
    /// (a function pointer cannot call a getter), so the text tells.
    pub(super) reads_day: bool,
}

impl Static {
    /// The index of queue `id`, or an error naming the queues.
    pub(super) fn queue(&self, id: &str) -> ScriptResult<usize> {
        self.queue_ids
            .iter()
            .position(|q| q == id)
            .map_or_else(|| fail(format!("unknown queue `{id}` (queues: {})", self.queue_ids.join(", "))), Ok)
    }

    /// The index of group `id`, or an error naming the groups.
    pub(super) fn group(&self, id: &str) -> ScriptResult<usize> {
        self.group_ids
            .iter()
            .position(|g| g == id)
            .map_or_else(|| fail(format!("unknown group `{id}` (groups: {})", self.group_ids.join(", "))), Ok)
    }
}

/// The `Queue` properties that are numbers, in the order of [`queue_values`].
pub(super) const QUEUE_VALUES: [&str; 15] = [
    "oldest_wait",
    "sl_target",
    "sl_threshold",
    "offered_interval",
    "handled_interval",
    "abandoned_interval",
    "sl_interval",
    "abandon_rate_interval",
    "asa_interval",
    "offered_day",
    "handled_day",
    "abandoned_day",
    "sl_day",
    "abandon_rate_day",
    "asa_day",
];

/// A queue's numeric properties (see [`QUEUE_VALUES`]) from its live state and its SL
/// threshold (s), target and definition.
pub(super) fn queue_values(live: &QueueLive, sl: (f64, f64, SlDefinition)) -> [f64; 15] {
    let (threshold_s, target, def) = sl;
    let (i, d) = (&live.interval, &live.day);
    let (sli, abi, asai) = live_kpis(i, def);
    let (sld, abd, asad) = live_kpis(d, def);
    [
        live.oldest_wait_s,
        target,
        threshold_s,
        i.offered,
        i.handled,
        i.abandoned,
        sli,
        abi,
        asai,
        d.offered,
        d.handled,
        d.abandoned,
        sld,
        abd,
        asad,
    ]
}

/// Reads one agent count of a group's live state.
pub(super) type GroupCount = fn(&GroupLive) -> u32;

/// The `Group` properties: agent counts.
pub(super) const GROUP_PROPS: [(&str, GroupCount); 5] = [
    ("staffed", |g| g.staffed),
    ("available", |g| g.available),
    ("idle", |g| g.idle),
    ("busy", |g| g.busy),
    ("on_break", |g| g.on_break),
];

/// `ctx.forecast(queue, ahead)`: planned calls `ahead` intervals from the current one, 0 outside
/// the current day.
pub(super) fn forecast(stat: &Static, snap: &Snapshot, q: usize, ahead: i64) -> f64 {
    let n = stat.intervals_per_day;
    let i = (snap.day * n + snap.interval) as i64 + ahead;
    let end = ((snap.day + 1) * n) as i64;
    if i < 0 || i >= end { 0.0 } else { stat.volumes[q][i as usize] }
}

/// The kind of an action's argument after `ctx`, as Rhai checks it before the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arg {
    /// A queue or group id: a string.
    Id,
    /// `true` or `false`.
    Bool,
    /// Any value; the builder checks it (a number, a duration, a list of ids).
    Any,
}

/// Builds an action from its arguments after `ctx`, of the kinds listed beside it.
pub(super) type Build = fn(&Static, &[Dynamic]) -> ScriptResult<Action>;

/// Every `ctx` action: name, argument kinds, builder. Rhai and the fast path both call these.
pub(super) const ACTIONS: [(&str, &[Arg], Build); 15] = [
    ("move_agents", &[Arg::Id, Arg::Id, Arg::Any], |s, a| {
        Ok(Action::MoveAgents { from: s.group(&id(&a[0]))?, to: s.group(&id(&a[1]))?, n: n_of(&a[2], "agents")? })
    }),
    ("set_skill", &[Arg::Id, Arg::Id, Arg::Bool], |s, a| {
        let on = a[2].as_bool().or_else(|t| fail(format!("expected true or false, got a {t}")))?;
        Ok(Action::SetSkill { group: s.group(&id(&a[0]))?, queue: s.queue(&id(&a[1]))?, on })
    }),
    ("postpone_breaks", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::PostponeBreaks { group: s.group(&id(&a[0]))?, for_s: duration(&a[1], "hold")? })
    }),
    ("cancel_breaks", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::CancelBreaks { group: s.group(&id(&a[0]))?, for_s: duration(&a[1], "window")? })
    }),
    ("extend_shifts", &[Arg::Id, Arg::Any, Arg::Any], |s, a| {
        Ok(Action::ExtendShifts {
            group: s.group(&id(&a[0]))?,
            n: n_of(&a[1], "agents")?,
            by_s: duration(&a[2], "overtime")?,
        })
    }),
    ("send_home", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::SendHome { group: s.group(&id(&a[0]))?, n: n_of(&a[1], "agents")? })
    }),
    ("open_queue", &[Arg::Id], |s, a| Ok(Action::SetOpen { queue: s.queue(&id(&a[0]))?, open: true })),
    ("close_queue", &[Arg::Id], |s, a| Ok(Action::SetOpen { queue: s.queue(&id(&a[0]))?, open: false })),
    ("offer_callbacks", &[Arg::Id, Arg::Any, Arg::Any], |s, a| {
        let p = num(&a[2], "acceptance")?;
        if !(0.0..=1.0).contains(&p) {
            return fail(format!("acceptance must be a share in [0, 1], got {p}"));
        }
        Ok(Action::OfferCallbacks {
            queue: s.queue(&id(&a[0]))?,
            max_wait_s: duration(&a[1], "estimated wait")?,
            acceptance: p,
        })
    }),
    ("stop_callbacks", &[Arg::Id], |s, a| {
        Ok(Action::OfferCallbacks { queue: s.queue(&id(&a[0]))?, max_wait_s: f64::INFINITY, acceptance: 0.0 })
    }),
    ("set_priority", &[Arg::Id, Arg::Any], |s, a| {
        let p = count(&a[1], "priority")?;
        let priority = i32::try_from(p).or_else(|_| fail(format!("priority {p} is out of range")))?;
        Ok(Action::SetPriority { queue: s.queue(&id(&a[0]))?, priority })
    }),
    ("set_overflow", &[Arg::Id, Arg::Any, Arg::Any], |s, a| {
        let list: Vec<Dynamic> =
            if a[1].is_array() { a[1].clone().into_array().unwrap_or_default() } else { vec![a[1].clone()] };
        let mut gs = Vec::new();
        for g in list {
            let id = g.into_string().or_else(|t| fail(format!("overflow groups must be ids, got a {t}")))?;
            gs.push(s.group(&id)?);
        }
        Ok(Action::SetOverflow { queue: s.queue(&id(&a[0]))?, groups: gs, after_s: duration(&a[2], "overflow delay")? })
    }),
    ("clear_overflow", &[Arg::Id], |s, a| {
        Ok(Action::SetOverflow { queue: s.queue(&id(&a[0]))?, groups: Vec::new(), after_s: f64::INFINITY })
    }),
    ("watch_waiting", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::WatchWaiting { queue: s.queue(&id(&a[0]))?, n: n_of(&a[1], "waiting calls")? })
    }),
    ("watch_oldest_wait", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::WatchOldestWait { queue: s.queue(&id(&a[0]))?, wait_s: duration(&a[1], "oldest wait")? })
    }),
];

/// An `Arg::Id` argument's text (Rhai has checked it is a string).
fn id(v: &Dynamic) -> ImmutableString {
    v.read_lock::<ImmutableString>().map(|s| s.clone()).unwrap_or_default()
}

fn n_of(v: &Dynamic, what: &str) -> ScriptResult<u32> {
    let n = count(v, what)?;
    u32::try_from(n).or_else(|_| fail(format!("{what} must be 0 or more, got {n}")))
}

fn live_kpis(q: &QueueFacts, def: SlDefinition) -> (f64, f64, f64) {
    (live_service_level(q, def), abandon_rate(q), asa_s(q))
}
