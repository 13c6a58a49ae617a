// Starts `claw lsp` for `.claw` files; everything else comes from the server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("claw").get("path") || "claw";
  client = new LanguageClient(
    "claw",
    "Claw",
    { command, args: ["lsp"] },
    { documentSelector: [{ scheme: "file", language: "claw" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
