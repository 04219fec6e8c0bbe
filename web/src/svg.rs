//! Inline SVG charts, drawn on the server: a bar chart (the date histogram
//! of a search, an entity's documents over time) and a small star graph of
//! co-occurring entities. Inline SVG needs no script and no image request,
//! and its `<title>` elements and the text beside each chart keep the
//! figures readable without seeing the drawing. Presentation goes through
//! attributes and classes only: the Content-Security-Policy forbids inline
//! `style`.

use dossier_kit::civil::{civil_from_days, days_from_civil};
use maud::{Markup, html};

/// One bar: its label (a date), its count and where a click leads.
pub struct Bar {
    pub label: String,
    pub count: u64,
    pub href: String,
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 120.0;
const AXIS: f64 = 18.0;
/// A bar is never wider than this, so two days do not fill the chart.
const MAX_SLOT: f64 = 40.0;
/// Gaps are filled only up to this many bars (beyond, the drawing would be
/// larger than the page it sits in).
const MAX_FILLED: usize = 800;

/// How far apart histogram buckets are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Day,
    Week,
    Month,
}

/// The buckets of a date histogram (`YYYY-MM-DD…` starts, ascending) with
/// the empty ones between them added as zero, so time reads evenly along
/// the axis. Labels that are not dates are left as they are.
pub fn fill_gaps(buckets: Vec<(String, u64)>, step: Step) -> Vec<(String, u64)> {
    let days: Option<Vec<i64>> = buckets.iter().map(|(label, _)| day_number(label)).collect();
    let Some(days) = days else { return buckets };
    let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
        return buckets;
    };
    let mut out = Vec::new();
    let mut at = first;
    let mut next_known = 0;
    while at <= last && out.len() < MAX_FILLED {
        let mut count = 0;
        while next_known < days.len() && days[next_known] <= at {
            if days[next_known] == at {
                count += buckets[next_known].1;
            }
            next_known += 1;
        }
        out.push((day_label(at), count));
        at = advance(at, step);
    }
    if at <= last { buckets } else { out }
}

fn day_number(label: &str) -> Option<i64> {
    let day = label.get(..10)?;
    let y: i64 = day.get(0..4)?.parse().ok()?;
    let m: u32 = day.get(5..7)?.parse().ok()?;
    let d: u32 = day.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

fn day_label(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn advance(days: i64, step: Step) -> i64 {
    match step {
        Step::Day => days + 1,
        Step::Week => days + 7,
        Step::Month => {
            let (y, m, _) = civil_from_days(days);
            let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            days_from_civil(y, m, 1)
        }
    }
}

/// A bar chart scaled to the largest bar, with the first and last labels
/// under the axis. `caption` describes the chart for screen readers.
pub fn bar_chart(caption: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let slot = (WIDTH / bars.len().max(1) as f64).min(MAX_SLOT);
    let gap = if slot > 4.0 { 1.0 } else { 0.0 };
    let plot = HEIGHT - AXIS;
    html! {
        svg.chart viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(caption)
            preserveAspectRatio="none" {
            title { (caption) }
            @for (i, bar) in bars.iter().enumerate() {
                @let h = (bar.count as f64 / max * (plot - 2.0)).max(if bar.count > 0 { 1.0 } else { 0.0 });
                a href=(bar.href) {
                    rect.bar x=(fmt(i as f64 * slot)) y=(fmt(plot - h)) width=(fmt(slot - gap))
                        height=(fmt(h)) {
                        title { (bar.label) ": " (bar.count) }
                    }
                    // An invisible full-height target, so thin bars can be clicked.
                    rect.hit x=(fmt(i as f64 * slot)) y="0" width=(fmt(slot)) height=(fmt(plot))
                        fill="transparent" {
                        title { (bar.label) ": " (bar.count) }
                    }
                }
            }
            // Closed, not void: inside <svg> an HTML parser takes `<line>`
            // without `</line>` as open, and draws nothing after it.
            line.axis x1="0" y1=(fmt(plot)) x2=(fmt(WIDTH)) y2=(fmt(plot)) {}
            @if let (Some(first), Some(last)) = (bars.first(), bars.last()) {
                text.label x="0" y=(fmt(HEIGHT - 4.0)) { (first.label) }
                @if bars.len() > 1 {
                    text.label x=(fmt(slot * bars.len() as f64)) y=(fmt(HEIGHT - 4.0)) text-anchor="end" { (last.label) }
                }
            }
        }
    }
}

/// One neighbour of the star graph.
pub struct Node {
    pub label: String,
    pub type_name: &'static str,
    pub count: u64,
    pub href: String,
}

const GRAPH: f64 = 320.0;

/// The entity in the middle, its co-occurring entities on a circle around
/// it, each edge as thick as the documents they share (relative to the
/// largest). Nodes are links to the entities' pages.
pub fn star_graph(center: &str, nodes: &[Node]) -> Markup {
    let c = GRAPH / 2.0;
    let r = GRAPH / 2.0 - 40.0;
    let max = nodes.iter().map(|n| n.count).max().unwrap_or(0).max(1) as f64;
    let n = nodes.len().max(1) as f64;
    let caption = format!(
        "{center} and the {} entities most named with it",
        nodes.len()
    );
    html! {
        svg.graph viewBox={ "0 0 " (GRAPH) " " (GRAPH) } width=(GRAPH) height=(GRAPH) role="img" aria-label=(caption) {
            title { (caption) }
            @for (i, node) in nodes.iter().enumerate() {
                @let angle = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
                @let (x, y) = (c + r * angle.cos(), c + r * angle.sin());
                line.edge x1=(fmt(c)) y1=(fmt(c)) x2=(fmt(x)) y2=(fmt(y))
                    stroke-width=(fmt(1.0 + 5.0 * node.count as f64 / max)) {}
            }
            circle.centre cx=(fmt(c)) cy=(fmt(c)) r="8" { title { (center) } }
            text.node-label x=(fmt(c)) y=(fmt(c + 22.0)) text-anchor="middle" { (short(center)) }
            @for (i, node) in nodes.iter().enumerate() {
                @let angle = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
                @let (x, y) = (c + r * angle.cos(), c + r * angle.sin());
                a href=(node.href) {
                    circle class={ "node t-" (node.type_name.to_ascii_lowercase()) }
                        cx=(fmt(x)) cy=(fmt(y)) r="6" {
                        title { (node.label) " (" (node.type_name) "): " (node.count) " shared documents" }
                    }
                    text.node-label x=(fmt(x)) y=(fmt(y + 18.0)) text-anchor="middle" { (short(&node.label)) }
                }
            }
        }
    }
}

/// Labels longer than this are cut, so they stay inside the drawing.
const LABEL_CHARS: usize = 18;

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{cut}…")
}

/// One decimal place: enough for a drawing, and short markup.
fn fmt(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let bars = vec![
            Bar {
                label: "2026-03-02".into(),
                count: 1,
                href: "/search?q=a".into(),
            },
            Bar {
                label: "<b>".into(),
                count: 4,
                href: "/search?q=b".into(),
            },
        ];
        let svg = bar_chart("Articles per day", &bars).into_string();
        assert!(svg.contains("height=\"100\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;: 4"));
        assert!(!svg.contains("<b>"));
        assert_eq!(
            bar_chart("none", &[])
                .into_string()
                .matches("<rect")
                .count(),
            0
        );
    }

    /// HTML parsers take a childless SVG element written as a void tag
    /// (`<line …>`) as open, and draw nothing after it: every element the
    /// drawings use is closed.
    #[test]
    fn every_drawn_element_is_closed() {
        let bars = vec![Bar {
            label: "2026-03-02".into(),
            count: 1,
            href: "/a".into(),
        }];
        let nodes = vec![
            Node {
                label: "Riga".into(),
                type_name: "GPE",
                count: 3,
                href: "/entities/a".into(),
            },
            Node {
                label: "Ann".into(),
                type_name: "PERSON",
                count: 1,
                href: "/entities/b".into(),
            },
        ];
        for svg in [
            bar_chart("c", &bars).into_string(),
            star_graph("Centre", &nodes).into_string(),
        ] {
            for tag in ["line", "rect", "circle", "text", "a", "title"] {
                assert_eq!(
                    svg.matches(&format!("<{tag} ")).count()
                        + svg.matches(&format!("<{tag}>")).count(),
                    svg.matches(&format!("</{tag}>")).count(),
                    "<{tag}> left open in {svg}"
                );
            }
        }
    }

    #[test]
    fn gaps_are_filled_with_zeros() {
        let filled = fill_gaps(
            vec![
                ("2026-02-27T00:00:00Z".into(), 2),
                ("2026-03-02T00:00:00Z".into(), 1),
            ],
            Step::Day,
        );
        let labels: Vec<&str> = filled.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]
        );
        assert_eq!(filled.iter().map(|(_, c)| c).sum::<u64>(), 3);
        let months = fill_gaps(
            vec![("2025-11-01".into(), 1), ("2026-02-01".into(), 1)],
            Step::Month,
        );
        assert_eq!(months.len(), 4);
        let odd = vec![("not a date".to_string(), 1)];
        assert_eq!(fill_gaps(odd.clone(), Step::Week), odd);
    }

    #[test]
    fn graph_links_every_node() {
        let nodes = vec![Node {
            label: "A very long organisation name indeed".into(),
            type_name: "ORG",
            count: 3,
            href: "/entities/e1".into(),
        }];
        let svg = star_graph("Centre", &nodes).into_string();
        assert!(svg.contains("href=\"/entities/e1\""));
        assert!(svg.contains("A very long organ…"));
        assert!(svg.contains("class=\"node t-org\""));
    }
}
