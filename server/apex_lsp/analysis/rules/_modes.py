"""Evaluate file-mode expressions such as ``0o755`` or ``stat.S_IRWXU | stat.S_IWOTH``."""
from __future__ import annotations

import ast
import stat

_STAT = {name: getattr(stat, name) for name in dir(stat)
         if name.startswith("S_I") and isinstance(getattr(stat, name), int)}


def mode_value(node: ast.AST | None, depth: int = 0) -> int | None:
    """The integer a mode expression stands for, or None when it is not static."""
    if node is None or depth > 12:
        return None
    if isinstance(node, ast.Constant):
        value = node.value
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
            node.value.id == "stat":
        return _STAT.get(node.attr)
    if isinstance(node, ast.Name):
        return _STAT.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.Add)):
        left, right = mode_value(node.left, depth + 1), mode_value(node.right, depth + 1)
        if left is None or right is None:
            return None
        return left | right if isinstance(node.op, ast.BitOr) else left + right
    return None
