//! The one markdown table a benchmark run prints, with the date, machine and
//! command above it so the figures can be reproduced and compared.

use crate::machine::{Machine, command_line, load_average, now_utc};

/// One row: what was measured, the figure, and how (notes).
pub struct Row {
    pub what: String,
    pub figure: String,
    pub notes: String,
}

/// A titled table of rows.
pub struct Report {
    title: String,
    rows: Vec<Row>,
    footnotes: Vec<String>,
}

impl Report {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            rows: Vec::new(),
            footnotes: Vec::new(),
        }
    }

    pub fn row(
        &mut self,
        what: impl Into<String>,
        figure: impl Into<String>,
        notes: impl Into<String>,
    ) {
        self.rows.push(Row {
            what: what.into(),
            figure: figure.into(),
            notes: notes.into(),
        });
    }

    /// A line printed under the table.
    pub fn footnote(&mut self, text: impl Into<String>) {
        self.footnotes.push(text.into());
    }

    /// The report as markdown: header lines, the table, the footnotes.
    pub fn render(&self, machine: &Machine) -> String {
        let mut out = format!(
            "### {}\n\nMeasured {} on {}{}.\n\nCommand: `{}`\n\n| what | figure | notes |\n| --- | --- | --- |\n",
            self.title,
            now_utc(),
            machine.describe(),
            load_average().map_or(String::new(), |l| format!(
                " (load average {l:.1} at the end)"
            )),
            command_line()
        );
        for row in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                cell(&row.what),
                cell(&row.figure),
                cell(&row.notes)
            ));
        }
        if !self.footnotes.is_empty() {
            out.push('\n');
            for note in &self.footnotes {
                out.push_str(note);
                out.push('\n');
            }
        }
        out
    }
}

/// A table cell: pipes escaped, no line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_markdown_table() {
        let mut report = Report::new("t");
        report.row("a|b", "1", "n");
        report.footnote("note");
        let machine = Machine {
            cores: 2,
            cpu_model: "cpu".into(),
            ram_gib: 1.0,
        };
        let text = report.render(&machine);
        assert!(text.contains("| a\\|b | 1 | n |\n"));
        assert!(text.contains("2 cores, cpu, 1.0 GiB RAM"));
        assert!(text.ends_with("note\n"));
    }
}
