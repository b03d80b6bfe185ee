"""`kb remove SOURCE`: take an article out (its text, metadata and claims, all or none)."""

import typer

from ..project import Project
from ..remove import remove_source
from .output import console


def remove(source_id: str = typer.Argument(..., help="The source id (the name of sources/<id>.yaml)."),
           force: bool = typer.Option(False, "--force", help="Remove it even when editors' flags or verdicts point "
                                                             "at its claims or conflicts (they stay, orphaned).")):
    """Remove an article: sources/<id>.txt, sources/<id>.yaml and claims/<id>.yaml, all or none; then `kb build`."""
    removed = remove_source(Project.find(), source_id, force=force)
    console.print(f"removed {removed.source_id}: {', '.join(map(str, removed.paths))}", highlight=False)
    if removed.orphaned_flags:
        console.print(f"{len(removed.orphaned_flags)} flag(s) kept, orphaned after the next build: "
                      f"{', '.join(f'#{n}' for n in removed.orphaned_flags)} (kb flags --orphaned)", highlight=False)
    if removed.orphaned_verdicts:
        console.print(f"{len(removed.orphaned_verdicts)} verdict(s) kept, without a target after the next build: "
                      f"{', '.join(f'{kind} {target}' for kind, target in removed.orphaned_verdicts)}", highlight=False)
    console.print("run `kb build` to rebuild kb.db without it", highlight=False)
