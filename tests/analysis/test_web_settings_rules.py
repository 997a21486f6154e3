"""Rules whose verdict depends on the module's path (Django settings modules)."""
from __future__ import annotations

import pytest

from apex_lsp.analysis import Analyzer
from apex_lsp.analysis.model import Confidence
from apex_lsp.analysis.registry import get


@pytest.mark.parametrize("path, confidence", [
    ("mysite/settings.py", Confidence.MEDIUM),
    ("mysite/settings/production.py", Confidence.MEDIUM),
    ("mysite/local_settings.py", Confidence.LOW),
    ("mysite/settings/dev.py", Confidence.LOW),
    ("config/test_settings.py", Confidence.LOW),
])
def test_debug_true_in_settings_modules(path, confidence):
    findings = Analyzer([get("APX307")]).analyze_source("DEBUG = True\n", path).findings
    assert [(f.rule, f.confidence) for f in findings] == [("APX307", confidence)]


@pytest.mark.parametrize("path", ["app/views.py", "scripts/build.py", "mysite/settings_helpers/util.py"])
def test_debug_true_elsewhere_is_not_a_django_setting(path):
    assert Analyzer([get("APX307")]).analyze_source("DEBUG = True\n", path).findings == []
