//! A throwaway local PostgreSQL server for `migcheck replay` and for tests.
//!
//! `initdb` into a temporary directory, `postgres` with its unix socket in that directory,
//! durability switched off (`fsync`, `full_page_writes`, `synchronous_commit`) because the data
//! is thrown away.
//!
//! Nothing it starts is reachable by other users of the machine:
//! * the directory holding the socket is private (mode 0700, owned by the user the server
//!   runs as), so other users cannot even reach the socket;
//! * the socket uses `peer` authentication mapped to this process's OS user only (another
//!   process running as the server's own user, e.g. `nobody`, is refused too); when this
//!   process's user has no name to map, `scram-sha-256` with a random 32-byte secret instead;
//! * no TCP port unless [`ServerOptions::tcp`] (or `tls`) asks for one: then 127.0.0.1 only,
//!   `scram-sha-256` with the random secret (so a wrong password can be tried). With `tls`, a
//!   fresh CA and server certificate (for the name `localhost`) are generated and TCP accepts
//!   TLS connections only (`hostssl`);
//! * on Linux the postmaster gets a parent-death signal (SIGQUIT: immediate shutdown), so a
//!   server whose parent dies (even by SIGKILL) stops itself, unless it is to outlive us
//!   ([`ServerOptions::stop_with_parent`] off, for `--keep`).
//!
//! PostgreSQL refuses to run as root: when the current user is root, `initdb`, `postgres` and
//! `pg_ctl` run as an unprivileged user (`nobody`, else `postgres`, else `daemon`), which owns
//! the temporary directory.
//!
//! Dropping the server stops it (`pg_ctl stop -m immediate`) and deletes the directory, unless
//! `keep` is set: then the server is left running and the directory stays, for inspection
//! (see [`ThrowawayServer::stop_command`]). Should the process die without dropping it, the
//! server notices within about a minute that its directory is gone once it is removed, and
//! if the process was interrupted with Ctrl-C, the server got the same SIGINT and shut down.

use std::collections::hash_map::RandomState;
use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Seek, SeekFrom};
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::conn::{ConnectionConfig, Host, SslMode, DEFAULT_CONNECT_TIMEOUT};

/// The superuser created by `initdb`.
pub const SUPERUSER: &str = "postgres";

/// How to start a [`ThrowawayServer`].
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The directory holding `initdb`, `postgres` and `pg_ctl`; found automatically if `None`.
    pub pg_bin: Option<PathBuf>,
    /// Generate a CA + server certificate, turn `ssl` on and accept TCP over TLS only.
    pub tls: bool,
    /// Leave the server running and its directory in place when dropped.
    pub keep: bool,
    /// How long to wait for the server to accept connections.
    pub start_timeout: Duration,
    /// Extra `-c name=value` settings.
    pub settings: Vec<(String, String)>,
    /// Also listen on TCP (127.0.0.1, password authentication). Implied by `tls`.
    pub tcp: bool,
    /// Stop the server when the process that started it dies (Linux; see the module docs).
    pub stop_with_parent: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            pg_bin: None,
            tls: false,
            keep: false,
            start_timeout: Duration::from_secs(30),
            settings: Vec::new(),
            tcp: false,
            stop_with_parent: true,
        }
    }
}

/// Why a throwaway server could not be started. `Display` is one line (the log excerpt, if
/// any, is in the `log` field).
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("PostgreSQL server binaries (initdb, postgres, pg_ctl) not found (looked in {searched}); install them with: {install}")]
    NotFound { searched: String, install: String },
    #[error("{dir} does not contain PostgreSQL server binaries (initdb, postgres, pg_ctl)")]
    NotABinDir { dir: String },
    #[error(
        "running as root and no unprivileged user (nobody, postgres, daemon) to run PostgreSQL as"
    )]
    NoUnprivilegedUser,
    #[error("initdb failed: {summary}")]
    Initdb { summary: String, log: String },
    #[error("PostgreSQL did not start: {summary}")]
    Start { summary: String, log: String },
    #[error("PostgreSQL did not become ready within {secs} s: {summary}")]
    Timeout {
        secs: u64,
        summary: String,
        log: String,
    },
    #[error("cannot create certificates: {0}")]
    Certificates(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> ServerError {
    let what = what.into();
    move |source| ServerError::Io { what, source }
}

/// A running throwaway server. See the module docs.
#[derive(Debug)]
pub struct ThrowawayServer {
    dir: Option<tempfile::TempDir>,
    root: PathBuf,
    data_dir: PathBuf,
    bin_dir: PathBuf,
    port: u16,
    password: String,
    child: Option<Child>,
    run_as: Option<(u32, u32)>,
    keep: bool,
    tls: bool,
    tcp: bool,
    stop_with_parent: bool,
    startup: Duration,
    version: String,
}

impl ThrowawayServer {
    /// initdb + start; returns once the server accepts connections.
    pub fn start(opts: ServerOptions) -> Result<ThrowawayServer, ServerError> {
        let began = Instant::now();
        let bin_dir = find_bin_dir(opts.pg_bin.as_deref())?;
        let run_as = if is_root() {
            Some(unprivileged_user().ok_or(ServerError::NoUnprivilegedUser)?)
        } else {
            None
        };
        let base = temp_base(run_as.is_some());
        let dir = tempfile::Builder::new()
            .prefix("migcheck-pg-")
            .tempdir_in(&base)
            .map_err(io_err(format!(
                "cannot create a temporary directory in {}",
                base.display()
            )))?;
        let root = dir.path().to_path_buf();
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&root, Some(uid), Some(gid)).map_err(io_err(
                "cannot hand the temporary directory to the server user",
            ))?;
        }
        // Private: the socket lives here.
        fs::set_permissions(&root, fs::Permissions::from_mode(0o700))
            .map_err(io_err("cannot make the temporary directory private"))?;
        let data_dir = root.join("data");
        let password = random_hex(32);
        let pwfile = root.join("pwfile");
        write_owned(&pwfile, password.as_bytes(), 0o600, run_as)?;

        let mut initdb = Command::new(bin_dir.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data_dir)
            .args(["-U", SUPERUSER, "-E", "UTF8", "--locale=C", "-N"])
            .arg("--auth-local=trust")
            .arg("--auth-host=scram-sha-256")
            .arg(format!("--pwfile={}", pwfile.display()));
        prepare(&mut initdb, &root, run_as);
        let out = initdb.output().map_err(io_err(format!(
            "cannot run {}",
            bin_dir.join("initdb").display()
        )))?;
        let _ = fs::remove_file(&pwfile);
        if !out.status.success() {
            let log = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            return Err(ServerError::Initdb {
                summary: last_error_line(&log),
                log,
            });
        }

        let tcp = opts.tcp || opts.tls;
        let mut hba = String::from("# written by migcheck: see migcheck-pg's server.rs\n");
        match current_user_name() {
            Some(me) => {
                hba.push_str("local all all peer map=migcheck\n");
                let ident = format!("# written by migcheck\nmigcheck {me} {SUPERUSER}\n");
                write_owned(
                    &data_dir.join("pg_ident.conf"),
                    ident.as_bytes(),
                    0o600,
                    run_as,
                )?;
            }
            None => hba.push_str("local all all scram-sha-256\n"),
        }
        if tcp {
            let host_kind = if opts.tls { "hostssl" } else { "host" };
            hba.push_str(&format!("{host_kind} all all 127.0.0.1/32 scram-sha-256\n"));
        }
        write_owned(&data_dir.join("pg_hba.conf"), hba.as_bytes(), 0o600, run_as)?;
        let listen = if tcp { "127.0.0.1" } else { "" };
        let mut settings: Vec<(String, String)> = vec![
            ("listen_addresses".into(), listen.into()),
            ("unix_socket_permissions".into(), "0700".into()),
            ("unix_socket_directories".into(), root.display().to_string()),
            ("fsync".into(), "off".into()),
            ("full_page_writes".into(), "off".into()),
            ("synchronous_commit".into(), "off".into()),
            ("shared_buffers".into(), "32MB".into()),
            ("max_connections".into(), "60".into()),
            // One migration may create thousands of tables in one transaction, each holding
            // a few locks until it commits; PostgreSQL's default (64 per connection, shared)
            // runs out of shared memory at ~1,800 tables here.
            ("max_locks_per_transaction".into(), "1024".into()),
            ("logging_collector".into(), "off".into()),
        ];
        if opts.tls {
            write_certificates(&root, &data_dir, run_as)?;
            settings.push(("ssl".into(), "on".into()));
            settings.push(("ssl_cert_file".into(), "server.crt".into()));
            settings.push(("ssl_key_file".into(), "server.key".into()));
        }
        settings.extend(opts.settings.iter().cloned());

        let mut server = ThrowawayServer {
            dir: Some(dir),
            root: root.clone(),
            data_dir,
            bin_dir,
            port: 0,
            password,
            child: None,
            run_as,
            keep: opts.keep,
            tls: opts.tls,
            tcp,
            stop_with_parent: opts.stop_with_parent,
            startup: Duration::ZERO,
            version: String::new(),
        };
        let deadline = began + opts.start_timeout;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_port()?;
            match server.launch(port, &settings, deadline, opts.start_timeout.as_secs()) {
                Ok(()) => break,
                // Someone took the port between our probe and the server's bind: retry.
                Err(ServerError::Start { log, .. })
                    if attempt < 4 && log.contains("could not bind") => {}
                Err(e) => return Err(e),
            }
        }
        server.version = fs::read_to_string(server.data_dir.join("PG_VERSION"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        server.startup = began.elapsed();
        Ok(server)
    }

    fn launch(
        &mut self,
        port: u16,
        settings: &[(String, String)],
        deadline: Instant,
        timeout_secs: u64,
    ) -> Result<(), ServerError> {
        let log_path = self.root.join("postgres.log");
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(io_err("cannot create the server log"))?;
        let log_start = log.metadata().map(|m| m.len()).unwrap_or(0);
        let mut cmd = Command::new(self.bin_dir.join("postgres"));
        cmd.arg("-D")
            .arg(&self.data_dir)
            .arg("-p")
            .arg(port.to_string());
        for (k, v) in settings {
            cmd.arg("-c").arg(format!("{k}={v}"));
        }
        prepare(&mut cmd, &self.root, self.run_as);
        cmd.stdin(Stdio::null())
            .stdout(
                log.try_clone()
                    .map_err(io_err("cannot share the server log"))?,
            )
            .stderr(log);
        let mut child = spawn(cmd, self.stop_with_parent).map_err(io_err(format!(
            "cannot run {}",
            self.bin_dir.join("postgres").display()
        )))?;
        let pid_file = self.data_dir.join("postmaster.pid");
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let log = read_from(&log_path, log_start);
                let _ = fs::remove_file(&pid_file);
                return Err(ServerError::Start {
                    summary: format!("{} ({status})", last_error_line(&log)),
                    log,
                });
            }
            if let Ok(pid) = fs::read_to_string(&pid_file) {
                // Line 8 of postmaster.pid is the postmaster's status ("ready" once it accepts).
                if pid.lines().nth(7).map(str::trim) == Some("ready") {
                    self.port = port;
                    self.child = Some(child);
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                let log = read_from(&log_path, log_start);
                return Err(ServerError::Timeout {
                    secs: timeout_secs,
                    summary: last_error_line(&log),
                    log,
                });
            }
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the unix socket (`.s.PGSQL.<port>`).
    pub fn socket_dir(&self) -> &Path {
        &self.root
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The superuser's password (TCP connections need it).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// How long `start` took (initdb + start-up).
    pub fn startup_time(&self) -> Duration {
        self.startup
    }

    /// The server's major version (`PG_VERSION`), e.g. `15`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The PEM file of the CA that signed the server certificate (with `tls`).
    pub fn ca_cert_path(&self) -> Option<PathBuf> {
        self.tls.then(|| self.root.join("ca.pem"))
    }

    /// A URL for the superuser over the unix socket (peer authentication for this OS user): it
    /// holds no secret, so it can be printed.
    pub fn url(&self) -> String {
        format!(
            "postgresql://{SUPERUSER}@/postgres?host={}&port={}",
            self.root.display(),
            self.port
        )
    }

    /// A URL for the superuser over TCP, password included: do not print it.
    pub fn superuser_url(&self) -> String {
        self.connection_config().url_with_password()
    }

    /// The superuser to the `postgres` database: over TCP on 127.0.0.1 when the server listens
    /// there (sslmode `require` with `tls`, else `disable`), else over the unix socket.
    pub fn connection_config(&self) -> ConnectionConfig {
        if !self.tcp {
            return self.socket_config();
        }
        self.tcp_config()
    }

    /// Whether the server listens on TCP.
    pub fn listens_on_tcp(&self) -> bool {
        self.tcp
    }

    fn tcp_config(&self) -> ConnectionConfig {
        let mut c = ConnectionConfig::from_url(&format!(
            "postgresql://{SUPERUSER}@127.0.0.1:{}/postgres",
            self.port
        ))
        .expect("a well-formed URL");
        c.set_password(Some(self.password.clone()));
        c.sslmode = if self.tls {
            SslMode::Require
        } else {
            SslMode::Disable
        };
        c.connect_timeout = DEFAULT_CONNECT_TIMEOUT;
        c
    }

    /// The superuser over the unix socket (peer authentication; the password is set for the
    /// fallback where this process's user has no name, and only sent if asked for).
    pub fn socket_config(&self) -> ConnectionConfig {
        let mut c = self.tcp_config();
        c.host = Host::Unix(self.root.clone());
        c.sslmode = SslMode::Disable;
        c
    }

    /// The command that stops a kept server.
    pub fn stop_command(&self) -> String {
        if is_root() {
            // pg_ctl refuses to run as root; the postmaster (running as another user) can
            // still be signalled by root: SIGINT is a fast shutdown.
            return format!(
                "kill -INT $(head -1 {})",
                self.data_dir.join("postmaster.pid").display()
            );
        }
        format!(
            "{} stop -D {} -m immediate",
            self.bin_dir.join("pg_ctl").display(),
            self.data_dir.display()
        )
    }

    /// Stops the server now (also done on drop, unless `keep`).
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let mut cmd = Command::new(self.bin_dir.join("pg_ctl"));
        cmd.arg("stop")
            .arg("-D")
            .arg(&self.data_dir)
            .args(["-m", "immediate", "-w", "-t", "10", "-s"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        prepare(&mut cmd, &self.root, self.run_as);
        let stopped = cmd.status().map(|s| s.success()).unwrap_or(false);
        if !stopped {
            let _ = child.kill();
        }
        // Reap the postmaster, with a bound: never hang in drop.
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            match child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() >= until => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }
}

impl Drop for ThrowawayServer {
    fn drop(&mut self) {
        if self.keep {
            if let Some(dir) = self.dir.take() {
                let _ = dir.keep();
            }
            return;
        }
        self.stop();
        // TempDir's drop removes the directory.
    }
}

/// The name of this process's effective user (what PostgreSQL's peer authentication sees).
fn current_user_name() -> Option<String> {
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() >= 3 && f[2].parse::<u32>().ok() == Some(uid) && !f[0].is_empty())
            .then(|| f[0].to_string())
            .filter(|n| {
                n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            })
    })
}

type SpawnRequest = (Command, std::sync::mpsc::Sender<io::Result<Child>>);

/// Spawns `cmd`; with `stop_with_parent`, from one long-lived thread with a parent-death
/// signal. Linux sends that signal when the *thread* that forked the child exits, so the
/// spawning must not happen on a thread that may end before the process does (a test thread,
/// tokio's blocking pool): a dedicated thread that lives as long as the process does it.
fn spawn(mut cmd: Command, stop_with_parent: bool) -> io::Result<Child> {
    if !stop_with_parent || !cfg!(target_os = "linux") {
        return cmd.spawn();
    }
    static SPAWNER: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<SpawnRequest>>> =
        std::sync::OnceLock::new();
    let tx = SPAWNER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("migcheck-pg-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("a thread");
        std::sync::Mutex::new(tx)
    });
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) between fork and exec.
        // The closure runs after the switch to the server's user (the signal setting would be
        // cleared by a change of credentials).
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGQUIT, 0, 0, 0) != 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    // The parent died before the signal was armed.
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
    let (reply_tx, reply_rx) = std::sync::mpsc::channel();
    tx.lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((cmd, reply_tx))
        .map_err(|_| io::Error::other("the spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("the spawner thread is gone"))?
}

/// Runs children in `dir`, as `run_as` when set, with no PG* variables leaking in.
fn prepare(cmd: &mut Command, dir: &Path, run_as: Option<(u32, u32)>) {
    cmd.current_dir(dir);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("PG") {
            cmd.env_remove(k);
        }
    }
    cmd.env("LC_ALL", "C");
    if let Some((uid, gid)) = run_as {
        cmd.uid(uid).gid(gid).env("HOME", dir);
    }
}

fn write_owned(
    path: &Path,
    data: &[u8],
    mode: u32,
    run_as: Option<(u32, u32)>,
) -> Result<(), ServerError> {
    let what = || format!("cannot write {}", path.display());
    fs::write(path, data).map_err(io_err(what()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(io_err(what()))?;
    if let Some((uid, gid)) = run_as {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(io_err(what()))?;
    }
    Ok(())
}

fn write_certificates(
    root: &Path,
    data_dir: &Path,
    run_as: Option<(u32, u32)>,
) -> Result<(), ServerError> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let err = |e: rcgen::Error| ServerError::Certificates(e.to_string());
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "migcheck throwaway CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().map_err(err)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(err)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.use_authority_key_identifier_extension = true;
    params
        .extended_key_usages
        .push(rcgen::ExtendedKeyUsagePurpose::ServerAuth);
    let key = KeyPair::generate().map_err(err)?;
    let cert = params.signed_by(&key, &issuer).map_err(err)?;

    write_owned(&root.join("ca.pem"), ca_cert.pem().as_bytes(), 0o644, None)?;
    write_owned(
        &data_dir.join("server.crt"),
        cert.pem().as_bytes(),
        0o644,
        run_as,
    )?;
    write_owned(
        &data_dir.join("server.key"),
        key.serialize_pem().as_bytes(),
        0o600,
        run_as,
    )?;
    Ok(())
}

fn free_port() -> Result<u16, ServerError> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(io_err("cannot find a free port"))?;
    let port = l
        .local_addr()
        .map_err(io_err("cannot find a free port"))?
        .port();
    Ok(port)
}

/// `len` hex digits from the operating system's random source.
fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len.div_ceil(2)];
    let filled = fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !filled {
        // No /dev/urandom: std's per-process random hash keys, mixed with the time.
        for chunk in bytes.chunks_mut(8) {
            let mut h = RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            let v = h.finish().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    let mut s: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    s.truncate(len);
    s
}

fn read_from(path: &Path, offset: u64) -> String {
    let mut s = String::new();
    if let Ok(mut f) = fs::File::open(path) {
        let _ = f.seek(SeekFrom::Start(offset));
        let mut buf = Vec::new();
        let _ = f.read_to_end(&mut buf);
        s = String::from_utf8_lossy(&buf).into_owned();
    }
    s
}

fn last_error_line(log: &str) -> String {
    log.lines()
        .rev()
        .find(|l| {
            l.contains("FATAL")
                || l.contains("ERROR")
                || l.contains("error")
                || l.contains("could not")
        })
        .or_else(|| log.lines().rev().find(|l| !l.trim().is_empty()))
        .unwrap_or("no output")
        .trim()
        .to_string()
}

/// True when the effective user is root.
pub fn is_root() -> bool {
    if let Ok(m) = fs::metadata("/proc/self") {
        return m.uid() == 0;
    }
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The (uid, gid) of an unprivileged user to run PostgreSQL as (and the tests' PgBouncer,
/// which refuses root), from /etc/passwd.
pub fn unprivileged_user() -> Option<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    for wanted in ["nobody", "postgres", "daemon"] {
        for line in passwd.lines() {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() >= 4 && f[0] == wanted {
                if let (Ok(uid), Ok(gid)) = (f[2].parse::<u32>(), f[3].parse::<u32>()) {
                    if uid != 0 {
                        return Some((uid, gid));
                    }
                }
            }
        }
    }
    None
}

/// Where temporary server directories go: short (unix socket paths are limited to ~100
/// bytes) and, when running as another user, reachable by that user.
fn temp_base(switching_user: bool) -> PathBuf {
    let t = std::env::temp_dir();
    if switching_user || t.as_os_str().len() > 60 {
        PathBuf::from("/tmp")
    } else {
        t
    }
}

fn has_server_binaries(dir: &Path) -> bool {
    ["initdb", "postgres", "pg_ctl"]
        .iter()
        .all(|b| dir.join(b).is_file())
}

fn highest_versioned(pattern_parent: &Path, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let mut found: Vec<(Vec<u32>, PathBuf)> = Vec::new();
    if let Ok(rd) = fs::read_dir(pattern_parent) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(v) = name.strip_prefix(prefix) {
                let key: Vec<u32> = v
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|p| p.parse().ok())
                    .collect();
                if !key.is_empty() {
                    found.push((key, e.path().join(suffix)));
                }
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, p)| p).collect()
}

/// Finds the directory with `initdb`, `postgres` and `pg_ctl`: `explicit`, else
/// `pg_config --bindir`, else `PATH`, else the usual install locations.
pub fn find_bin_dir(explicit: Option<&Path>) -> Result<PathBuf, ServerError> {
    if let Some(d) = explicit {
        return if has_server_binaries(d) {
            Ok(d.to_path_buf())
        } else {
            Err(ServerError::NotABinDir {
                dir: d.display().to_string(),
            })
        };
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(out) = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
    {
        if out.status.success() {
            candidates.push(PathBuf::from(
                String::from_utf8_lossy(&out.stdout).trim().to_string(),
            ));
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    candidates.extend(highest_versioned(
        Path::new("/usr/lib/postgresql"),
        "",
        "bin",
    ));
    candidates.push(PathBuf::from("/usr/local/pgsql/bin"));
    candidates.extend(highest_versioned(
        Path::new("/opt/homebrew/opt"),
        "postgresql@",
        "bin",
    ));
    candidates.extend(highest_versioned(
        Path::new("/usr/local/opt"),
        "postgresql@",
        "bin",
    ));
    candidates.extend(highest_versioned(Path::new("/usr"), "pgsql-", "bin"));
    if let Some(d) = candidates.iter().find(|d| has_server_binaries(d)) {
        return Ok(d.clone());
    }
    Err(ServerError::NotFound {
        searched: "pg_config --bindir, PATH, /usr/lib/postgresql/*/bin, /usr/local/pgsql/bin, /opt/homebrew/opt/postgresql@*/bin, /usr/pgsql-*/bin".into(),
        install: install_hint(),
    })
}

/// The command that installs the PostgreSQL server on this platform.
pub fn install_hint() -> String {
    if cfg!(target_os = "macos") {
        return "brew install postgresql@16".into();
    }
    let os = fs::read_to_string("/etc/os-release").unwrap_or_default();
    let ids: String = os
        .lines()
        .filter(|l| l.starts_with("ID=") || l.starts_with("ID_LIKE="))
        .collect::<Vec<_>>()
        .join(" ");
    if ids.contains("debian") || ids.contains("ubuntu") {
        "apt-get install postgresql".into()
    } else if ids.contains("fedora") || ids.contains("rhel") || ids.contains("centos") {
        "dnf install postgresql-server".into()
    } else if ids.contains("alpine") {
        "apk add postgresql".into()
    } else if ids.contains("arch") {
        "pacman -S postgresql".into()
    } else {
        "apt-get install postgresql (Debian/Ubuntu), dnf install postgresql-server (Fedora/RHEL), brew install postgresql@16 (macOS)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_bin_dir_must_hold_the_binaries() {
        let d = tempfile::tempdir().unwrap();
        let e = find_bin_dir(Some(d.path())).unwrap_err();
        assert!(e.to_string().contains("does not contain"), "{e}");
    }

    #[test]
    fn install_hint_names_a_command() {
        let h = install_hint();
        assert!(h.contains("install") || h.contains("add") || h.contains("-S"));
    }

    #[test]
    fn random_passwords_differ() {
        assert_ne!(random_hex(24), random_hex(24));
        assert_eq!(random_hex(24).len(), 24);
        assert_eq!(random_hex(7).len(), 7);
    }
}
