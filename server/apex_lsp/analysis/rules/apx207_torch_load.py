"""`torch.load` without `weights_only=True`.

## What it does
Flags `torch.load(...)` unless `weights_only=True` is passed. An explicit
`weights_only=False` is high severity and high confidence. A missing
argument is medium severity and medium confidence: PyTorch 2.6 changed the
default to `True`, but the code may run on an older version, and the default
can be overridden with `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`.

## Why is this bad
Checkpoint files are pickles. With `weights_only=False` loading a model from
a hub, a bucket or a user runs whatever code its author put into it
(CWE-502); malicious model files in the wild do exactly that.

## Example
```python
state = torch.load(downloaded_path)
model = torch.load(path, weights_only=False)
```

## Use instead
```python
state = torch.load(downloaded_path, weights_only=True)
# or, better, a format that cannot carry code
state = safetensors.torch.load_file(downloaded_path)
```

## References
- https://pytorch.org/docs/stable/generated/torch.load.html
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, is_false, is_true, keyword
from ..model import Confidence, Severity
from ..rule import Rule


class TorchLoad(Rule):
    id = "APX207"
    name = "torch-load-without-weights-only"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "deserialization"
    bandit = ("B614",)
    calls = frozenset({"torch.load", "torch.serialization.load"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        weights_only = keyword(node, "weights_only")
        if is_true(weights_only):
            return
        if weights_only is not None and is_false(weights_only):
            ctx.report(self, node, "torch.load(weights_only=False) unpickles arbitrary objects "
                                   "and can run code from the checkpoint")
            return
        if weights_only is None and any(kw.arg is None for kw in node.keywords):
            return  # **kwargs may carry weights_only
        ctx.report(self, node, "torch.load() without weights_only=True unpickles arbitrary "
                               "objects on PyTorch < 2.6",
                   severity=Severity.MEDIUM, confidence=Confidence.MEDIUM)
