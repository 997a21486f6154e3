"""[[tool.apex.overrides]] inside an isolated run: the guard applies the calling file's
override, and the OS boundary still stands behind it."""
from __future__ import annotations

import textwrap

from .conftest import apex_run, needs_bwrap, needs_root

pytestmark = [needs_bwrap, needs_root]


def test_isolated_override_allows_a_subprocess_from_its_files_only(project):
    with open(project / "pyproject.toml", "a") as handle:
        handle.write('\n[[tool.apex.overrides]]\npaths = ["tools/**"]\n'
                     'capabilities = { subprocess = { allow = ["true"] } }\n')
    (project / "tools").mkdir()
    (project / "tools" / "__init__.py").write_text("")
    (project / "tools" / "build.py").write_text(textwrap.dedent("""\
        import subprocess

        def run(argv):
            return subprocess.run(argv).returncode
    """))
    run = apex_run(project, """
        import subprocess
        from tools import build

        for label, call in (("tools-true", lambda: build.run(["true"])),
                            ("tools-echo", lambda: build.run(["echo", "SPAWNED"])),
                            ("prog-true", lambda: subprocess.run(["true"]).returncode)):
            try:
                print(label, "ran", call())
            except PermissionError as error:
                print(label, "refused", error)
    """)
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    assert lines["tools-true"] == "ran 0"
    # Outside the override's scope (echo) the project's rule (deny) holds.
    assert lines["tools-echo"].startswith("refused") and "(called from tools/build.py)" \
        in lines["tools-echo"]
    assert lines["prog-true"].startswith("refused") and "(called from prog.py)" \
        in lines["prog-true"]
    assert run.report["isolation"]["level"] == "full"
    assert [d["target"][0] for d in run.report["guard"]["denials"]] == ["echo", "true"]
