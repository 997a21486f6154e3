"""Which lines belong to a statement, for suppressions."""
from __future__ import annotations

import ast

_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try,
             ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Match,
             ast.ExceptHandler)  # the engine treats `except X:` clauses as statements
if hasattr(ast, "TryStar"):
    _COMPOUND += (ast.TryStar,)


def statement_lines(node: ast.stmt | ast.ExceptHandler | ast.match_case) -> tuple[int, int]:
    """The lines a suppression comment may sit on for findings in ``node``.

    For a compound statement only its header counts, so a comment in the body
    does not silence the ``if`` test above it. A ``case`` clause (which the engine
    treats as a statement) is its pattern and guard, up to its body."""
    if isinstance(node, ast.match_case):
        start = node.pattern.lineno
        end = (node.guard or node.pattern).end_lineno or start
        return start, max(end, node.body[0].lineno - 1)
    start = node.lineno
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        start = min(start, *(d.lineno for d in decorators))
    if isinstance(node, _COMPOUND):
        body = getattr(node, "body", None) or getattr(node, "cases", None)
        if body:
            first = body[0].pattern.lineno if isinstance(body[0], ast.match_case) \
                else body[0].lineno
            return start, max(node.lineno, first - 1)
        return start, node.lineno
    return start, node.end_lineno or node.lineno
