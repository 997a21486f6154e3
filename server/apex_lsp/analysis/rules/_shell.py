"""Checks shared by the command-injection rules.

``report_shell_command``: the call always runs its command through a shell
(``os.system``, ``os.popen``, ``subprocess.getoutput``,
``asyncio.create_subprocess_shell``). A constant or fully shell-quoted command is
a low-severity finding (a shell still starts), a command built at run time is the
rule's own severity, with high confidence when it is visibly string-built.

``report_computed_program``: the call starts the program it is given, with no
shell (``os.exec*``, ``os.spawn*``): only a program chosen at run time, neither a
literal nor an allow-list lookup, is reported.
"""
from __future__ import annotations

import ast

from ..context import FileContext, is_constant, is_string_building, is_table_lookup
from ..model import Confidence, Severity
from ..rule import Rule
from .apx155_subprocess_shell_true import shell_quoted


def report_shell_command(rule: Rule, node: ast.Call, ctx: FileContext,
                         command: ast.expr | None, *, constant: str, built: str) -> None:
    """Report ``node`` with message ``constant`` (low severity) when ``command`` is
    literal or shell-quoted, else with message ``built``. No command, no finding."""
    if command is None:
        return
    if is_constant(command) or shell_quoted(command):
        ctx.report(rule, node, constant, severity=Severity.LOW)
        return
    ctx.report(rule, node, built,
               confidence=Confidence.HIGH if is_string_building(command) else Confidence.MEDIUM)


def report_computed_program(rule: Rule, node: ast.Call, ctx: FileContext,
                            program: ast.expr | None, message: str) -> None:
    """Report ``node`` when ``program`` is chosen at run time."""
    if program is None or is_constant(program) or is_table_lookup(program):
        return
    ctx.report(rule, node, message,
               confidence=Confidence.HIGH if is_string_building(program) else Confidence.MEDIUM)
