"""`torch.hub.load` runs code from a remote repository.

## What it does
Flags `torch.hub.load(repo, model)` when the source is GitHub (the default)
and `trust_repo` is not `False`, or when the repository is not a literal.
`source="local"` with a literal directory is not flagged.

## Why is this bad
`torch.hub.load` downloads the repository and imports its `hubconf.py`, which
runs arbitrary code with the caller's privileges. The code is not pinned to
a commit unless the reference is, so a compromised or renamed repository
serves new code on the next load (CWE-494).

## Example
```python
model = torch.hub.load("someone/models", "resnet", trust_repo=True)
```

## Use instead
Vendor the model definition, pin the weights by hash and load them as data:
```python
model = resnet50()
model.load_state_dict(torch.load(weights_path, weights_only=True))
```

## References
- https://pytorch.org/docs/stable/hub.html#torch.hub.load
- https://cwe.mitre.org/data/definitions/494.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_false, keyword, literal
from ..model import Confidence, Severity
from ..rule import Rule


class TorchHubLoad(Rule):
    id = "APX213"
    name = "torch-hub-load-remote-code"
    category = "deserialization"
    cwe = 494
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "dynamic_code"
    calls = frozenset({"torch.hub.load"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        repo = argument(node, 0, "repo_or_dir")
        # source and trust_repo follow *args in the signature: keyword-only in practice.
        source = literal(keyword(node, "source"), "github")
        trust = keyword(node, "trust_repo")
        if source == "local" and is_constant(repo):
            return
        if trust is not None and is_false(trust) and is_constant(repo):
            return  # torch refuses untrusted repositories, the user is asked
        ctx.report(self, node, "torch.hub.load() downloads and runs the repository's hubconf.py")
