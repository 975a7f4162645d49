//! Rosters: each agent gets a concrete shift or a day off on every day, keeping the contract
//! rules, so that coverage meets the requirement at the least weighted under- and over-coverage,
//! preferences not granted, cost and weekend unfairness.
//!
//! Method, deterministic for a seed:
//! 1. per group and day, the integer program of [`super::select`] says which shifts to start;
//!    they are handed out day by day to the agents who can take them without breaking a rule,
//!    fewest hours first;
//! 2. simulated annealing in two chains (run in parallel, the better kept) over five moves:
//!    give an agent-day another shift or a day off; move a start or a break to a neighbouring
//!    candidate; swap a block of days (or a whole week) between two agents; two agents exchange
//!    two days; swap two days of one agent. Broken rules are priced by strategic oscillation,
//!    cheap at first and above any coverage gain from 40 % of the budget on;
//! 3. the bound: an LP relaxation in which every group's agents are pooled (days, hours and
//!    headcount per day summed over agents), so no roster can score below it.
//!
//! The rules are priced by [`super::rules`]; the independent [`super::check`] verifies the
//! result.

use super::rules::{day_hours_ok, row_score};
use super::spec::Fixed;
use super::{Options, Plan, SearchInfo, Spec};
use good_lp::{Expression, Solution, SolverModel, Variable, microlp, variable, variables};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use std::collections::HashMap;

/// The working state of the search.
#[derive(Clone)]
struct State<'a> {
    spec: &'a Spec,
    ipd: usize,
    ih: f64,
    /// `roster[a][d]`.
    roster: Vec<Vec<Option<usize>>>,
    /// On duty per group and global interval.
    cov: Vec<Vec<f64>>,
    /// Per agent and day, the range of `options` the agent may work.
    ranges: Vec<Vec<(u32, u32)>>,
    options: Vec<u32>,
    /// Per agent and day, whether a day off is allowed (not a fixed shift).
    may_rest: Vec<Vec<bool>>,
    /// Per agent: rule penalty and soft cost of its row.
    pen: Vec<f64>,
    soft: Vec<f64>,
    /// Agents per group.
    members: Vec<Vec<usize>>,
    /// Price of one unit of a broken rule.
    lambda: f64,
    /// Weight per weekend² worked by each full-time agent.
    weekend_fairness: f64,
    /// Whether some agent has a template fixed on a day it cannot keep it (not a template its
    /// contract, group or that day allows, or no shift of it within the hours per day).
    unkeepable: bool,
}

impl<'a> State<'a> {
    fn new(spec: &'a Spec) -> State<'a> {
        let days = spec.horizon.days as usize;
        let mut options = Vec::new();
        let mut ranges = Vec::with_capacity(spec.agents.len());
        let mut may_rest = Vec::with_capacity(spec.agents.len());
        let mut cache: HashMap<(usize, usize, usize), (u32, u32)> = HashMap::new();
        let mut unkeepable = false;
        for a in &spec.agents {
            let k = &spec.contracts[a.contract];
            let mut row = Vec::with_capacity(days);
            let mut rest = Vec::with_capacity(days);
            for d in 0..days {
                let closed = !spec.horizon.is_open(d) || a.unavailable[d];
                let r = match a.fixed[d] {
                    _ if closed => (0, 0),
                    Fixed::Off => (0, 0),
                    Fixed::Template(t) => {
                        let start = options.len() as u32;
                        options.extend(
                            spec.templates[t]
                                .candidates
                                .clone()
                                .filter(|c| day_hours_ok(spec, a.contract, *c))
                                .map(|c| c as u32),
                        );
                        (start, options.len() as u32 - start)
                    }
                    Fixed::Free => *cache.entry((a.group, a.contract, d)).or_insert_with(|| {
                        let start = options.len() as u32;
                        for (ti, t) in spec.templates.iter().enumerate() {
                            if k.templates[ti] && t.groups[a.group] && t.days[d] {
                                options.extend(
                                    t.candidates
                                        .clone()
                                        .filter(|c| day_hours_ok(spec, a.contract, *c))
                                        .map(|c| c as u32),
                                );
                            }
                        }
                        (start, options.len() as u32 - start)
                    }),
                };
                // a template fixed where the agent may not work it (contract, day, group, hours
                // per day) breaks `fixed` or `template` whatever the search does
                if let Fixed::Template(t) = a.fixed[d]
                    && (r.1 == 0 || !(k.templates[t] && spec.templates[t].days[d] && spec.templates[t].groups[a.group]))
                {
                    unkeepable = true;
                }
                row.push(r);
                rest.push(!matches!(a.fixed[d], Fixed::Template(_)) || closed || r.1 == 0);
            }
            ranges.push(row);
            may_rest.push(rest);
        }
        let mut members = vec![Vec::new(); spec.groups.len()];
        for (i, a) in spec.agents.iter().enumerate() {
            members[a.group].push(i);
        }
        let max_under = spec.objective.under.iter().copied().fold(1.0, f64::max);
        let ih = spec.interval_h();
        State {
            spec,
            ipd: spec.ipd(),
            ih,
            roster: vec![vec![None; days]; spec.agents.len()],
            cov: vec![vec![0.0; spec.ipd() * days]; spec.groups.len()],
            ranges,
            options,
            may_rest,
            pen: vec![0.0; spec.agents.len()],
            soft: vec![0.0; spec.agents.len()],
            members,
            lambda: 100.0 * max_under * 8.0 + 1000.0,
            weekend_fairness: spec.objective.weekend_fairness,
            unkeepable,
        }
    }

    fn opts(&self, a: usize, d: usize) -> &[u32] {
        let (s, n) = self.ranges[a][d];
        &self.options[s as usize..(s + n) as usize]
    }

    /// Cost of one interval at coverage `x`.
    fn interval_cost(&self, g: usize, t: usize, x: f64) -> f64 {
        let r = f64::from(self.spec.requirement[g][t]);
        self.ih * (self.spec.objective.under[t] * (r - x).max(0.0) + self.spec.objective.over[t] * (x - r).max(0.0))
    }

    /// Adds (`sign` = 1) or removes (−1) candidate `c` on day `d` of group `g`; returns the change
    /// of the coverage cost.
    fn put(&mut self, g: usize, d: usize, c: usize, sign: f64) -> f64 {
        let cand = &self.spec.candidates[c];
        let base = d * self.ipd + cand.first_interval;
        let mut delta = 0.0;
        for (k, share) in cand.cover.iter().enumerate() {
            let t = base + k;
            let old = self.cov[g][t];
            let new = old + sign * share;
            delta += self.interval_cost(g, t, new) - self.interval_cost(g, t, old);
            self.cov[g][t] = new;
        }
        delta
    }

    /// Sets agent `a`'s day `d`; returns the change of the coverage cost (penalties are
    /// recomputed by the caller).
    fn set(&mut self, a: usize, d: usize, c: Option<usize>) -> f64 {
        let g = self.spec.agents[a].group;
        let mut delta = 0.0;
        if let Some(old) = self.roster[a][d] {
            delta += self.put(g, d, old, -1.0);
        }
        if let Some(new) = c {
            delta += self.put(g, d, new, 1.0);
        }
        self.roster[a][d] = c;
        delta
    }

    /// Swaps agents `a` and `b`'s days `d..e` (same group: coverage unchanged).
    fn swap_block(&mut self, a: usize, b: usize, d: usize, e: usize) {
        for x in d..e {
            let t = self.roster[a][x];
            self.roster[a][x] = self.roster[b][x];
            self.roster[b][x] = t;
        }
    }

    /// Recomputes agent `a`'s penalty and soft cost; returns the changes (soft, penalty).
    fn rescore(&mut self, a: usize) -> (f64, f64) {
        let (p, s) = row_score(self.spec, a, &self.roster[a], self.weekend_fairness);
        let delta = (s - self.soft[a], p - self.pen[a]);
        self.pen[a] = p;
        self.soft[a] = s;
        delta
    }

    fn total(&self) -> (f64, f64) {
        let mut cov = 0.0;
        for g in 0..self.cov.len() {
            for t in 0..self.cov[g].len() {
                cov += self.interval_cost(g, t, self.cov[g][t]);
            }
        }
        (cov + self.soft.iter().sum::<f64>(), self.pen.iter().sum())
    }
}

/// A day's requirement and allowed candidates: days alike are solved once.
pub type DayKey = (Vec<u32>, Vec<usize>);

/// How to take a move back.
enum Undo {
    /// Agent, day, what it worked.
    One(usize, usize, Option<usize>),
    /// Agents a and b swapped days `d..e`.
    Agents(usize, usize, usize, usize),
    /// Agents a and b exchanged days d and e.
    Pair(usize, usize, usize, usize),
    /// Agent a swapped days d and e: what it worked on each.
    Days(usize, usize, usize, Option<usize>, Option<usize>),
}

/// The second day of a two-day move: half the time one or two days before or after `d`, which
/// shapes runs of work and days off, else any open day; `None` when the near day is outside the
/// horizon or closed.
fn other_day(rng: &mut Xoshiro256PlusPlus, spec: &Spec, d: usize, open_days: &[usize]) -> Option<usize> {
    if rng.random_bool(0.5) {
        let step = rng.random_range(1..=2usize);
        let e = if rng.random_bool(0.5) { d.checked_sub(step) } else { Some(d + step) };
        e.filter(|e| *e < spec.horizon.days as usize && spec.horizon.is_open(*e))
    } else {
        Some(open_days[rng.random_range(0..open_days.len())])
    }
}

/// Builds the roster.
pub fn solve(spec: &Spec, opts: &Options) -> Result<(Plan, SearchInfo), String> {
    let t0 = std::time::Instant::now();
    let mut st = State::new(spec);
    let days = spec.horizon.days as usize;
    let ipd = st.ipd;

    // fixed shifts first: the first candidate of the template
    for a in 0..spec.agents.len() {
        for d in 0..days {
            if !st.may_rest[a][d] {
                let c = st.opts(a, d)[0] as usize;
                st.set(a, d, Some(c));
            }
        }
    }
    for a in 0..spec.agents.len() {
        st.rescore(a);
    }

    // 1. the day's shifts from the integer program, handed out day by day
    let mut lp_bound_hours = 0.0;
    let mut cache: HashMap<DayKey, (Vec<f64>, f64)> = HashMap::new();
    let mut hours = vec![0.0; spec.agents.len()];
    for d in 0..days {
        for g in 0..spec.groups.len() {
            if !spec.horizon.is_open(d) {
                continue;
            }
            let req = spec.requirement[g][d * ipd..(d + 1) * ipd].to_vec();
            if req.iter().all(|r| *r == 0) {
                continue;
            }
            let mut allowed: Vec<usize> =
                st.members[g].iter().flat_map(|&a| st.opts(a, d).iter().map(|c| *c as usize)).collect();
            allowed.sort_unstable();
            allowed.dedup();
            if allowed.is_empty() {
                continue;
            }
            let key = (req, allowed);
            if !cache.contains_key(&key) {
                let x = super::select::cover(spec, &key.1, &key.0, true)?;
                let relaxed = super::select::cover(spec, &key.1, &key.0, false)?;
                let h = key.1.iter().zip(&relaxed).map(|(c, k)| k * spec.candidates[*c].paid_hours).sum();
                cache.insert(key.clone(), (x, h));
            }
            let (x, h) = &cache[&key];
            lp_bound_hours += h;
            let mut wanted: Vec<usize> =
                key.1.iter().zip(x).flat_map(|(c, k)| std::iter::repeat_n(*c, k.round() as usize)).collect();
            // fixed shifts already cover part of the day
            for &a in &st.members[g] {
                if let Some(c) = st.roster[a][d]
                    && let Some(i) =
                        wanted.iter().position(|w| spec.candidates[*w].template == spec.candidates[c].template)
                {
                    wanted.swap_remove(i);
                }
            }
            wanted.sort_by(|a, b| spec.candidates[*a].start_s.total_cmp(&spec.candidates[*b].start_s));
            for c in wanted {
                let mut best: Option<(f64, f64, usize)> = None;
                for i in 0..st.members[g].len() {
                    let a = st.members[g][i];
                    if st.roster[a][d].is_some() || !st.opts(a, d).contains(&(c as u32)) {
                        continue;
                    }
                    st.roster[a][d] = Some(c);
                    let (p, _) = row_score(spec, a, &st.roster[a], 0.0);
                    st.roster[a][d] = None;
                    let dp = p - st.pen[a];
                    if dp > 1e-9 {
                        continue;
                    }
                    let key = (dp, hours[a]);
                    if best.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
                        best = Some((key.0, key.1, a));
                    }
                }
                if let Some((_, _, a)) = best {
                    st.set(a, d, Some(c));
                    st.rescore(a);
                    hours[a] += spec.candidates[c].paid_hours;
                }
            }
        }
    }

    // 2. simulated annealing in independent chains (one per core on a two-core machine), each
    // from the constructed roster with its own seed; the best roster of all is kept. The
    // number of chains is fixed, so the answer does not depend on the threads that run them.
    let chains: Vec<Chain> = (0..CHAINS as u64)
        .into_par_iter()
        .map(|k| anneal(st.clone(), opts, chain_seed(opts.seed, k), t0, opts.progress && k == 0))
        .collect();
    let moves = chains.iter().map(|c| c.moves).sum();
    let time_limited = chains.iter().any(|c| c.time_limited);
    let st = chains
        .into_iter()
        .map(|c| c.state)
        .min_by(|x, y| {
            let (ox, px) = x.total();
            let (oy, py) = y.total();
            (px > 1e-9).cmp(&(py > 1e-9)).then(px.total_cmp(&py)).then(ox.total_cmp(&oy))
        })
        .expect("at least one chain");
    let (objective, penalty) = st.total();
    let bound = lp_bound(spec).unwrap_or(0.0).min(objective);
    let mut plan = Plan::from_roster(spec, st.roster.clone());
    plan.lp_bound_hours = lp_bound_hours;
    Ok((
        plan,
        SearchInfo {
            method: "LP-guided construction + simulated annealing".into(),
            objective,
            lp_bound: bound,
            gap_pct: if objective > 1e-9 { (objective - bound) / objective * 100.0 } else { 0.0 },
            moves,
            seconds: t0.elapsed().as_secs_f64(),
            time_limited,
            feasible: penalty < 1e-9 && !st.unkeepable,
            proven_optimal: objective <= bound + 1e-9,
            seed: opts.seed,
        },
    ))
}

/// Independent annealing chains: the roster search runs this many from the constructed roster
/// (in parallel when there are cores for them) and keeps the best.
pub const CHAINS: usize = 2;

/// The seed of chain `k`: the search's own seed for the first chain.
fn chain_seed(seed: u64, k: u64) -> u64 {
    if k == 0 { seed } else { seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15) }
}

/// What one annealing chain ends with.
struct Chain<'a> {
    /// The best roster it saw (keeping every rule when it found one).
    state: State<'a>,
    /// Moves tried.
    moves: u64,
    /// Whether the time limit cut it.
    time_limited: bool,
}

/// Simulated annealing from `st` with `seed`. Broken rules are priced low at first and far
/// above any coverage gain later (strategic oscillation), so the search can cross infeasible
/// rosters; the best roster seen (by objective, rules priced at their top) is returned.
fn anneal<'a>(mut st: State<'a>, opts: &Options, seed: u64, t0: std::time::Instant, show_progress: bool) -> Chain<'a> {
    let spec = st.spec;
    let days = spec.horizon.days as usize;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let open_days: Vec<usize> = (0..days).filter(|d| spec.horizon.is_open(*d)).collect();
    let n_agents = spec.agents.len();
    let budget = opts.moves_per_agent_day.saturating_mul((n_agents * open_days.len().max(1)) as u64);
    let (mut obj, mut pen) = st.total();
    // temperature: from a share of a typical agent-interval's weight down to nearly zero
    let unit = st.ih * spec.objective.under.iter().copied().fold(0.0, f64::max).max(1.0);
    let (t_start, t_end) = (unit * 2.0, unit * 0.002);
    let (l_start, l_end) = (unit, st.lambda);
    let mut moves = 0u64;
    let mut time_limited = false;
    let mut best_roster = st.roster.clone();
    let score = |obj: f64, pen: f64| if pen < 1e-9 { obj } else { obj + l_end * pen };
    let mut best_value = score(obj, pen);
    let progress = show_progress.then(|| {
        let pb = indicatif::ProgressBar::new(budget);
        pb.set_style(
            indicatif::ProgressStyle::with_template("roster search {bar:40} {percent:>3}% {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    let (mut temp, mut lambda) = (t_start, l_start);
    if !open_days.is_empty() && n_agents > 0 {
        while moves < budget {
            if moves.is_multiple_of(4096) {
                if t0.elapsed().as_secs_f64() > opts.time_limit_s {
                    time_limited = true;
                    break;
                }
                if let Some(pb) = &progress {
                    pb.set_position(moves);
                    pb.set_message(format!("objective {best_value:.1}"));
                }
                let x = moves as f64 / budget as f64;
                temp = t_start * (t_end / t_start).powf(x);
                // broken rules reach their full price at 40 % of the budget: the rest of the search
                // moves among rosters that keep them
                lambda = l_start * (l_end / l_start).powf((x * 2.5).min(1.0));
            }
            moves += 1;
            // while some row breaks a rule, half the moves start from such a row
            let mut a = rng.random_range(0..n_agents);
            if pen > 1e-9 && rng.random_bool(0.5) {
                a = (0..n_agents).map(|i| (a + i) % n_agents).find(|&x| st.pen[x] > 1e-9).unwrap_or(a);
            }
            let d = open_days[rng.random_range(0..open_days.len())];
            let kind = rng.random_range(0..100u32);
            // each move: changes, then accept or undo
            let undo;
            let (mut d_obj, d_pen);
            if kind < 40 {
                // a day off or a shift: a working day becomes a day off a quarter of the time
                // (however many shifts there are to choose from), a day off gets a shift
                let opts_n = st.ranges[a][d].1 as usize;
                let rest = st.may_rest[a][d] && (opts_n == 0 || (st.roster[a][d].is_some() && rng.random_bool(0.25)));
                let new = if rest {
                    None
                } else if opts_n == 0 {
                    continue;
                } else {
                    Some(st.opts(a, d)[rng.random_range(0..opts_n)] as usize)
                };
                if new == st.roster[a][d] {
                    continue;
                }
                undo = Undo::One(a, d, st.roster[a][d]);
                d_obj = st.set(a, d, new);
                let (s, p) = st.rescore(a);
                d_obj += s;
                d_pen = p;
            } else if kind < 60 {
                // a neighbouring candidate of the same template (start or break moved)
                let Some(c) = st.roster[a][d] else { continue };
                let o = st.opts(a, d);
                let Some(pos) = o.iter().position(|x| *x as usize == c) else { continue };
                let step = rng.random_range(1..=3usize);
                let j = if rng.random_bool(0.5) { pos.checked_sub(step) } else { Some(pos + step) };
                let Some(j) = j.filter(|j| *j < o.len()) else { continue };
                let new = o[j] as usize;
                if spec.candidates[new].template != spec.candidates[c].template {
                    continue;
                }
                undo = Undo::One(a, d, Some(c));
                d_obj = st.set(a, d, Some(new));
                let (s, p) = st.rescore(a);
                d_obj += s;
                d_pen = p;
            } else if kind < 75 {
                // swap a block of 1–7 days with another agent of the group: coverage is
                // unchanged (same group, same days), so this reshapes weeks, runs and weekends
                let g = spec.agents[a].group;
                let m = &st.members[g];
                let b = m[rng.random_range(0..m.len())];
                // half the time a whole week (Monday to Sunday of the horizon's weeks), which
                // keeps both agents' days and hours per week
                let (d, e) = if days >= 7 && rng.random_bool(0.5) {
                    let w = (d / 7).min(days / 7 - 1);
                    (w * 7, w * 7 + 7)
                } else {
                    (d, (d + 1 + rng.random_range(0..7usize)).min(days))
                };
                if b == a || st.roster[a][d..e] == st.roster[b][d..e] {
                    continue;
                }
                let ok = |s: &State, who: usize, day: usize, c: Option<usize>| match c {
                    None => s.may_rest[who][day],
                    Some(c) => s.opts(who, day).contains(&(c as u32)),
                };
                if (d..e).any(|x| !ok(&st, a, x, st.roster[b][x]) || !ok(&st, b, x, st.roster[a][x])) {
                    continue;
                }
                undo = Undo::Agents(a, b, d, e);
                st.swap_block(a, b, d, e);
                let (s1, p1) = st.rescore(a);
                let (s2, p2) = st.rescore(b);
                d_obj = s1 + s2;
                d_pen = p1 + p2;
            } else if kind < 90 {
                // two agents of a group exchange two days: `a` works `d` and `b` works `e`
                // (or the other way round) and they trade both; coverage is unchanged
                let g = spec.agents[a].group;
                let m = &st.members[g];
                let b = m[rng.random_range(0..m.len())];
                let Some(e) = other_day(&mut rng, spec, d, &open_days) else { continue };
                if b == a || e == d || (st.roster[a][d] == st.roster[b][d] && st.roster[a][e] == st.roster[b][e]) {
                    continue;
                }
                let ok = |s: &State, who: usize, day: usize, c: Option<usize>| match c {
                    None => s.may_rest[who][day],
                    Some(c) => s.opts(who, day).contains(&(c as u32)),
                };
                if [d, e].iter().any(|&x| !ok(&st, a, x, st.roster[b][x]) || !ok(&st, b, x, st.roster[a][x])) {
                    continue;
                }
                undo = Undo::Pair(a, b, d, e);
                st.swap_block(a, b, d, d + 1);
                st.swap_block(a, b, e, e + 1);
                let (s1, p1) = st.rescore(a);
                let (s2, p2) = st.rescore(b);
                d_obj = s1 + s2;
                d_pen = p1 + p2;
            } else {
                // swap two days of one agent (a near day slides a shift or a day off along a run)
                let Some(e) = other_day(&mut rng, spec, d, &open_days) else { continue };
                let (x, y) = (st.roster[a][d], st.roster[a][e]);
                if e == d || x == y {
                    continue;
                }
                let ok = |s: &State, day: usize, c: Option<usize>| match c {
                    None => s.may_rest[a][day],
                    Some(c) => s.opts(a, day).contains(&(c as u32)),
                };
                if !ok(&st, d, y) || !ok(&st, e, x) {
                    continue;
                }
                undo = Undo::Days(a, d, e, x, y);
                d_obj = st.set(a, d, y) + st.set(a, e, x);
                let (s, p) = st.rescore(a);
                d_obj += s;
                d_pen = p;
            }
            let delta = d_obj + lambda * d_pen;
            let accept = delta <= 1e-12 || rng.random::<f64>() < (-delta / temp).exp();
            if accept {
                obj += d_obj;
                pen += d_pen;
                let v = score(obj, pen);
                if v < best_value - 1e-9 {
                    best_value = v;
                    best_roster.clone_from(&st.roster);
                }
            } else {
                match undo {
                    Undo::One(a, d, old) => {
                        st.set(a, d, old);
                        st.rescore(a);
                    }
                    Undo::Pair(a, b, d, e) => {
                        st.swap_block(a, b, d, d + 1);
                        st.swap_block(a, b, e, e + 1);
                        st.rescore(a);
                        st.rescore(b);
                    }
                    Undo::Agents(a, b, d, e) => {
                        st.swap_block(a, b, d, e);
                        st.rescore(a);
                        st.rescore(b);
                    }
                    Undo::Days(a, d, e, x, y) => {
                        st.set(a, d, x);
                        st.set(a, e, y);
                        st.rescore(a);
                    }
                }
            }
        }
    }
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    // the best roster seen
    for (a, row) in best_roster.iter().enumerate() {
        for (d, c) in row.iter().enumerate() {
            if st.roster[a][d] != *c {
                st.set(a, d, *c);
            }
        }
        st.rescore(a);
    }
    Chain { state: st, moves, time_limited }
}

/// A lower bound on the roster objective: an LP in which each group's agents are pooled —
/// shifts per day at most the agents able to work it, and per whole week and over the horizon
/// the summed contract limits on days and hours. Preferences and fairness are left out (≥ 0).
pub fn lp_bound(spec: &Spec) -> Result<f64, String> {
    let days = spec.horizon.days as usize;
    let ipd = spec.ipd();
    let ih = spec.interval_h();
    let st = State::new(spec);
    let mut vars = variables!();
    let mut objective = Expression::from(0.0);
    let mut constraints = Vec::new();
    for g in 0..spec.groups.len() {
        let members = &st.members[g];
        // x[d] = (candidate, variable)
        let mut x: Vec<Vec<(usize, Variable)>> = vec![Vec::new(); days];
        let mut fixed_ok = true;
        #[allow(clippy::needless_range_loop)] // d indexes days of several tables
        for d in 0..days {
            let mut allowed: Vec<usize> =
                members.iter().flat_map(|&a| st.opts(a, d).iter().map(|c| *c as usize)).collect();
            allowed.sort_unstable();
            allowed.dedup();
            for c in allowed {
                let v = vars.add(variable().min(0));
                let cand = &spec.candidates[c];
                objective += v
                    * (spec.objective.cost
                        * cand.paid_hours
                        * spec.templates[cand.template].cost_per_hour.unwrap_or(0.0));
                x[d].push((c, v));
            }
            let able = members.iter().filter(|&&a| st.ranges[a][d].1 > 0).count() as f64;
            let must = members.iter().filter(|&&a| !st.may_rest[a][d]).count() as f64;
            if !x[d].is_empty() {
                let sum: Expression = x[d].iter().map(|(_, v)| *v).sum();
                constraints.push(sum.clone().leq(able));
                if must > 0.0 {
                    constraints.push(sum.geq(must));
                }
            } else if must > 0.0 {
                fixed_ok = false;
            }
            // coverage with slack
            for i in 0..ipd {
                let t = d * ipd + i;
                let r = f64::from(spec.requirement[g][t]);
                let terms: Vec<(Variable, f64)> =
                    x[d].iter().map(|(c, v)| (*v, spec.candidates[*c].on_duty(i))).filter(|(_, s)| *s > 0.0).collect();
                if terms.is_empty() {
                    objective += ih * spec.objective.under[t] * r;
                    continue;
                }
                let u = vars.add(variable().min(0));
                let o = vars.add(variable().min(0));
                objective += u * (ih * spec.objective.under[t]) + o * (ih * spec.objective.over[t]);
                let cov: Expression = terms.into_iter().map(|(v, s)| v * s).sum();
                constraints.push((cov + u - o).eq(r));
            }
        }
        if !fixed_ok {
            continue;
        }
        let hours_of = |range: std::ops::Range<usize>| -> Expression {
            range.flat_map(|d| x[d].iter().map(|(c, v)| *v * spec.candidates[*c].paid_hours)).sum()
        };
        let count_of =
            |range: std::ops::Range<usize>| -> Expression { range.flat_map(|d| x[d].iter().map(|(_, v)| *v)).sum() };
        let contract = |a: usize| &spec.contracts[spec.agents[a].contract];
        for w in 0..spec.weeks() {
            let r = w * 7..w * 7 + 7;
            let (dmin, dmax): (f64, f64) = members.iter().fold((0.0, 0.0), |(lo, hi), &a| {
                (lo + f64::from(contract(a).days_per_week[0]), hi + f64::from(contract(a).days_per_week[1]))
            });
            let (hmin, hmax): (f64, f64) = members.iter().fold((0.0, 0.0), |(lo, hi), &a| {
                (lo + contract(a).hours_per_week[0], hi + contract(a).hours_per_week[1])
            });
            constraints.push(count_of(r.clone()).leq(dmax));
            constraints.push(count_of(r.clone()).geq(dmin));
            if hmax.is_finite() {
                constraints.push(hours_of(r.clone()).leq(hmax));
            }
            constraints.push(hours_of(r).geq(hmin));
        }
        let (tmin, tmax): (f64, f64) = members
            .iter()
            .fold((0.0, 0.0), |(lo, hi), &a| (lo + contract(a).hours_total[0], hi + contract(a).hours_total[1]));
        if tmax.is_finite() {
            constraints.push(hours_of(0..days).leq(tmax));
        }
        if tmin > 0.0 {
            constraints.push(hours_of(0..days).geq(tmin));
        }
    }
    let mut problem = vars.minimise(objective.clone()).using(microlp);
    for c in constraints {
        problem = problem.with(c);
    }
    match problem.solve() {
        Ok(sol) => Ok(sol.eval(&objective)),
        // pooled limits that cannot all hold: no roster keeps every rule; no useful bound
        Err(_) => Ok(0.0),
    }
}
