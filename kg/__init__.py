"""ai-legislation-kg: a knowledge graph comparing how jurisdictions legislate on AI.

The flow is one-way: CSV tables (``kg.tables``) -> validated records -> RDF graph
(``kg.build``) -> serialisations (``kg.output``) and the command line (``kg.cli``).
"""

__version__ = "0.1.0"

# Resource IRIs are minted as {base}{kind}/{id}; override with --base-iri.
DEFAULT_BASE_IRI = "https://w3id.org/ai-legislation-kg/id/"
