"""Parsing of sizes ("512MB"), durations ("30s", "2h") and timestamps.

Standard library only; used by the loader and by the harness (limits).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_SIZE_UNITS = {
    "": 1, "b": 1,
    "k": 1000, "kb": 1000, "kib": 1024,
    "m": 1000 ** 2, "mb": 1000 ** 2, "mib": 1024 ** 2,
    "g": 1000 ** 3, "gb": 1000 ** 3, "gib": 1024 ** 3,
    "t": 1000 ** 4, "tb": 1000 ** 4, "tib": 1024 ** 4,
}
_DURATION_UNITS = {
    "": 1, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "ms": 0.001,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}
_NUMBER_UNIT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")
_DURATION_PARTS = re.compile(r"(\d+(?:\.\d+)?)\s*([a-zA-Z]*)")


def parse_size(value: object) -> int:
    """Bytes from an int or a string like ``"512MB"``, ``"1.5GiB"``, ``"4096"``.

    Decimal units (kB, MB, GB) are powers of 1000, binary ones (KiB, MiB) of 1024.
    """
    if isinstance(value, bool):
        raise ValueError("expected a size like 512MB, not a boolean")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("a size cannot be negative")
        return value
    if isinstance(value, float):
        if value < 0:
            raise ValueError("a size cannot be negative")
        return int(value)
    if not isinstance(value, str):
        raise ValueError("expected a size like 512MB")
    match = _NUMBER_UNIT.fullmatch(value)
    unit = match.group(2).lower() if match else None
    if not match or unit not in _SIZE_UNITS:
        raise ValueError(f"expected a size like 512MB or 1GiB, got {value!r}")
    return int(float(match.group(1)) * _SIZE_UNITS[unit])


def parse_duration(value: object) -> float:
    """Seconds from a number or a string like ``"30s"``, ``"2h"``, ``"1h30m"``."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like 30s, not a boolean")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a duration like 30s or 2h")
    text = value.strip().replace(" ", "")
    total = 0.0
    pos = 0
    for match in _DURATION_PARTS.finditer(text):
        if match.start() != pos:
            break
        unit = match.group(2).lower()
        if unit not in _DURATION_UNITS:
            raise ValueError(f"expected a duration like 30s, 5m or 2h, got {value!r}")
        total += float(match.group(1)) * _DURATION_UNITS[unit]
        pos = match.end()
    if pos != len(text):
        raise ValueError(f"expected a duration like 30s, 5m or 2h, got {value!r}")
    return total


def parse_expiry(value: object, *, granted_at: datetime) -> datetime:
    """An absolute UTC expiry from an ISO timestamp or a duration after ``granted_at``.

    TOML datetimes arrive as ``datetime`` objects; naive ones are taken as UTC.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("expected an ISO timestamp like 2026-12-31T18:00:00Z, "
                             f"got {value!r}") from None
    else:
        try:
            seconds = parse_duration(value)
        except ValueError:
            raise ValueError("expected an ISO timestamp (2026-12-31T18:00:00Z) "
                             f"or a duration (2h, 30m), got {value!r}") from None
        return granted_at + timedelta(seconds=seconds)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_size(value: int | None) -> str:
    if value is None:
        return "unlimited"
    options = [f"{value}B"]
    for unit, factor in (("TiB", 1024 ** 4), ("GiB", 1024 ** 3), ("MiB", 1024 ** 2),
                         ("KiB", 1024), ("TB", 1000 ** 4), ("GB", 1000 ** 3),
                         ("MB", 1000 ** 2), ("kB", 1000)):
        if value >= factor and value % factor == 0:
            options.append(f"{value // factor}{unit}")
    return min(options, key=len)


def format_duration(value: float | None) -> str:
    if value is None:
        return "unlimited"
    if value == int(value):
        whole = int(value)
        for unit, factor in (("h", 3600), ("m", 60)):
            if whole >= factor and whole % factor == 0:
                return f"{whole // factor}{unit}"
        return f"{whole}s"
    return f"{value}s"
