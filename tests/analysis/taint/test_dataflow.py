"""The data-flow engine: how taint moves through Python constructs and functions."""
import textwrap

import pytest

from .helpers import analyze, check

CONSTRUCTS = {
    "assignment chain and augmented assignment": """
        import os, sys
        a = sys.argv[1]
        b = a
        c = "ls "
        c += b
        os.system(c)  # expect: APX801
        b = "constant"
        os.system(b)
    """,
    "tuple unpacking": """
        import os, sys
        x, y = sys.argv[1], "safe"
        os.system(x)  # expect: APX801
        os.system(y)
        first, *rest = sys.argv
        os.system(rest[0])  # expect: APX801
    """,
    "with ... as": """
        import os, sys
        with open("f") as handle, sys.stdin as stream:
            os.system(stream.read())  # expect: APX801
            os.system(handle.read())
    """,
    "loops": """
        import os, sys
        for arg in sys.argv:
            os.system(arg)  # expect: APX801
        cmd = ""
        i = 0
        while i < 3:
            os.system(cmd)  # expect: APX801
            cmd = sys.argv[i]
            i += 1
    """,
    "comprehensions": """
        import os, sys
        cmds = [a.strip() for a in sys.argv if a]
        os.system(cmds[0])  # expect: APX801
        table = {k: v for k, v in os.environ.items()}
        os.system(table["X"])  # expect: APX801
        os.system(" ".join(str(len(a)) for a in sys.argv))
    """,
    "string building": """
        import os, sys
        v = sys.argv[1]
        os.system(f"ls {v}")  # expect: APX801
        os.system("ls %s" % v)  # expect: APX801
        os.system("ls %(v)s" % {"v": v})  # expect: APX801
        os.system("ls " + v)  # expect: APX801
        os.system("ls {}".format(v))  # expect: APX801
        os.system(" ".join(["ls", v]))  # expect: APX801
        os.system(f"ls {len(v)}")
    """,
    "containers, items and attributes": """
        import os, sys

        class Config:
            pass

        cfg = Config()
        cfg.command = sys.argv[1]
        cfg.safe = "ls"
        os.system(cfg.command)  # expect: APX801
        os.system(cfg.safe)
        items = []
        items.append(sys.argv[1])
        os.system(items[0])  # expect: APX801
        opts = {}
        opts["c"] = sys.argv[1]
        os.system(opts["c"])  # expect: APX801
    """,
    "branches merge conservatively": """
        import os, sys, shlex
        if len(sys.argv) > 1:
            cmd = sys.argv[1]
        else:
            cmd = "ls"
        os.system(cmd)  # expect: APX801
        if len(sys.argv) > 2:
            arg = shlex.quote(sys.argv[2])
        else:
            arg = sys.argv[2]
        os.system(arg)  # expect: APX801
        if len(sys.argv) > 3:
            ok = shlex.quote(sys.argv[3])
        else:
            ok = "x"
        os.system(ok)
    """,
    "try/except and walrus": """
        import os, sys
        try:
            value = sys.argv[1]
        except IndexError:
            value = "default"
        os.system(value)  # expect: APX801
        if (n := sys.argv[2]):
            os.system(n)  # expect: APX801
    """,
    "match statement": """
        import os, sys
        match sys.argv[1:]:
            case [name]:
                os.system(name)  # expect: APX801
            case _:
                pass
    """,
    "database lookups return the application's objects": """
        import os
        from django.shortcuts import get_object_or_404, redirect

        def view(request, pk):
            page = Page.objects.get(pk=pk)
            redirect(page.get_absolute_url())
            other = get_object_or_404(Page, slug=request.GET["slug"])
            redirect(other.url)
            redirect(request.GET["next"])  # expect: APX805
    """,
    "a database session is not an HTTP client": """
        import requests
        from app import db
        from flask import request
        db.session.get(User, request.args["id"])
        session = requests.Session()
        session.get(request.args["url"])  # expect: APX807
    """,
    "local input is the user's own: it matters only where it can run code": """
        import os, sys, pickle
        open(sys.argv[1])
        os.remove(os.environ["TMP_FILE"])
        os.system(sys.argv[1])  # expect: APX801
        pickle.loads(sys.stdin.buffer.read())  # expect: APX808
    """,
    "module-level constants are not tainted": """
        import os
        CMD = "uptime"
        def show():
            os.system(CMD)
    """,
    "tainted globals reach functions": """
        import os, sys
        TARGET = sys.argv[1]
        def go():
            os.system(TARGET)  # expect: APX801
    """,
}

FUNCTIONS = {
    "parameter to sink, called with a source": """
        import os, sys
        def run(cmd):
            os.system(cmd)
        def main():
            run(sys.argv[1])  # expect: APX801
            run("ls")
    """,
    "source returned by a helper": """
        import os, sys
        def get():
            return sys.argv[1]
        def main():
            os.system(get())  # expect: APX801
    """,
    "through a chain of helpers, keyword arguments": """
        import os, sys
        def quote(text):
            return "'" + text + "'"
        def build(prefix, arg):
            return prefix + quote(arg)
        def run(*, command):
            os.system(command)
        def main():
            run(command=build("ls ", sys.argv[1]))  # expect: APX801
            run(command=build("ls ", "x"))
    """,
    "sanitizing helper": """
        import os, sys, shlex
        def clean(text):
            return shlex.quote(text)
        def main():
            os.system("ls " + clean(sys.argv[1]))
    """,
    "methods through self": """
        import os, sys
        class Runner:
            def run(self, cmd):
                os.system(cmd)
            def main(self):
                self.run(sys.argv[1])  # expect: APX801
    """,
    "nested function": """
        import os, sys
        def outer():
            def inner(c):
                os.system(c)
            inner(sys.argv[1])  # expect: APX801
    """,
    "recursion terminates": """
        import os, sys
        def a(x, n):
            if n:
                return b(x, n - 1)
            os.system(x)
        def b(x, n):
            return a(x, n)
        def main():
            a(sys.argv[1], 3)  # expect: APX801
    """,
    "functions without sources are analysed when a flow reaches them": """
        import subprocess, sys
        def deploy(target):
            subprocess.call(["deploy-" + target])
        def main():
            deploy(sys.argv[1])  # expect: APX801
    """,
    "callers of a source-returning function are analysed": """
        import subprocess, sys
        def get():
            return sys.argv[1]
        def use():
            name = get()
            subprocess.call([name])  # expect: APX801
        def other():
            subprocess.call(["fixed"])
    """,
    "aliased source imports still mark a function for analysis": """
        from flask import request as rq
        from os import environ as env
        def view():
            open(rq.args["p"])  # expect: APX806
        def other():
            eval(env["P"])  # expect: APX800
    """,
    "argument order and unrelated parameters": """
        import os, sys
        def run(safe, cmd):
            os.system(cmd)
        def main():
            run(sys.argv[1], "ls")
            run("ls", sys.argv[1])  # expect: APX801
    """,
}


@pytest.mark.parametrize("name", list(CONSTRUCTS))
def test_construct(name):
    check(CONSTRUCTS[name])


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_interprocedural(name):
    check(FUNCTIONS[name])


def test_path_lists_every_hop_in_order():
    result = analyze("""
        import os
        from flask import Flask, request
        app = Flask(__name__)

        def run(cmd):
            full = "sh -c " + cmd
            os.system(full)

        @app.route("/")
        def index():
            value = request.args["v"]
            run(value)
            return "ok"
    """)
    [finding] = [f for f in result.findings if f.rule == "APX801"]
    assert finding.line == 13
    hops = [(s.location.line, s.message) for s in finding.path_steps]
    assert hops == [
        (12, "source: Flask request.args"),
        (12, "assigned to `value`"),
        (13, "passed to `run()`"),
        (6, "parameter `cmd` of `run()`"),
        (7, "assigned to `full`"),
        (8, "sink: os.system()"),
    ]
    assert "via `run()`" in finding.message


@pytest.mark.parametrize("expr", ["x" + " + x" * 900, "str(" * 180 + "x" + ")" * 180])
def test_deep_nesting_reports_or_says_why(expr):
    result = analyze(f"import os, sys\nx = sys.argv[1]\nos.system({expr})\n")
    assert result.error is not None or any(f.rule == "APX801" for f in result.findings)


def test_a_crash_in_the_taint_pass_keeps_the_other_findings(monkeypatch):
    from apex_lsp.analysis import Analyzer, rules_by_id
    from apex_lsp.analysis.taint import taint_pass

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(taint_pass, "ModuleAnalysis", broken)
    rules = rules_by_id()
    result = Analyzer([rules["APX101"], rules["APX800"]]).analyze_source(
        "import sys\neval(sys.argv[1])\n", "x.py")
    assert {f.rule for f in result.findings} == {"APX101", "APX002"}
    [crash] = [f for f in result.findings if f.rule == "APX002"]
    assert crash.message.startswith("the taint analysis crashed: ValueError: boom")


def test_a_suppression_on_a_case_line_covers_its_guard_only():
    source = textwrap.dedent("""\
        import os
        from flask import request

        def view():
            match request.args["mode"]:
                case "a" if os.system(request.args["c"]):  # nosec
                    pass
                case _ if os.system(request.args["d"]):  # expect: APX801
                    pass
    """)
    check(source)
