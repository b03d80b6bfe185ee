"""`kb flag` and `kb flags …`: editors' flags on claims and conflicts (editorial.db, beside kb.db)."""

import getpass
from pathlib import Path
from typing import Optional

import typer

from .. import editorial
from ..project import Project
from .output import Format, console, print_frame
from ..lazy import lazy_module

pd = lazy_module("pandas")  # read only by what builds a DataFrame: `kb build` never loads pandas

flags_app = typer.Typer(help="List flags; change their status; export and import them (and the verdicts) as YAML.")


def editor_or_user(editor):
    """--editor, else the login name ($USER, or the account's name where $USER is unset)."""
    try:
        return editor or getpass.getuser()
    except (KeyError, OSError):
        return ""


def flag(target: str = typer.Argument(..., help="A claim id (source/claim) or a conflict id (cf-...)."),
         kind: str = typer.Option(..., "--kind", "-k", help=f"One of: {', '.join(editorial.FLAG_KINDS)}."),
         note: str = typer.Option(..., "--note", "-n", help="What is wrong, and where you checked."),
         editor: Optional[str] = typer.Option(None, "--editor", "-e", help="Who flags (default: $USER).")):
    """Flag a claim or a conflict of kb.db for review."""
    created = editorial.add_flag(Project.find(), target, kind, note, editor_or_user(editor), registered_only=True)
    console.print(f"flag {created['id']}: {kind} on {created['target_type']} {target}", highlight=False)


COLUMNS = ("id", "uid", "status", "kind", "target_type", "target", "orphaned", "editor", "created", "updated", "note")


@flags_app.callback(invoke_without_command=True)
def flags(context: typer.Context,
          status: Optional[str] = typer.Option(None, "--status", "-s", help=f"One of: {', '.join(editorial.FLAG_STATUSES)}."),
          orphaned: bool = typer.Option(False, "--orphaned", help="Only flags whose claim or conflict is gone from kb.db."),
          output_format: Format = typer.Option(Format.table, "--format", "-f",
                                               help="table fits the terminal; csv, json and markdown carry every field."),
          verbose: bool = typer.Option(False, "--verbose", "-v",
                                       help="Every field of every flag, whole (the table cuts long notes).")):
    """List flags, oldest first (all, or by --status, or --orphaned)."""
    if context.invoked_subcommand:
        return
    found = editorial.list_flags(Project.find(), status=status, orphaned=orphaned)
    frame = pd.DataFrame(found, columns=[*COLUMNS, *(key for key in (found[0] if found else {}) if key not in COLUMNS)])
    if output_format is not Format.table:
        print_frame(frame, output_format, "Flags")
        return
    if not verbose:
        frame = pd.DataFrame({
            "id": frame["id"], "status": frame["status"], "kind": frame["kind"],
            "target": [f"{item['target']} (orphaned)" if item["orphaned"] else item["target"] for item in found],
            "editor": frame["editor"], "created": frame["created"].str[:10], "note": frame["note"]})
    print_frame(frame, output_format, "", texts=("note",), verbose=verbose)
    console.print(f"{len(found)} flag(s)", highlight=False)


@flags_app.command("set-status")
def flags_set_status(flag_id: int = typer.Argument(..., metavar="ID", help="The flag's number (see `kb flags`)."),
                     status: str = typer.Argument(..., help=f"One of: {', '.join(editorial.FLAG_STATUSES)}."),
                     note: str = typer.Option("", "--note", "-n", help="Why."),
                     editor: Optional[str] = typer.Option(None, "--editor", "-e", help="Who (default: $USER).")):
    """Change a flag's status; the change is kept in its history."""
    change = editorial.set_status(Project.find(), flag_id, status, editor_or_user(editor), note, registered_only=True)
    console.print(f"flag {flag_id}: {change['from_status']} → {status}", highlight=False)


@flags_app.command("export")
def flags_export(file: Path = typer.Argument(..., help="The YAML file to write.")):
    """Write every flag and its history, and every verdict, to a YAML file, in a stable order, for review and git."""
    count = editorial.export_flags(Project.find(), file)
    console.print(f"exported {count.flags} flag(s) and {count.verdicts} verdict(s) to {file}", highlight=False)


@flags_app.command("import")
def flags_import(file: Path = typer.Argument(..., help="A YAML file written by `kb flags export`.")):
    """Add the flags, status changes and verdicts of an export that are missing here (importing twice adds nothing)."""
    result = editorial.import_flags(Project.find(), file)
    console.print(f"imported {result.flags_added} flag(s), {result.changes_added} status change(s) and "
                  f"{result.verdicts_added} verdict(s) from {file}", highlight=False)
