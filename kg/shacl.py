"""Check the built graph against the SHACL shapes in ``kg/shapes.ttl`` (pyshacl), in bounded memory.

The graph is read from the build's Oxigraph store, not held in rdflib: for each shape,
its focus nodes are checked in batches, each batch in a small rdflib graph holding
just what the shape looks at: the focus nodes' triples on the shape's paths, their
values' types and triples on the paths of the shapes reached through ``sh:node`` and
``sh:or``, and the class hierarchy. So a graph of any size is checked in about the memory
of one batch (an instrument's thousands of ``eli:has_part`` links, which no shape
constrains, never enter it). That is exact because every property path in the shapes is
one predicate, no shape is closed, and a shape reached from a value looks only at that
value's own triples; ``check_shapes_are_local`` (run by the tests) keeps the shapes that way.

Each violation is reported at the table row its focus node was built from, so a
contract breach reads like any other data problem: ``path:line: message``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from importlib.resources import files
from itertools import islice
from typing import TYPE_CHECKING

from kg.errors import Problem
from kg.progress import Step, no_progress

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.namespace import NamespaceManager
    from rdflib.term import Node, URIRef

BATCH = 1000  # focus nodes checked at once: bounds the memory, big enough that pyshacl's setup is amortised
Locate = Callable[[Collection[str]], Mapping[str, tuple[str, int]]]  # node IRIs -> (table file, line)

# rdflib does not check these two lexical spaces itself.
PARTIAL_DATE_PATTERNS = {
    "http://www.w3.org/2001/XMLSchema#gYear": re.compile(r"^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$"),
    "http://www.w3.org/2001/XMLSchema#gYearMonth": re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?$"),
}
# Typed literals other than strings: the only ones that can be ill-typed.
TYPED_LITERALS = """
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o
  FILTER(isLiteral(?o) && lang(?o) = "" && datatype(?o) != <http://www.w3.org/2001/XMLSchema#string>)
}"""
SUBCLASSES = "CONSTRUCT WHERE { ?a <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?b }"
SUBCLASSES_OF = "SELECT DISTINCT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <%s> }"


def shapes_path() -> str:
    return str(files("kg").joinpath("shapes.ttl"))


def load_shapes() -> Graph:
    from rdflib import Graph

    return Graph().parse(shapes_path(), format="turtle")


def target_shapes(shapes: Graph | None = None) -> list[tuple[URIRef, URIRef]]:
    """Each node shape with a target class, and that class, in the order they are checked."""
    from rdflib import RDF
    from rdflib.namespace import SH

    shapes = shapes if shapes is not None else load_shapes()
    found = ((shape, shapes.value(shape, SH.targetClass)) for shape in shapes.subjects(RDF.type, SH.NodeShape))
    return sorted((shape, target) for shape, target in found if target is not None)


def check_shapes_are_local(shapes: Graph) -> list[str]:
    """Why a batch could miss what the shapes look at (empty when it cannot).

    A batch holds the focus nodes' triples and their values' triples, so every
    ``sh:path`` must be a single predicate, every node shape must target a class, and a
    shape reached through ``sh:node`` (or inside ``sh:or``) must not follow a path further.
    """
    from rdflib import RDF, URIRef
    from rdflib.namespace import SH

    paths = shapes.objects(None, SH.path)
    faults = [f"sh:path {path} is not a single predicate" for path in paths if not isinstance(path, URIRef)]
    for target in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        faults += [f"{shape} uses {target}, not sh:targetClass" for shape in shapes.subjects(target, None)]
    faults += [f"{shape} is closed" for shape in shapes.subjects(SH.closed, None)]
    nested = _nested_shapes(shapes)
    for shape in nested:
        for property_shape in shapes.objects(shape, SH.property):
            for deeper in (SH.node, SH["class"], getattr(SH, "or")):
                if shapes.value(property_shape, deeper) is not None:
                    faults.append(f"{shape} follows a path from its value further ({deeper})")
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if shapes.value(shape, SH.targetClass) is None and shape not in nested:
            faults.append(f"{shape} has no sh:targetClass")
    return sorted(set(faults))


def _nested_shapes(shapes: Graph) -> list[Node]:
    """The shapes a value is checked against: through ``sh:node``, and the members of ``sh:or``."""
    from rdflib.namespace import SH

    nested = list(shapes.objects(None, SH.node))
    for member_list in shapes.objects(None, getattr(SH, "or")):
        nested += list(shapes.items(member_list))
    return nested


def _paths(shapes: Graph, shape_nodes: Iterable[Node]) -> list[ox.NamedNode]:
    """The predicates the property shapes of ``shape_nodes`` follow, and rdf:type (for sh:class)."""
    import pyoxigraph as ox
    from rdflib import RDF
    from rdflib.namespace import SH

    paths = {str(RDF.type)}
    for shape in shape_nodes:
        paths |= {str(path) for prop in shapes.objects(shape, SH.property) for path in shapes.objects(prop, SH.path)}
    return [ox.NamedNode(path) for path in sorted(paths)]


def shacl_problems(
    store: ox.Store, *, locate: Locate, prefixes: Mapping[str, str], on_step: Step = no_progress, batch: int = BATCH
) -> list[Problem]:
    """Every SHACL violation and ill-typed literal of the store's default graph, located at its row.

    ``locate`` maps the focus nodes of the problems to their table file and line; a node it
    does not know is reported at the shapes file.
    """
    import pyoxigraph as ox

    from kg.terms import rdflib_graph

    shapes = load_shapes()
    names = rdflib_graph(b"", prefixes=dict(prefixes)).namespace_manager
    hierarchy = ox.serialize(store.query(SUBCLASSES), format=ox.RdfFormat.N_TRIPLES)
    value_paths = _paths(shapes, _nested_shapes(shapes))
    found: list[tuple[URIRef, str]] = ill_typed(store, names)
    for shape, target in target_shapes(shapes):
        on_step(f"checking the SHACL shapes: {shape.n3(shapes.namespace_manager)}")
        lookups = (_paths(shapes, [shape]), value_paths)
        for nodes in _batches(_focus_nodes(store, target), batch):
            found += _violations(store, nodes, shape, shapes, lookups, hierarchy, prefixes, names)
    where = locate({str(focus) for focus, _ in found})
    problems = set()
    for focus, text in found:
        path, line = where.get(str(focus), (shapes_path(), 0))
        problems.add(Problem(path, line, 0, text, "shacl"))
    return sorted(problems)  # one message per problem even when two constraints catch it


def ill_typed(store: ox.Store, names: NamespaceManager) -> list[tuple[URIRef, str]]:
    """Literals whose lexical form is not valid for their datatype, with their subject."""
    import warnings

    from rdflib import Literal, URIRef

    found = []
    for subject, predicate, value in store.query(TYPED_LITERALS):
        datatype = value.datatype.value
        pattern = PARTIAL_DATE_PATTERNS.get(datatype)
        with warnings.catch_warnings():  # rdflib warns of each ill-typed literal it makes: that is what we look for
            warnings.simplefilter("ignore")
            literal = Literal(value.value, datatype=URIRef(datatype))
        if not pattern.match(value.value) if pattern else literal.ill_typed:
            node = URIRef(subject.value)
            text = f"ill-typed literal {literal.n3(names)} on {URIRef(predicate.value).n3(names)}"
            found.append((node, f"{node.n3(names)} {text}"))
    return found


def _focus_nodes(store: ox.Store, target: URIRef) -> Iterator[ox.NamedNode]:
    """The instances of ``target`` and of its subclasses, streamed from the store's index (no result set is held).

    A node typed with two of these classes comes twice; checking it twice finds the same problems.
    """
    import pyoxigraph as ox

    rdf_type, graph = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.DefaultGraph()
    for (cls,) in store.query(SUBCLASSES_OF % target):
        for quad in store.quads_for_pattern(None, rdf_type, cls, graph):
            if isinstance(quad.subject, ox.NamedNode):
                yield quad.subject


def _batches(nodes: Iterator[ox.NamedNode], size: int) -> Iterator[list[ox.NamedNode]]:
    while chunk := list(islice(nodes, size)):
        yield chunk


def _violations(
    store: ox.Store,
    nodes: list[ox.NamedNode],
    shape: URIRef,
    shapes: Graph,
    lookups: tuple[list[ox.NamedNode], list[ox.NamedNode]],
    hierarchy: bytes,
    prefixes: Mapping[str, str],
    names: NamespaceManager,
) -> list[tuple[URIRef, str]]:
    """Check one batch of focus nodes against one shape, in a graph of just what the shape looks at."""
    import pyoxigraph as ox
    from pyshacl import validate
    from rdflib import RDF, URIRef
    from rdflib.namespace import SH

    from kg.terms import rdflib_graph

    graph = ox.DefaultGraph()
    focus_paths, value_paths = lookups

    def triples_of(nodes: Iterable[ox.NamedNode | ox.BlankNode], paths: list[ox.NamedNode]) -> list[ox.Triple]:
        return [q.triple for n in nodes for p in paths for q in store.quads_for_pattern(n, p, None, graph)]

    triples = triples_of(nodes, focus_paths)
    values = {t.object for t in triples if isinstance(t.object, (ox.NamedNode, ox.BlankNode))} - set(nodes)
    triples += triples_of(values, value_paths)
    content = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) + hierarchy
    chunk = rdflib_graph(content, prefixes=dict(prefixes), store="Memory")  # pyshacl wants a context-aware store
    focus = [URIRef(node.value) for node in nodes]
    conforms, report, _ = validate(
        chunk,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        allow_warnings=False,
        focus_nodes=focus,
        use_shapes=[shape],
    )
    if conforms:
        return []
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        node = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        prop = f" {path.n3(names)}" if isinstance(path, URIRef) else ""
        shown = f" (value {value.n3(names)})" if value is not None else ""
        found.append((node, f"SHACL: {node.n3(names)}{prop} {message}{shown}"))
    return found
