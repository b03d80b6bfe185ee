"""Messages a YAML author can act on: what was given, what is expected, and the closest known id."""

import difflib

# What each of Pydantic's error types expects, in the words of the person writing the YAML.
EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "date_type": "an ISO date, YYYY-MM-DD (a partial date goes in published_text)",
    "date_from_datetime_parsing": "an ISO date, YYYY-MM-DD (a partial date goes in published_text)",
    "date_parsing": "an ISO date, YYYY-MM-DD (a partial date goes in published_text)",
}


def given(value) -> str:
    """The value as the author wrote it, with what YAML made of it."""
    kinds = {bool: "true/false", int: "the number", float: "the number", str: "the text", list: "a list",
             dict: "a mapping", type(None): "nothing (null)"}
    kind = kinds.get(type(value), type(value).__name__)
    if isinstance(value, (list, dict)) or value is None:
        return kind
    shown = repr(value) if isinstance(value, str) else str(value)
    return f"{kind} {shown[:80]}"


def closest(wanted, known) -> str:
    """"; did you mean 'x'?" for the nearest known ids, or "" when none is near."""
    if not isinstance(wanted, str):
        return ""
    matches = difflib.get_close_matches(wanted, list(known), n=2, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(match) for match in matches)}?" if matches else ""


def explain_pydantic(item) -> str:
    """One Pydantic error as a sentence: what was given, what is expected."""
    field = item["loc"][-1] if item["loc"] else "(file)"
    if item["type"] == "extra_forbidden":
        return f"unknown field {field!r}"
    if item["type"] == "missing":
        return f"required field {field!r} is missing"
    if item["type"] == "literal_error":
        allowed = item.get("ctx", {}).get("expected", "")
        guesses = closest(item.get("input"), [word.strip(" '") for word in allowed.replace(" or ", ", ").split(",")])
        return f"got {given(item.get('input'))}; expected one of {allowed}{guesses}"
    if item["type"] in EXPECTED:
        return f"got {given(item.get('input'))}; expected {EXPECTED[item['type']]}"
    return f"{item['msg']} (got {given(item.get('input'))})"
