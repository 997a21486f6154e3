import assert from "node:assert/strict";
import { test } from "node:test";
import { hasHistory, PICK_PROCESS, processItems, resolveDebugConfiguration } from "../src/debugConfig";

const state = { activePythonFile: "/w/app.py", interpreter: ["/venv/bin/python"] };

test("F5 without launch.json debugs the active Python file, recording", () => {
  const r = resolveDebugConfiguration({}, state);
  assert.ok("config" in r);
  assert.deepEqual(r.config, { type: "apex", request: "launch", name: "Apex: current file", program: "/w/app.py",
                               record: true, python: "/venv/bin/python" });
});

test("F5 without launch.json and without a Python editor explains what to do", () => {
  const r = resolveDebugConfiguration(undefined, {});
  assert.ok("error" in r && /Open a Python file/.test(r.error));
});

test("a launch keeps its program and python; the chosen interpreter fills a missing python", () => {
  const r = resolveDebugConfiguration({ type: "apex", name: "x", request: "launch", module: "pkg.main" }, state);
  assert.ok("config" in r);
  assert.equal(r.config.module, "pkg.main");
  assert.equal(r.config.program, undefined);
  assert.equal(r.config.python, "/venv/bin/python");
  const own = resolveDebugConfiguration({ type: "apex", name: "x", request: "launch", program: "a.py", python: "/p" }, state);
  assert.ok("config" in own && own.config.python === "/p");
  const withOptions = resolveDebugConfiguration({ type: "apex", name: "x", request: "launch", program: "a.py" },
                                                { interpreter: ["py", "-3.12"] });
  assert.ok("config" in withOptions);
  assert.deepEqual(withOptions.config.python, ["py", "-3.12"]);
});

test("a replay gets no interpreter (no process runs)", () => {
  const r = resolveDebugConfiguration({ type: "apex", name: "r", request: "launch", replay: "/w/rec.apexrec" }, state);
  assert.ok("config" in r);
  assert.equal(r.config.python, undefined);
});

test("program, module and replay are exclusive", () => {
  const r = resolveDebugConfiguration({ type: "apex", name: "x", request: "launch", program: "a.py", module: "m" }, state);
  assert.ok("error" in r && /only one of/.test(r.error));
});

test("a launch without a target uses the active file, or says what is missing", () => {
  const r = resolveDebugConfiguration({ type: "apex", name: "x", request: "launch" }, state);
  assert.ok("config" in r && r.config.program === "/w/app.py");
  const none = resolveDebugConfiguration({ type: "apex", name: "x", request: "launch" }, {});
  assert.ok("error" in none && /needs "program"/.test(none.error));
});

test("attach without a target asks for a process with the picker", () => {
  const r = resolveDebugConfiguration({ type: "apex", name: "a", request: "attach" }, state);
  assert.ok("config" in r && r.config.processId === PICK_PROCESS);
  const connect = resolveDebugConfiguration({ type: "apex", name: "a", request: "attach", connect: { port: 5678 } }, state);
  assert.ok("config" in connect && connect.config.processId === undefined);
});

test("an unknown request is refused", () => {
  const r = resolveDebugConfiguration({ type: "apex", name: "a", request: "frobnicate" }, state);
  assert.ok("error" in r && /Unknown request/.test(r.error));
});

test("apex ps --json becomes picker items, without our own process", () => {
  const json = JSON.stringify({ version: 1, processes: [
    { pid: 10, python: "3.12.1", cmdline: ["/usr/bin/python3", "-u", "server.py", "--port", "1"], user: "me", harness: true },
    { pid: 11, python: "3.11.7", cmdline: ["python"], harness: false },
  ] });
  const items = processItems(json, new Set([11]));
  assert.equal(items.length, 1);
  assert.equal(items[0].pid, 10);
  assert.equal(items[0].label, "10: server.py");
  assert.match(items[0].description, /3\.12\.1.*harness/);
  assert.equal(items[0].detail, "/usr/bin/python3 -u server.py --port 1");
  assert.throws(() => processItems("{}"), /processes/);
});

test("only a recorded launch or a replay has a history to show", () => {
  assert.equal(hasHistory({ request: "launch", record: true }), true);
  assert.equal(hasHistory({ request: "launch", replay: "/w/run.apexrec" }), true);
  assert.equal(hasHistory({ request: "launch", program: "a.py" }), false);
  assert.equal(hasHistory({ request: "launch", replay: "" }), false);
  assert.equal(hasHistory({ request: "attach", processId: 12 }), false);
});
