// Copies the Apex Python packages (server/ and adapter/) and their pip dependencies
// into bundled/libs, as Microsoft's Python tool extensions do, so installing the vsix
// is enough. Compiled dependencies (msgspec, psutil) are added for every supported
// CPython (3.10-3.13): their extension modules carry the version in the file name
// (_core.cpython-312-x86_64-linux-gnu.so), so one directory serves all of them.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(root, "..");
const libs = join(root, "bundled", "libs");
const venv = join(repo, ".venv", "bin", "python");
const python = process.env.APEX_PYTHON ?? (existsSync(venv) ? venv : "python3");
const VERSIONS = ["3.10", "3.11", "3.12", "3.13"];
const PLATFORM = "manylinux2014_x86_64";

function pip(args) {
  execFileSync(python, ["-m", "pip", "--disable-pip-version-check", "-q", ...args],
    { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, PIP_NO_INPUT: "1" } });
}

rmSync(join(root, "bundled"), { recursive: true, force: true });
// A wheel built from the repository: the packages the CLI, server and adapter need.
pip(["install", "--no-compile", "--target", libs, repo]);
rmSync(join(libs, "bin"), { recursive: true, force: true });

const listed = JSON.parse(execFileSync(python, ["-m", "pip", "list", "--disable-pip-version-check",
  "--path", libs, "--format", "json"], { encoding: "utf-8" }));
const pins = listed.filter((d) => d.name !== "apex-ide").map((d) => `${d.name}==${d.version}`);
// Backports that only Python 3.10 needs (markers skip them on the building interpreter).
pins.push("tomli>=2.0", "exceptiongroup>=1.1");
for (const version of VERSIONS) {
  const scratch = mkdtempSync(join(tmpdir(), "apex-bundle-"));
  pip(["install", "--no-compile", "--no-deps", "--only-binary=:all:", "--implementation", "cp",
       "--python-version", version, "--platform", PLATFORM, "--target", scratch, ...pins]);
  for (const entry of readdirSync(scratch)) {
    if (entry === "bin") continue;
    // Keep what is already there; add the other versions' extension modules.
    cpSync(join(scratch, entry), join(libs, entry), { recursive: true, force: false, errorOnExist: false });
  }
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`bundled ${pins.length} dependencies for CPython ${VERSIONS.join(", ")} into ${libs}`);
