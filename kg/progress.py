"""Progress of long work, shown on stderr only when it is a terminal.

Library functions take an optional ``on_step(label)`` callback; the CLI passes a
:class:`TerminalProgress`, so scripts and pipes see no progress noise at all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

Step = Callable[[str], None]


def no_progress(label: str) -> None:
    """The default: report nothing."""


class TerminalProgress:
    """A one-line bar, ``[#####.....] 12/29 building events``, redrawn in place."""

    def __init__(self, total: int, *, stream: TextIO | None = None, width: int = 24) -> None:
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self.enabled = self.stream.isatty()

    def __call__(self, label: str) -> None:
        self.done = min(self.done + 1, self.total)
        if not self.enabled:
            return
        filled = self.width * self.done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label[:40]:<40}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (self.width + 52) + "\r")
            self.stream.flush()
