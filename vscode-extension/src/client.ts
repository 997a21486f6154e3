// The language client: starts `apex lsp` over stdio with the resolved runtime, turns
// VS Code's `apex` section into the server's settings tree, and restarts (debounced)
// when a setting that changes the server process changes.
import * as vscode from "vscode";
import {
  LanguageClient, LanguageClientOptions, ServerOptions, TransportKind,
} from "vscode-languageclient/node";
import { output } from "./log";
import { apexCommand, apexEnv, ApexRuntime } from "./runtime";
import { Json, JsonObject, serverSettings } from "./settings";

export interface ApexStatus {
  mode: string;
  policySource: string;
  policySourceDescription?: string;
  modeOverride?: string | null;
  root?: string;
  problems?: unknown[];
}

function sectionFor(scopeUri?: string): JsonObject {
  const uri = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
  const section = vscode.workspace.getConfiguration(undefined, uri).get("apex");
  return serverSettings(section as JsonObject);
}

export function createClient(runtime: ApexRuntime, onStatus: (status: ApexStatus) => void): LanguageClient {
  const { command, args } = apexCommand(runtime, ["lsp"]);
  const serverOptions: ServerOptions = {
    command, args, transport: TransportKind.stdio,
    options: { env: apexEnv(runtime, process.env) },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
      { scheme: "file", pattern: "**/{pyproject.toml,apex.toml}" },
    ],
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: sectionFor(),
    synchronize: { configurationSection: "apex" },
    middleware: {
      workspace: {
        // The server asks for the `apex` section; answer with the server's tree, not
        // VS Code's flat section with nulls and extension-only keys.
        configuration: (params, token, next) => {
          void token; void next;
          return params.items.map((item): Json => item.section === "apex" || item.section === undefined
            ? sectionFor(item.scopeUri) : null);
        },
      },
    },
  };
  const client = new LanguageClient("apex", "Apex", serverOptions, clientOptions);
  client.onNotification("apex/status", (status: ApexStatus) => onStatus(status));
  return client;
}
