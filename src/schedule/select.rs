//! Shift selection without agents: per group and day, how many agents start each candidate
//! shift so that every interval's requirement is covered at the least paid hours (or cost), as an
//! integer program through good_lp with the pure-Rust microlp backend, with its LP relaxation
//! as the bound. Days with the same requirement and the same allowed candidates are solved once.

use super::{Plan, SearchInfo, Spec};
use good_lp::{Expression, Solution, SolverModel, Variable, microlp, variable, variables};
use std::collections::HashMap;

/// Per group and day, the candidates to start, and the search summary.
pub fn solve(spec: &Spec) -> Result<(Plan, SearchInfo), String> {
    let ipd = spec.ipd();
    let days = spec.horizon.days as usize;
    let mut plan = Plan { starts: vec![vec![Vec::new(); days]; spec.groups.len()], ..Plan::default() };
    let (mut objective, mut bound) = (0.0, 0.0);
    let mut cache: HashMap<(Vec<u32>, Vec<usize>), (Vec<u32>, f64, f64, f64)> = HashMap::new();
    for g in 0..spec.groups.len() {
        for d in 0..days {
            if !spec.horizon.is_open(d) {
                continue;
            }
            let req = spec.requirement[g][d * ipd..(d + 1) * ipd].to_vec();
            if req.iter().all(|r| *r == 0) {
                continue;
            }
            let allowed: Vec<usize> =
                spec.templates.iter().filter(|t| t.days[d] && t.groups[g]).flat_map(|t| t.candidates.clone()).collect();
            let key = (req, allowed);
            if !cache.contains_key(&key) {
                let counts = cover(spec, &key.1, &key.0, true)?;
                let relaxed = cover(spec, &key.1, &key.0, false)?;
                let value = |x: &[f64]| key.1.iter().zip(x).map(|(c, k)| k * weight(spec, *c)).sum::<f64>();
                let v = value(&counts);
                let b = value(&relaxed);
                let h = cover_hours(spec, &key.1, &relaxed);
                cache.insert(key.clone(), (counts.iter().map(|k| k.round() as u32).collect(), v, b, h));
            }
            let (counts, v, b, h) = &cache[&key];
            objective += v;
            bound += b;
            plan.lp_bound_hours += h;
            for (c, k) in key.1.iter().zip(counts) {
                plan.starts[g][d].extend(std::iter::repeat_n(*c, *k as usize));
            }
        }
    }
    let gap = if objective > 0.0 { ((objective - bound) / objective * 100.0).max(0.0) } else { 0.0 };
    Ok((
        plan,
        SearchInfo {
            method: "integer program per day (good_lp + microlp), proven optimal".into(),
            objective,
            lp_bound: bound,
            gap_pct: gap,
            moves: 0,
            seconds: 0.0,
            time_limited: false,
            feasible: true,
            seed: 0,
        },
    ))
}

/// Objective weight of one agent on candidate `c`: its paid hours, or its cost.
fn weight(spec: &Spec, c: usize) -> f64 {
    let cand = &spec.candidates[c];
    if spec.objective.minimise_cost {
        cand.paid_hours * spec.templates[cand.template].cost_per_hour.unwrap_or(0.0)
    } else {
        cand.paid_hours
    }
}

fn cover_hours(spec: &Spec, allowed: &[usize], x: &[f64]) -> f64 {
    allowed.iter().zip(x).map(|(c, k)| k * spec.candidates[*c].paid_hours).sum()
}

/// Agents per allowed candidate covering one day's `req` at least weight: integer or relaxed.
/// Intervals no candidate covers get no constraint (they stay short and are reported).
pub fn cover(spec: &Spec, allowed: &[usize], req: &[u32], integer: bool) -> Result<Vec<f64>, String> {
    let mut vars = variables!();
    let x: Vec<Variable> = allowed
        .iter()
        .map(|_| vars.add(if integer { variable().integer().min(0) } else { variable().min(0) }))
        .collect();
    let objective: Expression = x.iter().zip(allowed).map(|(v, c)| *v * weight(spec, *c)).sum();
    let mut problem = vars.minimise(objective).using(microlp);
    for (i, r) in req.iter().enumerate() {
        let terms: Vec<(Variable, f64)> = x
            .iter()
            .zip(allowed)
            .map(|(v, c)| (*v, spec.candidates[*c].on_duty(i)))
            .filter(|(_, share)| *share > 0.0)
            .collect();
        if *r > 0 && !terms.is_empty() {
            let sum: Expression = terms.into_iter().map(|(v, s)| v * s).sum();
            problem = problem.with(sum.geq(f64::from(*r)));
        }
    }
    let sol = problem.solve().map_err(|e| format!("the solver failed: {e}"))?;
    Ok(x.iter().map(|v| sol.value(*v).max(0.0)).collect())
}
