"""The log-in page: it says how editors' accounts are made, and after a log-in it brings the editor
back to the page they came from (a same-site path only: never a redirect to another host)."""

import urllib.parse

import pytest

from loaders import editorial
from loaders.serve import make_datasette
from loaders.web.shared import safe_next

from .test_editorial import CLAIM, PASSWORD, csrf_token, small_project

CLAIM_PAGE = "/kb/claims/" + CLAIM.replace("/", "~2F")


@pytest.fixture
def project(tmp_path):
    return small_project(tmp_path)


@pytest.fixture
def ds(project):
    return make_datasette(project)


async def log_in(ds, query="", **fields):
    token = await csrf_token(ds)
    return await ds.client.post("/-/login" + query,
                                data={"username": "alice", "password": PASSWORD, "csrftoken": token, **fields},
                                cookies={"ds_csrftoken": token})


async def test_login_page_says_how_accounts_are_made_when_there_are_none(ds):
    page = (await ds.client.get("/-/login")).text
    assert "No editor accounts exist yet" in page
    assert "kb editor add NAME --password-stdin" in page and "reload this page" in page


async def test_login_page_says_how_accounts_are_made_when_there_are_some(project, ds):
    editorial.add_editor(project, "alice", PASSWORD)
    page = (await ds.client.get("/-/login")).text
    assert "No editor accounts exist yet" not in page
    assert "kb editor add NAME --password-stdin" in page


async def test_login_returns_to_the_page_given_by_next(project, ds):
    editorial.add_editor(project, "alice", PASSWORD)
    form = (await ds.client.get("/-/login?" + urllib.parse.urlencode({"next": CLAIM_PAGE}))).text
    assert f'<input type="hidden" name="next" value="{CLAIM_PAGE}">' in form
    response = await log_in(ds, next=CLAIM_PAGE)
    assert response.status_code == 302 and response.headers["location"] == CLAIM_PAGE
    assert "ds_actor" in response.cookies
    # The form's action keeps ?next= too, for a POST without the hidden field.
    response = await log_in(ds, "?" + urllib.parse.urlencode({"next": CLAIM_PAGE + "?_x=1"}))
    assert response.headers["location"] == CLAIM_PAGE + "?_x=1"


@pytest.mark.parametrize("target", ["https://evil.example", "https://evil.example/kb", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)", "evil.example", "/\tevil"])
async def test_login_never_redirects_to_another_host(project, ds, target):
    editorial.add_editor(project, "alice", PASSWORD)
    form = (await ds.client.get("/-/login?" + urllib.parse.urlencode({"next": target}))).text
    assert "evil" not in form
    response = await log_in(ds, next=target)
    assert response.status_code == 302 and response.headers["location"] == "/"
    assert safe_next(target) is None


async def test_wrong_password_keeps_next(project, ds):
    editorial.add_editor(project, "alice", PASSWORD)
    response = await log_in(ds, password="wrong", next=CLAIM_PAGE)
    assert "Invalid username or password" in response.text and "ds_actor" not in response.cookies
    assert f'value="{CLAIM_PAGE}"' in response.text


async def test_flag_button_of_an_anonymous_visitor_logs_in_and_comes_back(ds):
    page = (await ds.client.get(CLAIM_PAGE)).text
    assert f'href="/-/login?{urllib.parse.urlencode({"next": CLAIM_PAGE})}"' in page


async def test_flag_form_refusal_logs_in_and_comes_back_to_the_form(ds):
    form = await ds.client.get(f"/editorial/flag_claim?target={CLAIM}")
    assert form.status_code == 403
    assert "/-/login?" + urllib.parse.urlencode({"next": f"/editorial/flag_claim?target={CLAIM}"}) in form.text


async def test_open_flags_have_a_plain_address_linked_from_the_front_page(ds):
    response = await ds.client.get("/editorial/open-flags")
    assert response.status_code == 302 and response.headers["location"] == "/_memory/open_flags"
    assert 'href="/editorial/open-flags"' in (await ds.client.get("/")).text


async def test_under_a_base_url_the_flag_button_comes_back_under_it(project):
    prefixed = make_datasette(project, settings={"base_url": "/kb-prefix/"})
    page = (await prefixed.client.get(CLAIM_PAGE)).text
    back = "/kb-prefix" + CLAIM_PAGE
    assert f'href="/kb-prefix/-/login?{urllib.parse.urlencode({"next": back})}"' in page
    editorial.add_editor(project, "alice", PASSWORD)
    response = await log_in(prefixed, next=back)
    assert response.status_code == 302 and response.headers["location"] == back
    assert (await prefixed.client.get("/editorial/open-flags")).headers["location"] == "/kb-prefix/_memory/open_flags"
