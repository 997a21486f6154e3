"""A regular expression with nested quantifiers (catastrophic backtracking, ReDoS).

## What it does
Parses literal patterns given to `re` and `regex` functions (`compile`,
`match`, `search`, `fullmatch`, `findall`, `finditer`, `split`, `sub`, `subn`)
with the standard library's own regex parser and flags an unbounded repeat
whose body can be matched by an inner unbounded repeat alone, everything else
in the body being optional: `(a+)+`, `(.*)*`, `(\\w+\\s?)*`, `(?:\\d+)*$`.
`(,\\s*\\w+)*` is not flagged: the mandatory comma separates the
iterations; an anchor does the same (`(.+$\\n?)*` in multi-line mode).
Possessive quantifiers and atomic groups (3.11+) are safe.
Overlapping alternatives such as `(a|a)*` are not detected.

## Why is this bad
Python's backtracking engine tries every way of splitting the input between the
two quantifiers before it gives up, which takes exponential time: a 30-character
input that almost matches can keep a worker busy for minutes (CWE-1333).

## Example
```python
import re
EMAIL = re.compile(r"^([a-zA-Z0-9]+\\.?)*@example\\.com$")
```

## Use instead
```python
import re
EMAIL = re.compile(r"^[a-zA-Z0-9]+(?:\\.[a-zA-Z0-9]+)*@example\\.com$")
```

## References
- https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS
- https://cwe.mitre.org/data/definitions/1333.html
"""
import ast
import functools
import re
import warnings

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

try:  # Python 3.11+
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: Longest pattern analysed, and most parser items visited per pattern.
MAX_PATTERN = 4000
MAX_ITEMS = 5000
#: A repeat with at least this many iterations counts as unbounded.
LARGE = 16

_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)
#: Lookarounds match the empty string anywhere; anchors (AT: ^ $ \b ...) do not count as
#: optional because they pin where an iteration may end, which removes the ambiguity.
_ZERO_WIDTH = (_sre.ASSERT, _sre.ASSERT_NOT)
_ATOMIC = tuple(getattr(_sre, n) for n in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP") if hasattr(_sre, n))

#: flag names allowed in the flags argument (re.X changes how the pattern parses)
_FLAGS = {name: int(getattr(re, name)) for name in
          ("I", "IGNORECASE", "M", "MULTILINE", "S", "DOTALL", "X", "VERBOSE", "A", "ASCII",
           "U", "UNICODE", "L", "LOCALE")}
#: function -> position of its flags argument
_FUNCTIONS = {"compile": 1, "match": 2, "search": 2, "fullmatch": 2, "findall": 2,
              "finditer": 2, "split": 3, "sub": 4, "subn": 4}


class _Budget:
    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_ITEMS

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise OverflowError("pattern too complex to analyse")


def _unbounded(item) -> bool:
    op, av = item
    return op in _REPEATS and (av[1] == _sre.MAXREPEAT or av[1] >= LARGE)


def _nullable(seq, budget: _Budget) -> bool:
    for op, av in seq:
        budget.spend()
        if op in _ZERO_WIDTH:
            continue
        if op in _REPEATS or (_ATOMIC and op == _ATOMIC[0]):
            if av[0] == 0 or _nullable(av[2], budget):
                continue
            return False
        if op == _sre.SUBPATTERN:
            if _nullable(av[-1], budget):
                continue
            return False
        if _ATOMIC and op in _ATOMIC[1:]:
            if _nullable(av, budget):
                continue
            return False
        if op == _sre.BRANCH:
            if any(_nullable(alt, budget) for alt in av[1]):
                continue
            return False
        return False
    return True


def _star_alone(seq, budget: _Budget) -> bool:
    """True when ``seq`` can match through one unbounded repeat, the rest optional."""
    items = list(seq)
    for index, item in enumerate(items):
        budget.spend()
        op = item[0]
        if op != _sre.SUBPATTERN and op != _sre.BRANCH and not _unbounded(item):
            continue
        if _nullable(items[:index] + items[index + 1:], budget) and _star_inside(item, budget):
            return True
    return False


def _star_inside(item, budget: _Budget) -> bool:
    op, av = item
    if op == _sre.SUBPATTERN:
        return _star_alone(av[-1], budget)
    if op == _sre.BRANCH:
        return any(_star_alone(alt, budget) for alt in av[1])
    return True  # the unbounded repeat itself


def _nested_quantifier(seq, budget: _Budget) -> bool:
    for op, av in seq:
        budget.spend()
        if op in _REPEATS:
            if _unbounded((op, av)) and _star_alone(av[2], budget):
                return True
            if _nested_quantifier(av[2], budget):
                return True
        elif op == _sre.SUBPATTERN:
            if _nested_quantifier(av[-1], budget):
                return True
        elif op == _sre.BRANCH:
            if any(_nested_quantifier(alt, budget) for alt in av[1]):
                return True
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            if _nested_quantifier(av[1], budget):
                return True
        # possessive repeats and atomic groups never backtrack into their body
    return False


@functools.lru_cache(maxsize=2048)
def is_redos_prone(pattern: str | bytes, flags: int = 0) -> bool:
    """True when the pattern has a nested unbounded quantifier (bounded analysis)."""
    if len(pattern) > MAX_PATTERN:
        return False
    try:
        with warnings.catch_warnings():  # FutureWarning "possible nested set", bad escapes
            warnings.simplefilter("ignore")
            parsed = _sre_parse.parse(pattern, flags)
        return _nested_quantifier(parsed, _Budget())
    except (re.error, OverflowError, RecursionError, ValueError, TypeError, IndexError):
        return False


def _flags(node: ast.AST | None) -> int | None:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and node.attr in _FLAGS:
        return _FLAGS[node.attr]
    if isinstance(node, ast.Name) and node.id in _FLAGS:
        return _FLAGS[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.Add)):
        left, right = _flags(node.left), _flags(node.right)
        return None if left is None or right is None else left | right
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    return None


class RedosRegex(Rule):
    id = "APX650"
    name = "redos-regex"
    category = "denial-of-service"
    cwe = 1333
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    calls = frozenset(f"{module}.{name}" for module in ("re", "regex") for name in _FUNCTIONS)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        pattern = argument(node, 0, "pattern")
        if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, (str, bytes))):
            return
        name = ctx.qualname(node.func).rpartition(".")[2]
        flags = _flags(argument(node, _FUNCTIONS[name], "flags"))
        if flags is None:
            flags = 0
        if is_redos_prone(pattern.value, flags & _FLAGS["X"]):
            ctx.report(self, pattern, "nested quantifiers can backtrack exponentially (ReDoS); "
                                      "remove the ambiguity or use a possessive/atomic group")
