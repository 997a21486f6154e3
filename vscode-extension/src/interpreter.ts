// Which Python runs `apex lsp` / `apex dap`, and whether it can. Pure logic with the
// side effects (running a process, asking the Python extension) passed in, so the
// unit tests drive every branch.

export const MIN_PYTHON: readonly [number, number] = [3, 10];

export type InterpreterSource = "setting" | "python-extension" | "path";

export interface InterpreterChoice {
  /** The interpreter command: a path, or a path plus options (["py", "-3.12"]). */
  command: string[];
  source: InterpreterSource;
}

export interface Lookups {
  /** `apex.interpreter`, already with `${workspaceFolder}` etc. substituted. */
  setting: string | null | undefined;
  /** The Python extension's interpreter for the resource, or undefined (not installed). */
  pythonExtension: () => Promise<string[] | undefined>;
  /** `which python3`. */
  onPath: (name: string) => string | undefined;
}

export async function chooseInterpreter(lookups: Lookups): Promise<InterpreterChoice | undefined> {
  const setting = (lookups.setting ?? "").trim();
  if (setting) return { command: [setting], source: "setting" };
  let fromExtension: string[] | undefined;
  try {
    fromExtension = await lookups.pythonExtension();
  } catch {
    fromExtension = undefined; // an extension that fails is as good as none
  }
  if (fromExtension && fromExtension.length > 0 && fromExtension[0]) {
    return { command: fromExtension, source: "python-extension" };
  }
  const found = lookups.onPath("python3") ?? lookups.onPath("python");
  return found ? { command: [found], source: "path" } : undefined;
}

export interface ProbeResult {
  version: [number, number, number];
  executable: string;
  /** Whether `import apex_cli` works without the bundled packages. */
  hasApex: boolean;
}

/** The script run with the candidate interpreter; prints one JSON line. */
export const PROBE_SCRIPT =
  "import json, sys, importlib.util as u; " +
  "print(json.dumps({'version': list(sys.version_info[:3]), 'executable': sys.executable, " +
  "'hasApex': u.find_spec('apex_cli') is not None}))";

export function parseProbe(stdout: string): ProbeResult {
  const line = stdout.trim().split(/\r?\n/).pop() ?? "";
  const data = JSON.parse(line) as ProbeResult;
  if (!Array.isArray(data.version) || data.version.length !== 3) {
    throw new Error(`unexpected interpreter probe output: ${line}`);
  }
  return data;
}

export type ImportStrategy = "useBundled" | "fromEnvironment";

/** Why this interpreter cannot run Apex (a message the user can act on), or undefined. */
export function problemWith(choice: InterpreterChoice, probe: ProbeResult, strategy: ImportStrategy,
                            bundledAvailable: boolean): string | undefined {
  const [major, minor] = probe.version;
  const where = describeSource(choice);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    return `Apex needs Python ${MIN_PYTHON.join(".")} or newer, but ${where} (${probe.executable}) ` +
      `is ${probe.version.join(".")}. Set "apex.interpreter" to a newer interpreter` +
      (choice.source === "python-extension" ? " or pick one with \"Python: Select Interpreter\"." : ".");
  }
  if (strategy === "fromEnvironment" && !probe.hasApex) {
    return `"apex.importStrategy" is "fromEnvironment", but apex-ide is not installed in ${where} ` +
      `(${probe.executable}). Install it (${probe.executable} -m pip install apex-ide) or set ` +
      `"apex.importStrategy" to "useBundled".`;
  }
  if (strategy === "useBundled" && !bundledAvailable && !probe.hasApex) {
    return `This build of the extension has no bundled Apex packages and ${probe.executable} ` +
      `does not have apex-ide installed. Install it with "${probe.executable} -m pip install apex-ide".`;
  }
  return undefined;
}

export function describeSource(choice: InterpreterChoice): string {
  switch (choice.source) {
    case "setting": return "the interpreter in \"apex.interpreter\"";
    case "python-extension": return "the Python extension's selected interpreter";
    case "path": return "python3 on PATH";
  }
}

export const NO_INTERPRETER =
  "Apex found no Python interpreter: set \"apex.interpreter\" to a Python 3.10+ executable, " +
  "install the Python extension and select an interpreter, or put python3 on PATH.";

/** Where to find a program on a PATH string (injected `exists` for tests). */
export function whichOnPath(name: string, pathVar: string | undefined, exists: (p: string) => boolean,
                            sep = ":"): string | undefined {
  for (const dir of (pathVar ?? "").split(sep)) {
    if (!dir) continue;
    const candidate = `${dir.replace(/\/+$/, "")}/${name}`;
    if (exists(candidate)) return candidate;
  }
  return undefined;
}
