"""The policy as the harness sees it inside the target process.

Imports only small standard-library modules and runs on Python 3.9: the
harness loads it into interpreters we do not control. It is built from the
JSON-able dict :meth:`apex_policy.model.Policy.to_runtime` produces.

``decide(capability, target)`` answers ``allow`` / ``audit`` / ``deny``. A
target that matches one of the capability's ``allow`` scopes is allowed
whatever the action says; anything else gets the action.

Scope syntax by capability:

* ``network``: ``host``, ``host:port``, ``*.example.com``, ``*:443``,
  ``10.0.0.0/8`` (CIDR), ``[::1]:8080``. Targets are ``"host:port"``,
  ``(host, port)`` or ``"host"``.
* ``subprocess``: an executable name (``git``, matches any path whose last
  part is ``git``) or an absolute path or glob (``/usr/bin/*``). Targets are
  a path, a name or an argv list.
* ``filesystem_write`` / ``filesystem_read``: path globs relative to the
  project root or absolute; ``**`` spans directories, and a pattern without
  wildcards covers the path itself and everything under it.
* anything else: names or ``fnmatch`` globs (``APP_*`` for ``environment``).
"""
from __future__ import annotations

import functools
import os
import re
from fnmatch import fnmatchcase
from typing import Any, Dict, List, Optional, Tuple

_PATH_CAPABILITIES = ("filesystem_write", "filesystem_read")


class RuntimePolicy:
    """Fast answers for the runtime guard. Immutable after construction (apart from a
    cache of which override covers which source file)."""

    __slots__ = ("mode", "root", "source", "_actions", "_scopes", "limits", "audit",
                 "_overrides", "path_dependent", "_covering")

    def __init__(self, mode: str, root: str, source: str,
                 capabilities: Dict[str, Tuple[str, Tuple[str, ...]]],
                 limits: Dict[str, Any], audit: Dict[str, Any],
                 overrides: Tuple[Tuple[Any, ...], ...] = ()) -> None:
        self.mode = mode
        self.root = os.path.abspath(root)
        self.source = source
        self._actions = {name: action for name, (action, _) in capabilities.items()}
        self._scopes = {name: scopes for name, (_, scopes) in capabilities.items() if scopes}
        self.limits = dict(limits)
        self.audit = dict(audit)
        #: (path globs, {capability: (action, scopes)}, source), in file order; the last
        #: match wins. (A two-item entry has no source: the policy's own is named.)
        self._overrides = tuple(tuple(o) + ("",) * (3 - len(o)) for o in overrides)
        #: Capabilities some override names: only their decisions depend on the caller.
        self.path_dependent = frozenset(name for _, rules, _ in self._overrides
                                        for name in rules)
        #: (capability, source path) -> index of the override that applies, or -1.
        self._covering: Dict[Tuple[str, str], int] = {}

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "RuntimePolicy":
        caps = _rules(data.get("capabilities"))
        overrides = []
        for entry in data.get("overrides") or ():
            if isinstance(entry, dict) and entry.get("paths"):
                overrides.append((tuple(str(p) for p in entry["paths"]),
                                  _rules(entry.get("capabilities")),
                                  str(entry.get("source") or "")))
        return cls(str(data.get("mode", "development")), str(data.get("root", ".")),
                   str(data.get("source", "")), caps, data.get("limits") or {},
                   data.get("audit") or {}, tuple(overrides))

    def action(self, capability: str) -> str:
        """The capability's action ignoring scopes. Unknown capabilities are audited."""
        return self._actions.get(capability, "audit")

    def actions(self, capability: str) -> Tuple[str, ...]:
        """Every action the capability can get: the project's and each override's."""
        found = [self.action(capability)]
        for _, rules, _ in self._overrides:
            if capability in rules:
                found.append(rules[capability][0])
        return tuple(found)

    def _override_index(self, capability: str, path: str) -> int:
        cache_key = (capability, path)
        index = self._covering.get(cache_key)
        if index is None:
            index = -1
            for position in range(len(self._overrides) - 1, -1, -1):
                globs, rules, _ = self._overrides[position]
                if capability not in rules:
                    continue
                try:
                    if any(path_matches(g, path, self.root) for g in globs):
                        index = position
                        break
                except Exception:  # a malformed path must not break the guard
                    continue
            if len(self._covering) < 4096:  # bounded: source files, not targets
                self._covering[cache_key] = index
        return index

    def _override(self, capability: str, path: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
        index = self._override_index(capability, path)
        return self._overrides[index][1][capability] if index >= 0 else None

    def rule_source(self, capability: str, path: Optional[str] = None) -> str:
        """Where the rule that decides for ``path`` was written (an override's
        ``pyproject.toml:12``, else the policy's source)."""
        if path is not None and capability in self.path_dependent:
            index = self._override_index(capability, path)
            if index >= 0 and self._overrides[index][2]:
                return self._overrides[index][2]
        return self.source

    def decide(self, capability: str, target: Any = None, path: Optional[str] = None) -> str:
        """``allow`` | ``audit`` | ``deny``. ``path``: the source file making the call,
        when the caller knows it (selects a per-path override). Never raises."""
        action = self._actions.get(capability, "audit")
        scopes = self._scopes.get(capability)
        if path is not None and capability in self.path_dependent:
            rule = self._override(capability, path)
            if rule is not None:
                action, scopes = rule
        if action == "allow" or target is None:
            return action
        if not scopes:
            return action
        try:
            if scope_matches(capability, scopes, target, self.root):
                return "allow"
        except Exception:  # a malformed target must not break the guard
            return action
        return action


def _rules(table: Any) -> Dict[str, Tuple[str, Tuple[str, ...]]]:
    caps = {}
    for name, rule in (table or {}).items():
        action = rule.get("action", "allow") if isinstance(rule, dict) else str(rule)
        if action not in ("allow", "audit", "deny"):
            action = "deny"  # an unreadable rule fails closed
        allow = tuple(rule.get("allow", ())) if isinstance(rule, dict) else ()
        caps[name] = (action, allow)
    return caps


def scope_matches(capability: str, scopes: Tuple[str, ...], target: Any, root: str) -> bool:
    if capability == "network":
        host, port = _split_address(target)
        return any(_network_match(s, host, port) for s in scopes)
    if capability == "subprocess":
        exe = _executable(target)
        return exe is not None and any(_executable_match(s, exe) for s in scopes)
    if capability in _PATH_CAPABILITIES:
        path = os.fspath(target) if not isinstance(target, (str, bytes)) else target
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        # The process opens relative paths from its working directory, not the root.
        path = os.path.abspath(path)
        return any(path_matches(s, path, root) for s in scopes)
    text = str(target)
    return any(text == s or fnmatchcase(text, s) for s in scopes)


# -- network ---------------------------------------------------------------

def _split_address(target: Any) -> Tuple[str, Optional[int]]:
    if isinstance(target, (tuple, list)):
        host = str(target[0]) if target else ""
        port = target[1] if len(target) > 1 and isinstance(target[1], int) else None
        return _clean_host(host), port
    text = os.fsdecode(target) if isinstance(target, bytes) else str(target)
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return _clean_host(host), int(port) if port.isdigit() else None
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return _clean_host(host), int(port) if port.isdigit() else None
    return _clean_host(text), None


def _clean_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _network_match(scope: str, host: str, port: Optional[int]) -> bool:
    pattern_host, pattern_port = _split_address(scope)
    if pattern_port is not None and pattern_port != port:
        return False
    if pattern_host in ("", "*"):
        return True
    if "/" in pattern_host:
        return _in_network(pattern_host, host)
    if pattern_host == host:
        return True
    if pattern_host.startswith("*.") and host.endswith(pattern_host[1:]):
        return True
    return fnmatchcase(host, pattern_host)


def _in_network(cidr: str, host: str) -> bool:
    import ipaddress
    network = _network(cidr)
    if network is None:
        return False
    try:
        return ipaddress.ip_address(host) in network
    except ValueError:
        return False


@functools.lru_cache(maxsize=128)
def _network(cidr: str):  # -> ipaddress network or None
    import ipaddress
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


# -- subprocess ------------------------------------------------------------

def _executable(target: Any) -> Optional[str]:
    if isinstance(target, (list, tuple)):
        target = target[0] if target else None
    if target is None:
        return None
    if isinstance(target, bytes):
        return os.fsdecode(target)
    text = os.fspath(target) if not isinstance(target, str) else target
    return text.split()[0] if text.strip() and not os.path.exists(text) else text


def _executable_match(scope: str, exe: str) -> bool:
    if "/" in scope or os.sep in scope:
        return exe == scope or fnmatchcase(exe, scope)
    name = os.path.basename(exe)
    return name == scope or fnmatchcase(name, scope)


# -- paths -----------------------------------------------------------------

def path_matches(pattern: str, path: str, root: str) -> bool:
    """Does ``path`` (relative paths: from ``root``) fall under the glob ``pattern``
    (relative to ``root``)? Symlinks are resolved, so ``build/link -> /etc`` does not
    smuggle ``/etc/passwd`` under ``build/**``."""
    pattern = os.path.expanduser(pattern)
    if not os.path.isabs(pattern):
        pattern = os.path.join(_real_root(root), pattern)
    pattern = os.path.normpath(pattern).replace(os.sep, "/")
    candidate = _real(os.path.join(root, path)).replace(os.sep, "/")
    if not _has_magic(pattern):
        return candidate == pattern or candidate.startswith(pattern.rstrip("/") + "/")
    return _glob_regex(pattern).fullmatch(candidate) is not None


@functools.lru_cache(maxsize=32)
def _real_root(root: str) -> str:
    return _real(root)


def _real(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return os.path.normpath(os.path.abspath(path))


def _has_magic(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


@functools.lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> "re.Pattern[str]":
    parts: List[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif ch == "*":
            parts.append("[^/]*")
            i += 1
        elif ch == "?":
            parts.append("[^/]")
            i += 1
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                parts.append(re.escape(ch))
                i += 1
            else:
                body = pattern[i + 1:end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                parts.append(f"[{body}]")
                i = end + 1
        else:
            parts.append(re.escape(ch))
            i += 1
    return re.compile("".join(parts))
