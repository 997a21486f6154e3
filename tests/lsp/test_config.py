"""The settings tree: typed, defaulted, never raising (unit level; e2e in test_settings_and_policy)."""
from __future__ import annotations

from apex_lsp.server.config import DiagnosticsConfig, ServerConfig, parse_config


def test_empty_and_missing_settings_are_the_defaults():
    for raw in (None, {}, [], {"apex": {}}):
        assert parse_config(raw) == (ServerConfig(), [])


def test_values_are_read_from_either_shape():
    raw = {"mode": "hybrid", "diagnostics": {"delivery": "pull", "runOn": "save"},
           "scan": {"maxFiles": 10}, "largeFileBytes": 5, "policy": {"extend-select": ["APX9"]}}
    for shape in (raw, {"apex": raw}):
        config, errors = parse_config(shape)
        assert errors == []
        assert config.mode == "hybrid" and config.scan.max_files == 10
        assert config.diagnostics == DiagnosticsConfig(delivery="pull", run_on="save")
        assert config.policy == {"extend-select": ["APX9"]} and config.large_file_bytes == 5


def test_each_bad_value_is_reported_and_defaulted():
    config, errors = parse_config({"mode": 1, "policy": [], "diagnostics": {"runOn": "never"},
                                   "scan": {"maxFiles": -1}, "largeFileBytes": True, "x": 1})
    assert config == ServerConfig()
    assert len(errors) == 6
    assert parse_config("nonsense")[1] == ["apex settings must be an object, got a string"]
