//! Sharded runs: a study's work split into N shards that run anywhere (SLURM array tasks,
//! Kubernetes indexed jobs, several shells), each writing a partial result ([`Part`]), and the
//! merge of the parts into exactly the result one machine would give.
//!
//! The work of a study is its points (one for `run` and `compare`, one per grid point for
//! `sweep`) times its replications, flattened point-major into work units 0 .. points × replications. Shard K of N
//! simulates units ⌊K·T/N⌋ .. ⌊(K+1)·T/N⌋: a contiguous range of replications of one or more
//! points. Replication r of a point is the same whichever shard simulates it (its random
//! streams derive from the seed and r), and each shard folds its replications in order into a
//! [`Reducer`]; merging folds the shards' reducers in replication order
//! ([`Reducer::merge`]). Means and intervals then equal the single run's up to floating-point
//! rounding (within 1e-12 relative), and P(meet target) and the day-SL quantiles are identical
//! (a count and the same list of values); so are a comparison's per-day differences of P(meet),
//! while its horizon-level difference of P(meet) on a horizon of several days is a mean of
//! per-replication shares of days and rounds like any mean. A comparison's piece holds its
//! [`crate::compare::CompareState`] (every scenario of the replications, and the paired
//! differences) and the same replications rerun on fresh seeds ([`CompareShard`]), merged alike.
//!
//! A part records what identifies its run ([`RunId`]: ccsim version, the scenario's content
//! hash, the scripts' hashes, seed, replications, and a fingerprint of everything the results
//! depend on), its shard, and the command line it ran, which `ccsim merge` parses again to
//! report the merged result with the very code that reports a single run.

use crate::compare::CompareShard;
use crate::experiment::for_each_replication_in;
use crate::kpi::Reducer;
use crate::model::Model;
use crate::policy::{PolicySource, RunError};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The `format` tag of a partial result file.
pub const FORMAT: &str = "ccsim-part/1";

/// The most shards a study may be split into.
pub const MAX_SHARDS: u32 = 100_000;

/// Shard `index` of `count` (0-based: 0 ≤ index < count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: u32,
    /// Shards in all.
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` (0 ≤ K < N ≤ [`MAX_SHARDS`]), as SLURM's array task id and count give it.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {text}: expected K/N with 0 ≤ K < N ≤ {MAX_SHARDS}, e.g. 3/16 (K counts from 0)");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || count > MAX_SHARDS || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// This shard's work units out of `total`: ⌊K·T/N⌋ .. ⌊(K+1)·T/N⌋.
    pub fn range(&self, total: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(self.count)) as u64;
        at(u64::from(self.index))..at(u64::from(self.index) + 1)
    }

    /// This shard's (point, replications) pieces of a study of `points` points of
    /// `replications` replications each, in point order.
    pub fn pieces(&self, points: usize, replications: u32) -> Vec<(usize, Range<u32>)> {
        let r = u64::from(replications);
        let units = self.range(points as u64 * r);
        let mut out = Vec::new();
        let mut u = units.start;
        while u < units.end {
            let point = u / r;
            let from = u % r;
            let to = (units.end - point * r).min(r);
            out.push((point as usize, from as u32..to as u32));
            u = point * r + to;
        }
        out
    }
}

/// A script a run read, by path and content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptHash {
    /// The path as given.
    pub path: PathBuf,
    /// SHA-256 of its text (hex), or `"unreadable"`.
    pub sha256: String,
}

impl ScriptHash {
    /// Hashes the file at `path`.
    pub fn of(path: &Path) -> ScriptHash {
        let sha256 = std::fs::read(path).map_or_else(|_| "unreadable".into(), |b| hex(&Sha256::digest(&b)));
        ScriptHash { path: path.to_path_buf(), sha256 }
    }
}

/// What identifies a run: parts merge only when their `RunId`s are equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunId {
    /// The subcommand (`run`, `sweep`, `compare`).
    pub command: String,
    /// The ccsim version that simulated it.
    pub version: String,
    /// SHA-256 of the validated base scenario (as JSON, seed and replications included).
    pub scenario_sha256: String,
    /// The scripts it read (policy, what-ifs).
    pub scripts: Vec<ScriptHash>,
    /// Base seed.
    pub seed: u64,
    /// Replications of each point.
    pub replications: u32,
    /// Points (1 for `run` and `compare`).
    pub points: usize,
    /// SHA-256 over everything the results depend on: every point's validated scenario,
    /// scripts and parameters.
    pub fingerprint: String,
}

impl RunId {
    /// The identity of `command` on `base` with `points` point fingerprints (see
    /// [`crate::sweep::fingerprint`]) and the `scripts` read.
    pub fn new(command: &str, base: &Scenario, scripts: &[&Path], point_fingerprints: &[String]) -> RunId {
        let mut h = Sha256::new();
        h.update(command.as_bytes());
        for f in point_fingerprints {
            h.update(b"\0");
            h.update(f.as_bytes());
        }
        RunId {
            command: command.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            scenario_sha256: hex(&Sha256::digest(serde_json::to_vec(base).unwrap_or_default())),
            scripts: scripts.iter().map(|p| ScriptHash::of(p)).collect(),
            seed: base.simulation.seed,
            replications: base.simulation.replications,
            points: point_fingerprints.len(),
            fingerprint: hex(&h.finalize()),
        }
    }

    /// Why `other` is not the same run, naming the first field that differs.
    fn difference(&self, other: &RunId) -> Option<String> {
        let field = if self.command != other.command {
            format!("command ({} against {})", other.command, self.command)
        } else if self.version != other.version {
            format!("ccsim version ({} against {})", other.version, self.version)
        } else if self.seed != other.seed {
            format!("seed ({} against {})", other.seed, self.seed)
        } else if self.replications != other.replications {
            format!("replications ({} against {})", other.replications, self.replications)
        } else if self.points != other.points {
            format!("number of points ({} against {})", other.points, self.points)
        } else if self.scripts != other.scripts {
            "scripts (their paths or content hashes differ)".into()
        } else if self.scenario_sha256 != other.scenario_sha256 {
            "scenario (its content hash differs)".into()
        } else if self.fingerprint != other.fingerprint {
            "points (their scenarios or parameters differ)".into()
        } else {
            return None;
        };
        Some(field)
    }
}

/// A contiguous range of one point's replications, reduced.
#[derive(Serialize, Deserialize)]
pub struct Piece {
    /// Point index (0 for `run`).
    pub point: usize,
    /// First replication.
    pub from: u32,
    /// One past the last replication.
    pub to: u32,
    /// The replications' statistics.
    #[serde(flatten)]
    pub payload: Payload,
}

/// The statistics a piece holds, by the command that simulated it (a part of `run` or `sweep`
/// writes `"reducer": {..}` in each piece, one of `compare` `"compare": {..}`).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payload {
    /// One point's statistics (`run`, `sweep`).
    Reducer(Box<Reducer>),
    /// A comparison's statistics, and those of its confirmation on fresh seeds (`compare`).
    Compare(Box<CompareShard>),
}

impl Payload {
    /// Folds in `later`, the statistics of the replications that follow.
    fn merge(&mut self, later: Payload) -> Result<(), String> {
        match (self, later) {
            (Payload::Reducer(a), Payload::Reducer(b)) => {
                a.merge(*b);
                Ok(())
            }
            (Payload::Compare(a), Payload::Compare(b)) => a.merge(*b),
            _ => Err("the parts hold the statistics of different commands".into()),
        }
    }
}

/// A partial result: one shard's pieces of a run.
#[derive(Serialize, Deserialize)]
pub struct Part {
    /// [`FORMAT`].
    pub format: String,
    /// The run it belongs to.
    pub run: RunId,
    /// Which shard it is.
    pub shard: Shard,
    /// The command line the shard ran (without the program name).
    pub args: Vec<String>,
    /// Its pieces, in point order.
    pub pieces: Vec<Piece>,
}

/// Simulates shard `shard` of the study whose points are `points` (each a scenario and its
/// bound policy script), `batch` points at a time, and returns its pieces. `progress` is called
/// once per replication simulated.
pub fn simulate(
    shard: Shard,
    points: &[(&Scenario, Option<&dyn PolicySource>)],
    batch: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Piece>, RunError> {
    let reps = points.first().map_or(0, |p| p.0.simulation.replications);
    let pieces = shard.pieces(points.len(), reps);
    let mut out = Vec::with_capacity(pieces.len());
    // points sharing a replication range run together, `batch` at a time
    let mut i = 0;
    while i < pieces.len() {
        let range = pieces[i].1.clone();
        let mut j = i + 1;
        while j < pieces.len() && pieces[j].1 == range && j - i < batch.max(1) {
            j += 1;
        }
        let models: Vec<Model> =
            pieces[i..j].iter().map(|(p, _)| Model::compile(points[*p].0, points[*p].1)).collect::<Result<_, _>>()?;
        let mut reducers: Vec<Reducer> =
            pieces[i..j].iter().zip(&models).map(|((p, _), m)| Reducer::new(points[*p].0, m)).collect();
        for_each_replication_in(&models, range.clone(), progress, |_, facts| {
            for (r, f) in reducers.iter_mut().zip(facts) {
                r.push(f);
            }
        })?;
        for ((p, _), reducer) in pieces[i..j].iter().zip(reducers) {
            out.push(Piece {
                point: *p,
                from: range.start,
                to: range.end,
                payload: Payload::Reducer(Box::new(reducer)),
            });
        }
        i = j;
    }
    Ok(out)
}

/// Parts merged: the run they belong to, the command line, and one reducer per point over all
/// its replications.
pub struct Merged {
    /// The run.
    pub run: RunId,
    /// The command line of the first shard.
    pub args: Vec<String>,
    /// How many shards were merged.
    pub shards: u32,
    /// Per point, its replications' statistics, merged in replication order (`run`, `sweep`;
    /// empty for `compare`).
    pub reducers: Vec<Reducer>,
    /// A comparison's statistics, merged in replication order (`compare`).
    pub compare: Option<Box<CompareShard>>,
}

impl Merged {
    /// Checks that the parts were simulated from the inputs as they are now (`here`: the run
    /// identity computed from the files the recorded command line names).
    pub fn check(&self, here: &RunId) -> Result<(), String> {
        match self.run.difference(here) {
            None => Ok(()),
            Some(d) => Err(format!(
                "the parts were simulated from other inputs than the files here now: the {d}; merge where the run's scenario and scripts are, unchanged"
            )),
        }
    }
}

/// Reads a part file.
pub fn read(path: &Path) -> Result<Part, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let head: serde_json::Value = serde_json::from_slice(&text).map_err(|e| {
        format!("{}: not a ccsim partial result (written by `--shard K/N -o FILE`): {e}", path.display())
    })?;
    match head.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(format!(
                "{}: a partial result of format `{other}`, this ccsim reads `{FORMAT}`",
                path.display()
            ));
        }
        None => {
            return Err(format!("{}: not a ccsim partial result (written by `--shard K/N -o FILE`)", path.display()));
        }
    }
    serde_json::from_value(head).map_err(|e| format!("{}: a damaged partial result: {e}", path.display()))
}

/// "shard 3 of 16", "shards 3 and 7 of 16", "shards 1, 3 and 7 of 16".
fn shard_list(ks: &[u32], n: u32) -> String {
    let names: Vec<String> = ks.iter().map(ToString::to_string).collect();
    match names.as_slice() {
        [one] => format!("shard {one} of {n} is"),
        [init @ .., last] => format!("shards {} and {last} of {n} are", init.join(", ")),
        [] => String::new(),
    }
}

/// Merges parts (each with the path it was read from) into the run's result: refuses parts of
/// different runs, naming the field that differs, and names every missing or duplicated shard.
pub fn merge(parts: Vec<(PathBuf, Part)>) -> Result<Merged, String> {
    let Some((first_path, first)) = parts.first() else { return Err("no parts to merge".into()) };
    let (run, count, args) = (first.run.clone(), first.shard.count, first.args.clone());
    let mut by_shard: Vec<Option<(PathBuf, Part)>> = (0..count).map(|_| None).collect();
    let mut problems = Vec::new();
    let first_path = first_path.clone();
    for (path, part) in parts {
        if let Some(d) = run.difference(&part.run) {
            return Err(format!(
                "{} comes from another run than {}: its {d}; merge only the parts of one run",
                path.display(),
                first_path.display()
            ));
        }
        if part.shard.count != count {
            return Err(format!(
                "{} is shard {} of {}, {} is of {count}: merge only the parts of one run",
                path.display(),
                part.shard.index,
                part.shard.count,
                first_path.display()
            ));
        }
        let slot = &mut by_shard[part.shard.index as usize];
        if let Some((earlier, _)) = slot {
            problems.push(format!(
                "shard {} of {count} appears twice ({} and {})",
                part.shard.index,
                earlier.display(),
                path.display()
            ));
        } else {
            *slot = Some((path, part));
        }
    }
    let missing: Vec<u32> = (0..count).filter(|&k| by_shard[k as usize].is_none()).collect();
    if !missing.is_empty() {
        problems.insert(0, format!("{} missing", shard_list(&missing, count)));
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let mut payloads: Vec<Option<(u32, Payload)>> = (0..run.points).map(|_| None).collect();
    for (path, part) in by_shard.into_iter().flatten() {
        let expected = part.shard.pieces(run.points, run.replications);
        let got: Vec<(usize, Range<u32>)> = part.pieces.iter().map(|p| (p.point, p.from..p.to)).collect();
        if got != expected {
            return Err(format!(
                "{}: its pieces are not those of shard {} of {count}",
                path.display(),
                part.shard.index
            ));
        }
        for piece in part.pieces {
            match &mut payloads[piece.point] {
                slot @ None => *slot = Some((piece.to, piece.payload)),
                Some((to, r)) => {
                    r.merge(piece.payload).map_err(|e| format!("{}: {e}", path.display()))?;
                    *to = piece.to;
                }
            }
        }
    }
    let payloads: Vec<Payload> = payloads
        .into_iter()
        .enumerate()
        .map(|(p, r)| match r {
            Some((to, r)) if to == run.replications => Ok(r),
            _ => Err(format!("point {p} lacks replications (the parts do not cover the run)")),
        })
        .collect::<Result<_, _>>()?;
    let (mut reducers, mut compare) = (Vec::new(), None);
    for p in payloads {
        match p {
            Payload::Reducer(r) => reducers.push(*r),
            Payload::Compare(c) if compare.is_none() && reducers.is_empty() => compare = Some(c),
            Payload::Compare(_) => return Err("the parts hold the statistics of different commands".into()),
        }
    }
    if compare.is_some() != (run.command == "compare") {
        return Err(format!("the parts of `{}` hold the statistics of another command", run.command));
    }
    Ok(Merged { run, args, shards: count, reducers, compare })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_work_once_in_order() {
        for n in 1..=9 {
            for (points, reps) in [(1usize, 10u32), (3, 7), (5, 1), (2, 100)] {
                let mut seen = Vec::new();
                for k in 0..n {
                    for (p, r) in (Shard { index: k, count: n }).pieces(points, reps) {
                        assert!(r.start < r.end && r.end <= reps, "{n} {points} {reps}: {p} {r:?}");
                        seen.extend(r.map(|x| (p, x)));
                    }
                }
                let all: Vec<(usize, u32)> = (0..points).flat_map(|p| (0..reps).map(move |r| (p, r))).collect();
                assert_eq!(seen, all, "{n} shards of {points} × {reps}");
            }
        }
    }

    #[test]
    fn shard_parsing() {
        assert_eq!(Shard::parse("3/16").unwrap(), Shard { index: 3, count: 16 });
        for bad in ["16/16", "1/0", "x/2", "3", "-1/4", "1/100001"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn missing_shards_are_named() {
        assert_eq!(shard_list(&[3], 16), "shard 3 of 16 is");
        assert_eq!(shard_list(&[3, 7], 16), "shards 3 and 7 of 16 are");
        assert_eq!(shard_list(&[1, 3, 7], 16), "shards 1, 3 and 7 of 16 are");
    }
}
