"""yamlfile.parse builds the data and the lines in one walk over the composed nodes: it must give exactly
what the C loader's constructor (yaml.load with CSafeLoader) and the former line walk gave, and the same
problems, for every YAML file of the repository and for documents written to be awkward."""

import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import yamlfile

REPO = Path(__file__).resolve().parent.parent
REPO_YAML = sorted(path for folder in ("claims", "sources", "loaders", "benchmarks", "tests/golden")
                   for path in (REPO / folder).rglob("*.yaml"))


def parse_before(path, raw):
    """yamlfile.parse as it was before the one-walk reader (commit 7707d0e): the reference."""
    text = yamlfile.decode(path, raw)
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        lines = {}
        if node is not None:
            if yamlfile.may_anchor(text):
                yamlfile.measure(path, node)
            yamlfile._record_lines(node, (), lines, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise yamlfile.YamlSyntaxError(path, mark.line + 1 if mark else 1, str(error.problem)) from None
    except yaml.reader.ReaderError as error:
        line = text[:error.position].count("\n") + 1
        code_point = error.character if isinstance(error.character, int) else ord(error.character)
        raise yamlfile.YamlSyntaxError(path, line, f"character U+{code_point:04X} is not allowed in YAML "
                                                   "(a control character): delete it", "control-character") from None
    except RecursionError:
        raise yamlfile.YamlSyntaxError(path, 1, "nested too deeply to read", "yaml-too-deep") from None
    finally:
        loader.dispose()
    return data, lines


def typed(value):
    """value with every type spelled out (1, 1.0 and True are equal in Python) and NaN comparable."""
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if isinstance(value, (list, tuple, set)):
        return (type(value).__name__, [typed(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, repr(value))


def outcome(parse, raw, path=Path("doc.yaml")):
    """What parse makes of raw: the typed data and lines, or the problem it reports, or the Python error."""
    try:
        data, lines = parse(path, raw)
    except yamlfile.YamlSyntaxError as error:
        return ("problem", error.code, error.line, error.message)
    except Exception as error:  # noqa: BLE001 - the reference may fail with a Python error: recorded as such
        return ("python-error", type(error).__name__)
    return ("data", typed(data), sorted(lines.items(), key=repr))


def assert_same(raw):
    before, now = outcome(parse_before, raw), outcome(yamlfile.parse, raw)
    if before[0] == "python-error":  # a traceback before: now a problem at a line
        assert now[0] == "problem" and now[1] == "yaml-syntax", (raw, now)
    else:
        assert now == before, raw
    if now[0] == "data":  # and the data is the C loader's own
        assert now[1] == typed(yaml.load(raw, Loader=yaml.CSafeLoader)), raw


def test_the_repository_has_yaml_files_of_every_kind():
    folders = {path.relative_to(REPO).parts[0] for path in REPO_YAML}
    assert {"claims", "sources", "loaders", "benchmarks", "tests"} <= folders and len(REPO_YAML) > 150


@pytest.mark.parametrize("path", REPO_YAML, ids=lambda path: str(path.relative_to(REPO)))
def test_every_repository_file_reads_as_the_c_loader_and_the_former_line_walk_read_it(path):
    assert_same(path.read_bytes())


def test_files_without_anchors_take_the_one_walk(monkeypatch):
    """The comparison above must cover the new walk, not the loader's route it falls back on."""
    fallbacks = []
    real = yamlfile._record_lines
    monkeypatch.setattr(yamlfile, "_record_lines", lambda *args: fallbacks.append(args[0]) or real(*args))
    plain = [path for path in REPO_YAML if outcome(parse_before, path.read_bytes())[0] == "data"
             and not yamlfile.may_anchor(path.read_text(encoding="utf-8"))]
    assert len(plain) > 150
    fallbacks.clear()
    for path in plain:
        yamlfile.parse(path, path.read_bytes())
    assert fallbacks == []


TRICKY = [
    "",
    "# only a comment\n",
    "---\n...\n",
    "~\n",
    "plain scalar at the top\n",
    "- 1\n- -2\n- +3\n- 0\n- 00\n- 017\n- 0o17\n- 0x1F\n- 0b101\n- 1_000\n- 190:20:30\n- 12345678901234567890\n",
    "- 1.5\n- 1e3\n- 1.0e+3\n- 6.8523015e+5\n- -.inf\n- .Inf\n- .NaN\n- 1_0.5\n- 190:20:30.15\n- .5\n- 5.\n",
    "- yes\n- No\n- on\n- OFF\n- y\n- n\n- true\n- FALSE\n- ~\n- null\n- Null\n-\n- ''\n- 'yes'\n- \"1\"\n",
    "- 2001-12-14\n- 2001-12-14t21:59:43.10-05:00\n- 2001-12-14 21:59:43.10 -5\n- 2002-12-14 01:02:03\n",
    "published: 2021-03-09\npublished_text: '2021-03-09'\n",
    "a: 1\na: 2\nb: {c: 1, c: [x]}\n",  # duplicate keys: the later value, the first place
    "1: int key\n2.5: float key\nyes: bool key\n~: null key\n2001-01-01: date key\n",
    "outer: {inner: [1, {deep: [a, b, {deeper: ~}]}], flow: [[], {}, [[x]]]}\n",
    "base: &b {x: 1, y: 2}\nmerged:\n  <<: *b\n  y: 3\n",
    "merged:\n  <<: {x: 1}\n  <<: [{y: 2}, {z: 3}]\n  w: 4\n",  # merge keys without anchors
    "a: &x [1, 2]\nb: *x\nc: *x\n",
    "=: value key\n",
    "!!set {a, b}\n",
    "!!omap [a: 1, b: 2]\n",
    "- !!pairs [a: 1, a: 2]\n",
    "- !!binary aGVsbG8=\n- !!str 12\n- !!int '12'\n- !!float '1'\n- !!bool 'yes'\n- !!null ''\n",
    "? [a, b]\n: complex key\n",
    "? {a: 1}\n: mapping key\n",
    "- !custom tag\n",
    "- !!python/object:os.system x\n",
    "a: !!map {b: 1}\nc: !!seq [1]\n",
    "a: |\n  literal\n  block\nb: >\n  folded\n  block\nc: 'single ''quoted'''\nd: \"double \\\"quoted\\\"\"\n",
    "url: https://example.org/?db=pubmed&id=28 and Q&A\n",
    "key: value\n  bad: indentation\n",
    "a: [1, 2\n",
    "- a\nb: c\n",
    "first\n---\nsecond\n",
    "a: *missing\n",
    "tab:\t\x01\n",
    "published: 2021-02-30\n",  # not a date: was a Python error, now a problem at its line
    "- !!int 0b_\n",
    "- !!float ''\n",
    "- !!timestamp not-a-date\n",
    "x: &a [*a]\n",
    "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(45)) + "  " * 45 + "leaf\n",
    "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(40)) + "  " * 40 + "leaf\n",
    "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(39)) + "  " * 39 + "leaf\n",
    "[" * 39 + "x" + "]" * 39 + "\n",
    "[" * 41 + "x" + "]" * 41 + "\n",
    "[" * 41 + "]" * 41 + "\n",
    "claims:\n- id: a\n  value: {min: 8, max: 12.0, unit: sessions}\n  quote: 'Caf\u00e9 \u2014 \u201cquoted\u201d'\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_awkward_documents_read_as_before(text):
    assert_same(text.encode("utf-8"))


def test_a_value_its_tag_cannot_make_is_a_problem_at_its_line_not_a_traceback():
    with pytest.raises(yamlfile.YamlSyntaxError) as error:
        yamlfile.parse(Path("s.yaml"), b"id: s\npublished: 2021-02-30\n")
    assert (error.value.code, error.value.line) == ("yaml-syntax", 2)
    assert "2021-02-30" in error.value.message and "timestamp" in error.value.message
    with pytest.raises(yamlfile.YamlSyntaxError) as error:  # the loader's route (an anchor) says so too
        yamlfile.parse(Path("s.yaml"), b"a: &x 1\nb:\n- *x\n- !!float ''\n")
    assert error.value.line == 4


def test_the_resolver_gives_the_tags_of_the_safe_loader():
    loader = yamlfile._Loader("")
    stock = yaml.resolver.Resolver()
    values = ["", "~", "null", "yes", "Yes", "YES", "yEs", "no", "on", "Off", "y", "n", "true", "1", "-1", "+1", "0x1f",
              "0o7", "1_0", "1:20", "1.5", "1e3", "1.0e3", "1.0e+3", ".inf", "-.INF", ".nan", ".NaN", ".", "-", "+",
              "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=", "!", "&a", "*a", "text", "Tom", "nothing"]
    try:
        for value in values:
            for implicit in ((True, False), (False, True), (False, False)):
                assert loader.resolve(yaml.ScalarNode, value, implicit) == stock.resolve(yaml.ScalarNode, value, implicit)
        for kind in (yaml.SequenceNode, yaml.MappingNode):
            assert loader.resolve(kind, None, (True, False)) == stock.resolve(kind, None, (True, False))
    finally:
        loader.dispose()


SCALARS = st.one_of(
    st.sampled_from(["yes", "No", "on", "~", "null", "", "1e3", "1.5e+3", "1_000", "0o17", "017", "0x1F", "0b1",
                     "12:30", "-1.5", ".inf", "-.Inf", ".NaN", "2001-12-14", "2001-12-14 21:59:43.10 -5", "<<", "=",
                     "!", "&x", "*x", "a b", "a: b", "- a", "#c", "'", '"', "[", "{", "%", "@", "`", "é", "\u2014",
                     "2021-02-30", "!!int 3", "!!str 3", "!custom x"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6))


def render(value, depth, flow):
    """A YAML text for value (a scalar and its quoting as a tuple, a list, or a mapping as {"pairs": [...]}),
    in block or flow style."""
    if isinstance(value, tuple):  # a scalar and how to quote it
        text, style = value
        if style == "single":
            return "'" + text.replace("'", "''") + "'"
        if style == "double":
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return text
    if flow or depth > 3:
        if isinstance(value, list):
            return "[" + ", ".join(render(item, depth + 1, True) for item in value) + "]"
        return "{" + ", ".join(f"{render(k, depth + 1, True)}: {render(v, depth + 1, True)}"
                               for k, v in value["pairs"]) + "}"
    indent = "  " * depth
    if isinstance(value, list):
        return "".join(f"\n{indent}- {render(item, depth + 1, flow)}" for item in value) or "[]"
    return "".join(f"\n{indent}{render(k, depth + 1, True)}: {render(v, depth + 1, flow)}"
                   for k, v in value["pairs"]) or "{}"


QUOTED = st.tuples(SCALARS, st.sampled_from(["plain", "plain", "single", "double"]))
NESTED = st.recursive(QUOTED, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.builds(lambda pairs: {"pairs": pairs}, st.lists(st.tuples(QUOTED, children), max_size=4))), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(NESTED, st.booleans())
def test_generated_documents_read_as_the_c_loader_reads_them(value, flow):
    assert_same(render(value, 0, flow).lstrip("\n").encode("utf-8"))


def test_the_parse_benchmark_runs_on_the_repository(capsys):
    from benchmarks import parse_bench

    parse_bench.main([str(REPO), "--rounds", "1"])
    figures = json.loads(capsys.readouterr().out)
    assert figures["files"] > 100 and figures["floor_cpu_s"] > 0 and figures["reader_cpu_s"] > 0


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",  # an alias
    "a: *x\n",  # an alias without its anchor: the composer says so
    "m:\n  <<: {x: 1}\n",  # a merge key
    "=: v\n",  # a value key
    "!!set {a, b}\n",
    "- !custom x\n",
    "? [a]\n: complex key\n",
    "first\n---\nsecond\n",
    "[" * 41 + "x" + "]" * 41 + "\n",
])
def test_the_event_walk_leaves_what_it_does_not_build_to_the_loader(text):
    """Never a wrong result: anything but plain data is refused by the walk (and parse then takes the loader's
    route, which test_awkward_documents_read_as_before compares with the reference)."""
    with pytest.raises((yamlfile._LeftToLoader, yaml.YAMLError)):
        yamlfile.events_tree(text)


def test_remembered_scalars_and_keys_give_the_same_data_again_and_share_one_key_string(monkeypatch):
    monkeypatch.setattr(yamlfile, "_known", {})
    monkeypatch.setattr(yamlfile, "_known_keys", {})
    long_plain = "Twenty-two participants took part in the trial"
    text = f"- year: 2021\n  on: yes\n  notes: null\n  text: {long_plain}\n" * 2
    first, second = yamlfile.parse(Path("a.yaml"), text.encode()), yamlfile.parse(Path("a.yaml"), text.encode())
    assert typed(first[0]) == typed(second[0]) == typed(yaml.load(text, Loader=yaml.CSafeLoader))
    assert first[1] == second[1]
    assert {"2021", "yes", "null"} <= set(yamlfile._known) and long_plain not in yamlfile._known
    assert set(yamlfile._known_keys) == {"year", "on", "notes", "text"}
    (key_a, *_), (key_b, *_) = first[0][0], second[0][1]
    assert key_a is key_b  # one string for every "year" key: in the data, the lines and the cache's pickles
    assert [path[1] for path in first[1] if len(path) == 2][0] is key_a
    assert first[0][0][True] is True  # the key "on" is the boolean, as the C loader reads it


def test_the_remembered_values_are_bounded(monkeypatch):
    monkeypatch.setattr(yamlfile, "_known", {})
    monkeypatch.setattr(yamlfile, "_KNOWN_COUNT", 3)
    yamlfile.parse(Path("a.yaml"), "".join(f"- {n}\n" for n in range(10)).encode())
    assert len(yamlfile._known) == 3


def test_the_benchmark_corpus_reads_as_the_former_reader_read_it(tmp_path):
    """The files the build benchmarks time (benchmarks/corpus.py), which the event walk was made fast for."""
    from benchmarks.corpus import write_project

    write_project(tmp_path, 100, per_source=25, seed=5)
    paths = sorted(tmp_path.rglob("*.yaml"))
    assert len(paths) > 10
    for path in paths:
        assert_same(path.read_bytes())


@pytest.mark.parametrize("text, line, first", [
    ("a: 1\nb: 2\na: 3\n", 3, 1),  # the event walk's route
    ("claims:\n- id: x\n  quote: one\n  quote: two\n", 4, 3),  # inside a claim
    ("a: &x 1\nb: *x\nb: 2\n", 3, 2),  # an anchored document: the loader's route
    ("{a: 1, a: 2}\n", 1, 1),  # a flow mapping
    ("a: 1\n'a': 2\n", 2, 1),  # quoted or plain, the same key
])
def test_a_key_written_twice_is_a_problem_at_its_second_line(text, line, first):
    """PyYAML's loader keeps the second value and drops the first silently: the build refuses instead."""
    with pytest.raises(yamlfile.YamlSyntaxError) as error:
        yamlfile.parse(Path("doc.yaml"), text.encode())
    assert (error.value.code, error.value.line) == ("duplicate-key", line)
    assert f"first on line {first}" in error.value.message


@pytest.mark.parametrize("text", [
    "m:\n  <<: {x: 1}\n  <<: {y: 2}\n",  # merge keys combine
    "- !!pairs [a: 1, a: 2]\n",  # pairs are a list of one-key mappings
    "1: a\n'1': b\n",  # an int and a str are two keys
    "a: {k: 1}\nb: {k: 2}\n",  # the same key in two mappings
])
def test_keys_that_only_look_repeated_are_read(text):
    assert_same(text.encode())
