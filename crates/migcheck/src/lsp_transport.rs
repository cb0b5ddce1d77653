//! The stdio transport of `migcheck lsp`: Content-Length framed JSON-RPC, read and written on
//! two threads that fill an `lsp_server::Connection`.
//!
//! lsp-server's own transport (`Connection::stdio`, lsp-server 0.10 `msg.rs`
//! `read_msg_text`) sizes its buffer to whatever `Content-Length` announces before reading the
//! body (`buf.resize(size, 0)`): a header of 1,000,000,000 took 982 MB at once, one of
//! 2^64−1 aborted the server. This one refuses a body over [`MAX_MESSAGE`] before reading it,
//! and reads any body into a buffer that grows as its bytes arrive.
//!
//! A body over the limit is read and discarded (without keeping it), reported on stderr and to
//! the editor (`window/showMessage`), and the server goes on with the next message: its
//! request, if it was one, gets no answer, since its id is in the part not kept. A connection
//! that closes inside a message, a header that is not `Name: value` (or longer than
//! [`MAX_HEADER_LINE`]), a missing or unreadable `Content-Length` and a body that is not
//! JSON-RPC end the connection with a message on stderr: the server exits with code 2.

use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{bounded, Sender};
use lsp_server::{Connection, Message, Notification};

/// The largest message body read: 64 MiB. An editor sends a whole document in one message
/// (`didOpen`, and `didChange` with full sync), and JSON escaping at most doubles a typical
/// text; a SQL file of tens of megabytes is a data dump no one edits in an editor.
pub const MAX_MESSAGE: u64 = 64 << 20;

/// The longest header line read: 8 KiB (the protocol's headers are two short lines).
pub const MAX_HEADER_LINE: u64 = 8 << 10;

/// The method of an internal notification whose `params` is a JSON string holding a whole
/// message already serialized ([`raw`]): the writer sends that text as it is.
const RAW: &str = "migcheck/raw";

/// A message already serialized (its JSON text), to be written as it is: for
/// `publishDiagnostics` of many findings, which would take several times its text as a
/// `serde_json::Value`.
pub fn raw(json: String) -> Message {
    Message::Notification(Notification {
        method: RAW.into(),
        params: serde_json::Value::String(json),
    })
}

/// The threads of the transport.
pub struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for the writer (everything sent is written) and reports how the reader ended,
    /// when it has: a reader still waiting for input from a client that sends nothing more
    /// is left to the end of the process.
    pub fn join(self) -> io::Result<()> {
        let written = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")));
        if self.reader.is_finished() {
            self.reader
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the reader thread panicked")))?;
        }
        written
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> (Connection, IoThreads) {
    let (to_writer, outgoing) = bounded::<Message>(0);
    let notices = to_writer.clone();
    let writer = std::thread::Builder::new()
        .name("migcheck-lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for msg in outgoing {
                write(&mut out, &msg)?;
            }
            Ok(())
        })
        .expect("a thread starts");
    let (to_server, incoming) = bounded::<Message>(0);
    let reader = std::thread::Builder::new()
        .name("migcheck-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut inp = stdin.lock();
            read_all(&mut inp, &to_server, &notices)
        })
        .expect("a thread starts");
    let connection = Connection {
        sender: to_writer,
        receiver: incoming,
    };
    (connection, IoThreads { reader, writer })
}

fn write(out: &mut impl Write, msg: &Message) -> io::Result<()> {
    match msg {
        Message::Notification(Notification {
            method,
            params: serde_json::Value::String(text),
        }) if method == RAW => {
            write!(out, "Content-Length: {}\r\n\r\n", text.len())?;
            out.write_all(text.as_bytes())?;
            out.flush()
        }
        _ => msg.write(out),
    }
}

/// Reads messages from `inp` and hands them to the server until the input ends, an `exit`
/// notification, or a framing error.
pub fn read_all(
    inp: &mut impl BufRead,
    to_server: &Sender<Message>,
    notices: &Sender<Message>,
) -> io::Result<()> {
    loop {
        match read_one(inp, notices)? {
            Read1::End => return Ok(()),
            Read1::TooLarge => {}
            Read1::Message(msg) => {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if to_server.send(msg).is_err() || exit {
                    return Ok(());
                }
            }
        }
    }
}

/// Says on stderr and to the editor that a message of `size` bytes is skipped.
fn too_large(size: u64, notices: &Sender<Message>) {
    let text = format!(
        "migcheck lsp: skipped a message of {size} bytes: messages are read up to {MAX_MESSAGE} bytes (64 MiB); a document that large is not checked in the editor, run `migcheck check` on it"
    );
    eprintln!("{text}");
    let params = lsp_types::ShowMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: text,
    };
    // A closed channel: the server is gone, and the reader ends at its next message.
    let _ = notices.send(Message::Notification(Notification::new(
        "window/showMessage".into(),
        params,
    )));
}

enum Read1 {
    End,
    /// A body over [`MAX_MESSAGE`], read and discarded.
    TooLarge,
    Message(Message),
}

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

/// Reads one framed message.
fn read_one(inp: &mut impl BufRead, notices: &Sender<Message>) -> io::Result<Read1> {
    let mut size: Option<u64> = None;
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        let n = inp.by_ref().take(MAX_HEADER_LINE).read_line(&mut line)?;
        if n == 0 {
            if first {
                return Ok(Read1::End);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the input ended inside a message's headers",
            ));
        }
        first = false;
        let Some(header) = line.strip_suffix("\r\n") else {
            return Err(invalid(format!(
                "a header line that does not end with CRLF within {MAX_HEADER_LINE} bytes: {:?}",
                cut(&line)
            )));
        };
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(": ") else {
            return Err(invalid(format!(
                "a header that is not `Name: value`: {:?}",
                cut(header)
            )));
        };
        if name.eq_ignore_ascii_case("Content-Length") {
            size = Some(value.trim().parse().map_err(|_| {
                invalid(format!(
                    "a Content-Length that is not a byte count: {:?}",
                    cut(value)
                ))
            })?);
        }
    }
    let size = size.ok_or_else(|| invalid("a message without Content-Length".into()))?;
    if size > MAX_MESSAGE {
        too_large(size, notices);
        // Read and dropped a buffer at a time.
        let skipped = io::copy(&mut inp.by_ref().take(size), &mut io::sink())?;
        if skipped < size {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the input ended after {skipped} bytes of a message that announced {size} (over the limit of {MAX_MESSAGE} bytes)"
                ),
            ));
        }
        return Ok(Read1::TooLarge);
    }
    // Grows as the bytes arrive: what is announced is not reserved.
    let mut text = Vec::new();
    inp.by_ref().take(size).read_to_end(&mut text)?;
    if (text.len() as u64) < size {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!(
                "the input ended after {} bytes of a message of {size}",
                text.len()
            ),
        ));
    }
    serde_json::from_slice(&text)
        .map(Read1::Message)
        .map_err(|e| invalid(format!("a message that is not JSON-RPC: {e}")))
}

/// At most the first 100 characters of `s`, for an error message.
fn cut(s: &str) -> &str {
    match s.char_indices().nth(100) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn a_message_over_the_limit_is_skipped_and_the_next_read() {
        let big = MAX_MESSAGE + 1;
        let mut input = format!("Content-Length: {big}\r\n\r\n").into_bytes();
        input.resize(input.len() + big as usize, b' ');
        input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#).bytes());
        let (tx, rx) = bounded(4);
        let (ntx, nrx) = bounded(4);
        read_all(&mut &input[..], &tx, &ntx).unwrap();
        let Message::Notification(n) = nrx.try_recv().unwrap() else {
            panic!()
        };
        assert_eq!(n.method, "window/showMessage");
        assert!(n.params["message"]
            .as_str()
            .unwrap()
            .contains(&format!("skipped a message of {big} bytes")));
        let Message::Notification(n) = rx.try_recv().unwrap() else {
            panic!()
        };
        assert_eq!(n.method, "exit");
    }

    #[test]
    fn an_announced_size_is_not_reserved() {
        // 2^64 − 1 announced, 10 bytes sent: lsp-server reserved the size first (abort).
        let input = format!("Content-Length: {}\r\n\r\n0123456789", u64::MAX);
        let (tx, _rx) = bounded(4);
        let (ntx, _nrx) = bounded(4);
        let e = read_all(&mut input.as_bytes(), &tx, &ntx).unwrap_err();
        assert!(e.to_string().contains("ended after 10 bytes"), "{e}");
        let input = "Content-Length: 1000000\r\n\r\n{}";
        let e = read_all(&mut input.as_bytes(), &tx, &ntx).unwrap_err();
        assert!(
            e.to_string()
                .contains("ended after 2 bytes of a message of 1000000"),
            "{e}"
        );
        let input = "Content-Length: 99999999999999999999999\r\n\r\n";
        let e = read_all(&mut input.as_bytes(), &tx, &ntx).unwrap_err();
        assert!(e.to_string().contains("not a byte count"), "{e}");
    }
}
