from apex_lsp.analysis.taint import docgen


def test_taint_docs_are_generated_from_the_tables():
    assert docgen.main(["--check"]) == 0, (
        "docs/taint.md is stale: run `python -m apex_lsp.analysis.taint.docgen`")


def test_every_table_entry_is_documented():
    from apex_lsp.analysis.taint import tables
    page = docgen.render()
    for name in list(tables.SINKS) + list(tables.SANITIZERS) + list(tables.SOURCE_CALLS):
        assert f"`{name}`" in page, name
