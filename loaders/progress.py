"""Progress bars (rich) for runs long enough to wonder about: none on a pipe, none in the first seconds."""

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, SpinnerColumn, TextColumn, \
    TimeElapsedColumn

# A build of a few dozen articles ends before a bar would be read: only a longer run shows one.
DELAY_SECONDS = 2.0


class Progress:
    """Bars on stderr when it is a terminal and the run has lasted DELAY_SECONDS; otherwise silent.

    track() wraps an iterable (one bar per stage); step() marks a stage without items (a spinner).
    Progress(None) is the silent one the library functions default to."""

    def __init__(self, console: Console = None, delay: float = DELAY_SECONDS, enabled: bool = True):
        console = console or Console(stderr=True)
        self.bar = None
        if enabled and console.is_terminal:
            self.bar = RichProgress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                    MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True)
        self.delay, self.started_at, self.shown = delay, time.monotonic(), False
        self.current = None

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if self.bar is not None and self.shown:
            self.bar.stop()

    def _show_when_due(self):
        if not self.shown and time.monotonic() - self.started_at >= self.delay:
            self.bar.start()
            self.shown = True

    def _finish_current(self):
        if self.current is not None:
            task = self.bar.tasks[-1]
            self.bar.update(self.current, completed=task.total or 1, total=task.total or 1)
            self.current = None

    def track(self, items, description: str, total: int = None):
        if self.bar is None:
            yield from items
            return
        self._finish_current()
        task = self.bar.add_task(description, total=total)
        for item in items:
            yield item
            self.bar.advance(task)
            self._show_when_due()

    def step(self, description: str):
        """A stage that reports no items: shown as a spinner until the next stage begins."""
        if self.bar is None:
            return
        self._finish_current()
        self.current = self.bar.add_task(description, total=None)
        self._show_when_due()


SILENT = Progress(enabled=False)
