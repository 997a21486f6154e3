// Entry point: wires the language client, the debugger, the status bar, the commands,
// the timeline view and hot reload on save. Everything is disposed on deactivate, so
// the server and adapter processes never outlive the window.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ApexStatus, createClient } from "./client";
import * as commands from "./commands";
import { AdapterFactory, ConfigurationProvider, pickProcess, Tracker } from "./debug";
import { onPythonInterpreterChange, resolveRuntime } from "./environment";
import { output } from "./log";
import { affectsRestart, debounce } from "./settings";
import { StatusItem } from "./status";
import { TimelineView } from "./timeline";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const status = new StatusItem();
  const timeline = new TimelineView();
  const contributed = (context.extension.packageJSON as {
    contributes: { commands: { command: string }[]; configuration: { properties: Record<string, unknown> } };
  }).contributes;
  const has = (command: string) => contributed.commands.some((c) => c.command === command);
  const runtime = (resource?: vscode.Uri) => resolveRuntime(context.extensionPath, resource);

  async function start(): Promise<void> {
    status.starting();
    try {
      const rt = await runtime();
      output.info(`starting apex lsp with ${rt.interpreter.join(" ")}` +
        (rt.bundledLibs ? ` (bundled packages: ${rt.bundledLibs})` : " (packages from the environment)"));
      client = createClient(rt, (s: ApexStatus) => status.update(s));
      await client.start();
    } catch (error) {
      const message = (error as Error).message;
      client = undefined;
      status.failed(message);
      output.error(message);
      const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Log");
      if (choice === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettings", "apex.interpreter");
      if (choice === "Show Log") output.show();
    }
  }

  async function stop(): Promise<void> {
    const old = client;
    client = undefined;
    if (old) await old.stop().catch((e: Error) => output.warn(`stopping apex lsp: ${e.message}`));
  }

  async function restart(): Promise<void> {
    output.info("restarting apex lsp");
    await stop();
    await start();
  }
  const restartSoon = debounce(() => void restart(), 500);

  const ctx: commands.CommandContext = { client: () => client, runtime, restartServer: restart, timeline };
  const optional: [string, (...args: never[]) => Promise<unknown>][] = [
    ["apex.hotReload", () => commands.hotReload()],
    ["apex.saveRecording", () => commands.saveRecording()],
    ["apex.openRecording", (file?: vscode.Uri) => commands.openRecording(file)],
    ["apex.showTimeline", () => commands.showTimeline(ctx)],
    ["apex.refreshTimeline", () => timeline.refresh(vscode.debug.activeDebugSession)],
    ["apex.undoStateEdit", () => commands.undoStateEdit()],
  ];
  context.subscriptions.push(
    status, output,
    commands.register("apex.switchMode", () => commands.switchMode(ctx)),
    commands.register("apex.scan", () => commands.scanWorkspace(ctx)),
    commands.register("apex.showEffectivePolicy", () => commands.showPolicy(ctx)),
    commands.register("apex.runInIsolation", (uri?: vscode.Uri) => commands.runInIsolation(ctx, uri)),
    commands.register("apex.restartServer", restart),
    // Only for ${command:apex.pickProcess} in attach configurations.
    commands.register("apex.pickProcess", () => pickProcess(runtime)),
    ...optional.filter(([id]) => has(id)).map(([id, fn]) => commands.register(id, fn)),
    vscode.workspace.onDidChangeConfiguration((e) => { if (affectsRestart((k) => e.affectsConfiguration(k))) restartSoon(); }),
    vscode.debug.registerDebugConfigurationProvider("apex", new ConfigurationProvider(runtime)),
    vscode.debug.registerDebugAdapterDescriptorFactory("apex", new AdapterFactory(runtime)),
    vscode.debug.registerDebugAdapterTrackerFactory("apex", new Tracker((session, event) => {
      if (event === "stopped" && has("apex.showTimeline")) void timeline.refresh(session);
    })),
  );
  if (has("apex.showTimeline")) {
    const view = vscode.window.createTreeView("apex.timeline", { treeDataProvider: timeline });
    // The view's message says why it is empty (no session, not recorded, an error).
    context.subscriptions.push(view, timeline.onDidChangeTreeData(() => { view.message = timeline.message; }));
  }
  if ("apex.hotReloadOnSave" in contributed.configuration.properties) {
    context.subscriptions.push(vscode.workspace.onDidSaveTextDocument((doc) => {
      const session = vscode.debug.activeDebugSession;
      if (doc.languageId !== "python" || session?.type !== "apex") return;
      const setting = vscode.workspace.getConfiguration("apex", doc.uri).get<boolean | null>("hotReloadOnSave");
      const enabled = setting ?? status.last?.mode === "development";
      if (enabled) void commands.hotReload([doc.uri.fsPath]).catch((e: Error) => output.warn(`hot reload: ${e.message}`));
    }));
  }
  const pythonChange = await onPythonInterpreterChange(() => {
    if (!vscode.workspace.getConfiguration("apex").get("interpreter")) restartSoon();
  });
  if (pythonChange) context.subscriptions.push(pythonChange);
  await start();
}

export async function deactivate(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) await old.stop();
}
