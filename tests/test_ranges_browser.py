"""/ranges in a real browser: every axis has labelled ticks along it, a log axis never starts at 0, and
each bar's ends sit where the axis' tick marks put its true bounds (within 2 px)."""

import math

import pytest

pytestmark = pytest.mark.browser

# Per axis: its scale, its ticks' values, labels and centres, and every bar's bounds and pixel edges.
GEOMETRY = """
() => [...document.querySelectorAll('section.range-topic')].map(section => {
  const scale = section.querySelector('.range-scale');
  const box = el => el.getBoundingClientRect();
  return {
    title: section.querySelector('h2').innerText,
    log: scale.dataset.log === '1', low: +scale.dataset.low,
    ticks: [...scale.querySelectorAll('.range-tick')].map(t => ({
      value: +t.dataset.value, label: t.innerText, x: box(t).left})),
    bars: [...section.querySelectorAll('.range-bar')].map(b => ({
      min: b.dataset.min, max: b.dataset.max, left: box(b).left, right: box(b).right})),
  };
})
"""


def axis_x(axis):
    """A value's x on the axis, from its first and last labelled ticks."""
    first, last = axis["ticks"][0], axis["ticks"][-1]
    f = math.log if axis["log"] else (lambda value: value)
    return lambda value: first["x"] + (f(value) - f(first["value"])) / (f(last["value"]) - f(first["value"])) * (
        last["x"] - first["x"])


def test_every_axis_has_labelled_ticks_and_bars_drawn_to_their_true_values(page, live_server, screenshots):
    page.goto(live_server + "/ranges")
    axes = page.evaluate(GEOMETRY)
    assert len(axes) > 10
    checked = 0
    for axis in axes:
        ticks = axis["ticks"]
        assert len(ticks) >= 3 and all(tick["label"].strip() for tick in ticks), axis["title"]
        assert [t["x"] for t in ticks] == sorted(t["x"] for t in ticks)
        if axis["log"]:
            assert axis["low"] > 0 and ticks[0]["value"] > 0 and not ticks[0]["label"].startswith("0"), axis["title"]
        x = axis_x(axis)
        for tick in ticks:  # the ticks themselves lie on one scale
            assert abs(x(tick["value"]) - tick["x"]) <= 2, (axis["title"], tick)
        for bar in axis["bars"]:
            if bar["min"] == "" or bar["max"] == "" or float(bar["min"]) >= float(bar["max"]):
                continue
            if axis["log"] and float(bar["min"]) <= 0:
                continue
            assert abs(bar["left"] - x(float(bar["min"]))) <= 2, (axis["title"], bar)
            assert abs(bar["right"] - x(float(bar["max"]))) <= 2, (axis["title"], bar)
            checked += 1
    assert checked >= 10
    page.screenshot(path=screenshots / "ranges.png", full_page=False)


def test_the_topic_picker_chooses_a_topic_and_answers_an_unknown_one(page, live_server, screenshots):
    page.goto(live_server + "/kb/topic_comparison?topic=sessions.cuont&therapy=&condition=")
    assert "No such topic" in page.locator(".kb-no-topic").inner_text()
    page.locator(".kb-no-topic a", has_text="sessions.count").first.click()
    page.wait_for_url("**topic=sessions.count**")
    page.select_option(".kb-topic-picker select[name=topic]", "sessions")
    page.select_option(".kb-topic-picker select[name=therapy]", "acupuncture")
    page.locator(".kb-topic-picker button").click()
    page.wait_for_url("**topic=sessions&therapy=acupuncture**")
    assert "topics under “sessions”" in page.locator(".kb-topic-matches").inner_text()
    page.screenshot(path=screenshots / "comparison-page.png", full_page=False)
