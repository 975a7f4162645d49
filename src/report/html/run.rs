//! The sections of a run's result in the HTML report: headlines and contract KPIs against
//! their targets (every audience); compliance per day and the spread of daily SL (client);
//! service level, traffic, waiting and agents against the requirement per interval, and the
//! groups (operations); cost, hours, FTE and risk (management).

use super::chart::{self, Bars, CategoryChart, Histogram, Line, LineChart, RefLine};
use super::{Audience, Cell, Page};
use crate::experiment::RunResult;
use crate::kpi::{GroupKpis, QueueKpis, Values, group as gk, queue as qk};
use crate::report::status::{Status, band_status, judge, queue_statuses, spans, status};
use crate::report::table::{pm, targets_text};
use crate::scenario::Scenario;
use crate::stats::Estimate;

/// `e` as a percentage with its half-width: `"82.1 % ±0.9"`.
pub(super) fn pct(e: &Estimate) -> String {
    let t = pm(e, 100.0, 1);
    if t == "–" {
        return t;
    }
    match t.split_once(' ') {
        Some((a, b)) => format!("{a} % {b}"),
        None => format!("{t} %"),
    }
}

/// One queue's headline: SL (and ASA, abandon rate when targeted) against the targets, and the
/// share of days meeting them.
fn queue_headline(q: &crate::experiment::QueueResult, margin: f64) -> (Option<Status>, String) {
    let st = queue_statuses(q, margin);
    let worst = st.iter().flatten().copied().max_by_key(|s| *s as u8);
    let sl = &q.kpis[qk::SL];
    let target = format!("{:.0}/{:.0}", q.sl_target * 100.0, q.sl_threshold_s);
    let verdict = match st[0] {
        Some(Status::Green) => format!("meets {target}"),
        Some(_) if sl.mean >= q.sl_target => {
            format!("meets {target} on the mean, but its CI spans the target: a rerun may miss")
        }
        Some(_) => format!("misses {target} by {:.1} points", (q.sl_target - sl.mean) * 100.0),
        None => format!("has no calls to judge against {target}"),
    };
    let mut text = format!("{}: service level {} {verdict}", q.id, pct(sl));
    if st[0].is_some() && sl.mean < q.sl_target && spans(sl, q.sl_target) {
        text.push_str(" (the CI spans the target: a rerun may meet it)");
    }
    if let Some(t) = q.max_asa_s {
        let asa = q.kpis[qk::ASA].mean;
        let word = if st[1] == Some(Status::Green) { "within" } else { "over" };
        text.push_str(&format!("; ASA {asa:.1} s {word} {t} s"));
    }
    if let Some(t) = q.max_abandon_rate {
        let a = q.kpis[qk::ABANDON_RATE].mean;
        let word = if st[2] == Some(Status::Green) { "within" } else { "over" };
        text.push_str(&format!("; abandon rate {:.1} % {word} {:.1} %", a * 100.0, t * 100.0));
    }
    let p = &q.risk.p_meet_target;
    if p.mean.is_finite() {
        text.push_str(&format!(
            ". A day meets every target with probability {:.2} [{:.2}, {:.2}].",
            p.mean, p.ci_low, p.ci_high
        ));
    } else {
        text.push('.');
    }
    (worst, text)
}

/// The contract KPI cells of a queue's values (SL, ASA, abandon rate, P(meet)) judged against
/// `q`'s targets.
pub(super) fn contract_cells(
    v: &Values<QueueKpis, Estimate>,
    q: &crate::experiment::QueueResult,
    margin: f64,
) -> Vec<Cell> {
    let sl = &v[qk::SL];
    let asa = &v[qk::ASA];
    let ab = &v[qk::ABANDON_RATE];
    vec![
        Cell::num(pm(&v[qk::OFFERED], 1.0, 1)),
        Cell::judged(pct(sl), judge(sl, q.sl_target, true, margin)),
        Cell::judged(pm(asa, 1.0, 1), q.max_asa_s.and_then(|t| judge(asa, t, false, margin))),
        Cell::judged(pct(ab), q.max_abandon_rate.and_then(|t| judge(ab, t, false, margin))),
        Cell::num(share(v[qk::MEETS].mean)),
    ]
}

/// A probability with two decimals, "–" when undefined (no calls).
pub(super) fn share(x: f64) -> String {
    if x.is_finite() { format!("{x:.2}") } else { "–".into() }
}

/// The interval labels of queue 0's rows (every queue has the same intervals).
fn interval_labels(r: &RunResult) -> Vec<String> {
    r.intervals.iter().filter(|i| i.index == 0).map(|i| i.start.clone()).collect()
}

/// A queue KPI per interval for queue `q`, scaled.
fn per_interval(r: &RunResult, q: usize, kpi: crate::kpi::Kpi<QueueKpis>, scale: f64) -> (Vec<f64>, Vec<(f64, f64)>) {
    let rows = r.intervals.iter().filter(|i| i.index == q);
    rows.map(|i| (i.kpis[kpi].mean * scale, i.kpis[kpi].band(scale))).unzip()
}

/// A group KPI per interval for group `g`.
fn group_interval(r: &RunResult, g: usize, kpi: crate::kpi::Kpi<GroupKpis>) -> Vec<f64> {
    r.group_intervals.iter().filter(|i| i.index == g).map(|i| i.kpis[kpi].mean).collect()
}

/// Writes the sections of `r` (simulated from `s`) for `audience` into `page`.
pub fn run_sections(page: &mut Page, r: &RunResult, s: &Scenario, audience: Audience) {
    let set = &s.report;
    let margin = set.amber_margin;
    page.section("summary", "Summary");
    for q in &r.queues {
        let (st, text) = queue_headline(q, margin);
        page.headline(st, &text);
    }
    page.legend(margin);
    let rows: Vec<Vec<Cell>> = r
        .queues
        .iter()
        .map(|q| {
            let mut row = vec![Cell::text(&q.id), Cell::text(targets_text(q))];
            row.extend(contract_cells(&q.kpis, q, margin));
            row
        })
        .collect();
    page.table(
        "Contract KPIs per queue over the horizon (per replication)",
        &["queue", "targets", "offered (calls)", "service level", "ASA (s)", "abandon rate", "P(day meets)"],
        &rows,
    );
    if audience.client() {
        client(page, r, s);
    }
    if audience.ops() {
        ops(page, r, s);
    }
    if audience.management() {
        management(page, r, s);
    }
}

/// One series per queue of `kpi` on each of `days`, scaled, with its CI when `with_ci`.
fn per_queue_by_day(
    r: &RunResult,
    days: &[&crate::kpi::DayResult],
    kpi: crate::kpi::Kpi<QueueKpis>,
    scale: f64,
    with_ci: bool,
) -> Vec<Bars> {
    r.queues
        .iter()
        .enumerate()
        .map(|(qi, q)| Bars {
            name: q.id.clone(),
            color: chart::color(qi),
            values: days.iter().map(|d| d.queues[qi][kpi].mean * scale).collect(),
            ci: with_ci.then(|| days.iter().map(|d| d.queues[qi][kpi].band(scale)).collect()),
        })
        .collect()
}

/// Compliance per day and the spread of daily service level.
fn client(page: &mut Page, r: &RunResult, s: &Scenario) {
    let margin = s.report.amber_margin;
    page.section("compliance", "Contract compliance per day");
    let open: Vec<&crate::kpi::DayResult> = r.per_day.iter().filter(|d| !d.closed).collect();
    let mut rows = Vec::new();
    for d in &open {
        for (q, v) in r.queues.iter().zip(&d.queues) {
            let mut row = vec![Cell::text(d.label()), Cell::text(&q.id)];
            row.extend(contract_cells(v, q, margin));
            rows.push(row);
        }
    }
    page.table(
        "Each day's KPIs per queue; P(day meets) is the share of replications in which that day met every target",
        &["day", "queue", "offered (calls)", "service level", "ASA (s)", "abandon rate", "P(day meets)"],
        &rows,
    );
    if open.len() > 1 {
        let chart = chart::category_chart(&CategoryChart {
            title: "Service level per day (mean and 95 % CI)".into(),
            categories: open.iter().map(|d| d.label()).collect(),
            y_desc: "service level (%)".into(),
            series: per_queue_by_day(r, &open, qk::SL, 100.0, true),
            refs: chart::target_lines(r.queues.iter().map(|q| q.sl_target)),
            points: true,
            clamp: Some((0.0, 100.0)),
        });
        page.chart(chart, "Each point is a day's mean over the replications; whiskers are its 95 % CI.");
    }
    for q in &r.queues {
        let hist = &q.risk.sl_histogram;
        let bins: Vec<(f64, f64, f64)> = hist
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(k, c)| (k as f64, k as f64 + 1.0, f64::from(*c)))
            .collect();
        let p = &q.risk.p_meet_target;
        let chart = chart::histogram(&Histogram {
            title: format!("{}: daily service level across replications", q.id),
            x_desc: "service level of a day (%)".into(),
            y_desc: "days (replications × days)".into(),
            bins,
            marker: Some((
                format!(
                    "target {:.0} % — P(day meets every target) {:.2} [{:.2}, {:.2}]",
                    q.sl_target * 100.0,
                    p.mean,
                    p.ci_low,
                    p.ci_high
                ),
                q.sl_target * 100.0,
            )),
        });
        page.chart(
            chart,
            &format!(
                "{}: 5th percentile {:.1} %, median {:.1} %, 95th percentile {:.1} % of a day's SL; green bins meet the SL target.",
                q.id,
                q.risk.sl_p5 * 100.0,
                q.risk.sl_p50 * 100.0,
                q.risk.sl_p95 * 100.0
            ),
        );
    }
}

/// Interval and group detail for the floor.
fn ops(page: &mut Page, r: &RunResult, s: &Scenario) {
    let labels = interval_labels(r);
    page.section("intervals", "Intervals: service level, traffic and waiting");
    for (qi, q) in r.queues.iter().enumerate() {
        page.h3(&format!("Queue {}", q.id));
        let (sl, sl_band) = per_interval(r, qi, qk::SL, 100.0);
        page.chart(
            chart::line_chart(&LineChart {
                title: format!("{}: service level per interval ({:.0} s threshold)", q.id, q.sl_threshold_s),
                x_desc: "interval start".into(),
                x_labels: labels.clone(),
                y_desc: "service level (%)".into(),
                lines: vec![Line::new("mean, shaded 95 % CI", chart::color(0), sl).band(sl_band)],
                refs: vec![RefLine {
                    name: format!("target {:.0} %", q.sl_target * 100.0),
                    value: q.sl_target * 100.0,
                    right: false,
                }],
                clamp: Some((0.0, 100.0)),
                ..Default::default()
            }),
            "Service level of the calls of each interval, mean over the replications with its 95 % CI.",
        );
        let (offered, _) = per_interval(r, qi, qk::OFFERED, 1.0);
        let (handled, _) = per_interval(r, qi, qk::HANDLED, 1.0);
        let (abandoned, _) = per_interval(r, qi, qk::ABANDONED, 1.0);
        page.chart(
            chart::line_chart(&LineChart {
                title: format!("{}: offered, handled and abandoned calls per interval", q.id),
                x_desc: "interval start".into(),
                x_labels: labels.clone(),
                y_desc: "calls per interval".into(),
                lines: vec![
                    Line::new("offered", chart::color(0), offered),
                    Line::new("handled", chart::color(2), handled),
                    Line::new("abandoned", chart::TARGET, abandoned),
                ],
                from_zero: true,
                ..Default::default()
            }),
            "Means over the replications.",
        );
        let (asa, _) = per_interval(r, qi, qk::ASA, 1.0);
        let (qlen, _) = per_interval(r, qi, qk::QUEUE_LEN, 1.0);
        let mut refs = Vec::new();
        if let Some(t) = q.max_asa_s {
            refs.push(RefLine { name: format!("ASA target {t} s"), value: t, right: false });
        }
        page.chart(
            chart::line_chart(&LineChart {
                title: format!("{}: ASA and queue length per interval", q.id),
                x_desc: "interval start".into(),
                x_labels: labels.clone(),
                y_desc: "ASA (s)".into(),
                y2_desc: Some("average queue length (calls)".into()),
                lines: vec![
                    Line::new("ASA (left, s)", chart::color(0), asa),
                    Line::new("queue length (right, calls)", chart::color(1), qlen).right(),
                ],
                refs,
                from_zero: true,
                ..Default::default()
            }),
            "Average speed of answer and average number of calls waiting, means over the replications.",
        );
    }
    page.section("agents", "Agents on duty against the requirement");
    let plan = crate::plan::plan(s, crate::plan::ModelChoice::Auto, s.planning.shrinkage.unwrap_or(0.0));
    let warm = s.horizon.total_intervals().saturating_sub(labels.len());
    for (gi, g) in r.groups.iter().enumerate() {
        let on_duty = group_interval(r, gi, gk::AGENTS);
        let gp = &plan.groups[gi];
        let mut lines = vec![Line::new("on duty (simulated, paid)", chart::color(0), on_duty)];
        if !gp.queues.is_empty() {
            let req = |v: &[u32]| v.iter().skip(warm).map(|x| f64::from(*x)).collect::<Vec<_>>();
            lines.push(Line::new("required present (Erlang)", chart::color(1), req(&gp.required)).dashed());
            if gp.absenteeism > 0.0 {
                lines.push(
                    Line::new("required on duty (Erlang, with absenteeism)", chart::color(3), req(&gp.on_duty))
                        .dashed(),
                );
            }
        }
        page.chart(
            chart::line_chart(&LineChart {
                title: format!("{}: agents per interval", g.id),
                x_desc: "interval start".into(),
                x_labels: labels.clone(),
                y_desc: "agents".into(),
                lines,
                from_zero: true,
                ..Default::default()
            }),
            &format!(
                "Paid agents on duty (simulated mean) against the Erlang requirement of the queues planned on {} ({}).",
                g.id,
                if gp.queues.is_empty() {
                    "none".to_string()
                } else {
                    gp.queues.iter().map(|q| s.queues[*q].id.clone()).collect::<Vec<_>>().join(", ")
                }
            ),
        );
    }
    let margin = s.report.amber_margin;
    let rows: Vec<Vec<Cell>> = r
        .groups
        .iter()
        .map(|g| {
            let occ = &g.kpis[gk::OCCUPANCY];
            vec![
                Cell::text(&g.id),
                Cell::num(pm(&g.kpis[gk::AGENTS], 1.0, 1)),
                Cell::num(pm(&g.kpis[gk::PAID_HOURS], 1.0, 1)),
                Cell::judged(pct(occ), s.report.occupancy.and_then(|b| band_status(occ.mean, b, margin))),
                Cell::num(pm(&g.kpis[gk::LATE_BREAK], 1.0, 1)),
                Cell::num(pm(&g.kpis[gk::LATE_EXIT], 1.0, 1)),
            ]
        })
        .collect();
    let band_text = s.report.occupancy.map_or("no occupancy band set".to_string(), |(a, b)| {
        format!("occupancy band {:.0}–{:.0} %", a * 100.0, b * 100.0)
    });
    page.table(
        &format!("Agent groups over the horizon, per replication ({band_text})"),
        &["group", "agents on duty (avg)", "paid hours (h)", "occupancy", "late breaks (min)", "late exits (min)"],
        &rows,
    );
}

/// Cost, hours, FTE and risk.
fn management(page: &mut Page, r: &RunResult, s: &Scenario) {
    let set = &s.report;
    let cur = set.currency_name();
    page.section("cost", "Cost, hours and risk");
    let open = r.per_day.iter().filter(|d| !d.closed).count();
    let cost = &r.total[qk::COST];
    let paid: f64 = r.groups.iter().map(|g| g.kpis[gk::PAID_HOURS].mean).sum();
    let handled = r.total[qk::HANDLED].mean;
    let budget = set.cost_budget.and_then(|b| status(cost.mean, b, false, set.amber_margin));
    let cost_text = if cost.mean > 0.0 {
        format!(
            "The horizon costs {} ({} handled calls, {} a handled call); ",
            set.money(cost.mean),
            crate::report::status::thousands(handled, 0),
            set.money(r.total[qk::COST_PER_HANDLED].mean)
        )
    } else {
        "The scenario sets no staffing cost (cost_per_hour); ".to_string()
    };
    let mut text = format!(
        "{cost_text}{:.1} paid hours, {:.1} FTE (full-time days of {} paid hours) over {open} open day{}.",
        paid,
        set.fte(paid, open),
        set.fte_hours_per_day,
        if open == 1 { "" } else { "s" }
    );
    if let Some(b) = set.cost_budget {
        let diff = cost.mean - b;
        text.push_str(&if diff <= 0.0 {
            format!(" Within the budget of {} by {}.", set.money(b), set.money(-diff))
        } else {
            format!(" Over the budget of {} by {}.", set.money(b), set.money(diff))
        });
    }
    page.headline(budget, &text);
    let mut rows = vec![vec![
        Cell::text("center"),
        Cell::judged(pm(cost, 1.0, 2), budget),
        Cell::num(pm(&r.total[qk::COST_PER_HANDLED], 1.0, 3)),
        Cell::num(format!("{paid:.1}")),
        Cell::num(format!("{:.2}", set.fte(paid, open))),
        Cell::num(share(r.total[qk::MEETS].mean)),
    ]];
    for g in &r.groups {
        let ph = g.kpis[gk::PAID_HOURS].mean;
        rows.push(vec![
            Cell::text(format!("group {}", g.id)),
            Cell::num(pm(&g.kpis[gk::COST], 1.0, 2)),
            Cell::text(""),
            Cell::num(format!("{ph:.1}")),
            Cell::num(format!("{:.2}", set.fte(ph, open))),
            Cell::text(""),
        ]);
    }
    page.table(
        "Cost and hours per replication of the horizon",
        &[
            "scope",
            &format!("cost ({cur})"),
            &format!("cost per handled call ({cur})"),
            "paid hours (h)",
            "FTE",
            "P(day meets every target)",
        ],
        &rows,
    );
    let days: Vec<&crate::kpi::DayResult> = r.per_day.iter().filter(|d| !d.closed).collect();
    if days.len() > 1 {
        let chart = chart::category_chart(&CategoryChart {
            title: format!("Cost per day ({cur})"),
            categories: days.iter().map(|d| d.label()).collect(),
            y_desc: format!("cost ({cur})"),
            series: vec![Bars {
                name: "cost".into(),
                color: chart::color(4),
                values: days.iter().map(|d| d.total[qk::COST].mean).collect(),
                ci: Some(days.iter().map(|d| d.total[qk::COST].band(1.0)).collect()),
            }],
            ..Default::default()
        });
        page.chart(chart, "Each day's staffing cost, mean over the replications with its 95 % CI.");
        let chart = chart::category_chart(&CategoryChart {
            title: "Offered calls per day".into(),
            categories: days.iter().map(|d| d.label()).collect(),
            y_desc: "calls".into(),
            series: per_queue_by_day(r, &days, qk::OFFERED, 1.0, false),
            ..Default::default()
        });
        page.chart(chart, "Calls offered each day per queue, mean over the replications.");
    }
}

/// The whole report of one run (`ccsim run --report`).
pub fn run_report(r: &RunResult, s: &Scenario, audience: Audience) -> String {
    let mut page = Page::new(&format!("{} — simulation report", r.scenario), run_meta(r, s, audience));
    run_sections(&mut page, r, s, audience);
    page.finish()
}

/// The lines under a run report's title: horizon, replications, seed, audience.
pub(super) fn run_meta(r: &RunResult, s: &Scenario, audience: Audience) -> Vec<String> {
    let h = &s.horizon;
    let from = h.from.map_or(String::new(), |d| format!(" from {d}"));
    vec![
        format!(
            "{} day{}{from}, {}–{}, {}-minute intervals; {} replications, seed {}",
            h.days,
            if h.days == 1 { "" } else { "s" },
            crate::time::format_clock(h.start_s),
            crate::time::format_clock(h.end_s),
            h.interval_s / 60.0,
            r.replications,
            r.seed
        ),
        format!("Report for: {}; costs in {}", audience.name(), s.report.currency_name()),
    ]
}
