"""Other modules that took names from a reloaded module (``from changed import name``).

Functions and classes patched in place need nothing: the other module holds the same
object. Objects that were *replaced* (a re-run module-level value, a method rebuilt
for new free variables) are rebound where another module bound them by the same
object; objects *removed* from the module, and values the reload kept although the
source changed, are reported as possibly stale.
"""
from __future__ import annotations

import sys


def update_dependants(report, patch, skip_names) -> None:
    replaced = {id(old): (old, new) for old, new in patch.replaced.items()}
    removed = {id(obj): obj for obj in patch.removed}
    kept_names = set()
    for entry in report.entries["kept"]:
        name = entry["name"]
        if name.startswith(patch.name + "."):
            kept_names.update(n.strip() for n in name[len(patch.name) + 1:].split(","))
    if not replaced and not removed and not kept_names:
        return
    for name, module in list(sys.modules.items()):
        if module is None or name in skip_names or module is patch.module:
            continue
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for binding, value in list(namespace.items()):
            key = id(value)
            if key in replaced and replaced[key][0] is value:
                namespace[binding] = replaced[key][1]
                report.patched("%s.%s" % (name, binding),
                               "rebound to the new object from %s" % patch.name)
            elif key in removed and removed[key] is value:
                report.stale(name, binding, "still holds %s, which %s no longer defines"
                             % (binding, patch.name))
            elif binding in kept_names and value is patch.module.__dict__.get(binding, _NONE):
                report.stale(name, binding, "imported %s.%s, whose value the reload kept "
                             "(reload with rerun to re-run it, then this module too)"
                             % (patch.name, binding))


_NONE = object()
