"""Read YAML with PyYAML's C safe loader while keeping the line of every value for error reports.

Claims and sources arrive by pull request, so a file is untrusted until read: its size is
checked before it is parsed, and its node graph (where aliases are shared nodes) is measured
before anything walks it — depth, aliases and the size it would expand to — so that a few
hundred bytes of nested aliases cannot make validation run for minutes.
"""

import operator
import re
from pathlib import Path

import yaml
from yaml.constructor import BaseConstructor

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
# An ampersand followed by a name character: an anchor when it stands at a line's start, after a
# space, or after a flow indicator ([ { ,). Text in a quoted scalar may match too: then the graph is
# only measured.
AMPERSAND_NAME = re.compile(r"&[^\s,\[\]{}]")
ANCHOR_PRECEDERS = "[{,"


class YamlSyntaxError(Exception):
    """A YAML file that does not parse, or that breaks a resource limit."""

    def __init__(self, path, line, message, code="yaml-syntax"):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message, self.code = path, line, message, code


def may_anchor(text: str) -> bool:
    """Whether the text may hold an anchor (&name). The ampersands are found first and their left
    side checked after: one regular expression that tried the left side at every character cost
    about a fifth of parsing the claims files (0.2 s of CPU at 10,000 claims)."""
    for match in AMPERSAND_NAME.finditer(text):
        start = match.start()
        if start == 0 or text[start - 1].isspace() or text[start - 1] in ANCHOR_PRECEDERS:
            return True
    return False


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

    With a cache.ParseCache, a file whose bytes were parsed before is read back, not parsed, and a
    file its worker processes parsed (cache.ahead) is taken from them."""
    if cache is not None and cache.ahead is not None:
        parsed = cache.ahead.take(path)
        if parsed is not None:
            return parsed
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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        # Aliases need an anchor (&name): without one the nodes form a plain tree, which one walk
        # turns into the data and its lines. With one, measure the graph first. (An ampersand inside
        # a word, as in a URL's query, is no anchor: measuring every claims file that cites a web
        # page cost a tenth of the build.)
        anchored = may_anchor(text)
        if not anchored:
            try:
                return tree(node, loader)
            except Exception:  # noqa: BLE001 - whatever the walk leaves or trips on, the loader's route decides
                pass
        else:
            measure(path, node)
        lines = {}
        _record_lines(node, (), lines, path)
        return _construct(path, loader, node), lines
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


class _Loader(SafeLoader):
    """The safe loader, with the resolver's per-node hooks made cheaper; the tags it gives are the same.

    PyYAML calls three Python methods for every node it composes (resolve, descend_resolver,
    ascend_resolver); without two of them and with a shorter third, composing the 10,000-claim
    benchmark's claims files took 0.63 s of CPU instead of 0.80 s. The safe loader has no path resolvers,
    so descending and ascending do nothing; resolve is Resolver.resolve without them.
    """

    if not SafeLoader.yaml_path_resolvers and None not in SafeLoader.yaml_implicit_resolvers:
        descend_resolver = staticmethod(operator.is_)  # a C function of two arguments: a no-op
        ascend_resolver = staticmethod(tuple)  # a C function of none

        def resolve(self, kind, value, implicit):
            if kind is yaml.ScalarNode:
                if implicit[0]:
                    for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                        if pattern.match(value):
                            return tag
                return _STR
            return _SEQ if kind is yaml.SequenceNode else _MAP


_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# Scalars of these tags are made by the loader's own constructor (called directly); any other tag,
# a merge key (<<), a key that is not a scalar, or a tagged collection leaves the file to the loader.
_SCALARS = {tag: SafeLoader.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")}


class _LeftToLoader(Exception):
    """A node the tree walk does not build: the loader's own constructor builds the whole document."""


def tree(node, loader):
    """(data, lines) of an alias-free node tree in one walk: what construct_document and _record_lines
    give, for the tags the composer resolved to plain data; _LeftToLoader for anything else."""
    lines = {(): node.start_mark.line + 1}
    if node.__class__ is yaml.MappingNode:
        return _mapping(node, (), lines, loader, 0), lines
    if node.__class__ is yaml.SequenceNode:
        return _sequence(node, (), lines, loader, 0), lines
    return _scalar(node, loader), lines


def _scalar(node, loader):
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _NULL:
        return None
    construct = _SCALARS.get(tag)
    if construct is None:
        raise _LeftToLoader(tag)
    return construct(loader, node)


def _mapping(node, path, lines, loader, depth):
    """The dict of a mapping node at depth (the root's is 0), its values' lines recorded under path."""
    if node.tag != _MAP or (depth >= MAX_DEPTH and node.value):  # children too deep: the loader's route says so
        raise _LeftToLoader(node.tag)
    data = {}
    for key_node, value_node in node.value:
        if key_node.__class__ is not yaml.ScalarNode:
            raise _LeftToLoader("a key that is not a scalar")
        key = key_node.value if key_node.tag == _STR else _scalar(key_node, loader)
        where = path + (key_node.value,)
        lines[where] = value_node.start_mark.line + 1
        kind = value_node.__class__
        if kind is yaml.ScalarNode:
            data[key] = value_node.value if value_node.tag == _STR else _scalar(value_node, loader)
        elif kind is yaml.MappingNode:
            data[key] = _mapping(value_node, where, lines, loader, depth + 1)
        else:
            data[key] = _sequence(value_node, where, lines, loader, depth + 1)
    return data


def _sequence(node, path, lines, loader, depth):
    if node.tag != _SEQ or (depth >= MAX_DEPTH and node.value):
        raise _LeftToLoader(node.tag)
    data = []
    for index, item in enumerate(node.value):
        where = path + (index,)
        lines[where] = item.start_mark.line + 1
        kind = item.__class__
        if kind is yaml.ScalarNode:
            data.append(item.value if item.tag == _STR else _scalar(item, loader))
        elif kind is yaml.MappingNode:
            data.append(_mapping(item, where, lines, loader, depth + 1))
        else:
            data.append(_sequence(item, where, lines, loader, depth + 1))
    return data


def _construct(path, loader, node):
    """The loader's own construct_document; a scalar its tag cannot make (a 30 February, an empty
    !!float) is reported at its line instead of escaping as a Python error."""
    try:
        return loader.construct_document(node)
    except (ValueError, LookupError, AttributeError, TypeError) as error:
        bad = _unconstructable(loader, node)
        if bad is None:
            raise
        raise YamlSyntaxError(path, bad.start_mark.line + 1,
                              f"{bad.value!r} cannot be read as {bad.tag.rsplit(':', 1)[-1]}: {error}") from None


def _unconstructable(loader, root):
    """The first scalar node (in document order) that the loader's constructor fails on, or None."""
    pending, seen = [root], set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.yaml_constructors.get(node.tag, BaseConstructor.construct_scalar)(loader, node)
            except (ValueError, LookupError, AttributeError, TypeError):
                return node
        else:
            pending.extend(reversed(_children(node)))
    return None


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
