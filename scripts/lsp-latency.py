#!/usr/bin/env python3
"""How long `migcheck lsp` takes from an edit to its diagnostics (docs/editors.md).

Usage: scripts/lsp-latency.py MIGCHECK FILE [EDITS]

Starts the language server in the current directory, opens FILE, then sends EDITS changes (20 by
default), one at a time: each appends a comment line, and the time from sending it to receiving
FILE's diagnostics is one sample. Prints the median and the slowest, in milliseconds. The server
runs with its parse cache as `migcheck lsp` would (set MIGCHECK_NO_CACHE=1 to measure without).
"""

import json
import os
import pathlib
import statistics
import subprocess
import sys
import time


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc):
    length = 0
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(proc.stdout.read(length))


def wait_for_diagnostics(proc, uri):
    while True:
        msg = receive(proc)
        if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
            return msg


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    migcheck, path = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8", errors="replace")
    proc = subprocess.Popen(
        [migcheck, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=dict(os.environ)
    )
    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    while receive(proc).get("id") != 1:
        pass
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}})
    wait_for_diagnostics(proc, uri)
    samples = []
    for version in range(2, edits + 2):
        text += f"-- edit {version}\n"
        start = time.perf_counter()
        send(proc, {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}]}})
        wait_for_diagnostics(proc, uri)
        samples.append((time.perf_counter() - start) * 1e3)
    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    while receive(proc).get("id") != 2:
        pass
    send(proc, {"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.wait(timeout=10)
    print(f"{edits} edits of {path.name}: median {statistics.median(samples):.1f} ms, "
          f"slowest {max(samples):.1f} ms")


if __name__ == "__main__":
    main()
