//! Output formats: one small module per format, all rendering the same [`Report`].

use crate::lint::Report;

pub mod human;
pub mod json;

/// Where rule documentation lives online.
pub const DOCS_URL: &str = "https://github.com/migcheck/migcheck/blob/main/rules";

/// The documentation link of a rule.
pub fn rule_url(id: &str) -> String {
    format!("{DOCS_URL}/{id}.md")
}

/// The output formats of `migcheck check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// Options that change how a report looks, never what it says.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// ANSI colours (the CLI decides: a terminal and no `NO_COLOR`).
    pub color: bool,
}

pub fn render(format: Format, report: &Report, opts: RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, opts),
        Format::Json => json::render(report),
    }
}
