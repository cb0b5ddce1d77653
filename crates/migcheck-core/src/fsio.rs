//! The one home for reading a file migcheck found on disk, and for replacing a file it changes.
//!
//! Reading: every file discovery, the tool models and the check open (migrations, configs,
//! journals, manifests, workflows...) goes through [`read`], [`read_to_string`] or [`head`].
//! Only regular files are read (symlinks are followed): a FIFO, socket or device is refused
//! before it is opened (its type from `stat`), and the file is opened with `O_NONBLOCK` and its
//! type checked again on the open descriptor (`fstat`), so a file swapped for a FIFO between
//! the two never blocks the run.
//!
//! Writing: [`replace`] writes a temporary file in the same directory, fsyncs it, gives it the
//! original's permissions, checks that the file on disk still holds the bytes migcheck read, and
//! renames the temporary file over it. A failed write (full disk, file size limit) leaves the
//! original untouched. It refuses a symlink, anything that is not a regular file, and a file
//! whose content changed since it was read.

use std::fmt;
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// What a file that is not regular is, in a few words (`None`: a regular file).
pub fn non_regular_kind(meta: &Metadata) -> Option<&'static str> {
    let ft = meta.file_type();
    if ft.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if ft.is_socket() {
            return Some("a socket");
        }
        if ft.is_char_device() {
            return Some("a character device");
        }
        if ft.is_block_device() {
            return Some("a block device");
        }
    }
    if ft.is_dir() {
        return Some("a directory");
    }
    if ft.is_symlink() {
        return Some("a symbolic link");
    }
    Some("not a regular file")
}

fn not_regular(kind: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{kind}, not a regular file: migcheck reads regular files only"),
    )
}

/// True when `e` is the refusal of a file that is not regular (skipped with a note, not an
/// unreadable input).
pub fn is_not_regular(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::InvalidInput && e.to_string().contains("not a regular file")
}

/// Opens a regular file (following symlinks) for reading, never blocking on a FIFO.
pub fn open(path: &Path) -> io::Result<File> {
    let meta = std::fs::metadata(path)?;
    if let Some(kind) = non_regular_kind(&meta) {
        return Err(not_regular(kind));
    }
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The type may change between `stat` and `open`: a FIFO opened non-blocking returns at
        // once, and `fstat` below refuses it.
        opts.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = opts.open(path)?;
    if let Some(kind) = non_regular_kind(&file.metadata()?) {
        return Err(not_regular(kind));
    }
    Ok(file)
}

/// The bytes of a regular file (see [`open`]).
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut f = open(path)?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf)?;
    Ok(buf)
}

/// The text of a regular file, which must be UTF-8 (see [`open`]).
pub fn read_to_string(path: &Path) -> io::Result<String> {
    let mut f = open(path)?;
    let mut s = String::new();
    f.read_to_string(&mut s)?;
    Ok(s)
}

/// The first `n` bytes of a regular file, lossily as UTF-8; empty when it cannot be read.
pub fn head(path: &Path, n: u64) -> String {
    let mut buf = Vec::new();
    let _ = open(path).and_then(|f| f.take(n).read_to_end(&mut buf));
    String::from_utf8_lossy(&buf).into_owned()
}

/// Why [`replace`] did not replace a file. The file is untouched in every case.
#[derive(Debug)]
pub enum WriteError {
    /// The path is a symbolic link: migcheck does not write through links.
    Symlink,
    /// The path is not a regular file (a FIFO, a directory...).
    NotRegular(&'static str),
    /// The file on disk no longer holds what migcheck read (another process changed it).
    Changed,
    /// The file exists where migcheck expected to create it.
    Exists,
    /// Writing the temporary file, or renaming it, failed.
    Io(io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Symlink => f.write_str(
                "it is a symbolic link; migcheck does not write through links (write its target by naming it)",
            ),
            WriteError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            WriteError::Changed => f.write_str(
                "it changed on disk since migcheck read it (another process wrote it); run again",
            ),
            WriteError::Exists => f.write_str("it appeared on disk while migcheck ran; run again"),
            WriteError::Io(e) => write!(f, "{e}; the file is unchanged"),
        }
    }
}

impl std::error::Error for WriteError {}

/// Checks that `path` may be replaced: a regular file, or absent. Returns its metadata.
pub fn check_replaceable(path: &Path) -> Result<Option<Metadata>, WriteError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(WriteError::Symlink),
        Ok(m) => match non_regular_kind(&m) {
            Some(kind) => Err(WriteError::NotRegular(kind)),
            None => Ok(Some(m)),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(WriteError::Io(e)),
    }
}

/// A temporary file beside `path`, removed unless kept.
struct Temp {
    path: PathBuf,
    keep: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn create_temp(path: &Path) -> io::Result<(Temp, File)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    for k in 0..100u32 {
        let tmp = dir.join(format!(".{name}.migcheck-{pid}-{k}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => {
                return Ok((
                    Temp {
                        path: tmp,
                        keep: false,
                    },
                    f,
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary file name beside it",
    ))
}

/// Replaces the file at `path` with `contents`, atomically: a temporary file in the same
/// directory is written, fsynced and renamed over `path`, with the original's permissions.
/// `expected` is what migcheck read from `path` (`None`: the file must not exist); when the
/// file on disk differs from it just before the rename, nothing is written. Symlinks and
/// non-regular files are refused. On any error `path` is untouched and no temporary file is
/// left behind.
pub fn replace(path: &Path, expected: Option<&[u8]>, contents: &[u8]) -> Result<(), WriteError> {
    let before = check_replaceable(path)?;
    if expected.is_some() && before.is_none() {
        return Err(WriteError::Changed);
    }
    let (mut temp, mut file) = create_temp(path).map_err(WriteError::Io)?;
    let written = (|| {
        if let Some(m) = &before {
            file.set_permissions(m.permissions())?;
        }
        file.write_all(contents)?;
        file.sync_all()
    })();
    drop(file);
    written.map_err(WriteError::Io)?;
    // The last look before the rename: the same kind of file, holding the same bytes.
    let now = check_replaceable(path)?;
    match (expected, now) {
        (None, Some(_)) => return Err(WriteError::Exists),
        (Some(_), None) => return Err(WriteError::Changed),
        (Some(old), Some(_)) => {
            let on_disk = read(path).map_err(WriteError::Io)?;
            if on_disk != old {
                return Err(WriteError::Changed);
            }
        }
        (None, None) => {}
    }
    std::fs::rename(&temp.path, path).map_err(WriteError::Io)?;
    temp.keep = true;
    // The rename is durable once the directory is synced (best effort: not every file system
    // allows opening a directory).
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Makes a FIFO at `path` (for tests).
#[cfg(unix)]
#[doc(hidden)]
pub fn mkfifo(path: &Path) {
    use rustix::fs::{mknodat, FileType, Mode, CWD};
    mknodat(CWD, path, FileType::Fifo, Mode::from_raw_mode(0o644), 0)
        .unwrap_or_else(|e| panic!("mkfifo {}: {e}", path.display()));
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("Cargo.toml");
        mkfifo(&fifo);
        let e = read_to_string(&fifo).unwrap_err();
        assert!(is_not_regular(&e), "{e}");
        assert!(e.to_string().contains("FIFO"), "{e}");
        assert_eq!(head(&fifo, 10), "");
    }

    #[test]
    fn replace_keeps_permissions_and_refuses_changes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.sql");
        std::fs::write(&f, "select 1;\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace(&f, Some(b"select 1;\n"), b"select 2;\n").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"select 2;\n");
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let e = replace(&f, Some(b"select 1;\n"), b"select 3;\n").unwrap_err();
        assert!(matches!(e, WriteError::Changed), "{e}");
        assert_eq!(std::fs::read(&f).unwrap(), b"select 2;\n");
        let e = replace(&f, None, b"x").unwrap_err();
        assert!(matches!(e, WriteError::Exists), "{e}");
        // Only the file itself is in the directory: no temporary file is left.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
