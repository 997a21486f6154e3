import assert from "node:assert/strict";
import { test } from "node:test";
import {
  chooseInterpreter, InterpreterChoice, parseProbe, problemWith, ProbeResult, whichOnPath,
} from "../src/interpreter";

const noExtension = async () => undefined;

test("the apex.interpreter setting wins over the Python extension and PATH", async () => {
  let asked = false;
  const choice = await chooseInterpreter({
    setting: " /opt/py/bin/python3 ",
    pythonExtension: async () => { asked = true; return ["/ext/python"]; },
    onPath: () => "/usr/bin/python3",
  });
  assert.deepEqual(choice, { command: ["/opt/py/bin/python3"], source: "setting" });
  assert.equal(asked, false);
});

test("without the setting, the Python extension's interpreter is used", async () => {
  const choice = await chooseInterpreter({ setting: null, pythonExtension: async () => ["/venv/bin/python"], onPath: () => "/usr/bin/python3" });
  assert.deepEqual(choice, { command: ["/venv/bin/python"], source: "python-extension" });
});

test("a Python extension that is missing or throws falls back to python3 on PATH", async () => {
  const seen: string[] = [];
  const onPath = (name: string) => { seen.push(name); return name === "python3" ? "/usr/bin/python3" : undefined; };
  assert.deepEqual(await chooseInterpreter({ setting: "", pythonExtension: noExtension, onPath }),
                   { command: ["/usr/bin/python3"], source: "path" });
  assert.deepEqual(await chooseInterpreter({ setting: undefined, pythonExtension: async () => { throw new Error("boom"); }, onPath }),
                   { command: ["/usr/bin/python3"], source: "path" });
  assert.deepEqual(seen, ["python3", "python3"]);
});

test("nothing found anywhere gives undefined (the caller shows NO_INTERPRETER)", async () => {
  assert.equal(await chooseInterpreter({ setting: null, pythonExtension: noExtension, onPath: () => undefined }), undefined);
});

test("whichOnPath walks PATH in order and skips empty entries", () => {
  const exists = (p: string) => p === "/b/python3" || p === "/c/python3";
  assert.equal(whichOnPath("python3", "/a::/b/:/c", exists), "/b/python3");
  assert.equal(whichOnPath("python3", undefined, exists), undefined);
});

const probe = (version: [number, number, number], hasApex = false): ProbeResult =>
  ({ version, executable: "/x/python", hasApex });
const fromSetting: InterpreterChoice = { command: ["/x/python"], source: "setting" };
const fromExt: InterpreterChoice = { command: ["/x/python"], source: "python-extension" };

test("an interpreter older than 3.10 is refused with what to do", () => {
  const message = problemWith(fromExt, probe([3, 9, 18]), "useBundled", true);
  assert.match(message ?? "", /needs Python 3\.10 or newer.*is 3\.9\.18/);
  assert.match(message ?? "", /apex\.interpreter/);
  assert.match(message ?? "", /Python: Select Interpreter/);
  assert.doesNotMatch(problemWith(fromSetting, probe([3, 9, 0]), "useBundled", true) ?? "", /Select Interpreter/);
});

test("3.10 through 3.13 are accepted with the bundled packages", () => {
  for (const minor of [10, 11, 12, 13]) assert.equal(problemWith(fromSetting, probe([3, minor, 0]), "useBundled", true), undefined);
});

test("fromEnvironment needs apex-ide installed in that interpreter", () => {
  assert.match(problemWith(fromSetting, probe([3, 12, 1]), "fromEnvironment", true) ?? "", /pip install apex-ide.*useBundled/s);
  assert.equal(problemWith(fromSetting, probe([3, 12, 1], true), "fromEnvironment", true), undefined);
});

test("useBundled without bundled packages falls back to an installed apex-ide, else explains", () => {
  assert.equal(problemWith(fromSetting, probe([3, 12, 1], true), "useBundled", false), undefined);
  assert.match(problemWith(fromSetting, probe([3, 12, 1]), "useBundled", false) ?? "", /no bundled Apex packages/);
});

test("the probe output is parsed from its last line; garbage is an error", () => {
  const out = 'noise from sitecustomize\n{"version": [3, 11, 7], "executable": "/p", "hasApex": true}\n';
  assert.deepEqual(parseProbe(out), { version: [3, 11, 7], executable: "/p", hasApex: true });
  assert.throws(() => parseProbe("Python 3.11"));
  assert.throws(() => parseProbe('{"version": [3]}'), /unexpected/);
});
