"""The extension's own logic (node --test) and the generated parts of its manifest."""
from __future__ import annotations

import json
import re
import subprocess
import sys

from apex_dap import docs
from apex_policy.schema import vscode_configuration

from .conftest import EXTENSION, npm_env


def _manifest() -> dict:
    return json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


def test_unit_tests_pass(node_modules):
    """Interpreter resolution, settings → server settings, debug configuration resolution."""
    proc = subprocess.run(["npm", "test", "--silent"], cwd=EXTENSION, env=npm_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    passed = re.search(r"^# pass (\d+)", proc.stdout, re.M)
    failed = re.search(r"^# fail (\d+)", proc.stdout, re.M)
    assert passed and int(passed.group(1)) >= 20, proc.stdout[-2000:]
    assert failed and failed.group(1) == "0"


def test_generator_agrees_with_package_json(node_modules):
    """`npm run check-generated`: package.json is what the generator writes now."""
    proc = subprocess.run(["node", "scripts/generate-contributes.mjs", "--check"], cwd=EXTENSION,
                          env=npm_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_settings_are_the_policy_schema():
    """Every key of `apex policy schema --vscode` is contributed unchanged."""
    contributed = _manifest()["contributes"]["configuration"]["properties"]
    cli = subprocess.run([sys.executable, "-m", "apex_cli", "policy", "schema", "--vscode"],
                         capture_output=True, text=True, check=True)
    schema = json.loads(cli.stdout)
    assert schema == vscode_configuration()
    for key, prop in schema.items():
        assert contributed.get(key) == prop, key
        assert prop["default"] is None, key  # unset → not sent → the policy file decides
    for key, prop in contributed.items():
        assert "scope" in prop, f"{key} has no scope"


def test_configuration_attributes_are_the_adapter_structs():
    debugger = _manifest()["contributes"]["debuggers"][0]
    assert debugger["type"] == "apex"
    assert debugger["configurationAttributes"] == docs.configuration_attributes()
    assert _manifest()["contributes"]["breakpoints"] == [{"language": "python"}]


def test_every_contributed_command_is_registered():
    """No dead commands: each contributed command id is registered by the extension."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (EXTENSION / "src").glob("*.ts"))
    registered = set(re.findall(r'"(apex\.[A-Za-z.]+)"', source))
    contributed = {c["command"] for c in _manifest()["contributes"]["commands"]}
    assert contributed <= registered, contributed - registered
