//! `# migcheck:allow migration-in-deploy-config reason: …` comments in deploy files, and the
//! package.json allow list.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{Hit, INVALID_ALLOW, RULE_ID, UNUSED_ALLOW};
use crate::suppress::{parse_directive, Directive, Scope};
use crate::{Finding, Severity, SourceFile};

struct Entry {
    /// 1-based line of the comment.
    line: usize,
    directive: Directive,
    used: bool,
}

/// The `#` comments of a file that hold directives, and which lines are comment-only.
struct Comments {
    entries: Vec<Entry>,
    comment_only: BTreeSet<usize>,
}

fn collect(file: &SourceFile) -> Comments {
    let mut entries = Vec::new();
    let mut comment_only = BTreeSet::new();
    let mut offset = 0;
    for (i, raw) in file.text.split_inclusive('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim_start().starts_with('#') {
            comment_only.insert(line_no);
        }
        if line.contains("migcheck:allow") {
            for (h, _) in line.match_indices('#') {
                let at_word = h == 0 || line[..h].ends_with(char::is_whitespace);
                if !at_word {
                    continue;
                }
                if let Some(d) = parse_directive(&line[h + 1..], offset + h + 1) {
                    entries.push(Entry {
                        line: line_no,
                        directive: d,
                        used: false,
                    });
                    break;
                }
            }
        }
        offset += raw.len();
    }
    Comments {
        entries,
        comment_only,
    }
}

impl Comments {
    /// The lines whose comments may allow something at `line`: the line itself and the
    /// comment-only lines directly above it.
    fn covering_lines(&self, line: usize) -> impl Iterator<Item = usize> + '_ {
        let mut above = line;
        std::iter::once(line).chain(std::iter::from_fn(move || {
            above = above.checked_sub(1)?;
            self.comment_only.contains(&above).then_some(above)
        }))
    }

    /// Marks and reports whether an honoured directive covers a finding anchored at `lines`.
    fn allows(&mut self, lines: &[usize]) -> bool {
        let mut wanted: BTreeSet<usize> = BTreeSet::new();
        for &l in lines {
            wanted.extend(self.covering_lines(l));
        }
        let mut hit = false;
        for e in &mut self.entries {
            let d = &e.directive;
            if d.reason.is_some()
                && d.rules.iter().any(|r| r == RULE_ID)
                && (d.scope == Scope::File || wanted.contains(&e.line))
            {
                e.used = true;
                hit = true;
            }
        }
        hit
    }
}

/// True when `allowed` (config entries such as `package.json:start` or
/// `apps/web/package.json:db:deploy`) names `script` of `file`.
pub(crate) fn script_allowed(file: &SourceFile, script: &str, allowed: &[String]) -> bool {
    const MARK: &str = "package.json:";
    allowed.iter().any(|entry| {
        let Some(at) = entry.find(MARK) else {
            return false;
        };
        let (path, name) = (&entry[..at + MARK.len() - 1], &entry[at + MARK.len()..]);
        if name != script {
            return false;
        }
        let display = file.display.replace('\\', "/");
        let path = path.strip_prefix("./").unwrap_or(path);
        path == "package.json" || display == path || display.ends_with(&format!("/{path}"))
    })
}

/// Turns hits into findings: drops the allowed ones, reports directives without a reason and
/// directives that silenced nothing. `comments` is false for formats without comments.
pub(crate) fn apply(
    file: &Arc<SourceFile>,
    hits: Vec<Hit>,
    comments: bool,
    allowed_scripts: &[String],
) -> Vec<Finding> {
    let mut c = if comments {
        collect(file)
    } else {
        Comments {
            entries: Vec::new(),
            comment_only: BTreeSet::new(),
        }
    };
    let mut out = Vec::new();
    for h in hits {
        if h.scripts
            .iter()
            .any(|s| script_allowed(file, s, allowed_scripts))
        {
            continue;
        }
        let mut lines: Vec<usize> = h.anchors.iter().map(|&o| file.line_col(o).line).collect();
        lines.push(file.line_col(h.span.start).line);
        if c.allows(&lines) {
            continue;
        }
        out.push(Finding {
            impact: None,
            fix: None,
            suggestion: None,
            rule: RULE_ID,
            severity: Severity::Error,
            file: file.clone(),
            span: h.span,
            message: h.message,
            help: h.help.into(),
        });
    }
    for e in c.entries {
        let d = e.directive;
        if d.reason.is_none() {
            out.push(Finding {
                impact: None,
                fix: None,
                suggestion: None,
                rule: INVALID_ALLOW,
                severity: Severity::Warning,
                file: file.clone(),
                span: d.span,
                message: "`migcheck:allow` without a reason is not honoured: a reason is required"
                    .to_string(),
                help: "Add `reason: <why this is safe>` after the rule ids, e.g. `# migcheck:allow migration-in-deploy-config reason: staging only, reviewed in #123`.".into(),
            });
        } else if !e.used {
            let rules = if d.rules.is_empty() {
                "no rule".to_string()
            } else {
                d.rules.join(", ")
            };
            out.push(Finding {
                impact: None,
                fix: None,
                suggestion: None,
                rule: UNUSED_ALLOW,
                severity: Severity::Warning,
                file: file.clone(),
                span: d.span,
                message: format!("`migcheck:allow` for {rules} silences nothing here"),
                help: "Remove the comment, or put it directly above (or at the end of) the line with the command it allows.".into(),
            });
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}
