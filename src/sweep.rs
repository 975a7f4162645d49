//! Batch sweeps: a grid of points, each a set of values for scenario paths
//! (`agents.team`, `queues.support.handle_time.mean`) and what-if script parameters, all run
//! with the same seeds per replication (common random numbers) and reported one row per point.
//!
//! Points run in batches scheduled together on the rayon pool; after each batch the caller
//! gets the finished points (to write them out), so an interrupted sweep keeps its work.

use crate::experiment::{Reducer, RunResult, for_each_replication_of};
use crate::model::Model;
use crate::scenario::Scenario;
use crate::scenario::path::with_value;
use crate::script::Param;
use crate::script::policy::PolicyScript;
use crate::script::whatif::{WhatIf, WhatIfError};
use std::path::Path;

/// One varied parameter and its values (as text: numbers, or durations such as `240s`).
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// A scenario path (contains a dot) or a script parameter name.
    pub name: String,
    /// The values, in order.
    pub values: Vec<String>,
}

/// Formats a grid value without floating-point noise (`1.1`, not `1.1000000000000001`).
fn fmt_value(x: f64) -> String {
    let r = (x * 1e9).round() / 1e9;
    if r.fract() == 0.0 { format!("{}", r as i64) } else { format!("{r}") }
}

impl Axis {
    /// Parses `name=a..b:step` (inclusive range), `name=a..b` (step 1) or `name=v1,v2,...`.
    pub fn parse(spec: &str) -> Result<Axis, String> {
        let (name, values) = spec.split_once('=').ok_or_else(|| format!("--vary {spec:?}: expected name=values"))?;
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(format!("--vary {spec:?}: the name is empty"));
        }
        let values = values.trim();
        let out: Vec<String> = if let Some((range, step)) = values.split_once("..").map(|(a, rest)| {
            let (b, step) = rest.split_once(':').unwrap_or((rest, "1"));
            ((a, b), step)
        }) {
            let num = |t: &str| -> Result<f64, String> {
                t.trim().parse::<f64>().map_err(|_| format!("--vary {spec:?}: {t:?} is not a number"))
            };
            let (a, b, st) = (num(range.0)?, num(range.1)?, num(step)?);
            if st.is_nan() || st <= 0.0 || b < a {
                return Err(format!("--vary {spec:?}: expected from..to:step with from ≤ to and step > 0"));
            }
            let n = ((b - a) / st + 1e-9).floor() as usize + 1;
            if n > 10_000 {
                return Err(format!("--vary {spec:?}: {n} values is too many"));
            }
            (0..n).map(|i| fmt_value(a + i as f64 * st)).collect()
        } else {
            values.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
        };
        if out.is_empty() {
            return Err(format!("--vary {spec:?}: no values"));
        }
        Ok(Axis { name, values: out })
    }
}

/// A grid point: (name, value) pairs in axis order.
pub type Point = Vec<(String, String)>;

/// The product grid of the axes, the last axis varying fastest.
pub fn grid(axes: &[Axis]) -> Vec<Point> {
    let mut points: Vec<Point> = vec![vec![]];
    for a in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                a.values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push((a.name.clone(), v.clone()));
                    q
                })
            })
            .collect();
    }
    points
}

/// Reads a grid from CSV text: a header of names, one point per row.
pub fn grid_from_csv(text: &str, file: &Path) -> Result<Vec<Point>, String> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> =
        rdr.headers().map_err(|e| format!("{}: {e}", file.display()))?.iter().map(|h| h.trim().to_string()).collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", file.display()))?;
        out.push(headers.iter().cloned().zip(rec.iter().map(|v| v.trim().to_string())).collect());
    }
    if out.is_empty() {
        return Err(format!("{}: no points", file.display()));
    }
    Ok(out)
}

/// Why a point could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A scenario path or value is wrong.
    #[error("point {point}: {source}")]
    Scenario {
        /// The point, as `name=value, ...`.
        point: String,
        /// The problem.
        source: Box<crate::scenario::ScenarioError>,
    },
    /// A what-if script failed.
    #[error("point {point}: {source}")]
    Script {
        /// The point.
        point: String,
        /// The problem.
        source: Box<WhatIfError>,
    },
}

/// Describes a point as `name=value, ...`.
pub fn describe(p: &Point) -> String {
    p.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(", ")
}

/// One point ready to simulate: its scenario and the policy script that scenario names, with the
/// point's parameters; the script is bound to the scenario when its model is built.
#[derive(Debug, Clone)]
pub struct PointRun {
    /// The point's scenario.
    pub scenario: Scenario,
    /// The policy script it names, with the point's parameters.
    pub policy: Option<PolicyScript>,
}

/// The scenario of one point: scenario paths set first, then each what-if script applied with
/// the point's other names as `--set` parameters (plus `sets`); `policy` (the script the base
/// scenario names, loaded once) gets the same parameters.
pub fn scenario_at(
    base: &Scenario,
    file: &Path,
    scripts: &[WhatIf],
    policy: Option<&PolicyScript>,
    sets: &[Param],
    p: &Point,
) -> Result<PointRun, SweepError> {
    let point = describe(p);
    let mut s = base.clone();
    let params = params_at(sets, p);
    for (name, value) in p.iter().filter(|(n, _)| n.contains('.')) {
        s = with_value(&s, name, value, file)
            .map_err(|e| SweepError::Scenario { point: point.clone(), source: Box::new(e) })?;
    }
    for w in scripts {
        s = w
            .with_params(params.clone())
            .apply(&s)
            .map_err(|e| SweepError::Script { point: point.clone(), source: Box::new(e) })?;
    }
    s.name = base.name.clone();
    s.simulation = base.simulation;
    let policy = policy
        .map(|p| p.with_params(params))
        .transpose()
        .map_err(|e| SweepError::Script { point: point.clone(), source: Box::new(WhatIfError::Script(e)) })?;
    Ok(PointRun { scenario: s, policy })
}

/// The fingerprint of one point's run: SHA-256 (hex) of the point's validated scenario (as
/// JSON, seed and replications included), the text of its policy script, and the parameters
/// the scripts see. Two runs with equal fingerprints simulate the same thing with the same
/// random numbers, so `sweep --resume` may keep a point only when its fingerprint is equal.
pub fn fingerprint(s: &Scenario, params: &[Param]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(s).unwrap_or_default());
    if let Some(path) = s.policy.as_ref().and_then(|p| p.script.as_ref()) {
        h.update(b"\0policy\0");
        h.update(std::fs::read(path).unwrap_or_else(|_| path.display().to_string().into_bytes()));
    }
    for p in params {
        h.update(format!("\0{}={}", p.name, p.text).as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The parameters the scripts see at point `p`: `sets`, then the point's names without a dot.
pub fn params_at(sets: &[Param], p: &Point) -> Vec<Param> {
    let mut params = sets.to_vec();
    params.extend(p.iter().filter(|(n, _)| !n.contains('.')).map(|(n, v)| Param { name: n.clone(), text: v.clone() }));
    params
}

/// The points of an earlier sweep's JSON (`doc`, from `--output`) that `--resume` may keep:
/// `(index into points, the point's JSON)`. The file must come from the same kind of run
/// (`header`: seed and replications) and every point it holds for this grid must carry the
/// fingerprint this run computes for it (same scenario, scripts and parameters) and a whole
/// result; anything else is refused with the reason, so a resumed sweep never mixes runs.
/// Points of the file that are not in this grid are left out.
pub fn resumable(
    doc: &serde_json::Value,
    header: &serde_json::Value,
    points: &[Point],
    fingerprints: &[String],
    params_json: impl Fn(&Point) -> serde_json::Value,
) -> Result<Vec<(usize, serde_json::Value)>, String> {
    let Some(run) = doc.get("run") else {
        return Err("it records no run (written by an older ccsim, or not a sweep's JSON output)".into());
    };
    for key in ["seed", "replications"] {
        if run.get(key) != header.get(key) {
            return Err(format!(
                "it was run with {key} {}, this sweep uses {}",
                run.get(key).map_or("none".into(), ToString::to_string),
                header[key]
            ));
        }
    }
    let Some(list) = doc.get("points").and_then(|p| p.as_array()) else {
        return Err("it has no `points` list".into());
    };
    let mut kept: Vec<(usize, serde_json::Value)> = Vec::new();
    for (k, pj) in list.iter().enumerate() {
        let Some(i) = points.iter().position(|p| params_json(p) == pj["params"]) else { continue };
        let name = describe(&points[i]);
        if pj["fingerprint"].as_str() != Some(fingerprints[i].as_str()) {
            return Err(format!(
                "point {name} (points[{k}]) was simulated from another scenario, script or parameters (its fingerprint differs)"
            ));
        }
        let r = &pj["result"];
        let whole = r.is_object()
            && r["replications"] == header["replications"]
            && r["seed"] == header["seed"]
            && r["total"].is_object()
            && r["queues"].is_object();
        if !whole {
            return Err(format!("point {name} (points[{k}]) has no whole result"));
        }
        if kept.iter().any(|(j, _)| *j == i) {
            return Err(format!("point {name} appears twice"));
        }
        kept.push((i, pj.clone()));
    }
    Ok(kept)
}

/// Runs the points with the base seed and replications, `batch` points at a time scheduled
/// together; `done` receives each batch's (point index, result) in point order.
pub fn run(
    points: &[PointRun],
    indices: &[usize],
    batch: usize,
    progress: &(dyn Fn() + Sync),
    mut done: impl FnMut(&[(usize, RunResult)]),
) -> Result<(), crate::policy::RunError> {
    for chunk in indices.chunks(batch.max(1)) {
        let models: Vec<Model> = chunk
            .iter()
            .map(|&i| {
                let p = &points[i];
                Model::compile(&p.scenario, p.policy.as_ref().map(|s| s as &dyn crate::policy::PolicySource))
            })
            .collect::<Result<_, _>>()?;
        let mut reducers: Vec<Reducer> =
            chunk.iter().zip(&models).map(|(&i, m)| Reducer::new(&points[i].scenario, m)).collect();
        for_each_replication_of(&models, progress, |_, facts| {
            for (r, f) in reducers.iter_mut().zip(facts) {
                r.push(f);
            }
        })?;
        let results: Vec<(usize, RunResult)> =
            chunk.iter().copied().zip(reducers.into_iter().map(Reducer::finish)).collect();
        done(&results);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_and_grids() {
        assert_eq!(Axis::parse("agents.team=30..36:2").unwrap().values, ["30", "32", "34", "36"]);
        assert_eq!(Axis::parse("spike=1.0..1.5:0.1").unwrap().values, ["1", "1.1", "1.2", "1.3", "1.4", "1.5"]);
        assert_eq!(Axis::parse("q.h.mean=240s, 270s,300s").unwrap().values, ["240s", "270s", "300s"]);
        assert_eq!(Axis::parse("n=3..5").unwrap().values, ["3", "4", "5"]);
        assert!(Axis::parse("x=5..1:1").is_err() && Axis::parse("x").is_err() && Axis::parse("x=1..2:0").is_err());
        let g = grid(&[Axis::parse("a=1,2").unwrap(), Axis::parse("b=x,y,z").unwrap()]);
        assert_eq!(g.len(), 6);
        assert_eq!(describe(&g[1]), "a=1, b=y");
        let g = grid_from_csv("a,b\n1,x\n2,y\n", Path::new("g.csv")).unwrap();
        assert_eq!(g[1], vec![("a".to_string(), "2".to_string()), ("b".to_string(), "y".to_string())]);
    }
}
