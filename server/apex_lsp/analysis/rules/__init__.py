"""One module per rule. See :mod:`apex_lsp.analysis.rule` for the contract."""
