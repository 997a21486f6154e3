"""What a reload did: the reply body, the audit summary and the watcher's log line."""
from __future__ import annotations


class Report:
    def __init__(self) -> None:
        self.modules = []       # module names a reload looked at
        self.entries = {"patched": [], "added": [], "removed": [], "refused": [],
                        "kept": [], "stale": [], "skipped": []}
        self.errors = []        # {"path", "line", "message"}: nothing was applied

    def patched(self, name: str, note=None) -> None:
        self.entries["patched"].append(_entry(name, note, "note"))

    def added(self, name: str) -> None:
        self.entries["added"].append(_entry(name, None, "note"))

    def removed(self, name: str) -> None:
        self.entries["removed"].append(_entry(name, None, "note"))

    def refused(self, name: str, reason: str) -> None:
        self.entries["refused"].append(_entry(name, reason, "reason"))

    def kept(self, name: str, reason: str) -> None:
        self.entries["kept"].append(_entry(name, reason, "reason"))

    def skipped(self, name: str, reason: str) -> None:
        """Not a reload target (e.g. a saved file the program never imported)."""
        self.entries["skipped"].append(_entry(name, reason, "reason"))

    def stale(self, module: str, name: str, reason: str) -> None:
        entry = {"module": module, "name": name, "reason": reason}
        if entry not in self.entries["stale"]:
            self.entries["stale"].append(entry)

    @property
    def applied(self) -> bool:
        return not self.errors

    def to_wire(self) -> dict:
        body = {"applied": self.applied, "modules": list(self.modules),
                "errors": list(self.errors), "summary": self.summary()}
        body.update({k: list(v) for k, v in self.entries.items()})
        return body

    def summary(self) -> str:
        if self.errors:
            first = self.errors[0]
            return "hot reload: nothing applied: %s:%s: %s" % (
                first["path"], first.get("line") or "?", first["message"])
        if not self.modules:
            return "hot reload: no changed workspace module"
        parts = []
        for key in ("patched", "added", "removed", "refused", "kept", "stale"):
            items = self.entries[key]
            if items:
                names = ", ".join(e.get("name", "") for e in items[:8])
                more = " and %d more" % (len(items) - 8) if len(items) > 8 else ""
                parts.append("%s %d (%s%s)" % (key, len(items), names, more))
        return "hot reload of %s: %s" % (", ".join(self.modules),
                                         "; ".join(parts) or "no definition changed")

    def lines(self) -> list:
        """Human-readable lines, one per entry (the adapter's output event, the watcher)."""
        if self.errors:
            return [self.summary()]
        out = [self.summary()]
        for key in ("refused", "kept", "stale"):
            for e in self.entries[key]:
                out.append("  %s %s: %s" % (key, e.get("name"), e.get("reason") or e.get("note")))
        return out


def _entry(name: str, note, key: str) -> dict:
    entry = {"name": name}
    if note:
        entry[key] = note
    return entry
