"""Code that runs inside the target process: standard library (plus debugpy) only, Python 3.9+.

Nothing here may import msgspec or the rest of apex_dap: ``apex_dap_boot.py`` is run as a
script, and ``frame_edit.py`` is sent to the target as source text.
"""
