// Resolving the interpreter inside VS Code: the setting, the Python extension's API,
// PATH; then a probe run to check the version and where the packages come from.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { ApexRuntime } from "./runtime";
import {
  chooseInterpreter, ImportStrategy, NO_INTERPRETER, parseProbe, problemWith, PROBE_SCRIPT, whichOnPath,
} from "./interpreter";

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment?(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!ext) return undefined;
  return ext.isActive ? ext.exports : await ext.activate();
}

async function fromPythonExtension(resource?: vscode.Uri): Promise<string[] | undefined> {
  const api = await pythonExtensionApi();
  const envs = api?.environments;
  if (!envs) return undefined;
  const active = envs.getActiveEnvironmentPath(resource);
  const resolved = envs.resolveEnvironment ? await envs.resolveEnvironment(active) : undefined;
  const exe = resolved?.executable?.uri?.fsPath ?? active.path;
  return exe ? [exe] : undefined;
}

/** Fires when the Python extension's selected interpreter changes. */
export async function onPythonInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  const api = await pythonExtensionApi().catch(() => undefined);
  return api?.environments?.onDidChangeActiveEnvironmentPath?.(listener);
}

function substitute(value: string, folder?: vscode.WorkspaceFolder): string {
  const home = process.env.HOME ?? "";
  return value
    .replace(/\$\{workspaceFolder\}/g, folder?.uri.fsPath ?? "")
    .replace(/\$\{userHome\}/g, home)
    .replace(/^~(?=\/)/, home);
}

function run(command: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command[0], [...command.slice(1), "-c", PROBE_SCRIPT], { env, timeout: 20000 },
      (error, stdout, stderr) => error ? reject(new Error(`${command.join(" ")}: ${stderr || error.message}`)) : resolve(stdout));
  });
}

export class RuntimeError extends Error {}

export async function resolveRuntime(extensionPath: string, resource?: vscode.Uri): Promise<ApexRuntime> {
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
  const config = vscode.workspace.getConfiguration("apex", folder?.uri);
  const setting = config.get<string | null>("interpreter");
  const strategy = config.get<ImportStrategy>("importStrategy") ?? "useBundled";
  const choice = await chooseInterpreter({
    setting: setting ? substitute(setting, folder) : setting,
    pythonExtension: () => fromPythonExtension(folder?.uri),
    onPath: (name) => whichOnPath(name, process.env.PATH, existsSync),
  });
  if (!choice) throw new RuntimeError(NO_INTERPRETER);
  const bundledLibs = path.join(extensionPath, "bundled", "libs");
  const bundled = existsSync(path.join(bundledLibs, "apex_cli"));
  let probe;
  try {
    probe = parseProbe(await run(choice.command, { ...process.env, PYTHONPATH: "" }));
  } catch (error) {
    throw new RuntimeError(`Apex could not run the interpreter ${choice.command.join(" ")} ` +
      `(${(error as Error).message.trim()}). Set "apex.interpreter" to a working Python 3.10+.`);
  }
  const problem = problemWith(choice, probe, strategy, bundled);
  if (problem) throw new RuntimeError(problem);
  const useBundled = strategy === "useBundled" && bundled;
  return { interpreter: choice.command, bundledLibs: useBundled ? bundledLibs : undefined };
}
