"""Read YAML with PyYAML's C safe loader while keeping the line of every value for error reports."""

from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - libyaml missing: same results, slower
    from yaml import SafeLoader


class YamlSyntaxError(Exception):
    """A YAML file that does not parse."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def load(path: Path):
    """Return (data, lines): the document and {field path tuple: 1-based line}."""
    with open(path, "rb") as stream:
        loader = SafeLoader(stream)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            raise YamlSyntaxError(path, mark.line + 1 if mark else 1, str(error.problem)) from None
        finally:
            loader.dispose()
    lines = {}
    if node is not None:
        _record_lines(node, (), lines)
    return data, lines


def _record_lines(node, path, lines):
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _record_lines(value_node, path + (key_node.value,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, path + (index,), lines)


def line_of(lines, path):
    """The line of path, or of its nearest recorded ancestor (a missing field reports its parent)."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
