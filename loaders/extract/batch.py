"""Many articles at once: `kb extract DIR -o DIR` and `kb add FILE...` draft in a pool of processes,
one per core, with a progress bar on the terminal (none when the output is not one).

The rules and matchers are built once in the parent before the pool starts: a bad rule file is
reported once, and forked workers inherit the built matchers instead of building their own. Each
file's failure (an unreadable text, a taken output) is its own: it is reported with the file's
name and the other files go on; the caller exits non-zero if any failed. Results come back in the
order of the files, whatever order the workers finish in, so the drafts are those of one process.
"""

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import KbError, UsageError
from ..project import Project
from .draft import _slug
from .entry import ProjectTerms, draft_file, draft_text
from .matching import matchers, pipeline
from .rules import ExtractionError


@dataclass
class Outcome:
    """What became of one file: its result, or the message of its failure."""

    path: Path
    result: Any = None
    error: Optional[str] = None


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _guarded(function, item):
    """function(item) as an Outcome: a KbError is the file's own failure, not the batch's."""
    try:
        return Outcome(item, function(item))
    except KbError as error:
        return Outcome(item, error=str(error))
    except Exception as error:  # noqa: BLE001 - one article's bug must not lose the others' drafts
        return Outcome(item, error=f"failed unexpectedly ({type(error).__name__}: {error})")


_WORKER = {}  # the function a pool's worker applies, set once per worker by _start


def _start(function):
    _WORKER["function"] = function


def _work(item):
    return _guarded(_WORKER["function"], item)


def run_all(function: Callable, items: list, jobs: int, description: str, console=None) -> list:
    """[Outcome] of function on every item, in their order, over `jobs` processes (in this one when
    jobs is 1 or there is one item); a progress bar on console when it is a terminal."""
    matchers()  # a bad rule file fails here, once; forked workers inherit what is built
    pipeline()
    jobs = max(1, min(jobs, len(items)))
    outcomes = [None] * len(items)
    with _progress(console) as progress:
        task = progress.add_task(description, total=len(items))
        if jobs == 1:
            for index, item in enumerate(items):
                outcomes[index] = _guarded(function, item)
                progress.advance(task)
        else:
            # fork: workers start with the parent's matchers already built (and its rule files).
            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
            # What the parent built is moved out of the garbage collector's sight before forking: a
            # collection in a worker would otherwise touch (and copy) every page of it.
            gc.freeze()
            try:
                with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start, initargs=(function,)) as pool:
                    futures = {pool.submit(_work, item): index for index, item in enumerate(items)}
                    for future in as_completed(futures):
                        outcomes[futures[future]] = future.result()
                        progress.advance(task)
            finally:
                gc.unfreeze()
    return outcomes


def _progress(console):
    """A rich progress bar, disabled (silent) when console is not a terminal."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=True, disable=console is None or not console.is_terminal)


# -- kb extract DIR -o DIR ------------------------------------------------------------------


@dataclass(frozen=True)
class _DraftTo:
    """Draft one article into its claims file in a folder (a picklable task for the pool)."""

    project: Project
    terms: ProjectTerms
    folder: Path
    force: bool
    therapy: Optional[str]
    condition: Optional[str]

    def __call__(self, path: Path) -> int:
        output = self.folder / f"{Path(path).stem}.yaml"
        if output.exists() and not self.force:
            raise ExtractionError(f"{output} exists: expected a new file (use --force to overwrite it)")
        draft = draft_file(self.project, path, _slug(Path(path).stem), self.therapy, self.condition, self.terms)
        output.write_text(draft_text(draft), encoding="utf-8")
        return len(draft.claims)


def article_files(folder: Path) -> list:
    """The article texts of a folder: its *.txt files, by name; UsageError when there are none."""
    folder = Path(folder)
    files = sorted(path for path in folder.glob("*.txt") if path.is_file())
    if not files:
        raise UsageError(f"{folder} holds no .txt file: expected a folder of article texts (one .txt per article)")
    return files


def extract_folder(project: Project, folder: Path, output: Optional[Path], force: bool = False, jobs: int = 0,
                   therapy: Optional[str] = None, condition: Optional[str] = None, console=None) -> list:
    """Draft every .txt of folder into output/<name>.yaml, in parallel over `jobs` processes (0: every
    core); [Outcome] with each file's claim count or failure."""
    if output is None:
        raise UsageError(f"{folder} is a folder: give -o OUTPUT_FOLDER for its drafts (one claims file per text)")
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output} is a file: expected -o to name a folder for the drafts")
    if not output.parent.is_dir():
        raise UsageError(f"{output.parent} is not a folder: expected -o in an existing folder")
    files = article_files(folder)
    output.mkdir(exist_ok=True)
    task = _DraftTo(project, ProjectTerms.of(project), output, force, therapy, condition)
    return run_all(task, files, jobs or cores(), "drafting", console)
