"""Read YAML with PyYAML's C parser (libyaml) while keeping the line of every value for error reports.

A document of plain data is built straight from the parser's events; one with anchors, merge keys,
unusual tags or errors goes through the C safe loader's composer and constructor, which decide.

Claims and sources arrive by pull request, so a file is untrusted until read: its size is
checked before it is parsed, and its node graph (where aliases are shared nodes) is measured
before anything walks it — depth, aliases and the size it would expand to — so that a few
hundred bytes of nested aliases cannot make validation run for minutes.
"""

import operator
import re
from pathlib import Path

import yaml
from yaml.constructor import BaseConstructor, SafeConstructor
from yaml.events import (DocumentEndEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent,
                         SequenceStartEvent, StreamEndEvent)

try:
    from yaml import CSafeLoader as SafeLoader
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - libyaml missing: same results, slower
    from yaml import SafeLoader
    CParser = None

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
    # Aliases need an anchor (&name): without one the document is a plain tree, which one walk over
    # the parser's events turns into the data and its lines. With one, the loader composes the
    # node graph, which is measured first. (An ampersand inside a word, as in a URL's query, is no
    # anchor: measuring every claims file that cites a web page cost a tenth of the build.)
    anchored = may_anchor(text)
    if not anchored and _WALK_EVENTS:
        try:
            return events_tree(text)
        except Exception:  # noqa: BLE001 - whatever the walk leaves or trips on, the loader's route decides
            pass
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if anchored:
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
_MERGE = "tag:yaml.org,2002:merge"
# Scalars of these tags are made by the loader's own constructor (called directly); any other tag,
# a merge key (<<), a key that is not a scalar, or a tagged collection leaves the file to the loader.
_SCALARS = {tag: SafeLoader.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")}


class _LeftToLoader(Exception):
    """A document the event walk does not build: the loader's own composer and constructor build it."""


# The first characters a plain scalar of another type than str can start with, and the resolvers
# to try for each (what Resolver.resolve looks up): text starting with any other character is str.
_IMPLICIT = SafeLoader.yaml_implicit_resolvers
# Plain scalars up to this many characters, once resolved, are remembered with their data (an
# int, a date, None or the text itself): years, nulls, booleans and short words recur in every file.
_KNOWN_LENGTH = 32
_KNOWN_COUNT = 50_000
_known = {}
_known_keys = {}
_constructor = SafeConstructor()
# The walk resolves as the safe loader does while it has no path resolvers and no resolver for
# every first character (as _Loader.resolve assumes); with libyaml missing, there are no events.
_WALK_EVENTS = CParser is not None and not SafeLoader.yaml_path_resolvers and None not in _IMPLICIT


def events_tree(text: str):
    """(data, lines) of an alias-free document read from the C parser's events, without composing
    nodes: what the loader's composer, its constructor and _record_lines give, for documents of
    plain data; _LeftToLoader (or the parser's own error) for anything else.

    Composing built a node and two marks per value and called back into Python to resolve each
    scalar; the events give the same values, tags and lines in two thirds of the time (README)."""
    parser = CParser(text)
    try:
        get = parser.get_event
        get()  # the stream's start
        if get().__class__ is StreamEndEvent:  # no document: what get_single_node gives as None
            return None, {}
        root = get()
        lines = {(): root.start_mark.line + 1}
        kind = root.__class__
        if kind is ScalarEvent:
            data = _scalar(root)
        elif kind is MappingStartEvent:
            data = _mapping(root, get, (), lines, 0)
        elif kind is SequenceStartEvent:
            data = _sequence(root, get, (), lines, 0)
        else:
            raise _LeftToLoader(kind.__name__)
        if get().__class__ is not DocumentEndEvent or get().__class__ is not StreamEndEvent:
            raise _LeftToLoader("more than one document")
        return data, lines
    finally:
        parser.dispose()


def _scalar(event):
    """The data of a scalar event: its tag as the composer resolves it, made as the constructor makes it."""
    tag = event.tag
    if tag is None or tag == "!":  # no tag, or the non-specific one: resolved from the text
        return _plain(event.value) if event.implicit[0] else event.value
    if tag == _STR:
        return event.value
    if tag == _NULL:
        return None
    construct = _SCALARS.get(tag)
    if construct is None:
        raise _LeftToLoader(tag)
    return construct(_constructor, yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style))


def _plain(value):
    """The data of a plain scalar: a str unless one of the implicit resolvers for its first character matches."""
    resolvers = _IMPLICIT.get(value[:1])
    if resolvers is None:
        return value
    known = _known.get(value)
    if known is not None:
        return known[0]
    for tag, pattern in resolvers:
        if pattern.match(value):
            break
    else:
        tag = _STR
    if tag == _STR:
        data = value
    elif tag == _NULL:
        data = None
    else:
        construct = _SCALARS.get(tag)
        if construct is None:  # a merge key (<<), a value key (=) or the yaml tag: the loader's
            raise _LeftToLoader(tag)
        data = construct(_constructor, yaml.ScalarNode(tag, value))
    if len(value) <= _KNOWN_LENGTH and len(_known) < _KNOWN_COUNT:
        _known[value] = (data,)
    return data


def _plain_key(text):
    """(data, text) of a plain key, remembered: every claim repeats the same few keys, which then are
    one string each in the data, the lines and the parse cache's pickles (smaller and faster to write)."""
    known = (_plain(text), text)
    if len(text) <= _KNOWN_LENGTH and len(_known_keys) < _KNOWN_COUNT:
        _known_keys[text] = known
    return known


def _collection_start(event, expected, depth):
    """Refuse a collection the loader would build otherwise: another tag, or one nested too deeply
    (the loader's route reports that at its line)."""
    tag = event.tag
    if (tag is not None and tag != "!" and tag != expected) or depth >= MAX_DEPTH:
        raise _LeftToLoader(tag or "too deep")


def _mapping(start, get, path, lines, depth):
    """The dict of the mapping that start opens, at depth (the root's is 0), its values' lines recorded under path."""
    _collection_start(start, _MAP, depth)
    data = {}
    while True:
        key_event = get()
        kind = key_event.__class__
        if kind is MappingEndEvent:
            return data
        if kind is not ScalarEvent:
            raise _LeftToLoader("a key that is not a scalar")
        text = key_event.value
        if key_event.tag is None and key_event.implicit[0]:  # a plain key, as nearly all are
            known = _known_keys.get(text)
            if known is None:
                known = _plain_key(text)
            key, text = known
        else:
            key = _scalar(key_event)
        if key in data:  # PyYAML keeps the last silently; the loader's route reports it at its line
            raise _LeftToLoader("a duplicate key")
        value = get()
        where = path + (text,)
        lines[where] = value.start_mark.line + 1
        kind = value.__class__
        if kind is ScalarEvent:
            if value.tag is None and value.implicit[0]:  # the common case, without a call
                text = value.value
                data[key] = text if text[:1] not in _IMPLICIT else _plain(text)
            else:
                data[key] = _scalar(value)
        elif kind is MappingStartEvent:
            data[key] = _mapping(value, get, where, lines, depth + 1)
        elif kind is SequenceStartEvent:
            data[key] = _sequence(value, get, where, lines, depth + 1)
        else:
            raise _LeftToLoader(kind.__name__)


def _sequence(start, get, path, lines, depth):
    _collection_start(start, _SEQ, depth)
    data = []
    index = 0
    while True:
        item = get()
        kind = item.__class__
        if kind is SequenceEndEvent:
            return data
        where = path + (index,)
        lines[where] = item.start_mark.line + 1
        if kind is ScalarEvent:
            if item.tag is None and item.implicit[0]:
                text = item.value
                data.append(text if text[:1] not in _IMPLICIT else _plain(text))
            else:
                data.append(_scalar(item))
        elif kind is MappingStartEvent:
            data.append(_mapping(item, get, where, lines, depth + 1))
        elif kind is SequenceStartEvent:
            data.append(_sequence(item, get, where, lines, depth + 1))
        else:
            raise _LeftToLoader(kind.__name__)
        index += 1


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
        first_lines = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                _refuse_duplicate(key_node, first_lines, file)
                _record_lines(value_node, None if path is None else path + (key_node.value,), lines, file, depth + 1)
            else:
                _record_lines(key_node, None, lines, file, depth + 1)
                _record_lines(value_node, None, lines, file, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, None if path is None else path + (index,), lines, file, depth + 1)


def _refuse_duplicate(key_node, first_lines, file):
    """A key written twice in one mapping is a problem at its second line: the loader would keep the
    second value and drop the first without a word (a claim's second quote: replacing its first)."""
    if key_node.tag == _MERGE:  # merge keys (<<) are the loader's to combine
        return
    key = (key_node.tag, key_node.value)
    if key in first_lines:
        raise YamlSyntaxError(file, key_node.start_mark.line + 1,
                              f"key {key_node.value!r} appears twice in one mapping (first on line {first_lines[key]}); "
                              "the second would replace the first", "duplicate-key")
    first_lines[key] = key_node.start_mark.line + 1


def line_of(lines, path):
    """The line of path, or of its nearest recorded ancestor (a missing field reports its parent)."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
