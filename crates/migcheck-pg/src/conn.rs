//! Where and how to connect: URL / `DATABASE_URL` / libpq environment variables, TLS modes,
//! and one-line error messages that never contain the password.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Connect timeout used when neither the URL, the environment nor the caller sets one.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The mask shown instead of a password.
pub const PASSWORD_MASK: &str = "****";

/// How TLS is negotiated, as libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    /// Plain connection only.
    Disable,
    /// Treated as `prefer` (TLS when the server offers it).
    Allow,
    /// TLS when the server offers it; plain only when the server says it has no TLS.
    /// The certificate is not checked.
    #[default]
    Prefer,
    /// TLS or fail; the certificate is not checked (like libpq), unless `sslrootcert` is
    /// given, in which case the chain is checked as with `verify-ca` (also like libpq).
    Require,
    /// TLS, the certificate chain must lead to a trusted CA; the host name is not checked.
    VerifyCa,
    /// TLS, chain and host name are checked.
    VerifyFull,
}

impl SslMode {
    pub fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    fn requires_tls(self) -> bool {
        matches!(
            self,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull
        )
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The server's address: a TCP host name / IP, or a directory holding the unix socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Tcp(String),
    Unix(PathBuf),
}

impl Host {
    fn from_value(v: &str) -> Host {
        if v.starts_with('/') {
            Host::Unix(PathBuf::from(v))
        } else {
            Host::Tcp(v.to_string())
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Tcp(h) => f.write_str(h),
            Host::Unix(p) => write!(f, "{}", p.display()),
        }
    }
}

/// Everything needed to open one connection. The password is private and is never printed:
/// `Debug` and [`ConnectionConfig::display`] mask it.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionConfig {
    pub host: Host,
    pub port: u16,
    pub user: String,
    password: Option<String>,
    pub dbname: String,
    pub sslmode: SslMode,
    /// A PEM file with the CA certificate(s) to trust (instead of the built-in web roots).
    pub sslrootcert: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub application_name: Option<String>,
    /// Server options sent at start-up (libpq `options`, e.g. `-c search_path=x`).
    pub options: Option<String>,
    /// Query parameters of the URL that were not understood and were ignored
    /// (e.g. Prisma's `pgbouncer=true`, `schema=public`).
    pub ignored_params: Vec<String>,
    /// Warnings for the user made while resolving (libpq's about an unsafe password file).
    pub warnings: Vec<String>,
}

impl fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| PASSWORD_MASK))
            .field("dbname", &self.dbname)
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("connect_timeout", &self.connect_timeout)
            .field("application_name", &self.application_name)
            .field("options", &self.options)
            .finish()
    }
}

/// Characters escaped in the user, password and database parts of a displayed URL.
const URL_PART: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'&')
    .add(b'=')
    .add(b'+');

/// Characters escaped in query parameter values of a displayed URL (paths stay readable).
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'=')
    .add(b'<')
    .add(b'>')
    .add(b'`');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, URL_PART).to_string()
}

/// Decodes one percent-encoded part of the URL. `field` names the part in errors (the value
/// itself is never shown: it may be the password).
fn dec(s: &str, field: &str) -> Result<String, PgError> {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return Err(PgError::InvalidUrl(format!(
                "malformed percent-escape in the {field} of the URL (a % must be followed by two hex digits; write a literal % as %25)"
            )));
        }
    }
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| {
            PgError::InvalidUrl(format!(
                "the {field} of the URL is not valid UTF-8 once percent-decoded"
            ))
        })
}

/// Values read from a URL before the environment and defaults fill the gaps.
#[derive(Default)]
struct Partial {
    host: Option<String>,
    port: Option<String>,
    user: Option<String>,
    password: Option<String>,
    dbname: Option<String>,
    sslmode: Option<String>,
    sslrootcert: Option<String>,
    connect_timeout: Option<String>,
    application_name: Option<String>,
    options: Option<String>,
    ignored: Vec<String>,
}

fn parse_url(url: &str) -> Result<Partial, PgError> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or_else(|| {
            PgError::InvalidUrl("the URL must start with postgres:// or postgresql://".into())
        })?;
    let mut p = Partial::default();
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.split_once('/') {
        Some((a, d)) => (a, Some(d)),
        None => (before_query, None),
    };
    // The password may contain '@' when not encoded; the host never does: split at the last '@'.
    let hostport = match authority.rsplit_once('@') {
        Some((userinfo, hp)) => {
            match userinfo.split_once(':') {
                Some((u, pw)) => {
                    p.user = Some(dec(u, "user name")?);
                    p.password = Some(dec(pw, "password")?);
                }
                None => p.user = Some(dec(userinfo, "user name")?),
            }
            hp
        }
        None => authority,
    };
    if hostport.contains(',') {
        return Err(PgError::InvalidUrl(
            "several hosts in one URL are not supported".into(),
        ));
    }
    if let Some(h) = hostport.strip_prefix('[') {
        let (h, after) = h
            .split_once(']')
            .ok_or_else(|| PgError::InvalidUrl("unclosed '[' in the host".into()))?;
        p.host = Some(h.to_string());
        if let Some(port) = after.strip_prefix(':') {
            p.port = Some(port.to_string());
        } else if !after.is_empty() {
            return Err(PgError::InvalidUrl("unexpected text after the host".into()));
        }
    } else if let Some((h, port)) = hostport.rsplit_once(':') {
        if !h.is_empty() {
            p.host = Some(dec(h, "host")?);
        }
        if !port.is_empty() {
            p.port = Some(port.to_string());
        }
    } else if !hostport.is_empty() {
        p.host = Some(dec(hostport, "host")?);
    }
    if let Some(d) = path {
        if !d.is_empty() {
            p.dbname = Some(dec(d, "database name")?);
        }
    }
    if let Some(q) = query {
        for pair in q.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let field = if k == "password" {
                "password".to_string()
            } else {
                format!("parameter `{k}`")
            };
            let v = dec(&v.replace('+', "%20"), &field)?;
            match k {
                "host" => p.host = Some(v),
                "port" => p.port = Some(v),
                "user" => p.user = Some(v),
                "password" => p.password = Some(v),
                "dbname" => p.dbname = Some(v),
                "sslmode" => p.sslmode = Some(v),
                "sslrootcert" => p.sslrootcert = Some(v),
                "connect_timeout" => p.connect_timeout = Some(v),
                "application_name" => p.application_name = Some(v),
                "options" => p.options = Some(v),
                other => p.ignored.push(other.to_string()),
            }
        }
    }
    Ok(p)
}

/// `connect_timeout` / `PGCONNECT_TIMEOUT` as libpq reads it (fe-connect.c,
/// `pqConnectDBComplete`): whole seconds; `0` waits forever (returned as [`Duration::ZERO`]);
/// `1` means 2 (libpq's minimum). Unlike libpq, which also waits forever on a negative value,
/// a negative or non-numeric value is an error here: it is a typo, not a wish.
pub fn parse_connect_timeout(s: &str) -> Result<Duration, PgError> {
    match s.trim().parse::<i64>() {
        Ok(0) => Ok(Duration::ZERO),
        Ok(1) => Ok(Duration::from_secs(2)),
        Ok(n) if n > 0 => Ok(Duration::from_secs(n as u64)),
        _ => Err(PgError::InvalidUrl(format!(
            "invalid connect_timeout \"{s}\" (expected whole seconds, 0 to wait forever)"
        ))),
    }
}

impl ConnectionConfig {
    /// Resolves where to connect: `url` if given, else `DATABASE_URL`, else the libpq
    /// variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`,
    /// `PGSSLROOTCERT`, `PGCONNECT_TIMEOUT`, `PGAPPNAME`). As with libpq, the variables also
    /// fill whatever the URL leaves out. Defaults: host `localhost`, port 5432, user `$USER`
    /// (else `postgres`), database = user, sslmode `prefer`, connect timeout 10 s
    /// (`connect_timeout=0` waits forever, as with libpq; see [`parse_connect_timeout`]).
    /// Without a password from the URL or `PGPASSWORD`, the password file (`PGPASSFILE`, else
    /// `~/.pgpass`) is read as libpq reads it (see [`crate::pgpass`]).
    pub fn resolve(
        url: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ConnectionConfig, PgError> {
        let nonempty = |k: &str| env(k).filter(|v| !v.is_empty());
        let url = url.map(str::to_string).or_else(|| nonempty("DATABASE_URL"));
        let p = match &url {
            Some(u) => parse_url(u.trim())?,
            None => Partial::default(),
        };
        let host = p
            .host
            .or_else(|| nonempty("PGHOST"))
            .unwrap_or_else(|| "localhost".into());
        if host.contains(',') {
            return Err(PgError::InvalidUrl(
                "several hosts are not supported".into(),
            ));
        }
        let port = match p.port.or_else(|| nonempty("PGPORT")) {
            Some(s) => s
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| PgError::InvalidUrl(format!("invalid port \"{s}\"")))?,
            None => 5432,
        };
        let user = p
            .user
            .filter(|u| !u.is_empty())
            .or_else(|| nonempty("PGUSER"))
            .or_else(|| nonempty("USER"))
            .unwrap_or_else(|| "postgres".into());
        let password = p.password.or_else(|| nonempty("PGPASSWORD"));
        let dbname = p
            .dbname
            .or_else(|| nonempty("PGDATABASE"))
            .unwrap_or_else(|| user.clone());
        let sslmode = match p.sslmode.or_else(|| nonempty("PGSSLMODE")) {
            Some(s) => SslMode::parse(&s).ok_or_else(|| {
                PgError::InvalidUrl(format!(
                    "invalid sslmode \"{s}\" (expected disable, allow, prefer, require, verify-ca or verify-full)"
                ))
            })?,
            None => SslMode::Prefer,
        };
        let connect_timeout = match p.connect_timeout.or_else(|| nonempty("PGCONNECT_TIMEOUT")) {
            Some(s) => parse_connect_timeout(&s)?,
            None => DEFAULT_CONNECT_TIMEOUT,
        };
        let mut warnings = Vec::new();
        let password = match password {
            Some(p) => Some(p),
            None => crate::pgpass::file(env).and_then(|f| {
                let (pw, warning) = crate::pgpass::lookup(
                    &f,
                    &crate::pgpass::Lookup {
                        host: &host,
                        port,
                        dbname: &dbname,
                        user: &user,
                    },
                );
                warnings.extend(warning);
                pw
            }),
        };
        Ok(ConnectionConfig {
            host: Host::from_value(&host),
            port,
            user,
            password,
            dbname,
            sslmode,
            sslrootcert: p
                .sslrootcert
                .or_else(|| nonempty("PGSSLROOTCERT"))
                .map(PathBuf::from),
            connect_timeout,
            application_name: p.application_name.or_else(|| nonempty("PGAPPNAME")),
            options: p.options,
            ignored_params: p.ignored,
            warnings,
        })
    }

    /// Parses a URL alone (no environment).
    pub fn from_url(url: &str) -> Result<ConnectionConfig, PgError> {
        ConnectionConfig::resolve(Some(url), &|_| None)
    }

    /// Resolves from the process environment.
    pub fn from_env(url: Option<&str>) -> Result<ConnectionConfig, PgError> {
        ConnectionConfig::resolve(url, &|k| std::env::var(k).ok())
    }

    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    pub fn set_password(&mut self, password: Option<String>) {
        self.password = password;
    }

    /// Overrides the connect timeout (the CLI's `--connect-timeout`); zero waits forever.
    pub fn set_connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = timeout;
    }

    /// The same server, another database.
    pub fn with_dbname(&self, dbname: &str) -> ConnectionConfig {
        let mut c = self.clone();
        c.dbname = dbname.to_string();
        c
    }

    /// The same server, another user and password.
    pub fn with_user(&self, user: &str, password: Option<&str>) -> ConnectionConfig {
        let mut c = self.clone();
        c.user = user.to_string();
        c.password = password.map(str::to_string);
        c
    }

    /// The URL with the password masked, for reports and logs.
    pub fn display(&self) -> String {
        self.url_with(Some(PASSWORD_MASK))
    }

    /// The full URL, password included. Do not print it.
    pub fn url_with_password(&self) -> String {
        self.url_with(None)
    }

    fn url_with(&self, mask: Option<&str>) -> String {
        let mut s = String::from("postgresql://");
        s.push_str(&enc(&self.user));
        if let Some(pw) = &self.password {
            s.push(':');
            match mask {
                Some(m) => s.push_str(m),
                None => s.push_str(&enc(pw)),
            }
        }
        s.push('@');
        let mut params: Vec<(String, String)> = Vec::new();
        match &self.host {
            Host::Tcp(h) if h.contains(':') => s.push_str(&format!("[{h}]")),
            Host::Tcp(h) => s.push_str(&enc(h)),
            Host::Unix(p) => params.push(("host".into(), p.display().to_string())),
        }
        s.push_str(&format!(":{}/{}", self.port, enc(&self.dbname)));
        if self.sslmode != SslMode::Prefer && matches!(self.host, Host::Tcp(_)) {
            params.push(("sslmode".into(), self.sslmode.as_str().into()));
        }
        if let Some(c) = &self.sslrootcert {
            params.push(("sslrootcert".into(), c.display().to_string()));
        }
        if self.connect_timeout != DEFAULT_CONNECT_TIMEOUT {
            params.push((
                "connect_timeout".into(),
                self.connect_timeout.as_secs().to_string(),
            ));
        }
        if let Some(a) = &self.application_name {
            params.push(("application_name".into(), a.clone()));
        }
        if let Some(o) = &self.options {
            params.push(("options".into(), o.clone()));
        }
        for (i, (k, v)) in params.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(k);
            s.push('=');
            s.push_str(&utf8_percent_encode(v, QUERY_VALUE).to_string());
        }
        s
    }

    /// `host:port` (or the socket path) for messages.
    pub fn address(&self) -> String {
        match &self.host {
            Host::Tcp(h) if h.contains(':') => format!("[{h}]:{}", self.port),
            Host::Tcp(h) => format!("{h}:{}", self.port),
            Host::Unix(p) => format!("{}/.s.PGSQL.{}", p.display(), self.port),
        }
    }

    fn effective_sslmode(&self) -> SslMode {
        match self.host {
            // PostgreSQL has no TLS on unix sockets; libpq ignores sslmode there too.
            Host::Unix(_) => SslMode::Disable,
            Host::Tcp(_) => self.sslmode,
        }
    }

    fn tokio_config(&self) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        match &self.host {
            Host::Tcp(h) => c.host(h),
            Host::Unix(p) => c.host_path(p),
        };
        c.port(self.port)
            .user(&self.user)
            .dbname(&self.dbname)
            .application_name(self.application_name.as_deref().unwrap_or("migcheck"))
            .ssl_mode(match self.effective_sslmode() {
                SslMode::Disable => tokio_postgres::config::SslMode::Disable,
                SslMode::Allow | SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
                _ => tokio_postgres::config::SslMode::Require,
            });
        if let Some(pw) = &self.password {
            c.password(pw);
        }
        if let Some(o) = &self.options {
            c.options(o);
        }
        c
    }

    fn tls_connector(&self) -> Result<MakeRustlsConnect, PgError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| PgError::Tls(e.to_string()))?;
        let mode = self.effective_sslmode();
        let verify_chain = matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull)
            || (mode == SslMode::Require && self.sslrootcert.is_some());
        let (roots, anchors) = if verify_chain {
            let (roots, anchors) = self.root_store()?;
            (Some(Arc::new(roots)), anchors)
        } else {
            (None, Vec::new())
        };
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(LibpqVerifier {
                roots,
                anchors,
                check_name: mode == SslMode::VerifyFull,
                provider,
            }))
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    /// The trust anchors (sslrootcert's, else the web's), and sslrootcert's certificates as
    /// given (a server may present one of them itself).
    fn root_store(&self) -> Result<(RootCertStore, Vec<CertificateDer<'static>>), PgError> {
        let mut roots = RootCertStore::empty();
        let mut given = Vec::new();
        match &self.sslrootcert {
            Some(path) => {
                let certs = read_pem_certs(path)?;
                given = certs.clone();
                for c in certs {
                    roots.add(c).map_err(|e| {
                        PgError::Tls(format!(
                            "cannot use the CA certificate in {}: {e}",
                            path.display()
                        ))
                    })?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        Ok((roots, given))
    }
}

fn read_pem_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, PgError> {
    let data = std::fs::read(path).map_err(|e| {
        PgError::Tls(format!(
            "cannot read sslrootcert {}: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    let certs = rustls_pemfile::certs(&mut data.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PgError::Tls(format!("invalid PEM in {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(PgError::Tls(format!(
            "no certificate found in sslrootcert {}",
            path.display()
        )));
    }
    Ok(certs)
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The server certificate checks of libpq's modes. `roots: None` is `sslmode=prefer/require`:
/// encrypt without checking who is on the other side (as libpq). `roots: Some(..)` is
/// `sslmode=verify-ca` (and `require` with an sslrootcert, as libpq): the chain must lead to a
/// trusted root; `check_name` adds verify-full's host name check. The handshake signatures are
/// always checked.
///
/// A certificate that is itself one of the sslrootcert certificates is trusted as it is, as
/// libpq (OpenSSL) trusts it: `openssl req -x509` makes a self-signed certificate marked as a
/// CA (`basicConstraints CA:TRUE`), which people give as the server's certificate and as its
/// own root. webpki refuses a CA as the end entity (`CaUsedAsEndEntity`, rustls-webpki
/// `verify_cert.rs`), so such a certificate is matched byte for byte against the given roots
/// here, its dates checked, and the handshake signature proves the server holds its key
/// (issue 29 item 5).
#[derive(Debug)]
struct LibpqVerifier {
    roots: Option<Arc<RootCertStore>>,
    /// sslrootcert's certificates as given.
    anchors: Vec<CertificateDer<'static>>,
    check_name: bool,
    provider: Arc<CryptoProvider>,
}

/// `notBefore` and `notAfter` of a DER certificate, in seconds since the Unix epoch (RFC 5280
/// 4.1: Certificate, TBSCertificate, Validity).
fn validity(der: &[u8]) -> Option<(i64, i64)> {
    // One DER element at the start of `d`: (tag, content, rest).
    fn element(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, d) = d.split_first()?;
        let (&len0, mut d) = d.split_first()?;
        let len = if len0 < 0x80 {
            len0 as usize
        } else {
            let n = (len0 & 0x7f) as usize;
            if n == 0 || n > 4 || d.len() < n {
                return None;
            }
            let l = d[..n].iter().fold(0usize, |a, &b| (a << 8) | b as usize);
            d = &d[n..];
            l
        };
        (d.len() >= len).then(|| (tag, &d[..len], &d[len..]))
    }
    fn time(tag: u8, v: &[u8]) -> Option<i64> {
        let s = std::str::from_utf8(v).ok()?.strip_suffix('Z')?;
        let (year, rest) = match tag {
            // UTCTime: YYMMDDHHMMSS, 50-99 are 19xx.
            0x17 => {
                let yy: i64 = s.get(..2)?.parse().ok()?;
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..)?)
            }
            // GeneralizedTime: YYYYMMDDHHMMSS.
            0x18 => (s.get(..4)?.parse().ok()?, s.get(4..)?),
            _ => return None,
        };
        let n = |r: std::ops::Range<usize>| rest.get(r)?.parse::<i64>().ok();
        let (m, d, hh, mm, ss) = (n(0..2)?, n(2..4)?, n(4..6)?, n(6..8)?, n(8..10)?);
        // Days from 1970-01-01 (H. Hinnant's days_from_civil).
        let y = if m <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
    }
    let (_, cert, _) = element(der)?;
    let (_, tbs, _) = element(cert)?;
    let mut rest = tbs;
    // [0] version (optional), serialNumber, signature, issuer, then validity.
    let (tag, _, r) = element(rest)?;
    rest = r;
    if tag == 0xa0 {
        rest = element(rest)?.2;
    }
    rest = element(rest)?.2;
    rest = element(rest)?.2;
    let (_, validity, _) = element(rest)?;
    let (t1, v1, r) = element(validity)?;
    let (t2, v2, _) = element(r)?;
    Some((time(t1, v1)?, time(t2, v2)?))
}

impl ServerCertVerifier for LibpqVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
            if self
                .anchors
                .iter()
                .any(|a| a.as_ref() == end_entity.as_ref())
            {
                // Trusted as given (see the type's docs); its dates still count.
                let (from, to) = validity(end_entity.as_ref()).ok_or(
                    rustls::Error::InvalidCertificate(CertificateError::BadEncoding),
                )?;
                let now = now.as_secs() as i64;
                if now > to {
                    return Err(rustls::Error::InvalidCertificate(CertificateError::Expired));
                }
                if now < from {
                    return Err(rustls::Error::InvalidCertificate(
                        CertificateError::NotValidYet,
                    ));
                }
            } else {
                rustls::client::verify_server_cert_signed_by_trust_anchor(
                    &cert,
                    roots,
                    intermediates,
                    now,
                    self.provider.signature_verification_algorithms.all,
                )?;
            }
            if self.check_name {
                rustls::client::verify_server_name(&cert, server_name)?;
            }
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Why talking to PostgreSQL failed. Each `Display` is one line, and none contains the
/// password (messages from the server are scrubbed too).
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("invalid connection settings: {0}")]
    InvalidUrl(String),
    #[error("cannot resolve host {host} (check the host name in the URL or PGHOST, and this machine's DNS)")]
    CannotResolveHost { host: String },
    #[error("connection refused at {address} (is the server running?)")]
    ConnectionRefused { address: String },
    #[error("no server socket at {address} (is the server running?)")]
    NoSocket { address: String },
    /// A connection phase got no answer in time (`phase`: "connecting (TCP)", "TLS
    /// handshake", "start-up and authentication", ...).
    #[error("timed out after {secs} s in phase \"{phase}\" with {address}: the server (or the network) stopped answering")]
    Timeout {
        secs: u64,
        phase: String,
        address: String,
    },
    /// A query got no answer in time (client-side deadline per round trip).
    #[error("timed out after {secs} s in phase \"{phase}\": the server (or the network) stopped answering")]
    RoundTripTimeout { secs: u64, phase: String },
    #[error("TLS failed ({0})")]
    Tls(String),
    #[error("server at {address} does not support TLS but sslmode={sslmode}")]
    ServerWithoutTls { address: String, sslmode: SslMode },
    /// pg_hba.conf has no line accepting this connection. `message` is PostgreSQL's; for a
    /// plain (unencrypted) attempt, the server may accept TLS only, or nothing for this user.
    #[error("the server rejected the connection: {message}{}", if *.plain {
        " (pg_hba.conf has no entry for this user, database and address over an unencrypted connection: if the server accepts only TLS, use sslmode=require or stronger; otherwise check the user and database names)"
    } else {
        " (pg_hba.conf has no entry for this user, database and address: check the user and database names, or ask the server's administrator)"
    })]
    NoHbaEntry { message: String, plain: bool },
    #[error("authentication failed for user {user} at {address} (check the user name and the password: PGPASSWORD, the password file ~/.pgpass or PGPASSFILE, or the URL)")]
    AuthenticationFailed { user: String, address: String },
    #[error("the server at {address} asks for a password for user {user} but none was given (put it in PGPASSWORD or in the password file, ~/.pgpass or PGPASSFILE, rather than in a URL on the command line)")]
    PasswordMissing { user: String, address: String },
    #[error("the server rejected the connection: {message}")]
    Rejected { message: String },
    #[error("database {database} does not exist at {address} (check the database name in the URL or PGDATABASE)")]
    DatabaseDoesNotExist { database: String, address: String },
    #[error("permission denied reading {what}: {message}")]
    PermissionDenied { what: String, message: String },
    #[error("query timed out (statement_timeout {ms} ms) while reading {what}")]
    StatementTimeout { ms: u64, what: String },
    #[error("server error ({code}) while {doing}: {message}")]
    Server {
        code: String,
        doing: String,
        message: String,
    },
    #[error("connection to {address} failed: {message}")]
    Io { address: String, message: String },
    /// The port answered, but not with PostgreSQL's protocol.
    #[error("the service at {address} is not PostgreSQL: it answered with something other than PostgreSQL's protocol (check the host and port: 5432 is PostgreSQL's default, 6543 Supabase's pooler; is the URL's port the database's?)")]
    NotPostgres { address: String },
    #[error("{0}")]
    Other(String),
}

/// Replaces any occurrence of the password in a message (defence in depth: servers and
/// libraries are not supposed to echo it, but nothing here relies on that).
pub(crate) fn scrub(message: &str, password: Option<&str>) -> String {
    let one_line = message.replace(['\n', '\r'], " ");
    match password {
        Some(pw) if pw.len() >= 3 => one_line.replace(pw, PASSWORD_MASK),
        _ => one_line,
    }
}

fn source_chain<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut v = vec![e];
    let mut cur = e.source();
    while let Some(s) = cur {
        v.push(s);
        cur = s.source();
    }
    v
}

fn describe_rustls(e: &rustls::Error, cfg: &ConnectionConfig) -> String {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!(
                    "the server certificate is not valid for host name {} (sslmode=verify-full checks it; verify-ca does not)",
                    cfg.host
                )
            }
            CertificateError::UnknownIssuer => format!(
                "the certificate of the server at {} is signed by an unknown authority (give the CA, or a self-signed server certificate itself, with sslrootcert=<file>)",
                cfg.address()
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => format!(
                "the certificate of the server at {} has expired (renew it on the server)",
                cfg.address()
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                format!(
                    "the certificate of the server at {} is not valid yet (check the clocks of this machine and the server)",
                    cfg.address()
                )
            }
            CertificateError::BadSignature => format!(
                "the certificate of the server at {} has a signature that does not verify (check sslrootcert: it must be the CA that signed it)",
                cfg.address()
            ),
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                format!(
                    "the certificate of the server at {} is not for TLS servers (its extended key usage)",
                    cfg.address()
                )
            }
            other => format!(
                "the certificate of the server at {} was refused ({}); check sslrootcert and the certificate the server uses (ssl_cert_file)",
                cfg.address(),
                certificate_error_words(other)
            ),
        },
        other => format!("with {}: {other}", cfg.address()),
    }
}

/// A certificate error in words (rustls' own `Display` of `Other` is a debug string).
fn certificate_error_words(e: &CertificateError) -> String {
    match e {
        CertificateError::BadEncoding => "it cannot be parsed".into(),
        CertificateError::Revoked => "it is revoked".into(),
        CertificateError::UnsupportedSignatureAlgorithmContext { .. } => {
            "its signature algorithm is not supported".into()
        }
        CertificateError::Other(o) => {
            let d = format!("{o:?}");
            if d.contains("CaUsedAsEndEntity") {
                "it is a CA certificate used as the server's own: give that very certificate as sslrootcert to trust it, as libpq does".into()
            } else if d.contains("EndEntityUsedAsCa") {
                "a server certificate was used as a CA".into()
            } else {
                format!("{e}")
            }
        }
        other => format!("{other}"),
    }
}

/// Turns a tokio-postgres error (connecting or querying) into a one-line [`PgError`].
pub(crate) fn classify(e: &tokio_postgres::Error, cfg: &ConnectionConfig, doing: &str) -> PgError {
    let pw = cfg.password();
    let address = cfg.address();
    if let Some(db) = e.as_db_error() {
        let message = scrub(db.message(), pw);
        let code = db.code();
        return if *code == SqlState::INVALID_PASSWORD {
            PgError::AuthenticationFailed {
                user: cfg.user.clone(),
                address: address.clone(),
            }
        } else if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            // PostgreSQL says exactly what it lacks ("no pg_hba.conf entry for host ...,
            // user ..., database ..., no encryption"): pass that on, do not guess that TLS
            // is required (it may simply have no entry for this user).
            if message.contains("pg_hba.conf") {
                PgError::NoHbaEntry {
                    plain: message.contains("no encryption"),
                    message,
                }
            } else {
                PgError::Rejected { message }
            }
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            PgError::DatabaseDoesNotExist {
                database: cfg.dbname.clone(),
                address: address.clone(),
            }
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            PgError::PermissionDenied {
                what: doing.to_string(),
                message,
            }
        } else {
            PgError::Server {
                code: code.code().to_string(),
                doing: doing.to_string(),
                message,
            }
        };
    }
    let chain = source_chain(e);
    for s in &chain {
        if let Some(r) = s.downcast_ref::<rustls::Error>() {
            return PgError::Tls(scrub(&describe_rustls(r, cfg), pw));
        }
        if let Some(ioe) = s.downcast_ref::<io::Error>() {
            if let Some(r) = ioe
                .get_ref()
                .and_then(|i| i.downcast_ref::<rustls::Error>())
            {
                return PgError::Tls(scrub(&describe_rustls(r, cfg), pw));
            }
        }
    }
    let top = e.to_string();
    let inner: Vec<String> = chain.iter().skip(1).map(|s| s.to_string()).collect();
    if top == "error performing TLS handshake" {
        if inner
            .iter()
            .any(|m| m.contains("server does not support TLS"))
        {
            return PgError::ServerWithoutTls {
                address,
                sslmode: cfg.sslmode,
            };
        }
        return PgError::Tls(scrub(
            inner
                .last()
                .map(String::as_str)
                .unwrap_or("handshake failed"),
            pw,
        ));
    }
    if std::iter::once(&top)
        .chain(&inner)
        .any(|m| m.contains("password missing"))
    {
        return PgError::PasswordMissing {
            user: cfg.user.clone(),
            address: address.clone(),
        };
    }
    if top == "authentication error" {
        if inner.iter().any(|m| m.contains("password missing")) {
            return PgError::PasswordMissing {
                user: cfg.user.clone(),
                address: address.clone(),
            };
        }
        return PgError::AuthenticationFailed {
            user: cfg.user.clone(),
            address: address.clone(),
        };
    }
    if std::iter::once(&top)
        .chain(&inner)
        .any(|m| NOT_POSTGRES.iter().any(|n| m.contains(n)))
    {
        return PgError::NotPostgres { address };
    }
    for s in &chain {
        if let Some(ioe) = s.downcast_ref::<io::Error>() {
            return match ioe.kind() {
                io::ErrorKind::ConnectionRefused => PgError::ConnectionRefused { address },
                io::ErrorKind::TimedOut => PgError::Timeout {
                    secs: cfg.connect_timeout.as_secs(),
                    phase: "connecting".into(),
                    address,
                },
                io::ErrorKind::NotFound if matches!(cfg.host, Host::Unix(_)) => {
                    PgError::NoSocket { address }
                }
                _ => PgError::Io {
                    address,
                    message: scrub(&ioe.to_string(), pw),
                },
            };
        }
    }
    if e.is_closed() {
        return PgError::Io {
            address,
            message: "the server closed the connection".into(),
        };
    }
    let msg = std::iter::once(top)
        .chain(inner)
        .collect::<Vec<_>>()
        .join(": ");
    PgError::Other(scrub(&format!("{doing}: {msg}"), pw))
}

/// What tokio-postgres says when the bytes that came back are not PostgreSQL's protocol (an
/// HTTP server, SSH, Redis... on that port). libpq says "received invalid response to SSL
/// negotiation" or "expected authentication request from server, but received H".
const NOT_POSTGRES: [&str; 4] = [
    "bytes remaining on stream",
    "unexpected message from server",
    "unknown authentication request",
    "invalid message length",
];

/// How long TCP may stay silent before the kernel starts probing, the probe interval and the
/// number of failed probes after which the connection is dead (about 1 min in all).
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);
const KEEPALIVE_RETRIES: u32 = 3;

/// Where a connection attempt is, for the message when it times out.
#[derive(Debug, Default)]
struct Progress(std::sync::atomic::AtomicU8);

impl Progress {
    const TLS: u8 = 1;
    const AUTH: u8 = 2;

    fn set(&self, v: u8) {
        self.0.store(v, std::sync::atomic::Ordering::SeqCst);
    }

    fn phase(&self, tls_wanted: bool) -> &'static str {
        match self.0.load(std::sync::atomic::Ordering::SeqCst) {
            Progress::TLS => "TLS handshake",
            Progress::AUTH => "start-up and authentication",
            _ if tls_wanted => "TLS negotiation (no answer to the TLS request)",
            _ => "start-up and authentication",
        }
    }
}

/// The rustls connector, telling [`Progress`] when the handshake starts and ends.
struct Tracked<T> {
    inner: T,
    progress: Arc<Progress>,
}

impl<S, T> tokio_postgres::tls::TlsConnect<S> for Tracked<T>
where
    T: tokio_postgres::tls::TlsConnect<S> + Send + 'static,
    T::Future: Send + 'static,
    S: Send + 'static,
{
    type Stream = T::Stream;
    type Error = T::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<T::Stream, T::Error>> + Send + 'static>,
    >;

    fn connect(self, stream: S) -> Self::Future {
        self.progress.set(Progress::TLS);
        let fut = self.inner.connect(stream);
        let progress = self.progress;
        Box::pin(async move {
            let r = fut.await;
            progress.set(Progress::AUTH);
            r
        })
    }
}

/// One round trip (a simple query) with a client-side deadline: the server's
/// `statement_timeout` does nothing when the network stops answering. `phase` names it in the
/// timeout error. The one home of query deadlines, for `verify` and `replay` alike.
pub async fn round_trip(
    client: &Client,
    sql: &str,
    limit: Duration,
    phase: &str,
) -> Result<Result<Vec<tokio_postgres::SimpleQueryMessage>, tokio_postgres::Error>, PgError> {
    tokio::time::timeout(limit, client.simple_query(sql))
        .await
        .map_err(|_| PgError::RoundTripTimeout {
            secs: limit.as_secs().max(1),
            phase: phase.to_string(),
        })
}

/// Connects with `cfg`, runs `work` over the connection, then closes it politely (a
/// connection whose round trip timed out is just dropped): the one home of that pattern, for
/// `verify` and the table sizes alike.
pub async fn with_connection<T>(
    cfg: &ConnectionConfig,
    work: impl AsyncFnOnce(&Client) -> Result<T, PgError>,
) -> Result<T, PgError> {
    let (client, driver) = connect_with_driver(cfg).await?;
    let result = work(&client).await;
    if !matches!(result, Err(PgError::RoundTripTimeout { .. })) {
        close(client, driver).await;
    }
    result
}

/// Runs `fut` to its end on a current-thread tokio runtime: the one home of the synchronous
/// entry points (`verify_blocking`, `stats::read_blocking`).
pub fn block_on<T>(
    fut: impl std::future::Future<Output = Result<T, PgError>>,
) -> Result<T, PgError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| PgError::Other(format!("cannot start the async runtime: {e}")))?
        .block_on(fut)
}

/// Runs `fut` within `limit` (zero: no limit, as libpq's `connect_timeout=0`).
async fn within<F: std::future::Future>(limit: Duration, fut: F) -> Option<F::Output> {
    if limit.is_zero() {
        Some(fut.await)
    } else {
        tokio::time::timeout(limit, fut).await.ok()
    }
}

/// The task driving a connection: await it after dropping the [`Client`] so that the
/// Terminate message is sent and TLS is closed properly (see [`close`]).
pub type Driver = tokio::task::JoinHandle<()>;

/// Opens a connection and spawns its driver task on the current tokio runtime.
///
/// Each phase has its own deadline of `cfg.connect_timeout` (none when it is zero): name
/// resolution, the TCP connection, the TLS handshake, start-up and authentication; a phase
/// that times out is named in the error. TCP connections get keepalives (probing after 30 s
/// of silence, dead after about a minute), so a connection whose peer vanished does not
/// stay open forever.
pub async fn connect(cfg: &ConnectionConfig) -> Result<Client, PgError> {
    connect_with_driver(cfg).await.map(|(c, _)| c)
}

/// [`connect`], also returning the connection's driver task (see [`close`]).
/// A connection that failed on the wire (not with PostgreSQL's own error): asks the port the
/// way libpq starts (an SSLRequest, to which PostgreSQL answers one byte, `S` or `N`, or `E`
/// from a server that cannot) and names a service that answers anything else as not
/// PostgreSQL (libpq: "received invalid response to SSL negotiation"). Other errors pass.
async fn name_non_postgres(
    e: PgError,
    addrs: &[std::net::SocketAddr],
    cfg: &ConnectionConfig,
) -> PgError {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if !matches!(
        e,
        PgError::Io { .. } | PgError::Tls(_) | PgError::Other(_) | PgError::ServerWithoutTls { .. }
    ) {
        return e;
    }
    let Some(addr) = addrs.first() else {
        return e;
    };
    let limit = cfg.connect_timeout.min(Duration::from_secs(3));
    let probe = async {
        let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
        // Length 8, code 80877103 (PostgreSQL's protocol, "SSLRequest").
        s.write_all(&[0, 0, 0, 8, 4, 210, 22, 47]).await.ok()?;
        let mut b = [0u8; 1];
        if s.read(&mut b).await.ok()? != 1 {
            return None;
        }
        // PostgreSQL sends that one byte and waits for us; a banner (`SSH-2.0-...` starts
        // with `S` too) goes on.
        let mut more = [0u8; 16];
        let goes_on = matches!(
            within(Duration::from_millis(300), s.read(&mut more)).await,
            Some(Ok(n)) if n > 0
        );
        Some((b[0], goes_on))
    };
    match within(limit, probe).await.flatten() {
        Some((b'S' | b'N', false)) | Some((b'E', _)) | None => e,
        Some(_) => PgError::NotPostgres {
            address: cfg.address(),
        },
    }
}

pub async fn connect_with_driver(cfg: &ConnectionConfig) -> Result<(Client, Driver), PgError> {
    let address = cfg.address();
    let limit = cfg.connect_timeout;
    let timeout = |phase: &str| PgError::Timeout {
        secs: limit.as_secs(),
        phase: phase.to_string(),
        address: address.clone(),
    };
    let tls_wanted = cfg.effective_sslmode() != SslMode::Disable;
    if cfg.sslmode.requires_tls() || cfg.sslrootcert.is_some() {
        // Fail early (and clearly) on a bad CA file even before the network.
        cfg.tls_connector()?;
    }
    let config = cfg.tokio_config();
    let progress = Arc::new(Progress::default());
    let driver = match &cfg.host {
        Host::Unix(dir) => {
            let path = dir.join(format!(".s.PGSQL.{}", cfg.port));
            let stream = within(limit, tokio::net::UnixStream::connect(&path))
                .await
                .ok_or_else(|| timeout("connecting (unix socket)"))?
                .map_err(|e| match e.kind() {
                    io::ErrorKind::NotFound => PgError::NoSocket {
                        address: address.clone(),
                    },
                    io::ErrorKind::ConnectionRefused => PgError::ConnectionRefused {
                        address: address.clone(),
                    },
                    _ => PgError::Io {
                        address: address.clone(),
                        message: e.to_string(),
                    },
                })?;
            let (client, connection) = within(limit, config.connect_raw(stream, NoTls))
                .await
                .ok_or_else(|| timeout("start-up and authentication"))?
                .map_err(|e| classify(&e, cfg, "connecting"))?;
            (
                client,
                tokio::spawn(async move {
                    let _ = connection.await;
                }),
            )
        }
        Host::Tcp(h) => {
            let addrs: Vec<std::net::SocketAddr> = match h.parse::<std::net::IpAddr>() {
                Ok(ip) => vec![std::net::SocketAddr::new(ip, cfg.port)],
                Err(_) => within(limit, tokio::net::lookup_host((h.as_str(), cfg.port)))
                    .await
                    .ok_or_else(|| timeout("resolving the host name"))?
                    .map(|it| it.collect())
                    .unwrap_or_default(),
            };
            if addrs.is_empty() {
                return Err(PgError::CannotResolveHost { host: h.clone() });
            }
            let stream = within(limit, async {
                let mut last = None;
                for a in &addrs {
                    match tokio::net::TcpStream::connect(a).await {
                        Ok(s) => return Ok(s),
                        Err(e) => last = Some(e),
                    }
                }
                Err(last.unwrap_or_else(|| io::Error::other("no address")))
            })
            .await
            .ok_or_else(|| timeout("connecting (TCP)"))?
            .map_err(|e| match e.kind() {
                io::ErrorKind::ConnectionRefused => PgError::ConnectionRefused {
                    address: address.clone(),
                },
                _ => PgError::Io {
                    address: address.clone(),
                    message: e.to_string(),
                },
            })?;
            let _ = stream.set_nodelay(true);
            let keepalive = socket2::TcpKeepalive::new()
                .with_time(KEEPALIVE_IDLE)
                .with_interval(KEEPALIVE_INTERVAL)
                .with_retries(KEEPALIVE_RETRIES);
            let _ = socket2::SockRef::from(&stream).set_tcp_keepalive(&keepalive);
            if !tls_wanted {
                let connected = within(limit, config.connect_raw(stream, NoTls))
                    .await
                    .ok_or_else(|| timeout("start-up and authentication"))?
                    .map_err(|e| classify(&e, cfg, "connecting"));
                let (client, connection) = match connected {
                    Ok(c) => c,
                    Err(e) => return Err(name_non_postgres(e, &addrs, cfg).await),
                };
                (
                    client,
                    tokio::spawn(async move {
                        let _ = connection.await;
                    }),
                )
            } else {
                let mut make = cfg.tls_connector()?;
                let tls = <MakeRustlsConnect as tokio_postgres::tls::MakeTlsConnect<
                    tokio::net::TcpStream,
                >>::make_tls_connect(&mut make, h)
                .map_err(|e| PgError::Tls(scrub(&e.to_string(), cfg.password())))?;
                let tracked = Tracked {
                    inner: tls,
                    progress: progress.clone(),
                };
                let connected = within(limit, config.connect_raw(stream, tracked))
                    .await
                    .ok_or_else(|| timeout(progress.phase(true)))?
                    .map_err(|e| classify(&e, cfg, "connecting"));
                let (client, connection) = match connected {
                    Ok(c) => c,
                    Err(e) => return Err(name_non_postgres(e, &addrs, cfg).await),
                };
                (
                    client,
                    tokio::spawn(async move {
                        let _ = connection.await;
                    }),
                )
            }
        }
    };
    Ok(driver)
}

/// Closes a connection politely: drops the client, which makes the driver send PostgreSQL's
/// Terminate message (and close TLS), and waits up to a second for that to happen. Without
/// this, a runtime that stops right after the last query cuts the socket and the server logs
/// an unexpected EOF / connection reset for every session.
pub async fn close(client: Client, driver: Driver) {
    drop(client);
    let _ = tokio::time::timeout(Duration::from_secs(1), driver).await;
}

#[cfg(test)]
mod tests {
    /// The dates of a self-signed certificate trusted as given (issue 29 item 5): UTCTime
    /// before 2050, GeneralizedTime from 2050 (RFC 5280 4.1.2.5).
    #[test]
    fn certificate_dates_are_read() {
        for ((y1, m1, d1), (y2, m2, d2), from, to) in [
            ((2020, 1, 2), (2049, 12, 31), 1_577_923_200, 2_524_521_600),
            ((1999, 3, 1), (2051, 6, 30), 920_246_400, 2_571_696_000),
        ] {
            let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
            params.not_before = rcgen::date_time_ymd(y1, m1, d1);
            params.not_after = rcgen::date_time_ymd(y2, m2, d2);
            params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            let key = rcgen::KeyPair::generate().unwrap();
            let cert = params.self_signed(&key).unwrap();
            assert_eq!(super::validity(cert.der()), Some((from, to)), "{y1} {y2}");
        }
        assert_eq!(super::validity(b"not a certificate"), None);
    }

    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn parses_a_full_url() {
        let c = ConnectionConfig::from_url(
            "postgresql://app%40x:p%3Ass%2Fw@db.example.com:6543/my%20db?sslmode=verify-full&connect_timeout=3&application_name=mc&options=-c%20search_path%3Dx&sslrootcert=/tmp/ca.pem",
        )
        .unwrap();
        assert_eq!(c.host, Host::Tcp("db.example.com".into()));
        assert_eq!(c.port, 6543);
        assert_eq!(c.user, "app@x");
        assert_eq!(c.password(), Some("p:ss/w"));
        assert_eq!(c.dbname, "my db");
        assert_eq!(c.sslmode, SslMode::VerifyFull);
        assert_eq!(c.connect_timeout, Duration::from_secs(3));
        assert_eq!(c.application_name.as_deref(), Some("mc"));
        assert_eq!(c.options.as_deref(), Some("-c search_path=x"));
        assert_eq!(c.sslrootcert, Some(PathBuf::from("/tmp/ca.pem")));
    }

    #[test]
    fn postgres_scheme_defaults_and_ignored_params() {
        let c = ConnectionConfig::resolve(
            Some("postgres://u:pw@h/d?pgbouncer=true&connection_limit=1"),
            &|_| None,
        )
        .unwrap();
        assert_eq!(c.port, 5432);
        assert_eq!(c.sslmode, SslMode::Prefer);
        assert_eq!(c.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(c.ignored_params, vec!["pgbouncer", "connection_limit"]);
        assert!(ConnectionConfig::from_url("mysql://x").is_err());
        assert!(ConnectionConfig::from_url("postgres://h:notaport/d").is_err());
        assert!(ConnectionConfig::from_url("postgres://h/d?sslmode=maybe").is_err());
    }

    #[test]
    fn unix_socket_host_param_and_ipv6() {
        let c = ConnectionConfig::from_url("postgres://u@/db?host=/var/run/postgresql&port=5433")
            .unwrap();
        assert_eq!(c.host, Host::Unix("/var/run/postgresql".into()));
        assert_eq!(c.port, 5433);
        assert_eq!(c.address(), "/var/run/postgresql/.s.PGSQL.5433");
        let c = ConnectionConfig::from_url("postgres://u@%2Ftmp%2Fsock/db").unwrap();
        assert_eq!(c.host, Host::Unix("/tmp/sock".into()));
        let c = ConnectionConfig::from_url("postgres://u@[::1]:7/db").unwrap();
        assert_eq!(c.host, Host::Tcp("::1".into()));
        assert_eq!(c.address(), "[::1]:7");
    }

    #[test]
    fn database_url_then_libpq_env() {
        let env = env_of(&[
            ("DATABASE_URL", "postgres://a:secret1@dbhost/app"),
            ("PGHOST", "ignored"),
        ]);
        let c = ConnectionConfig::resolve(None, &env).unwrap();
        assert_eq!(c.host, Host::Tcp("dbhost".into()));
        let env = env_of(&[
            ("PGHOST", "pg.local"),
            ("PGPORT", "6000"),
            ("PGUSER", "bob"),
            ("PGPASSWORD", "hunter22"),
            ("PGDATABASE", "shop"),
            ("PGSSLMODE", "require"),
            ("PGSSLROOTCERT", "/ca.pem"),
            ("PGCONNECT_TIMEOUT", "4"),
            ("PGAPPNAME", "x"),
        ]);
        let c = ConnectionConfig::resolve(None, &env).unwrap();
        assert_eq!(c.host, Host::Tcp("pg.local".into()));
        assert_eq!(c.port, 6000);
        assert_eq!(c.user, "bob");
        assert_eq!(c.password(), Some("hunter22"));
        assert_eq!(c.dbname, "shop");
        assert_eq!(c.sslmode, SslMode::Require);
        assert_eq!(c.sslrootcert, Some(PathBuf::from("/ca.pem")));
        assert_eq!(c.connect_timeout, Duration::from_secs(4));
        assert_eq!(c.application_name.as_deref(), Some("x"));
        // The URL wins over the variables, which fill the gaps.
        let c = ConnectionConfig::resolve(Some("postgres://carol@h2/db2"), &env).unwrap();
        assert_eq!((c.user.as_str(), c.port), ("carol", 6000));
        assert_eq!(c.password(), Some("hunter22"));
        // Nothing at all: libpq-like defaults.
        let c = ConnectionConfig::resolve(None, &env_of(&[("USER", "me")])).unwrap();
        assert_eq!(c.host, Host::Tcp("localhost".into()));
        assert_eq!((c.user.as_str(), c.dbname.as_str()), ("me", "me"));
    }

    #[test]
    fn password_is_masked_everywhere() {
        let secret = "S3cr3t-p@ss";
        let c = ConnectionConfig::from_url(&format!(
            "postgres://user:{}@h:5/d?sslmode=require",
            enc(secret)
        ))
        .unwrap();
        assert_eq!(c.password(), Some(secret));
        let shown = c.display();
        assert_eq!(shown, "postgresql://user:****@h:5/d?sslmode=require");
        let debug = format!("{c:?}");
        assert!(
            !debug.contains(secret) && !debug.contains("S3cr3t"),
            "{debug}"
        );
        // The unmasked URL round-trips.
        let again = ConnectionConfig::from_url(&c.url_with_password()).unwrap();
        assert_eq!(again, c);
        assert_eq!(
            scrub(&format!("oops {secret}\nline"), Some(secret)),
            "oops **** line"
        );
        let mut t = c.clone();
        t.set_connect_timeout(Duration::from_secs(2));
        assert!(t.display().ends_with("connect_timeout=2"));
    }

    #[test]
    fn malformed_percent_escapes_name_the_field_never_the_value() {
        for (url, field) in [
            ("postgres://us%ZZer:pw@h/d", "user name"),
            ("postgres://u:top%ZZsecret@h/d", "password"),
            ("postgres://u:pw@h/d%G1b", "database name"),
            (
                "postgres://u:pw@h/d?application_name=a%2",
                "parameter `application_name`",
            ),
            ("postgres://u@h/d?password=top%secret", "password"),
        ] {
            let e = ConnectionConfig::from_url(url).unwrap_err().to_string();
            assert!(e.contains("malformed percent-escape"), "{e}");
            assert!(e.contains(&format!("in the {field} of")), "{url}: {e}");
            assert!(!e.contains("secret") && !e.contains("pw"), "{e}");
        }
        // Well-formed escapes still decode.
        let c = ConnectionConfig::from_url("postgres://u:a%25b@h/d").unwrap();
        assert_eq!(c.password(), Some("a%b"));
    }

    #[test]
    fn connect_timeout_as_libpq() {
        let t = |v: &str| {
            ConnectionConfig::from_url(&format!("postgres://h/d?connect_timeout={v}"))
                .map(|c| c.connect_timeout)
        };
        assert_eq!(t("0").unwrap(), Duration::ZERO, "0 waits forever");
        assert_eq!(t("1").unwrap(), Duration::from_secs(2), "libpq's minimum");
        assert_eq!(t("7").unwrap(), Duration::from_secs(7));
        for bad in ["-1", "ten", "1.5", ""] {
            let e = t(bad).unwrap_err().to_string();
            assert!(e.contains("invalid connect_timeout"), "{bad}: {e}");
        }
        let env = env_of(&[("PGCONNECT_TIMEOUT", "0")]);
        let c = ConnectionConfig::resolve(Some("postgres://h/d"), &env).unwrap();
        assert_eq!(c.connect_timeout, Duration::ZERO);
        assert!(
            c.display().ends_with("connect_timeout=0"),
            "{}",
            c.display()
        );
        let env = env_of(&[("PGCONNECT_TIMEOUT", "-5")]);
        assert!(ConnectionConfig::resolve(Some("postgres://h/d"), &env).is_err());
    }

    #[test]
    fn unparsable_url_errors_do_not_echo_it() {
        let e = ConnectionConfig::from_url("postgres://u:topsecret@h:99999/d").unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("topsecret"), "{shown}");
    }
}
