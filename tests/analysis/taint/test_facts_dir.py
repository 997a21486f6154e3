"""The one-shot cross-file phase of `apex check`: facts written by each file's pass,
then linked once (``checking.cross_file_findings``), with deferred functions analysed
from their own top-level statement only."""
import textwrap

from apex_lsp.analysis import Analyzer, all_rules
from apex_lsp.analysis.taint.checking import cross_file_findings
from apex_lsp.analysis.taint.module import ModuleAnalysis
from apex_lsp.analysis.taint.taint_pass import TaintPass

SINKS = """\
import os
import sys


def launch(cmd):
    os.system(cmd)


class Runner:
    '''Deferred: nothing here reads a source or calls a sink itself.'''

    def __init__(self, shell):
        self.shell = shell

    def run(self, cmd):
        launch(self.shell + " -c " + cmd)


if sys.platform != "nt":
    def spawn(cmd):
        launch(cmd)
else:
    def spawn(cmd):
        launch("start " + cmd)
"""

VIEWS = """\
from flask import Flask, request

from sinks import Runner, spawn

app = Flask(__name__)


@app.route("/a")
def a():
    Runner.run(Runner("sh"), request.args["c"])
    return "ok"


@app.route("/b")
def b():
    spawn(request.form["c"])
    return "ok"
"""


def _write_facts(tmp_path, facts_dir):
    analyzer = Analyzer([r for r in all_rules() if r.enabled_by_default],
                        passes=[TaintPass(cache=False, facts_dir=str(facts_dir))])
    for name, text in (("sinks.py", SINKS), ("views.py", VIEWS)):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        analyzer.analyze_file(str(path))


def test_deferred_method_and_conditional_function_are_reached(tmp_path, monkeypatch):
    facts_dir = tmp_path / "facts"
    facts_dir.mkdir()
    _write_facts(tmp_path, facts_dir)
    parsed = []
    partial = ModuleAnalysis.partial.__func__

    def spy(cls, module, source, spec, qualname, **kwargs):
        parsed.append(qualname)
        return partial(cls, module, source, spec, qualname, **kwargs)

    monkeypatch.setattr(ModuleAnalysis, "partial", classmethod(spy))
    found = sorted((f.line, f.rule, [(s.location.path.rpartition("/")[2], s.location.line)
                                     for s in f.path_steps])
                   for f in cross_file_findings(str(facts_dir))[0])
    assert found == [
        (10, "APX801", [("views.py", 10), ("views.py", 10), ("sinks.py", 15),
                        ("sinks.py", 16), ("sinks.py", 5), ("sinks.py", 6)]),
        (16, "APX801", [("views.py", 16), ("views.py", 16), ("sinks.py", 20),
                        ("sinks.py", 21), ("sinks.py", 5), ("sinks.py", 6)]),
    ]
    # Neither was analysed by the file's own pass: each came from its statement alone.
    assert sorted(parsed) == ["Runner.run", "spawn"]


def test_a_file_changed_since_its_facts_costs_only_its_findings(tmp_path):
    facts_dir = tmp_path / "facts"
    facts_dir.mkdir()
    _write_facts(tmp_path, facts_dir)
    (tmp_path / "sinks.py").write_text("# rewritten while the check ran\n" + SINKS)
    assert cross_file_findings(str(facts_dir))[0] == []


def test_a_module_top_level_without_sources_waits_for_a_flow(tmp_path):
    # script.py names no source and has no pattern finding, so its top level is not
    # analysed by its own pass; calling a function that returns one wakes it.
    files = {
        "inputs.py": "import sys\n\n\ndef get_cmd():\n    return sys.argv[1]\n",
        "shell.py": "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n",
        "script.py": "from inputs import get_cmd\nfrom shell import run\n\nrun(get_cmd())\n",
    }
    facts_dir = tmp_path / "facts"
    facts_dir.mkdir()
    analyzer = Analyzer([r for r in all_rules() if r.enabled_by_default],
                        passes=[TaintPass(cache=False, facts_dir=str(facts_dir))])
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        analyzer.analyze_file(str(tmp_path / name))
    [finding] = cross_file_findings(str(facts_dir))[0]
    assert (finding.path.rpartition("/")[2], finding.line, finding.rule) == (
        "script.py", 4, "APX801")
