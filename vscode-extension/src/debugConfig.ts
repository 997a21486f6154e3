// Completing an `apex` debug configuration before VS Code substitutes variables.
// Pure: the editor state comes in as arguments.

export interface DebugConfig {
  type: string;
  name: string;
  request: string;
  [key: string]: unknown;
}

export interface EditorState {
  /** Path of the active editor's file when it is a Python file. */
  activePythonFile?: string;
  /** The interpreter command chosen for Apex (used for the program too, unless set). */
  interpreter?: string[];
}

export type Resolution = { config: DebugConfig } | { error: string };

export const PICK_PROCESS = "${command:apex.pickProcess}";

export function resolveDebugConfiguration(input: Partial<DebugConfig> | undefined,
                                          state: EditorState): Resolution {
  const config = { ...(input ?? {}) } as Partial<DebugConfig>;
  // F5 with no launch.json: debug the active file.
  if (!config.type && !config.request && !config.name) {
    if (!state.activePythonFile) {
      return { error: "Open a Python file to debug it with Apex, or add an \"apex\" configuration to launch.json." };
    }
    Object.assign(config, { type: "apex", request: "launch", name: "Apex: current file",
                            program: state.activePythonFile, record: true });
  }
  config.type = "apex";
  config.request = config.request ?? "launch";
  config.name = config.name ?? `Apex: ${config.request}`;
  if (config.request === "launch") {
    const targets = ["program", "module", "replay"].filter((k) => config[k] !== undefined && config[k] !== null && config[k] !== "");
    if (targets.length === 0) {
      if (!state.activePythonFile) {
        return { error: "This \"apex\" launch configuration needs \"program\", \"module\" or \"replay\"." };
      }
      config.program = state.activePythonFile;
    } else if (targets.length > 1) {
      return { error: `Give only one of "program", "module" and "replay" (this configuration has ${targets.join(", ")}).` };
    }
    if (config.replay === undefined && config.python === undefined && state.interpreter) {
      config.python = state.interpreter.length === 1 ? state.interpreter[0] : state.interpreter;
    }
  } else if (config.request === "attach") {
    if (config.processId === undefined && config.connect === undefined) {
      config.processId = PICK_PROCESS;
    }
  } else {
    return { error: `Unknown request "${String(config.request)}" in an "apex" configuration: use "launch" or "attach".` };
  }
  return { config: config as DebugConfig };
}

/** Whether a session has a recorded history to show (timeline, step back): a recorded
 *  launch or a replay. Asking the others for `apexTimeline` only earns an error. */
export function hasHistory(config: { [key: string]: unknown }): boolean {
  return config.request === "launch" && (config.record === true || (typeof config.replay === "string" && config.replay !== ""));
}

/** `apex ps --json` → quick-pick items. */
export interface PsProcess {
  pid: number;
  python?: string;
  executable?: string;
  cmdline?: string[];
  user?: string;
  harness?: boolean;
}

export interface ProcessItem {
  label: string;
  description: string;
  detail: string;
  pid: number;
}

export function processItems(psJson: string, ownPids: ReadonlySet<number> = new Set()): ProcessItem[] {
  const data = JSON.parse(psJson) as { processes?: PsProcess[] };
  if (!data || !Array.isArray(data.processes)) throw new Error("apex ps --json: no \"processes\" list");
  return data.processes
    .filter((p) => typeof p.pid === "number" && !ownPids.has(p.pid))
    .map((p) => {
      const cmd = (p.cmdline ?? []).join(" ");
      return {
        label: `${p.pid}: ${shortCommand(p.cmdline ?? [])}`,
        description: `Python ${p.python ?? "?"}${p.harness ? " · Apex harness inside" : ""}${p.user ? ` · ${p.user}` : ""}`,
        detail: cmd,
        pid: p.pid,
      };
    });
}

function shortCommand(cmdline: string[]): string {
  const args = cmdline.slice(1).filter((a) => !a.startsWith("-"));
  const script = args[0] ?? cmdline[0] ?? "python";
  return script.split("/").pop() ?? script;
}
