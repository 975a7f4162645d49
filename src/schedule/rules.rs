//! The roster search's price of one agent's row: the contract rules it breaks, in units (days,
//! hours ÷ 4, shifts, weekend days to clear), and its soft cost (preferences not granted, pay,
//! weekend fairness). The search in [`super::roster`] weighs the units by its strategic
//! oscillation; the independent [`super::check`] lists the same rules in words.

use super::Spec;
use super::spec::ContractKind;

/// Whether candidate `c`'s paid hours fit the contract's hours per day.
pub(super) fn day_hours_ok(spec: &Spec, contract: usize, c: usize) -> bool {
    let [lo, hi] = spec.contracts[contract].hours_per_day;
    let h = spec.candidates[c].paid_hours;
    h >= lo - 1e-9 && h <= hi + 1e-9
}

/// Rule penalty (units broken: days, hours, shifts, weekends) and soft cost (preferences,
/// cost, weekend fairness) of one agent's row.
pub(super) fn row_score(spec: &Spec, a: usize, row: &[Option<usize>], fairness: f64) -> (f64, f64) {
    let agent = &spec.agents[a];
    let k = &spec.contracts[agent.contract];
    let days = row.len();
    let mut pen = 0.0;
    let outside = |x: f64, [lo, hi]: [f64; 2]| (lo - x).max(0.0) + (x - hi).max(0.0);
    // weeks
    let mut total_h = 0.0;
    for w in 0..days / 7 {
        let (mut h, mut n) = (0.0, 0u32);
        for c in row[w * 7..w * 7 + 7].iter().flatten() {
            h += spec.candidates[*c].paid_hours;
            n += 1;
        }
        pen += outside(h, k.hours_per_week) / 4.0;
        pen += outside(f64::from(n), [f64::from(k.days_per_week[0]), f64::from(k.days_per_week[1])]);
    }
    // runs, rest, successions, template counts
    let (mut run_on, mut run_off) = (0u32, 0u32);
    let mut start_on = 0usize;
    let mut start_off = 0usize;
    let mut counts_over = 0.0;
    let mut used = [0u32; 64];
    let mut used_big: Vec<u32> = Vec::new();
    if spec.templates.len() > 64 {
        used_big = vec![0; spec.templates.len()];
    }
    let [cmin, cmax] = k.consecutive_days;
    for d in 0..=days {
        let c = if d < days { row[d] } else { None };
        let end = d == days;
        match c {
            Some(c) if !end => {
                let cand = &spec.candidates[c];
                total_h += cand.paid_hours;
                let t = cand.template;
                if spec.templates.len() > 64 {
                    used_big[t] += 1;
                } else {
                    used[t] += 1;
                }
                if run_off > 0 {
                    if run_off < k.min_days_off && start_off > 0 {
                        pen += f64::from(k.min_days_off - run_off);
                    }
                    run_off = 0;
                }
                if run_on == 0 {
                    start_on = d;
                }
                run_on += 1;
                if d > 0
                    && let Some(p) = row[d - 1]
                {
                    let prev = &spec.candidates[p];
                    let rest = 86_400.0 + cand.start_s - prev.end_s;
                    if rest < k.min_rest_s - 1e-9 {
                        pen += 1.0;
                    }
                    if k.forbidden.iter().any(|&(x, y)| x == prev.template && y == t) {
                        pen += 1.0;
                    }
                }
            }
            _ => {
                if run_on > 0 {
                    if run_on > cmax {
                        pen += f64::from(run_on - cmax);
                    }
                    let touches = start_on == 0 || end;
                    if run_on < cmin && !touches {
                        pen += f64::from(cmin - run_on);
                    }
                    run_on = 0;
                }
                if !end {
                    if run_off == 0 {
                        start_off = d;
                    }
                    run_off += 1;
                }
            }
        }
    }
    // a run of days off reaching the end is exempt; one starting at day 0 was exempt above
    let _ = start_off;
    for (t, m) in k.max_shifts.iter().enumerate() {
        let n = if spec.templates.len() > 64 { used_big[t] } else { used[t] };
        if n > *m {
            counts_over += f64::from(n - m);
        }
    }
    pen += counts_over;
    pen += outside(total_h, k.hours_total) / 4.0;
    // weekends
    let mut soft = 0.0;
    let nw = spec.weekends();
    if nw > 0 {
        // days worked on each weekend (0, 1 or 2)
        let mut worked = [0u8; 64];
        let mut worked_big = Vec::new();
        if nw > 64 {
            worked_big = vec![0u8; nw];
        }
        for (d, c) in row.iter().enumerate() {
            if c.is_some() && spec.is_weekend(d) {
                let w = spec.weekend_index(d);
                if nw > 64 {
                    worked_big[w] += 1;
                } else {
                    worked[w] += 1;
                }
            }
        }
        let on = |w: usize| if nw > 64 { worked_big[w] } else { worked[w] };
        if let Some((max, per)) = k.weekends {
            let per = (per as usize).min(nw);
            for s in 0..=nw - per {
                let n = (s..s + per).filter(|w| on(*w) > 0).count() as u32;
                if n > max {
                    // the weekend days to clear: those of the least-worked weekends in excess,
                    // so that leaving one day of a weekend is already a step towards keeping it
                    let mut left = n - max;
                    for days in 1..=2u8 {
                        let k = ((s..s + per).filter(|w| on(*w) == days).count() as u32).min(left);
                        pen += f64::from(k) * f64::from(days);
                        left -= k;
                    }
                }
            }
        }
        if k.kind == ContractKind::FullTime && fairness > 0.0 {
            let n = (0..nw).filter(|w| on(*w) > 0).count() as f64;
            soft += fairness * n * n;
        }
    }
    // soft: preferences and cost
    for (d, c) in row.iter().enumerate() {
        if let Some(c) = c {
            let cand = &spec.candidates[*c];
            if agent.prefer_off[d] {
                soft += spec.objective.preference;
            }
            if !agent.prefer_templates.is_empty() && !agent.prefer_templates[cand.template] {
                soft += spec.objective.preference;
            }
            soft += spec.objective.cost * cand.paid_hours * spec.templates[cand.template].cost_per_hour.unwrap_or(0.0);
        }
    }
    (pen, soft)
}
