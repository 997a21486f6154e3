"""Generated docs are fresh; the schema is valid and agrees with the loader."""
from __future__ import annotations

import tomllib
from pathlib import Path

import jsonschema

from apex_policy import docs
from apex_policy.keys import KEYS
from apex_policy.schema import flat_settings, settings_schema

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_generated_pages_are_up_to_date():
    for name, text in docs.expected_pages().items():
        current = (DOCS / name).read_text(encoding="utf-8") if (DOCS / name).exists() else ""
        assert current == text, f"docs/{name} is stale: run python -m apex_policy.docs"


def test_every_key_is_documented_with_a_scope():
    for key in KEYS.values():
        assert key.doc.strip(), key.name
        assert key.scope in ("resource", "window", "machine", "application", "file"), key.name
    page = docs.render_policy() + docs.render_configuration()
    for key in KEYS.values():
        assert f"`{key.name}`" in page, key.name


def test_schema_is_valid_and_matches_the_loader(project):
    schema = settings_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    root = project('''
        mode = "hybrid"
        extend-select = ["APX9"]
        per-file-ignores = { "tests/**" = ["APX1"] }
        [capabilities]
        network = { action = "deny", allow = ["localhost:8000"] }
        subprocess = "audit"
        [limits]
        memory = "512MB"
        [[permissions]]
        operations = ["state_edit"]
        expires = "2h"
        [modes.isolation.limits]
        cpu = "10s"
    ''')
    from apex_policy import load_settings
    assert load_settings(str(root)).errors == []
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["apex"]
    assert list(validator.iter_errors(table)) == []
    bad = dict(table, capabilities={"network": "sometimes"})
    assert list(validator.iter_errors(bad))


def test_flat_settings_cover_every_key():
    entries = {e["key"]: e for e in flat_settings()}
    assert set(entries) == set(KEYS)
    assert entries["capabilities.network.action"]["modeDefaults"] == {
        "isolation": "deny", "development": "allow", "hybrid": "audit"}
    assert entries["min-severity"]["default"] == "info"


def test_documented_examples_load_without_errors(tmp_path):
    import re

    from apex_policy import load_settings
    for name in ("policy.md", "configuration.md"):
        text = (DOCS / name).read_text(encoding="utf-8")
        blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
        assert blocks, name
        for index, block in enumerate(blocks):
            if "[tool.apex]" not in block:
                continue
            project = tmp_path / f"{name}-{index}"
            project.mkdir()
            (project / "pyproject.toml").write_text(block, encoding="utf-8")
            loaded = load_settings(str(project))
            assert loaded.errors == [], (name, index, loaded.errors)


def test_vscode_configuration_round_trips_through_the_loader(project):
    from apex_policy import load_settings
    from apex_policy.schema import vscode_configuration

    props = vscode_configuration()
    assert props["apex.extendSelect"]["scope"] == "resource"
    assert props["apex.capabilities.filesystem_write.action"]["enum"] == ["allow", "audit", "deny"]
    assert all(p["default"] is None and "null" in p["type"] for p in props.values())
    # What VS Code sends: nested tables, camelCase leaves, null for unset keys.
    sent: dict = {}
    for name in props:
        node = sent
        parts = name.split(".")[1:]
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = None
    sent["limits"]["openFiles"] = 12
    sent["extendSelect"] = ["APX9"]
    root = project('mode = "isolation"\n[limits]\nmemory = "1GB"\n')
    loaded = load_settings(str(root), editor=sent)
    assert loaded.errors == []
    assert loaded.settings.mode == "isolation"              # null did not override the file
    assert loaded.settings.policy.limits.memory == 1_000_000_000
    assert loaded.settings.policy.limits.open_files == 12
    assert loaded.settings.analysis.extend_select == ("APX9",)
