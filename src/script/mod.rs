//! Everything Rhai: the one sandboxed engine configuration, compiling scripts once, turning
//! Rhai errors into messages with script, line and column, and `--set name=value` parameters.
//! What-if scripts ([`whatif`]) change a scenario before it runs; policy scripts ([`policy`]) act
//! while a day runs, through the API in `api.rs` shared by the Rhai registrations and the native
//! hook path (`fast.rs`). Rhai is used nowhere else.

mod api;
mod fast;
pub mod policy;
pub mod whatif;

use crate::time::parse_duration;
use rhai::{Dynamic, Engine, EvalAltResult, Position};
use std::fmt;
use std::path::{Path, PathBuf};

/// Most operations one script run may perform: a runaway loop stops after about this many
/// (well under a second).
pub const MAX_OPERATIONS: u64 = 2_000_000;

/// A script failed to compile or run.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptError {
    /// The script file.
    pub script: PathBuf,
    /// Line and column (1-based), when Rhai knows them.
    pub position: Option<(usize, usize)>,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", self.script.display(), self.message),
            None => write!(f, "{}: {}", self.script.display(), self.message),
        }
    }
}

impl std::error::Error for ScriptError {}

impl ScriptError {
    /// Wraps a Rhai error, keeping the innermost message and the outermost known position.
    pub fn from_rhai(script: &Path, err: &EvalAltResult) -> ScriptError {
        let inner = err.unwrap_inner();
        let pos = [err.position(), inner.position()].into_iter().find(|p| !p.is_none()).unwrap_or(Position::NONE);
        let mut message = match inner {
            EvalAltResult::ErrorRuntime(v, _) => v.to_string(),
            EvalAltResult::ErrorTooManyOperations(_) => {
                format!("the script ran too long (more than {MAX_OPERATIONS} operations): is there an endless loop?")
            }
            other => other.to_string(),
        };
        if let Some(cut) = message.find(" (line ") {
            message.truncate(cut);
        }
        ScriptError {
            script: script.to_path_buf(),
            position: pos.line().map(|l| (l, pos.position().unwrap_or(0))),
            message,
        }
    }
}

/// The sandboxed engine: no modules from disk, no `eval`, limited operations, call depth,
/// expression depth, string, array and map sizes; `print` goes nowhere.
pub fn sandboxed_engine() -> Engine {
    let mut e = Engine::new();
    e.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
    e.disable_symbol("eval");
    e.set_max_operations(MAX_OPERATIONS);
    e.set_max_call_levels(32);
    e.set_max_expr_depths(64, 32);
    e.set_max_string_size(10_000);
    e.set_max_array_size(100_000);
    e.set_max_map_size(1_000);
    e.on_print(|_| {});
    e.on_debug(|_, _, _| {});
    e
}

/// The result of a registered function: a Rhai error carries the message to the script's line.
pub(crate) type ScriptResult<T> = Result<T, Box<EvalAltResult>>;

pub(crate) fn fail<T>(msg: String) -> ScriptResult<T> {
    Err(msg.into())
}

/// A number, integer or float.
pub(crate) fn num(v: &Dynamic, what: &str) -> ScriptResult<f64> {
    if let Ok(f) = v.as_float() {
        Ok(f)
    } else if let Ok(i) = v.as_int() {
        Ok(i as f64)
    } else {
        fail(format!("{what} must be a number, got {}", v.type_name()))
    }
}

/// A whole number.
pub(crate) fn count(v: &Dynamic, what: &str) -> ScriptResult<i64> {
    let x = num(v, what)?;
    if x.fract() != 0.0 {
        return fail(format!("{what} must be a whole number, got {x}"));
    }
    Ok(x as i64)
}

/// Most agents a what-if may give one group at once: the scenario's own limit, checked here
/// before a count can wrap around (`set_count(g, 4294967297)`).
pub use crate::scenario::limits::MAX_AGENTS_PER_GROUP;

/// A number of agents: a whole number from 0 to [`MAX_AGENTS_PER_GROUP`]; anything else is an
/// error naming `what` (the policy API rejects negative counts the same way).
pub(crate) fn agents(v: &Dynamic, what: &str) -> ScriptResult<u32> {
    let n = count(v, what)?;
    if n < 0 {
        return fail(format!("{what} must be 0 or more, got {n}"));
    }
    within_limit(n, what)
}

/// `n` as a `u32` when it is at most [`MAX_AGENTS_PER_GROUP`].
pub(crate) fn within_limit(n: i64, what: &str) -> ScriptResult<u32> {
    match u32::try_from(n) {
        Ok(k) if k <= MAX_AGENTS_PER_GROUP => Ok(k),
        _ => fail(format!("{what} must be at most {MAX_AGENTS_PER_GROUP} (MAX_AGENTS_PER_GROUP), got {n}")),
    }
}

/// A duration: seconds, or text like "15m".
pub(crate) fn duration(v: &Dynamic, what: &str) -> ScriptResult<f64> {
    if v.is_string() {
        parse_duration(&v.clone().into_string().unwrap_or_default()).or_else(|m| fail(format!("{what}: {m}")))
    } else {
        let s = num(v, what)?;
        if s < 0.0 {
            fail(format!("{what} must not be negative"))
        } else if !s.is_finite() {
            fail(format!("{what} must be a finite number of seconds, got {s}"))
        } else {
            Ok(s)
        }
    }
}

/// A `--set name=value` parameter: the value is an integer, a float, `true`/`false`, or text.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Variable name seen by the script.
    pub name: String,
    /// The value as written.
    pub text: String,
}

impl Param {
    /// Parses `name=value`; the name must be a valid identifier.
    pub fn parse(s: &str) -> Result<Param, String> {
        let (name, text) = s.split_once('=').ok_or_else(|| format!("--set {s:?}: expected name=value"))?;
        let name = name.trim();
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(format!("--set {s:?}: `{name}` is not a valid variable name"));
        }
        Ok(Param { name: name.to_string(), text: text.trim().to_string() })
    }

    /// The value as a Rhai value.
    pub fn value(&self) -> Dynamic {
        if let Ok(i) = self.text.parse::<i64>() {
            Dynamic::from(i)
        } else if let Ok(f) = self.text.parse::<f64>() {
            Dynamic::from(f)
        } else if let Ok(b) = self.text.parse::<bool>() {
            Dynamic::from(b)
        } else {
            Dynamic::from(self.text.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params() {
        assert_eq!(Param::parse("share=0.15").unwrap().value().as_float(), Ok(0.15));
        assert_eq!(Param::parse("n = 3").unwrap().value().as_int(), Ok(3));
        assert!(Param::parse("flag=true").unwrap().value().as_bool().unwrap());
        assert_eq!(Param::parse("q=sales").unwrap().value().into_string().unwrap(), "sales");
        assert!(Param::parse("noequals").is_err());
        assert!(Param::parse("2x=1").is_err());
    }
}
