//! The HTML report (`--report FILE.html`): one self-contained page — inline CSS (screen and
//! A4 print), charts as inline SVG, no script, font, image or other file fetched (a
//! Content-Security-Policy forbids it) — with sections chosen by the audience. This module
//! owns the page and its building blocks; `run.rs` the sections of a run's result, and
//! `commands.rs` those of `compare`, `sweep`, `staff`, `optimize` and `schedule`, `variance.rs`
//! that of `variance`.

pub mod chart;
mod commands;
mod run;
mod variance;

pub use self::commands::{compare_report, optimize_report, schedule_report, short_day, staff_report, sweep_report};
pub use self::run::{run_report, run_sections};
pub use self::variance::variance_report;

use super::status::Status;
use std::fmt::Write as _;

/// Who a report is for: which sections it holds. The numbers are the same for every audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// Every section.
    #[default]
    All,
    /// The floor: interval and group detail.
    Ops,
    /// The client: the contract KPIs and their compliance per day.
    Client,
    /// Management: cost, cost per handled call, hours and FTE, risk, the cheapest compliant
    /// option.
    Management,
}

impl Audience {
    /// Holds the floor's sections.
    pub fn ops(self) -> bool {
        matches!(self, Audience::All | Audience::Ops)
    }
    /// Holds the client's sections.
    pub fn client(self) -> bool {
        matches!(self, Audience::All | Audience::Client)
    }
    /// Holds management's sections.
    pub fn management(self) -> bool {
        matches!(self, Audience::All | Audience::Management)
    }
    /// The name the report prints.
    pub fn name(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Ops => "operations",
            Audience::Client => "client",
            Audience::Management => "management",
        }
    }
}

/// `text` with `&`, `<`, `>` and `"` escaped for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A table cell: text, right-aligned when a number, coloured by a status.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// What it shows.
    pub text: String,
    /// Right-aligned (a number).
    pub num: bool,
    /// Green / amber / red, when judged against a target.
    pub status: Option<Status>,
}

impl Cell {
    /// A text cell.
    pub fn text(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), num: false, status: None }
    }
    /// A number cell.
    pub fn num(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), num: true, status: None }
    }
    /// A number cell judged against a target.
    pub fn judged(t: impl Into<String>, status: Option<Status>) -> Cell {
        Cell { text: t.into(), num: true, status }
    }
}

/// A report page being built: sections of headlines, tables and charts.
#[derive(Debug)]
pub struct Page {
    title: String,
    meta: Vec<String>,
    body: String,
    in_section: bool,
    /// Charts placed so far.
    pub charts: usize,
}

const CSS: &str = "
:root{--good:#d7f0d2;--warn:#fff0bf;--bad:#f9d0cf;--ink:#222;--muted:#666}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:1.2rem 1.5rem;line-height:1.4}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.25rem;border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.meta{color:var(--muted);font-size:.9rem;margin:.1rem 0}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid #d8d8d8;padding:.25rem .5rem;vertical-align:top}th{background:#f3f3f3;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.meets{background:var(--good)}.near{background:var(--warn)}.misses{background:var(--bad)}
.headline{font-size:1.02rem;margin:.4rem 0;padding:.45rem .7rem;border-left:6px solid #bbb;background:#fafafa}
.headline.meets{border-left-color:#2ca02c;background:var(--good)}.headline.near{border-left-color:#e0a800;background:var(--warn)}.headline.misses{border-left-color:#d62728;background:var(--bad)}
figure.chart{margin:.8rem 0 1.4rem;break-inside:avoid;page-break-inside:avoid}
figure.chart svg{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:.85rem;margin-top:.2rem}
.legend span{display:inline-block;padding:.05rem .5rem;margin-right:.4rem;border-radius:3px}
footer{margin-top:2rem;color:var(--muted);font-size:.8rem;border-top:1px solid #ddd;padding-top:.4rem}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-after:avoid;page-break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}.headline{-webkit-print-color-adjust:exact;print-color-adjust:exact}td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

impl Page {
    /// A page titled `title`, with `meta` lines under the title (scenario, run settings).
    pub fn new(title: &str, meta: Vec<String>) -> Page {
        Page { title: title.to_string(), meta, body: String::new(), in_section: false, charts: 0 }
    }

    /// Starts a section (closing the previous one): `id` for links, `title` shown.
    pub fn section(&mut self, id: &str, title: &str) {
        self.close_section();
        let _ = write!(self.body, "<section id=\"{}\">\n<h2>{}</h2>\n", esc(id), esc(title));
        self.in_section = true;
    }

    fn close_section(&mut self) {
        if self.in_section {
            self.body.push_str("</section>\n");
            self.in_section = false;
        }
    }

    /// A sub-heading.
    pub fn h3(&mut self, text: &str) {
        let _ = writeln!(self.body, "<h3>{}</h3>", esc(text));
    }

    /// A paragraph of plain text.
    pub fn para(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p>{}</p>", esc(text));
    }

    /// A headline sentence, coloured by its status.
    pub fn headline(&mut self, status: Option<Status>, text: &str) {
        let class = status.map_or("", Status::word);
        let _ = writeln!(self.body, "<p class=\"headline {class}\">{}</p>", esc(text));
    }

    /// The colour legend of judged cells, with the amber margin.
    pub fn legend(&mut self, amber_margin: f64) {
        let _ = writeln!(
            self.body,
            "<p class=\"legend meta\"><span class=\"meets\">meets its target ✓</span><span class=\"near\">its CI spans the target, or it misses by at most {:.0} % of the target ~</span><span class=\"misses\">misses by more ✗</span> (a mean that meets the target is green only when its 95 % CI does not reach the other side: a rerun may judge it otherwise)</p>",
            amber_margin * 100.0
        );
    }

    /// A table with a caption, a header row and rows of cells.
    pub fn table(&mut self, caption: &str, header: &[&str], rows: &[Vec<Cell>]) {
        let _ = write!(self.body, "<table>\n<caption>{}</caption>\n<thead><tr>", esc(caption));
        for h in header {
            let _ = write!(self.body, "<th>{}</th>", esc(h));
        }
        self.body.push_str("</tr></thead>\n<tbody>\n");
        for r in rows {
            self.body.push_str("<tr>");
            for c in r {
                let mut class = Vec::new();
                if c.num {
                    class.push("n");
                }
                if let Some(s) = c.status {
                    class.push(s.word());
                }
                // the status in words too, for print in black and white and for screen readers
                let mark = c.status.map_or("", |s| match s {
                    Status::Green => " ✓",
                    Status::Amber => " ~",
                    Status::Red => " ✗",
                });
                if class.is_empty() {
                    let _ = write!(self.body, "<td>{}</td>", esc(&c.text));
                } else {
                    let _ = write!(self.body, "<td class=\"{}\">{}{mark}</td>", class.join(" "), esc(&c.text));
                }
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</tbody>\n</table>\n");
    }

    /// A chart with its caption; a chart that could not be drawn or has no data becomes a
    /// note saying so.
    pub fn chart(&mut self, chart: Result<chart::Chart, String>, caption: &str) {
        match chart {
            Ok(c) if c.points > 0 => {
                let _ = write!(
                    self.body,
                    "<figure class=\"chart\" data-points=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                    c.points,
                    c.svg,
                    esc(caption)
                );
                self.charts += 1;
            }
            Ok(_) => {
                let _ = writeln!(self.body, "<p class=\"meta\">No data to chart: {}</p>", esc(caption));
            }
            Err(e) => {
                let _ = writeln!(self.body, "<p class=\"meta\">Chart not drawn ({}): {}</p>", esc(&e), esc(caption));
            }
        }
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.close_section();
        let mut out = String::with_capacity(self.body.len() + 4096);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
        );
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(out, "<title>{}</title>", esc(&self.title));
        let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>", esc(&self.title));
        for m in &self.meta {
            let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(m));
        }
        out.push_str("</header>\n<main>\n");
        out.push_str(&self.body);
        let _ = writeln!(
            out,
            "</main>\n<footer>ccsim {} · numbers are means over the replications with 95 % confidence intervals (±half-width)</footer>\n</body>\n</html>",
            env!("CARGO_PKG_VERSION")
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_and_close_sections() {
        let mut p = Page::new("a <b>", vec!["x & y".into()]);
        p.section("s", "One");
        p.table("t", &["h"], &[vec![Cell::judged("1", Some(Status::Red))]]);
        p.section("s2", "Two");
        let html = p.finish();
        assert!(html.contains("<title>a &lt;b&gt;</title>") && html.contains("x &amp; y"));
        assert_eq!(html.matches("<section").count(), html.matches("</section>").count());
        assert!(html.contains("<td class=\"n misses\">1 ✗</td>"));
        assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    }
}
