"""Gitignore-style patterns, matched without git.

Apex reads ``.gitignore`` files itself instead of asking ``git ls-files``: the
same code then works inside a repository, outside one, and on a tree whose
``.git`` is not readable, and the walk stays one process. The global
``core.excludesFile`` is not read (documented in docs/check.md).

The same matcher serves ``exclude`` / ``extend-exclude`` and
``per-file-ignores``, so all path patterns in Apex mean one thing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Pattern:
    text: str          # as written, for messages
    regex: re.Pattern
    negated: bool
    dir_only: bool


def _translate_glob(glob: str) -> str:
    """Translate the body of a gitignore pattern (no leading ``/``) to a regex."""
    out = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            if glob.startswith("**", i):
                before_ok = i == 0 or glob[i - 1] == "/"
                after = i + 2
                if before_ok and (after == n or glob[after] == "/"):
                    if after == n:          # trailing "/**": everything inside
                        out.append(".*")
                        i = after
                    else:                   # "**/": zero or more directories
                        out.append("(?:.*/)?")
                        i = after + 1
                    continue
                out.append("[^/]*")         # "**" glued to text acts like "*"
                i = after
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = glob.find("]", i + 2 if glob[i + 1:i + 2] in ("!", "^") else i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = glob[i + 1:end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def compile_pattern(line: str) -> Pattern | None:
    """One gitignore line to a Pattern matching paths relative to its base."""
    text = line.rstrip("\n").rstrip("\r")
    if not text or text.startswith("#"):
        return None
    # Trailing spaces are ignored unless escaped.
    stripped = text.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(text):
        stripped += " "
    text = stripped
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    if text.startswith("\\") and text[1:2] in ("#", "!"):
        text = text[1:]
    dir_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    body = _translate_glob(text.lstrip("/"))
    prefix = "" if anchored else "(?:.*/)?"
    return Pattern(line.strip(), re.compile(f"^{prefix}{body}$", re.DOTALL), negated, dir_only)


class IgnoreFile:
    """The patterns of one ignore source, relative to ``base`` (a '/'-joined path)."""

    __slots__ = ("base", "patterns", "source")

    def __init__(self, base: str, lines, source: str) -> None:
        self.base = base.rstrip("/")
        self.source = source
        self.patterns = tuple(p for p in map(compile_pattern, lines) if p is not None)

    def match(self, path: str, is_dir: bool) -> Pattern | None:
        """The last pattern deciding ``path`` (absolute, '/'-joined), or None."""
        if self.base:
            if not path.startswith(self.base + "/"):
                return None
            rel = path[len(self.base) + 1:]
        else:
            rel = path.lstrip("/")
        decided = None
        for pattern in self.patterns:
            if pattern.dir_only and not is_dir:
                continue
            if pattern.regex.match(rel):
                decided = pattern
        return decided


def matches_any(patterns, rel_path: str, is_dir: bool = False) -> Pattern | None:
    """The last non-negated decision among ``patterns`` for a root-relative path."""
    decided = None
    for pattern in patterns:
        if pattern.dir_only and not is_dir:
            continue
        if pattern.regex.match(rel_path):
            decided = pattern
    return decided if decided is not None and not decided.negated else None
