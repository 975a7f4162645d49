//! Policy scripts: Rhai functions the engine calls while a day runs (`on_interval`, `on_tick`,
//! `on_queue`, `select_agent`, `select_call`). A script sees the live state through `ctx` and acts
//! through `ctx`'s methods; every action is queued and applied by the engine after the hook
//! returns, in order.
//!
//! The script is compiled once per scenario ([`ScriptPolicy`], shared by all threads). Each
//! replication gets its own `Scope` (the script's top-level constants and `--set` parameters) and
//! its own `ctx` state, so nothing leaks between replications. The top level runs once per
//! replication, not per call. Hooks are called through Rhai's `EvalContext::call_fn_raw` (the
//! `internals` feature) with the replication's own `GlobalRuntimeState` and `Caches`: the
//! function look-ups one hook resolves serve the next, where `Engine::call_fn` would start from
//! empty caches at every call. The sandbox's operation budget restarts at every call.

use super::{R, ScriptError, count, duration, fail, num, sandboxed_engine};
use crate::facts::{QueueFacts, abandon_rate, asa_s, live_service_level};
use crate::policy::{Action, HookResult, Hooks, Policy, PolicyFactory, Snapshot};
use crate::scenario::{PolicyConfig, Scenario, SlDefinition};
use crate::sim::{Purpose, Rng, stream};
use crate::time::format_clock;
use rand::RngExt;
use rhai::{AST, Caches, Dynamic, Engine, EvalAltResult, EvalContext, GlobalRuntimeState, ImmutableString, Map, Scope};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// What a script may read that does not change during a run.
#[derive(Debug)]
struct Static {
    queue_ids: Vec<String>,
    group_ids: Vec<String>,
    /// The same ids as script strings (cloning one is a reference count, not an allocation).
    queue_names: Vec<ImmutableString>,
    group_names: Vec<ImmutableString>,
    /// Planned calls per interval, per queue, over the horizon.
    volumes: Vec<Vec<f64>>,
    /// Per queue: SL threshold (s), target share, definition.
    sl: Vec<(f64, f64, SlDefinition)>,
    intervals_per_day: usize,
    interval_s: f64,
    start_s: f64,
    seed: u64,
    /// The script names a day-so-far property (`sl_day`, `offered_day`, ...): only then does the
    /// engine sum the day for its snapshots. Properties are reached only by their literal names
    /// (a function pointer cannot call a getter), so the text tells.
    reads_day: bool,
}

impl Static {
    fn queue(&self, id: &str) -> R<usize> {
        self.queue_ids
            .iter()
            .position(|q| q == id)
            .map_or_else(|| fail(format!("unknown queue `{id}` (queues: {})", self.queue_ids.join(", "))), Ok)
    }

    fn group(&self, id: &str) -> R<usize> {
        self.group_ids
            .iter()
            .position(|g| g == id)
            .map_or_else(|| fail(format!("unknown group `{id}` (groups: {})", self.group_ids.join(", "))), Ok)
    }
}

/// Live state shared between the engine side and `ctx` for one replication.
#[derive(Debug)]
struct Shared {
    stat: Arc<Static>,
    snap: Snapshot,
    actions: Vec<Action>,
    state: Map,
    rng: Rng,
}

/// `ctx` as scripts see it: a handle on the replication's live state.
#[derive(Debug, Clone)]
pub struct Ctx(Arc<Mutex<Shared>>);

impl Ctx {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A queue as `ctx.queue(id)` returns it: its live state, with the KPIs computed once.
#[derive(Debug, Clone)]
pub struct QueueView {
    id: ImmutableString,
    waiting: i64,
    callbacks_pending: i64,
    open: bool,
    /// oldest wait, SL target, SL threshold; then per interval and per day: offered, handled,
    /// abandoned, SL, abandon rate, ASA.
    v: [f64; 15],
}

impl QueueView {
    fn new(id: ImmutableString, live: &crate::policy::QueueLive, sl: (f64, f64, SlDefinition)) -> QueueView {
        let (threshold_s, target, def) = sl;
        let (i, d) = (&live.interval, &live.day);
        let (sli, abi, asai) = live_kpis(i, def);
        let (sld, abd, asad) = live_kpis(d, def);
        QueueView {
            id,
            waiting: i64::from(live.waiting),
            callbacks_pending: i64::from(live.callbacks_pending),
            open: live.open,
            v: [
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
            ],
        }
    }
}

/// A group as `ctx.group(id)` returns it.
#[derive(Debug, Clone)]
pub struct GroupView {
    id: ImmutableString,
    live: crate::policy::GroupLive,
}

/// The call `select_agent` is asked about.
#[derive(Debug, Clone)]
pub struct CallView {
    queue: ImmutableString,
    queue_index: i64,
}

/// The agent `select_call` is asked about.
#[derive(Debug, Clone)]
pub struct AgentView {
    group: ImmutableString,
    group_index: i64,
    index: i64,
}

/// The engine with the policy API registered, built once per process.
fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut e = sandboxed_engine();
        register(&mut e);
        // `EvalContext::call_fn_raw` enters a hook two call levels deep (`Engine::call_fn` at 0):
        // the two extra levels keep the depth a hook's own calls may reach what it was
        e.set_max_call_levels(e.max_call_levels() + HOOK_ENTRY_LEVELS);
        e
    })
}

/// Call levels `EvalContext::call_fn_raw` adds before a hook's body runs.
const HOOK_ENTRY_LEVELS: usize = 2;

/// The ending of every `Queue` property that reads the day so far.
const DAY_SUFFIX: &str = "_day";

/// The hook names, their arities and what the engine reports them as.
const HOOKS: [(&str, usize); 5] =
    [("on_interval", 1), ("on_tick", 1), ("on_queue", 2), ("select_agent", 2), ("select_call", 2)];

/// A compiled policy script for one scenario, shared by all replications and threads.
#[derive(Debug)]
pub struct ScriptPolicy {
    path: PathBuf,
    ast: AST,
    hooks: Hooks,
    tick_s: Option<f64>,
    params: Vec<super::Param>,
    stat: Arc<Static>,
}

impl ScriptPolicy {
    /// Reads and compiles `path` for `scenario`; checks the hooks it defines and runs its top
    /// level once, so that errors there show before any simulation.
    pub fn load(
        path: &Path,
        scenario: &Scenario,
        tick_s: Option<f64>,
        params: Vec<super::Param>,
    ) -> Result<ScriptPolicy, ScriptError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScriptError {
            script: path.to_path_buf(),
            position: None,
            message: format!("cannot read: {e}"),
        })?;
        ScriptPolicy::compile(&text, path, scenario, tick_s, params)
    }

    /// Compiles script text for `scenario`; `path` names it in errors.
    pub fn compile(
        text: &str,
        path: &Path,
        scenario: &Scenario,
        tick_s: Option<f64>,
        params: Vec<super::Param>,
    ) -> Result<ScriptPolicy, ScriptError> {
        let err = |message: String| ScriptError { script: path.to_path_buf(), position: None, message };
        let ast = engine().compile(text).map_err(|e| ScriptError::from_rhai(path, &e.into()))?;
        let mut defined = [false; 5];
        for f in ast.iter_functions() {
            if let Some(k) = HOOKS.iter().position(|(name, _)| *name == f.name) {
                if let Some(t) = f.this_type {
                    return Err(err(format!("`{}` must be a plain function, not a method of `{t}`", f.name)));
                }
                let arity = HOOKS[k].1;
                if f.params.len() != arity {
                    let args = if arity == 1 { "(ctx)" } else { "(ctx, x)" };
                    return Err(err(format!("`{}` must take {arity} parameter(s): fn {}{args}", f.name, f.name)));
                }
                defined[k] = true;
            }
        }
        let hooks = Hooks {
            interval: defined[0],
            tick: defined[1],
            queue: defined[2],
            select_agent: defined[3],
            select_call: defined[4],
        };
        if hooks == Hooks::default() {
            return Err(err(
                "defines none of the hooks on_interval, on_tick, on_queue, select_agent, select_call".into()
            ));
        }
        if hooks.tick && tick_s.is_none() {
            return Err(err(
                "defines on_tick but no tick is set: add `tick: 5m` to the scenario's policy, or --tick".into()
            ));
        }
        let h = &scenario.horizon;
        let stat = Arc::new(Static {
            queue_ids: scenario.queues.iter().map(|q| q.id.clone()).collect(),
            group_ids: scenario.groups.iter().map(|g| g.id.clone()).collect(),
            queue_names: scenario.queues.iter().map(|q| q.id.as_str().into()).collect(),
            group_names: scenario.groups.iter().map(|g| g.id.as_str().into()).collect(),
            volumes: scenario.queues.iter().map(|q| q.volumes.clone()).collect(),
            sl: scenario
                .queues
                .iter()
                .map(|q| (q.service_level.threshold_s, q.service_level.target, q.service_level.definition))
                .collect(),
            intervals_per_day: h.intervals_per_day(),
            interval_s: h.interval_s,
            start_s: h.start_s,
            seed: scenario.simulation.seed,
            reads_day: text.contains(DAY_SUFFIX),
        });
        let p = ScriptPolicy { path: path.to_path_buf(), ast, hooks, tick_s, params, stat };
        p.scope().map_err(|e| ScriptError::from_rhai(path, &e))?;
        Ok(p)
    }

    /// A fresh scope: the parameters as constants, then the script's top level run once.
    fn scope(&self) -> Result<Scope<'static>, Box<rhai::EvalAltResult>> {
        let mut scope = Scope::new();
        for p in &self.params {
            scope.push_constant_dynamic(p.name.clone(), p.value());
        }
        engine().run_ast_with_scope(&mut scope, &self.ast)?;
        Ok(scope)
    }
}

/// One replication of a script policy.
struct ScriptRun<'a> {
    p: &'a ScriptPolicy,
    scope: Scope<'static>,
    ctx: Ctx,
    /// Rhai's runtime state for this replication: the script's functions and the function
    /// look-ups resolved so far, kept from one hook call to the next.
    global: GlobalRuntimeState,
    caches: Caches,
}

impl PolicyFactory for ScriptPolicy {
    fn hooks(&self) -> Hooks {
        self.hooks
    }

    fn tick_s(&self) -> Option<f64> {
        self.tick_s
    }

    fn start(&self, rep: u32) -> Box<dyn Policy + '_> {
        // the top level ran without error when the script was loaded, and runs the same again
        let scope = self.scope().unwrap_or_default();
        let shared = Shared {
            stat: self.stat.clone(),
            snap: Snapshot::default(),
            actions: Vec::new(),
            state: Map::new(),
            rng: stream(self.stat.seed, rep, Purpose::Policy, usize::MAX),
        };
        let mut global = engine().new_global_runtime_state();
        global.lib.push(self.ast.shared_lib().clone());
        let ctx = Ctx(Arc::new(Mutex::new(shared)));
        Box::new(ScriptRun { p: self, scope, ctx, global, caches: Caches::new() })
    }
}

impl ScriptRun<'_> {
    /// Calls hook `name` with `ctx` and, for the hooks that take one, its second argument `x`;
    /// moves the actions it queued into `out`. The call runs in this replication's own Rhai
    /// runtime state, so the function look-ups resolved by one hook are reused by the next; the
    /// operation budget restarts per call.
    fn call(&mut self, name: &str, x: Option<Dynamic>, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<Dynamic> {
        {
            let mut sh = self.ctx.lock();
            sh.snap.clone_from(s);
            sh.actions.clear();
        }
        let n = if x.is_some() { 2 } else { 1 };
        let (mut ctx, mut x) = (Dynamic::from(self.ctx.clone()), x.unwrap_or(Dynamic::UNIT));
        let args: &mut [&mut Dynamic] = &mut [&mut ctx, &mut x];
        self.global.num_operations = 0;
        let r = EvalContext::new(engine(), &mut self.global, &mut self.caches, &mut self.scope, None).call_fn_raw(
            name,
            false,
            false,
            &mut args[..n],
        );
        out.append(&mut self.ctx.lock().actions);
        r.or_else(|e| match *e {
            EvalAltResult::ErrorInFunctionCall(f, _, inner, _) if f == name => Err(inner),
            EvalAltResult::Exit(v, _) => Ok(v),
            _ => Err(e),
        })
        .map_err(|e| ScriptError::from_rhai(&self.p.path, &e).to_string())
    }

    /// A routing hook's answer: an id or index of `ids`, or `()` for none.
    fn chosen(&self, v: Dynamic, ids: &[String], hook: &str) -> HookResult<Option<usize>> {
        let at = |m: String| format!("{}: {hook} returned {m}", self.p.path.display());
        if v.is_unit() {
            return Ok(None);
        }
        if let Ok(i) = v.as_int() {
            return usize::try_from(i)
                .ok()
                .filter(|&i| i < ids.len())
                .map(Some)
                .ok_or_else(|| at(format!("index {i}, expected 0..{}", ids.len())));
        }
        if let Some(id) = v.read_lock::<ImmutableString>() {
            return ids
                .iter()
                .position(|x| x.as_str() == id.as_str())
                .map(Some)
                .ok_or_else(|| at(format!("unknown id `{}` (expected one of {})", id.as_str(), ids.join(", "))));
        }
        Err(at(format!("a {}, expected an id, an index or ()", v.type_name())))
    }
}

impl Policy for ScriptRun<'_> {
    fn hooks(&self) -> Hooks {
        self.p.hooks
    }

    fn reads_day(&self) -> bool {
        self.p.stat.reads_day
    }

    fn on_interval(&mut self, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<()> {
        self.call("on_interval", None, s, out).map(|_| ())
    }

    fn on_tick(&mut self, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<()> {
        self.call("on_tick", None, s, out).map(|_| ())
    }

    fn on_queue(&mut self, s: &Snapshot, queue: usize, out: &mut Vec<Action>) -> HookResult<()> {
        let id = Dynamic::from(self.p.stat.queue_names[queue].clone());
        self.call("on_queue", Some(id), s, out).map(|_| ())
    }

    fn select_agent(&mut self, s: &Snapshot, queue: usize, out: &mut Vec<Action>) -> HookResult<Option<usize>> {
        let call = CallView { queue: self.p.stat.queue_names[queue].clone(), queue_index: queue as i64 };
        let v = self.call("select_agent", Some(Dynamic::from(call)), s, out)?;
        self.chosen(v, &self.p.stat.group_ids, "select_agent")
    }

    fn select_call(
        &mut self,
        s: &Snapshot,
        group: usize,
        agent: u32,
        out: &mut Vec<Action>,
    ) -> HookResult<Option<usize>> {
        let a = Dynamic::from(AgentView {
            group: self.p.stat.group_names[group].clone(),
            group_index: group as i64,
            index: i64::from(agent),
        });
        let v = self.call("select_call", Some(a), s, out)?;
        self.chosen(v, &self.p.stat.queue_ids, "select_call")
    }
}

/// Loads the scenario's policy script (if it names one) and attaches it, replacing any program
/// attached before (the script reads the scenario's final ids and forecast).
pub fn attach(s: &mut Scenario, params: &[super::Param]) -> Result<(), ScriptError> {
    let Some(cfg) = &s.policy else { return Ok(()) };
    let Some(path) = cfg.script.clone() else { return Ok(()) };
    let tick = cfg.tick_s;
    let program = ScriptPolicy::load(&path, s, tick, params.to_vec())?;
    if let Some(cfg) = &mut s.policy {
        cfg.program = Some(Arc::new(program));
    }
    Ok(())
}

/// Replaces the scenario's policy script with `script` (keeping its built-ins), or removes the
/// whole policy when `script` is `None`; `tick_s` overrides the tick when given. Then attaches.
pub fn set_script(
    s: &mut Scenario,
    script: Option<&Path>,
    tick_s: Option<f64>,
    params: &[super::Param],
) -> Result<(), ScriptError> {
    match script {
        None => s.policy = None,
        Some(path) => {
            let cfg = s.policy.get_or_insert(PolicyConfig {
                script: None,
                tick_s: None,
                builtins: Vec::new(),
                program: None,
            });
            cfg.script = Some(path.to_path_buf());
            if tick_s.is_some() {
                cfg.tick_s = tick_s;
            }
        }
    }
    attach(s, params)
}

fn live_kpis(q: &QueueFacts, def: SlDefinition) -> (f64, f64, f64) {
    (live_service_level(q, def), abandon_rate(q), asa_s(q))
}

fn register(e: &mut Engine) {
    e.register_type_with_name::<Ctx>("Ctx");
    e.register_type_with_name::<QueueView>("Queue");
    e.register_type_with_name::<GroupView>("Group");
    e.register_type_with_name::<CallView>("Call");
    e.register_type_with_name::<AgentView>("Agent");

    // --- the clock
    e.register_get("now", |c: &mut Ctx| c.lock().snap.t);
    e.register_get("clock", |c: &mut Ctx| {
        let sh = c.lock();
        format_clock((sh.stat.start_s + sh.snap.t).floor())
    });
    e.register_get("day", |c: &mut Ctx| c.lock().snap.day as i64);
    e.register_get("interval", |c: &mut Ctx| c.lock().snap.interval as i64);
    e.register_get("interval_seconds", |c: &mut Ctx| c.lock().stat.interval_s);
    e.register_get("queues", |c: &mut Ctx| {
        c.lock().stat.queue_names.iter().map(|q| Dynamic::from(q.clone())).collect::<rhai::Array>()
    });
    e.register_get("groups", |c: &mut Ctx| {
        c.lock().stat.group_names.iter().map(|g| Dynamic::from(g.clone())).collect::<rhai::Array>()
    });

    // --- reading
    e.register_fn("queue", |c: &mut Ctx, id: &str| -> R<QueueView> {
        let sh = c.lock();
        let q = sh.stat.queue(id)?;
        Ok(QueueView::new(sh.stat.queue_names[q].clone(), &sh.snap.queues[q], sh.stat.sl[q]))
    });
    e.register_fn("group", |c: &mut Ctx, id: &str| -> R<GroupView> {
        let sh = c.lock();
        let g = sh.stat.group(id)?;
        Ok(GroupView { id: sh.stat.group_names[g].clone(), live: sh.snap.groups[g] })
    });
    e.register_fn("forecast", |c: &mut Ctx, id: &str, ahead: i64| -> R<f64> {
        let sh = c.lock();
        let q = sh.stat.queue(id)?;
        let n = sh.stat.intervals_per_day;
        let i = (sh.snap.day * n + sh.snap.interval) as i64 + ahead;
        let end = ((sh.snap.day + 1) * n) as i64;
        Ok(if i < 0 || i >= end { 0.0 } else { sh.stat.volumes[q][i as usize] })
    });
    e.register_fn("random", |c: &mut Ctx| c.lock().rng.random::<f64>());
    e.register_fn("state", |c: &mut Ctx, key: &str| c.lock().state.get(key).cloned().unwrap_or(Dynamic::UNIT));
    e.register_fn("set_state", |c: &mut Ctx, key: &str, v: Dynamic| {
        c.lock().state.insert(key.into(), v);
    });

    e.register_get("id", |q: &mut QueueView| q.id.clone());
    e.register_get("waiting", |q: &mut QueueView| q.waiting);
    e.register_get("callbacks_pending", |q: &mut QueueView| q.callbacks_pending);
    e.register_get("open", |q: &mut QueueView| q.open);
    for (k, name) in [
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
    ]
    .into_iter()
    .enumerate()
    {
        e.register_get(name, move |q: &mut QueueView| q.v[k]);
    }

    e.register_get("id", |g: &mut GroupView| g.id.clone());
    e.register_get("staffed", |g: &mut GroupView| i64::from(g.live.staffed));
    e.register_get("available", |g: &mut GroupView| i64::from(g.live.available));
    e.register_get("idle", |g: &mut GroupView| i64::from(g.live.idle));
    e.register_get("busy", |g: &mut GroupView| i64::from(g.live.busy));
    e.register_get("on_break", |g: &mut GroupView| i64::from(g.live.on_break));

    e.register_get("queue", |c: &mut CallView| c.queue.clone());
    e.register_get("queue_index", |c: &mut CallView| c.queue_index);
    e.register_get("group", |a: &mut AgentView| a.group.clone());
    e.register_get("group_index", |a: &mut AgentView| a.group_index);
    e.register_get("index", |a: &mut AgentView| a.index);

    // --- actions
    fn n_of(v: &Dynamic, what: &str) -> R<u32> {
        let n = count(v, what)?;
        u32::try_from(n).or_else(|_| fail(format!("{what} must be 0 or more, got {n}")))
    }
    fn act(c: &mut Ctx, f: impl FnOnce(&Static) -> R<Action>) -> R<()> {
        let mut sh = c.lock();
        let a = f(&sh.stat)?;
        sh.actions.push(a);
        Ok(())
    }
    e.register_fn("move_agents", |c: &mut Ctx, from: &str, to: &str, n: Dynamic| {
        act(c, |s| Ok(Action::MoveAgents { from: s.group(from)?, to: s.group(to)?, n: n_of(&n, "agents")? }))
    });
    e.register_fn("set_skill", |c: &mut Ctx, g: &str, q: &str, on: bool| {
        act(c, |s| Ok(Action::SetSkill { group: s.group(g)?, queue: s.queue(q)?, on }))
    });
    e.register_fn("postpone_breaks", |c: &mut Ctx, g: &str, d: Dynamic| {
        act(c, |s| Ok(Action::PostponeBreaks { group: s.group(g)?, for_s: duration(&d, "hold")? }))
    });
    e.register_fn("cancel_breaks", |c: &mut Ctx, g: &str, d: Dynamic| {
        act(c, |s| Ok(Action::CancelBreaks { group: s.group(g)?, for_s: duration(&d, "window")? }))
    });
    e.register_fn("extend_shifts", |c: &mut Ctx, g: &str, n: Dynamic, d: Dynamic| {
        act(c, |s| {
            Ok(Action::ExtendShifts { group: s.group(g)?, n: n_of(&n, "agents")?, by_s: duration(&d, "overtime")? })
        })
    });
    e.register_fn("send_home", |c: &mut Ctx, g: &str, n: Dynamic| {
        act(c, |s| Ok(Action::SendHome { group: s.group(g)?, n: n_of(&n, "agents")? }))
    });
    e.register_fn("open_queue", |c: &mut Ctx, q: &str| {
        act(c, |s| Ok(Action::SetOpen { queue: s.queue(q)?, open: true }))
    });
    e.register_fn("close_queue", |c: &mut Ctx, q: &str| {
        act(c, |s| Ok(Action::SetOpen { queue: s.queue(q)?, open: false }))
    });
    e.register_fn("offer_callbacks", |c: &mut Ctx, q: &str, wait: Dynamic, acceptance: Dynamic| {
        act(c, |s| {
            let p = num(&acceptance, "acceptance")?;
            if !(0.0..=1.0).contains(&p) {
                return fail(format!("acceptance must be a share in [0, 1], got {p}"));
            }
            Ok(Action::OfferCallbacks {
                queue: s.queue(q)?,
                max_wait_s: duration(&wait, "estimated wait")?,
                acceptance: p,
            })
        })
    });
    e.register_fn("stop_callbacks", |c: &mut Ctx, q: &str| {
        act(c, |s| Ok(Action::OfferCallbacks { queue: s.queue(q)?, max_wait_s: f64::INFINITY, acceptance: 0.0 }))
    });
    e.register_fn("set_priority", |c: &mut Ctx, q: &str, p: Dynamic| {
        act(c, |s| {
            let p = count(&p, "priority")?;
            let priority = i32::try_from(p).or_else(|_| fail(format!("priority {p} is out of range")))?;
            Ok(Action::SetPriority { queue: s.queue(q)?, priority })
        })
    });
    e.register_fn("set_overflow", |c: &mut Ctx, q: &str, groups: Dynamic, after: Dynamic| {
        act(c, |s| {
            let list: Vec<Dynamic> =
                if groups.is_array() { groups.clone().into_array().unwrap_or_default() } else { vec![groups.clone()] };
            let mut gs = Vec::new();
            for g in list {
                let id = g.into_string().or_else(|t| fail(format!("overflow groups must be ids, got a {t}")))?;
                gs.push(s.group(&id)?);
            }
            Ok(Action::SetOverflow { queue: s.queue(q)?, groups: gs, after_s: duration(&after, "overflow delay")? })
        })
    });
    e.register_fn("clear_overflow", |c: &mut Ctx, q: &str| {
        act(c, |s| Ok(Action::SetOverflow { queue: s.queue(q)?, groups: Vec::new(), after_s: f64::INFINITY }))
    });
    e.register_fn("watch_waiting", |c: &mut Ctx, q: &str, n: Dynamic| {
        act(c, |s| Ok(Action::WatchWaiting { queue: s.queue(q)?, n: n_of(&n, "waiting calls")? }))
    });
    e.register_fn("watch_oldest_wait", |c: &mut Ctx, q: &str, d: Dynamic| {
        act(c, |s| Ok(Action::WatchOldestWait { queue: s.queue(q)?, wait_s: duration(&d, "oldest wait")? }))
    });
}
