//! Intraday policies: what a supervisor or the routing engine does while the day runs.
//!
//! Owns the [`Policy`] trait the engine is generic over, the live view a policy reads
//! ([`Snapshot`]), the [`Action`]s it may take, the built-in policies (plain Rust) and the
//! [`Combined`] policy that runs built-ins and a script side by side, and the [`PolicySource`]
//! trait through which a compiled script is bound to a scenario when a model is built. It knows
//! nothing of Rhai: scripted policies implement these traits in `script::policy`.
//!
//! A policy never touches the engine's state. It reads a snapshot and returns actions; the engine
//! applies them in order, right after the hook returns, and counts them in
//! [`crate::facts::PolicyFacts`]. A policy instance lives for one replication, so no state leaks
//! between replications, and randomness it needs comes from its own stream — results stay
//! identical for any thread count.

use crate::facts::QueueFacts;
use crate::scenario::{BuiltinPolicy, Scenario};
use crate::time::format_clock;
use crate::vocabulary::SlDefinition;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Live state of a queue when a hook runs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueueLive {
    /// Calls waiting now.
    pub waiting: u32,
    /// Wait of the oldest waiting call, seconds (0 when none waits).
    pub oldest_wait_s: f64,
    /// False when a policy closed the queue (arrivals are blocked).
    pub open: bool,
    /// Callbacks accepted and not yet made.
    pub callbacks_pending: u32,
    /// Counts of calls that arrived in the current interval, so far.
    pub interval: QueueFacts,
    /// Counts of calls that arrived today, so far; zero when the policy does not read them
    /// ([`Policy::reads_day`]).
    pub day: QueueFacts,
}

/// Live state of an agent group when a hook runs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GroupLive {
    /// Agents on duty (including those on a break).
    pub staffed: u32,
    /// Agents on duty and not on a break.
    pub available: u32,
    /// Available agents without a call.
    pub idle: u32,
    /// Agents on a call (talk or wrap-up).
    pub busy: u32,
    /// Agents on a break.
    pub on_break: u32,
}

/// What a policy sees when a hook runs. Times are seconds since the day's opening.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Simulated time, seconds since the opening of the current day.
    pub time_s: f64,
    /// Day index (0-based).
    pub day: usize,
    /// Interval index within the day.
    pub interval: usize,
    /// Per queue, in scenario order.
    pub queues: Vec<QueueLive>,
    /// Per group, in scenario order.
    pub groups: Vec<GroupLive>,
}

/// Something a policy does. Indices are scenario queue and group indices; times are seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Move up to `n` idle agents of group `from` into group `to` (for the rest of the day, or
    /// until moved back). Busy agents are not moved.
    MoveAgents {
        /// Source group.
        from: usize,
        /// Target group.
        to: usize,
        /// Most agents to move.
        n: u32,
    },
    /// Give (`on`) or take away every agent of `group` the skill for `queue`.
    SetSkill {
        /// Group.
        group: usize,
        /// Queue.
        queue: usize,
        /// True to activate.
        on: bool,
    },
    /// Breaks of `group` falling due from now until `for_s` seconds from now start at that time.
    PostponeBreaks {
        /// Group.
        group: usize,
        /// Length of the hold, seconds.
        for_s: f64,
    },
    /// Breaks of `group` falling due from now until `for_s` seconds from now are not taken.
    CancelBreaks {
        /// Group.
        group: usize,
        /// Length of the window, seconds.
        for_s: f64,
    },
    /// Overtime: extend by `by_s` the shifts of up to `n` on-duty agents of `group` whose shifts
    /// end soonest (shift groups only).
    ExtendShifts {
        /// Group.
        group: usize,
        /// Most agents.
        n: u32,
        /// Extension, seconds.
        by_s: f64,
    },
    /// Send up to `n` idle agents of `group` home now, for the rest of the day.
    SendHome {
        /// Group.
        group: usize,
        /// Most agents.
        n: u32,
    },
    /// Open or close `queue`; calls to a closed queue are blocked (counted, not served).
    SetOpen {
        /// Queue.
        queue: usize,
        /// True to open.
        open: bool,
    },
    /// From now on, offer a callback to each call arriving at `queue` whose estimated wait exceeds
    /// `max_wait_s` (infinite = stop offering); a caller accepts with probability `acceptance`.
    OfferCallbacks {
        /// Queue.
        queue: usize,
        /// Estimated-wait threshold, seconds.
        max_wait_s: f64,
        /// Probability a caller accepts, in [0, 1].
        acceptance: f64,
    },
    /// Set the priority of `queue` (higher is served first among equally preferred queues).
    SetPriority {
        /// Queue.
        queue: usize,
        /// New priority.
        priority: i32,
    },
    /// Replace the overflow of `queue`: calls waiting at least `after_s` become visible to
    /// `groups` (empty: no overflow).
    SetOverflow {
        /// Queue.
        queue: usize,
        /// Overflow groups.
        groups: Vec<usize>,
        /// Delay, seconds.
        after_s: f64,
    },
    /// Call `on_queue` when `queue`'s waiting count reaches `n` (from below); 0 turns it off.
    WatchWaiting {
        /// Queue.
        queue: usize,
        /// Threshold, calls.
        n: u32,
    },
    /// Call `on_queue` when the oldest wait of `queue` reaches `wait_s` (from below);
    /// infinite turns it off.
    WatchOldestWait {
        /// Queue.
        queue: usize,
        /// Threshold, seconds.
        wait_s: f64,
    },
}

/// The action kinds, shared with `facts` (which counts them) through [`crate::vocabulary`].
pub use crate::vocabulary::{ACTION_KINDS, ACTION_NAMES};

impl Action {
    /// Index of this action's kind in [`ACTION_NAMES`].
    pub fn kind(&self) -> usize {
        match self {
            Action::MoveAgents { .. } => 0,
            Action::SetSkill { .. } => 1,
            Action::PostponeBreaks { .. } => 2,
            Action::CancelBreaks { .. } => 3,
            Action::ExtendShifts { .. } => 4,
            Action::SendHome { .. } => 5,
            Action::SetOpen { .. } => 6,
            Action::OfferCallbacks { .. } => 7,
            Action::SetPriority { .. } => 8,
            Action::SetOverflow { .. } => 9,
            Action::WatchWaiting { .. } | Action::WatchOldestWait { .. } => 10,
        }
    }

    /// Checks this action before the engine applies it: queue and group indices in range
    /// (`n_queues`, `n_groups`), times not NaN and not negative, finite where the engine
    /// schedules an event by them (infinite only where it means "off": the callback threshold,
    /// the watched oldest wait, the overflow delay of an empty overflow), shares in [0, 1].
    /// Every action enters the engine here, whatever made it (a script, a built-in, Rust code),
    /// so a bad one is an error naming the action, never a panic or a misplaced event.
    pub fn check(&self, n_queues: usize, n_groups: usize) -> Result<(), String> {
        let name = self.name();
        let group = |g: usize| {
            if g < n_groups {
                Ok(())
            } else {
                Err(format!("{name}: group index {g} is out of range (groups: {n_groups})"))
            }
        };
        let queue = |q: usize| {
            if q < n_queues {
                Ok(())
            } else {
                Err(format!("{name}: queue index {q} is out of range (queues: {n_queues})"))
            }
        };
        // `what` in seconds: never NaN or negative, finite unless `infinite_is_off`
        let seconds = |what: &str, v: f64, infinite_is_off: bool| {
            if v.is_nan() || v < 0.0 || (v.is_infinite() && !infinite_is_off) {
                let want = if infinite_is_off {
                    "a non-negative number of seconds"
                } else {
                    "a finite, non-negative number of seconds"
                };
                Err(format!("{name}: the {what} must be {want}, got {v}"))
            } else {
                Ok(())
            }
        };
        match *self {
            Action::MoveAgents { from, to, .. } => group(from).and(group(to)),
            Action::SetSkill { group: g, queue: q, .. } => group(g).and(queue(q)),
            Action::PostponeBreaks { group: g, for_s } => group(g).and(seconds("hold", for_s, false)),
            Action::CancelBreaks { group: g, for_s } => group(g).and(seconds("window", for_s, false)),
            Action::ExtendShifts { group: g, by_s, .. } => group(g).and(seconds("overtime", by_s, false)),
            Action::SendHome { group: g, .. } => group(g),
            Action::SetOpen { queue: q, .. }
            | Action::SetPriority { queue: q, .. }
            | Action::WatchWaiting { queue: q, .. } => queue(q),
            Action::OfferCallbacks { queue: q, max_wait_s, acceptance } => {
                queue(q)?;
                seconds("estimated-wait threshold", max_wait_s, true)?;
                if (0.0..=1.0).contains(&acceptance) {
                    Ok(())
                } else {
                    Err(format!("{name}: the acceptance must be a share in [0, 1], got {acceptance}"))
                }
            }
            Action::SetOverflow { queue: q, ref groups, after_s } => {
                queue(q)?;
                groups.iter().try_for_each(|&g| group(g))?;
                seconds("overflow delay", after_s, groups.is_empty())
            }
            Action::WatchOldestWait { queue: q, wait_s } => queue(q).and(seconds("oldest wait", wait_s, true)),
        }
    }

    /// The action's name, as scripts call it (`extend_shifts`, `watch_oldest_wait`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Action::SetOpen { open: true, .. } => "open_queue",
            Action::SetOpen { open: false, .. } => "close_queue",
            Action::WatchWaiting { .. } => "watch_waiting",
            Action::WatchOldestWait { .. } => "watch_oldest_wait",
            _ => ACTION_NAMES[self.kind()],
        }
    }
}

/// Which hooks a policy defines; the engine calls only these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hooks {
    /// `on_interval` at every interval boundary.
    pub interval: bool,
    /// `on_tick` every tick.
    pub tick: bool,
    /// `on_queue` on registered threshold crossings.
    pub queue: bool,
    /// `select_agent` for every arriving call that finds an idle eligible agent.
    pub select_agent: bool,
    /// `select_call` for every agent that becomes free while calls wait.
    pub select_call: bool,
}

impl Hooks {
    /// The union of two sets of hooks.
    pub fn or(self, o: Hooks) -> Hooks {
        Hooks {
            interval: self.interval || o.interval,
            tick: self.tick || o.tick,
            queue: self.queue || o.queue,
            select_agent: self.select_agent || o.select_agent,
            select_call: self.select_call || o.select_call,
        }
    }
}

/// A policy failed: which hook, when, and why (for scripts: file, line and message).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyError {
    /// The hook that failed (`on_interval`, `select_agent`, …, or `action`).
    pub hook: &'static str,
    /// Day index (0-based).
    pub day: usize,
    /// Simulated clock, seconds since midnight.
    pub clock_s: f64,
    /// What went wrong; for scripts it starts with `file:line:column:`.
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "policy failed in {} on day {} at {} (simulated time): {}",
            self.hook,
            self.day + 1,
            format_clock(self.clock_s.floor()),
            self.message
        )
    }
}

impl std::error::Error for PolicyError {}

/// A failure inside a hook, before the engine adds where and when.
pub type HookResult<T> = Result<T, String>;

/// An intraday policy for one replication. Every hook has a no-op default; [`Policy::hooks`]
/// says which ones the engine calls. Hooks push [`Action`]s into `out`; the engine applies
/// them in order after the hook returns.
pub trait Policy {
    /// The hooks this policy defines.
    fn hooks(&self) -> Hooks;

    /// Whether the policy reads the day-so-far counts ([`QueueLive::day`]). When false the
    /// engine leaves them at zero and saves summing the day's intervals at every hook.
    fn reads_day(&self) -> bool {
        true
    }

    /// At every interval boundary (after curve staffing changed).
    fn on_interval(&mut self, _s: &Snapshot, _out: &mut Vec<Action>) -> HookResult<()> {
        Ok(())
    }

    /// Every tick (see [`PolicyFactory::tick_s`]).
    fn on_tick(&mut self, _s: &Snapshot, _out: &mut Vec<Action>) -> HookResult<()> {
        Ok(())
    }

    /// When a watched threshold of `queue` is crossed upwards.
    fn on_queue(&mut self, _s: &Snapshot, _queue: usize, _out: &mut Vec<Action>) -> HookResult<()> {
        Ok(())
    }

    /// A call arrives at `queue` and some eligible agent is idle: the group whose longest-idle
    /// agent takes it, or `None` to let it wait.
    fn select_agent(&mut self, _s: &Snapshot, _queue: usize, _out: &mut Vec<Action>) -> HookResult<Option<usize>> {
        Ok(None)
    }

    /// Agent `agent` of `group` is free and calls wait: the queue whose oldest call it takes, or
    /// `None` to stay idle.
    fn select_call(
        &mut self,
        _s: &Snapshot,
        _group: usize,
        _agent: u32,
        _out: &mut Vec<Action>,
    ) -> HookResult<Option<usize>> {
        Ok(None)
    }
}

impl<T: Policy + ?Sized> Policy for Box<T> {
    fn hooks(&self) -> Hooks {
        (**self).hooks()
    }
    fn reads_day(&self) -> bool {
        (**self).reads_day()
    }
    fn on_interval(&mut self, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<()> {
        (**self).on_interval(s, out)
    }
    fn on_tick(&mut self, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<()> {
        (**self).on_tick(s, out)
    }
    fn on_queue(&mut self, s: &Snapshot, queue: usize, out: &mut Vec<Action>) -> HookResult<()> {
        (**self).on_queue(s, queue, out)
    }
    fn select_agent(&mut self, s: &Snapshot, queue: usize, out: &mut Vec<Action>) -> HookResult<Option<usize>> {
        (**self).select_agent(s, queue, out)
    }
    fn select_call(
        &mut self,
        s: &Snapshot,
        group: usize,
        agent: u32,
        out: &mut Vec<Action>,
    ) -> HookResult<Option<usize>> {
        (**self).select_call(s, group, agent, out)
    }
}

/// The policy of a model: creates one [`Policy`] per replication. Shared by all threads.
pub trait PolicyFactory: Send + Sync + fmt::Debug {
    /// The hooks the policies define.
    fn hooks(&self) -> Hooks;
    /// Seconds between `on_tick` calls, if ticks are wanted.
    fn tick_s(&self) -> Option<f64>;
    /// A fresh policy for replication `rep`.
    fn start(&self, rep: u32) -> Box<dyn Policy + '_>;
    /// Notes for the planner on how the hooks run (for `ccsim validate`), one per line.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A policy compiled once and independent of any scenario (a policy script: its text, compiled
/// form and parameters), bound to a scenario each time a model is built from one
/// ([`crate::model::Model::compile`]). Binding reads the scenario as it is then — its ids,
/// volumes, targets, seed and tick — so a scenario changed by a what-if never runs with a copy
/// bound to the scenario before the change. Implemented by `script::policy::PolicyScript`; the
/// model depends on this trait only, not on Rhai.
pub trait PolicySource: Send + Sync + fmt::Debug {
    /// The file the policy was loaded from; the scenario's `policy.script` must name it.
    fn path(&self) -> &Path;
    /// The policy bound to `scenario`, ticking every `tick_s` seconds when given; `Err` says why
    /// it cannot run with this scenario.
    fn bind(&self, scenario: &Scenario, tick_s: Option<f64>) -> Result<Arc<dyn PolicyFactory>, String>;
}

/// A policy could not be bound to a scenario: found when the model is built, before any
/// simulation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BindError {
    /// The scenario names a policy script but none was given to run it.
    #[error("the scenario's policy script {} was not given to the model: load it (script::policy::PolicyScript::load) and pass it along", .0.display())]
    NotGiven(PathBuf),
    /// The script given is not the one the scenario names.
    #[error("the scenario's policy script is {}, but the script given is {}", named.display(), given.display())]
    Mismatch {
        /// The path the scenario names.
        named: PathBuf,
        /// The path of the script given.
        given: PathBuf,
    },
    /// The script does not fit this scenario.
    #[error("{0}")]
    Script(String),
    /// The policy's tick interval is not a number of seconds the engine can tick by.
    #[error("the policy's tick interval must be at least {min} s, got {0} s", min = crate::scenario::limits::MIN_TICK_S)]
    Tick(f64),
}

/// Why a simulation run stopped: its policy could not be bound to the scenario, or failed in a
/// hook.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// Binding failed (before any simulation).
    #[error(transparent)]
    Bind(#[from] BindError),
    /// A hook or an action failed during the simulation.
    #[error(transparent)]
    Policy(#[from] PolicyError),
}

/// The policy that does nothing: the engine with it is the engine without policies.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPolicy;

impl Policy for NoPolicy {
    fn hooks(&self) -> Hooks {
        Hooks::default()
    }
}

/// Hooks a built-in policy needs.
pub fn builtin_hooks(b: &BuiltinPolicy) -> Hooks {
    match b {
        BuiltinPolicy::BreakPostponement { .. } => Hooks { tick: true, ..Hooks::default() },
        _ => Hooks { interval: true, ..Hooks::default() },
    }
}

/// A built-in's `on_interval`: overflow and callbacks are set at the start of each day.
fn builtin_on_interval(b: &BuiltinPolicy, s: &Snapshot, out: &mut Vec<Action>) {
    if s.interval != 0 {
        return;
    }
    match b {
        BuiltinPolicy::Overflow { queue, groups, after_s } => {
            out.push(Action::SetOverflow { queue: *queue, groups: groups.clone(), after_s: *after_s })
        }
        BuiltinPolicy::Callback { queue, max_wait_s, acceptance } => {
            out.push(Action::OfferCallbacks { queue: *queue, max_wait_s: *max_wait_s, acceptance: *acceptance })
        }
        BuiltinPolicy::BreakPostponement { .. } => {}
    }
}

/// A built-in's `on_tick`: break postponement while the watched queue is below target.
fn builtin_on_tick(b: &BuiltinPolicy, s: &Snapshot, targets: &[QueueTarget], out: &mut Vec<Action>) {
    if let BuiltinPolicy::BreakPostponement { queue, group, hold_s } = b {
        let t = &targets[*queue];
        let sl = crate::facts::live_service_level(&s.queues[*queue].interval, t.definition);
        if sl < t.sl_target {
            out.push(Action::PostponeBreaks { group: *group, for_s: *hold_s });
        }
    }
}

/// A queue's SL target as the built-ins need it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueTarget {
    /// SL definition.
    pub definition: SlDefinition,
    /// Target share.
    pub sl_target: f64,
}

/// Built-in policies followed by an optional scripted one, called in that order at each hook.
#[derive(Debug, Clone)]
pub struct Combined {
    /// Built-ins, in scenario order.
    pub builtins: Vec<BuiltinPolicy>,
    /// SL targets per queue.
    pub targets: Vec<QueueTarget>,
    /// The scripted policy, if any.
    pub script: Option<Arc<dyn PolicyFactory>>,
    /// Seconds between ticks.
    pub tick_s: Option<f64>,
}

struct CombinedRun<'a> {
    c: &'a Combined,
    script: Option<Box<dyn Policy + 'a>>,
    hooks: Hooks,
}

impl PolicyFactory for Combined {
    fn hooks(&self) -> Hooks {
        let b = self.builtins.iter().fold(Hooks::default(), |h, b| h.or(builtin_hooks(b)));
        self.script.as_ref().map_or(b, |s| b.or(s.hooks()))
    }

    fn tick_s(&self) -> Option<f64> {
        self.tick_s
    }

    fn start(&self, rep: u32) -> Box<dyn Policy + '_> {
        Box::new(CombinedRun { c: self, script: self.script.as_ref().map(|s| s.start(rep)), hooks: self.hooks() })
    }

    fn notes(&self) -> Vec<String> {
        self.script.as_ref().map(|s| s.notes()).unwrap_or_default()
    }
}

impl Policy for CombinedRun<'_> {
    fn hooks(&self) -> Hooks {
        self.hooks
    }

    /// The built-ins read only the current interval.
    fn reads_day(&self) -> bool {
        self.script.as_ref().is_some_and(|p| p.reads_day())
    }

    fn on_interval(&mut self, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<()> {
        for b in &self.c.builtins {
            builtin_on_interval(b, s, out);
        }
        match &mut self.script {
            Some(p) if p.hooks().interval => p.on_interval(s, out),
            _ => Ok(()),
        }
    }

    fn on_tick(&mut self, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<()> {
        for b in &self.c.builtins {
            builtin_on_tick(b, s, &self.c.targets, out);
        }
        match &mut self.script {
            Some(p) if p.hooks().tick => p.on_tick(s, out),
            _ => Ok(()),
        }
    }

    fn on_queue(&mut self, s: &Snapshot, queue: usize, out: &mut Vec<Action>) -> HookResult<()> {
        match &mut self.script {
            Some(p) => p.on_queue(s, queue, out),
            None => Ok(()),
        }
    }

    fn select_agent(&mut self, s: &Snapshot, queue: usize, out: &mut Vec<Action>) -> HookResult<Option<usize>> {
        match &mut self.script {
            Some(p) => p.select_agent(s, queue, out),
            None => Ok(None),
        }
    }

    fn select_call(
        &mut self,
        s: &Snapshot,
        group: usize,
        agent: u32,
        out: &mut Vec<Action>,
    ) -> HookResult<Option<usize>> {
        match &mut self.script {
            Some(p) => p.select_call(s, group, agent, out),
            None => Ok(None),
        }
    }
}
