"""The tables in force: the built-in ones merged with ``[tool.apex.taint]``."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import tables
from .kinds import ALL_KINDS
from .tables import Sanitizer, Sink, Source


@dataclass(frozen=True)
class TaintSpec:
    source_attributes: dict[str, Source]
    source_calls: dict[str, Source]
    sinks: dict[str, Sink]
    sanitizers: dict[str, Sanitizer]
    secret_name: re.Pattern = field(repr=False)
    #: Lower-case text worth analysing up front (see tables.SOURCE_HINTS).
    hints: tuple[str, ...] = field(repr=False)
    #: Source names and the objects they hang off (``flask.request``), for import aliases.
    source_roots: frozenset = field(repr=False, default=frozenset())
    #: Problems found in the configuration (shown to the user, never fatal).
    problems: tuple[str, ...] = ()
    #: Every qualified name in the tables, and every method name (for one quick test).
    known: frozenset = field(repr=False, default=frozenset())
    known_methods: frozenset = field(repr=False, default=frozenset())

    def method_sink(self, method: str) -> Sink | None:
        return self.sinks.get("." + method)

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes whenever the tables change, so cached summaries are not reused."""
        import hashlib
        text = repr((sorted(self.source_attributes.items()), sorted(self.source_calls.items()),
                     sorted(self.sinks.items()), sorted(self.sanitizers.items())))
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def build_spec(settings=None) -> TaintSpec:
    """Merge the built-in tables with a ``TaintSettings`` (or None for the defaults).

    Project entries are qualified names; a leading ``.`` names a method on any
    receiver. Custom sources are untrusted input; custom sinks treat every
    argument as dangerous; custom sanitizers clear every kind. Unknown sink
    kinds are reported in ``problems`` and skipped.
    """
    source_attributes = dict(tables.SOURCE_ATTRIBUTES)
    source_calls = dict(tables.SOURCE_CALLS)
    sinks = dict(tables.SINKS)
    sanitizers = dict(tables.SANITIZERS)
    problems: list[str] = []
    if settings is not None:
        for name in getattr(settings, "sources", ()) or ():
            if not _valid_name(name):
                problems.append(f"taint source {name!r} is not a dotted name")
                continue
            label = f"project source {name}"
            source_calls[name] = Source(label)
            source_attributes[name] = Source(label)
        for kind, names in (getattr(settings, "sinks", None) or {}).items():
            if kind not in ALL_KINDS:
                problems.append(f"unknown taint sink kind {kind!r} (known: "
                                f"{', '.join(sorted(ALL_KINDS))})")
                continue
            for name in names:
                if not _valid_name(name):
                    problems.append(f"taint sink {name!r} is not a dotted name")
                    continue
                sinks[name] = Sink(kind, None)
        for name in getattr(settings, "sanitizers", ()) or ():
            if not _valid_name(name):
                problems.append(f"taint sanitizer {name!r} is not a dotted name")
                continue
            sanitizers[name] = Sanitizer(())
    hints = set(tables.SOURCE_HINTS) | {
        name.rpartition(".")[2] for name in list(source_calls) + list(source_attributes)
        if name not in tables.SOURCE_CALLS and name not in tables.SOURCE_ATTRIBUTES}
    names = set(source_attributes) | set(source_calls) | set(sinks) | set(sanitizers) | \
        set(tables.CLEAN_CALLS)
    known = frozenset(n for n in names if not n.startswith("."))
    known_methods = frozenset(n[1:] for n in names if n.startswith(".")) | tables.REQUEST_METHODS
    return TaintSpec(source_attributes, source_calls, sinks, sanitizers,
                     re.compile(tables.SECRET_NAME_PATTERN, re.IGNORECASE),
                     tuple(sorted(h.lower() for h in hints if h)),
                     _roots(list(source_calls) + list(source_attributes)), tuple(problems),
                     known, known_methods)


def _roots(names: list[str]) -> frozenset:
    out = set()
    for name in names:
        if not name.startswith("."):
            out.add(name)
            out.add(name.rpartition(".")[0])
    out.discard("")
    return frozenset(out)


_NAME = re.compile(r"\.?[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*")


def _valid_name(name: object) -> bool:
    return isinstance(name, str) and bool(_NAME.fullmatch(name))


@functools.cache
def default_spec() -> TaintSpec:
    return build_spec()
