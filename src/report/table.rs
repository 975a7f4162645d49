//! Human-readable tables: on a horizon of several days the summary day by day, then the
//! summary per queue with 95 % CIs and the risk lines, callbacks and blocked calls when a policy
//! made any, agent groups, sites and regions when the scenario names any, what the policy did,
//! and (on request) the per-interval table. Numbers show `mean ±half-width`.

use super::Report;
use crate::experiment::RunResult;
use crate::kpi::{GroupKpis, QueueKpis, Values, group as gk, queue as qk};
use crate::stats::Estimate;
use std::io::{self, Write};

/// The table report.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableReport {
    /// Colour the queues' SL, ASA and abandon-rate cells green / amber / red (ANSI) against
    /// their targets with this amber margin (a share of the target): for a terminal.
    pub colour: Option<f64>,
}

/// `text` in the ANSI colour of `status` (unchanged without one).
pub(super) fn paint(text: String, status: Option<super::Status>) -> String {
    match status {
        Some(s) => format!("{}{text}\x1b[0m", s.ansi()),
        None => text,
    }
}

/// Characters a terminal shows of `s`: ANSI colour sequences take no room.
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut escape = false;
    for c in s.chars() {
        match (escape, c) {
            (false, '\x1b') => escape = true,
            (true, 'm') => escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// `mean ±half` with `decimals`, scaled by `scale` (100 for percentages); "–" when undefined.
pub fn pm(e: &Estimate, scale: f64, decimals: usize) -> String {
    if e.mean.is_nan() {
        return "–".into();
    }
    let half = e.half_width();
    if half.is_nan() {
        format!("{:.*}", decimals, e.mean * scale)
    } else {
        format!("{:.*} ±{:.*}", decimals, e.mean * scale, decimals, half * scale)
    }
}

/// The targets a queue's days are judged by (those `P(meet)` counts): the SL target, and the
/// max ASA and max abandon rate when the scenario sets them.
pub fn targets_text(q: &crate::experiment::QueueResult) -> String {
    let sl = format!(
        "{:.0}% answered within {}s (SL over {})",
        q.sl_target * 100.0,
        q.sl_threshold_s,
        q.sl_definition.name()
    );
    let mut more = Vec::new();
    if let Some(a) = q.max_asa_s {
        more.push(format!("ASA at most {a}s"));
    }
    if let Some(r) = q.max_abandon_rate {
        more.push(format!("abandon rate at most {}", pct(r)));
    }
    if more.is_empty() { format!("target {sl}") } else { format!("targets {sl}, {}", more.join(", ")) }
}

fn pct(x: f64) -> String {
    if x.is_nan() { "–".into() } else { format!("{:.1}%", x * 100.0) }
}

/// Renders rows as an aligned text table (first column left-aligned, others right-aligned).
pub fn render(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| visible_len(h)).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(visible_len(c));
        }
    }
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let pad = w - visible_len(c);
                if i == 0 { format!("{c}{}", " ".repeat(pad)) } else { format!("{}{c}", " ".repeat(pad)) }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    writeln!(out, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "))?;
    for r in rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

fn queue_row(name: &str, v: &Values<QueueKpis, Estimate>) -> Vec<String> {
    vec![
        name.to_string(),
        pm(&v[qk::OFFERED], 1.0, 1),
        pm(&v[qk::HANDLED], 1.0, 1),
        pm(&v[qk::ABANDONED], 1.0, 1),
        pm(&v[qk::SL], 100.0, 1),
        pm(&v[qk::ASA], 1.0, 1),
        pm(&v[qk::ABANDON_RATE], 100.0, 1),
        pm(&v[qk::QUEUE_LEN], 1.0, 2),
        pm(&v[qk::OCCUPANCY], 100.0, 1),
        pm(&v[qk::COST], 1.0, 0),
        pm(&v[qk::COST_PER_HANDLED], 1.0, 2),
        pct(v[qk::MEETS].mean),
    ]
}

/// Who served whom: calls each group answered of each queue, and the hours it spent on them;
/// left out when one group served one queue (the queue and group rows say it all).
fn write_served(r: &RunResult, out: &mut dyn Write) -> io::Result<()> {
    if r.served.len() <= 1 {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "Who served whom, per replication (work after the close included)")?;
    let rows: Vec<Vec<String>> = r
        .served
        .iter()
        .map(|s| {
            vec![
                r.groups[s.group].id.clone(),
                r.queues[s.queue].id.clone(),
                pm(&s.kpis[crate::kpi::served::HANDLED], 1.0, 1),
                pm(&s.kpis[crate::kpi::served::BUSY_HOURS], 1.0, 2),
            ]
        })
        .collect();
    render(out, &["group", "queue", "handled", "busy h"], &rows)
}

/// Callbacks and blocked calls per queue (when any), and the policy's counters that are not zero.
fn write_policy(r: &RunResult, out: &mut dyn Write) -> io::Result<()> {
    let used = |q: &Values<QueueKpis, Estimate>| q[qk::BLOCKED].mean > 0.0 || q[qk::CALLBACKS].mean > 0.0;
    if r.queues.iter().any(|q| used(&q.kpis)) {
        writeln!(out)?;
        let rows: Vec<Vec<String>> = r
            .queues
            .iter()
            .filter(|q| used(&q.kpis))
            .map(|q| {
                let v = &q.kpis;
                vec![
                    q.id.clone(),
                    pm(&v[qk::BLOCKED], 1.0, 1),
                    pm(&v[qk::CALLBACKS], 1.0, 1),
                    pm(&v[qk::CALLBACK_DELAY], 1.0, 1),
                ]
            })
            .collect();
        render(out, &["queue", "blocked", "callbacks", "callback delay s"], &rows)?;
    }
    let Some(p) = &r.policy else { return Ok(()) };
    writeln!(out)?;
    writeln!(out, "Policy, per replication (mean ±half-width); counters that stayed 0 are left out")?;
    let rows: Vec<Vec<String>> = super::policy_rows(p)
        .filter(|(n, e)| e.mean != 0.0 || n == "hook_calls")
        .map(|(n, e)| vec![n, pm(e, 1.0, 2)])
        .collect();
    render(out, &["policy", "value"], &rows)
}

/// The horizon day by day (all queues, all groups): offered calls, SL, abandon rate, ASA, paid
/// hours (the sum of the groups' means), cost and the share of replications in which the day
/// met every target. Written only for horizons of more than one day.
fn write_days(r: &RunResult, out: &mut dyn Write) -> io::Result<()> {
    if r.per_day.len() <= 1 {
        return Ok(());
    }
    writeln!(out, "Day by day, all queues (P(meet): share of replications in which the day met every target)")?;
    let rows: Vec<Vec<String>> = r
        .per_day
        .iter()
        .map(|d| {
            let v = &d.total;
            let paid: f64 = d.groups.iter().map(|g| g[gk::PAID_HOURS].mean).filter(|x| !x.is_nan()).sum();
            let label = if d.closed { format!("{} closed", d.label()) } else { d.label() };
            vec![
                label,
                pm(&v[qk::OFFERED], 1.0, 1),
                pm(&v[qk::SL], 100.0, 1),
                pm(&v[qk::ABANDON_RATE], 100.0, 1),
                pm(&v[qk::ASA], 1.0, 1),
                format!("{paid:.1}"),
                pm(&v[qk::COST], 1.0, 0),
                pct(v[qk::MEETS].mean),
            ]
        })
        .collect();
    render(out, &["day", "offered", "SL %", "abandon %", "ASA s", "paid h", "cost", "P(meet)"], &rows)?;
    writeln!(out)
}

fn group_row(name: &str, v: &Values<GroupKpis, Estimate>) -> Vec<String> {
    vec![
        name.to_string(),
        pm(&v[gk::AGENTS], 1.0, 1),
        pm(&v[gk::OCCUPANCY], 100.0, 1),
        pm(&v[gk::OCCUPANCY_WITH_AFTER_CLOSE], 100.0, 1),
        pm(&v[gk::PAID_HOURS], 1.0, 1),
        pm(&v[gk::COST], 1.0, 0),
        pm(&v[gk::LATE_BREAK], 1.0, 1),
        pm(&v[gk::LATE_EXIT], 1.0, 1),
    ]
}

impl Report for TableReport {
    fn write(&self, r: &RunResult, intervals: bool, out: &mut dyn Write) -> io::Result<()> {
        let days = if r.days > 1 { format!(", {} days each", r.days) } else { String::new() };
        let how = execution_note(&r.execution);
        writeln!(
            out,
            "{} — {} replications{days}, seed {}{how}; mean ±half-width of the 95% confidence interval",
            r.scenario, r.replications, r.seed
        )?;
        writeln!(out)?;
        write_days(r, out)?;
        let header = [
            "queue",
            "offered",
            "handled",
            "abandoned",
            "SL %",
            "ASA s",
            "abandon %",
            "avg queue",
            "occupancy %",
            "cost",
            "cost/call",
            "P(meet)",
        ];
        let mut rows: Vec<Vec<String>> = r
            .queues
            .iter()
            .map(|q| {
                let mut row = queue_row(&q.id, &q.kpis);
                if let Some(margin) = self.colour {
                    let [sl, asa, ab] = super::status::queue_statuses(q, margin);
                    for (cell, st) in [(4, sl), (5, asa), (6, ab)] {
                        row[cell] = paint(std::mem::take(&mut row[cell]), st);
                    }
                }
                row
            })
            .collect();
        if r.queues.len() > 1 {
            rows.push(queue_row("all queues", &r.total));
        }
        render(out, &header, &rows)?;
        let unserved: Vec<String> = r
            .queues
            .iter()
            .filter(|q| q.kpis[qk::UNSERVED].mean > 0.0)
            .map(|q| format!("{} {}", q.id, pm(&q.kpis[qk::UNSERVED], 1.0, 1)))
            .collect();
        if !unserved.is_empty() {
            writeln!(
                out,
                "Unserved calls a day (still waiting at closing, neither answered nor abandoned): {}",
                unserved.join(", ")
            )?;
        }
        writeln!(out)?;
        for q in &r.queues {
            let p = &q.risk.p_meet_target;
            writeln!(
                out,
                "Risk {}: {}{} met on {} of days (CI {}–{}); day SL p5 {}, median {}, p95 {}",
                q.id,
                targets_text(q),
                if q.max_asa_s.is_some() || q.max_abandon_rate.is_some() { ", all" } else { "" },
                pct(p.mean),
                pct(p.ci_low.max(0.0)),
                pct(p.ci_high.min(1.0)),
                pct(q.risk.sl_p5),
                pct(q.risk.sl_p50),
                pct(q.risk.sl_p95),
            )?;
        }
        if r.queues.len() > 1 {
            writeln!(
                out,
                "Risk all queues: every queue met its targets on {} of days",
                pct(r.total_risk.p_meet_target.mean)
            )?;
        }
        writeln!(out)?;
        let gheader = [
            "group",
            "agents",
            "occupancy %",
            "with after close %",
            "paid h",
            "cost",
            "late breaks min",
            "late exits min",
        ];
        let grows: Vec<Vec<String>> = r.groups.iter().map(|g| group_row(&g.id, &g.kpis)).collect();
        render(out, &gheader, &grows)?;
        if !r.sites.is_empty() {
            writeln!(out)?;
            let srows: Vec<Vec<String>> = r.sites.iter().map(|x| group_row(&x.id, &x.kpis)).collect();
            let mut h = gheader;
            h[0] = "site";
            render(out, &h, &srows)?;
        }
        if !r.regions.is_empty() {
            writeln!(out)?;
            let rrows: Vec<Vec<String>> = r.regions.iter().map(|x| queue_row(&x.id, &x.kpis)).collect();
            let mut h = header;
            h[0] = "region";
            render(out, &h, &rrows)?;
        }
        write_served(r, out)?;
        write_policy(r, out)?;
        if intervals {
            writeln!(out)?;
            let iheader =
                ["start", "queue", "offered", "SL %", "ASA s", "abandon %", "avg queue", "occupancy %", "P(meet)"];
            let irows: Vec<Vec<String>> = r
                .intervals
                .iter()
                .map(|row| {
                    let v = &row.kpis;
                    vec![
                        row.start.clone(),
                        r.queues[row.index].id.clone(),
                        pm(&v[qk::OFFERED], 1.0, 1),
                        pm(&v[qk::SL], 100.0, 1),
                        pm(&v[qk::ASA], 1.0, 1),
                        pm(&v[qk::ABANDON_RATE], 100.0, 1),
                        pm(&v[qk::QUEUE_LEN], 1.0, 2),
                        pm(&v[qk::OCCUPANCY], 100.0, 1),
                        pct(v[qk::MEETS].mean),
                    ]
                })
                .collect();
            render(out, &iheader, &irows)?;
        }
        Ok(())
    }
}

/// How a run was executed, for a table's first line: " (ccsim 0.1.0, 2 threads)",
/// " (ccsim 0.1.0, merged from 4 shards)", or nothing when not recorded.
pub fn execution_note(e: &crate::kpi::Execution) -> String {
    match (e.threads, e.shards) {
        (_, Some(n)) => format!(" (ccsim {}, merged from {n} shards)", env!("CARGO_PKG_VERSION")),
        (Some(t), None) => format!(" (ccsim {}, {t} threads)", env!("CARGO_PKG_VERSION")),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    #[test]
    fn coloured_cells_keep_the_columns_aligned() {
        let red = paint("62.1 ±3.0".into(), Some(Status::Red));
        assert!(red.starts_with("\x1b[31m") && red.ends_with("\x1b[0m"));
        assert_eq!(visible_len(&red), 9);
        let mut out = Vec::new();
        render(&mut out, &["queue", "SL %"], &[vec!["a".into(), red], vec!["bb".into(), "80.0 ±1.0".into()]]).unwrap();
        let text = String::from_utf8(out).unwrap();
        let widths: Vec<usize> = text.lines().map(visible_len).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{text:?}");
        assert_eq!(paint("x".into(), None), "x");
    }
}
