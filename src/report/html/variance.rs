//! The HTML report of `ccsim variance`: the planner's headlines, the SL deviation of each day
//! split into its causes (volume, handle time, staffing, interaction, other) with CIs, actual
//! against planned SL per interval with the plan's CI band and the target, and the tables of
//! actual against planned per day and queue.

use super::chart::{self, Bars, CategoryChart, Line, LineChart, RefLine};
use super::{Audience, Cell, Page};
use crate::report::status::{Status, status};
use crate::stats::Estimate;
use crate::variance::{Attribution, ScopeResult, Variance};

/// `(mean, (low, high))` of `e` in points (× 100).
fn pts(e: &Estimate) -> (f64, (f64, f64)) {
    (e.mean * 100.0, e.band(100.0))
}

/// One part of an attribution: a cause's estimate, if any.
type Part = fn(&Attribution) -> Option<Estimate>;

/// The SL attribution of a scope, if any.
fn sl(s: &ScopeResult) -> Option<&Attribution> {
    s.attribution.iter().find(|a| a.kpi == "service_level")
}

/// The report of a variance: headlines, causes per day, intervals, tables.
pub fn variance_report(v: &Variance, margin: f64, audience: Audience) -> String {
    let mut page = Page::new(
        &format!("{} — actuals against the plan", v.plan),
        vec![
            format!("actuals: {}; plan re-simulated {} replications, seed {}", v.actuals, v.replications, v.seed),
            format!(
                "substituted one at a time and together, under common random numbers: {}",
                if v.substituted.is_empty() {
                    "nothing (the actual inputs equal the plan's)".to_string()
                } else {
                    v.substituted.join(", ")
                }
            ),
            format!("Report for: {}", audience.name()),
        ],
    );
    page.section("headlines", "What happened");
    for d in &v.days {
        let Some(text) = &d.headline else { continue };
        let st = sl(d).and_then(|a| a.actual).and_then(|x| status(x, d.sl_target, true, margin));
        page.headline(st, text);
    }
    if v.days.iter().all(|d| d.headline.is_none()) {
        page.para("No day has an actual service level to explain.");
    }
    page.legend(margin);
    let mut queues: Vec<&str> = Vec::new();
    for d in &v.days {
        if !queues.contains(&d.queue.as_str()) {
            queues.push(&d.queue);
        }
    }
    page.section("causes", "Why: the SL deviation from the plan, cause by cause");
    page.para(
        "Each bar is the change in service level (points) when the plan is simulated with one actual input in place of the planned one, under the same random numbers; the interaction is what the inputs do together beyond their sum; other is what re-simulation with every actual input does not explain (randomness and causes outside the three). They add up to actual − plan. Whiskers are 95 % CIs.",
    );
    let causes: [(&str, Part); 5] = [
        ("volume", |a| Some(a.volume)),
        ("handle time", |a| Some(a.handle_time)),
        ("staffing", |a| Some(a.staffing)),
        ("interaction", |a| Some(a.interaction)),
        ("other / randomness", |a| a.other),
    ];
    for q in &queues {
        let days: Vec<&ScopeResult> = v.days.iter().filter(|d| d.queue == *q && sl(d).is_some()).collect();
        if days.is_empty() {
            continue;
        }
        let series = causes
            .iter()
            .enumerate()
            .map(|(k, (name, get))| {
                let vals: Vec<(f64, (f64, f64))> = days
                    .iter()
                    .map(|d| sl(d).and_then(get).map_or((f64::NAN, (f64::NAN, f64::NAN)), |e| pts(&e)))
                    .collect();
                Bars {
                    name: name.to_string(),
                    color: chart::color(k),
                    values: vals.iter().map(|x| x.0).collect(),
                    ci: Some(vals.iter().map(|x| x.1).collect()),
                }
            })
            .collect();
        page.chart(
            chart::category_chart(&CategoryChart {
                title: format!("{q}: SL deviation from the plan by cause (points)"),
                categories: days.iter().map(|d| d.label.clone()).collect(),
                y_desc: "Δ service level (points)".into(),
                series,
                refs: vec![RefLine { name: "no deviation".into(), value: 0.0, right: false }],
                points: false,
                clamp: None,
            }),
            "Positive bars raised the day's SL above the plan, negative ones lowered it.",
        );
    }
    if audience.ops() || audience.client() {
        page.section("intervals", "Actual against planned per interval");
        for q in &queues {
            let rows: Vec<&ScopeResult> = v.intervals.iter().filter(|i| i.queue == *q).collect();
            let Some(first) = rows.first() else { continue };
            let actual: Vec<f64> =
                rows.iter().map(|i| sl(i).and_then(|a| a.actual).map_or(f64::NAN, |x| x * 100.0)).collect();
            let planned: Vec<(f64, (f64, f64))> =
                rows.iter().map(|i| sl(i).map_or((f64::NAN, (f64::NAN, f64::NAN)), |a| pts(&a.planned))).collect();
            let target = first.sl_target * 100.0;
            page.chart(
                chart::line_chart(&LineChart {
                    title: format!("{q}: service level per interval, actual and planned"),
                    x_desc: "interval".into(),
                    x_labels: rows.iter().map(|i| i.label.clone()).collect(),
                    y_desc: "service level (%)".into(),
                    lines: vec![
                        Line::new(
                            "planned (simulated), shaded 95 % CI",
                            chart::color(0),
                            planned.iter().map(|p| p.0).collect(),
                        )
                        .band(planned.iter().map(|p| p.1).collect()),
                        Line::new("actual", chart::color(1), actual),
                    ],
                    refs: vec![RefLine { name: format!("target {target:.0} %"), value: target, right: false }],
                    clamp: Some((0.0, 100.0)),
                    ..Default::default()
                }),
                "Intervals with actuals only.",
            );
        }
    }
    page.section("table", "Actual against planned per day and queue");
    let mut rows = Vec::new();
    for d in v.days.iter().chain(v.queues.iter()) {
        for k in &d.kpis {
            let scale = if k.unit.starts_with("share") { 100.0 } else { 1.0 };
            let actual = k.actual.map_or("–".to_string(), |x| format!("{:.1}", x * scale));
            let judged = match k.kpi {
                "service_level" => k.actual.and_then(|x| status(x, d.sl_target, true, margin)),
                _ => None::<Status>,
            };
            rows.push(vec![
                Cell::text(if d.scope == "all" { "all days".to_string() } else { d.label.clone() }),
                Cell::text(&d.queue),
                Cell::text(format!("{} ({})", k.kpi, if scale == 100.0 { "%" } else { k.unit })),
                Cell::judged(actual, judged),
                Cell::num(crate::report::table::pm(&k.planned, scale, 1)),
                Cell::num(k.actual.map_or("–".to_string(), |x| format!("{:+.1}", (x - k.planned.mean) * scale))),
            ]);
        }
    }
    page.table(
        "Actual, planned (mean ±95 % CI half-width) and actual − planned, over the intervals with actuals",
        &["day", "queue", "KPI", "actual", "planned", "actual − planned"],
        &rows,
    );
    page.finish()
}
