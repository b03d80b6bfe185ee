"""Editorial pages: editors' accounts for datasette-auth-passwords, the target check of the flag
forms, and the vocabulary and context the editorial templates show."""

import urllib.parse
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from loaders import editorial

from .shared import EDITORIAL_DB, KB_DB, current_path, login_url, row_url, safe_next

# The write forms; an anonymous visitor opening one is asked to log in.
FORM_QUERIES = ("flag_claim", "flag_conflict", "set_flag_status")
# The open flags at a plain address (a redirect to the canned query on _memory).
OPEN_FLAGS_PATH = "/editorial/open-flags"
# How an account is made: the log-in page says it, with or without accounts.
ADD_EDITOR = "kb editor add NAME --password-stdin"
_editors_cache = {}
VERDICT_TABLES = ("verdicts", "verdict_history")


def database_path(datasette, name):
    database = datasette.databases.get(name)
    return Path(database.path) if database is not None and database.path else None


def editors(datasette) -> dict:
    """{name: password hash} from the editors file beside editorial.db, re-read whenever it changes."""
    editorial_path = database_path(datasette, EDITORIAL_DB)
    if editorial_path is None:
        return {}
    path = editorial.editors_path(editorial_path.parent)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = _editors_cache.get(path)
    if cached is None or cached[0] != version:
        cached = _editors_cache[path] = (version, editorial.read_editors(path))
    return cached[1]


# The editorial database's description: its links are built by Datasette (they follow base_url),
# so it is given here rather than in editorial.yaml.
DESCRIPTION_HTML = Markup(
    "Editors' flags on claims and conflicts, and the history of every status change; editors'\n"
    "verdicts on conflicts (verdicts), with every judgement (verdict_history). Kept apart\n"
    "from kb.db, which is rebuilt: a flag outlives any rebuild, and one whose claim or conflict\n"
    'has gone is shown as orphaned. See the <a href="{open_flags}">open flags</a>,\n'
    'the <a href="{orphaned_flags}">orphaned flags</a>, or\n'
    '<a href="{login}">log in</a> to flag.')


def editorial_links(datasette):
    """The metadata that links: the database description, and where each flag form leads once saved."""
    # Datasette asks for metadata hundreds of times a page (on every permission check): the links are
    # formatted once per server, and only the dicts are made afresh (Datasette merges into them).
    cached = getattr(datasette, "_kb_editorial_links", None)
    if cached is None:
        open_flags = str(datasette.urls.path("/_memory/open_flags"))
        description = DESCRIPTION_HTML.format(open_flags=open_flags, login=datasette.urls.path("/-/login"),
                                              orphaned_flags=datasette.urls.path("/_memory/orphaned_flags"))
        cached = datasette._kb_editorial_links = (str(description), open_flags)
    description, open_flags = cached
    queries = {name: {"on_success_redirect": open_flags} for name in FORM_QUERIES}
    return {"databases": {EDITORIAL_DB: {"description_html": description, "queries": queries}}}


def password_hashes(datasette):
    """datasette-auth-passwords' configuration: every editor's password hash, or None."""
    accounts = editors(datasette)
    if not accounts:
        return None
    return {"plugins": {"datasette-auth-passwords": {f"{name}_password_hash": password_hash
                                                     for name, password_hash in accounts.items()}}}


@hookimpl
def get_metadata(datasette, key, database, table):
    # Hashes are read on each login, so `kb editor add` needs no server restart. Only plugin_config()
    # asks for the "plugins" key; /-/metadata asks for everything (key None) and so never shows them.
    # A fresh dict each time: Datasette merges the local metadata into what hooks return.
    if key == "plugins":
        return password_hashes(datasette)
    return editorial_links(datasette)


@hookimpl
def prepare_connection(conn, database, datasette):
    # The flag queries write to editorial.db, which cannot see kb.db; this function checks the target
    # in the current kb.db file (opened afresh, so a rebuild is seen at once).
    if database != EDITORIAL_DB:
        return

    def kb_has_target(target_type, target):
        kb_path = database_path(datasette, KB_DB)
        return int(kb_path is not None and editorial.has_target(kb_path, target_type, target))

    conn.create_function("kb_has_target", 2, kb_has_target)


def target_url(datasette, target_type, target):
    """The kb row page of a claim or conflict."""
    table = editorial.TARGET_TABLES.get(target_type)
    return row_url(datasette, table, target) if table and target else None


async def target_context(datasette, target_type, target):
    """The claim (quote, statement, source) or conflict (explanation) a form is about, or None."""
    if not target or KB_DB not in datasette.databases:
        return None
    kb = datasette.get_database(KB_DB)
    if target_type == "claim":
        sql = ("select c.id, c.quote, c.statement, c.source_id, s.title as source_title "
               "from claims c join sources s on s.id = c.source_id where c.id = :target")
    else:
        sql = "select id, explanation, topic, claim_a, claim_b from conflicts where id = :target"
    rows = (await kb.execute(sql, {"target": target})).rows
    return dict(rows[0]) if rows else None


async def flag_context(datasette, flag_id):
    """The flag a status form is about, with its history, or None."""
    if not flag_id or EDITORIAL_DB not in datasette.databases:
        return None
    db = datasette.get_database(EDITORIAL_DB)
    rows = (await db.execute("select * from flags where id = :id", {"id": flag_id})).rows
    if not rows:
        return None
    history = await db.execute("select * from flag_history where flag_id = :id order by changed, id", {"id": flag_id})
    return {**dict(rows[0]), "history": [dict(row) for row in history.rows]}


@hookimpl
def extra_template_vars(template, database, request, datasette):
    if database not in (EDITORIAL_DB, "_memory") or not template.startswith("query-"):
        return None

    async def variables():
        query = request.url_vars.get("table") if request else None
        args = request.args if request else {}
        target_type = {"flag_claim": "claim", "flag_conflict": "conflict"}.get(query)
        return {
            # The canned query's title and description (Datasette leaves them out of write forms).
            "query_metadata": await datasette.get_canned_query(database, query, request.actor) or {} if query else {},
            "flag_kinds": editorial.FLAG_KINDS,
            "flag_statuses": editorial.FLAG_STATUSES,
            "target_url": lambda kind, target: target_url(datasette, kind, target),
            "flag_target": await target_context(datasette, target_type, args.get("target")) if target_type else None,
            "flag": await flag_context(datasette, args.get("id")) if query == "set_flag_status" else None,
            "kb_login_url": login_url(datasette, current_path(request)) if request else login_url(datasette),
        }

    return variables


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # In the editorial tables a flag's target (a verdict's, when a conflict) links to what it is about.
    if database != EDITORIAL_DB or table not in VERDICT_TABLES + ("flags",) or column != "target" or not value:
        return None
    kind = row["target_type"] if table == "flags" else row["target_kind"]
    url = target_url(datasette, kind, value)
    return Markup(f'<a href="{escape(url)}">{escape(value)}</a>') if url else None


@hookimpl
def forbidden(datasette, request, message):
    if request.actor or request.method != "GET":
        return None
    if request.path.rstrip("/") not in {datasette.urls.query(EDITORIAL_DB, name) for name in FORM_QUERIES}:
        return None

    async def login_page():
        html = await datasette.render_template("editorial-login-required.html", {"message": message, "kb_login_url": login_url(datasette, current_path(request))},
                                               request=request)
        return Response.html(html, status=403)

    return login_page


async def login(request, datasette):
    """/-/login: datasette-auth-passwords' check of the editors' password hashes, with the page saying
    how accounts are made, and ?next= honoured (a same-site path only) after a successful log-in."""
    from datasette_auth_passwords.utils import verify_password

    accounts = editors(datasette)
    post = await request.post_vars() if request.method == "POST" else {}
    next_path = safe_next(post.get("next") or request.args.get("next"))
    error = None
    username = post.get("username") or ""
    if request.method == "POST":
        password_hash = accounts.get(username)
        if password_hash and verify_password(post.get("password") or "", password_hash):
            response = Response.redirect(next_path or datasette.urls.path("/"))
            response.set_cookie("ds_actor", datasette.sign({"a": {"id": username}}, "actor"))
            return response
        error = "Invalid username or password" if accounts else "No editor accounts exist yet"
    html = await datasette.render_template("editorial-login.html", {
        "error": error, "accounts": bool(accounts), "username": username, "next_path": next_path,
        "add_editor": ADD_EDITOR, "login_action": login_url(datasette, next_path),
        "open_flags": datasette.urls.path(OPEN_FLAGS_PATH),
    }, request=request)
    return Response.html(html)


async def open_flags(request, datasette):
    """/editorial/open-flags: the open flags, at an address that says what it is."""
    return Response.redirect(datasette.urls.path("/_memory/open_flags"))


@hookimpl(tryfirst=True)
def register_routes():
    # tryfirst: these routes come before datasette-auth-passwords' own /-/login, which they replace.
    return [(r"^/-/login$", login), (r"^/editorial/open-flags$", open_flags)]
