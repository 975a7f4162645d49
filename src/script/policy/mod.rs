//! Policy scripts: Rhai functions the engine calls while a day runs (`on_interval`, `on_tick`,
//! `on_queue`, `select_agent`, `select_call`). A script sees the live state through `ctx` and acts
//! through `ctx`'s methods; every action is queued and applied by the engine after the hook
//! returns, in order.
//!
//! A script is loaded and compiled once ([`PolicyScript`], independent of any scenario) and bound
//! to a scenario when the engine's model is built ([`ScriptPolicy`], shared by all threads). Each
//! replication gets its own `Scope` (the script's top-level constants and `--set` parameters) and
//! its own `ctx` state, so nothing leaks between replications. The top level runs once per
//! replication, not per call. Hooks are called through Rhai's `EvalContext::call_fn_raw` (the
//! `internals` feature) with the replication's own `GlobalRuntimeState` and `Caches`: the
//! function look-ups one hook resolves serve the next, where `Engine::call_fn` would start from
//! empty caches at every call. The sandbox's operation budget restarts at every call.

mod register;

use super::api::{ACTIONS, Arg, GROUP_PROPS, QUEUE_VALUES, Static, forecast, queue_values};
use super::fast::{self, Builder, Program};
use super::{ScriptError, ScriptResult, sandboxed_engine};
use crate::policy::{Action, HookResult, Hooks, Policy, PolicyFactory, PolicySource, Snapshot};
use crate::scenario::Scenario;
use crate::sim::{Purpose, Rng, stream};
use crate::time::format_clock;
use crate::vocabulary::SlDefinition;
use rand::RngExt;
use register::register;
use rhai::{
    AST, ASTNode, Caches, Dynamic, Engine, EvalAltResult, EvalContext, GlobalRuntimeState, ImmutableString, Map,
    Position, Scope,
};
use std::any::TypeId;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

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
        QueueView {
            id,
            waiting: i64::from(live.waiting),
            callbacks_pending: i64::from(live.callbacks_pending),
            open: live.open,
            v: queue_values(live, sl),
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

/// A policy script loaded and compiled once, independent of any scenario: its path, compiled
/// form, the hooks it defines and its `--set` parameters. It becomes a runnable policy only when
/// bound to a scenario ([`PolicySource::bind`], called by `model::Model::compile`), which reads
/// that scenario's ids, volumes, targets and seed; a scenario changed by a what-if is bound
/// afresh when its model is built.
#[derive(Debug, Clone)]
pub struct PolicyScript {
    path: PathBuf,
    ast: Arc<AST>,
    hooks: Hooks,
    params: Vec<super::Param>,
    /// The script names a day-so-far property (`sl_day`, `offered_day`, ...): only then does the
    /// engine sum the day for its snapshots. Properties are reached only by their literal names
    /// (a function pointer cannot call a getter), so the text tells.
    reads_day: bool,
    /// Translate the interval-level hooks for the native fast path when bound (the default).
    fast_path: bool,
}

impl PolicyScript {
    /// Reads and compiles `path`; checks the hooks it defines and runs its top level once with
    /// `params`, so that errors there show before any simulation.
    pub fn load(path: &Path, params: Vec<super::Param>) -> Result<PolicyScript, ScriptError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScriptError {
            script: path.to_path_buf(),
            position: None,
            message: format!("cannot read: {e}"),
        })?;
        PolicyScript::compile(&text, path, params)
    }

    /// Compiles script text; `path` names it in errors and must be what the scenario's
    /// `policy.script` names for the script to be bound to it.
    pub fn compile(text: &str, path: &Path, params: Vec<super::Param>) -> Result<PolicyScript, ScriptError> {
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
        let p = PolicyScript {
            path: path.to_path_buf(),
            ast: Arc::new(ast),
            hooks,
            params,
            reads_day: text.contains(DAY_SUFFIX),
            fast_path: true,
        };
        p.scope().map_err(|e| ScriptError::from_rhai(path, &e))?;
        Ok(p)
    }

    /// The same compiled script with other `--set` parameters (a sweep point's); its top level
    /// runs once with them.
    pub fn with_params(&self, params: Vec<super::Param>) -> Result<PolicyScript, ScriptError> {
        let p = PolicyScript { params, ..self.clone() };
        p.scope().map_err(|e| ScriptError::from_rhai(&p.path, &e))?;
        Ok(p)
    }

    /// The hooks the script defines.
    pub fn hooks(&self) -> Hooks {
        self.hooks
    }

    /// Turns the native fast path off (`false`) or back on for every binding made afterwards:
    /// with it off every hook runs in Rhai. For checking the two agree, and for measuring.
    pub fn set_fast_path(&mut self, on: bool) {
        self.fast_path = on;
    }

    /// This script bound to `scenario`, ticking every `tick_s` seconds when given.
    pub fn bind_to(&self, scenario: &Scenario, tick_s: Option<f64>) -> Result<ScriptPolicy, ScriptError> {
        if self.hooks.tick && tick_s.is_none() {
            return Err(ScriptError {
                script: self.path.clone(),
                position: None,
                message: "defines on_tick but the policy has no tick interval: give the policy one (e.g. 5 minutes)"
                    .into(),
            });
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
            dates: (0..h.days as usize).map(|d| Some((h.date(d)?.to_string().into(), h.weekday(d)?.into()))).collect(),
            seed: scenario.simulation.seed,
            reads_day: self.reads_day,
        });
        let mut p =
            ScriptPolicy { script: self.clone(), tick_s, stat, fast: [None, None, None], placement: Vec::new() };
        let translated = if self.fast_path {
            let scope = self.scope().map_err(|e| ScriptError::from_rhai(&self.path, &e))?;
            p.translate(&scope)
        } else {
            std::array::from_fn(|k| Some(Err("the native fast path is off".into())).filter(|_| self.defines(k)))
        };
        p.place(translated);
        Ok(p)
    }

    /// Whether the script defines hook `k` (`HOOKS` order).
    fn defines(&self, k: usize) -> bool {
        let h = self.hooks;
        [h.interval, h.tick, h.queue, h.select_agent, h.select_call][k]
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

impl PolicySource for PolicyScript {
    fn path(&self) -> &Path {
        &self.path
    }

    fn bind(&self, scenario: &Scenario, tick_s: Option<f64>) -> Result<Arc<dyn PolicyFactory>, String> {
        Ok(Arc::new(self.bind_to(scenario, tick_s).map_err(|e| e.to_string())?))
    }
}

/// Loads the policy script `scenario` names (`policy.script`), if any, with `params`: the one
/// script its models are then compiled with.
pub fn load_named(scenario: &Scenario, params: &[super::Param]) -> Result<Option<PolicyScript>, ScriptError> {
    match scenario.policy.as_ref().and_then(|p| p.script.as_ref()) {
        Some(path) => PolicyScript::load(path, params.to_vec()).map(Some),
        None => Ok(None),
    }
}

/// A policy script bound to one scenario, shared by all replications and threads.
#[derive(Debug)]
pub struct ScriptPolicy {
    script: PolicyScript,
    tick_s: Option<f64>,
    stat: Arc<Static>,
    /// `on_interval`, `on_tick`, `on_queue` translated for the native fast path, where their
    /// bodies allow it (see `script::fast`).
    fast: [Option<Program>; 3],
    /// For each defined hook: where it runs, and if in Rhai, why (`on_tick: native`,
    /// `on_queue: in Rhai (why)`); shown by `ccsim validate`.
    placement: Vec<String>,
}

impl ScriptPolicy {
    /// Translates the interval-level hooks for the native fast path where their bodies allow it
    /// (each hook: its program, or why it runs in Rhai). A script that defines a function named
    /// like a `ctx` method keeps every hook in Rhai (Rhai would call its own).
    fn translate(&self, scope: &Scope<'static>) -> [Option<Result<Program, String>>; 3] {
        let ast = &self.script.ast;
        let lib = ast.shared_lib();
        let shadows = ast.iter_functions().find(|f| fast::method_names().any(|m| m == f.name));
        if let Some(f) = shadows {
            let why = format!("the script defines its own `{}`", f.name);
            return std::array::from_fn(|k| lib.get_script_fn(HOOKS[k].0, HOOKS[k].1).map(|_| Err(why.clone())));
        }
        // each hook's body span, and a builder fed with the body's top-level statements
        let mut hooks: Vec<(usize, Position, Position, Builder)> = (0..3)
            .filter_map(|k| {
                let (name, arity) = HOOKS[k];
                let f = lib.get_script_fn(name, arity)?;
                Some((k, f.body.start_position(), f.body.end_position(), Builder::new(&f.params, scope, &self.stat)))
            })
            .collect();
        let mut lost = false;
        ast.walk(&mut |path: &[ASTNode]| {
            if let [ASTNode::Stmt(st)] = path {
                let at = st.position();
                // a statement without a position could not be placed in its function
                lost |= at.is_none() && !st.is_noop();
                for (_, start, end, b) in &mut hooks {
                    if *start < at && at < *end {
                        b.push(st);
                    }
                }
            }
            true
        });
        let mut out = [None, None, None];
        for (k, _, _, b) in hooks {
            out[k] = Some(if lost { Err("a statement has no position".into()) } else { b.finish() });
        }
        out
    }

    /// Keeps the translated hooks, and notes where each defined hook runs.
    fn place(&mut self, translated: [Option<Result<Program, String>>; 3]) {
        self.placement.clear();
        for (k, t) in translated.into_iter().enumerate() {
            let name = HOOKS[k].0;
            self.fast[k] = match t {
                Some(Ok(p)) => {
                    self.placement.push(format!("{name}: native"));
                    Some(p)
                }
                Some(Err(why)) => {
                    self.placement.push(format!("{name}: in Rhai ({why})"));
                    None
                }
                None => None,
            };
        }
        for (k, (name, _)) in HOOKS.iter().enumerate().skip(3) {
            if self.script.defines(k) {
                self.placement.push(format!("{name}: in Rhai (called per call)"));
            }
        }
    }

    /// The hooks the native fast path runs (the others run in Rhai).
    pub fn fast_hooks(&self) -> Vec<&'static str> {
        (0..3).filter(|&k| self.fast[k].is_some()).map(|k| HOOKS[k].0).collect()
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
        self.script.hooks
    }

    fn notes(&self) -> Vec<String> {
        self.placement.clone()
    }

    fn tick_s(&self) -> Option<f64> {
        self.tick_s
    }

    fn start(&self, rep: u32) -> Box<dyn Policy + '_> {
        // the top level ran without error when the script was loaded, and runs the same again
        let scope = self.script.scope().unwrap_or_default();
        let shared = Shared {
            stat: self.stat.clone(),
            snap: Snapshot::default(),
            actions: Vec::new(),
            state: Map::new(),
            rng: stream(self.stat.seed, rep, Purpose::Policy, usize::MAX),
        };
        let mut global = engine().new_global_runtime_state();
        global.lib.push(self.script.ast.shared_lib().clone());
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
        .map_err(|e| ScriptError::from_rhai(&self.p.script.path, &e).to_string())
    }

    /// Runs hook `k` (`HOOKS` order) on the fast path if it has one; `false` when the call must
    /// run in Rhai (no fast path, or the fast path cannot decide it exactly), with `out` as
    /// it was.
    fn fast(&self, k: usize, s: &Snapshot, queue: Option<usize>, out: &mut Vec<Action>) -> bool {
        let Some(p) = &self.p.fast[k] else { return false };
        let n = out.len();
        if p.run(&self.p.stat, s, queue, out).is_ok() {
            return true;
        }
        out.truncate(n);
        false
    }

    /// A routing hook's answer: an id or index of `ids`, or `()` for none.
    fn chosen(&self, v: Dynamic, ids: &[String], hook: &str) -> HookResult<Option<usize>> {
        let at = |m: String| format!("{}: {hook} returned {m}", self.p.script.path.display());
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
        self.p.script.hooks
    }

    fn reads_day(&self) -> bool {
        self.p.stat.reads_day
    }

    fn on_interval(&mut self, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<()> {
        if self.fast(0, s, None, out) {
            return Ok(());
        }
        self.call("on_interval", None, s, out).map(|_| ())
    }

    fn on_tick(&mut self, s: &Snapshot, out: &mut Vec<Action>) -> HookResult<()> {
        if self.fast(1, s, None, out) {
            return Ok(());
        }
        self.call("on_tick", None, s, out).map(|_| ())
    }

    fn on_queue(&mut self, s: &Snapshot, queue: usize, out: &mut Vec<Action>) -> HookResult<()> {
        if self.fast(2, s, Some(queue), out) {
            return Ok(());
        }
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

#[cfg(test)]
#[path = "../fast_tests.rs"]
mod fast_tests;
