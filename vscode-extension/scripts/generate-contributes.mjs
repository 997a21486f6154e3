// Writes package.json's `contributes` from the one source of each fact:
//   * settings: `apex policy schema --vscode` (the policy loader's schema) plus the
//     extension's own settings in scripts/contributes.base.json;
//   * debugger configurationAttributes: the adapter's msgspec Structs
//     (`python -m apex_dap.docs --configuration-attributes`);
//   * a command, menu, view or setting marked "x-requires": R is contributed only when
//     the adapter in this tree serves the custom request R (no dead commands).
// It also writes the settings and commands tables of docs/editors/vscode.md.
// `--check` exits 1 when either is out of date (tests/vscode runs it).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const repo = resolve(root, "..");

function python() {
  if (process.env.APEX_PYTHON) return process.env.APEX_PYTHON;
  const venv = join(repo, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

const PROBE = `
import inspect, json
from apex_policy.schema import vscode_configuration
from apex_dap import docs, extensions
from apex_dap.history.session import TimeTravelSession
served = set(extensions.commands())
served |= {n[:-len("_request")] for n, _ in inspect.getmembers(TimeTravelSession)
           if n.startswith("apex") and n.endswith("_request")}
attrs = docs.configuration_attributes()
if "replay" in attrs["launch"]["properties"]:
    served.add("replay")
print(json.dumps({"settings": vscode_configuration(), "attributes": attrs,
                  "served": sorted(served)}))
`;

export function probe() {
  const env = { ...process.env, PYTHONPATH: [join(repo, "server"), join(repo, "adapter")].join(":") };
  return JSON.parse(execFileSync(python(), ["-c", PROBE], { env, encoding: "utf-8" }));
}

function available(node, served) {
  return !(node && typeof node === "object" && node["x-requires"] && !served.has(node["x-requires"]));
}

function strip(node, served) {
  if (Array.isArray(node)) return node.filter((n) => available(n, served)).map((n) => strip(n, served));
  if (node && typeof node === "object") {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "x-requires" || !available(v, served)) continue;
      out[k] = strip(v, served);
    }
    return out;
  }
  return node;
}

export function contributes(facts) {
  const base = JSON.parse(readFileSync(join(here, "contributes.base.json"), "utf-8"));
  const served = new Set(facts.served);
  const properties = { ...facts.settings, ...strip(base.extensionSettings, served) };
  const debuggerBase = strip(base.debugger, served);
  return {
    configuration: { title: "Apex", properties },
    commands: strip(base.commands, served),
    menus: strip(base.menus, served),
    views: strip(base.views, served),
    breakpoints: base.breakpoints,
    debuggers: [{ ...debuggerBase, configurationAttributes: facts.attributes }],
  };
}

const BEGIN = "<!-- BEGIN GENERATED: vscode-extension/scripts/generate-contributes.mjs -->";
const END = "<!-- END GENERATED: vscode-extension/scripts/generate-contributes.mjs -->";

function cell(text) {
  return String(text).replace(/\|/g, "\\|").replace(/\n+/g, " ");
}

export function docTables(contrib) {
  const rows = ["### Settings", "", "| setting | type | default | scope | description |", "|---|---|---|---|---|"];
  for (const [key, prop] of Object.entries(contrib.configuration.properties)) {
    const type = Array.isArray(prop.type) ? prop.type.join(" \\| ") : prop.type;
    const type2 = prop.enum ? prop.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ") : type;
    rows.push(`| \`${key}\` | ${type2} | \`${JSON.stringify(prop.default)}\` | ${prop.scope} | ${cell(prop.markdownDescription ?? prop.description ?? "")} |`);
  }
  rows.push("", "### Commands", "", "| command | title |", "|---|---|");
  for (const c of contrib.commands) rows.push(`| \`${c.command}\` | ${c.category}: ${c.title} |`);
  return [BEGIN, "", ...rows, "", END].join("\n");
}

function renderDoc(text, contrib) {
  const start = text.indexOf(BEGIN), end = text.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`docs/editors/vscode.md lacks the ${BEGIN} markers`);
  return text.slice(0, start) + docTables(contrib) + text.slice(end + END.length);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const pkgPath = join(root, "package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf-8"));
  const wanted = contributes(probe());
  const current = JSON.stringify(pkg.contributes);
  const docPath = join(repo, "docs", "editors", "vscode.md");
  const doc = readFileSync(docPath, "utf-8");
  const wantedDoc = renderDoc(doc, wanted);
  if (process.argv.includes("--check")) {
    if (current !== JSON.stringify(wanted) || doc !== wantedDoc) {
      console.error("package.json contributes or docs/editors/vscode.md is out of date: " +
                    "run `npm run generate` in vscode-extension/");
      process.exit(1);
    }
    console.log("package.json contributes and docs/editors/vscode.md are up to date");
  } else {
    // Write only what changed: tests read these files while others may regenerate.
    pkg.contributes = wanted;
    const pkgText = JSON.stringify(pkg, null, 2) + "\n";
    if (readFileSync(pkgPath, "utf-8") !== pkgText) writeFileSync(pkgPath, pkgText);
    if (doc !== wantedDoc) writeFileSync(docPath, wantedDoc);
    console.log(`wrote contributes: ${Object.keys(wanted.configuration.properties).length} settings, ` +
                `${wanted.commands.length} commands`);
  }
}
