"""Find, parse, validate and merge the policy into one frozen :class:`Settings` tree.

Sources, later ones winning key by key::

    built-in defaults < the mode's defaults < [tool.apex] in the nearest
    pyproject.toml (or apex.toml) < its [tool.apex.modes.<mode>] table
    < editor settings < command-line flags

Permissions are the exception: every source's grants are kept (an editor can
add a grant to the file's). A bad value never stops loading: it becomes a
:class:`SettingsError` naming the file, line, column and key, and the key keeps
the value it had before. Parsed files are cached by (path, mtime, size).
"""
from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from .analysis_settings import AnalysisSettings, TaintSettings
from .capabilities import CAPABILITIES, DEBUG_OPERATIONS, DEFAULT_MODE, MODES
from .keys import KEYS, OVERRIDE_FIELDS, PERMISSION_FIELDS, TABLES, VALIDATORS, IndexedError, Key, fold
from .model import (AuditSettings, CapabilityOverride, CapabilityRule, DebugOptions, Limits,
                    Permission, Policy, Settings)
from .modes import CAPABILITY_DEFAULTS, DEBUG_DEFAULTS, LIMIT_DEFAULTS
from .tomlpos import TomlPositions
from .units import parse_expiry

CONFIG_FILES = ("apex.toml", "pyproject.toml")
EDITOR = "editor settings"
CLI = "command line"
#: What _Merger._validated returns for a value it rejected (and reported).
_INVALID = object()


@dataclass(frozen=True)
class SettingsError:
    path: str
    line: Optional[int]
    column: Optional[int]
    key: str
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


@dataclass(frozen=True)
class Origin:
    """Where a key's value came from."""

    #: "default", "mode default", "file", "editor" or "cli".
    kind: str
    #: The mode for mode defaults; ``file:line`` for files.
    where: str = ""

    def __str__(self) -> str:
        return f"{self.kind} ({self.where})" if self.where else self.kind


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    errors: List[SettingsError]
    #: The project root: the policy file's directory, else the start directory.
    root: str
    #: "pyproject.toml [tool.apex]", "apex.toml" or "built-in defaults".
    source: str
    #: key ("capabilities.network.action") -> where its value came from.
    origins: Mapping[str, Origin]
    #: The policy file, when one was found.
    path: Optional[str] = None


@dataclass(frozen=True)
class ParsedFile:
    """One policy file: its ``[tool.apex]`` table (None when it has none)."""

    path: str
    table: Optional[Dict[str, Any]]
    base: Tuple[str, ...]
    positions: Optional[TomlPositions]
    errors: Tuple[SettingsError, ...]
    mtime: float


# -- discovery ------------------------------------------------------------

def find_policy_file(start_path: str) -> Optional[str]:
    """The nearest ``apex.toml``, or ``pyproject.toml`` with ``[tool.apex]``, walking up."""
    directory = os.path.abspath(start_path)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                if name == "apex.toml" or read_policy_file(candidate).table is not None:
                    return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def read_policy_file(path: str) -> ParsedFile:
    """Parse a policy file, cached by (path, mtime, size)."""
    try:
        stat = os.stat(path)
    except OSError as exc:
        return ParsedFile(path, None, (), None, (SettingsError(
            path, None, None, "", f"cannot read policy file: {exc.strerror or exc}"),), 0.0)
    return _parse_file(os.path.abspath(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parse_file(path: str, mtime_ns: int, size: int) -> ParsedFile:
    mtime = mtime_ns / 1e9
    is_pyproject = os.path.basename(path) != "apex.toml"
    base = ("tool", "apex") if is_pyproject else ()
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ParsedFile(path, None, base, None, (SettingsError(
            path, None, None, "", f"cannot read policy file: {exc}"),), mtime)
    try:
        toml = _toml_module()
    except ImportError:
        return ParsedFile(path, {} if "[tool.apex" in text or not is_pyproject else None, base,
                          None, (SettingsError(path, None, None, "", "reading TOML needs "
                                               "Python 3.11 or the tomli package"),), mtime)
    try:
        document = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        has_table = not is_pyproject or re.search(r"^\s*\[+\s*tool\.apex", text, re.M)
        return ParsedFile(path, {} if has_table else None, base, None, (SettingsError(
            path, line, column, "", f"invalid TOML: {message}"),), mtime)
    table: Any = document
    for part in base:
        table = table.get(part) if isinstance(table, dict) else None
    if table is not None and not isinstance(table, dict):
        positions = TomlPositions(text)
        line, column = positions.find(base) or (None, None)
        return ParsedFile(path, {}, base, positions, (SettingsError(
            path, line, column, "tool.apex", "expected a table"),), mtime)
    return ParsedFile(path, table, base, TomlPositions(text), (), mtime)


def _toml_module() -> Any:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[import-not-found, no-redef]
    return tomllib


# -- loading --------------------------------------------------------------

def load_settings(start_path: str = ".", *, mode: Optional[str] = None,
                  editor: Optional[Mapping[str, Any]] = None,
                  cli: Optional[Mapping[str, Any]] = None,
                  now: Optional[datetime] = None) -> LoadedSettings:
    """The effective settings for ``start_path`` (a file or a directory)."""
    policy_path = find_policy_file(start_path)
    parsed = read_policy_file(policy_path) if policy_path else None
    return _load(parsed, start_path, mode=mode, editor=editor, cli=cli, now=now)


def load_policy_file(path: str, *, mode: Optional[str] = None,
                     editor: Optional[Mapping[str, Any]] = None,
                     cli: Optional[Mapping[str, Any]] = None) -> LoadedSettings:
    """Like :func:`load_settings` for one named file (``apex policy check FILE``)."""
    parsed = read_policy_file(path)
    if parsed.table is None and not parsed.errors:
        parsed = ParsedFile(parsed.path, {}, parsed.base, parsed.positions, (SettingsError(
            parsed.path, None, None, "tool.apex", "no [tool.apex] table in this file"),),
            parsed.mtime)
    return _load(parsed, os.path.dirname(os.path.abspath(path)), mode=mode, editor=editor,
                 cli=cli)


@dataclass
class _Layer:
    table: Mapping[str, Any]
    origin: Origin
    #: Shown in errors: the file path, "editor settings" or "command line".
    label: str
    parsed: Optional[ParsedFile] = None
    granted_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def position(self, parts: Tuple[Any, ...]) -> Tuple[Optional[int], Optional[int]]:
        if self.parsed is None or self.parsed.positions is None:
            return None, None
        found = self.parsed.positions.find(self.parsed.base + parts)
        return found if found else (None, None)


class _Merger:
    def __init__(self) -> None:
        self.values: Dict[str, Any] = {}
        self.origins: Dict[str, Origin] = {}
        self.errors: List[SettingsError] = []
        self.permissions: List[Permission] = []
        #: (paths, {capability: {"action"/"allow": value}}, source), filled in by _build.
        self.overrides: List[Tuple[Tuple[str, ...], Dict[str, Dict[str, Any]], str]] = []

    def set(self, key: str, value: Any, origin: Origin) -> None:
        self.values[key] = value
        self.origins[key] = origin

    def error(self, layer: _Layer, parts: Tuple[Any, ...], message: str) -> None:
        line, column = layer.position(parts)
        key = _dotted(parts)
        self.errors.append(SettingsError(layer.label, line, column, key, message))

    # -- walking one source ---------------------------------------------------
    def apply(self, layer: _Layer, table: Mapping[str, Any], prefix: Tuple[Any, ...] = (),
              mode: Optional[str] = None, skip: int = 0) -> None:
        """Validate and set every key of ``table``. ``prefix`` locates it in the file;
        its first ``skip`` parts (``modes.<mode>``) are not part of key names."""
        for raw_key, value in table.items():
            if value is None:
                continue  # editors send null for "not set"; TOML has no null
            parts = prefix + (raw_key,)
            rel = parts[skip:]
            name = ".".join(_norm(p) for p in rel)
            if name == "modes" and not skip:
                self._modes(layer, parts, value, mode)
            elif name == "permissions":
                self._permissions(layer, parts, value)
            elif name == "overrides":
                self._overrides(layer, parts, value)
            elif len(rel) == 2 and _norm(rel[0]) == "capabilities":
                self._capability(layer, parts, value, skip)
            elif name in _TABLES:
                if isinstance(value, Mapping):
                    self.apply(layer, value, parts, mode, skip)
                else:
                    self.error(layer, parts, f"expected a table, got {_show(value)}")
            else:
                key = KEYS.get(name)
                if key is None or (skip and name == "mode"):
                    self.error(layer, parts, _unknown(name) if key is None else
                               "a per-mode table cannot set mode")
                else:
                    self._leaf(layer, parts, key, value)

    def _leaf(self, layer: _Layer, parts: Tuple[Any, ...], key: Key, value: Any) -> None:
        if key.scope == "file" and layer.parsed is None:
            self.error(layer, parts, f"{key.name} can be set only in the policy file")
            return
        normalized = self._validated(layer, parts, VALIDATORS[key.kind], value)
        if normalized is not _INVALID:
            self.set(key.name, normalized, _origin_at(layer, parts))

    def _validated(self, layer: _Layer, spot: Tuple[Any, ...], validate: Callable[[Any], Any],
                   value: Any) -> Any:
        """``validate(value)``; or, when it raises ValueError, _INVALID after reporting the
        error at ``spot`` (or at the offending element of a list or table value)."""
        try:
            return validate(value)
        except IndexedError as exc:
            self.error(layer, spot + (exc.index,), str(exc))
        except ValueError as exc:
            self.error(layer, spot, str(exc))
        return _INVALID

    def _capability(self, layer: _Layer, parts: Tuple[Any, ...], value: Any,
                    skip: int) -> None:
        cap = _norm(parts[-1])
        if cap not in CAPABILITIES:
            self.error(layer, parts, f"unknown capability {parts[-1]!r}; expected one of "
                                     f"{', '.join(CAPABILITIES)}")
        elif isinstance(value, str):
            self._leaf(layer, parts, KEYS[f"capabilities.{cap}.action"], value)
        elif isinstance(value, Mapping):
            self.apply(layer, value, parts, None, skip)
        else:
            self.error(layer, parts, "expected one of allow/audit/deny or a table "
                                     f"{{ action = ..., allow = [...] }}, got {_show(value)}")

    def _modes(self, layer: _Layer, parts: Tuple[Any, ...], value: Any,
               mode: Optional[str]) -> None:
        if not isinstance(value, Mapping):
            self.error(layer, parts, f"expected a table of per-mode tables, got {_show(value)}")
            return
        for name, sub in value.items():
            if name not in MODES:
                self.error(layer, parts + (name,), f"unknown mode {name!r}; expected one of "
                                                   f"{'/'.join(MODES)}")
            elif not isinstance(sub, Mapping):
                self.error(layer, parts + (name,), f"expected a table, got {_show(sub)}")
            elif name == mode:
                # Errors are reported for every mode's table; values apply for the active one.
                self.apply(layer, sub, parts + (name,), mode, skip=len(parts) + 1)
            else:
                scratch = _Merger()
                scratch.apply(layer, sub, parts + (name,), name, skip=len(parts) + 1)
                self.errors.extend(scratch.errors)

    def _array_of_tables(self, layer: _Layer, parts: Tuple[Any, ...], value: Any,
                         name: str) -> Optional[List[Tuple[Tuple[Any, ...], Mapping[str, Any]]]]:
        """The ``(where, table)`` entries of ``[[tool.apex.<name>]]`` (a lone table counts
        as one; entries that are not tables are reported and skipped), or None, reported,
        when ``value`` is not an array of tables at all."""
        if isinstance(value, Mapping):
            value = [value]
        if not isinstance(value, list):
            self.error(layer, parts, f"expected an array of tables ([[tool.apex.{name}]])")
            return None
        tables = []
        for index, entry in enumerate(value):
            where = parts + (index,)
            if isinstance(entry, Mapping):
                tables.append((where, entry))
            else:
                self.error(layer, where, f"expected a table, got {_show(entry)}")
        return tables

    def _permissions(self, layer: _Layer, parts: Tuple[Any, ...], value: Any) -> None:
        tables = self._array_of_tables(layer, parts, value, "permissions")
        if tables is None:
            return
        for where, entry in tables:
            permission = self._permission(layer, where, entry)
            if permission is not None:
                self.permissions.append(permission)
        self.origins["permissions"] = _origin_at(layer, parts)

    def _overrides(self, layer: _Layer, parts: Tuple[Any, ...], value: Any) -> None:
        tables = self._array_of_tables(layer, parts, value, "overrides")
        if tables is None:
            return
        for where, entry in tables:
            self._override(layer, where, entry)
        self.origins["overrides"] = _origin_at(layer, parts)

    def _override(self, layer: _Layer, where: Tuple[Any, ...], entry: Mapping[str, Any]) -> None:
        paths: Tuple[str, ...] = ()
        rules: Dict[str, Dict[str, Any]] = {}
        ok = True
        for raw_key, raw in entry.items():
            name = _norm(raw_key)
            if name not in OVERRIDE_FIELDS:
                self.error(layer, where + (raw_key,), _unknown(name, OVERRIDE_FIELDS))
                ok = False
            elif name == "paths":
                checked = self._validated(layer, where + (raw_key,), VALIDATORS["strings"], raw)
                if checked is _INVALID:
                    ok = False
                else:
                    paths = checked
            elif not isinstance(raw, Mapping):
                self.error(layer, where + (raw_key,), "expected a table of capability = "
                                                      f"allow/audit/deny, got {_show(raw)}")
                ok = False
            else:
                ok = self._override_rules(layer, where + (raw_key,), raw, rules) and ok
        if ok and not paths:
            self.error(layer, where, 'an override needs paths = ["src/net/**", ...]')
            ok = False
        if ok and not rules:
            self.error(layer, where, "an override needs capabilities = { network = "
                                     '"allow", ... }')
            ok = False
        if not ok:
            return
        line, _ = layer.position(where)
        source = _short(layer) + (f":{line}" if line else f" overrides[{where[-1]}]")
        index = len(self.overrides)
        self.overrides.append((paths, rules, source))
        origin = _origin_at(layer, where)
        for cap, fields in rules.items():
            for part in fields:
                self.origins[f"overrides[{index}].capabilities.{cap}.{part}"] = origin

    def _override_rules(self, layer: _Layer, parts: Tuple[Any, ...], table: Mapping[str, Any],
                        rules: Dict[str, Dict[str, Any]]) -> bool:
        ok = True
        for raw_cap, raw in table.items():
            cap = _norm(raw_cap)
            at = parts + (raw_cap,)
            if cap not in CAPABILITIES:
                self.error(layer, at, f"unknown capability {raw_cap!r}; expected one of "
                                      f"{', '.join(CAPABILITIES)}")
                ok = False
                continue
            fields = {"action": raw} if isinstance(raw, str) else raw
            if not isinstance(fields, Mapping):
                self.error(layer, at, "expected one of allow/audit/deny or a table "
                                      f"{{ action = ..., allow = [...] }}, got {_show(raw)}")
                ok = False
                continue
            rule: Dict[str, Any] = {}
            for raw_part, value in fields.items():
                part = _norm(raw_part)
                spot = at if isinstance(raw, str) else at + (raw_part,)
                if part not in ("action", "allow"):
                    self.error(layer, spot, _unknown(part, {"action": 0, "allow": 0}))
                    ok = False
                    continue
                key = KEYS[f"capabilities.{cap}.{part}"]
                checked = self._validated(layer, spot, VALIDATORS[key.kind], value)
                if checked is _INVALID:
                    ok = False
                else:
                    rule[part] = checked
            rules[cap] = rule
        return ok

    def _permission(self, layer: _Layer, where: Tuple[Any, ...],
                    entry: Mapping[str, Any]) -> Optional[Permission]:
        values: Dict[str, Any] = {}
        ok = True
        for raw_key, raw in entry.items():
            name = _norm(raw_key)
            f = PERMISSION_FIELDS.get(name)
            if f is None:
                self.error(layer, where + (raw_key,), _unknown(name, PERMISSION_FIELDS))
                ok = False
                continue
            if f.metadata["kind"] == "expiry":
                validate = functools.partial(parse_expiry, granted_at=layer.granted_at)
            else:
                validate = VALIDATORS[f.metadata["kind"]]
            checked = self._validated(layer, where + (raw_key,), validate, raw)
            if checked is _INVALID:
                ok = False
            else:
                values[f.name] = checked
        if ok and not values.get("operations"):
            self.error(layer, where, "a permission needs operations = [...] "
                                     f"(one or more of {', '.join(DEBUG_OPERATIONS)})")
            ok = False
        if not ok:
            return None
        line, _ = layer.position(where)
        source = _short(layer) + (f":{line}" if line else f" permissions[{where[-1]}]")
        return Permission(source=source, **values)


def _load(parsed: Optional[ParsedFile], start_path: str, *, mode: Optional[str],
          editor: Optional[Mapping[str, Any]], cli: Optional[Mapping[str, Any]],
          now: Optional[datetime] = None) -> LoadedSettings:
    merger = _Merger()
    layers: List[_Layer] = []
    if parsed is not None:
        merger.errors.extend(parsed.errors)
        if parsed.table is not None:
            granted = datetime.fromtimestamp(parsed.mtime, timezone.utc) if parsed.mtime else \
                datetime.now(timezone.utc)
            layers.append(_Layer(parsed.table, Origin("file", ""), parsed.path, parsed, granted))
        root = os.path.dirname(parsed.path)
        source = _source_label(parsed.path)
    else:
        start = os.path.abspath(start_path)
        root = start if os.path.isdir(start) else os.path.dirname(start)
        source = "built-in defaults"
    granted_now = now or datetime.now(timezone.utc)
    for table, origin, label in ((editor, Origin("editor"), EDITOR), (cli, Origin("cli"), CLI)):
        if table is None:
            continue
        if isinstance(table, Mapping):
            layers.append(_Layer(table, origin, label, None, granted_now))
        else:
            merger.errors.append(SettingsError(label, None, None, "",
                                               f"expected a table of settings, got {_show(table)}"))
    if mode is not None:
        layers.append(_Layer({"mode": mode}, Origin("cli", "--mode"), CLI, None, granted_now))

    active = _resolve_mode(layers)
    _defaults(merger, active)
    for layer in layers:
        base = {k: v for k, v in layer.table.items() if _norm(k) != "modes"}
        merger.apply(layer, base, mode=active)
        modes_table = {k: v for k, v in layer.table.items() if _norm(k) == "modes"}
        merger.apply(layer, modes_table, mode=active)
    merger.values["mode"] = active
    merger.errors.sort(key=lambda e: (e.path, e.line or 0, e.column or 0))
    settings = _build(merger, active, root, source)
    return LoadedSettings(settings, merger.errors, root, source, dict(merger.origins),
                          parsed.path if parsed else None)


def _resolve_mode(layers: List[_Layer]) -> str:
    active = DEFAULT_MODE
    for layer in layers:
        for raw_key, value in layer.table.items():
            if _norm(raw_key) == "mode" and isinstance(value, str) and \
                    value.strip().lower() in MODES:
                active = value.strip().lower()
    return active


def _defaults(merger: _Merger, mode: str) -> None:
    import dataclasses
    default = Origin("default")
    by_mode = Origin("mode default", mode)
    merger.set("mode", DEFAULT_MODE, default)
    for key in KEYS.values():
        if key.attribute is not None:
            cls, attr = key.attribute
            f = {f.name: f for f in dataclasses.fields(cls)}[attr]
            value = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            merger.set(key.name, value, default)
    for cap, (action, allow) in CAPABILITY_DEFAULTS[mode].items():
        merger.set(f"capabilities.{cap}.action", action, by_mode)
        merger.set(f"capabilities.{cap}.allow", allow, by_mode)
    for op, gate in DEBUG_DEFAULTS[mode].items():
        merger.set(f"debug.{op}", gate, by_mode)
    for name, value in LIMIT_DEFAULTS[mode].items():
        merger.set(f"limits.{fold(name)}", value, by_mode)
    merger.origins["permissions"] = default
    merger.origins["overrides"] = default


def _build(merger: _Merger, mode: str, root: str, source: str) -> Settings:
    values = merger.values

    def fill(cls: type, prefix: str) -> Dict[str, Any]:
        return {k.attribute[1]: values[k.name] for k in KEYS.values()
                if k.attribute is not None and k.attribute[0] is cls and
                k.name.startswith(prefix)}

    taint = TaintSettings(**fill(TaintSettings, "taint."))
    analysis = AnalysisSettings(taint=taint, **fill(AnalysisSettings, ""))
    capabilities = {cap: CapabilityRule(values[f"capabilities.{cap}.action"],
                                        tuple(values[f"capabilities.{cap}.allow"]))
                    for cap in CAPABILITIES}
    debug = {op: values[f"debug.{op}"] for op in DEBUG_OPERATIONS}
    # An override's rule keeps the project's value for any part it does not give.
    overrides = tuple(CapabilityOverride(paths, {
        cap: CapabilityRule(fields.get("action", capabilities[cap].action),
                            tuple(fields.get("allow", capabilities[cap].allow)))
        for cap, fields in rules.items()}, source) for paths, rules, source in merger.overrides)
    policy = Policy(mode=mode, capabilities=capabilities, debug=debug,
                    debug_options=DebugOptions(**fill(DebugOptions, "debug.")),
                    permissions=tuple(merger.permissions), overrides=overrides, limits=Limits(**fill(Limits, "limits.")),
                    audit=AuditSettings(**fill(AuditSettings, "audit.")), root=root, source=source)
    return Settings(mode=mode, analysis=analysis, policy=policy)


# -- helpers --------------------------------------------------------------

_TABLES = {fold(t) for t in TABLES}
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _norm(part: Any) -> str:
    """A key as the registry spells it: ``extend_select``/``extendSelect`` -> ``extend-select``;
    capability and operation names keep their ``_``."""
    text = _CAMEL.sub(r"-\1", str(part)).lower().replace("_", "-")
    return _VOCAB.get(text, text)


_VOCAB = {fold(n): n for n in CAPABILITIES + DEBUG_OPERATIONS}


def _dotted(parts: Tuple[Any, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


def _origin_at(layer: _Layer, parts: Tuple[Any, ...]) -> Origin:
    if layer.parsed is None:
        return layer.origin
    line, _ = layer.position(parts)
    where = _short(layer) + (f":{line}" if line else "")
    return Origin(layer.origin.kind, where)


def _short(layer: _Layer) -> str:
    return os.path.basename(layer.label) if layer.parsed is not None else layer.label


def _source_label(path: str) -> str:
    name = os.path.basename(path)
    return name if name == "apex.toml" else f"{name} [tool.apex]"


def _unknown(name: str, known: Optional[Mapping[str, Any]] = None) -> str:
    names = list(known) if known is not None else list(KEYS) + sorted(_TABLES) + ["modes"]
    leaf = name.rsplit(".", 1)[-1]
    candidates = difflib.get_close_matches(name, names, n=1) or \
        difflib.get_close_matches(leaf, [n.rsplit(".", 1)[-1] for n in names], n=1)
    hint = f"; did you mean {candidates[0]!r}?" if candidates else ""
    return f"unknown key {leaf!r}{hint}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
