"""[[tool.apex.overrides]] inside an isolated run: the guard applies the calling file's
override, and the OS boundary still stands behind it."""
from __future__ import annotations


from .conftest import add_tools_override, apex_run, needs_bwrap, needs_root

pytestmark = [needs_bwrap, needs_root]


def test_isolated_override_allows_a_subprocess_from_its_files_only(project):
    add_tools_override(project)
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
