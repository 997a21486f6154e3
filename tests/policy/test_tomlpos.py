"""Key positions found by scanning TOML text (tomllib reports none)."""
from __future__ import annotations

import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from apex_policy import load_settings
from apex_policy.tomlpos import TomlPositions

TEXT = '''\
# a comment with [brackets] and key = "value"
[tool.apex]
"quoted.key" = 1
doc = """
not_a_key = 2
"""
select = [
  "APX1",  # trailing comment
  'APX2',
]
capabilities.network = { action = "deny", allow = ["a:1", "b:2"] }
[[tool.apex.permissions]]
operations = ["state_edit"]
[[tool.apex.permissions]]
operations = [
    "hot_reload",
]
'''


def test_positions_of_keys_elements_and_tables():
    assert tomllib.loads(TEXT)  # the sample is valid TOML
    pos = TomlPositions(TEXT)
    assert pos.find(("tool", "apex")) == (2, 1)
    assert pos.find(("tool", "apex", "quoted.key")) == (3, 1)
    assert pos.find(("tool", "apex", "doc")) == (4, 1)
    assert ("tool", "apex", "not-a-key") not in pos.positions
    assert pos.find(("tool", "apex", "select", 1)) == (9, 3)
    assert pos.find(("tool", "apex", "capabilities", "network", "allow", 1)) == (11, 59)
    assert pos.find(("tool", "apex", "permissions", 1, "operations", 0)) == (16, 5)
    # Unknown paths fall back to the nearest known ancestor.
    assert pos.find(("tool", "apex", "capabilities", "network", "nope")) == (11, 1)
    # Either spelling of a key finds it.
    assert pos.find(("tool", "apex", "permissions", 0, "operations")) == (13, 1)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_scanner_never_crashes_on_any_text(text):
    TomlPositions(text)


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=8)
_keys = st.sampled_from(["mode", "select", "severity", "per-file-ignores", "capabilities",
                         "debug", "limits", "audit", "permissions", "modes", "taint", "bogus"])


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=5))
def test_loader_never_crashes_on_any_editor_settings(tmp_path_factory, editor):
    root = tmp_path_factory.mktemp("fuzz")
    loaded = load_settings(str(root), editor=editor)
    assert loaded.settings.mode in ("isolation", "development", "hybrid")
