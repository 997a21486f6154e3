"""The rule contract.

A rule is one module under ``rules/`` holding one :class:`Rule` subclass. The
module docstring is the rule's documentation page (``docs/rules/APXnnn.md`` is
generated from it) and must have the sections *What it does*, *Why is this bad*,
*Example* and *Use instead*.

Rules never walk the tree. They declare what they want to see and the engine
calls them during its single pass:

* ``calls``: qualified names of callees (``"subprocess.Popen"``), resolved
  through the file's imports and aliases; builtins are plain names (``"eval"``).
* ``methods``: attribute names called on any receiver (``"execute"`` matches
  ``cursor.execute(...)``), for APIs whose receiver cannot be resolved.
* ``node_types``: any other AST node types; ``check`` is called for each.
* ``attributes``: qualified names read as values (``"os.environ"``): ``check`` is
  called for each ``Attribute`` or ``Name`` node that resolves to one, through
  imports and aliases, without the rule seeing every other name.

Gates narrow ``node_types`` so that a rule is not called for the many nodes it
would ignore (the engine looks the key up once per node for all rules):

* ``settings``: for ``Assign``/``AnnAssign``/``AugAssign`` in ``node_types``,
  ``check`` is called only when the statement assigns one of these keys, as
  :func:`context.assigned_settings` names them (``DEBUG = ...``,
  ``app.debug = ...``, ``config["DEBUG"] = ...``).
* ``keywords``: for ``ast.keyword`` in ``node_types``, ``check`` is called only
  for keyword arguments with one of these names.
* ``constants``: for ``ast.Constant`` in ``node_types``, ``check`` is called only
  for values of these exact types (``str``, ``bytes``): not for the numbers and
  ``None`` that are half of all literals.

Declare a gate only when ``check`` reports nothing for the nodes it leaves out.
"""
from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING, ClassVar

from .model import Confidence, Severity

if TYPE_CHECKING:
    from .context import FileContext


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    cwe: ClassVar[int | None] = None
    severity: ClassVar[Severity] = Severity.MEDIUM
    confidence: ClassVar[Confidence] = Confidence.MEDIUM
    #: The policy capability the flagged code uses, if any (see apex_policy).
    capability: ClassVar[str | None] = None
    #: Rules that are mostly noise are opt-in (``select = ["APX..."]``).
    enabled_by_default: ClassVar[bool] = True
    #: Bandit test ids this rule corresponds to, so ``# nosec B602`` works.
    bandit: ClassVar[tuple[str, ...]] = ()
    #: Message used when ``report`` is not given one.
    message: ClassVar[str] = ""

    calls: ClassVar[frozenset[str]] = frozenset()
    methods: ClassVar[frozenset[str]] = frozenset()
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    attributes: ClassVar[frozenset[str]] = frozenset()
    settings: ClassVar[frozenset[str]] = frozenset()
    keywords: ClassVar[frozenset[str]] = frozenset()
    constants: ClassVar[tuple[type, ...]] = ()

    def check_call(self, node: ast.Call, ctx: "FileContext") -> None:
        """Called for calls matching ``calls`` or ``methods``."""

    def check(self, node: ast.AST, ctx: "FileContext") -> None:
        """Called for nodes of ``node_types`` (past their gates) and ``attributes``."""

    # -- documentation -------------------------------------------------
    @classmethod
    def doc(cls) -> str:
        module = sys.modules[cls.__module__]
        return (module.__doc__ or "").strip()

    @classmethod
    def summary(cls) -> str:
        return cls.doc().splitlines()[0].strip() if cls.doc() else cls.name

    @classmethod
    def docs_url(cls) -> str:
        return f"https://github.com/apex-ide/apex/blob/main/docs/rules/{cls.id}.md"
