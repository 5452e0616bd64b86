"""Reference dates for point-in-time status.

The status itself is derived in SPARQL (``queries/status-on-date.rq``) so that it is
the same locally and on a server; this module only picks the default date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.sparql import Backend

# Event types that are often scheduled ahead (a future application stage, a sunset):
# they do not move the default reference date.
SCHEDULED = ("entered_into_force", "applies_from", "repealed")

_SCHEDULED_LIST = ", ".join(f'"{t}"' for t in SCHEDULED)
LATEST_QUERY = f"""
PREFIX kg: <https://w3id.org/ai-legislation-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT (MAX(STR(?d)) AS ?latest) WHERE {{
  ?e a kg:LifecycleEvent ; dcterms:date ?d ; kg:eventType/skos:notation ?type .
  FILTER(?type NOT IN ({_SCHEDULED_LIST}))
}}
"""


def latest_event_date(backend: Backend) -> str:
    """The latest date on which a recorded (not scheduled) event happened, as YYYY-MM-DD.

    A date known only to the month or year is taken at its last day, so nothing
    recorded for that period is left out.
    """
    import calendar

    rows = backend.select(LATEST_QUERY).rows
    latest = str(rows[0][0]) if rows and rows[0][0] is not None else ""
    if not latest:
        raise KgError("the data has no dated events; pass --as-of YYYY-MM-DD")
    if len(latest) == 4:
        return f"{latest}-12-31"
    if len(latest) == 7:
        year, month = int(latest[:4]), int(latest[5:7])
        return f"{latest}-{calendar.monthrange(year, month)[1]:02d}"
    return latest
