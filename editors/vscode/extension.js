// The migcheck extension: starts `migcheck lsp` (from the `migcheck.path` setting, else from
// PATH) and connects VS Code to it for SQL files. Everything else (diagnostics, hovers, fixes,
// allow directives) is the language server's: see docs/editors.md.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function serverCommand() {
  const configured = vscode.workspace.getConfiguration('migcheck').get('path');
  return configured && configured.trim() !== '' ? configured.trim() : 'migcheck';
}

async function start() {
  const server = { command: serverCommand(), args: ['lsp'] };
  client = new LanguageClient(
    'migcheck',
    'migcheck',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'sql' }] }
  );
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(
      `migcheck: cannot start \`${server.command} lsp\` (${e.message}). ` +
        'Install migcheck or set `migcheck.path`.'
    );
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('migcheck.path')) {
        await deactivate();
        await start();
      }
    })
  );
  await start();
}

async function deactivate() {
  if (client) {
    const running = client;
    client = undefined;
    if (running.isRunning()) {
      await running.stop();
    }
  }
}

module.exports = { activate, deactivate };
