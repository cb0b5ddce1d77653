//! Dockerfiles: `RUN` (image build), `CMD` and `ENTRYPOINT` (container start), in shell form and
//! JSON exec form, with line continuations, comments, the `# escape=` directive, `ONBUILD` and
//! `RUN <<EOF` here-documents.

use std::ops::Range;
use std::path::Path;

use super::located::{Builder, Located};
use super::shell;
use super::{error_at, file_name, Ctx, DeployError, Hit, Paths, Place};

const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// One physical line: its byte range without the line break.
struct Line<'a> {
    at: usize,
    text: &'a str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        out.push(Line {
            at: offset,
            text: raw.trim_end_matches(['\n', '\r']),
        });
        offset += raw.len();
    }
    out
}

/// The escape character set by a `# escape=` parser directive at the top of the file.
fn escape_char(lines: &[Line<'_>]) -> char {
    for l in lines {
        let t = l.text.trim();
        let Some(rest) = t.strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = rest.split_once('=') else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if key == "escape" {
            return if value.trim() == "`" { '`' } else { '\\' };
        }
        if key != "syntax" && key != "check" {
            break;
        }
    }
    '\\'
}

pub(crate) fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Hit>) -> Result<(), DeployError> {
    let file = ctx.file;
    let lines = lines(&file.text);
    let escape = escape_char(&lines);
    let mut i = 0;
    while i < lines.len() {
        let first = &lines[i];
        let t = first.text.trim_start();
        if t.is_empty() || t.starts_with('#') {
            i += 1;
            continue;
        }
        // Gather the logical line.
        let mut b = Builder::default();
        let mut end = first.at;
        loop {
            let l = &lines[i];
            i += 1;
            let trimmed = l.text.trim_start();
            let is_first = l.at == first.at;
            if !is_first && (trimmed.is_empty() || trimmed.starts_with('#')) {
                if i >= lines.len() {
                    break;
                }
                continue;
            }
            let body = l.text.trim_end();
            end = l.at + l.text.len();
            if let Some(cont) = body.strip_suffix(escape) {
                b.verbatim(l.at, cont);
                if i >= lines.len() {
                    break;
                }
            } else {
                b.verbatim(l.at, l.text);
                break;
            }
        }
        let logical = b.finish(first.at..end);
        let heredocs = instruction(ctx, &logical, 0, out)?;
        // Here-documents: the lines after the instruction, up to each terminator.
        for doc in heredocs {
            let mut body = Builder::default();
            let start = lines.get(i).map_or(file.text.len(), |l| l.at);
            let mut closed = false;
            while i < lines.len() {
                let l = &lines[i];
                i += 1;
                let candidate = if doc.strip_tabs {
                    l.text.trim_start_matches('\t')
                } else {
                    l.text
                };
                if candidate == doc.word {
                    closed = true;
                    break;
                }
                body.verbatim(l.at, l.text);
                body.verbatim(l.at + l.text.len(), "\n");
            }
            if !closed {
                return Err(error_at(
                    file,
                    first.at,
                    format!("here-document `{}` is never closed", doc.word),
                ));
            }
            if let Some(place) = doc.place {
                let located = body.finish(start..start);
                let items = ctx.analyze(&located.text);
                ctx.report(&place, &items, &|r| located.span(r), out);
            }
        }
    }
    Ok(())
}

/// A here-document opened by an instruction.
struct Heredoc {
    word: String,
    strip_tabs: bool,
    /// Where to report its commands; `None` when its body is not a script (`COPY <<EOF`,
    /// `RUN cat <<EOF > file`).
    place: Option<Place>,
}

fn instruction(
    ctx: &mut Ctx<'_>,
    logical: &Located,
    depth: usize,
    out: &mut Vec<Hit>,
) -> Result<Vec<Heredoc>, DeployError> {
    let file = ctx.file;
    let text = logical.text.as_str();
    let lead = text.len() - text.trim_start().len();
    let word_end = text[lead..]
        .find(char::is_whitespace)
        .map_or(text.len(), |e| lead + e);
    let word = &text[lead..word_end];
    let upper = word.to_ascii_uppercase();
    let at = logical.span(lead..word_end).start;
    if !INSTRUCTIONS.contains(&upper.as_str()) {
        let shown: String = word.chars().take(40).collect();
        return Err(error_at(
            file,
            at,
            format!("unknown Dockerfile instruction `{shown}`"),
        ));
    }
    let args_start = word_end + (text[word_end..].len() - text[word_end..].trim_start().len());
    if upper == "ONBUILD" && depth == 0 {
        let inner = sub_located(logical, args_start..text.len());
        return instruction(ctx, &inner, depth + 1, out);
    }
    if depth == 0 {
        track_paths(&mut ctx.paths, &upper, &text[args_start..]);
    }
    if !matches!(
        upper.as_str(),
        "RUN" | "CMD" | "ENTRYPOINT" | "COPY" | "ADD"
    ) {
        return Ok(Vec::new());
    }
    // Flags: `RUN --mount=type=cache,target=/root/.npm npm ci`.
    let mut args_at = args_start;
    while text[args_at..].starts_with("--") {
        let e = text[args_at..]
            .find(char::is_whitespace)
            .map_or(text.len(), |e| args_at + e);
        args_at = e + (text[e..].len() - text[e..].trim_start().len());
    }
    let args = &text[args_at..];
    let name = file_name(file);
    // `RUN` runs at image build, where the production database is not reachable (builders get
    // no runtime secrets), and a Dockerfile for local development never reaches it: neither is
    // reported. Only what runs when a deployed container starts is.
    let reported = upper != "RUN" && depth == 0 && !is_dev_dockerfile(&file.path);
    let (when, what) = match upper.as_str() {
        "RUN" => ("every image build", "RUN"),
        "CMD" => ("every container start", "CMD"),
        "ENTRYPOINT" => ("every container start", "ENTRYPOINT"),
        _ => ("", ""),
    };
    let place = || Place {
        subject: format!("{name} {what} instruction"),
        when: when.to_string(),
        fix: format!("remove it from the {what} instruction"),
        anchors: vec![at],
        scripts: Vec::new(),
    };
    let docs = heredocs(args);
    // A COPY/ADD here-document is file content, and an instruction that is not reported still
    // has its here-documents read to find where the next instruction starts.
    if upper == "COPY" || upper == "ADD" || !reported {
        return Ok(docs
            .into_iter()
            .map(|(word, strip_tabs)| Heredoc {
                word,
                strip_tabs,
                place: None,
            })
            .collect());
    }
    if args.trim_start().starts_with('[') {
        if let Ok(words) = serde_json::from_str::<Vec<String>>(args.trim()) {
            let span = logical.span(args_at..text.trim_end().len());
            let items = ctx.analyze_words(&words, span);
            ctx.report(&place(), &items, &|r| r, out);
            return Ok(Vec::new());
        }
    }
    let located = sub_located(logical, args_at..text.len());
    let items = ctx.analyze(&located.text);
    ctx.report(&place(), &items, &|r| located.span(r), out);
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    // `RUN <<EOF`, `RUN bash -e <<EOF`: the body is the script. Otherwise (`RUN cat <<EOF >
    // f`) it is data.
    let before = args[..args.find("<<").unwrap_or(0)].trim();
    let is_script = before.is_empty()
        || matches!(
            shell::program_name(before.split_whitespace().next().unwrap_or("")),
            "sh" | "bash" | "dash" | "ash" | "zsh"
        );
    Ok(docs
        .into_iter()
        .map(|(word, strip_tabs)| Heredoc {
            word,
            strip_tabs,
            place: is_script.then(place),
        })
        .collect())
}

/// A Dockerfile for local development or tests, by its name (`Dockerfile.dev`,
/// `dev.Dockerfile`, `Dockerfile.test`) or its folder (`.devcontainer/`): its container never
/// runs against the production database.
pub(crate) fn is_dev_dockerfile(path: &Path) -> bool {
    const DEV: &[&str] = &["dev", "development", "local", "test", "tests", "e2e", "ci"];
    if path.components().any(|c| c.as_os_str() == ".devcontainer") {
        return true;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let marker = name
        .strip_prefix("dockerfile.")
        .or_else(|| name.strip_suffix(".dockerfile"))
        .or_else(|| name.strip_prefix("containerfile."));
    marker.is_some_and(|m| m.split(['.', '-', '_']).any(|p| DEV.contains(&p)))
}

/// Follows `FROM`, `WORKDIR`, `COPY` and `ADD` so that a path in `CMD` can be found in the
/// build context (`COPY ./docker/start.sh /app/start.sh` then `CMD ["sh", "start.sh"]`).
fn track_paths(paths: &mut Paths, upper: &str, args: &str) {
    let absolute = |workdir: &str, p: &str| {
        if p.starts_with('/') {
            p.to_string()
        } else {
            let p = p.strip_prefix("./").unwrap_or(p);
            let p = if p == "." { "" } else { p };
            format!("{}/{p}", workdir.trim_end_matches('/'))
        }
    };
    match upper {
        "FROM" => {
            paths.workdir = "/".into();
            paths.copies.clear();
        }
        "WORKDIR" => {
            let w = args.trim().trim_matches('"');
            if !w.is_empty() && !w.contains('$') {
                paths.workdir = absolute(&paths.workdir, w);
            }
        }
        "COPY" | "ADD" => {
            let mut words: Vec<String> = if args.trim_start().starts_with('[') {
                serde_json::from_str(args.trim()).unwrap_or_default()
            } else {
                args.split_whitespace().map(str::to_string).collect()
            };
            // Flags; a copy from another stage or image is not from the build context.
            if words.iter().any(|w| w.starts_with("--from")) || args.contains("<<") {
                return;
            }
            words.retain(|w| !w.starts_with("--"));
            if words.len() < 2 {
                return;
            }
            let dest = words.pop().unwrap_or_default();
            let dest = absolute(&paths.workdir, &dest);
            paths.copies.push((words, dest));
        }
        _ => {}
    }
}

/// The part `r` of a located string, still located.
fn sub_located(l: &Located, r: Range<usize>) -> Located {
    let mut b = Builder::default();
    let text = &l.text[r.clone()];
    let mut run_start = 0;
    let mut prev_end: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let span = l.span(r.start + i..r.start + i + c.len_utf8());
        if prev_end != Some(span.start) && i > run_start {
            let s = l.span(r.start + run_start..r.start + i);
            b.verbatim(s.start, &text[run_start..i]);
            run_start = i;
        }
        prev_end = Some(span.end);
    }
    if run_start < text.len() {
        let s = l.span(r.start + run_start..r.end);
        b.verbatim(s.start, &text[run_start..]);
    }
    let whole = l.span(r);
    b.finish(whole)
}

/// The here-document words opened in `args`: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`.
fn heredocs(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(p) = rest.find("<<") {
        let mut s = &rest[p + 2..];
        let strip_tabs = s.starts_with('-');
        if strip_tabs {
            s = &s[1..];
        }
        let s = s.trim_start_matches(['"', '\'']);
        let word: String = s
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() {
            out.push((word.clone(), strip_tabs));
        }
        rest = &s[word.len()..];
    }
    out
}
