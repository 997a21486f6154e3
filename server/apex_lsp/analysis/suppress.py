"""``# apex: ignore[...]`` and ``# nosec`` comments.

A suppression applies to every finding of the statement it sits in, on any of
the statement's lines (bandit only looks at one line of a multi-line call).
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

# Only the directive text: a "#.*?" prefix here would be quadratic on long lines of '#'.
_CANDIDATE = re.compile(r"apex\s*:\s*ignore|nosec", re.IGNORECASE)
_COMMENT_LIKE = re.compile(r"#[^\n]*")
_DIRECTIVE = re.compile(
    r"(?:apex\s*:\s*ignore(?:\[(?P<ids>[^\]]*)\])?|nosec(?![\w-])(?P<nosec>[ \t:]*[\w, \t-]*)?)",
    re.IGNORECASE)
_ID = re.compile(r"[A-Za-z]+\d+")

ALL = frozenset({"*"})


@dataclass(slots=True)
class Suppression:
    line: int
    ids: frozenset[str]  # ALL for a bare directive
    used: set[str] = field(default_factory=set)
    column: int = 1  # 1-based column of the comment

    def matches(self, rule_id: str, bandit_ids: tuple[str, ...]) -> bool:
        if self.ids is ALL:
            return True
        return rule_id in self.ids or any(b in self.ids for b in bandit_ids)


def scan(source: str) -> dict[int, Suppression]:
    """Map line number -> suppression, looking only at real comments."""
    if not _has_candidate(source):
        return {}
    found: dict[int, Suppression] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        tokens = _fallback_comments(source)
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        for match in _DIRECTIVE.finditer(tok.string):
            ids_text = match.group("ids")
            if ids_text is None:
                ids_text = match.group("nosec") or ""
            ids = frozenset(i.upper() for i in _ID.findall(ids_text))
            line = tok.start[0]
            previous = found.get(line)
            merged = ALL if (not ids or (previous and previous.ids is ALL)) else \
                ids | (previous.ids if previous else frozenset())
            found[line] = Suppression(line, merged, column=previous.column if previous
                                      else tok.start[1] + 1)
    return found


def _has_candidate(source: str) -> bool:
    """Whether some directive text follows a '#' on its line (linear in the source)."""
    lowered = source.lower()
    if "nosec" not in lowered and "ignore" not in lowered:
        return False
    return any(_CANDIDATE.search(m.group()) for m in _COMMENT_LIKE.finditer(source))


def _fallback_comments(source: str) -> list[tokenize.TokenInfo]:
    """For sources tokenize rejects: treat '#...' on each line as a comment."""
    out = []
    for number, text in enumerate(source.splitlines(), 1):
        idx = text.find("#")
        if idx >= 0:
            out.append(tokenize.TokenInfo(tokenize.COMMENT, text[idx:], (number, idx),
                                          (number, len(text)), text))
    return out
