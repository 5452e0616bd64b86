"""Domain errors. The CLI turns them into clean messages and exit codes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the input, located as ``path:line:column``, with a stable ``code`` for programs.

    The code names the kind of problem (``unknown-value``, ``foreign-key``, ``shacl`` ...);
    ``kg validate --format json`` reports it beside the message.
    """

    path: str
    line: int
    column: int
    message: str
    code: str = field(default="invalid", compare=False)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

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


class PresetError(KgError):
    """A preset or its parameters are wrong (unknown name, bad value, ambiguity)."""

    exit_code = 2


class QueryError(KgError):
    """The query is malformed or the engine rejected it."""

    exit_code = 2


class EndpointError(KgError):
    """A SPARQL server was unreachable, too slow, or answered with an error."""

    exit_code = 3


class EndpointURLError(KgError):
    """The endpoint given is not a usable http(s) URL: bad input, before any connection."""

    exit_code = 2


class PlotError(KgError):
    """A chart cannot be drawn (no font for its labels, an unknown file format, nothing to show)."""

    exit_code = 2


class OutputError(KgError):
    """A file could not be written (a full disk, a read-only folder); nothing was replaced."""

    exit_code = 1


class ServeError(KgError):
    """``kg serve`` cannot start (an address in use), or a request asks for a type not offered."""

    exit_code = 2
