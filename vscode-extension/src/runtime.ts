// The command line and environment that run `apex …` with the chosen interpreter and
// import strategy. Bundled packages go first on PYTHONPATH.

export interface ApexRuntime {
  interpreter: string[];
  /** Directory of the packages shipped in the vsix, when they are used. */
  bundledLibs?: string;
}

export function apexCommand(runtime: ApexRuntime, args: string[]): { command: string; args: string[] } {
  const [command, ...options] = runtime.interpreter;
  return { command, args: [...options, "-m", "apex_cli", ...args] };
}

export function apexEnv(runtime: ApexRuntime, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PYTHONUNBUFFERED: "1" };
  if (runtime.bundledLibs) {
    env.PYTHONPATH = base.PYTHONPATH ? `${runtime.bundledLibs}:${base.PYTHONPATH}` : runtime.bundledLibs;
    env.PYTHONNOUSERSITE = "1";
  }
  return env;
}
