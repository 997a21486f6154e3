"""Which files `apex check PATH ...` analyses, and why the others were left out.

Rules, in order, for every entry found while walking a directory argument:

* an explicit file argument is always analysed, whatever its name or excludes;
* the directory given on the command line is always walked (its children are
  still subject to the rules below);
* a symlinked directory is followed once: a loop or a second way into the same
  directory is skipped and reported;
* ``exclude`` / ``extend-exclude`` patterns of the project the entry belongs to
  (gitignore syntax, relative to the project root). A directory that matches a
  *default* exclude (``build``, ``venv``, ...) but is a Python package (it has an
  ``__init__.py``) is analysed anyway: the defaults exist to skip tool output,
  never real code;
* a directory holding ``pyvenv.cfg`` is a virtual environment and is skipped;
* ``.gitignore`` files (and ``.git/info/exclude``) from the repository root, or
  the walked directory outside a repository, down to the entry, read by Apex
  itself (see :mod:`.gitignore`), unless ``respect-gitignore = false``.

Every exclusion is recorded with its reason; ``apex check --verbose`` prints them.
Output order is deterministic: directory entries are visited sorted by name.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .gitignore import IgnoreFile, Pattern, compile_pattern, matches_any
from .model import FileError

PYTHON_SUFFIXES = (".py",)
CONFIG_FILES = ("apex.toml", "pyproject.toml")
#: Excluded silently in the summary (still listed by --verbose): nobody wonders about these.
UNREMARKABLE = frozenset({".git", ".hg", ".svn", "__pycache__"})


@dataclass(frozen=True)
class Target:
    """One file to analyse: the path to open and the path to show."""

    path: str       # absolute, for opening
    shown: str      # as the user wrote it (relative stays relative)
    root: str       # the project root whose settings apply
    explicit: bool = False


@dataclass(frozen=True)
class Exclusion:
    shown: str
    reason: str
    remarkable: bool = True


@dataclass(frozen=True)
class ExcludeRules:
    """The part of a project's settings discovery needs."""

    root: str
    user_patterns: tuple[Pattern, ...]
    default_patterns: tuple[Pattern, ...]
    respect_gitignore: bool = True

    @classmethod
    def build(cls, root: str, exclude: Iterable[str], extend_exclude: Iterable[str],
              default_exclude: Iterable[str], respect_gitignore: bool = True) -> "ExcludeRules":
        defaults = set(default_exclude)
        exclude = tuple(exclude)
        default_patterns = tuple(p for p in map(compile_pattern, exclude) if p and p.text in defaults)
        user_patterns = tuple(p for p in map(compile_pattern, exclude) if p and p.text not in defaults)
        user_patterns += tuple(p for p in map(compile_pattern, extend_exclude) if p)
        return cls(os.path.abspath(root), user_patterns, default_patterns, respect_gitignore)


@dataclass
class Discovery:
    targets: list[Target] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: Entries kept although a default exclude matched (a real package named "build").
    notes: list[Exclusion] = field(default_factory=list)


def _is_python_file(name: str) -> bool:
    return name.endswith(PYTHON_SUFFIXES)


def _shown(arg: str, rel: str) -> str:
    if arg in (".", "./", ""):
        return rel
    return os.path.join(arg, rel)


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")


def find_repo_root(directory: str) -> str | None:
    current = directory
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _read_ignore_file(path: str, base: str) -> IgnoreFile | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return IgnoreFile(_posix(base), lines, path)


def _initial_ignores(start_dir: str) -> list[IgnoreFile]:
    """Ignore files that apply above ``start_dir``: from the repository root down."""
    repo = find_repo_root(start_dir)
    if repo is None:
        return []
    found = []
    info = _read_ignore_file(os.path.join(repo, ".git", "info", "exclude"), repo)
    if info is not None:
        found.append(info)
    chain = []
    current = os.path.dirname(start_dir)
    while len(current) >= len(repo):
        chain.append(current)
        if current == repo:
            break
        current = os.path.dirname(current)
    for directory in reversed(chain):
        ignore = _read_ignore_file(os.path.join(directory, ".gitignore"), directory)
        if ignore is not None:
            found.append(ignore)
    return found


def _gitignored(ignores: list[IgnoreFile], path: str,
               is_dir: bool) -> tuple[Pattern, IgnoreFile] | None:
    decided = None
    posix = _posix(path)
    for ignore in ignores:
        hit = ignore.match(posix, is_dir)
        if hit is not None:
            decided = (hit, ignore)
    if decided is None or decided[0].negated:
        return None
    return decided


def _rel_to(root: str, path: str) -> str | None:
    rel = os.path.relpath(path, root)
    if rel == os.curdir or rel.startswith(os.pardir):
        return None
    return _posix(rel)


class Walker:
    """Walks the arguments of one `apex check` run.

    ``rules_for(directory)`` returns the ExcludeRules of the project owning
    ``directory`` (the nearest config file); it is called once per directory
    and should cache.
    """

    def __init__(self, rules_for: Callable[[str], ExcludeRules]) -> None:
        self.rules_for = rules_for
        self.result = Discovery()
        self._seen_files: set[tuple[int, int]] = set()
        self._seen_dirs: set[tuple[int, int]] = set()

    def walk(self, paths: Iterable[str]) -> Discovery:
        for arg in paths:
            absolute = os.path.abspath(arg)
            try:
                info = os.stat(absolute)
            except OSError as exc:
                if os.path.islink(absolute):
                    self.result.errors.append(FileError(arg, f"broken symlink: {exc.strerror}"))
                else:
                    self.result.missing.append(arg)
                continue
            if stat.S_ISDIR(info.st_mode):
                self._walk_dir(arg, absolute, info)
            elif not stat.S_ISREG(info.st_mode):
                # A FIFO or device would block or never end; say so instead of hanging.
                self.result.errors.append(FileError(arg, "not a regular file; skipped"))
            else:
                key = (info.st_dev, info.st_ino)
                if key in self._seen_files:
                    continue
                self._seen_files.add(key)
                rules = self.rules_for(os.path.dirname(absolute))
                self.result.targets.append(Target(absolute, arg, rules.root, explicit=True))
        return self.result

    def _exclude(self, shown: str, reason: str, name: str = "") -> None:
        self.result.excluded.append(Exclusion(shown, reason, name not in UNREMARKABLE))

    def _walk_dir(self, arg: str, top: str, top_info: os.stat_result) -> None:
        self._seen_dirs.add((top_info.st_dev, top_info.st_ino))
        stack: list[tuple[str, str, list[IgnoreFile]]] = [(top, "", _initial_ignores(top))]
        while stack:
            directory, rel_dir, inherited = stack.pop()
            rules = self.rules_for(directory)
            ignores = inherited
            if rules.respect_gitignore:
                own = _read_ignore_file(os.path.join(directory, ".gitignore"), directory)
                if own is not None:
                    ignores = inherited + [own]
            try:
                with os.scandir(directory) as entries:
                    listing = sorted(entries, key=lambda e: e.name)
            except OSError as exc:
                self.result.errors.append(FileError(
                    _shown(arg, rel_dir) or arg, f"cannot read directory: {exc.strerror or exc}"))
                continue
            subdirs = []
            for entry in listing:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                shown = _shown(arg, rel)
                try:
                    is_dir = entry.is_dir()  # follows symlinks
                except OSError:
                    is_dir = False
                if entry.is_symlink():
                    try:
                        os.stat(entry.path)  # follows the link: fails when broken or looping
                    except OSError as exc:
                        if is_dir or _is_python_file(entry.name):
                            self._exclude(shown, f"broken or looping symlink ({exc.strerror})")
                        continue
                if not is_dir and not _is_python_file(entry.name):
                    continue
                reason = self._excluded_reason(entry, shown, is_dir, rules, ignores)
                if reason:
                    self._exclude(shown, reason, entry.name)
                    continue
                if is_dir:
                    try:
                        info = entry.stat()
                    except OSError as exc:
                        self._exclude(shown, f"cannot stat: {exc.strerror}")
                        continue
                    key = (info.st_dev, info.st_ino)
                    if key in self._seen_dirs:
                        self._exclude(shown, "symlink loop or directory already walked via another path"
                                      if entry.is_symlink() else "directory already walked")
                        continue
                    self._seen_dirs.add(key)
                    subdirs.append((entry.path, rel, ignores))
                else:
                    try:
                        info = entry.stat()
                    except OSError as exc:
                        self.result.errors.append(FileError(shown, f"cannot stat: {exc.strerror}"))
                        continue
                    if not stat.S_ISREG(info.st_mode):
                        self._exclude(shown, "not a regular file (FIFO, socket or device)")
                        continue
                    key = (info.st_dev, info.st_ino)
                    if key in self._seen_files:
                        continue
                    self._seen_files.add(key)
                    self.result.targets.append(Target(entry.path, shown, rules.root))
            # Reverse so that the stack pops subdirectories in name order.
            stack.extend(reversed(subdirs))

    def _excluded_reason(self, entry: os.DirEntry, shown: str, is_dir: bool, rules: ExcludeRules,
                         ignores: list[IgnoreFile]) -> str | None:
        rel = _rel_to(rules.root, entry.path)
        if rel is None:
            rel = entry.name
        hit = matches_any(rules.user_patterns, rel, is_dir)
        if hit is not None:
            return f"matches exclude pattern {hit.text!r} of {rules.root}"
        hit = matches_any(rules.default_patterns, rel, is_dir)
        if hit is not None:
            if is_dir and os.path.isfile(os.path.join(entry.path, "__init__.py")) and \
                    not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                # A real package that happens to be called "build" or "venv".
                self.result.notes.append(Exclusion(
                    shown, f"analysed although it matches default exclude {hit.text!r}: "
                                "it is a Python package (has __init__.py)"))
            else:
                return f"matches default exclude {hit.text!r}"
        if is_dir and os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
            return "virtual environment (has pyvenv.cfg)"
        if rules.respect_gitignore and ignores:
            decided = _gitignored(ignores, entry.path, is_dir)
            if decided is not None:
                pattern, source = decided
                return f"ignored by {source.source}: {pattern.text!r}"
        return None


def discover(paths: Iterable[str], rules_for: Callable[[str], ExcludeRules]) -> Discovery:
    return Walker(rules_for).walk(paths)


def path_matches(patterns: Iterable[Pattern], rel_path: str) -> Pattern | None:
    """Whether a root-relative file path, or one of its directories, matches."""
    patterns = tuple(patterns)
    hit = matches_any(patterns, rel_path, False)
    if hit is not None:
        return hit
    parts = rel_path.split("/")
    for i in range(len(parts) - 1, 0, -1):
        hit = matches_any(patterns, "/".join(parts[:i]), True)
        if hit is not None:
            return hit
    return None
