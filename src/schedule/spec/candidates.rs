//! Candidate shifts: every start a template allows, with every placement of its breaks in their
//! windows, as the concrete shifts the solvers choose among (and the problems found on the way).

use super::{Candidate, Check, PlacedBreak, RawTemplate};
use crate::scenario::Horizon;
use crate::time::format_clock;

/// Every start of a template with every placement of its breaks.
pub(super) fn template_candidates(
    c: &mut Check,
    p: &str,
    t: &RawTemplate,
    ti: usize,
    h: &Horizon,
) -> Option<Vec<Candidate>> {
    let interval = h.interval_s;
    let length = c.duration(&format!("{p}.length"), &t.length);
    let every = match &t.every {
        Some(e) => c.duration(&format!("{p}.every"), e),
        None => Some(interval),
    };
    let range = match (&t.start_between, &t.start) {
        (Some([a, b]), None) => {
            let a = c.clock(&format!("{p}.start_between[0]"), a);
            let b = c.clock(&format!("{p}.start_between[1]"), b);
            a.zip(b)
        }
        (None, Some(s)) => c.clock(&format!("{p}.start"), s).map(|s| (s, s)),
        _ => {
            c.err(p, "give `start` or `start_between`");
            None
        }
    };
    let gap = match &t.min_break_gap {
        Some(g) => c.duration(&format!("{p}.min_break_gap"), g),
        None => Some(0.0),
    };
    // breaks: (length, window kind, earliest, latest, paid, step)
    let mut rules = Vec::new();
    for (bi, b) in t.breaks.iter().enumerate() {
        let bp = format!("{p}.breaks[{bi}]");
        let len = c.duration(&format!("{bp}.length"), &b.length);
        let step = match &b.every {
            Some(e) => c.duration(&format!("{bp}.every"), e),
            None => Some(interval),
        };
        let window = match (&b.after, &b.between) {
            (Some([x, y]), None) => c
                .duration(&format!("{bp}.after[0]"), x)
                .zip(c.duration(&format!("{bp}.after[1]"), y))
                .map(|w| (true, w)),
            (None, Some([x, y])) => {
                c.clock(&format!("{bp}.between[0]"), x).zip(c.clock(&format!("{bp}.between[1]"), y)).map(|w| (false, w))
            }
            _ => {
                c.err(&bp, "give the window as `after: [earliest, latest]` (from the shift's start) or `between: [\"HH:MM\", \"HH:MM\"]`");
                None
            }
        };
        match (len, step, window) {
            (Some(len), Some(step), Some((rel, (x, y)))) if len > 0.0 && step > 0.0 && x <= y => {
                rules.push((len, rel, x, y, b.paid.unwrap_or(true), step))
            }
            (Some(_), Some(_), Some(_)) => c.err(&bp, "a positive `length` and `every`, and a window in order"),
            _ => {}
        }
    }
    let (length, every, (a, b), gap) = (length?, every?, range?, gap?);
    if rules.len() != t.breaks.len() {
        return None;
    }
    if length <= 0.0 || every <= 0.0 || b < a {
        c.err(p, "a positive `length` and `every`, and `start_between` in order");
        return None;
    }
    let mut out = Vec::new();
    let mut s = a;
    while s <= b + 1e-9 {
        if s < h.start_s - 1e-9 || s + length > h.end_s + 1e-9 {
            c.err(
                p,
                format!(
                    "a shift starting {} lies outside the opening hours {}–{}",
                    format_clock(s),
                    format_clock(h.start_s),
                    format_clock(h.end_s)
                ),
            );
            return None;
        }
        // every placement of the breaks, in order, inside the shift, gaps kept
        let mut placements: Vec<Vec<PlacedBreak>> = vec![Vec::new()];
        for &(len, rel, x, y, paid, step) in &rules {
            let (lo, hi) = if rel { (s + x, s + y) } else { (x, y) };
            let mut next = Vec::new();
            for pl in &placements {
                let earliest = pl.last().map_or(s, |l: &PlacedBreak| l.start_s + l.length_s + gap);
                let mut bs = lo;
                while bs <= hi + 1e-9 {
                    if bs >= earliest - 1e-9 && bs > s - 1e-9 && bs + len <= s + length + 1e-9 {
                        let mut q = pl.clone();
                        q.push(PlacedBreak { start_s: bs, length_s: len, paid });
                        next.push(q);
                    }
                    bs += step;
                }
            }
            placements = next;
            if placements.len() > 5_000 {
                c.err(p, "more than 5000 break placements per start: narrow the windows or use a larger `every`");
                return None;
            }
        }
        if placements.is_empty() {
            c.err(
                p,
                format!(
                    "the breaks cannot be placed in a shift starting {}: they are placed in the order listed, each inside the shift, inside its window and `min_break_gap` after the previous one",
                    format_clock(s)
                ),
            );
            return None;
        }
        for breaks in placements {
            out.push(candidate(ti, s, s + length, breaks, h));
        }
        s += every;
    }
    Some(out)
}

/// A candidate's paid hours and its share on duty per interval.
fn candidate(template: usize, start_s: f64, end_s: f64, breaks: Vec<PlacedBreak>, h: &Horizon) -> Candidate {
    let iv = h.interval_s;
    let first = ((start_s - h.start_s) / iv + 1e-9).floor().max(0.0) as usize;
    let last = (((end_s - h.start_s) / iv - 1e-9).ceil() as usize).min(h.intervals_per_day());
    let overlap = |a: f64, b: f64, x: f64, y: f64| (b.min(y) - a.max(x)).max(0.0);
    let cover = (first..last)
        .map(|i| {
            let (x, y) = (h.start_s + i as f64 * iv, h.start_s + (i + 1) as f64 * iv);
            let on = overlap(start_s, end_s, x, y)
                - breaks.iter().map(|b| overlap(b.start_s, b.start_s + b.length_s, x, y)).sum::<f64>();
            (on / iv).max(0.0)
        })
        .collect();
    let unpaid: f64 = breaks.iter().filter(|b| !b.paid).map(|b| b.length_s).sum();
    Candidate {
        template,
        start_s,
        end_s,
        paid_hours: (end_s - start_s - unpaid) / 3600.0,
        breaks,
        first_interval: first,
        cover,
    }
}
