from apex_lsp.analysis import ruledocs


def test_generated_rule_docs_are_current():
    assert ruledocs.main(["--check"]) == 0, (
        "docs/rules is stale: run `python -m apex_lsp.analysis.ruledocs`")
