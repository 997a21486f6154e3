"""Output formats of `apex check`: one module per format, each with ``write(report, out)``."""
from __future__ import annotations

import importlib
from typing import Callable, TextIO

FORMATS = ("text", "json", "sarif")


def writer(name: str) -> Callable[..., None]:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; expected one of {', '.join(FORMATS)}")
    return importlib.import_module(f"{__name__}.{name}_format").write


def write(name: str, report, out: TextIO, **options) -> None:
    writer(name)(report, out, **options)
