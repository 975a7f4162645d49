//! The HTML reports of `compare`, `sweep`, `staff`, `optimize` and `schedule`: each command's
//! verdict first, its own charts (variants side by side and their paired differences; SL and
//! cost against the swept value; requirement curves; coverage and the roster matrix), then, for
//! the commands that simulate one plan, that plan's run sections.

use super::chart::{self, Bars, CategoryChart, Line, LineChart, Matrix, RefLine};
use super::run::{contract_cells, pct, run_meta, run_sections};
use super::{Audience, Cell, Page};
use crate::compare::{Comparison, Verdict};
use crate::experiment::RunResult;
use crate::kpi::queue as qk;
use crate::report::status::{Status, judge};
use crate::report::table::pm;
use crate::scenario::Scenario;
use crate::stats::Estimate;

/// The report of `ccsim compare`: the verdict, every scenario's contract KPIs per queue,
/// service level and cost side by side, the paired differences with their CIs, per interval
/// and per day; then the baseline in detail.
pub fn compare_report(
    c: &Comparison,
    base: &Scenario,
    baseline_meets: bool,
    verdicts: &[Verdict],
    audience: Audience,
) -> String {
    let mut page = Page::new(&format!("{} — comparison of {} variant(s)", c.baseline.scenario, c.variants.len()), {
        let mut m = run_meta(&c.baseline, base, audience);
        m.push("Every scenario is simulated with the same random numbers (common random numbers); differences are paired per replication.".into());
        m
    });
    let margin = base.report.amber_margin;
    let (meeting, cheapest) = crate::report::verdict(c, baseline_meets, verdicts);
    page.section("verdict", "Verdict");
    match &cheapest {
        Some(name) => page.headline(
            Some(Status::Green),
            &format!(
                "Cheapest scenario meeting every target: {name} (its means meet the baseline's targets on this run and on a rerun with fresh random numbers). Meeting every target: {}.",
                if baseline_meets { std::iter::once("baseline".to_string()).chain(meeting.iter().cloned()).collect::<Vec<_>>().join(", ") } else { meeting.join(", ") }
            ),
        ),
        None => page.headline(Some(Status::Red), "No scenario meets every target (judged against the baseline's targets, confirmed on fresh random numbers)."),
    }
    page.legend(margin);
    let scenarios: Vec<(String, &RunResult, String)> = std::iter::once((
        "baseline".to_string(),
        &c.baseline,
        if baseline_meets { "meets every target".to_string() } else { "misses a target".to_string() },
    ))
    .chain(c.variants.iter().zip(verdicts).map(|(v, verdict)| {
        let word = match verdict {
            Verdict::Baseline(true) => "meets every target",
            Verdict::Baseline(false) => "misses a target",
            Verdict::Own(true) => "meets its own targets (not ranked)",
            Verdict::Own(false) => "misses its own targets (not ranked)",
        };
        (v.name.clone(), &v.result, word.to_string())
    }))
    .collect();
    let cur = base.report.currency_name();
    let mut rows = Vec::new();
    for (name, r, word) in &scenarios {
        for q in &r.queues {
            let mut row = vec![Cell::text(name), Cell::text(&q.id)];
            row.extend(contract_cells(&q.kpis, q, margin));
            row.push(Cell::num(pm(&q.kpis[qk::COST], 1.0, 0)));
            row.push(Cell::text(word));
            rows.push(row);
        }
    }
    page.table(
        "Each scenario's contract KPIs per queue (per replication of the horizon)",
        &[
            "scenario",
            "queue",
            "offered (calls)",
            "service level",
            "ASA (s)",
            "abandon rate",
            "P(day meets)",
            &format!("cost ({cur})"),
            "verdict",
        ],
        &rows,
    );
    let names: Vec<String> = scenarios.iter().map(|s| s.0.clone()).collect();
    let queue_ids: Vec<String> = c.baseline.queues.iter().map(|q| q.id.clone()).collect();
    let by_queue = |r: &RunResult, id: &str| r.queues.iter().find(|q| q.id == id).map(|q| q.kpis[qk::SL]);
    page.chart(
        chart::category_chart(&CategoryChart {
            title: "Service level per scenario and queue (mean and 95 % CI)".into(),
            categories: names.clone(),
            y_desc: "service level (%)".into(),
            series: queue_ids
                .iter()
                .enumerate()
                .map(|(qi, id)| Bars {
                    name: id.clone(),
                    color: chart::color(qi),
                    values: scenarios.iter().map(|s| by_queue(s.1, id).map_or(f64::NAN, |e| e.mean * 100.0)).collect(),
                    ci: Some(
                        scenarios
                            .iter()
                            .map(|s| by_queue(s.1, id).map_or((f64::NAN, f64::NAN), |e| e.band(100.0)))
                            .collect(),
                    ),
                })
                .collect(),
            refs: chart::target_lines(base.queues.iter().map(|q| q.service_level.target)),
            points: true,
            clamp: Some((0.0, 100.0)),
        }),
        "The variants side by side: each point is a scenario's mean over the replications, whiskers its 95 % CI.",
    );
    if !c.variants.is_empty() {
        let vnames: Vec<String> = c.variants.iter().map(|v| v.name.clone()).collect();
        let diff = |v: &crate::compare::VariantResult, id: &str| {
            v.diff_queues.iter().find(|(qi, _)| v.result.queues[*qi].id == id).map(|(_, d)| d[qk::SL])
        };
        page.chart(
            chart::category_chart(&CategoryChart {
                title: "Paired difference in service level, variant − baseline (points)".into(),
                categories: vnames.clone(),
                y_desc: "Δ service level (points)".into(),
                series: queue_ids
                    .iter()
                    .enumerate()
                    .map(|(qi, id)| Bars {
                        name: id.clone(),
                        color: chart::color(qi),
                        values: c.variants.iter().map(|v| diff(v, id).map_or(f64::NAN, |e| e.mean * 100.0)).collect(),
                        ci: Some(c.variants.iter().map(|v| diff(v, id).map_or((f64::NAN, f64::NAN), |e| e.band(100.0))).collect()),
                    })
                    .collect(),
                refs: vec![RefLine { name: "no difference".into(), value: 0.0, right: false }],
                points: true,
                clamp: None,
            }),
            "Differences paired per replication under common random numbers; a CI that excludes 0 is a real difference.",
        );
        if audience.management() {
            page.chart(
                chart::category_chart(&CategoryChart {
                    title: format!("Paired difference in cost, variant − baseline ({cur})"),
                    categories: vnames,
                    y_desc: format!("Δ cost ({cur})"),
                    series: vec![Bars {
                        name: "all queues".into(),
                        color: chart::color(4),
                        values: c.variants.iter().map(|v| v.diff_total[qk::COST].mean).collect(),
                        ci: Some(c.variants.iter().map(|v| v.diff_total[qk::COST].band(1.0)).collect()),
                    }],
                    refs: vec![RefLine { name: "no difference".into(), value: 0.0, right: false }],
                    points: true,
                    clamp: None,
                }),
                "Staffing cost of the horizon, paired per replication.",
            );
        }
    }
    if audience.ops() {
        page.section("compare-intervals", "Service level per interval, every scenario");
        let labels: Vec<String> =
            c.baseline.intervals.iter().filter(|i| i.index == 0).map(|i| i.start.clone()).collect();
        for id in &queue_ids {
            let lines = scenarios
                .iter()
                .enumerate()
                .filter_map(|(k, (name, r, _))| {
                    let qi = r.queues.iter().position(|q| &q.id == id)?;
                    let v = r.intervals.iter().filter(|i| i.index == qi).map(|i| i.kpis[qk::SL].mean * 100.0).collect();
                    Some(Line::new(name.clone(), chart::color(k), v))
                })
                .collect();
            let target = base.queues.iter().find(|q| &q.id == id).map_or(0.8, |q| q.service_level.target) * 100.0;
            page.chart(
                chart::line_chart(&LineChart {
                    title: format!("{id}: service level per interval per scenario"),
                    x_desc: "interval start".into(),
                    x_labels: labels.clone(),
                    y_desc: "service level (%)".into(),
                    lines,
                    refs: vec![RefLine { name: format!("target {target:.0} %"), value: target, right: false }],
                    clamp: Some((0.0, 100.0)),
                    ..Default::default()
                }),
                "Means over the replications.",
            );
        }
    }
    if audience.client() && c.baseline.per_day.iter().filter(|d| !d.closed).count() > 1 {
        page.section("compare-days", "Service level per day, every scenario");
        let days: Vec<usize> = c.baseline.per_day.iter().filter(|d| !d.closed).map(|d| d.day).collect();
        page.chart(
            chart::category_chart(&CategoryChart {
                title: "Service level per day (all queues), every scenario".into(),
                categories: days.iter().map(|d| c.baseline.per_day[*d].label()).collect(),
                y_desc: "service level (%)".into(),
                series: scenarios
                    .iter()
                    .enumerate()
                    .map(|(k, (name, r, _))| Bars {
                        name: name.clone(),
                        color: chart::color(k),
                        values: days
                            .iter()
                            .map(|d| r.per_day.get(*d).map_or(f64::NAN, |x| x.total[qk::SL].mean * 100.0))
                            .collect(),
                        ci: Some(
                            days.iter()
                                .map(|d| {
                                    r.per_day.get(*d).map_or((f64::NAN, f64::NAN), |x| x.total[qk::SL].band(100.0))
                                })
                                .collect(),
                        ),
                    })
                    .collect(),
                refs: chart::target_lines(base.queues.iter().map(|q| q.service_level.target)),
                points: true,
                clamp: Some((0.0, 100.0)),
            }),
            "Each day's mean over the replications with its 95 % CI.",
        );
    }
    page.section("baseline", "The baseline in detail");
    page.para("What follows is the baseline simulated on its own: the same numbers as `ccsim run` with the same seed.");
    run_sections(&mut page, &c.baseline, base, audience);
    page.finish()
}

/// The report of `ccsim sweep`: every point's KPIs judged against the targets, SL and cost
/// against the swept value (two axes) with the target, and the cheapest point meeting every
/// target when it was confirmed on fresh random numbers (`cheapest`: its index).
pub fn sweep_report(
    rows: &[(crate::sweep::Point, RunResult)],
    base: &Scenario,
    cheapest: Option<usize>,
    audience: Audience,
) -> String {
    let title = format!("{} — sweep of {} point(s)", base.name, rows.len());
    let meta = rows.first().map_or_else(Vec::new, |(_, r)| run_meta(r, base, audience));
    let mut page = Page::new(&title, meta);
    let margin = base.report.amber_margin;
    let cur = base.report.currency_name();
    let target = base.queues.iter().map(|q| q.service_level.target).fold(0.0, f64::max);
    page.section("verdict", "Verdict");
    match cheapest {
        Some(i) => page.headline(
            Some(Status::Green),
            &format!(
                "{}: {} (confirmed on a rerun with fresh random numbers).",
                if rows[i].1.total[qk::COST].mean > 0.0 {
                    format!("Cheapest point meeting every target, at {}", base.report.money(rows[i].1.total[qk::COST].mean))
                } else {
                    format!("The scenario sets no cost; the point meeting every target with the fewest paid agent-hours ({:.1} h)", rows[i].1.paid_hours())
                },
                crate::sweep::describe(&rows[i].0)
            ),
        ),
        None => page.headline(
            Some(Status::Red),
            "No point meets every target on this run and on a rerun with fresh random numbers.",
        ),
    }
    page.legend(margin);
    let names: Vec<String> = rows.first().map(|(p, _)| p.iter().map(|(n, _)| n.clone()).collect()).unwrap_or_default();
    let mut header: Vec<&str> = names.iter().map(String::as_str).collect();
    let cost_h = format!("cost ({cur})");
    header.extend(["service level (all queues)", "ASA (s)", "abandon rate", &cost_h, "P(day meets)"]);
    let body: Vec<Vec<Cell>> = rows
        .iter()
        .map(|(p, r)| {
            let t = &r.total;
            let mut row: Vec<Cell> = p.iter().map(|(_, v)| Cell::text(v)).collect();
            let st = crate::report::status::overall(r, margin);
            row.extend([
                Cell::judged(pct(&t[qk::SL]), st),
                Cell::num(pm(&t[qk::ASA], 1.0, 1)),
                Cell::num(pct(&t[qk::ABANDON_RATE])),
                Cell::num(pm(&t[qk::COST], 1.0, 0)),
                Cell::num(super::run::share(t[qk::MEETS].mean)),
            ]);
            row
        })
        .collect();
    page.table("Every point (the SL colour is the worst of its queues' targets)", &header, &body);
    let labels: Vec<String> =
        rows.iter().map(|(p, _)| p.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(", ")).collect();
    let sl: Vec<f64> = rows.iter().map(|(_, r)| r.total[qk::SL].mean * 100.0).collect();
    let band: Vec<(f64, f64)> = rows.iter().map(|(_, r)| r.total[qk::SL].band(100.0)).collect();
    let cost: Vec<f64> = rows.iter().map(|(_, r)| r.total[qk::COST].mean).collect();
    page.chart(
        chart::line_chart(&LineChart {
            title: format!("Service level and cost against {}", names.join(", ")),
            x_desc: names.join(", "),
            x_labels: labels,
            y_desc: "service level, all queues (%)".into(),
            y2_desc: Some(format!("cost ({cur})")),
            lines: vec![
                Line::new("service level (left), shaded 95 % CI", chart::color(0), sl).band(band),
                Line::new(format!("cost (right, {cur})"), chart::color(4), cost).right(),
            ],
            refs: vec![RefLine {
                name: format!("SL target {:.0} %", target * 100.0),
                value: target * 100.0,
                right: false,
            }],
            clamp: Some((0.0, 100.0)),
            ..Default::default()
        }),
        "Points in sweep order; the left axis is scaled to the data.",
    );
    if audience.ops() || audience.client() {
        for (k, q) in base.queues.iter().enumerate() {
            let v: Vec<f64> =
                rows.iter().map(|(_, r)| r.queues.get(k).map_or(f64::NAN, |x| x.kpis[qk::SL].mean * 100.0)).collect();
            if base.queues.len() > 1 {
                page.chart(
                    chart::category_chart(&CategoryChart {
                        title: format!("{}: service level per point", q.id),
                        categories: rows.iter().map(|(p, _)| crate::sweep::describe(p)).collect(),
                        y_desc: "service level (%)".into(),
                        series: vec![Bars {
                            name: q.id.clone(),
                            color: chart::color(k),
                            values: v,
                            ci: Some(
                                rows.iter()
                                    .map(|(_, r)| {
                                        r.queues.get(k).map_or((f64::NAN, f64::NAN), |x| x.kpis[qk::SL].band(100.0))
                                    })
                                    .collect(),
                            ),
                        }],
                        refs: vec![RefLine {
                            name: format!("target {:.0} %", q.service_level.target * 100.0),
                            value: q.service_level.target * 100.0,
                            right: false,
                        }],
                        points: true,
                        clamp: Some((0.0, 100.0)),
                    }),
                    "Mean and 95 % CI per point.",
                );
            }
        }
    }
    page.finish()
}

/// The report of `ccsim staff`: agents required per interval per group, and with `--verify` the
/// analytic SL against the simulated one.
pub fn staff_report(
    plan: &crate::plan::Plan,
    verify: &[crate::report::VerifyRow],
    s: &Scenario,
    audience: Audience,
) -> String {
    let mut page = Page::new(
        &format!("{} — Erlang staffing", s.name),
        vec![
            format!("model {}; shrinkage {:.0} %", plan.model.name(), plan.shrinkage * 100.0),
            format!("Report for: {}", audience.name()),
        ],
    );
    let h = &s.horizon;
    let per_day = h.intervals_per_day();
    let labels: Vec<String> = (0..h.total_intervals())
        .map(|i| {
            let clock = crate::time::format_clock(h.start_s + (i % per_day) as f64 * h.interval_s);
            if h.days > 1 { format!("d{} {clock}", i / per_day + 1) } else { clock }
        })
        .collect();
    page.section("requirement", "Requirement per interval");
    let hours = |v: &[u32]| v.iter().map(|x| f64::from(*x)).sum::<f64>() * h.interval_s / 3600.0;
    let rows: Vec<Vec<Cell>> = plan
        .groups
        .iter()
        .map(|g| {
            vec![
                Cell::text(&g.id),
                Cell::num(format!("{:.1}", hours(&g.required))),
                Cell::num(format!("{:.1}", hours(&g.on_duty))),
                Cell::num(format!("{:.1}", hours(&g.scheduled))),
                Cell::num(format!("{:.2}", s.report.fte(hours(&g.scheduled), h.open_days()))),
            ]
        })
        .collect();
    page.table(
        &format!("Agent-hours per group over the horizon (FTE at {} paid hours a day)", s.report.fte_hours_per_day),
        &["group", "required present (h)", "on duty (h)", "scheduled, with shrinkage (h)", "FTE"],
        &rows,
    );
    for (k, g) in plan.groups.iter().enumerate().filter(|(_, g)| !g.queues.is_empty()) {
        let f = |v: &[u32]| v.iter().map(|x| f64::from(*x)).collect::<Vec<_>>();
        page.chart(
            chart::line_chart(&LineChart {
                title: format!("{}: agents required per interval", g.id),
                x_desc: "interval start".into(),
                x_labels: labels.clone(),
                y_desc: "agents".into(),
                lines: vec![
                    Line::new("required present", chart::color(k), f(&g.required)),
                    Line::new("on duty (absenteeism)", chart::color(k + 1), f(&g.on_duty)).dashed(),
                    Line::new("scheduled (shrinkage)", chart::color(k + 2), f(&g.scheduled)).dashed(),
                ],
                from_zero: true,
                ..Default::default()
            }),
            "Erlang requirement of the queues planned on the group, grossed up for absenteeism and shrinkage.",
        );
    }
    if !verify.is_empty() {
        page.section("verify", "Verified by simulation");
        for (k, q) in s.queues.iter().enumerate() {
            let rows: Vec<&crate::report::VerifyRow> = verify.iter().filter(|v| v.queue == q.id).collect();
            if rows.is_empty() {
                continue;
            }
            page.chart(
                chart::line_chart(&LineChart {
                    title: format!("{}: Erlang SL against simulated SL per interval", q.id),
                    x_desc: "interval start".into(),
                    x_labels: rows.iter().map(|v| v.start.clone()).collect(),
                    y_desc: "service level (%)".into(),
                    lines: vec![
                        Line::new("Erlang", chart::color(k + 1), rows.iter().map(|v| v.analytic * 100.0).collect()).dashed(),
                        Line::new("simulated, shaded 95 % CI", chart::color(k), rows.iter().map(|v| v.simulated.mean * 100.0).collect())
                            .band(rows.iter().map(|v| v.simulated.band(100.0)).collect()),
                    ],
                    refs: vec![RefLine { name: format!("target {:.0} %", q.service_level.target * 100.0), value: q.service_level.target * 100.0, right: false }],
                    clamp: Some((0.0, 100.0)),
                    ..Default::default()
                }),
                "The simulation adds what the formula leaves out: the day's dynamics and the scenario's real distributions.",
            );
        }
    }
    page.finish()
}

/// The report of `ccsim optimize`: the verdict, the simulated requirement against Erlang per
/// group, SL per interval of the verification, then the verified plan's run sections.
pub fn optimize_report(o: &crate::optimize::Optimized, base: &Scenario, verdict: &str, audience: Audience) -> String {
    let v = &o.verification;
    let mut page =
        Page::new(&format!("{} — staffing found by simulation", base.name), run_meta(&v.result, &o.scenario, audience));
    page.section("verdict", "Verdict");
    page.headline(Some(if v.shortfalls.is_empty() { Status::Green } else { Status::Red }), verdict);
    let erlang: u32 = o.rows.iter().map(|r| r.erlang_agents).sum();
    let agents: u32 = o.rows.iter().map(|r| r.agents).sum();
    let ih = base.horizon.interval_s / 3600.0;
    page.para(&format!(
        "Agent-hours on duty: {:.1} h found by simulation against {:.1} h by Erlang ({:+.1} h).",
        f64::from(agents) * ih,
        f64::from(erlang) * ih,
        (f64::from(agents) - f64::from(erlang)) * ih
    ));
    page.section("staffing", "Staffing per interval");
    for (gi, g) in base.groups.iter().enumerate() {
        let rows: Vec<&crate::optimize::Row> = o.rows.iter().filter(|r| r.group == gi).collect();
        if rows.is_empty() {
            continue;
        }
        page.chart(
            chart::line_chart(&LineChart {
                title: format!("{}: agents on duty per interval", g.id),
                x_desc: "interval start".into(),
                x_labels: rows.iter().map(|r| r.start.clone()).collect(),
                y_desc: "agents".into(),
                lines: vec![
                    Line::new(
                        "found by simulation",
                        chart::color(0),
                        rows.iter().map(|r| f64::from(r.agents)).collect(),
                    ),
                    Line::new("Erlang", chart::color(1), rows.iter().map(|r| f64::from(r.erlang_agents)).collect())
                        .dashed(),
                ],
                from_zero: true,
                ..Default::default()
            }),
            "The least staffing per interval meeting every target in the simulation, against the Erlang requirement.",
        );
    }
    page.section("verification", "The plan, simulated again with fresh random numbers");
    run_sections(&mut page, &v.result, &o.scenario, audience);
    page.finish()
}

/// The report of `ccsim schedule`: the summary, coverage (required against scheduled) per
/// group, the roster as a colour-coded matrix, shortfalls and broken rules, and with `--verify`
/// the simulated SL per day.
pub fn schedule_report(
    s: &crate::schedule::Schedule,
    verify: Option<&crate::schedule::verify::Verify>,
    day_labels: &[String],
    margin: f64,
    audience: Audience,
) -> String {
    let mut page = Page::new(
        &format!("{} — shifts and roster", s.name),
        vec![
            format!("search: {}, seed {}, {:.2} s", s.search.method, s.search.seed, s.search.seconds),
            format!("Report for: {}", audience.name()),
        ],
    );
    page.section("summary", "Summary");
    let ok = s.search.feasible && s.short.is_empty();
    page.headline(
        Some(if ok { Status::Green } else if s.search.feasible { Status::Amber } else { Status::Red }),
        &format!(
            "{:.1} paid agent-hours against a lower bound of {:.1} h (gap {:.2} %){}; {} agent-hours over and {} under the requirement; {}.",
            s.agent_hours,
            s.lp_bound_hours,
            s.search.gap_pct,
            if s.search.proven_optimal { ", proven optimal" } else { "" },
            format_args!("{:.1}", s.metrics.over_hours),
            format_args!("{:.1}", s.metrics.under_hours),
            if s.violations.is_empty() { "every contract rule kept".to_string() } else { format!("{} rule(s) broken", s.violations.len()) }
        ),
    );
    let mut groups: Vec<&str> = Vec::new();
    for c in &s.coverage {
        if !groups.contains(&c.group.as_str()) {
            groups.push(&c.group);
        }
    }
    page.section("coverage", "Coverage: required against scheduled");
    for (k, g) in groups.iter().enumerate() {
        let rows: Vec<&crate::schedule::Coverage> = s.coverage.iter().filter(|c| &c.group == g).collect();
        page.chart(
            chart::line_chart(&LineChart {
                title: format!("{g}: agents required and scheduled per interval"),
                x_desc: "interval start".into(),
                x_labels: rows
                    .iter()
                    .map(
                        |c| {
                            if c.day.is_empty() {
                                c.start.clone()
                            } else {
                                format!("{} {}", short_day(&c.day), c.start)
                            }
                        },
                    )
                    .collect(),
                y_desc: "agents".into(),
                lines: vec![
                    Line::new("required", chart::TARGET, rows.iter().map(|c| f64::from(c.required)).collect()).dashed(),
                    Line::new(
                        "scheduled (breaks counted)",
                        chart::color(k),
                        rows.iter().map(|c| c.scheduled).collect(),
                    ),
                ],
                from_zero: true,
                ..Default::default()
            }),
            "Agents on duty in the schedule per interval (a break counts as the share of the interval it takes).",
        );
    }
    if !s.roster.is_empty() && (audience.ops() || audience.management()) {
        page.section("roster", "Roster");
        // colour by template (a few), not by code (dozens): the code is written in the cell
        let mut templates: Vec<&str> = Vec::new();
        for sc in s.shift_codes.values() {
            if !templates.contains(&sc.template.as_str()) {
                templates.push(&sc.template);
            }
        }
        let colour_of =
            |code: &String| s.shift_codes.get(code).and_then(|sc| templates.iter().position(|t| *t == sc.template));
        page.chart(
            chart::matrix(&Matrix {
                title: "Roster: agents × days, coloured by shift".into(),
                rows: s.roster.iter().map(|r| r.agent.clone()).collect(),
                cols: day_labels.iter().map(|d| short_day(d)).collect(),
                cells: s
                    .roster
                    .iter()
                    .map(|r| r.days.iter().map(|d| d.as_ref().and_then(colour_of)).collect())
                    .collect(),
                text: s.roster.iter().map(|r| r.days.iter().map(|d| d.clone().unwrap_or_default()).collect()).collect(),
                legend: templates.iter().map(|t| format!("template {t}")).collect(),
            }),
            "Each cell names the shift code; the colour is its template. Blank cells are days off.",
        );
        let rows: Vec<Vec<Cell>> = s
            .roster
            .iter()
            .map(|r| {
                let mut row = vec![Cell::text(&r.agent), Cell::text(&r.group), Cell::text(&r.contract)];
                row.extend(r.days.iter().map(|d| Cell::text(d.clone().unwrap_or_else(|| "·".into()))));
                row.push(Cell::num(format!("{:.1}", r.hours)));
                row
            })
            .collect();
        let mut header = vec!["agent", "group", "contract"];
        header.extend(day_labels.iter().map(String::as_str));
        header.push("paid hours (h)");
        if audience.ops() {
            page.table("Roster (shift codes; · = day off)", &header, &rows);
        }
    }
    if !s.short.is_empty() || !s.violations.is_empty() {
        page.section("problems", "Shortfalls and broken rules");
        let rows: Vec<Vec<Cell>> = s
            .short
            .iter()
            .map(|x| {
                vec![
                    Cell::text(&x.day),
                    Cell::text(&x.group),
                    Cell::num(format!("{:.1}", x.agent_hours)),
                    Cell::text(&x.reason),
                ]
            })
            .collect();
        page.table("Requirement left short", &["day", "group", "agent-hours short (h)", "why"], &rows);
        let rows: Vec<Vec<Cell>> = s
            .violations
            .iter()
            .map(|v| {
                vec![
                    Cell::text(&v.agent),
                    Cell::text(&v.rule),
                    Cell::text(v.day.clone().unwrap_or_default()),
                    Cell::text(&v.message),
                ]
            })
            .collect();
        page.table("Contract rules broken", &["agent", "rule", "day", "what"], &rows);
    }
    if let Some(v) = verify {
        page.section("verify", "Simulated service level per day");
        page.para(&format!(
            "{} of {} open days meet every queue's SL target on the mean ({} replications, seed {}).",
            v.days_meeting, v.open_days, v.replications, v.seed
        ));
        let rows: Vec<Vec<Cell>> = v
            .days
            .iter()
            .filter(|d| !d.closed)
            .flat_map(|d| {
                d.queues.iter().map(move |q| {
                    // the mean against the target, amber when the CI spans it, as every report judges
                    let sl = &q.service_level;
                    let st = sl.mean.and_then(|mean| {
                        let e = Estimate {
                            mean,
                            ci_low: sl.ci_low.unwrap_or(f64::NAN),
                            ci_high: sl.ci_high.unwrap_or(f64::NAN),
                            n: u64::from(v.replications),
                        };
                        judge(&e, q.target, true, margin)
                    });
                    vec![
                        Cell::text(&d.day),
                        Cell::text(&q.queue),
                        Cell::num(format!("{:.1}", d.required_hours)),
                        Cell::num(format!("{:.1}", d.scheduled_hours)),
                        Cell::judged(
                            q.service_level.mean.map_or("–".into(), |m| {
                                format!(
                                    "{:.1} % ±{:.1}",
                                    m * 100.0,
                                    q.service_level.ci_half_width.unwrap_or(f64::NAN) * 100.0
                                )
                            }),
                            st,
                        ),
                        Cell::text(&q.verdict),
                    ]
                })
            })
            .collect();
        page.table(
            "Per day and queue",
            &["day", "queue", "required (h)", "scheduled (h)", "service level", "verdict"],
            &rows,
        );
    }
    page.finish()
}

/// A day label short enough for a column: `Mon 07` for `Mon 2026-12-07`, else as it is.
pub fn short_day(label: &str) -> String {
    match label.split_once(' ') {
        Some((wd, date)) if date.len() == 10 => format!("{wd} {}", &date[8..]),
        _ => label.to_string(),
    }
}
