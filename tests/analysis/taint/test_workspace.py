"""Cross-file taint through the TaintWorkspace API, and incremental re-analysis."""
import textwrap

from apex_lsp.analysis.taint.workspace import TaintWorkspace, module_name_for

HELPERS = """\
import os


def run(cmd):
    os.system(cmd)


def unrelated(x):
    return x.upper() + os.getenv("SUFFIX", "")
"""

MID = """\
from pkg.helpers import run


def relay(value):
    prefix = "sh -c "
    run(prefix + value)
"""

APP = """\
from flask import Flask, request

from mid import relay

app = Flask(__name__)


@app.route("/go")
def go():
    relay(request.args["c"])
    return "ok"
"""


def _project(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    files = {"pkg/helpers.py": HELPERS, "mid.py": MID, "app.py": APP}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return {name: str(tmp_path / name) for name in files}


def test_module_names_follow_packages(tmp_path):
    paths = _project(tmp_path)
    assert module_name_for(paths["pkg/helpers.py"]) == ("pkg.helpers", False)
    assert module_name_for(str(tmp_path / "pkg" / "__init__.py")) == ("pkg", True)
    assert module_name_for(paths["app.py"]) == ("app", False)


def test_finding_two_files_away_lists_each_hop(tmp_path):
    paths = _project(tmp_path)
    workspace = TaintWorkspace()
    workspace.update_files(paths.values())
    [finding] = workspace.findings()
    assert (finding.path, finding.line, finding.rule) == (paths["app.py"], 10, "APX801")
    hops = [(s.location.path, s.location.line, s.message) for s in finding.path_steps]
    assert hops == [
        (paths["app.py"], 10, "source: Flask request.args"),
        (paths["app.py"], 10, "passed to `relay()`"),
        (paths["mid.py"], 4, "parameter `value` of `relay()`"),
        (paths["mid.py"], 6, "passed to `run()`"),
        (paths["pkg/helpers.py"], 4, "parameter `cmd` of `run()`"),
        (paths["pkg/helpers.py"], 5, "sink: os.system()"),
    ]
    assert "via `relay()` -> `run()`" in finding.message


def test_relative_import_and_reexport(tmp_path):
    paths = _project(tmp_path)
    (tmp_path / "pkg" / "__init__.py").write_text("from .helpers import run\n")
    (tmp_path / "pkg" / "views.py").write_text(textwrap.dedent("""\
        import sys
        from . import helpers
        from pkg import run

        def main():
            helpers.run(sys.argv[1])
            run(sys.argv[2])
    """))
    workspace = TaintWorkspace()
    workspace.update_files(list(paths.values()) + [str(tmp_path / "pkg" / "__init__.py"),
                                                   str(tmp_path / "pkg" / "views.py")])
    lines = sorted(f.line for f in workspace.findings(paths=[str(tmp_path / "pkg" / "views.py")]))
    assert lines == [6, 7]


def test_edit_reanalyses_only_the_changed_function_and_dependents(tmp_path):
    paths = _project(tmp_path)
    workspace = TaintWorkspace()
    workspace.update_files(paths.values())
    assert len(workspace.findings()) == 1
    unrelated_key = (paths["pkg/helpers.py"], "unrelated")

    # Sanitize inside run(), and add a line above it (shifting every function).
    edited = HELPERS.replace("import os\n", "import os\nimport shlex\n").replace(
        "os.system(cmd)", "os.system(shlex.quote(cmd))")
    workspace.update_source(paths["pkg/helpers.py"], edited)
    # The module environment changed (a new import), so its functions were re-analysed;
    # the other modules' facts were reused.
    assert workspace.findings() == []

    # A body-only edit re-analyses just that one function (when a flow reaches it:
    # run() has no source of its own, so it waits for the link).
    misses = workspace.cache.misses
    again = edited.replace("os.system(shlex.quote(cmd))", "os.system(cmd)")
    workspace.update_source(paths["pkg/helpers.py"], again)
    assert workspace.changed == {paths["pkg/helpers.py"], paths["mid.py"], paths["app.py"]}
    [finding] = workspace.findings()
    assert workspace.cache.misses - misses == 1
    assert finding.path_steps[-1].location.line == 6  # the sink moved down one line
    # Only what a cross-file flow needs is linked in the workspace: unrelated() is not
    # (each file's own pass reports what stays inside it).
    run_key = (paths["pkg/helpers.py"], "run")
    run_summary = workspace.linker.summaries[run_key]
    assert unrelated_key not in workspace.linker.summaries
    # Editing only the unrelated function leaves run()'s summary linked.
    workspace.update_source(paths["pkg/helpers.py"], again.replace("x.upper()", "x.lower()"))
    workspace.update_source(paths["pkg/helpers.py"], again.replace("x.upper()", "x.upper() + '!'"))
    assert workspace.linker.summaries.get(run_key) is run_summary
    assert len(workspace.findings()) == 1


def test_unchanged_text_is_not_reanalysed(tmp_path):
    paths = _project(tmp_path)
    workspace = TaintWorkspace()
    workspace.update_files(paths.values())
    assert workspace.update_files(paths.values()) == set()


def test_module_added_later_and_removed(tmp_path):
    paths = _project(tmp_path)
    workspace = TaintWorkspace()
    workspace.update_files([paths["app.py"], paths["mid.py"]])
    assert workspace.findings() == []  # pkg.helpers is not known yet
    workspace.update_files([paths["pkg/helpers.py"]])
    assert len(workspace.findings()) == 1
    workspace.remove(paths["pkg/helpers.py"])
    assert workspace.findings() == []


def test_syntax_error_keeps_last_good_facts(tmp_path):
    paths = _project(tmp_path)
    workspace = TaintWorkspace()
    workspace.update_files(paths.values())
    assert workspace.update_source(paths["mid.py"], MID + "\ndef broken(:\n") is False
    assert len(workspace.findings()) == 1


def test_suppression_on_the_call_line(tmp_path):
    paths = _project(tmp_path)
    (tmp_path / "app.py").write_text(APP.replace(
        'relay(request.args["c"])', 'relay(request.args["c"])  # apex: ignore[APX801]'))
    workspace = TaintWorkspace()
    workspace.update_files(paths.values())
    assert workspace.findings() == []


def test_rule_selection(tmp_path):
    paths = _project(tmp_path)
    workspace = TaintWorkspace(rule_ids=["APX800"])
    workspace.update_files(paths.values())
    assert workspace.findings() == []


def test_callers_of_a_source_returning_function_in_another_file(tmp_path):
    (tmp_path / "inputs.py").write_text("import sys\n\n\ndef target():\n    return sys.argv[1]\n")
    (tmp_path / "use.py").write_text(textwrap.dedent("""\
        import subprocess
        from inputs import target


        def load():
            name = target()
            return subprocess.call([name])


        def unrelated(path):
            return subprocess.call([path])
    """))
    workspace = TaintWorkspace()
    workspace.update_files([str(tmp_path / "inputs.py"), str(tmp_path / "use.py")])
    [finding] = workspace.findings()
    assert (finding.line, finding.rule) == (7, "APX801")
    assert [s.location.line for s in finding.path_steps] == [5, 5, 6, 6, 7]
    # `unrelated` was never needed, so never analysed.
    module = workspace.modules[str(tmp_path / "use.py")]
    assert "unrelated" in module.deferred and "load" not in module.deferred


def test_indexed_file_wakes_callers_of_its_own_source_returning_function(tmp_path):
    # No pass ran over an indexed file: the workspace itself must find that deploy()
    # (no source of its own) calls argument(), which returns one, before it can follow
    # the value into the other file.
    (tmp_path / "shell.py").write_text("import os\n\n\ndef run(cmd):\n    os.system(cmd)\n")
    (tmp_path / "cli.py").write_text(textwrap.dedent("""\
        import sys

        from shell import run


        def argument():
            return sys.argv[1]


        def deploy():
            run("deploy " + argument())
    """))
    workspace = TaintWorkspace()
    workspace.update_files([str(tmp_path / "shell.py"), str(tmp_path / "cli.py")])
    [finding] = workspace.findings()
    assert (finding.path, finding.line, finding.rule) == (str(tmp_path / "cli.py"), 11,
                                                           "APX801")
    assert "via `run()`" in finding.message
