"""Shared machinery of the capability rules APX901-APX909 (not a rule itself).

Each capability rule reports every use of one policy capability, found through
the table in ``apex_policy.detection``. The findings are facts ("this calls
requests.get, which uses network"); the policy turns
them into errors, notes or nothing (``apex_lsp.analysis.policy_filter``).
Consumers that run these rules must pass the findings through ``apply_policy``.
Their CWEs are the broad classes (668, 913, ...) rather than the injection
weaknesses, so the taint engine's reconciliation of pattern findings leaves
these facts alone.
"""
from __future__ import annotations

import ast
import re
from typing import ClassVar, Dict, FrozenSet

from apex_policy.capabilities import CAPABILITY_LABELS
from apex_policy.detection import ATTRIBUTES, CALLS, METHODS

from ..context import FileContext, argument, keyword, literal
from ..model import Confidence, Severity
from ..rule import Rule

_MODE = re.compile(r"[rwxabtU+]+")
_SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
_OS_WRITE_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC", "O_TMPFILE"}


class CapabilityUse(Rule):
    """Base class: set ``id``, ``name``, ``cwe`` and ``capability``; the table does the rest."""

    category = "capability"
    #: The verdict's severity is the policy's: high when denied, info when audited
    #: (allowed uses are dropped). High here keeps a denial above any minimum
    #: severity until the policy has judged it.
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    #: On: every consumer (``apex check``, the language server) passes findings
    #: through the policy, which drops allowed uses (everything in development mode).
    enabled_by_default = True
    _call_table: ClassVar[Dict[str, str]] = {}
    _method_table: ClassVar[Dict[str, str]] = {}
    _attributes: ClassVar[FrozenSet[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cap = cls.capability
        cls._call_table = dict(CALLS[cap])
        cls._method_table = dict(METHODS[cap])
        cls._attributes = frozenset(ATTRIBUTES.get(cap, ()))
        cls.calls = frozenset(cls._call_table)
        cls.methods = frozenset(cls._method_table)
        cls.attributes = cls._attributes

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.qualname(node.func)
        if name in self._call_table:
            condition, api, is_method = self._call_table[name], name, False
        elif isinstance(node.func, ast.Attribute) and node.func.attr in self._method_table:
            condition, is_method = self._method_table[node.func.attr], True
            api = _short(ctx.segment(node.func)) or node.func.attr
        else:
            return
        if condition_holds(condition, node, ctx, is_method):
            target = literal_target(self.capability, node, is_method)
            ctx.report(self, node, use_message(self.capability, api, target))

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        if node.__class__ is ast.Name and node.id not in ctx.aliases:
            return
        name = ctx.qualname(node)
        if name in self._attributes:
            ctx.report(self, node, use_message(self.capability, name))


def use_message(capability: str, api: str, target: "str | None" = None) -> str:
    """"network access (requests.get)" or, when the target is a literal,
    "network access (requests.get) on api.example.com:443"; the policy filter
    judges the target against the scopes and appends the verdict."""
    text = f"{CAPABILITY_LABELS.get(capability, capability)} ({api})"
    return f"{text} on {target}" if target else text


_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443, "ftp": 21}
_PATH_CAPABILITIES = ("filesystem_write", "filesystem_read")


def literal_target(capability: str, node: ast.Call, is_method: bool) -> "str | None":
    """What the call acts on, when the source spells it out: ``host:port`` for
    network, the executable for subprocess, the path for filesystem calls, the
    variable for environment. None when it is computed at run time."""
    try:
        if capability == "network":
            return _network_target(argument(node, 0))
        if capability == "subprocess":
            if _runs_a_shell(node):
                return None  # the shell runs, and it can start anything
            value = literal(argument(node, 0, "args"), None)
            if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
                return value[0]
            if isinstance(value, str) and value.strip() and " " not in value.strip():
                return value.strip()
            return None
        if capability in _PATH_CAPABILITIES:
            if is_method:
                receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
                if isinstance(receiver, ast.Call) and receiver.args:
                    value = literal(receiver.args[0], None)
                    return value if isinstance(value, str) and value else None
                return None
            value = literal(argument(node, 0), None)
            return value if isinstance(value, str) and value else None
        if capability == "environment":
            value = literal(argument(node, 0, "key"), None)
            return value if isinstance(value, str) and value else None
    except (ValueError, TypeError):
        return None
    return None


_SHELL_CALLS = {"system", "popen", "getoutput", "getstatusoutput", "create_subprocess_shell",
                "subprocess_shell"}


def _runs_a_shell(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _SHELL_CALLS or literal(keyword(node, "shell"), None) is True


def _network_target(arg: "ast.expr | None") -> "str | None":
    value = literal(arg, None)
    if isinstance(value, tuple) and len(value) >= 2 and isinstance(value[0], str) \
            and isinstance(value[1], int):
        host = value[0]
        return f"[{host}]:{value[1]}" if ":" in host else f"{host}:{value[1]}"
    if not isinstance(value, str) or "://" not in value:
        return None
    from urllib.parse import urlsplit
    parts = urlsplit(value)
    if not parts.hostname:
        return None
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{port}" if port else host


def apis_doc(capability: str) -> str:
    """A "Detected APIs" section for a rule's docstring, from the detection table."""
    calls = sorted({name for name, _ in CALLS[capability]})
    methods = sorted({name for name, _ in METHODS[capability]})
    attributes = sorted(ATTRIBUTES.get(capability, ()))
    conditional = sorted({f"`{n}` ({c})" for n, c in CALLS[capability] + METHODS[capability]
                          if c != "always"})
    out = ["", "## Detected APIs",
           "Generated from `apex_policy.detection`. Calls: " + ", ".join(f"`{c}`" for c in calls)
           + "."]
    if methods:
        out.append("Methods on any receiver: " + ", ".join(f"`.{m}()`" for m in methods) + ".")
    if attributes:
        out.append("Any use of: " + ", ".join(f"`{a}`" for a in attributes) + ".")
    if conditional:
        out.append("Only under a condition: " + ", ".join(conditional) + ".")
    return "\n".join(out) + "\n"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else "…" + text[-39:]


def condition_holds(condition: str, node: ast.Call, ctx: FileContext, is_method: bool) -> bool:
    kind, _, arg = condition.partition(":")
    if kind == "always":
        return True
    if kind in ("write-mode", "read-mode"):
        writes = _open_writes(node, int(arg), strict=is_method)
        if writes is None:
            return False
        return writes if kind == "write-mode" else not writes
    if kind == "os-open-write":
        flags = argument(node, 1, "flags")
        names = {n.attr if isinstance(n, ast.Attribute) else n.id
                 for n in ast.walk(flags) if isinstance(n, (ast.Attribute, ast.Name))} \
            if flags is not None else set()
        return bool(names & _OS_WRITE_FLAGS) or not names
    if kind == "computed-name":
        name = argument(node, 0, "name")
        return name is not None and literal(name, None) is None
    if kind == "yaml-unsafe":
        loader = argument(node, 1, "Loader")
        if loader is None:
            return True
        text = ctx.qualname(loader) or ""
        return text.rsplit(".", 1)[-1] not in _SAFE_YAML_LOADERS
    if kind == "torch-unsafe":
        return literal(keyword(node, "weights_only"), None) is not True
    if kind == "allow-pickle":
        return literal(keyword(node, "allow_pickle"), None) is True
    return False


def _open_writes(node: ast.Call, position: int, *, strict: bool) -> "bool | None":
    """True when the open mode writes, False when it only reads, None when the
    call is not recognisably an open (methods need a literal mode or none)."""
    mode = argument(node, position, "mode")
    if mode is None:
        if strict and position == 0 and node.args:
            return None
        return False
    value = literal(mode, None)
    if not isinstance(value, str) or not _MODE.fullmatch(value):
        return None if strict else True  # an unknown mode may write
    return any(ch in value for ch in "wax+")
