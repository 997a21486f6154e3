// The Apex commands. Each one reaches a real backend: the language server
// (workspace/executeCommand), the debug adapter (custom requests), or `apex run`.
import { readFileSync, mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { output } from "./log";
import { apexCommand, apexEnv, ApexRuntime } from "./runtime";
import { TimelineView } from "./timeline";

export interface CommandContext {
  client: () => LanguageClient | undefined;
  runtime: (resource?: vscode.Uri) => Promise<ApexRuntime>;
  restartServer: () => Promise<void>;
  timeline: TimelineView;
}

function apexSession(): vscode.DebugSession {
  const session = vscode.debug.activeDebugSession;
  if (!session || session.type !== "apex") throw new Error("No apex debug session is running.");
  return session;
}

function runningClient(ctx: CommandContext): LanguageClient {
  const client = ctx.client();
  if (!client || !client.isRunning()) throw new Error("The Apex language server is not running (see the Apex output).");
  return client;
}

async function showJson(title: string, value: unknown): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: "json", content: JSON.stringify(value, null, 2) + "\n" });
  await vscode.window.showTextDocument(doc, { preview: true });
  output.info(`${title}: ${JSON.stringify(value)}`);
}

const MODES = [
  { label: "isolation", description: "deny risky capabilities; debug mutations gated" },
  { label: "hybrid", description: "audit risky capabilities" },
  { label: "development", description: "allow, report" },
  { label: "Use the policy file's mode", description: "drop this editor's override", mode: null as string | null },
];

export async function switchMode(ctx: CommandContext): Promise<void> {
  const picked = await vscode.window.showQuickPick(MODES, { title: "Apex: switch mode", placeHolder: "Mode for this session" });
  if (!picked) return;
  const mode = "mode" in picked ? picked.mode : picked.label;
  await runningClient(ctx).sendRequest("workspace/executeCommand", { command: "apex.setMode", arguments: [mode] });
}

export async function scanWorkspace(ctx: CommandContext): Promise<void> {
  const summary = await runningClient(ctx).sendRequest("workspace/executeCommand",
    { command: "apex.scanWorkspace", arguments: [] }) as { files: number; findings: number; cancelled: boolean };
  const text = `Apex scanned ${summary.files} files: ${summary.findings} findings${summary.cancelled ? " (cancelled)" : ""}.`;
  const open = await vscode.window.showInformationMessage(text, "Open Problems");
  if (open) await vscode.commands.executeCommand("workbench.actions.view.problems");
}

export async function showPolicy(ctx: CommandContext): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const args = uri && uri.scheme === "file" ? [uri.toString()] : [];
  const summary = await runningClient(ctx).sendRequest("workspace/executeCommand", { command: "apex.showPolicy", arguments: args });
  await showJson("effective policy", summary);
}

/** Runs the active file with `apex run --mode isolation` as a task in the terminal, then shows the report. */
export async function runInIsolation(ctx: CommandContext, resource?: vscode.Uri): Promise<void> {
  const uri = resource ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== "file") throw new Error("Open a Python file to run it in isolation.");
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
  const rt = await ctx.runtime(uri);
  const report = path.join(mkdtempSync(path.join(os.tmpdir(), "apex-run-")), "report.json");
  const { command, args } = apexCommand(rt, ["run", "--mode", "isolation", "--report-json", report, uri.fsPath]);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const env = apexEnv(rt, {}) as { [key: string]: string };
  const task = new vscode.Task({ type: "apex-run", file: uri.fsPath }, folder ?? vscode.TaskScope.Workspace,
    `isolation: ${path.basename(uri.fsPath)}`, "apex",
    new vscode.ProcessExecution(command, args, { cwd: folder?.uri.fsPath ?? path.dirname(uri.fsPath), env }));
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  const execution = await vscode.tasks.executeTask(task);
  const exitCode = await new Promise<number | undefined>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution === execution) { sub.dispose(); resolve(e.exitCode); }
    });
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(report, "utf-8"));
  } catch {
    throw new Error(`apex run exited with ${exitCode ?? "?"} and wrote no isolation report (see the terminal).`);
  }
  await showJson("isolation report", parsed);
}

export async function hotReload(paths?: string[]): Promise<void> {
  const result = await apexSession().customRequest("apexHotReload", paths ? { paths } : {});
  output.info(`hot reload: ${JSON.stringify(result)}`);
  void vscode.window.setStatusBarMessage("$(refresh) Apex: hot reload applied", 3000);
}

export async function saveRecording(): Promise<void> {
  const session = apexSession();
  const folder = session.workspaceFolder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: "Save the Apex recording", filters: { "Apex recording": ["apexrec"] },
    defaultUri: folder ? vscode.Uri.joinPath(folder, "recording.apexrec") : undefined,
  });
  if (!target) return;
  const saved = await session.customRequest("apexSaveRecording", { path: target.fsPath }) as { path: string; steps: number; bytes: number };
  const size = saved.bytes < 10240 ? `${saved.bytes} bytes` : `${Math.round(saved.bytes / 1024)} KiB`;
  void vscode.window.showInformationMessage(`Apex saved ${saved.steps} steps (${size}) to ${saved.path}.`);
}

export async function openRecording(file?: vscode.Uri): Promise<void> {
  const target = file ?? (await vscode.window.showOpenDialog({
    title: "Replay an Apex recording", canSelectMany: false, filters: { "Apex recording": ["apexrec"], "All files": ["*"] },
  }))?.[0];
  if (!target) return;
  const folder = vscode.workspace.getWorkspaceFolder(target) ?? vscode.workspace.workspaceFolders?.[0];
  await vscode.debug.startDebugging(folder, {
    type: "apex", request: "launch", name: `Apex: replay ${path.basename(target.fsPath)}`, replay: target.fsPath,
  });
}

export async function showTimeline(ctx: CommandContext): Promise<void> {
  await vscode.commands.executeCommand("apex.timeline.focus");
  await ctx.timeline.refresh(vscode.debug.activeDebugSession);
}

export async function undoStateEdit(): Promise<void> {
  const result = await apexSession().customRequest("apexUndoStateEdit", {}) as { edit?: { target?: string; old?: string } };
  void vscode.window.showInformationMessage(`Apex undid the edit of ${result.edit?.target ?? "a value"}` +
    (result.edit?.old !== undefined ? ` (back to ${result.edit.old})` : "") + ".");
  // Refresh the Variables view: VS Code re-reads it on a focus change.
  await vscode.commands.executeCommand("workbench.debug.action.focusVariablesView");
}

/** Registers a command whose errors become an error message instead of a silent failure. */
export function register(id: string, fn: (...args: never[]) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: never[]) => {
    try {
      return await fn(...args);
    } catch (error) {
      const message = (error as Error).message;
      output.error(`${id}: ${message}`);
      void vscode.window.showErrorMessage(`Apex: ${message}`);
      return undefined;
    }
  });
}
