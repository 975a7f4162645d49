//! Setting one value of a scenario by its path, as batch sweeps vary them:
//! `queues.support.handle_time.mean`, `agents.team.count` (or just `agents.team`),
//! `agents.team.shifts[0].count`, `queues.sales.arrivals.busyness.day_cv`. A list element is
//! chosen by its id (`queues.<id>`, `agents.<group>`) or by `[index]`. The changed scenario is
//! validated again by the file rules.

use super::raw::RawScenario;
use super::{Scenario, ScenarioError, from_raw};
use serde_json::Value;
use std::path::Path;

/// Returns a copy of `s` with the value at `path` set to `value` (a number, or text such as
/// `"240s"` for durations), validated again. Errors name the path.
pub fn with_value(s: &Scenario, path: &str, value: &str, file: &Path) -> Result<Scenario, ScenarioError> {
    let invalid = |message: String| ScenarioError::Invalid {
        file: file.to_path_buf(),
        problems: vec![super::Problem { path: path.to_string(), message, location: None }],
    };
    let mut doc = serde_json::to_value(s.to_raw()).map_err(|e| invalid(e.to_string()))?;
    let mut segs: Vec<&str> = path.split('.').collect();
    if segs.len() == 2 && segs[0] == "agents" {
        segs.push("count"); // `agents.team` is the group's agent count
    }
    let mut node = &mut doc;
    let last = segs.len() - 1;
    for (k, seg) in segs.iter().enumerate() {
        let (name, index) = match seg.split_once('[') {
            Some((n, rest)) => {
                let i: usize =
                    rest.trim_end_matches(']').parse().map_err(|_| invalid(format!("bad index in `{seg}`")))?;
                (n, Some(i))
            }
            None => (*seg, None),
        };
        if k == last && index.is_none() {
            let obj = node.as_object_mut().ok_or_else(|| invalid(format!("`{name}` is not a key here")))?;
            let staffed_otherwise =
                ["shifts", "staffing"].into_iter().find(|k| obj.get(*k).is_some_and(|v| !v.is_null()));
            if name == "count"
                && segs.len() == 3
                && segs[0] == "agents"
                && let Some(other) = staffed_otherwise
            {
                return Err(invalid(format!(
                    "group `{}` is staffed by `{other}`, not by a count: vary `agents.{}.{other}[i]{}` instead",
                    segs[1],
                    segs[1],
                    if other == "shifts" { ".count" } else { "" }
                )));
            }
            if !obj.contains_key(name) {
                let keys: Vec<&String> = obj.keys().collect();
                return Err(invalid(format!("no key `{name}` here (keys: {})", join(&keys))));
            }
            obj.insert(name.to_string(), parse_value(value));
            break;
        }
        node = match node {
            Value::Object(m) => {
                if !m.contains_key(name) {
                    let keys: Vec<String> = m.keys().cloned().collect();
                    return Err(invalid(format!("no key `{name}` here (keys: {})", keys.join(", "))));
                }
                m.get_mut(name).expect("checked")
            }
            Value::Array(items) => {
                // an element chosen by id
                let pos = items
                    .iter()
                    .position(|it| it.get("id").or_else(|| it.get("group")).and_then(Value::as_str) == Some(name));
                let ids: Vec<String> = items
                    .iter()
                    .filter_map(|it| it.get("id").or_else(|| it.get("group")).and_then(Value::as_str).map(String::from))
                    .collect();
                let i = pos.ok_or_else(|| invalid(format!("no element `{name}` (ids: {})", ids.join(", "))))?;
                &mut items[i]
            }
            _ => return Err(invalid(format!("`{name}` is not a key here"))),
        };
        if let Some(i) = index {
            let len = node.as_array().map_or(0, Vec::len);
            node = node
                .as_array_mut()
                .and_then(|a| a.get_mut(i))
                .ok_or_else(|| invalid(format!("`{name}` has {len} elements, no [{i}]")))?;
            if k == last {
                *node = parse_value(value);
                break;
            }
        }
    }
    let raw: RawScenario =
        serde_json::from_value(doc).map_err(|e| invalid(format!("{value:?} does not fit here: {e}")))?;
    let mut new = from_raw(&raw, file)?;
    // the policy script path was anchored when the file was first read: keep it as it is
    if let (Some(old), Some(p)) = (&s.policy, &mut new.policy) {
        p.script.clone_from(&old.script);
    }
    Ok(new)
}

fn join(keys: &[&String]) -> String {
    keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
}

/// A whole number stays an integer (agent counts), other numbers are floats, else text.
fn parse_value(v: &str) -> Value {
    if let Ok(i) = v.parse::<i64>() {
        Value::from(i)
    } else if let Ok(f) = v.parse::<f64>() {
        Value::from(f)
    } else {
        Value::from(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/multi_skill.yaml");
        Scenario::load(&p).unwrap()
    }

    #[test]
    fn sets_values_by_path() {
        let b = base();
        let f = Path::new("x.yaml");
        let s = with_value(&b, "agents.blended", "9", f).unwrap();
        assert_eq!(s.groups[2].staffing, super::super::Staffing::Count(9));
        let s = with_value(&b, "queues.sales.handle_time.mean", "270s", f).unwrap();
        assert_eq!(s.queues[0].handle_time.mean(), 270.0);
        let s = with_value(&b, "agents.sales_team.shifts[1].count", "5", f).unwrap();
        let mut expected = b.clone();
        if let super::super::Staffing::Shifts { shifts: v, .. } = &mut expected.groups[0].staffing {
            v[1].count = 5;
        }
        assert_eq!(s, expected);
        let s = with_value(&b, "queues.billing.service_level.target", "0.85", f).unwrap();
        assert_eq!(s.queues[2].service_level.target, 0.85);
    }

    #[test]
    fn errors_name_the_path_and_the_choices() {
        let b = base();
        let f = Path::new("x.yaml");
        let e = with_value(&b, "queues.nope.handle_time.mean", "1", f).unwrap_err().to_string();
        assert!(e.contains("queues.nope.handle_time.mean") && e.contains("sales, support, billing"), "{e}");
        let e = with_value(&b, "queues.sales.handle_tme.mean", "1", f).unwrap_err().to_string();
        assert!(e.contains("no key `handle_tme`"), "{e}");
        let e = with_value(&b, "agents.blended", "-3", f).unwrap_err().to_string();
        assert!(e.contains("agents.blended"), "{e}");
        let e = with_value(&b, "queues.sales.handle_time.mean", "0", f).unwrap_err().to_string();
        assert!(e.contains("queues[0].handle_time.mean"), "{e}");
    }
}
