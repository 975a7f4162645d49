//! SVG chart of a one-dimensional sweep (plotters): service level with its 95 % confidence
//! interval against the varied value, and the target as a dashed line. Writes SVG text to the
//! `Write` it is given.

use crate::experiment::RunResult;
use crate::kpi::queue::SL;
use crate::sweep::Point;
use plotters::prelude::*;
use std::io::{self, Write};

/// The x values of a one-dimensional numeric sweep of at least two points, else `None`.
fn axis_values<'a>(points: impl Iterator<Item = &'a Point>) -> Option<Vec<f64>> {
    let xs: Vec<f64> =
        points.map(|p| if p.len() == 1 { p[0].1.parse::<f64>().ok() } else { None }).collect::<Option<_>>()?;
    (xs.len() >= 2).then_some(xs)
}

/// True when `points` can be charted: one numeric parameter, at least two points.
pub fn numeric_axis(points: &[Point]) -> bool {
    axis_values(points.iter()).is_some()
}

/// Draws the chart; `None` when the sweep is not one-dimensional and numeric.
pub fn sweep_svg(rows: &[(Point, RunResult)], target: f64, out: &mut dyn Write) -> Option<io::Result<()>> {
    let xs = axis_values(rows.iter().map(|(p, _)| p))?;
    let name = rows[0].0[0].0.clone();
    let est: Vec<_> = rows.iter().map(|(_, r)| r.total[SL]).collect();
    let (x0, x1) =
        (xs.iter().copied().fold(f64::INFINITY, f64::min), xs.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (800, 500)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("Service level (all queues) against {name}"), ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(x0..x1, 0.0..100.0)?;
        chart.configure_mesh().x_desc(name.as_str()).y_desc("SL %").x_label_formatter(&|x| format!("{x}")).draw()?;
        chart
            .draw_series(LineSeries::new([(x0, target * 100.0), (x1, target * 100.0)], RED.stroke_width(2)))?
            .label(format!("target {:.0}%", target * 100.0))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED));
        chart
            .draw_series(LineSeries::new(xs.iter().zip(&est).map(|(x, e)| (*x, e.mean * 100.0)), BLUE.stroke_width(2)))?
            .label("mean, with 95% CI")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE));
        chart.draw_series(
            xs.iter().zip(&est).filter(|(_, e)| e.ci_low.is_finite()).map(|(x, e)| {
                PathElement::new([(*x, e.ci_low * 100.0), (*x, e.ci_high * 100.0)], BLUE.stroke_width(1))
            }),
        )?;
        chart.draw_series(xs.iter().zip(&est).map(|(x, e)| Circle::new((*x, e.mean * 100.0), 3, BLUE.filled())))?;
        chart.configure_series_labels().border_style(BLACK).background_style(WHITE).draw()?;
        root.present()?;
        Ok(())
    })();
    Some(match drawn {
        Ok(()) => out.write_all(svg.as_bytes()),
        Err(e) => Err(io::Error::other(e.to_string())),
    })
}
