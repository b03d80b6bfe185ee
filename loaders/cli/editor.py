"""`kb editor …`: the editors who may log in at /-/login and flag claims."""

import sys

import typer

from .. import editorial
from ..project import Project
from .output import console

editor_app = typer.Typer(help="Editors who may log in at /-/login and flag claims.", no_args_is_help=True)


@editor_app.command("add")
def editor_add(name: str = typer.Argument(..., help="Login name (letters, digits, '-' and '.')."),
               password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
               replace: bool = typer.Option(False, "--replace", help="Set a new password for an existing editor.")):
    """Add an editor. Only a password hash is stored, in .kb-editors.json (gitignored, mode 0600)."""
    project = Project.find()
    if password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    path = editorial.add_editor(project, name, password, replace=replace)
    console.print(f"editor {name} added ({path.name}); log in at /-/login", highlight=False)


@editor_app.command("list")
def editor_list():
    """List the editors who can log in."""
    for name in editorial.editor_names(Project.find()):
        console.print(name, highlight=False)
