"""Time travel in the adapter: the history model, navigation, the recording file, and the
session behaviour for stepping through the past (live and replay). See docs/time-travel.md."""
