import assert from "node:assert/strict";
import { test } from "node:test";
import { apexCommand, apexEnv } from "../src/runtime";

test("apex runs as `python -m apex_cli`, keeping interpreter options", () => {
  assert.deepEqual(apexCommand({ interpreter: ["/venv/bin/python"] }, ["lsp"]),
                   { command: "/venv/bin/python", args: ["-m", "apex_cli", "lsp"] });
  assert.deepEqual(apexCommand({ interpreter: ["py", "-3.12"] }, ["dap"]),
                   { command: "py", args: ["-3.12", "-m", "apex_cli", "dap"] });
});

test("bundled packages go first on PYTHONPATH and user site-packages are ignored", () => {
  const env = apexEnv({ interpreter: ["p"], bundledLibs: "/ext/bundled/libs" }, { PYTHONPATH: "/mine", HOME: "/h" });
  assert.equal(env.PYTHONPATH, "/ext/bundled/libs:/mine");
  assert.equal(env.PYTHONNOUSERSITE, "1");
  assert.equal(env.HOME, "/h");
  assert.equal(apexEnv({ interpreter: ["p"], bundledLibs: "/b" }, {}).PYTHONPATH, "/b");
});

test("fromEnvironment leaves PYTHONPATH alone", () => {
  const env = apexEnv({ interpreter: ["p"] }, { PYTHONPATH: "/mine" });
  assert.equal(env.PYTHONPATH, "/mine");
  assert.equal(env.PYTHONNOUSERSITE, undefined);
  assert.equal(env.PYTHONUNBUFFERED, "1");
});
