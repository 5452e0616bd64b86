"""Domain errors. The CLI turns them into clean messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the input, located as ``path:line:column``."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line == 0:  # a problem with the whole file
            return f"{self.path}: {self.message}"
        if self.column == 0:  # a problem with a whole row
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class KgError(Exception):
    """Base class of the errors the CLI reports without a traceback."""

    exit_code = 1


class DataError(KgError):
    """The tables in the data folder are invalid; carries every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        count = len(self.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


class SchemaError(KgError):
    """The declared schema (datapackage.json) itself is unusable."""

    exit_code = 2
