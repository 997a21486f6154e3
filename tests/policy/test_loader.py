"""Discovery, merge order, origins, validation errors with positions, caching."""
from __future__ import annotations

import dataclasses
import os

import pytest

from apex_policy import load_settings
from apex_policy.loader import find_policy_file, load_policy_file


def test_no_policy_file_gives_development_defaults(tmp_path):
    loaded = load_settings(str(tmp_path))
    assert loaded.settings.mode == "development"
    assert loaded.source == "built-in defaults"
    assert loaded.root == str(tmp_path)
    assert loaded.errors == []
    assert loaded.origins["mode"].kind == "default"
    assert loaded.settings.policy.capability("network").action == "allow"


def test_nearest_policy_file_wins_and_pyproject_without_table_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.apex]\nmode = "isolation"\n')
    inner = tmp_path / "pkg" / "sub"
    inner.mkdir(parents=True)
    (tmp_path / "pkg" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    loaded = load_settings(str(inner / "mod.py"))
    assert loaded.path == str(tmp_path / "pyproject.toml")
    assert loaded.settings.mode == "isolation"
    assert loaded.root == str(tmp_path)
    (tmp_path / "pkg" / "apex.toml").write_text('mode = "hybrid"\n')
    loaded = load_settings(str(inner))
    assert loaded.settings.mode == "hybrid"
    assert loaded.source == "apex.toml"
    assert find_policy_file(str(inner)) == str(tmp_path / "pkg" / "apex.toml")


def test_merge_order_mode_default_file_mode_table_editor_cli(project):
    root = project('''
        mode = "isolation"
        ignore = ["APX460"]
        [limits]
        memory = "512MB"
        cpu = "10s"
        wall = "30s"
        [modes.isolation.limits]
        cpu = "20s"
        [modes.hybrid.limits]
        cpu = "99s"
    ''')
    loaded = load_settings(str(root / "src"), editor={"limits": {"wall": "40s"}, "ignore": ["APX1"]},
                           cli={"limits": {"open-files": 9}})
    limits = loaded.settings.policy.limits
    assert limits.memory == 512_000_000          # file
    assert limits.cpu == 20.0                     # file's per-mode table beats the file
    assert limits.wall == 40.0                    # editor beats file
    assert limits.open_files == 9                 # cli
    assert limits.processes == 64                 # isolation's default
    assert loaded.settings.analysis.ignore == ("APX1",)
    origins = {k: str(v) for k, v in loaded.origins.items()}
    assert origins["limits.memory"] == "file (pyproject.toml:6)"
    assert origins["limits.cpu"] == "file (pyproject.toml:10)"
    assert origins["limits.wall"] == "editor"
    assert origins["limits.open-files"] == "cli"
    assert origins["limits.processes"] == "mode default (isolation)"
    assert origins["min-severity"] == "default"


def test_mode_precedence_cli_over_editor_over_file(project):
    root = project('mode = "isolation"\n')
    assert load_settings(str(root)).settings.mode == "isolation"
    assert load_settings(str(root), editor={"mode": "hybrid"}).settings.mode == "hybrid"
    loaded = load_settings(str(root), mode="development", editor={"mode": "hybrid"})
    assert loaded.settings.mode == "development"
    assert str(loaded.origins["mode"]) == "cli (--mode)"
    # The mode picks the defaults of every other key.
    assert loaded.settings.policy.capability("network").action == "allow"


def test_capability_shorthand_table_and_scopes_keep_the_mode_action(project):
    root = project('''
        mode = "isolation"
        capabilities.subprocess = "audit"
        [capabilities.network]
        allow = ["api.example.com:443"]
    ''')
    policy = load_settings(str(root)).settings.policy
    assert policy.capability("subprocess").action == "audit"
    assert policy.capability("network").action == "deny"
    assert policy.capability("network").allow == ("api.example.com:443",)
    assert policy.decide("network", "api.example.com:443") == "allow"
    assert policy.decide("network", "evil.example.net:443") == "deny"


@pytest.mark.parametrize("body,line,column,key,message", [
    ('capabilities.network = "denyy"\n', 2, 1, "capabilities.network",
     "expected one of allow/audit/deny, got 'denyy'"),
    ('[capabilities]\nnetwork = { action = "nope" }\n', 3, 13, "capabilities.network.action",
     "expected one of allow/audit/deny"),
    ('mode = "sandbox"\n', 2, 1, "mode", "expected one of isolation/development/hybrid"),
    ('select = ["APX101", "E501"]\n', 2, 21, "select[1]", "expected a rule id"),
    ('min-severity = 3\n', 2, 1, "min-severity", "expected one of info/low"),
    ('[limits]\nmemory = "lots"\n', 3, 1, "limits.memory", "expected a size like 512MB"),
    ('[limits]\nopen-files = -3\n', 3, 1, "limits.open-files", "expected a whole number"),
    ('[debug]\nstate_edit = "maybe"\n', 3, 1, "debug.state_edit",
     "expected one of allow/permission/deny"),
    ('colour = true\n', 2, 1, "colour", "unknown key 'colour'"),
    ('extend-selct = ["APX1"]\n', 2, 1, "extend-selct", "did you mean 'extend-select'?"),
    ('capabilities.netwrk = "deny"\n', 2, 1, "capabilities.netwrk", "unknown capability"),
    ('[[permissions]]\noperations = ["state_edit"]\nexpires = "whenever"\n', 4, 1,
     "permissions[0].expires", "expected an ISO timestamp"),
    ('[[permissions]]\npaths = ["src/**"]\n', 2, 1, "permissions[0]", "needs operations"),
    ('[modes.sandbox]\nmode = "x"\n', 2, 1, "modes.sandbox", "unknown mode"),
    ('[audit]\nenabled = "yes"\n', 3, 1, "audit.enabled", "expected true or false"),
])
def test_validation_errors_have_positions(project, body, line, column, key, message):
    root = project(body)
    loaded = load_settings(str(root))
    assert len(loaded.errors) == 1, loaded.errors
    error = loaded.errors[0]
    assert error.path == str(root / "pyproject.toml")
    assert (error.line, error.column, error.key) == (line, column, key)
    assert message in error.message
    assert str(error).startswith(f"{root / 'pyproject.toml'}:{line}:{column}: {key}: ")


def test_bad_value_falls_back_to_the_previous_value_and_the_rest_still_loads(project):
    root = project('''
        mode = "isolation"
        min-severity = "hgh"
        ignore = ["APX460"]
        [capabilities]
        network = "sometimes"
        subprocess = "audit"
    ''')
    loaded = load_settings(str(root))
    assert [e.key for e in loaded.errors] == ["min-severity", "capabilities.network"]
    assert loaded.settings.analysis.min_severity == "info"
    assert loaded.settings.analysis.ignore == ("APX460",)
    assert loaded.settings.policy.capability("network").action == "deny"   # isolation default
    assert loaded.settings.policy.capability("subprocess").action == "audit"


def test_invalid_toml_is_an_error_with_position_not_a_crash(project):
    root = project('mode = "isolation\nselect = [\n')
    loaded = load_settings(str(root))
    assert loaded.settings.mode == "development"
    assert len(loaded.errors) == 1
    assert loaded.errors[0].line == 2 and "invalid TOML" in loaded.errors[0].message


def test_editor_and_cli_garbage_never_crash(project):
    root = project('mode = "hybrid"\n')
    loaded = load_settings(str(root), editor=["not", "a", "table"], cli={"limits": 5,
                           "capabilities": {"network": 3}, "permissions": "all"})
    assert loaded.settings.mode == "hybrid"
    paths = {e.path for e in loaded.errors}
    assert paths == {"editor settings", "command line"}
    assert all(e.line is None for e in loaded.errors)


def test_editor_settings_accept_camel_case(project):
    root = project("")
    loaded = load_settings(str(root), editor={"extendSelect": ["APX9"], "minSeverity": "low",
                                              "capabilities": {"filesystemWrite": "deny"}})
    assert loaded.errors == []
    assert loaded.settings.analysis.extend_select == ("APX9",)
    assert loaded.settings.analysis.min_severity == "low"
    assert loaded.settings.policy.capability("filesystem_write").action == "deny"


def test_parse_is_cached_until_the_file_changes(project):
    root = project('mode = "isolation"\n')
    path = root / "pyproject.toml"
    first = load_settings(str(root))
    assert load_settings(str(root)).settings == first.settings
    path.write_text('[tool.apex]\nmode = "hybrid"\n# longer now\n')
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000))
    assert load_settings(str(root)).settings.mode == "hybrid"


def test_settings_tree_is_frozen(project):
    loaded = load_settings(str(project("")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.settings.mode = "isolation"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.settings.policy.limits.memory = 1  # type: ignore[misc]


def test_load_policy_file_reports_missing_table(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n')
    loaded = load_policy_file(str(path))
    assert [e.message for e in loaded.errors] == ["no [tool.apex] table in this file"]


def test_apex_toml_positions_have_no_prefix(tmp_path):
    (tmp_path / "apex.toml").write_text('mode = "isolation"\n\n[limits]\nwall = "forever"\n')
    loaded = load_settings(str(tmp_path))
    assert [(e.line, e.key) for e in loaded.errors] == [(4, "limits.wall")]
