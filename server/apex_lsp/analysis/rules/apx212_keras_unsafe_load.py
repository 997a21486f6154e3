"""Keras model loaded with `safe_mode=False`.

## What it does
Flags `keras.models.load_model(..., safe_mode=False)`,
`keras.saving.load_model(...)` and the `tensorflow.keras` spellings when
`safe_mode` is not left at its default `True`.

## Why is this bad
Keras models can contain `Lambda` layers whose Python bytecode is stored in
the file. Safe mode refuses to deserialize them; turning it off runs code
from the model file when it is loaded (CWE-502, CVE-2024-3660 shows the
attack against older versions).

## Example
```python
model = keras.models.load_model(downloaded_path, safe_mode=False)
```

## Use instead
Keep safe mode on and rebuild custom layers from registered classes:
```python
model = keras.models.load_model(downloaded_path, custom_objects={"MyLayer": MyLayer})
```

## References
- https://keras.io/api/models/model_saving_apis/model_saving_and_loading/
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, is_true, keyword
from ..model import Confidence, Severity
from ..rule import Rule

_LOADERS = frozenset(f"{prefix}.{module}.load_model"
                     for prefix in ("keras", "tensorflow.keras", "tf_keras")
                     for module in ("models", "saving"))


class KerasUnsafeLoad(Rule):
    id = "APX212"
    name = "keras-load-without-safe-mode"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "deserialization"
    calls = _LOADERS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        safe_mode = keyword(node, "safe_mode")
        if safe_mode is None or is_true(safe_mode):
            return
        ctx.report(self, node, "load_model(safe_mode=False) runs Lambda-layer code stored in "
                               "the model file",
                   confidence=None if isinstance(safe_mode, ast.Constant) else Confidence.LOW)
