"""The engine: dispatch, import/alias resolution, suppressions, unused suppressions."""
from __future__ import annotations

import ast
import textwrap

import pytest

from apex_lsp.analysis import Analyzer, rules_by_id
from apex_lsp.analysis.context import FileContext
from apex_lsp.analysis.model import Severity
from apex_lsp.analysis.rule import Rule

RULES = rules_by_id()


def findings(source: str, *ids: str, unused: bool = False, **kwargs):
    analyzer = Analyzer([RULES[i] for i in ids], report_unused_suppressions=unused, **kwargs)
    result = analyzer.analyze_source(textwrap.dedent(source), "t.py")
    return [(f.rule, f.line) for f in result.findings], result


# -- dispatch and name resolution ---------------------------------------------

class Recorder(Rule):
    """Records every call it is handed (test helper)."""
    id = "APX990"
    name = "recorder"
    category = "test"
    calls = frozenset({"subprocess.run", "os.system", "yaml.load", "eval",
                       "pkg.sub.func", ".sibling.helper"})
    methods = frozenset({"execute"})
    node_types = (ast.Lambda,)

    def check_call(self, node, ctx: FileContext) -> None:
        ctx.report(self, node, f"call {ctx.qualname(node.func)}")

    def check(self, node, ctx: FileContext) -> None:
        ctx.report(self, node, "lambda")


def recorded(source: str) -> list[tuple[int, str]]:
    result = Analyzer([Recorder]).analyze_source(textwrap.dedent(source), "t.py")
    return [(f.line, f.message) for f in result.findings]


def test_imports_and_aliases_resolve_to_qualified_names():
    assert recorded("""\
        import subprocess as sp
        from os import system as run
        from yaml import load
        import pkg.sub
        from .sibling import helper
        sp.run(cmd)
        run(cmd)
        load(data)
        pkg.sub.func()
        helper()
        eval(x)
        subprocess.run(cmd)
        """) == [(6, "call subprocess.run"), (7, "call os.system"), (8, "call yaml.load"),
                 (9, "call pkg.sub.func"), (10, "call .sibling.helper"), (11, "call eval"),
                 # A name that was never imported is taken as written.
                 (12, "call subprocess.run")]


def test_methods_match_any_receiver_and_node_types_dispatch():
    assert recorded("""\
        cursor.execute(q)
        db.conn().execute(q)
        f = lambda: 1
        """) == [(1, "call cursor.execute"), (2, "call None"), (3, "lambda")]


def test_unrelated_names_do_not_match():
    assert recorded("""\
        import mysubprocess
        mysubprocess.run(cmd)
        def system(x): ...
        system(cmd)
        """) == []


class GateRecorder(Rule):
    """Reports every node the engine hands it, to show what the gates let through."""
    id = "APX992"
    name = "gate-recorder"
    category = "test"
    node_types = (ast.Assign, ast.AnnAssign, ast.keyword, ast.Lambda, ast.Constant)
    settings = frozenset({"DEBUG", "debug"})
    keywords = frozenset({"verify"})
    constants = (bytes,)
    attributes = frozenset({"os.environ"})

    def check(self, node, ctx: FileContext) -> None:
        ctx.report(self, node, type(node).__name__)


def gated(source: str) -> list[tuple[int, str]]:
    result = Analyzer([GateRecorder]).analyze_source(textwrap.dedent(source), "t.py")
    return [(f.line, f.message) for f in result.findings]


def test_settings_gate_hands_only_assignments_of_those_keys():
    assert gated("""        DEBUG = True
        x = 1
        app.config["DEBUG"] = 1
        app.debug: bool = True
        a, DEBUG = 1, 2
        DEBUG = debug = 0
        f = lambda: 1
        """) == [(1, "Assign"), (3, "Assign"), (4, "AnnAssign"),
                 # tuple targets name no setting; one call for a statement with two keys
                 (6, "Assign"), (7, "Lambda")]


def test_keywords_gate_hands_only_keyword_arguments_of_those_names():
    assert gated("requests.get(url, timeout=3, verify=False)\nf(**kw)\n") == [(1, "keyword")]


def test_constants_gate_hands_only_literals_of_those_types():
    assert gated('x = b"key"\ny = 1\nz = "s"\nw = None\n') == [(1, "Constant")]


def test_attributes_dispatch_names_and_attributes_through_imports():
    assert gated("""\
        import os
        os.environ["HOME"]
        os.environ.get("A")
        environ.get("B")
        x.environ
        from os import environ as env
        env.get("C")
        import os.path as environ
        environ
        """) == [(2, "Attribute"), (3, "Attribute"), (7, "Name")]
    # Without an import of it, a bare name is never the attribute (names are taken as written).
    assert gated("environ\nos.environ\n") == [(2, "Attribute")]


def test_a_crashing_rule_does_not_cost_the_other_findings():
    class Broken(Rule):
        """Always crashes (test helper)."""
        id = "APX991"
        name = "broken"
        category = "test"
        calls = frozenset({"eval"})

        def check_call(self, node, ctx):
            raise ValueError("boom")

    result = Analyzer([Broken, RULES["APX101"]]).analyze_source("eval(x)\n", "t.py")
    messages = sorted((f.rule, f.message) for f in result.findings)
    assert [rule for rule, _ in messages] == ["APX002", "APX101"]
    assert messages[0][1].startswith("rule APX991 crashed: ValueError: boom (at test_engine.py:")


def test_severity_overrides_apply():
    _, result = findings("eval(x)\n", "APX101", severity_overrides={"APX101": Severity.LOW})
    assert result.findings[0].severity == Severity.LOW


# -- suppressions ---------------------------------------------------------------

@pytest.mark.parametrize("comment", [
    "# apex: ignore[APX101]",
    "# apex: ignore[APX150, APX101]",
    "# apex: ignore",
    "# APEX:IGNORE[apx101]",
    "# nosec",
    "# nosec B307",
    "# nosec: B602, B307",
    "# reviewed, safe  # apex: ignore[APX101]",
])
def test_suppression_forms(comment):
    found, result = findings(f"eval(x)  {comment}\n", "APX101")
    assert found == [] and result.suppressed == 1


@pytest.mark.parametrize("comment", [
    "# apex: ignore[APX150]",
    "# nosec B602",
    "# apex ignore",
    "# nosecurity",
])
def test_suppressions_for_other_rules_do_not_apply(comment):
    found, _ = findings(f"eval(x)  {comment}\n", "APX101")
    assert found == [("APX101", 1)]


@pytest.mark.parametrize("line", [1, 2, 3, 4])
def test_suppression_on_any_line_of_a_multiline_statement(line):
    lines = ["subprocess.run(", "    cmd,", "    shell=True,", ")"]
    lines[line - 1] += "  # nosec B602"
    source = "import subprocess\n" + "\n".join(lines) + "\n"
    found, _ = findings(source.replace("cmd,", "f'ls {path}',"), "APX155")
    assert found == []


def test_multiline_statement_without_comment_is_reported():
    found, _ = findings("import subprocess\nsubprocess.run(\n    f'ls {p}',\n    shell=True,\n)\n",
                        "APX155")
    assert found == [("APX155", 2)]


def test_comment_in_a_compound_body_does_not_suppress_its_header():
    source = """\
        if eval(x):
            y = 1  # apex: ignore[APX101]
        while eval(x):
            pass  # nosec
        def f(a=eval(x)):
            return a  # apex: ignore
        """
    found, _ = findings(source, "APX101")
    assert found == [("APX101", 1), ("APX101", 3), ("APX101", 5)]


def test_comment_on_a_compound_header_covers_the_header_only():
    source = """\
        if eval(x):  # apex: ignore[APX101]
            eval(y)
        """
    found, _ = findings(source, "APX101")
    assert found == [("APX101", 2)]


def test_decorator_lines_belong_to_the_header():
    source = """\
        @app.route(eval(x))  # apex: ignore[APX101]
        def view():
            pass
        """
    found, _ = findings(source, "APX101")
    assert found == []


def test_suppression_text_inside_strings_does_not_count():
    source = '''\
        eval(x + "# nosec")
        eval("  # apex: ignore" + x)
        eval(x, """
        # apex: ignore
        """)
        '''
    found, _ = findings(source, "APX101")
    assert found == [("APX101", 1), ("APX101", 2), ("APX101", 3)]


def test_syntax_errors_cannot_be_suppressed_and_suppressions_still_work_after_them():
    source = "def broken(:  # apex: ignore\n    pass\neval(x)  # apex: ignore[APX101]\neval(y)\n"
    found, _ = findings(source, "APX101")
    assert found == [("APX000", 1), ("APX101", 4)]


# -- unused suppressions ----------------------------------------------------------

def test_unused_suppressions_are_reported_with_their_ids():
    source = """\
        a = 1  # apex: ignore
        b = eval(x)  # apex: ignore[APX101]
        c = eval(x)  # apex: ignore[APX101,APX999]
        d = 2  # nosec B307
        e = 3  # apex: ignore[APX150]
        """
    _, result = findings(source, "APX101", unused=True)
    unused = [(f.line, f.column, f.message) for f in result.findings if f.rule == "APX001"]
    assert unused == [
        (1, 8, "unused suppression: nothing is reported on this statement"),
        (3, 14, "unused suppression (APX999)"),
        (4, 8, "unused suppression (B307)"),
    ]
    # APX150 is a real rule that this run did not select: not called stale.
    assert not [f for f in result.findings if f.rule != "APX001"]


def test_unused_suppressions_are_off_unless_asked():
    found, _ = findings("a = 1  # apex: ignore\n", "APX101")
    assert found == []


def test_except_clause_header_has_its_own_suppression_line():
    source = """\
        try:
            pass
        except eval(a):  # apex: ignore[APX101]
            pass
        except eval(b):
            x = 1  # apex: ignore[APX101]
        """
    found, _ = findings(source, "APX101")
    assert found == [("APX101", 5)]


def test_the_collector_pause_restores_the_callers_setting():
    import gc

    analyzer = Analyzer([RULES["APX101"]])
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            assert analyzer.analyze_source("eval(x)\n", "t.py").findings
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


# -- match statements: a `case` clause is a statement for suppressions -------------

def test_comment_on_a_case_line_covers_its_pattern_and_guard():
    source = """\
        import os
        match command:
            case os.environ:  # apex: ignore[APX908]
                pass
            case "postgres://admin:hunter2secret@db.example.com/prod":  # nosec
                pass
            case {"k": 1} if eval(x):  # apex: ignore[APX101]
                pass
            case _ if eval(y):
                pass
        """
    found, result = findings(source, "APX101", "APX509", "APX908")
    assert found == [("APX101", 9)]
    assert result.suppressed == 3


@pytest.mark.parametrize("line", [2, 3, 4, 5])
def test_suppression_on_any_line_of_a_multiline_case_header(line):
    lines = ["match command:",
             "    case Point(x=0,",
             "               y=0) if (",
             "            eval(text)",
             "    ):",
             "        pass"]
    lines[line - 1] += "  # apex: ignore[APX101]"
    found, _ = findings("\n".join(lines) + "\n", "APX101")
    assert found == []


def test_case_comments_stay_within_their_case():
    source = """\
        match eval(subject):  # apex: ignore[APX101]
            case 1 if eval(a):
                eval(b)  # apex: ignore[APX101]
            case 2 if eval(c):  # apex: ignore[APX101]
                eval(d)
            case 3:
                pass  # apex: ignore[APX101]
            case _ if eval(e):
                pass
        """
    found, _ = findings(source, "APX101")
    # The match header covers its subject only; a case's comment covers its own
    # header only, not its body, not the match header, not the next case.
    assert found == [("APX101", 2), ("APX101", 5), ("APX101", 8)]


def test_unused_suppression_on_a_case_line_is_reported():
    source = """\
        match command:
            case 1 if eval(a):  # apex: ignore[APX101]
                pass
            case 2:  # apex: ignore[APX101]
                pass
        """
    _, result = findings(source, "APX101", unused=True)
    assert [(f.rule, f.line) for f in result.findings] == [("APX001", 4)]
