"""The comparison page's picker: topics grouped by family, therapies and conditions by label; a prefix
shows every topic under it; an unknown or empty topic is "no such topic" with the closest, never all silent."""

import re

import pytest

from loaders.web.comparison import closest, grouped, matching


@pytest.fixture
def datasette(built_datasette):
    return built_datasette


async def page(datasette, query):
    response = await datasette.client.get("/kb/topic_comparison" + query)
    assert response.status_code == 200, response.text[:500]
    return response.text


async def test_picker_lists_topics_grouped_by_family_and_terms_by_label(datasette):
    html = await page(datasette, "?topic=sessions.count")
    families = re.findall(r'<optgroup label="([^"]+)">', html)
    assert {"sessions", "course", "onset", "efficacy", "mechanism"} <= set(families)
    assert len(families) == len(set(families))
    sessions = html.split('<optgroup label="sessions">')[1].split("</optgroup>")[0]
    assert '<option value="sessions.count" selected>' in sessions and 'value="sessions.frequency"' in sessions
    assert re.search(r'<select id="kb-pick-therapy" name="therapy"[^>]*>.*<option value="acupuncture"[^>]*>Acupuncture</option>', html, re.S)
    assert re.search(r'<select id="kb-pick-condition" name="condition"[^>]*>.*<option value="low-back-pain"[^>]*>Low back pain</option>', html, re.S)


async def test_unknown_topic_is_no_such_topic_with_the_closest(datasette):
    html = await page(datasette, "?topic=sessions.cuont&therapy=&condition=")
    assert "No such topic" in html and "sessions.count" in html.split("No such topic")[1]
    rows = (await datasette.client.get("/kb/topic_comparison.json?_shape=array&topic=sessions.cuont"
                                       "&therapy=&condition=")).json()
    assert rows == []  # never every source "silent"


async def test_empty_topic_is_no_such_topic_and_no_rows(datasette):
    html = await page(datasette, "?topic=&therapy=&condition=")
    assert "No such topic chosen" in html
    rows = (await datasette.client.get("/kb/topic_comparison.json?_shape=array&topic=&therapy=&condition=")).json()
    assert rows == []


async def test_a_prefix_shows_every_topic_under_it(datasette):
    rows = (await datasette.client.get("/kb/topic_comparison.json?_shape=array&topic=sessions"
                                       "&therapy=acupuncture&condition=low-back-pain")).json()
    topics = {row["topic"] for row in rows}
    assert len(topics) > 1 and all(topic.startswith("sessions.") for topic in topics)
    html = await page(datasette, "?topic=sessions&therapy=acupuncture&condition=low-back-pain")
    assert "topics under “sessions”" in html and "No such topic" not in html
    csv = (await datasette.client.get("/kb/topic_comparison.csv?topic=sessions&therapy=&condition=")).text
    assert csv.startswith("topic,therapy,condition,source")


def test_matching_closest_and_grouping():
    topics = [{"id": "sessions.count", "label": "Sessions"}, {"id": "sessions.frequency", "label": "Frequency"},
              {"id": "onset.time", "label": "Onset"}, {"id": "sessionsx.other", "label": "Other"}]
    assert [t["id"] for t in matching(topics, "sessions")] == ["sessions.count", "sessions.frequency"]
    assert matching(topics, "") == [] and matching(topics, "session") == []
    assert "sessions.count" in [t["id"] for t in closest(topics, "sessions.cont")]
    assert [family for family, _ in grouped(topics)] == ["sessions", "onset", "sessionsx"]
