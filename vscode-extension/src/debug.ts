// The `apex` debug type: configuration resolution, the adapter (`apex dap` over stdio)
// and the attach process picker fed by `apex ps --json`.
import { execFile } from "node:child_process";
import * as vscode from "vscode";
import { processItems, resolveDebugConfiguration } from "./debugConfig";
import { output } from "./log";
import { apexCommand, apexEnv, ApexRuntime } from "./runtime";

export type RuntimeProvider = (resource?: vscode.Uri) => Promise<ApexRuntime>;

export class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly runtime: RuntimeProvider) {}

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined,
                                  config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const editor = vscode.window.activeTextEditor;
    const activePythonFile = editor?.document.languageId === "python" && editor.document.uri.scheme === "file"
      ? editor.document.uri.fsPath : undefined;
    let interpreter: string[] | undefined;
    try {
      interpreter = (await this.runtime(folder?.uri)).interpreter;
    } catch (error) {
      void vscode.window.showErrorMessage((error as Error).message);
      return undefined;
    }
    const result = resolveDebugConfiguration(config, { activePythonFile, interpreter });
    if ("error" in result) {
      void vscode.window.showErrorMessage(result.error);
      return undefined;
    }
    return result.config;
  }
}

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly runtime: RuntimeProvider) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const folder = session.workspaceFolder?.uri;
    const rt = await this.runtime(folder);
    const { command, args } = apexCommand(rt, ["dap"]);
    // In the workspace folder: an attach session reads its policy (mode, permissions,
    // audit log) from the adapter's working directory, as there is no program path.
    const cwd = folder?.scheme === "file" ? folder.fsPath : undefined;
    output.info(`debug adapter: ${command} ${args.join(" ")}${cwd ? ` (in ${cwd})` : ""}`);
    return new vscode.DebugAdapterExecutable(command, args, { env: stringEnv(apexEnv(rt, process.env)), cwd });
  }
}

function stringEnv(env: NodeJS.ProcessEnv): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export function runApex(rt: ApexRuntime, args: string[], cwd?: string): Promise<string> {
  const { command, args: argv } = apexCommand(rt, args);
  return new Promise((resolve, reject) => {
    execFile(command, argv, { env: apexEnv(rt, process.env), cwd, maxBuffer: 16 << 20, timeout: 60000 },
      (error, stdout, stderr) => error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout));
  });
}

/** `${command:apex.pickProcess}`: choose a running Python process (from `apex ps --json`). */
export async function pickProcess(runtime: RuntimeProvider): Promise<string | undefined> {
  const rt = await runtime();
  const items = processItems(await runApex(rt, ["ps", "--json"]), new Set([process.pid]));
  if (items.length === 0) {
    void vscode.window.showInformationMessage("Apex found no running Python processes to attach to.");
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: "Attach Apex to a Python process", matchOnDescription: true, matchOnDetail: true,
  });
  return picked ? String(picked.pid) : undefined;
}

/** Logs the adapter's stderr-like output events and custom events to the output channel. */
export class Tracker implements vscode.DebugAdapterTrackerFactory {
  constructor(private readonly onEvent: (session: vscode.DebugSession, event: string, body: unknown) => void) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    return {
      onDidSendMessage: (message: { type?: string; event?: string; body?: unknown }) => {
        if (message.type === "event" && message.event?.startsWith("apex")) {
          if (message.event !== "apexResources") output.debug(`${message.event}: ${JSON.stringify(message.body)}`);
          this.onEvent(session, message.event, message.body);
        } else if (message.type === "event" && (message.event === "stopped" || message.event === "continued")) {
          this.onEvent(session, message.event, message.body);
        }
      },
      onError: (error) => output.error(`debug adapter: ${error.message}`),
      onExit: (code, signal) => output.info(`debug adapter exited (code ${code ?? "-"}, signal ${signal ?? "-"})`),
    };
  }
}
