//! Where each YAML path of a scenario file is written (line and column), so that validation
//! problems — found on the parsed values, which carry no positions — can point at the line.
//! Uses yaml-rust2's marked events; paths have the form validation uses
//! (`queues[1].handle_time.mean`).

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

#[derive(Default)]
struct Locator {
    stack: Vec<Frame>,
    found: HashMap<String, (usize, usize)>,
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}

impl Locator {
    /// The path of the node that starts now (a value or an element), if it is not a key.
    fn node_path(&mut self, scalar: Option<&str>, at: (usize, usize)) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { path, key }) => match key.take() {
                None => {
                    // a key: remember it and where it is written
                    let k = scalar.unwrap_or("?").to_string();
                    self.found.entry(join(path, &k)).or_insert(at);
                    *key = Some(k);
                    None
                }
                Some(k) => Some(join(path, &k)),
            },
            Some(Frame::Seq { path, index }) => {
                let p = format!("{path}[{index}]");
                *index += 1;
                Some(p)
            }
        }
    }
}

impl MarkedEventReceiver for Locator {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = (mark.line(), mark.col() + 1);
        match ev {
            Event::Scalar(v, ..) => {
                if let Some(p) = self.node_path(Some(&v), at) {
                    self.found.insert(p, at);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                if let Some(p) = self.node_path(None, at) {
                    self.found.entry(p.clone()).or_insert(at);
                    self.stack.push(if is_map {
                        Frame::Map { path: p, key: None }
                    } else {
                        Frame::Seq { path: p, index: 0 }
                    });
                } else {
                    // a complex key: track it so that the stack stays balanced
                    self.stack.push(if is_map {
                        Frame::Map { path: "?".into(), key: None }
                    } else {
                        Frame::Seq { path: "?".into(), index: 0 }
                    });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// `text` with every bare `-` inside a flow sequence (`[E, -, E]`, a roster's day off) replaced
/// by `~`: libyaml (which parses scenarios) reads it as the string "-", yaml-rust2 refuses it.
/// Same length, so lines and columns stay.
fn lenient(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    for i in 0..b.len() {
        if b[i] != b'-' {
            continue;
        }
        let before = b[..i].iter().rev().find(|c| **c != b' ');
        let after = b[i + 1..].iter().find(|c| **c != b' ');
        if matches!(before, Some(b'[' | b',')) && matches!(after, Some(b']' | b',')) {
            out[i] = b'~';
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Line and column (1-based) of every path in `text`; empty if the text does not parse.
pub fn locate(text: &str) -> HashMap<String, (usize, usize)> {
    let mut l = Locator::default();
    let text = &lenient(text);
    let mut parser = Parser::new_from_str(text);
    match parser.load(&mut l, false) {
        Ok(()) => l.found,
        Err(_) => HashMap::new(),
    }
}

/// The location of `path`, or of its nearest written ancestor (a missing key points at the
/// mapping that lacks it).
pub fn position(map: &HashMap<String, (usize, usize)>, path: &str) -> Option<(usize, usize)> {
    let mut p = path.to_string();
    loop {
        if let Some(at) = map.get(&p) {
            return Some(*at);
        }
        let cut = p.rfind(['.', '['])?;
        p.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_have_lines() {
        let text = "name: x\nqueues:\n  - id: a\n    handle_time: { dist: exponential, mean: 0 }\n  - id: b\nagents:\n  - group: g\n    skills: [a, b]\n";
        let m = locate(text);
        assert_eq!(m["name"], (1, 7));
        assert_eq!(m["queues[0].handle_time.mean"].0, 4);
        assert_eq!(m["queues[1].id"].0, 5);
        assert_eq!(m["agents[0].skills[1]"].0, 8);
        assert_eq!(position(&m, "queues[0].handle_time.cv").map(|p| p.0), Some(4));
        assert_eq!(position(&m, "nowhere"), None);
        // a roster's bare `-` (a day off) is located too
        let m = locate("agents:\n  - roster:\n      - { agent: a, days: [E, -, E,  - ] }\n");
        assert_eq!(m["agents[0].roster[0].days[2]"], (3, 34));
        assert_eq!(m["agents[0].roster[0].days[3]"].0, 3);
    }
}
