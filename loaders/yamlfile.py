"""Read YAML with PyYAML's C safe loader while keeping the line of every value for error reports.

Claims and sources arrive by pull request, so a file is untrusted until read: its size is
checked before it is parsed, and its node graph (where aliases are shared nodes) is measured
before anything walks it — depth, aliases and the size it would expand to — so that a few
hundred bytes of nested aliases cannot make validation run for minutes.
"""

import re
from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - libyaml missing: same results, slower
    from yaml import SafeLoader

# Limits, each far above what a real claims or sources file needs (the largest curated claims
# file is under 40 KB with ~100 claims).
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_ALIASES = 200
MAX_EXPANDED_NODES = 200_000
# Where an anchor can stand: at a line's start, after a space, or after a flow indicator ([ { ,),
# followed by its name. Text in a quoted scalar may match too: then the graph is only measured.
MAY_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s,\[\]{}]", re.MULTILINE)


class YamlSyntaxError(Exception):
    """A YAML file that does not parse, or that breaks a resource limit."""

    def __init__(self, path, line, message, code="yaml-syntax"):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message, self.code = path, line, message, code


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large to be a claims file."""
    path = Path(path)
    if not path.is_file():  # a directory, a pipe or a device: never opened, so never waited on
        raise YamlSyntaxError(path, 1, "is not a regular file (a directory, pipe or device)", "not-a-file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlSyntaxError(path, 1, f"{size:,} bytes: larger than the {MAX_BYTES:,}-byte limit",
                                  "file-too-large")
        return path.read_bytes()
    except OSError as error:
        raise YamlSyntaxError(path, 1, f"cannot be read: {error.strerror or error}", "unreadable-file") from None


def decode(path, raw: bytes) -> str:
    """UTF-8 text (a leading byte-order mark is allowed); any other encoding is a problem with its line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise YamlSyntaxError(path, line, f"byte 0x{raw[error.start]:02x} at offset {error.start} is not UTF-8: "
                                          "save the file as UTF-8", "not-utf8") from None


def load(path: Path, cache=None):
    """Return (data, lines): the document and {field path tuple: 1-based line}.

    With a cache.ParseCache, a file whose bytes were parsed before is read back, not parsed."""
    raw = read_bytes(path)
    if cache is not None:
        key = cache.key(raw)
        cached = cache.get(key)
        if cached is not None:
            return cached
    data, lines = parse(path, raw)
    if cache is not None:
        cache.put(key, (data, lines))
    return data, lines


def parse(path: Path, raw: bytes):
    """(data, lines) of the file's bytes; YamlSyntaxError naming the line when they are not good YAML."""
    text = decode(path, raw)
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines = {}
        if node is not None:
            # Aliases need an anchor (&name): without one the nodes form a plain tree, and the walk
            # that records the lines checks its depth too. With one, measure the graph first. (An
            # ampersand inside a word, as in a URL's query, is no anchor: measuring every claims file
            # that cites a web page cost a tenth of the build.)
            if MAY_ANCHOR.search(text):
                measure(path, node)
            _record_lines(node, (), lines, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlSyntaxError(path, mark.line + 1 if mark else 1, str(error.problem)) from None
    except yaml.reader.ReaderError as error:  # characters YAML does not allow: control characters
        line = text[:error.position].count("\n") + 1
        code_point = error.character if isinstance(error.character, int) else ord(error.character)
        raise YamlSyntaxError(path, line, f"character U+{code_point:04X} is not allowed in YAML "
                                          "(a control character): delete it", "control-character") from None
    except RecursionError:
        raise YamlSyntaxError(path, 1, "nested too deeply to read", "yaml-too-deep") from None
    finally:
        loader.dispose()
    return data, lines


def measure(path, root):
    """Refuse a node graph that is too deep, aliases too much, refers to itself or expands too far.

    Shared nodes are aliases; their expanded sizes are counted once each (memoised), so this
    walk is linear in the distinct nodes, not in what the aliases would expand to.
    """
    expanded, visits, on_path = {}, {}, set()

    def walk(node, depth):
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(path, node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels",
                                  "yaml-too-deep")
        key = id(node)
        visits[key] = visits.get(key, 0) + 1
        if key in on_path:
            raise YamlSyntaxError(path, node.start_mark.line + 1, "an alias refers to the node that contains it",
                                  "yaml-recursive-alias")
        if key in expanded:
            return expanded[key]
        on_path.add(key)
        children = _children(node)
        size = 1 + sum(walk(child, depth + 1) for child in children)
        on_path.discard(key)
        expanded[key] = size
        return size

    total = walk(root, 0)
    # Without aliases the expanded size is the file's own size; with them it must stay near it.
    if total > MAX_EXPANDED_NODES and total > 2 * len(expanded):
        raise YamlSyntaxError(path, root.start_mark.line + 1,
                              f"aliases expand {len(expanded):,} values to {total:,}", "yaml-alias-bomb")
    aliases = sum(count - 1 for count in visits.values() if count > 1)
    if aliases > MAX_ALIASES:
        raise YamlSyntaxError(path, root.start_mark.line + 1, f"{aliases} alias uses: more than {MAX_ALIASES}",
                              "yaml-too-many-aliases")


def _children(node):
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _record_lines(node, path, lines, file, depth=0):
    """Record each value's line under its field path (None below a key that is not a scalar)."""
    if depth > MAX_DEPTH:
        raise YamlSyntaxError(file, node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels",
                              "yaml-too-deep")
    if path is not None:
        lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                _record_lines(value_node, None if path is None else path + (key_node.value,), lines, file, depth + 1)
            else:
                _record_lines(key_node, None, lines, file, depth + 1)
                _record_lines(value_node, None, lines, file, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, None if path is None else path + (index,), lines, file, depth + 1)


def line_of(lines, path):
    """The line of path, or of its nearest recorded ancestor (a missing field reports its parent)."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
