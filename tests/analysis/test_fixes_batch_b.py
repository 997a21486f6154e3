"""The fixes attached by the weak-crypto, TLS and network rules: applied to real
source, the result re-parses and the finding is gone."""
from __future__ import annotations

import ast
import textwrap

import pytest

from apex_lsp.analysis import Analyzer, rules_by_id


def _apply(source: str, fix) -> str:
    lines = source.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(fix.edits, key=lambda e: (e.line, e.column), reverse=True):
        start = offsets[edit.line - 1] + edit.column - 1
        end = offsets[edit.end_line - 1] + edit.end_column - 1
        source = source[:start] + edit.text + source[end:]
    return source


def _fix_once(rule_id: str, source: str) -> tuple[str, str]:
    source = textwrap.dedent(source)
    analyzer = Analyzer([rules_by_id()[rule_id]])
    findings = [f for f in analyzer.analyze_source(source).findings if f.rule == rule_id]
    assert len(findings) == 1, findings
    fix = findings[0].fix
    assert fix is not None, "expected a fix"
    fixed = _apply(source, fix)
    ast.parse(fixed)
    assert not [f for f in analyzer.analyze_source(fixed).findings if f.rule == rule_id]
    return fixed, fix.title


@pytest.mark.parametrize("before, after", [
    ("import hashlib\nhashlib.md5(data)\n",
     "import hashlib\nhashlib.md5(data, usedforsecurity=False)\n"),
    ("import hashlib\nhashlib.md5()\n",
     "import hashlib\nhashlib.md5(usedforsecurity=False)\n"),
    ("import hashlib\nhashlib.new('md5', data,)\n",
     "import hashlib\nhashlib.new('md5', data, usedforsecurity=False,)\n"),
    ("import hashlib\nx = hashlib.sha1(\n    data,  # payload\n).hexdigest()\n",
     "import hashlib\nx = hashlib.sha1(\n    data, usedforsecurity=False,  # payload\n).hexdigest()\n"),
    ("from hashlib import md5\nkey = {'é': md5('\u00e9'.encode()).hexdigest()}\n",
     "from hashlib import md5\nkey = {'é': md5('\u00e9'.encode(), usedforsecurity=False).hexdigest()}\n"),
])
def test_usedforsecurity_fix(before, after):
    fixed, title = _fix_once("APX400", before)
    assert fixed == after
    assert "if not used for security" in title


def test_no_usedforsecurity_fix_when_kwargs_may_carry_it():
    source = "import hashlib\nhashlib.md5(data, **options)\n"
    findings = Analyzer([rules_by_id()["APX400"]]).analyze_source(source).findings
    assert len(findings) == 1 and findings[0].fix is None


@pytest.mark.parametrize("before, after", [
    ("import requests\nrequests.get(url, verify=False, timeout=5)\n",
     "import requests\nrequests.get(url, timeout=5)\n"),
    ("import requests\nrequests.get(url, timeout=5, verify=False)\n",
     "import requests\nrequests.get(url, timeout=5)\n"),
    ("import httpx\nhttpx.Client(verify=False)\n",
     "import httpx\nhttpx.Client()\n"),
    ("import httpx\nhttpx.Client(verify=False, http2=True)\n",
     "import httpx\nhttpx.Client(http2=True)\n"),
    ("import requests\nr = requests.post(\n    url,\n    verify=False,  # lab only\n    timeout=5,\n)\n",
     "import requests\nr = requests.post(\n    url,\n    timeout=5,\n)\n"),
    ("import requests\nr = requests.post(\n    url,\n    timeout=5,\n    verify=False\n)\n",
     "import requests\nr = requests.post(\n    url,\n    timeout=5,\n)\n"),
    ("import requests\nr = requests.post(url,\n                  verify=False)\n",
     "import requests\nr = requests.post(url)\n"),
    ("async def f(session):\n    await session.get('é', ssl=False)\n",
     "async def f(session):\n    await session.get('é')\n"),
])
def test_remove_verify_false(before, after):
    fixed, title = _fix_once("APX450", before)
    assert fixed == after
    assert title.startswith("Remove")


@pytest.mark.parametrize("before, after", [
    ("import requests\nrequests.get(url)\n", "import requests\nrequests.get(url, timeout=30)\n"),
    ("import requests\nrequests.get(url,)\n", "import requests\nrequests.get(url, timeout=30,)\n"),
    ("import requests\nrequests.post(\n    url,\n    json=body,\n)\n",
     "import requests\nrequests.post(\n    url,\n    json=body, timeout=30,\n)\n"),
    ("from urllib.request import urlopen\nurlopen(url).read()\n",
     "from urllib.request import urlopen\nurlopen(url, timeout=30).read()\n"),
    ("from requests import get\nv = get(f'{base}/é').json()\n",
     "from requests import get\nv = get(f'{base}/é', timeout=30).json()\n"),
])
def test_add_timeout(before, after):
    fixed, title = _fix_once("APX460", before)
    assert fixed == after
    assert title == "Add timeout=30"


def test_fix_is_dropped_when_the_edit_would_not_parse():
    # The comma that separates verify=False from the next argument is on its own line.
    source = "import requests\nrequests.get(url,\n    verify=False\n    , timeout=5)\n"
    findings = Analyzer([rules_by_id()["APX450"]]).analyze_source(source).findings
    assert len(findings) == 1
    fix = findings[0].fix
    if fix is not None:
        ast.parse(_apply(source, fix))


@pytest.mark.parametrize("rule_id, before, after", [
    ("APX605", "import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(dest)\n",
     'import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(dest, filter="data")\n'),
    ("APX605", "import tarfile\ntarfile.open(p).extract(member)\n",
     'import tarfile\ntarfile.open(p).extract(member, filter="data")\n'),
    ("APX607", "import shutil\nshutil.unpack_archive(\n    src,\n    dest,\n)\n",
     'import shutil\nshutil.unpack_archive(\n    src,\n    dest, filter="data",\n)\n'),
])
def test_add_extraction_filter(rule_id, before, after):
    fixed, title = _fix_once(rule_id, before)
    assert fixed == after
    assert 'filter="data"' in title


def test_no_filter_fix_when_the_archive_type_is_a_guess():
    source = "archive.extractall(dest)\n"
    (finding,) = Analyzer([rules_by_id()["APX605"]]).analyze_source(source).findings
    assert finding.fix is None
