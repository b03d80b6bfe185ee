"""Editors' accounts and the server's secret: password hashes (never passwords) in .kb-editors.json
(mode 0600, gitignored), and the persistent session-signing secret in .kb-secret."""

import json
import os
import secrets
from pathlib import Path

from ..atomic import atomic_write_private
from ..errors import KbError
from .storage import now

EDITORS_FILE = ".kb-editors.json"
SECRET_FILE = ".kb-secret"
MIN_PASSWORD_LENGTH = 8


class InvalidEditor(KbError):
    """An editor name or password that cannot be used."""


def editors_path(root: Path) -> Path:
    return Path(root) / EDITORS_FILE


def read_editors(path: Path) -> dict:
    """{name: password hash} from an editors file; empty when there is none."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {name: entry["password_hash"] for name, entry in data.items()}


def check_editor(name: str, password: str):
    # The name becomes the key "<name>_password_hash" of datasette-auth-passwords and the actor id.
    if not name or not all(c.isalnum() or c in "-." for c in name) or not name[0].isalnum():
        raise InvalidEditor(f"editor name {name!r}: use letters, digits, '-' and '.'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidEditor(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def add_editor(project, name: str, password: str, replace: bool = False) -> Path:
    """Store an editor's password hash (never the password) in the project's gitignored editors file."""
    from datasette_auth_passwords.utils import hash_password

    check_editor(name, password)
    path = editors_path(project.root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    if name in data and not replace:
        raise InvalidEditor(f"editor {name!r} exists: use --replace to set a new password")
    data[name] = {"password_hash": hash_password(password), "added": now()}
    atomic_write_private(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def editor_names(project) -> list:
    return sorted(read_editors(editors_path(project.root)))


class UnknownEditor(KbError):
    """An editor name that `kb editor add` never registered."""


def registered_editor(project, name: str) -> str:
    """name, when it is a registered editor; otherwise UnknownEditor saying who is, and how to add one."""
    names = editor_names(project)
    if name in names:
        return name
    from ..messages import closest

    known = f"registered: {', '.join(names)}" if names else "no editor is registered yet"
    raise UnknownEditor(f"{name!r} is not a registered editor{closest(name, names)} ({known}); "
                        f"add one with `kb editor add {name}`")


def signing_secret(root: Path) -> str:
    """The persistent DATASETTE_SECRET, created on first use, so logins survive a server restart."""
    path = Path(root) / SECRET_FILE
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(handle, "w") as stream:
        stream.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip()


def server_environment(project) -> dict:
    """Variables for the Datasette process. Password hashes are not among them: the editorial plugin
    reads them from the editors file on each login, so an editor added while the server runs can log in."""
    return {"DATASETTE_SECRET": signing_secret(project.root)}
