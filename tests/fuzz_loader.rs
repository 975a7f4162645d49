//! Fuzzing the scenario loader (issue 12, item 16): the bundled scenarios mutated at the level
//! of bytes, values and structure must load or be refused — never panic, never hang — and a
//! mutant that loads must compile and simulate a day without panicking.
//!
//! CI runs a short pass (`CCSIM_FUZZ_CASES`, default 256 cases); run longer on demand:
//! `CCSIM_FUZZ_CASES=20000 cargo test --release --test fuzz_loader`.

use ccsim::model::Model;
use ccsim::scenario::parse_str;
use ccsim::sim::{Workspace, run_replication};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;
use std::time::{Duration, Instant};

/// Values a careless or hostile file puts where a number belongs.
const HOSTILE: [&str; 18] = [
    "0",
    "-1",
    "1e308",
    "-1e308",
    "1e-300",
    ".nan",
    ".inf",
    "-.inf",
    "4294967297",
    "18446744073709551616",
    "0,80",
    "1e19",
    "\"\"",
    "[]",
    "{}",
    "~",
    "0.001",
    "99999999999",
];

fn bundled() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut v: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml") && !p.to_string_lossy().ends_with(".schedule.yaml"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    v.sort();
    v
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at a position with another byte.
    Byte(usize, u8),
    /// Delete a span of bytes.
    Delete(usize, usize),
    /// Replace the n-th number in the text with a hostile value.
    Value(usize, usize),
    /// Duplicate a line.
    DuplicateLine(usize),
    /// Delete a line.
    DeleteLine(usize),
    /// Indent a line by more or fewer spaces.
    Indent(usize, i8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Byte(p, b)),
        (any::<usize>(), 1usize..40).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), 0..HOSTILE.len()).prop_map(|(n, v)| Mutation::Value(n, v)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DeleteLine),
        (any::<usize>(), -4i8..5).prop_map(|(l, d)| Mutation::Indent(l, d)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut bytes = text.as_bytes().to_vec();
    match *m {
        Mutation::Byte(p, b) => {
            let i = p % bytes.len();
            bytes[i] = b;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Mutation::Delete(p, n) => {
            let i = p % bytes.len();
            bytes.drain(i..(i + n).min(bytes.len()));
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Mutation::Value(n, v) => {
            // the n-th run of digits (possibly with a point)
            let starts: Vec<usize> = (0..bytes.len())
                .filter(|&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()))
                .collect();
            if starts.is_empty() {
                return text.to_string();
            }
            let s = starts[n % starts.len()];
            let e = (s..bytes.len()).find(|&i| !(bytes[i].is_ascii_digit() || bytes[i] == b'.')).unwrap_or(bytes.len());
            format!("{}{}{}", &text[..s], HOSTILE[v], &text[e..])
        }
        Mutation::DuplicateLine(l) => {
            let k = l % lines.len();
            let mut out: Vec<&str> = lines.clone();
            out.insert(k, lines[k]);
            out.join("\n")
        }
        Mutation::DeleteLine(l) => {
            let mut out = lines.clone();
            out.remove(l % lines.len());
            out.join("\n")
        }
        Mutation::Indent(l, d) => {
            let k = l % lines.len();
            let line = lines[k];
            let new = if d >= 0 {
                format!("{}{line}", " ".repeat(d as usize))
            } else {
                line.strip_prefix(&" ".repeat((-d) as usize)).unwrap_or(line).to_string()
            };
            let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            out[k] = new;
            out.join("\n")
        }
    }
}

#[test]
fn mutated_scenarios_load_or_are_refused_and_never_panic() {
    let cases: u32 = std::env::var("CCSIM_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    let files = bundled();
    assert!(files.len() >= 4, "the bundled scenarios are the corpus");
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let (loaded, refused) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    let strategy = (0..files.len(), proptest::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(f, ms)| {
            let (name, text) = &files[f];
            let mutant = ms.iter().fold(text.clone(), |t, m| if t.is_empty() { t } else { apply(&t, m) });
            let start = Instant::now();
            // the file sits in scenarios/, so that relative CSV paths resolve as for the original
            match parse_str(&mutant, Path::new(name)) {
                Err(e) => {
                    refused.set(refused.get() + 1);
                    prop_assert!(!e.to_string().is_empty());
                }
                Ok(s) => {
                    loaded.set(loaded.get() + 1);
                    let calls: f64 = s.queues.iter().flat_map(|q| q.volumes.iter()).sum();
                    // simulate one day when it is of a size a test can afford
                    if calls < 50_000.0 && s.horizon.days <= 7 {
                        let m = Model::compile(&s, None).expect("model");
                        let mut ws = Workspace::new(&m);
                        let mut facts =
                            ccsim::facts::ReplicationFacts::new(m.total_intervals(), m.queues.len(), m.groups.len());
                        let _ = run_replication(&m, 0, &mut ws, &mut facts);
                    }
                }
            }
            // generous: loading takes milliseconds; a hang or a huge allocation takes far longer
            prop_assert!(
                start.elapsed() < Duration::from_secs(10),
                "{name} mutated by {ms:?} took {:?}",
                start.elapsed()
            );
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // the mutations are neither all harmless nor all fatal: both paths are exercised
    let (loaded, refused) = (loaded.get(), refused.get());
    assert!(loaded > 0 && refused > 0, "loaded {loaded}, refused {refused}");
}
