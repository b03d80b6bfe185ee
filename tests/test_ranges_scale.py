"""/ranges' axes without a browser: true positions, ticks along every axis, a log axis never from 0."""

from loaders.web.ranges import Scale, place


def test_a_bar_ends_at_its_true_value_on_the_labelled_axis():
    scale = Scale("sessions", [2, 12])
    ticks = {value: where for value, _, where in scale.ticks()}
    assert len(ticks) >= 3 and ticks[0] == 0
    claim = {"norm_min": 2, "norm_max": 12}
    place(claim, scale)
    # Once, the axis' end was labelled 12 but stood for 13.2: a bar to 12 stopped at 91% of it.
    assert abs(claim["left"] + claim["width"] - scale.position(12)) < 1e-6
    assert scale.position(scale.high) == 100 and scale.high >= 12


def test_a_log_axis_starts_at_a_round_tick_under_its_smallest_bound():
    scale = Scale("minutes", [0, 20, 30, 120960])
    labels = [label for _, label, _ in scale.ticks()]
    assert scale.low > 0 and not labels[0].startswith("0") and len(labels) >= 3
    assert "1 week" in labels and "1 hour" in labels
    zero = {"norm_min": 0, "norm_max": 30}
    place(zero, scale)
    assert zero["open_low"] and zero["left"] == 0


def test_even_a_single_value_gets_three_ticks():
    for unit, value in (("weeks", 10), ("minutes", 30), ("days", 182.625)):
        assert len(Scale(unit, [value]).ticks()) >= 3


def test_an_immediate_effect_alone_gets_three_ticks_above_it():
    """0 minutes (an effect felt at once) sits at the bottom of a log axis, under the smallest round tick: the
    axis widens upward instead (it had two ticks, 1 and 2 minutes)."""
    for values in ([0], [0, 1], [1]):
        scale = Scale("minutes", values)
        labels = [label for _, label, _ in scale.ticks()]
        assert len(labels) >= 3 and labels[0] == "1 minute", (values, labels)


async def test_a_kb_without_ranges_gets_an_empty_page_not_an_error(built_project, tmp_path):
    """With no range axes (a kb.db of stance claims only), sum() over no axes is null: the pager once
    added 1 to it and the page answered 500."""
    import shutil
    from loaders.sqlitelib import sqlite3

    from loaders.project import Project
    from loaders.serve import make_datasette

    project = Project(tmp_path)
    shutil.copy(built_project.db_path, project.db_path)
    with sqlite3.connect(project.db_path) as db:
        db.execute("delete from range_axes")
    response = await make_datasette(project).client.get("/ranges")
    assert response.status_code == 200, response.text[:300]


async def test_the_pager_stands_above_and_below_the_axes_when_they_fill_more_than_a_page(built_project, monkeypatch):
    """The pager is drawn once in the template and shown twice; a page of one bar makes several pages."""
    from loaders.serve import make_datasette
    from loaders.web import ranges

    monkeypatch.setattr(ranges, "BARS_PAGE", 1)
    response = await make_datasette(built_project).client.get("/ranges?page=2")
    assert response.status_code == 200, response.text[:300]
    pagers = response.text.count('class="kb-pager range-pages"')
    assert pagers == 2
    assert response.text.count('rel="prev"') == 2 and response.text.count("(page 2 of ") == 2
