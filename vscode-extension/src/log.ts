import * as vscode from "vscode";

/** The "Apex" output channel: the server's stderr/log, adapter messages, and ours. */
export const output = vscode.window.createOutputChannel("Apex", { log: true });
