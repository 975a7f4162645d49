//! Shift selection without agents: per group and day, how many agents start each candidate
//! shift so that every interval's requirement is covered at the least paid hours (or cost), as an
//! integer program through good_lp with its LP relaxation as the bound. Days with the same
//! requirement and the same allowed candidates are solved once. The LP relaxation always goes
//! through the pure-Rust microlp backend; the integer program too, unless the `cbc` cargo feature
//! hands it to CBC (COIN-OR, the system library of Debian's `coinor-libcbc-dev`).

use super::roster::DayKey;
use super::{Options, Plan, SearchInfo, Spec};
use good_lp::{
    Constraint, Expression, Solution, SolverModel, Variable, WithInitialSolution, WithMipGap, WithTimeLimit, microlp,
    variable, variables,
};
use std::collections::HashMap;

/// Per group and day, the candidates to start, and the search summary. The time limit is shared
/// among the distinct days; a day whose branch and bound it cuts keeps its best cover so far.
pub fn solve(spec: &Spec, opts: &Options) -> Result<(Plan, SearchInfo), String> {
    let t0 = std::time::Instant::now();
    let ipd = spec.ipd();
    let days = spec.horizon.days as usize;
    let mut plan = Plan { starts: vec![vec![Vec::new(); days]; spec.groups.len()], ..Plan::default() };
    let mut todo: Vec<(usize, usize, DayKey)> = Vec::new();
    for g in 0..spec.groups.len() {
        for d in 0..days {
            let req = spec.requirement[g][d * ipd..(d + 1) * ipd].to_vec();
            if !spec.horizon.is_open(d) || req.iter().all(|r| *r == 0) {
                continue;
            }
            let allowed: Vec<usize> =
                spec.templates.iter().filter(|t| t.days[d] && t.groups[g]).flat_map(|t| t.candidates.clone()).collect();
            todo.push((g, d, (req, allowed)));
        }
    }
    let mut distinct: Vec<&DayKey> = todo.iter().map(|t| &t.2).collect();
    distinct.sort();
    distinct.dedup();
    let (mut objective, mut bound, mut proven_all) = (0.0, 0.0, true);
    let mut cache: HashMap<&DayKey, (Vec<u32>, f64, f64, f64)> = HashMap::new();
    for (i, key) in distinct.iter().enumerate() {
        let left = (opts.time_limit_s - t0.elapsed().as_secs_f64()).max(0.0);
        let (counts, proven) = cover_integer(spec, &key.1, &key.0, left / (distinct.len() - i) as f64)?;
        let relaxed = cover(spec, &key.1, &key.0, false)?;
        let value = |x: &[f64]| key.1.iter().zip(x).map(|(c, k)| k * weight(spec, *c)).sum::<f64>();
        proven_all &= proven;
        let h = cover_hours(spec, &key.1, &relaxed);
        cache.insert(key, (counts.iter().map(|k| k.round() as u32).collect(), value(&counts), value(&relaxed), h));
    }
    for (g, d, key) in &todo {
        let (counts, v, b, h) = &cache[key];
        objective += v;
        bound += b;
        plan.lp_bound_hours += h;
        for (c, k) in key.1.iter().zip(counts) {
            plan.starts[*g][*d].extend(std::iter::repeat_n(*c, *k as usize));
        }
    }
    let gap = if objective > 0.0 { ((objective - bound) / objective * 100.0).max(0.0) } else { 0.0 };
    Ok((
        plan,
        SearchInfo {
            method: if proven_all {
                format!("integer program per day ({INTEGER_BACKEND}), proven optimal")
            } else {
                format!("integer program per day ({INTEGER_BACKEND}), cut by the time limit: best cover found")
            },
            objective,
            lp_bound: bound,
            gap_pct: gap,
            moves: 0,
            seconds: 0.0,
            time_limited: !proven_all,
            feasible: true,
            proven_optimal: proven_all,
            seed: 0,
        },
    ))
}

/// The library solving the integer program: CBC with the `cbc` feature, else microlp.
const INTEGER_BACKEND: &str = if cfg!(feature = "cbc") { "good_lp + CBC" } else { "good_lp + microlp" };

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

/// Agents per allowed candidate covering one day's `req` at least weight, relaxed (LP).
/// Intervals no candidate covers get no constraint (they stay short and are reported).
pub fn cover(spec: &Spec, allowed: &[usize], req: &[u32], integer: bool) -> Result<Vec<f64>, String> {
    if integer {
        return cover_integer(spec, allowed, req, f64::INFINITY).map(|(x, _)| x);
    }
    model(spec, allowed, req, false, None, f64::INFINITY, 0.0).map(|(x, _)| x)
}

/// The integer cover, warm-started from the LP rounded up and thinned, solved by branch and
/// bound within `seconds`; returns the counts and whether they are proven optimal.
pub fn cover_integer(spec: &Spec, allowed: &[usize], req: &[u32], seconds: f64) -> Result<(Vec<f64>, bool), String> {
    let (lp, _) = model(spec, allowed, req, false, None, f64::INFINITY, 0.0)?;
    let w: Vec<f64> = allowed.iter().map(|c| weight(spec, *c)).collect();
    let bound: f64 = lp.iter().zip(&w).map(|(x, w)| x * w).sum();
    // round up (still a cover), then drop agents while every interval stays covered
    let mut x: Vec<f64> = lp.iter().map(|v| (v - 1e-7).ceil().max(0.0)).collect();
    let covered = |x: &[f64]| {
        req.iter().enumerate().all(|(i, r)| {
            let on: f64 = allowed.iter().zip(x).map(|(c, k)| k * spec.candidates[*c].on_duty(i)).sum();
            let any = allowed.iter().any(|c| spec.candidates[*c].on_duty(i) > 0.0);
            !any || on >= f64::from(*r) - 1e-9
        })
    };
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|a, b| w[*b].total_cmp(&w[*a]).then(a.cmp(b)));
    for &j in &order {
        while x[j] >= 1.0 {
            x[j] -= 1.0;
            if !covered(&x) {
                x[j] += 1.0;
                break;
            }
        }
    }
    let value: f64 = x.iter().zip(&w).map(|(x, w)| x * w).sum();
    // every cover's value is a multiple of the weights' common step q, so no cover is below the
    // LP bound rounded up to a multiple of q: a value meeting that is optimal
    let step = lattice_step(&w);
    let lattice = step.map(|q| ((bound / q) - 1e-6).ceil() * q);
    let meets = |v: f64| lattice.is_some_and(|l| v <= l + 1e-9);
    if meets(value) {
        return Ok((x, true));
    }
    // microlp may stop once it finds a cover at the lattice bound: a relative gap (to its
    // branch-and-bound bound, at least the LP's) that such a cover meets and one a step above
    // it cannot
    let gap = match (step, lattice) {
        (Some(q), Some(l)) if l > 0.0 && (l - bound) / l < q / (l + q) => {
            let (meets_l, above) = ((l - bound) / l, q / (l + q));
            meets_l + 0.1 * (above - meets_l)
        }
        _ => 0.0,
    };
    let (y, proven) = model(spec, allowed, req, true, Some(&x), seconds, gap)?;
    // a search cut before it found a cover keeps the warm start
    let found: f64 = y.iter().zip(&w).map(|(y, w)| y * w).sum();
    Ok(if covered(&y) && found <= value + 1e-9 { (y, proven || meets(found)) } else { (x, false) })
}

/// The largest step `q` (a multiple of 0.01) of which every weight is a whole multiple, so that
/// every integer cover's value is one too: the greatest common divisor of the weights in
/// hundredths (8 h, 6 h and 4 h shifts: q = 2 h). `None` when a weight is off that grid or all
/// are zero.
fn lattice_step(w: &[f64]) -> Option<f64> {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let mut g = 0;
    for v in w {
        let k = (v * 100.0).round();
        if !(0.0..1e15).contains(&k) || (v * 100.0 - k).abs() > 1e-6 {
            return None;
        }
        g = gcd(g, k as u64);
    }
    (g > 0).then(|| g as f64 / 100.0)
}

/// The cover model, integer or relaxed, optionally warm-started and time-limited (`seconds`).
/// The integer model goes to CBC with the `cbc` feature; everything else to microlp.
fn model(
    spec: &Spec,
    allowed: &[usize],
    req: &[u32],
    integer: bool,
    start: Option<&[f64]>,
    seconds: f64,
    gap: f64,
) -> Result<(Vec<f64>, bool), String> {
    let mut vars = variables!();
    let x: Vec<Variable> = allowed
        .iter()
        .map(|_| vars.add(if integer { variable().integer().min(0) } else { variable().min(0) }))
        .collect();
    let objective: Expression = x.iter().zip(allowed).map(|(v, c)| *v * weight(spec, *c)).sum();
    let mut rows: Vec<Constraint> = Vec::new();
    for (i, r) in req.iter().enumerate() {
        let terms: Vec<(Variable, f64)> = x
            .iter()
            .zip(allowed)
            .map(|(v, c)| (*v, spec.candidates[*c].on_duty(i)))
            .filter(|(_, share)| *share > 0.0)
            .collect();
        if *r > 0 && !terms.is_empty() {
            let sum: Expression = terms.into_iter().map(|(v, s)| v * s).sum();
            rows.push(sum.geq(f64::from(*r)));
        }
    }
    let warm = start.map(|s| x.iter().copied().zip(s.iter().copied()).collect::<Vec<_>>());
    #[cfg(feature = "cbc")]
    if integer {
        let mut problem = vars.minimise(objective).using(good_lp::coin_cbc);
        // quiet, and a time limit in wall-clock seconds (good_lp's rounds up to whole seconds)
        problem.set_parameter("log", "0");
        problem.set_parameter("slog", "0");
        if seconds.is_finite() {
            problem.set_parameter("timeMode", "elapsed");
            problem.set_parameter("sec", &format!("{:.3}", seconds.max(0.01)));
        }
        return run(problem, &x, rows, warm, integer);
    }
    let mut problem = vars.minimise(objective).using(microlp);
    if seconds.is_finite() {
        problem = problem.with_time_limit(seconds.max(0.01));
    }
    if gap > 0.0 {
        problem = problem.with_mip_gap(gap as f32).map_err(|e| format!("the solver failed: {e}"))?;
    }
    run(problem, &x, rows, warm, integer)
}

/// Solves a built model: the values of `x` (rounded when `integer`), and whether the solver
/// proved them optimal (it finished its search rather than stopping on the time limit).
fn run<P: SolverModel + WithInitialSolution>(
    mut problem: P,
    x: &[Variable],
    rows: Vec<Constraint>,
    warm: Option<Vec<(Variable, f64)>>,
    integer: bool,
) -> Result<(Vec<f64>, bool), String> {
    if let Some(w) = warm {
        problem = problem.with_initial_solution(w);
    }
    for row in rows {
        problem = problem.with(row);
    }
    let sol = problem.solve().map_err(|e| format!("the solver failed: {e}"))?;
    let proven = matches!(sol.status(), good_lp::SolutionStatus::Optimal);
    let values = x.iter().map(|v| sol.value(*v).max(0.0)).collect::<Vec<f64>>();
    Ok((values.iter().map(|v| if integer { v.round() } else { *v }).collect(), proven))
}

#[cfg(test)]
mod tests {
    use super::lattice_step;

    #[test]
    fn the_lattice_step_is_the_weights_common_divisor() {
        assert_eq!(lattice_step(&[8.0, 6.0, 4.0]), Some(2.0));
        assert_eq!(lattice_step(&[8.0, 7.75]), Some(0.25));
        assert_eq!(lattice_step(&[8.0, 0.0, 12.0]), Some(4.0));
        assert_eq!(lattice_step(&[7.0, 8.0 / 3.0]), None, "off the grid of hundredths");
        assert_eq!(lattice_step(&[0.0]), None);
        assert_eq!(lattice_step(&[]), None);
    }
}
