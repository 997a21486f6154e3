import assert from "node:assert/strict";
import { test } from "node:test";
import { affectsRestart, debounce, nestDotted, pruneNulls, serverSettings } from "../src/settings";

test("unset policy settings (null) are never sent, so the policy file keeps them", () => {
  const section = {
    mode: null, select: null, extendSelect: ["APX9"], severity: null,
    capabilities: { network: { action: "deny", allow: null }, subprocess: { action: null, allow: null } },
    limits: { memory: null, cpu: null },
    interpreter: "/usr/bin/python3", importStrategy: "useBundled", trace: { server: "verbose" }, hotReloadOnSave: true,
    diagnostics: { delivery: "auto", runOn: "save" }, scan: { maxFiles: 50 }, largeFileBytes: 2000000,
  };
  assert.deepEqual(serverSettings(section), {
    policy: { extendSelect: ["APX9"], capabilities: { network: { action: "deny" } } },
    diagnostics: { delivery: "auto", runOn: "save" },
    scan: { maxFiles: 50 },
    largeFileBytes: 2000000,
  });
});

test("apex.mode goes to the server's mode, not into the policy table", () => {
  assert.deepEqual(serverSettings({ mode: "isolation", ignore: ["APX101"] }), { mode: "isolation", policy: { ignore: ["APX101"] } });
});

test("an explicit apex.policy object from settings.json is merged into the policy", () => {
  assert.deepEqual(serverSettings({ policy: { "extend-select": ["APX5"] }, exclude: ["build"] }),
                   { policy: { "extend-select": ["APX5"], exclude: ["build"] } });
});

test("empty and missing sections give no settings at all", () => {
  assert.deepEqual(serverSettings(undefined), {});
  assert.deepEqual(serverSettings(null), {});
  assert.deepEqual(serverSettings({ capabilities: { network: { action: null } }, mode: null }), {});
});

test("pruneNulls keeps falsy values the user set (false, 0, empty list)", () => {
  assert.deepEqual(pruneNulls({ a: false, b: 0, c: [], d: null, e: { f: null } }), { a: false, b: 0, c: [] });
});

test("flat dotted keys nest the way VS Code hands them over", () => {
  assert.deepEqual(nestDotted({ "apex.capabilities.network.action": "deny", "apex.mode": "hybrid", "python.x": 1 }),
                   { capabilities: { network: { action: "deny" } }, mode: "hybrid" });
});

test("only interpreter, import strategy and trace changes restart the server", () => {
  assert.equal(affectsRestart((k) => k === "apex.interpreter"), true);
  assert.equal(affectsRestart((k) => k === "apex.importStrategy"), true);
  assert.equal(affectsRestart((k) => k === "apex.extendSelect"), false);
});

test("a burst of changes restarts once, after the last", () => {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers = {
    set: ((fn: () => void) => { pending.set(++next, fn); return next; }) as unknown as typeof setTimeout,
    clear: ((h: number) => { pending.delete(h); }) as unknown as typeof clearTimeout,
  };
  let calls = 0;
  const restart = debounce(() => { calls++; }, 500, timers);
  restart(); restart(); restart();
  assert.equal(pending.size, 1);
  for (const fn of pending.values()) fn();
  assert.equal(calls, 1);
});
