"""Check the built graph against the SHACL shapes in ``kg/shapes.ttl`` (pyshacl).

Each violation is reported at the table row its focus node was built from, so a
contract breach reads like any other data problem: ``path:line: message``.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import TYPE_CHECKING

from kg.errors import Problem

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import URIRef

    from kg.tables import Row


def shapes_path() -> str:
    return str(files("kg").joinpath("shapes.ttl"))


# rdflib does not check these two lexical spaces itself.
PARTIAL_DATE_PATTERNS = {
    "http://www.w3.org/2001/XMLSchema#gYear": re.compile(r"^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$"),
    "http://www.w3.org/2001/XMLSchema#gYearMonth": re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?$"),
}


def ill_typed_problems(graph: Graph, origins: dict[URIRef, Row]) -> list[Problem]:
    """Literals whose lexical form is not valid for their datatype."""
    from rdflib import Literal

    problems = []
    for subject, predicate, value in graph:
        if not isinstance(value, Literal) or value.datatype is None:
            continue
        pattern = PARTIAL_DATE_PATTERNS.get(str(value.datatype))
        bad = not pattern.match(str(value)) if pattern else bool(value.ill_typed)
        if bad:
            message = (
                f"ill-typed literal {value.n3(graph.namespace_manager)} on {predicate.n3(graph.namespace_manager)}"
            )
            row = origins.get(subject)
            where = (row.path, row.line) if row is not None else (shapes_path(), 0)
            problems.append(Problem(where[0], where[1], 0, f"{subject.n3(graph.namespace_manager)} {message}", "shacl"))
    return problems


def shacl_problems(graph: Graph, origins: dict[URIRef, Row]) -> list[Problem]:
    """Every SHACL violation and ill-typed literal, located at the row it comes from (or at the shapes file)."""
    from pyshacl import validate
    from rdflib import RDF, Graph, URIRef
    from rdflib.namespace import SH

    shapes = Graph().parse(shapes_path(), format="turtle")
    conforms, report, _ = validate(graph, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False)
    problems = ill_typed_problems(graph, origins)
    if conforms:
        return sorted(problems)
    names = graph.namespace_manager
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        prop = f" {path.n3(names)}" if isinstance(path, URIRef) else ""
        shown = f" (value {value.n3(names)})" if value is not None else ""
        text = f"SHACL: {focus.n3(names)}{prop} {message}{shown}"
        row = origins.get(focus)
        if row is not None:
            problems.append(Problem(row.path, row.line, 0, text, "shacl"))
        else:
            problems.append(Problem(shapes_path(), 0, 0, text, "shacl"))
    return sorted(set(problems))  # one message per problem even when two constraints catch it
