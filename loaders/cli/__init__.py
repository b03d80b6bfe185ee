"""The `kb` command: a thin face over the loaders modules. Each command opens the project, makes one
call and reports; any KbError it raises becomes a message on stderr and its exit code, in one place
(loaders.cli.main.KbGroup)."""

from .main import app, main

__all__ = ["app", "main"]
