"""Find where keys are in TOML text.

``tomllib`` reports no positions, but errors in a policy file should point at
the offending key (the language server puts diagnostics in ``pyproject.toml``).
This scanner walks the text of a file that already parsed and records the
1-based line and column of every key, array element and table header, keyed
by its path: ``("tool", "apex", "capabilities", "network", "allow", 1)``.
Keys are stored with ``_`` folded to ``-`` so lookups may use either spelling.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

PathKey = Tuple[object, ...]
Position = Tuple[int, int]

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def fold(part: object) -> object:
    return part.replace("_", "-") if isinstance(part, str) else part


class TomlPositions:
    """Positions of keys in one TOML document."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._n = len(text)
        self._i = 0
        self._line = 1
        self._col = 1
        self.positions: Dict[PathKey, Position] = {}
        self._array_tables: Dict[PathKey, int] = {}
        try:
            self._document()
        except (IndexError, RecursionError):  # malformed text: keep what was found
            pass

    def find(self, path: PathKey) -> Optional[Position]:
        """The position of ``path``, or of its nearest recorded ancestor."""
        key = tuple(fold(p) for p in path)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return None

    # -- scanning -------------------------------------------------------
    def _peek(self, offset: int = 0) -> str:
        j = self._i + offset
        return self._text[j] if j < self._n else ""

    def _advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self._i >= self._n:
                return
            if self._text[self._i] == "\n":
                self._line += 1
                self._col = 1
            else:
                self._col += 1
            self._i += 1

    def _record(self, path: PathKey) -> None:
        key = tuple(fold(p) for p in path)
        self.positions.setdefault(key, (self._line, self._col))

    def _skip_space(self, newlines: bool) -> None:
        while self._i < self._n:
            ch = self._text[self._i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self._advance()
            elif ch == "#":
                while self._i < self._n and self._text[self._i] != "\n":
                    self._advance()
            else:
                return

    def _document(self) -> None:
        current: PathKey = ()
        while self._i < self._n:
            self._skip_space(newlines=True)
            if self._i >= self._n:
                return
            if self._peek() == "[":
                current = self._header()
                continue
            start = self._i
            parts = self._key(current)
            if self._peek() == "=":
                self._advance()
                self._value(current + parts)
            elif self._i == start:
                self._advance()  # not a key: skip one character and carry on

    def _header(self) -> PathKey:
        is_array = self._peek(1) == "["
        line, col = self._line, self._col
        self._advance(2 if is_array else 1)
        parts = self._key_parts()
        while self._i < self._n and self._peek() != "\n":
            self._advance()
        path = tuple(parts)
        if is_array:
            index = self._array_tables.get(path, -1) + 1
            self._array_tables[path] = index
            self.positions.setdefault(tuple(fold(p) for p in path), (line, col))
            path = path + (index,)
        self.positions.setdefault(tuple(fold(p) for p in path), (line, col))
        return path

    def _key(self, prefix: PathKey) -> PathKey:
        line, col = self._line, self._col
        parts = self._key_parts()
        if parts:
            full = prefix + tuple(parts)
            for depth in range(len(prefix) + 1, len(full) + 1):
                self.positions.setdefault(tuple(fold(p) for p in full[:depth]), (line, col))
        self._skip_space(newlines=False)
        return tuple(parts)

    def _key_parts(self) -> list:
        parts: list = []
        while self._i < self._n:
            self._skip_space(newlines=False)
            ch = self._peek()
            if ch in ('"', "'"):
                parts.append(self._string_value())
            elif ch in _BARE:
                start = self._i
                while self._peek() in _BARE and self._peek():
                    self._advance()
                parts.append(self._text[start:self._i])
            else:
                break
            self._skip_space(newlines=False)
            if self._peek() == ".":
                self._advance()
                continue
            break
        return parts

    def _string_value(self) -> str:
        quote = self._peek()
        if self._text.startswith(quote * 3, self._i):
            self._advance(3)
            start = self._i
            end = self._text.find(quote * 3, self._i)
            end = self._n if end < 0 else end
            while self._i < end:
                self._advance()
            # A closing run may be up to five quotes long.
            self._advance(3)
            while self._peek() == quote:
                self._advance()
            return self._text[start:end]
        self._advance()
        chars = []
        while self._i < self._n and self._peek() not in (quote, "\n"):
            if quote == '"' and self._peek() == "\\":
                chars.append(self._peek(1))
                self._advance(2)
                continue
            chars.append(self._peek())
            self._advance()
        self._advance()
        return "".join(chars)

    def _value(self, path: PathKey) -> None:
        self._skip_space(newlines=False)
        self._record(path)
        ch = self._peek()
        if ch in ('"', "'"):
            self._string_value()
        elif ch == "[":
            self._advance()
            index = 0
            while self._i < self._n:
                self._skip_space(newlines=True)
                if self._peek() == "]":
                    self._advance()
                    return
                before = self._i
                self._value(path + (index,))
                self._skip_space(newlines=True)
                if self._peek() == ",":
                    self._advance()
                    index += 1
                elif self._i == before:
                    self._advance()
        elif ch == "{":
            self._advance()
            while self._i < self._n:
                self._skip_space(newlines=True)
                if self._peek() == "}":
                    self._advance()
                    return
                before = self._i
                parts = self._key(path)
                if self._peek() == "=":
                    self._advance()
                    self._value(path + parts)
                self._skip_space(newlines=True)
                if self._peek() == ",":
                    self._advance()
                elif self._i == before:
                    self._advance()
        else:
            while self._i < self._n and self._peek() not in ",]}\n#":
                self._advance()
