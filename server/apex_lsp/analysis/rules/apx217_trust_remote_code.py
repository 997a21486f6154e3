"""Model or dataset loaded with `trust_remote_code=True`.

## What it does
Flags calls passing `trust_remote_code=True` (or a non-literal value, with low
confidence): Hugging Face `from_pretrained(...)` on any `Auto*` class,
pipeline, tokenizer or config, `transformers.pipeline(...)` and
`datasets.load_dataset(...)`.

## Why is this bad
The flag tells the library to download Python files from the model or
dataset repository and import them. Whoever controls that repository (or
takes it over later, since the revision is not pinned by default) runs code
in your process (CWE-494). The name or revision often comes from
configuration or a user request.

## Example
```python
model = AutoModel.from_pretrained(model_name, trust_remote_code=True)
```

## Use instead
Use architectures that ship with the library, or vendor the reviewed code
and pin the exact revision:
```python
model = AutoModel.from_pretrained(model_name)
model = AutoModel.from_pretrained("org/model", revision="4f8c2e1d9b7a")
```

## References
- https://huggingface.co/docs/transformers/en/custom_models#using-a-model-with-custom-code
- https://cwe.mitre.org/data/definitions/494.html
"""
import ast

from ..context import FileContext, is_false, keyword
from ..model import Confidence, Severity
from ..rule import Rule


class TrustRemoteCode(Rule):
    id = "APX217"
    name = "trust-remote-code"
    category = "deserialization"
    cwe = 494
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "dynamic_code"
    calls = frozenset({"transformers.pipeline", "datasets.load_dataset"})
    methods = frozenset({"from_pretrained", "load_dataset", "pipeline"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        trust = keyword(node, "trust_remote_code")
        if trust is None or is_false(trust):
            return
        ctx.report(self, node, "trust_remote_code runs Python files from the model or dataset "
                               "repository",
                   confidence=None if isinstance(trust, ast.Constant) else Confidence.LOW)
