"""The analyzer's vocabulary: severities, confidences and findings."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]


class Confidence(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Confidence":
        return cls[text.strip().upper()]


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based line/column span in one file (columns count characters)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class PathStep:
    """One hop of a taint path, shown as related information."""

    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the span (1-based, end exclusive) with ``text``."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical, safe rewrite a client may apply."""

    title: str
    edits: tuple[TextEdit, ...]


@dataclass(slots=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    severity: Severity
    confidence: Confidence
    cwe: int | None
    capability: str | None
    message: str
    fix: Fix | None = None
    path_steps: tuple[PathStep, ...] = ()
    # Statement span the finding belongs to; suppressions anywhere in it apply.
    stmt_lines: tuple[int, int] = field(default=(0, 0), repr=False)

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "rule": self.rule,
            "severity": str(self.severity),
            "confidence": str(self.confidence),
            "cwe": self.cwe,
            "capability": self.capability,
            "message": self.message,
        }

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule)


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be analysed at all (unreadable, binary, ...)."""

    path: str
    message: str

    def as_json(self) -> dict:
        return {"path": self.path, "message": self.message}
