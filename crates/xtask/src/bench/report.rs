//! Summaries of benchmark samples (median, min, max; ratios Portico over peer) and the written report:
//! a printed table, `target/bench/report.json`, `target/bench/report.md` and a bar chart `target/bench/chart.svg`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

/// Median, minimum and maximum of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub samples: usize,
}

impl Summary {
    /// `None` when there are no samples.
    pub fn of(samples: &[f64]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let middle = sorted.len() / 2;
        let median = if sorted.len().is_multiple_of(2) {
            (sorted[middle - 1] + sorted[middle]) / 2.0
        } else {
            sorted[middle]
        };
        Some(Self {
            median,
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            samples: sorted.len(),
        })
    }
}

/// The unit a metric is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    Bytes,
    Milliseconds,
    PerSecond,
}

/// One row of the report: a metric for Portico and, where the peer has it, for the peer.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub metric: String,
    pub unit: Unit,
    pub portico: Option<Summary>,
    pub peer: Option<Summary>,
    /// Whether the ratio goes into the chart.
    pub charted: bool,
}

impl Row {
    pub fn new(metric: impl Into<String>, unit: Unit, portico: &[f64], peer: &[f64]) -> Self {
        Self {
            metric: metric.into(),
            unit,
            portico: Summary::of(portico),
            peer: Summary::of(peer),
            charted: false,
        }
    }

    pub fn charted(mut self) -> Self {
        self.charted = true;
        self
    }

    /// Portico's median over the peer's.
    pub fn ratio(&self) -> Option<f64> {
        match (self.portico, self.peer) {
            (Some(portico), Some(peer)) if peer.median > 0.0 => Some(portico.median / peer.median),
            _ => None,
        }
    }
}

/// The machine the figures come from.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub chromium: String,
    pub date: String,
    pub runs: usize,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub machine: Machine,
    pub rows: Vec<Row>,
    /// Isolated remotes (in the `portico` column) against the same remotes trusted (in the `peer` column).
    pub isolation: Vec<Row>,
}

fn show(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Bytes if value >= 1024.0 => format!("{:.1} KB", value / 1024.0),
        Unit::Bytes => format!("{value:.0} B"),
        Unit::Milliseconds => format!("{value:.1} ms"),
        Unit::PerSecond => format!("{value:.0}/s"),
    }
}

fn cell(summary: Option<Summary>, unit: Unit) -> String {
    match summary {
        None => "n/a".to_owned(),
        Some(summary) if summary.samples == 1 || summary.min == summary.max => show(summary.median, unit),
        Some(summary) => {
            format!(
                "{} ({}–{})",
                show(summary.median, unit),
                show(summary.min, unit),
                show(summary.max, unit)
            )
        }
    }
}

/// The report's main table (Portico against the peer) as Markdown.
pub fn markdown_table(report: &Report) -> String {
    rows_table(&report.rows, ["Portico", "Peer", "Portico / peer"])
}

/// The isolated-against-trusted table as Markdown.
pub fn isolation_table(report: &Report) -> String {
    rows_table(&report.isolation, ["Isolated", "Trusted", "isolated / trusted"])
}

/// `rows` as a Markdown table whose value columns are named by `headers` (left side, right side, ratio).
fn rows_table(rows: &[Row], headers: [&str; 3]) -> String {
    let [left, right, ratio] = headers;
    let mut table =
        format!("| Metric | {left} median (min–max) | {right} median (min–max) | {ratio} |\n|---|---:|---:|---:|\n");
    for row in rows {
        let ratio = row
            .ratio()
            .map_or_else(|| "n/a".to_owned(), |ratio| format!("{ratio:.2}×"));
        let _ = writeln!(
            table,
            "| {} | {} | {} | {ratio} |",
            row.metric,
            cell(row.portico, row.unit),
            cell(row.peer, row.unit)
        );
    }
    table
}

/// A horizontal bar chart of every charted row: two bars per metric, scaled to the larger median.
pub fn svg_chart(report: &Report) -> String {
    let rows: Vec<&Row> = report
        .rows
        .iter()
        .filter(|row| row.charted && row.ratio().is_some())
        .collect();
    let (label_width, bar_width, row_height) = (300.0, 420.0, 46.0);
    let height = 40.0 + row_height * rows.len() as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <text x=\"10\" y=\"18\" font-size=\"14\">Portico (blue) vs React + Module Federation peer (grey), medians; shorter is better</text>\n",
        label_width + bar_width + 120.0
    );
    for (index, row) in rows.iter().enumerate() {
        let (portico, peer) = (
            row.portico.expect("charted rows have both").median,
            row.peer.expect("both").median,
        );
        let scale = bar_width / portico.max(peer);
        let y = 32.0 + row_height * index as f64;
        let _ = writeln!(svg, "<text x=\"10\" y=\"{}\">{}</text>", y + 17.0, escape(&row.metric));
        for (offset, value, color) in [(0.0, portico, "#2b6cb0"), (20.0, peer, "#a0aec0")] {
            let _ = writeln!(
                svg,
                "<rect x=\"{label_width}\" y=\"{}\" width=\"{:.1}\" height=\"16\" fill=\"{color}\"/>\
                 <text x=\"{:.1}\" y=\"{}\">{}</text>",
                y + offset,
                value * scale,
                label_width + value * scale + 6.0,
                y + offset + 12.0,
                escape(&show(value, row.unit))
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Writes report.json, report.md and chart.svg into `dir`.
pub fn write(report: &Report, dir: &Path, notes: &str) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(report)?)?;
    std::fs::write(dir.join("chart.svg"), svg_chart(report))?;
    let machine = &report.machine;
    let markdown = format!(
        "# Portico benchmark\n\n{} · {} cores · {} · {} cold runs per product (medians, with min–max)\n\n{}\n\
         ![Portico vs peer](chart.svg)\n\n## Isolated remotes against the same remotes trusted\n\n{}\n{notes}\n",
        machine.date,
        machine.cores,
        machine.chromium,
        machine.runs,
        markdown_table(report),
        isolation_table(report)
    );
    std::fs::write(dir.join("report.md"), markdown)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_sample_counts() {
        assert_eq!(Summary::of(&[3.0, 1.0, 2.0]).unwrap().median, 2.0);
        let even = Summary::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((even.median, even.min, even.max, even.samples), (2.5, 1.0, 4.0, 4));
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn ratio_is_portico_over_peer_and_missing_sides_show_na() {
        let row = Row::new("bytes", Unit::Bytes, &[50.0], &[100.0]);
        assert_eq!(row.ratio(), Some(0.5));
        let portico_only = Row::new("switch", Unit::Milliseconds, &[5.0], &[]);
        assert_eq!(portico_only.ratio(), None);
        let report = Report {
            machine: Machine {
                cores: 2,
                chromium: "Chromium".into(),
                date: "today".into(),
                runs: 1,
            },
            rows: vec![row.clone().charted(), portico_only],
            isolation: vec![row],
        };
        let table = markdown_table(&report);
        let isolation = isolation_table(&report);
        assert!(isolation.starts_with("| Metric | Isolated median"), "{isolation}");
        assert!(isolation.contains("| bytes | 50 B | 100 B | 0.50× |"), "{isolation}");
        assert!(table.contains("| bytes | 50 B | 100 B | 0.50× |"), "{table}");
        assert!(table.contains("| switch | 5.0 ms | n/a | n/a |"), "{table}");
        let svg = svg_chart(&report);
        assert_eq!(svg.matches("<rect").count(), 2, "only rows with both sides are charted");
    }
}
