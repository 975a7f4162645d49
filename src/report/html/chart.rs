//! Inline SVG charts for the HTML report, drawn with plotters' SVG backend: lines over a
//! sequence of points (intervals, swept values) with CI bands and reference lines on one or two
//! y axes; values by category as bars, or as points with CI whiskers; a histogram with a marker;
//! a colour-coded matrix. Axes are scaled to the data. Nothing here knows KPIs: callers give
//! numbers, names, units and colours, and get SVG text back.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::error::Error;

/// A drawn chart: its SVG text (with a `viewBox`, so it scales to the page) and the number of
/// data points it shows (0: nothing to show; the report then leaves it out).
#[derive(Debug, Clone)]
pub struct Chart {
    /// `<svg …>…</svg>`.
    pub svg: String,
    /// Finite data values drawn.
    pub points: usize,
}

/// The report's palette: series colours in order, then the status colours.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(23, 190, 207),
];
/// Target and reference lines.
pub const TARGET: RGBColor = RGBColor(214, 39, 40);
/// Neutral dark grey (text, whiskers).
pub const INK: RGBColor = RGBColor(60, 60, 60);

/// Series colour `i` of [`PALETTE`], cycling.
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// One line of a [`LineChart`]: a value per x point (NaN: a gap), an optional band (CI low,
/// high) per point, on the left or the right axis.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend text.
    pub name: String,
    /// Colour.
    pub color: RGBColor,
    /// One value per x point, in the axis's unit.
    pub values: Vec<f64>,
    /// Optional shaded band (low, high) per x point.
    pub band: Option<Vec<(f64, f64)>>,
    /// Dashed (a reference, such as a requirement) rather than solid.
    pub dashed: bool,
    /// Drawn against the right-hand axis.
    pub right: bool,
}

impl Line {
    /// A solid line on the left axis.
    pub fn new(name: impl Into<String>, color: RGBColor, values: Vec<f64>) -> Line {
        Line { name: name.into(), color, values, band: None, dashed: false, right: false }
    }
    /// With a shaded band (low, high) per point.
    pub fn band(mut self, band: Vec<(f64, f64)>) -> Line {
        self.band = Some(band);
        self
    }
    /// Dashed.
    pub fn dashed(mut self) -> Line {
        self.dashed = true;
        self
    }
    /// On the right-hand axis.
    pub fn right(mut self) -> Line {
        self.right = true;
        self
    }
}

/// A horizontal reference line (a target), labelled in the legend.
#[derive(Debug, Clone)]
pub struct RefLine {
    /// Legend text, e.g. "target 80 %".
    pub name: String,
    /// Its value, in the axis's unit.
    pub value: f64,
    /// Against the right-hand axis.
    pub right: bool,
}

/// One dashed reference line per distinct target among `targets` (shares 0–1), in percent:
/// "SL target 80 %".
pub fn target_lines(targets: impl Iterator<Item = f64>) -> Vec<RefLine> {
    let mut out: Vec<RefLine> = Vec::new();
    for t in targets {
        let v = t * 100.0;
        if !out.iter().any(|r| (r.value - v).abs() < 1e-9) {
            out.push(RefLine { name: format!("SL target {v:.0} %"), value: v, right: false });
        }
    }
    out
}

/// Lines over a sequence of x points labelled by text (interval starts, swept values).
#[derive(Debug, Clone, Default)]
pub struct LineChart {
    /// Title, with what is shown.
    pub title: String,
    /// The x axis's description, with its unit.
    pub x_desc: String,
    /// One label per x point; about a dozen are printed.
    pub x_labels: Vec<String>,
    /// The left axis's description, with its unit.
    pub y_desc: String,
    /// The right axis's description, when a line uses it.
    pub y2_desc: Option<String>,
    /// The lines.
    pub lines: Vec<Line>,
    /// Reference lines.
    pub refs: Vec<RefLine>,
    /// Start the left axis at 0 (counts), rather than just below the data.
    pub from_zero: bool,
    /// Limits the axes may not pass (e.g. 0 and 100 for percentages).
    pub clamp: Option<(f64, f64)>,
}

/// Width and height of every chart, pixels (the page scales them).
const SIZE: (u32, u32) = (900, 340);

/// The range of `values` with some room, within `clamp`; `(0, 1)` when there is no finite value.
fn axis_range(values: impl Iterator<Item = f64>, from_zero: bool, clamp: Option<(f64, f64)>) -> (f64, f64) {
    let (mut lo, mut hi) =
        values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
    }
    let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) * 0.1 };
    if !from_zero || lo < 0.0 {
        lo -= span * 0.08;
    }
    hi += span * 0.08;
    if let Some((a, b)) = clamp {
        lo = lo.max(a);
        hi = hi.min(b);
        if hi <= lo {
            hi = lo + 1.0;
        }
    }
    (lo, hi)
}

/// Runs `draw` on a fresh drawing area and returns the SVG with a `viewBox`.
fn render(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), Box<dyn Error>>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    let (w, h) = size;
    Ok(svg.replacen("<svg ", &format!("<svg viewBox=\"0 0 {w} {h}\" role=\"img\" "), 1))
}

/// The finite values among `values`, as `(index, value)` runs without gaps.
fn runs(values: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if v.is_finite() {
            cur.push((i as f64, *v));
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Index step between printed x labels: about `max` labels.
fn label_step(n: usize, max: usize) -> usize {
    n.div_ceil(max.max(1)).max(1)
}

/// How many of `labels` fit side by side in `width` pixels (about 7 pixels a character), at
/// most `max`.
fn fitting_labels(labels: &[String], width: usize, max: usize) -> usize {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    (width / (longest * 7 + 14)).clamp(2, max)
}

/// Every chart's plotting area: f64 axes on an SVG string.
type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The grid and axes of every chart: light grey lines, the y axis described; `x_desc` gives
/// plotters' own x labels with that description, `None` leaves the x labels to the caller (drawn
/// at the points they name); `x_grid` draws vertical grid lines.
fn mesh<'a, 'b: 'a>(
    chart: &mut Plot<'a, 'b>,
    y_desc: &str,
    x_desc: Option<&str>,
    x_grid: bool,
) -> Result<(), Box<dyn Error>> {
    let mut m = chart.configure_mesh();
    m.y_desc(y_desc).y_labels(8).light_line_style(WHITE.mix(0.0)).bold_line_style(RGBColor(225, 225, 225));
    match x_desc {
        Some(d) => m.x_desc(d).x_labels(12),
        None => m.x_labels(0),
    };
    if !x_grid {
        m.disable_x_mesh();
    }
    m.draw()?;
    Ok(())
}

/// The legend box of every chart, at `pos`.
fn legend<'a, 'b: 'a>(chart: &mut Plot<'a, 'b>, pos: SeriesLabelPosition) -> Result<(), Box<dyn Error>> {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 12))
        .draw()?;
    Ok(())
}

/// A dashed reference line from `a` to `b` (a target, a marker), named in the legend.
fn reference<'a, 'b: 'a>(
    chart: &mut Plot<'a, 'b>,
    [a, b]: [(f64, f64); 2],
    name: &str,
    colour: RGBColor,
) -> Result<(), Box<dyn Error>> {
    let style = colour.stroke_width(2);
    chart
        .draw_series(DashedLineSeries::new(vec![a, b], 8, 5, style))?
        .label(name)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    Ok(())
}

/// The font of x labels drawn by hand: centred under the point they name.
fn label_style() -> TextStyle<'static> {
    ("sans-serif", 12).into_font().color(&INK).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ))
}

/// Draws a [`LineChart`].
pub fn line_chart(c: &LineChart) -> Result<Chart, String> {
    let n = c.x_labels.len().max(c.lines.iter().map(|l| l.values.len()).max().unwrap_or(0));
    let side = |right: bool| {
        let vals = c
            .lines
            .iter()
            .filter(|l| l.right == right)
            .flat_map(|l| l.values.iter().copied().chain(l.band.iter().flatten().flat_map(|(a, b)| [*a, *b])));
        let refs = c.refs.iter().filter(|r| r.right == right).map(|r| r.value);
        axis_range(vals.chain(refs), c.from_zero || right, c.clamp.filter(|_| !right))
    };
    let (y0, y1) = side(false);
    let (z0, z1) = side(true);
    let has_right = c.lines.iter().any(|l| l.right);
    let x1 = (n.max(2) - 1) as f64;
    let points = c.lines.iter().map(|l| l.values.iter().filter(|v| v.is_finite()).count()).sum();
    let svg = render(SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&c.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(62)
            .right_y_label_area_size(if has_right { 62 } else { 10 })
            .build_cartesian_2d(0.0..x1, y0..y1)?
            .set_secondary_coord(0.0..x1, z0..z1);
        let labels = &c.x_labels;
        let step = label_step(n, fitting_labels(labels, 800, 12));
        mesh(&mut chart, &c.y_desc, None, true)?;
        if has_right {
            chart.configure_secondary_axes().y_desc(c.y2_desc.as_deref().unwrap_or("")).draw()?;
        }
        // x labels drawn by hand at the points they name
        let style = label_style();
        for i in (0..labels.len()).step_by(step) {
            let (px, py) = chart.backend_coord(&(i as f64, y0));
            root.draw(&Text::new(labels[i].clone(), (px, py + 6), style.clone()))?;
        }
        let (cx, cy) = chart.backend_coord(&(x1 / 2.0, y0));
        root.draw(&Text::new(c.x_desc.clone(), (cx, cy + 26), style.clone()))?;
        for l in &c.lines {
            let color = l.color;
            if let Some(band) = &l.band {
                let lows: Vec<f64> = band.iter().map(|b| b.0).collect();
                let highs: Vec<f64> = band.iter().map(|b| b.1).collect();
                for (lo, hi) in runs(&lows).into_iter().zip(runs(&highs)) {
                    let poly: Vec<(f64, f64)> = lo.iter().copied().chain(hi.iter().rev().copied()).collect();
                    let fill = color.mix(0.18).filled();
                    if l.right {
                        chart.draw_secondary_series(std::iter::once(Polygon::new(poly, fill)))?;
                    } else {
                        chart.draw_series(std::iter::once(Polygon::new(poly, fill)))?;
                    }
                }
            }
            for (k, run) in runs(&l.values).into_iter().enumerate() {
                let style = color.stroke_width(2);
                let single = run.len() == 1;
                let anno = if l.right {
                    if l.dashed {
                        chart.draw_secondary_series(DashedLineSeries::new(run.clone(), 6, 4, style))?
                    } else {
                        chart.draw_secondary_series(LineSeries::new(run.clone(), style))?
                    }
                } else if l.dashed {
                    chart.draw_series(DashedLineSeries::new(run.clone(), 6, 4, style))?
                } else {
                    chart.draw_series(LineSeries::new(run.clone(), style))?
                };
                if k == 0 {
                    anno.label(&l.name).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
                }
                if single {
                    let dot = run.into_iter().map(|p| Circle::new(p, 3, color.filled()));
                    if l.right {
                        chart.draw_secondary_series(dot)?;
                    } else {
                        chart.draw_series(dot)?;
                    }
                }
            }
        }
        for r in &c.refs {
            let pts = vec![(0.0, r.value), (x1, r.value)];
            let style = TARGET.stroke_width(2);
            let anno = if r.right {
                chart.draw_secondary_series(DashedLineSeries::new(pts, 8, 5, style))?
            } else {
                chart.draw_series(DashedLineSeries::new(pts, 8, 5, style))?
            };
            anno.label(&r.name).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    })?;
    Ok(Chart { svg, points })
}

/// One series of a [`CategoryChart`]: a value per category, with an optional CI.
#[derive(Debug, Clone)]
pub struct Bars {
    /// Legend text.
    pub name: String,
    /// Colour.
    pub color: RGBColor,
    /// One value per category (NaN: none).
    pub values: Vec<f64>,
    /// Optional (low, high) per category, drawn as a whisker.
    pub ci: Option<Vec<(f64, f64)>>,
}

/// Values by category: bars from zero (amounts), or points with whiskers on an axis scaled to
/// the data (shares and differences, where a bar from zero would flatten what matters).
#[derive(Debug, Clone, Default)]
pub struct CategoryChart {
    /// Title.
    pub title: String,
    /// The categories (days, variants), in order.
    pub categories: Vec<String>,
    /// The y axis's description, with its unit.
    pub y_desc: String,
    /// Series, side by side within each category.
    pub series: Vec<Bars>,
    /// Reference lines (targets; 0 for differences).
    pub refs: Vec<RefLine>,
    /// Points with whiskers instead of bars from zero.
    pub points: bool,
    /// Limits the axis may not pass.
    pub clamp: Option<(f64, f64)>,
}

/// Draws a [`CategoryChart`].
pub fn category_chart(c: &CategoryChart) -> Result<Chart, String> {
    let n = c.categories.len().max(1);
    let k = c.series.len().max(1);
    let vals =
        c.series.iter().flat_map(|s| s.values.iter().copied().chain(s.ci.iter().flatten().flat_map(|(a, b)| [*a, *b])));
    let (y0, y1) = axis_range(vals.chain(c.refs.iter().map(|r| r.value)), !c.points, c.clamp);
    let points = c.series.iter().map(|s| s.values.iter().filter(|v| v.is_finite()).count()).sum();
    let svg = render(SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&c.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(62)
            .build_cartesian_2d(0.0..n as f64, y0..y1)?;
        mesh(&mut chart, &c.y_desc, None, false)?;
        let style = label_style();
        let step = label_step(c.categories.len(), fitting_labels(&c.categories, 800, 16));
        for (i, cat) in c.categories.iter().enumerate().step_by(step) {
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, y0));
            root.draw(&Text::new(cat.clone(), (px, py + 6), style.clone()))?;
        }
        let width = 0.8 / k as f64;
        for (j, s) in c.series.iter().enumerate() {
            let color = s.color;
            let centre = |i: usize| i as f64 + 0.1 + width * (j as f64 + 0.5);
            let base = y0.max(0.0).min(y1);
            let anno = if c.points {
                chart.draw_series(
                    s.values
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| v.is_finite())
                        .map(|(i, v)| Circle::new((centre(i), *v), 4, color.filled())),
                )?
            } else {
                chart.draw_series(s.values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, v)| {
                    let x = centre(i);
                    Rectangle::new([(x - width * 0.45, base), (x + width * 0.45, *v)], color.mix(0.85).filled())
                }))?
            };
            anno.label(&s.name).legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
            if let Some(ci) = &s.ci {
                chart.draw_series(ci.iter().enumerate().filter(|(_, (a, b))| a.is_finite() && b.is_finite()).map(
                    |(i, (a, b))| PathElement::new(vec![(centre(i), *a), (centre(i), *b)], INK.stroke_width(2)),
                ))?;
            }
        }
        for r in &c.refs {
            reference(&mut chart, [(0.0, r.value), (n as f64, r.value)], &r.name, TARGET)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    })?;
    Ok(Chart { svg, points })
}

/// A histogram: counts per bin of equal width, with an optional vertical marker.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    /// Title.
    pub title: String,
    /// The x axis's description, with its unit.
    pub x_desc: String,
    /// The y axis's description.
    pub y_desc: String,
    /// Bins as (low, high, count), in order.
    pub bins: Vec<(f64, f64, f64)>,
    /// A vertical marker (label, x), e.g. the target.
    pub marker: Option<(String, f64)>,
}

/// Draws a [`Histogram`]; bins wholly right of the marker are drawn in the "meets" colour.
pub fn histogram(c: &Histogram) -> Result<Chart, String> {
    let xs = c.bins.iter().flat_map(|b| [b.0, b.1]).chain(c.marker.iter().map(|m| m.1));
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let (x0, x1) = if lo.is_finite() && hi > lo { (lo, hi) } else { (0.0, 1.0) };
    let pad = (x1 - x0) * 0.03;
    let ymax = c.bins.iter().map(|b| b.2).fold(0.0, f64::max).max(1.0) * 1.1;
    let points = c.bins.iter().filter(|b| b.2 > 0.0).count();
    let svg = render(SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&c.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(62)
            .build_cartesian_2d(x0 - pad..x1 + pad, 0.0..ymax)?;
        mesh(&mut chart, &c.y_desc, Some(&c.x_desc), true)?;
        let meets = c.marker.as_ref().map(|m| m.1);
        let (good, bad) = (RGBColor(44, 160, 44), RGBColor(214, 39, 40));
        chart.draw_series(c.bins.iter().filter(|b| b.2 > 0.0).map(|b| {
            let color = if meets.is_none_or(|m| b.0 >= m - 1e-9) { good } else { bad };
            Rectangle::new([(b.0, 0.0), (b.1, b.2)], color.mix(0.7).filled())
        }))?;
        if let Some((name, x)) = &c.marker {
            reference(&mut chart, [(*x, 0.0), (*x, ymax)], name, INK)?;
            legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        }
        Ok(())
    })?;
    Ok(Chart { svg, points })
}

/// A colour-coded matrix (rows × columns), e.g. a roster: agents × days, coloured by shift.
#[derive(Debug, Clone, Default)]
pub struct Matrix {
    /// Title.
    pub title: String,
    /// Row labels (top to bottom).
    pub rows: Vec<String>,
    /// Column labels (left to right).
    pub cols: Vec<String>,
    /// Per row, per column: an index into `legend` (a colour), or `None` (blank: off).
    pub cells: Vec<Vec<Option<usize>>>,
    /// Per cell text (e.g. the shift code), drawn inside the cell when it fits.
    pub text: Vec<Vec<String>>,
    /// Legend entries: the meaning of each colour index.
    pub legend: Vec<String>,
}

/// Draws a [`Matrix`].
pub fn matrix(c: &Matrix) -> Result<Chart, String> {
    let (row_h, label_w, top, col_w) = (14i32, 90i32, 40i32, (800 / c.cols.len().max(1) as i32).clamp(12, 120));
    let legend_rows = c.legend.len().div_ceil(6) as i32;
    let height = (top + row_h * c.rows.len() as i32 + 30 + legend_rows * 18).max(120) as u32;
    let width = (label_w + col_w * c.cols.len() as i32 + 10).max(400) as u32;
    let points = c.cells.iter().flatten().filter(|x| x.is_some()).count();
    let svg = render((width, height), |root| {
        let font = ("sans-serif", 11).into_font().color(&INK);
        root.draw(&Text::new(c.title.clone(), (8, 8), ("sans-serif", 16).into_font().color(&BLACK)))?;
        for (j, col) in c.cols.iter().enumerate() {
            root.draw(&Text::new(col.clone(), (label_w + col_w * j as i32 + 2, top - 14), font.clone()))?;
        }
        for (i, row) in c.rows.iter().enumerate() {
            let y = top + row_h * i as i32;
            root.draw(&Text::new(row.clone(), (4, y + 1), font.clone()))?;
            for (j, cell) in c.cells[i].iter().enumerate() {
                let x = label_w + col_w * j as i32;
                let rect = [(x, y), (x + col_w - 1, y + row_h - 1)];
                match cell {
                    Some(k) => root.draw(&Rectangle::new(rect, color(*k).mix(0.75).filled()))?,
                    None => root.draw(&Rectangle::new(rect, RGBColor(245, 245, 245).filled()))?,
                }
                let text = c.text.get(i).and_then(|r| r.get(j)).map_or("", String::as_str);
                if !text.is_empty() && col_w >= 7 * text.chars().count() as i32 {
                    root.draw(&Text::new(text.to_string(), (x + 2, y + 1), font.clone()))?;
                }
            }
        }
        let ly = top + row_h * c.rows.len() as i32 + 12;
        for (k, name) in c.legend.iter().enumerate() {
            let (x, y) = (8 + 150 * (k % 6) as i32, ly + 18 * (k / 6) as i32);
            root.draw(&Rectangle::new([(x, y), (x + 12, y + 12)], color(k).mix(0.75).filled()))?;
            root.draw(&Text::new(name.clone(), (x + 16, y), font.clone()))?;
        }
        Ok(())
    })?;
    Ok(Chart { svg, points })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_is_scaled_to_the_data_not_to_the_full_scale() {
        let (lo, hi) = axis_range([85.0, 91.0].into_iter(), false, Some((0.0, 100.0)));
        assert!(lo > 80.0 && hi < 95.0, "{lo}..{hi}");
        let (lo, _) = axis_range([85.0, 91.0].into_iter(), true, None);
        assert_eq!(lo, 0.0);
        assert_eq!(axis_range(std::iter::empty(), false, None), (0.0, 1.0));
    }

    #[test]
    fn gaps_split_lines() {
        let r = runs(&[1.0, f64::NAN, 2.0, 3.0]);
        assert_eq!(r, vec![vec![(0.0, 1.0)], vec![(2.0, 2.0), (3.0, 3.0)]]);
    }

    #[test]
    fn charts_hold_their_data_and_scale() {
        let c = LineChart {
            title: "t".into(),
            x_labels: vec!["08:00".into(), "08:30".into(), "09:00".into()],
            lines: vec![Line::new("SL", color(0), vec![85.0, 88.0, 91.0]).band(vec![(84.0, 86.0); 3])],
            refs: vec![RefLine { name: "target".into(), value: 80.0, right: false }],
            ..Default::default()
        };
        let ch = line_chart(&c).unwrap();
        assert_eq!(ch.points, 3);
        assert!(ch.svg.starts_with("<svg viewBox=\"0 0 900 340\""));
        assert!(ch.svg.contains("<polyline") && ch.svg.contains("<polygon") && ch.svg.contains("08:30"));
        let m = matrix(&Matrix {
            title: "roster".into(),
            rows: vec!["a1".into()],
            cols: vec!["Mon".into(), "Tue".into()],
            cells: vec![vec![Some(0), None]],
            text: vec![vec!["E".into(), String::new()]],
            legend: vec!["E 08:00–16:00".into()],
        })
        .unwrap();
        assert_eq!(m.points, 1);
    }
}
