//! Staffing changes on whole days of a shift group: who works a day (its recurring shift entries
//! and roster agents), how many of them an absence, a removal or an addition leaves, and how the
//! group's shifts are rewritten so that only the named days change.
//!
//! A recurring shift whose count changes on some of its days only is split: the changed days get
//! copies of the shift (one per new count, days of their own) and the original keeps the other
//! days. A change that is the same on every day the shift works sets its count and keeps its days,
//! which is what a change over the whole horizon did before days existed. Roster agents are named
//! people: an absence or a removal gives them the day off, an addition never touches them.

use crate::scenario::{Horizon, RosterAgent, Shift};

/// One unit of a shift group's work on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Entry {
    /// A recurring shift (index into the group's shifts) and its agents.
    Shift(usize),
    /// A roster agent (index into the group's roster): one agent.
    Agent(usize),
}

/// The entries of a shift group starting work on day `d` (0-based) with their agents: the
/// recurring shifts working that day in file order, then the roster agents working it.
pub(super) fn day_entries(shifts: &[Shift], roster: &[RosterAgent], h: &Horizon, d: usize) -> Vec<(Entry, u32)> {
    let mut v: Vec<(Entry, u32)> =
        shifts.iter().enumerate().filter(|(_, s)| s.works_on(h, d)).map(|(k, s)| (Entry::Shift(k), s.count)).collect();
    v.extend(roster.iter().enumerate().filter(|(_, a)| a.shift_on(h, d).is_some()).map(|(k, _)| (Entry::Agent(k), 1)));
    v
}

/// Agents kept when a share (0 to 1) of the day's agents is absent: the day's total × (1 − share)
/// rounded to the nearest agent, shared over the entries by largest remainders (ties: the
/// earlier entry keeps).
pub(super) fn keep_share(entries: &[(Entry, u32)], share: f64) -> Vec<u32> {
    let keep = |n: u32| (f64::from(n) * (1.0 - share)).round() as u32;
    let target = keep(entries.iter().map(|e| e.1).sum());
    let exact: Vec<f64> = entries.iter().map(|e| f64::from(e.1) * (1.0 - share)).collect();
    let mut kept: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    let mut left = target.saturating_sub(kept.iter().sum());
    for i in order {
        if left == 0 {
            break;
        }
        if kept[i] < entries[i].1 {
            kept[i] += 1;
            left -= 1;
        }
    }
    kept
}

/// Agents kept when `n` agents are removed: from the last recurring shift backwards, then from
/// the last roster agent backwards (named agents go last); never below zero.
pub(super) fn remove_n(entries: &[(Entry, u32)], n: u32) -> Vec<u32> {
    let mut kept: Vec<u32> = entries.iter().map(|e| e.1).collect();
    let mut left = n;
    let shifts_first = (0..entries.len())
        .rev()
        .filter(|&i| matches!(entries[i].0, Entry::Shift(_)))
        .chain((0..entries.len()).rev().filter(|&i| matches!(entries[i].0, Entry::Agent(_))));
    for i in shifts_first.collect::<Vec<_>>() {
        let take = left.min(kept[i]);
        kept[i] -= take;
        left -= take;
    }
    kept
}

/// Agents after `n` more join the day's recurring shifts, in proportion to their agents (largest
/// remainders; ties: the earlier shift). `None` when no recurring shift with agents works the day.
pub(super) fn add_n(entries: &[(Entry, u32)], n: u32) -> Option<Vec<u32>> {
    let weight = |e: &(Entry, u32)| if matches!(e.0, Entry::Shift(_)) { f64::from(e.1) } else { 0.0 };
    let total: f64 = entries.iter().map(weight).sum();
    if total == 0.0 {
        return None;
    }
    let exact: Vec<f64> = entries.iter().map(|e| f64::from(n) * weight(e) / total).collect();
    let mut extra: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut order: Vec<usize> = (0..entries.len()).filter(|&i| weight(&entries[i]) > 0.0).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    let mut left = n - extra.iter().sum::<u32>();
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        extra[i] += 1;
        left -= 1;
    }
    Some(entries.iter().zip(extra).map(|(e, x)| e.1 + x).collect())
}

/// One day marked in a horizon of `n` days.
pub(super) fn only(n: usize, d: usize) -> Vec<bool> {
    let mut v = vec![false; n];
    v[d] = true;
    v
}

/// Rewrites a shift group so that on each changed day its entries have the new agents given
/// (`changes`: per day, the day's entries with their new agents). Other days are untouched: a
/// recurring shift changed on some of its days is split (see the module doc); a roster agent
/// left with 0 gets that day off.
pub(super) fn apply(
    shifts: &mut Vec<Shift>,
    roster: &mut [RosterAgent],
    h: &Horizon,
    changes: &[(usize, Vec<(Entry, u32)>)],
) {
    let n = h.days as usize;
    let mut per: Vec<Vec<Option<u32>>> = vec![vec![None; n]; shifts.len()];
    for (d, day) in changes {
        for &(e, c) in day {
            match e {
                Entry::Shift(k) if c != shifts[k].count => per[k][*d] = Some(c),
                Entry::Agent(k) if c == 0 => roster[k].days[*d] = None,
                _ => {}
            }
        }
    }
    let old = std::mem::take(shifts);
    for (s, p) in old.into_iter().zip(per) {
        if p.iter().all(Option::is_none) {
            shifts.push(s);
            continue;
        }
        let working: Vec<usize> = (0..n).filter(|&d| s.works_on(h, d)).collect();
        let first = p[working[0]];
        if let Some(c) = first.filter(|_| working.iter().all(|&d| p[d] == first)) {
            shifts.push(Shift { count: c, ..s });
            continue;
        }
        let mut copies: Vec<Shift> = Vec::new();
        for (d, c) in p.iter().enumerate() {
            match *c {
                Some(c) if c > 0 => match copies.iter_mut().find(|x| x.count == c) {
                    Some(x) => x.days.get_or_insert_with(|| vec![false; n])[d] = true,
                    None => copies.push(Shift { count: c, days: Some(only(n, d)), ..s.clone() }),
                },
                _ => {}
            }
        }
        let mut rest_days = s.days.clone().unwrap_or_else(|| vec![true; n]);
        for (d, c) in p.iter().enumerate() {
            if c.is_some() {
                rest_days[d] = false;
            }
        }
        let rest = Shift { days: Some(rest_days), ..s };
        if (0..n).any(|d| rest.works_on(h, d)) {
            shifts.push(rest);
        }
        shifts.extend(copies);
    }
}

/// Merges the shifts from index `from` on that are identical but for their days (same start,
/// end, breaks and agents) into the first of them, their days joined.
pub(super) fn merge_days(shifts: &mut Vec<Shift>, from: usize) {
    let mut k = from;
    while k < shifts.len() {
        let same = (from..k).find(|&j| {
            let (a, b) = (&shifts[j], &shifts[k]);
            a.start_s == b.start_s && a.end_s == b.end_s && a.breaks == b.breaks && a.count == b.count
        });
        match same {
            Some(j) => {
                let gone = shifts.remove(k);
                shifts[j].days = match (shifts[j].days.take(), gone.days) {
                    (Some(mut a), Some(b)) => {
                        a.iter_mut().zip(b).for_each(|(x, y)| *x |= y);
                        Some(a)
                    }
                    _ => None,
                };
            }
            None => k += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ShiftCode;

    fn shift(count: u32, days: Option<Vec<bool>>) -> Shift {
        Shift { start_s: 28_800.0, end_s: 57_600.0, count, breaks: vec![], days }
    }

    #[test]
    fn shares_by_largest_remainders() {
        let e = [(Entry::Shift(0), 18), (Entry::Shift(1), 14), (Entry::Agent(0), 1), (Entry::Agent(1), 1)];
        // 34 agents, 20 % absent: 27 stay; 14.4 + 11.2 → 14 + 11, the named agents' 0.8 keep them
        assert_eq!(keep_share(&e, 0.2), vec![14, 11, 1, 1]);
        assert_eq!(remove_n(&e, 3), vec![18, 11, 1, 1]);
        assert_eq!(remove_n(&e, 33), vec![0, 0, 1, 0]);
        assert_eq!(add_n(&e, 3), Some(vec![20, 15, 1, 1]));
        assert_eq!(add_n(&[(Entry::Agent(0), 1)], 1), None);
    }

    #[test]
    fn a_change_on_one_day_splits_the_shift() {
        let h = Horizon::undated(28_800.0, 72_000.0, 1800.0, 3);
        let code = ShiftCode { code: "E".into(), start_s: 28_800.0, end_s: 57_600.0, breaks: vec![] };
        let mut roster = vec![RosterAgent { name: "rossi".into(), days: vec![Some(code.clone()); 3] }];
        let mut shifts = vec![shift(10, None), shift(4, Some(vec![true, false, true]))];
        let day1 = day_entries(&shifts, &roster, &h, 1);
        assert_eq!(day1, vec![(Entry::Shift(0), 10), (Entry::Agent(0), 1)]);
        apply(&mut shifts, &mut roster, &h, &[(1, vec![(Entry::Shift(0), 7), (Entry::Agent(0), 0)])]);
        assert_eq!(
            shifts,
            vec![
                shift(10, Some(vec![true, false, true])),
                shift(7, Some(vec![false, true, false])),
                shift(4, Some(vec![true, false, true]))
            ]
        );
        assert_eq!(roster[0].days, vec![Some(code.clone()), None, Some(code)]);
        // the same change on every day the shift works sets its count
        let mut s2 = vec![shift(4, Some(vec![true, false, true]))];
        apply(&mut s2, &mut [], &h, &[(0, vec![(Entry::Shift(0), 3)]), (2, vec![(Entry::Shift(0), 3)])]);
        assert_eq!(s2, vec![shift(3, Some(vec![true, false, true]))]);
        let mut m =
            vec![shift(1, None), shift(2, Some(vec![true, false, false])), shift(2, Some(vec![false, false, true]))];
        merge_days(&mut m, 1);
        assert_eq!(m, vec![shift(1, None), shift(2, Some(vec![true, false, true]))]);
    }
}
