//! The native fast path for interval-level hooks (`on_interval`, `on_tick`, `on_queue`): a hook
//! whose body stays inside a small subset of Rhai is translated once, at load, into a compact
//! tree evaluated here; every other hook runs in Rhai.
//!
//! Why: a hook runs once per interval between thousands of engine events, so Rhai's large
//! evaluator is out of the instruction cache at every call (about 680 misses and 9,300
//! instructions a call under callgrind); a one-line supervisor cost 5–6 % of the realistic day.
//! Here the same hook takes about 1,700 instructions with its snapshot and 8 misses, about what
//! a built-in policy costs.
//!
//! The subset: `let`/`const`, assignment and `+= -= *= /= %=` to locals, `if`/`else`, blocks,
//! `return`; integer, float, boolean, string and `()` constants and the script's top-level
//! constants (and `--set` parameters); `+ - * / %`, `== != < <= > >=`, `&& || !` and unary `-`;
//! `ctx.now`, `ctx.day`, `ctx.interval`, `ctx.interval_seconds`, `ctx.queue(id)` and
//! `ctx.group(id)` with all their properties, `ctx.forecast(id, n)`, and every action. Anything
//! else (loops, `switch`, function calls, arrays, `ctx.state`, `ctx.random`, `ctx.date`,
//! `ctx.weekday`, ...) keeps the whole hook in Rhai.
//!
//! Semantics are Rhai's: checked integer arithmetic, integer/float promotion, Rhai's
//! relative-epsilon float comparisons, the same property values and the same action builders
//! (shared with the Rhai registrations, not copied). Whatever the fast path does not decide
//! exactly as Rhai would (an overflow, a type mismatch, a bad action argument, an unknown id)
//! is an [`Unsupported`] at run time: the caller discards the actions this call queued and
//! re-runs the call in Rhai, which reports or does exactly what it always did. Re-running is
//! safe because nothing in the subset changes state: actions are only queued, and `random`
//! and `set_state` are outside it. A differential property test checks fast path against Rhai.

use super::api::{ACTIONS, Arg, GROUP_PROPS, QUEUE_VALUES, Static, forecast, queue_values};
use crate::policy::{Action, Snapshot};
use rhai::{ASTFlags, Dynamic, Expr, FnCallExpr, ImmutableString, Position, Scope, Stmt};

/// Locals a fast hook may hold (parameters included); more keep the hook in Rhai.
const MAX_LOCALS: usize = 32;

/// Nodes a fast hook may have: far below the sandbox's operation budget, so that a hook the
/// budget would stop in Rhai never runs here.
const MAX_NODES: usize = 10_000;

/// The fast path cannot decide this call exactly as Rhai would: run it in Rhai.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unsupported;

/// What the fast path returns: a value, or "run this call in Rhai".
type FastResult<T> = Result<T, Unsupported>;

/// A value. Strings are indices into the program's string table (queue ids first, then group
/// ids, then the constants the body names).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Unit,
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(u16),
    Ctx,
    Queue(u16),
    Group(u16),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn of(name: &str) -> Option<Op> {
        Some(match name {
            "+" => Op::Add,
            "-" => Op::Sub,
            "*" => Op::Mul,
            "/" => Op::Div,
            "%" => Op::Rem,
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => return None,
        })
    }
}

/// A property name the subset knows; which value it applies to is checked at run time, as Rhai
/// does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prop {
    Now,
    Day,
    Interval,
    IntervalSeconds,
    Id,
    Waiting,
    CallbacksPending,
    Open,
    /// Index into [`QUEUE_VALUES`].
    QueueValue(u8),
    /// Index into [`GROUP_PROPS`].
    GroupCount(u8),
}

impl Prop {
    fn of(name: &str) -> Option<Prop> {
        Some(match name {
            "now" => Prop::Now,
            "day" => Prop::Day,
            "interval" => Prop::Interval,
            "interval_seconds" => Prop::IntervalSeconds,
            "id" => Prop::Id,
            "waiting" => Prop::Waiting,
            "callbacks_pending" => Prop::CallbacksPending,
            "open" => Prop::Open,
            _ => {
                if let Some(k) = QUEUE_VALUES.iter().position(|n| *n == name) {
                    Prop::QueueValue(k as u8)
                } else {
                    Prop::GroupCount(GROUP_PROPS.iter().position(|(n, _)| *n == name)? as u8)
                }
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Queue,
    Group,
    Forecast,
    /// Index into [`ACTIONS`].
    Act(u8),
}

/// The `ctx` methods the subset knows; a script that defines a function of one of these names
/// (which Rhai would call instead) keeps all its hooks in Rhai.
pub(super) fn method_names() -> impl Iterator<Item = &'static str> {
    ["queue", "group", "forecast"].into_iter().chain(ACTIONS.iter().map(|a| a.0))
}

impl Method {
    fn of(name: &str, arity: usize) -> Option<Method> {
        let m = match name {
            "queue" => Method::Queue,
            "group" => Method::Group,
            "forecast" => Method::Forecast,
            _ => Method::Act(ACTIONS.iter().position(|a| a.0 == name)? as u8),
        };
        let want = match m {
            Method::Queue | Method::Group => 1,
            Method::Forecast => 2,
            Method::Act(k) => ACTIONS[k as usize].1.len(),
        };
        (arity == want).then_some(m)
    }
}

/// An expression of the subset, translated from Rhai's.
#[derive(Debug, Clone, PartialEq)]
enum Expression {
    Const(Value),
    Local(u8),
    Prop(Box<Expression>, Prop),
    Method(Box<Expression>, Method, Vec<Expression>),
    Bin(Op, Box<[Expression; 2]>),
    Neg(Box<Expression>),
    Not(Box<Expression>),
    And(Vec<Expression>),
    Or(Vec<Expression>),
}

/// A statement of the subset, translated from Rhai's; locals are slots, not names.
#[derive(Debug, Clone, PartialEq)]
enum Statement {
    Set(u8, Expression),
    OpSet(u8, Op, Expression),
    If(Expression, Vec<Statement>, Vec<Statement>),
    Block(Vec<Statement>),
    Eval(Expression),
    Return(Option<Expression>),
}

/// A hook body translated for the fast path.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Program {
    body: Vec<Statement>,
    strings: Vec<ImmutableString>,
    /// The hook's parameters: `ctx`, and for `on_queue` the queue id.
    params: usize,
}

/// Translation state: the string table, the locals in scope, the node count.
struct Compiler<'a> {
    constants: &'a Scope<'static>,
    strings: Vec<ImmutableString>,
    /// The locals in scope, innermost last: name and slot.
    locals: Vec<(ImmutableString, usize)>,
    slots: usize,
    nodes: usize,
    /// The last node translated: where translation stopped when it failed.
    at: Position,
}

/// Translates one hook body, a top-level statement at a time (Rhai does not export the type
/// of a function's body, so the body's statements arrive one by one from `AST::walk`).
pub(super) struct Builder<'a> {
    c: Compiler<'a>,
    body: Vec<Statement>,
    params: usize,
    ok: bool,
}

impl<'a> Builder<'a> {
    /// A hook with parameters `params` (`ctx` first); `constants` is the script's scope after
    /// its top level ran.
    pub(super) fn new(params: &[ImmutableString], constants: &'a Scope<'static>, stat: &Static) -> Builder<'a> {
        let strings = stat.queue_names.iter().chain(&stat.group_names).cloned().collect();
        let locals = params.iter().cloned().zip(0..).collect();
        let c = Compiler { constants, strings, locals, slots: params.len(), nodes: 0, at: Position::NONE };
        Builder { c, body: Vec::new(), params: params.len(), ok: true }
    }

    /// The body's next top-level statement.
    pub(super) fn push(&mut self, st: &Stmt) {
        self.ok = self.ok && self.c.stmt(st, &mut self.body).is_some();
    }

    /// The translated hook, or why the hook runs in Rhai.
    pub(super) fn finish(self) -> Result<Program, String> {
        let c = self.c;
        if !self.ok {
            return Err(match c.at.line() {
                Some(line) => format!("line {line} is outside the native subset"),
                None => "it leaves the native subset".into(),
            });
        }
        if c.slots > MAX_LOCALS || c.nodes > MAX_NODES || c.strings.len() > usize::from(u16::MAX) {
            return Err(format!("it is too large (more than {MAX_LOCALS} locals or {MAX_NODES} nodes)"));
        }
        Ok(Program { body: self.body, strings: c.strings, params: self.params })
    }
}

impl Program {
    /// Runs the hook on snapshot `s`; `queue` is `on_queue`'s queue. Actions are appended to
    /// `out`; on [`Unsupported`] the caller drops what was appended and asks Rhai.
    pub(super) fn run(
        &self,
        stat: &Static,
        s: &Snapshot,
        queue: Option<usize>,
        out: &mut Vec<Action>,
    ) -> FastResult<()> {
        let mut m = Machine { p: self, stat, s, out, locals: [Value::Unit; MAX_LOCALS] };
        m.locals[0] = Value::Ctx;
        if self.params > 1 {
            m.locals[1] = Value::Str(u16::try_from(queue.ok_or(Unsupported)?).map_err(|_| Unsupported)?);
        }
        m.block(&self.body).map(|_| ())
    }
}

impl Compiler<'_> {
    fn block(&mut self, stmts: &[Stmt]) -> Option<Vec<Statement>> {
        let depth = self.locals.len();
        let mut out = Vec::with_capacity(stmts.len());
        for st in stmts {
            self.stmt(st, &mut out)?;
        }
        self.locals.truncate(depth);
        Some(out)
    }

    fn stmt(&mut self, st: &Stmt, out: &mut Vec<Statement>) -> Option<()> {
        self.nodes += 1;
        self.at = st.position();
        match st {
            Stmt::Noop(_) => {}
            Stmt::Var(x, _, _) => {
                let e = self.expr(&x.1)?;
                let slot = self.slots;
                self.slots += 1;
                self.locals.push((x.0.name.clone(), slot));
                out.push(Statement::Set(u8::try_from(slot).ok()?, e));
            }
            Stmt::Assignment(x) => {
                let (op, name) = (&x.0, variable(&x.1.lhs)?);
                let slot = u8::try_from(self.local(name)?).ok()?;
                let rhs = self.expr(&x.1.rhs)?;
                out.push(match op.get_op_assignment_info() {
                    None => Statement::Set(slot, rhs),
                    Some((.., op_syntax)) => {
                        let op = Op::of(op_syntax)
                            .filter(|o| matches!(o, Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Rem))?;
                        Statement::OpSet(slot, op, rhs)
                    }
                });
            }
            Stmt::If(f, _) => {
                let cond = self.expr(&f.expr)?;
                let then = self.block(f.body.statements())?;
                let other = self.block(f.branch.statements())?;
                out.push(Statement::If(cond, then, other));
            }
            Stmt::Block(b) => {
                out.push(Statement::Block(self.block(b.statements())?));
            }
            Stmt::Expr(e) => out.push(Statement::Eval(self.expr(e)?)),
            // what the optimiser leaves of an `if` with empty branches: its condition
            Stmt::FnCall(f, _) => out.push(Statement::Eval(self.operator(f)?)),
            Stmt::Return(v, flags, _) if *flags == ASTFlags::NONE => {
                let v = match v {
                    Some(e) => Some(self.expr(e)?),
                    None => None,
                };
                out.push(Statement::Return(v));
            }
            _ => return None,
        }
        Some(())
    }

    /// The slot of the innermost local called `name`.
    fn local(&self, name: &str) -> Option<usize> {
        self.locals.iter().rev().find(|l| l.0.as_str() == name).map(|l| l.1)
    }

    fn string(&mut self, s: &ImmutableString) -> Option<Value> {
        let k = match self.strings.iter().position(|x| x == s) {
            Some(k) => k,
            None => {
                self.strings.push(s.clone());
                self.strings.len() - 1
            }
        };
        Some(Value::Str(u16::try_from(k).ok()?))
    }

    fn constant(&mut self, d: &Dynamic) -> Option<Value> {
        if let Ok(i) = d.as_int() {
            Some(Value::Int(i))
        } else if let Ok(f) = d.as_float() {
            Some(Value::Float(f))
        } else if let Ok(b) = d.as_bool() {
            Some(Value::Bool(b))
        } else if d.is_unit() {
            Some(Value::Unit)
        } else if let Some(s) = d.read_lock::<ImmutableString>() {
            let s = s.clone();
            self.string(&s)
        } else {
            None
        }
    }

    fn expr(&mut self, e: &Expr) -> Option<Expression> {
        self.nodes += 1;
        self.at = e.position();
        Some(match e {
            Expr::IntegerConstant(i, _) => Expression::Const(Value::Int(*i)),
            Expr::FloatConstant(f, _) => Expression::Const(Value::Float(**f)),
            Expr::BoolConstant(b, _) => Expression::Const(Value::Bool(*b)),
            Expr::Unit(_) => Expression::Const(Value::Unit),
            Expr::StringConstant(s, _) => Expression::Const(self.string(s)?),
            Expr::DynamicConstant(d, _) => Expression::Const(self.constant(d)?),
            Expr::Variable(..) => {
                let name = variable(e)?;
                match self.local(name) {
                    Some(slot) => Expression::Local(u8::try_from(slot).ok()?),
                    None => {
                        // a top-level constant (or --set parameter), fixed for the whole run
                        if self.constants.is_constant(name) != Some(true) {
                            return None;
                        }
                        let d = self.constants.get(name)?.clone();
                        Expression::Const(self.constant(&d)?)
                    }
                }
            }
            Expr::Dot(b, flags, _) if *flags == ASTFlags::NONE => {
                let base = self.expr(&b.lhs)?;
                self.chain(base, &b.rhs)?
            }
            Expr::FnCall(f, _) => self.operator(f)?,
            Expr::And(xs, _) => Expression::And(xs.iter().map(|x| self.expr(x)).collect::<Option<_>>()?),
            Expr::Or(xs, _) => Expression::Or(xs.iter().map(|x| self.expr(x)).collect::<Option<_>>()?),
            _ => return None,
        })
    }

    /// An operator call (`a + b`, `-a`, `!a`); any other function call leaves the subset.
    fn operator(&mut self, f: &FnCallExpr) -> Option<Expression> {
        if !f.namespace.is_empty() || f.op_token.is_none() {
            return None;
        }
        Some(match (f.name.as_str(), f.args.as_slice()) {
            ("-", [x]) => Expression::Neg(Box::new(self.expr(x)?)),
            ("!", [x]) => Expression::Not(Box::new(self.expr(x)?)),
            (name, [x, y]) => Expression::Bin(Op::of(name)?, Box::new([self.expr(x)?, self.expr(y)?])),
            _ => return None,
        })
    }

    /// `base.rhs`, where `rhs` is a property, a method call or a further chain.
    fn chain(&mut self, base: Expression, rhs: &Expr) -> Option<Expression> {
        self.nodes += 1;
        self.at = rhs.position();
        match rhs {
            Expr::Property(p, _) => Some(Expression::Prop(Box::new(base), Prop::of(p.2.as_str())?)),
            Expr::MethodCall(f, _) => {
                if !f.namespace.is_empty() {
                    return None;
                }
                let m = Method::of(f.name.as_str(), f.args.len())?;
                let args = f.args.iter().map(|a| self.expr(a)).collect::<Option<_>>()?;
                Some(Expression::Method(Box::new(base), m, args))
            }
            Expr::Dot(b, flags, _) if *flags == ASTFlags::NONE => {
                let inner = self.chain(base, &b.lhs)?;
                self.chain(inner, &b.rhs)
            }
            _ => None,
        }
    }
}

/// The name of a plain variable (`x`, not `global::x`).
fn variable(e: &Expr) -> Option<&str> {
    match e {
        Expr::Variable(x, _, _) if x.2.is_empty() => Some(x.1.as_str()),
        _ => None,
    }
}

/// How a statement list ended.
enum Flow {
    Next,
    Return,
}

struct Machine<'a> {
    p: &'a Program,
    stat: &'a Static,
    s: &'a Snapshot,
    out: &'a mut Vec<Action>,
    locals: [Value; MAX_LOCALS],
}

impl Machine<'_> {
    fn block(&mut self, body: &[Statement]) -> FastResult<Flow> {
        for st in body {
            match st {
                Statement::Set(k, e) => self.locals[usize::from(*k)] = self.eval(e)?,
                Statement::OpSet(k, op, e) => {
                    let y = self.eval(e)?;
                    let k = usize::from(*k);
                    self.locals[k] = self.binary(*op, self.locals[k], y)?;
                }
                Statement::If(c, then, other) => {
                    let Value::Bool(c) = self.eval(c)? else { return Err(Unsupported) };
                    if let Flow::Return = self.block(if c { then } else { other })? {
                        return Ok(Flow::Return);
                    }
                }
                Statement::Block(inner) => {
                    if let Flow::Return = self.block(inner)? {
                        return Ok(Flow::Return);
                    }
                }
                Statement::Eval(e) => {
                    self.eval(e)?;
                }
                Statement::Return(e) => {
                    if let Some(e) = e {
                        self.eval(e)?;
                    }
                    return Ok(Flow::Return);
                }
            }
        }
        Ok(Flow::Next)
    }

    fn eval(&mut self, e: &Expression) -> FastResult<Value> {
        Ok(match e {
            Expression::Const(v) => *v,
            Expression::Local(k) => self.locals[usize::from(*k)],
            Expression::Prop(x, p) => {
                let x = self.eval(x)?;
                self.prop(x, *p)?
            }
            Expression::Method(x, m, args) => {
                let Value::Ctx = self.eval(x)? else { return Err(Unsupported) };
                self.method(*m, args)?
            }
            Expression::Bin(op, xy) => {
                let x = self.eval(&xy[0])?;
                let y = self.eval(&xy[1])?;
                self.binary(*op, x, y)?
            }
            Expression::Neg(x) => match self.eval(x)? {
                Value::Int(i) => Value::Int(i.checked_neg().ok_or(Unsupported)?),
                Value::Float(f) => Value::Float(-f),
                _ => return Err(Unsupported),
            },
            Expression::Not(x) => match self.eval(x)? {
                Value::Bool(b) => Value::Bool(!b),
                _ => return Err(Unsupported),
            },
            Expression::And(xs) => {
                for x in xs {
                    let Value::Bool(b) = self.eval(x)? else { return Err(Unsupported) };
                    if !b {
                        return Ok(Value::Bool(false));
                    }
                }
                Value::Bool(true)
            }
            Expression::Or(xs) => {
                for x in xs {
                    let Value::Bool(b) = self.eval(x)? else { return Err(Unsupported) };
                    if b {
                        return Ok(Value::Bool(true));
                    }
                }
                Value::Bool(false)
            }
        })
    }

    fn prop(&self, x: Value, p: Prop) -> FastResult<Value> {
        let s = self.s;
        Ok(match (x, p) {
            (Value::Ctx, Prop::Now) => Value::Float(s.time_s),
            (Value::Ctx, Prop::Day) => Value::Int(s.day as i64),
            (Value::Ctx, Prop::Interval) => Value::Int(s.interval as i64),
            (Value::Ctx, Prop::IntervalSeconds) => Value::Float(self.stat.interval_s),
            (Value::Queue(q), Prop::Id) => Value::Str(q),
            (Value::Group(g), Prop::Id) => Value::Str(self.stat.queue_names.len() as u16 + g),
            (Value::Queue(q), Prop::Waiting) => Value::Int(i64::from(s.queues[usize::from(q)].waiting)),
            (Value::Queue(q), Prop::CallbacksPending) => {
                Value::Int(i64::from(s.queues[usize::from(q)].callbacks_pending))
            }
            (Value::Queue(q), Prop::Open) => Value::Bool(s.queues[usize::from(q)].open),
            (Value::Queue(q), Prop::QueueValue(k)) => {
                let q = usize::from(q);
                Value::Float(queue_values(&s.queues[q], self.stat.sl[q])[usize::from(k)])
            }
            (Value::Group(g), Prop::GroupCount(k)) => {
                Value::Int(i64::from((GROUP_PROPS[usize::from(k)].1)(&s.groups[usize::from(g)])))
            }
            _ => return Err(Unsupported),
        })
    }

    /// `v` as Rhai holds it; the ctx handle and views have no fast equivalent.
    fn dynamic(&self, v: Value) -> FastResult<Dynamic> {
        Ok(match v {
            Value::Unit => Dynamic::UNIT,
            Value::Int(i) => Dynamic::from(i),
            Value::Float(f) => Dynamic::from(f),
            Value::Bool(b) => Dynamic::from(b),
            Value::Str(k) => Dynamic::from(self.p.strings[usize::from(k)].clone()),
            Value::Ctx | Value::Queue(_) | Value::Group(_) => return Err(Unsupported),
        })
    }

    fn text(&self, v: Value) -> FastResult<&str> {
        match v {
            Value::Str(k) => Ok(self.p.strings[usize::from(k)].as_str()),
            _ => Err(Unsupported),
        }
    }

    fn method(&mut self, m: Method, args: &[Expression]) -> FastResult<Value> {
        match m {
            Method::Queue => {
                let id = self.eval(&args[0])?;
                let q = self.stat.queue(self.text(id)?).map_err(|_| Unsupported)?;
                Ok(Value::Queue(q as u16))
            }
            Method::Group => {
                let id = self.eval(&args[0])?;
                let g = self.stat.group(self.text(id)?).map_err(|_| Unsupported)?;
                Ok(Value::Group(g as u16))
            }
            Method::Forecast => {
                let id = self.eval(&args[0])?;
                let Value::Int(ahead) = self.eval(&args[1])? else { return Err(Unsupported) };
                let q = self.stat.queue(self.text(id)?).map_err(|_| Unsupported)?;
                Ok(Value::Float(forecast(self.stat, self.s, q, ahead)))
            }
            Method::Act(k) => {
                let (_, kinds, build) = &ACTIONS[usize::from(k)];
                let mut dyns = [Dynamic::UNIT, Dynamic::UNIT, Dynamic::UNIT];
                for ((a, kind), d) in args.iter().zip(kinds.iter()).zip(dyns.iter_mut()) {
                    let v = self.eval(a)?;
                    // the argument types Rhai checks before calling the action
                    if !matches!((kind, v), (Arg::Id, Value::Str(_)) | (Arg::Bool, Value::Bool(_)) | (Arg::Any, _)) {
                        return Err(Unsupported);
                    }
                    *d = self.dynamic(v)?;
                }
                let a = build(self.stat, &dyns[..kinds.len()]).map_err(|_| Unsupported)?;
                self.out.push(a);
                Ok(Value::Unit)
            }
        }
    }

    /// Rhai's built-in binary operators on the subset's values.
    fn binary(&self, op: Op, x: Value, y: Value) -> FastResult<Value> {
        Ok(match (x, y) {
            (Value::Int(a), Value::Int(b)) => match op {
                Op::Add => Value::Int(a.checked_add(b).ok_or(Unsupported)?),
                Op::Sub => Value::Int(a.checked_sub(b).ok_or(Unsupported)?),
                Op::Mul => Value::Int(a.checked_mul(b).ok_or(Unsupported)?),
                Op::Div => Value::Int(a.checked_div(b).ok_or(Unsupported)?),
                Op::Rem => Value::Int(a.checked_rem(b).ok_or(Unsupported)?),
                Op::Eq => Value::Bool(a == b),
                Op::Ne => Value::Bool(a != b),
                Op::Lt => Value::Bool(a < b),
                Op::Le => Value::Bool(a <= b),
                Op::Gt => Value::Bool(a > b),
                Op::Ge => Value::Bool(a >= b),
            },
            (Value::Float(a), Value::Float(b)) => float(op, a, b),
            (Value::Float(a), Value::Int(b)) => float(op, a, b as f64),
            (Value::Int(a), Value::Float(b)) => float(op, a as f64, b),
            (Value::Bool(a), Value::Bool(b)) => match op {
                Op::Eq => Value::Bool(a == b),
                Op::Ne => Value::Bool(a != b),
                _ => return Err(Unsupported),
            },
            (Value::Str(_), Value::Str(_)) => match op {
                Op::Eq => Value::Bool(self.text(x)? == self.text(y)?),
                Op::Ne => Value::Bool(self.text(x)? != self.text(y)?),
                _ => return Err(Unsupported),
            },
            _ => return Err(Unsupported),
        })
    }
}

/// Float arithmetic, and comparisons with Rhai's relative tolerance (checked builds): `x < y`
/// holds when `(y - x) / max(|x|, |y|) > EPSILON` (the scale is 1 when either is 0).
fn float(op: Op, x: f64, y: f64) -> Value {
    let max = if x * y == 0.0 { 1.0 } else { x.abs().max(y.abs()) };
    let cmp = |zero: bool, d: f64, above: f64| Value::Bool(if max == 0.0 { zero } else { d / max > above });
    match op {
        Op::Add => Value::Float(x + y),
        Op::Sub => Value::Float(x - y),
        Op::Mul => Value::Float(x * y),
        Op::Div => Value::Float(x / y),
        Op::Rem => Value::Float(x % y),
        Op::Eq => Value::Bool(if max == 0.0 { true } else { (x - y).abs() / max <= f64::EPSILON }),
        Op::Ne => cmp(false, (x - y).abs(), f64::EPSILON),
        Op::Gt => cmp(false, x - y, f64::EPSILON),
        Op::Ge => cmp(true, x - y, -f64::EPSILON),
        Op::Lt => cmp(false, y - x, f64::EPSILON),
        Op::Le => cmp(true, y - x, -f64::EPSILON),
    }
}
