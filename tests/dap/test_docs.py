"""docs/debugging.md's attribute tables are generated from the msgspec Structs."""
import subprocess
import sys

from apex_dap import docs
from apex_dap.capabilities import adapter_capabilities


def test_attribute_tables_are_up_to_date():
    with open(docs.DOC, encoding="utf-8") as f:
        text = f.read()
    assert docs.render(text) == text, "run `python -m apex_dap.docs` to regenerate"


def test_every_custom_request_handler_is_documented():
    from apex_dap.session import Session
    with open(docs.DOC, encoding="utf-8") as f:
        text = f.read()
    from apex_dap import extensions
    custom = [name[:-len("_request")] for name in dir(Session)
              if name.startswith("apex") and name.endswith("_request")]
    custom += [name for name in extensions.commands() if name.startswith("apex")]
    assert {"apexStateEdits", "apexUndoStateEdit", "apexPolicy", "apexTarget"} <= set(custom)
    for name in custom:
        assert f"`{name}`" in text, name


def test_no_step_back_advertised_without_history():
    caps = adapter_capabilities()
    assert caps["supportsStepBack"] is False and caps["supportsRestartFrame"] is False


def test_apex_cli_has_the_dap_command():
    out = subprocess.run([sys.executable, "-m", "apex_cli", "dap", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--port" in out.stdout, out.stderr


def test_configuration_attributes_are_valid_json_schemas():
    import jsonschema
    attributes = docs.configuration_attributes()
    assert set(attributes) == {"launch", "attach"}
    for request, schema in attributes.items():
        jsonschema.Draft7Validator.check_schema({"type": "object", **schema})
        assert "$ref" not in str(schema), request
    launch = {"type": "object", **attributes["launch"]}
    jsonschema.validate({"program": "x.py", "stopOnEntry": True, "mode": "isolation"}, launch)
    try:
        jsonschema.validate({"mode": "lenient"}, launch)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("an unknown mode must not validate")
    attach = {"type": "object", **attributes["attach"]}
    jsonschema.validate({"connect": {"host": "127.0.0.1", "port": 5678}}, attach)
