//! The password file, read as libpq reads it, so that passwords stay off command lines.
//!
//! Modelled on PostgreSQL's `src/interfaces/libpq/fe-connect.c`, functions `passwordFromFile`
//! and `pwdfMatchesString` (and the "The Password File" page of the libpq docs):
//!
//! * the file is `PGPASSFILE`, else `~/.pgpass` (`$HOME`);
//! * it is ignored, with a warning, when it is not a plain file or when group or others have
//!   any access to it (`password file "…" has group or world access; permissions should be
//!   u=rw (0600) or less`);
//! * each line is `hostname:port:database:username:password`; lines starting with `#` are
//!   comments; the first line whose four fields match wins;
//! * a field of exactly `*` matches anything; `\` escapes the next character (`\:` and `\\`),
//!   in the four fields and in the password;
//! * a connection over the default unix socket directory matches `localhost` (`/tmp`, or
//!   `/var/run/postgresql` where packages build libpq with that default).
//!
//! No well-kept standalone crate does this (searched for this change: `postgres_secrets` has a
//! single 1.0.0 release and pulls in `nom`; sqlx keeps its own copy inside `sqlx-postgres`
//! (`src/options/pgpass.rs`), another proxy's copy ignores escapes), so it is written here,
//! small, with the tests below.

use std::path::{Path, PathBuf};

/// The socket directories libpq uses when none is given (`DEFAULT_PGSOCKET_DIR`): `/tmp` in
/// PostgreSQL's own builds, `/var/run/postgresql` in Debian's and Red Hat's packages (also
/// reached as `/run/postgresql`).
const DEFAULT_SOCKET_DIRS: [&str; 3] = ["/tmp", "/var/run/postgresql", "/run/postgresql"];

/// What a lookup needs: where the file is, and what to match.
#[derive(Debug, Clone)]
pub struct Lookup<'a> {
    /// `localhost` for a unix socket in the default directory, else the socket path or the
    /// host name, as given.
    pub host: &'a str,
    pub port: u16,
    pub dbname: &'a str,
    pub user: &'a str,
}

/// The password file: `PGPASSFILE`, else `$HOME/.pgpass`.
pub fn file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(f) = env("PGPASSFILE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(f));
    }
    env("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| Path::new(&h).join(".pgpass"))
}

/// The password for `lookup` from `path`, with libpq's warning when the file was ignored.
/// `(password, warning)`; a missing file is neither.
pub fn lookup(path: &Path, lookup: &Lookup<'_>) -> (Option<String>, Option<String>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return (None, None);
    };
    if !meta.is_file() {
        return (
            None,
            Some(format!(
                "password file \"{}\" is not a plain file",
                path.display()
            )),
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return (
                None,
                Some(format!(
                    "password file \"{}\" has group or world access; permissions should be u=rw (0600) or less",
                    path.display()
                )),
            );
        }
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return (None, None);
    };
    (find(&text, lookup), None)
}

/// The first matching line's password.
pub fn find(text: &str, l: &Lookup<'_>) -> Option<String> {
    let host = if l.host.is_empty() || DEFAULT_SOCKET_DIRS.contains(&l.host) {
        "localhost"
    } else {
        l.host
    };
    let port = l.port.to_string();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut rest = line;
        let mut ok = true;
        for want in [host, port.as_str(), l.dbname, l.user] {
            match matches_field(rest, want) {
                Some(r) => rest = r,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Some(unescape_password(rest));
        }
    }
    None
}

/// `pwdfMatchesString`: when the field at the start of `s` is `*` or equals `want` (with
/// `\` escapes), the text after its `:`.
fn matches_field<'s>(s: &'s str, want: &str) -> Option<&'s str> {
    if let Some(r) = s.strip_prefix("*:") {
        return Some(r);
    }
    let mut want = want.chars();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        let c = match c {
            ':' => {
                return want.next().is_none().then(|| &s[i + 1..]);
            }
            '\\' => match chars.next() {
                Some((_, e)) => e,
                None => return None,
            },
            c => c,
        };
        if want.next() != Some(c) {
            return None;
        }
    }
    None
}

/// The password field: `\` escapes the next character; an unescaped `:` ends it.
fn unescape_password(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ':' => break,
            '\\' => match chars.next() {
                Some(e) => out.push(e),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l<'a>(host: &'a str, port: u16, dbname: &'a str, user: &'a str) -> Lookup<'a> {
        Lookup {
            host,
            port,
            dbname,
            user,
        }
    }

    #[test]
    fn fields_wildcards_escapes_and_order() {
        let text = "# comment:*:*:*:nope\n\
                    db.example.com:5432:shop:app:first\n\
                    db.example.com:*:*:app:second\n\
                    *:*:*:ro:ro\\:pw\\\\x\n\
                    h\\:odd:5432:d:u:colon-host\n\
                    localhost:5433:*:*:local\n";
        assert_eq!(
            find(text, &l("db.example.com", 5432, "shop", "app")).as_deref(),
            Some("first")
        );
        assert_eq!(
            find(text, &l("db.example.com", 6543, "other", "app")).as_deref(),
            Some("second"),
            "the first line that matches wins; * matches any port and database"
        );
        assert_eq!(
            find(text, &l("anywhere", 1, "x", "ro")).as_deref(),
            Some("ro:pw\\x"),
            "\\: and \\\\ in the password"
        );
        assert_eq!(
            find(text, &l("h:odd", 5432, "d", "u")).as_deref(),
            Some("colon-host")
        );
        // The default socket directory is `localhost`; another socket path is itself.
        assert_eq!(
            find(text, &l("/tmp", 5433, "d", "u")).as_deref(),
            Some("local")
        );
        assert_eq!(
            find(text, &l("/var/run/postgresql", 5433, "d", "u")).as_deref(),
            Some("local")
        );
        assert_eq!(find(text, &l("/srv/pg", 5433, "d", "u")), None);
        assert_eq!(find(text, &l("db.example.com", 5432, "shop", "bob")), None);
        // A field that is not exactly `*` is literal.
        assert_eq!(find("a*:*:*:*:p\n", &l("ab", 1, "d", "u")), None);
        assert_eq!(
            find("a*:*:*:*:p\r\n", &l("a*", 1, "d", "u")).as_deref(),
            Some("p")
        );
        // Too few fields never match.
        assert_eq!(find("h:5432:d\n", &l("h", 5432, "d", "u")), None);
    }

    #[cfg(unix)]
    #[test]
    fn group_or_world_readable_files_are_ignored_with_libpqs_warning() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:secret\n").unwrap();
        let want = l("h", 5432, "d", "u");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (pw, warning) = lookup(&path, &want);
        assert_eq!(pw, None);
        let warning = warning.unwrap();
        assert!(
            warning
                .contains("has group or world access; permissions should be u=rw (0600) or less"),
            "{warning}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(lookup(&path, &want), (Some("secret".into()), None));
        // A directory is not a password file; a missing file says nothing.
        assert!(lookup(dir.path(), &want)
            .1
            .unwrap()
            .contains("not a plain file"));
        assert_eq!(lookup(&dir.path().join("none"), &want), (None, None));
    }

    #[test]
    fn pgpassfile_wins_over_home() {
        let env = |k: &str| match k {
            "PGPASSFILE" => Some("/x/pw".to_string()),
            "HOME" => Some("/home/me".to_string()),
            _ => None,
        };
        assert_eq!(file(&env), Some(PathBuf::from("/x/pw")));
        let env = |k: &str| (k == "HOME").then(|| "/home/me".to_string());
        assert_eq!(file(&env), Some(PathBuf::from("/home/me/.pgpass")));
    }
}
