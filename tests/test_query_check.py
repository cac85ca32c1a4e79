"""pipeline.query_check: queries that would crash pyoxigraph or fetch from other servers are
refused before any engine parses them; ordinary queries (and the word "service" in a
string, a comment, an IRI or a name) pass."""

from __future__ import annotations

import pytest

from pipeline.query import list_queries, to_bound_sparql
from pipeline.query_check import MAX_NESTING, check_query

# Each of these segfaulted pyoxigraph 0.5.13 (in `effikg serve` and `effikg query`).
CRASHERS = {
    "2,200 nested braces": "SELECT * WHERE " + "{" * 2200 + "?s ?p ?o" + "}" * 2200,
    "5,000 nested parentheses": "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "1,000 nested calls": "SELECT * WHERE { ?s ?p ?o FILTER(" + "STR(" * 1000 + "?o" + ")" * 1000 + ") }",
    "20,000 FILTERs": "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o) " * 20000 + "}",
    "10,000 &&": "SELECT * WHERE { ?s ?p ?o FILTER(" + "&&".join(["?o"] * 10000) + ") }",
    "10,000 +": "SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * 10000) + ") }",
    "10,000 !": "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 10000 + "?o) }",
    "5,000 BINDs": "SELECT * WHERE { ?s ?p ?o " + " ".join(f"BIND(1 AS ?b{i})" for i in range(5000)) + " }",
    "10,000 UNIONs": "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 10000) + " }",
}

SERVICES = {
    "plain": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "lower case": "select * where { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SILENT glued": "SELECT * WHERE { SERVICESILENT <http://127.0.0.1:9/> { } }",
    "glued to true": "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/> { } }",
    "glued to a number": "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> { } }",
    "after a dot": "SELECT * WHERE { ?s ?p ?o.SERVICE<http://127.0.0.1:9/>{} }",
    "a < read as an IRI would hide it": "SELECT * WHERE { ?s ?p ?o FILTER(?o<1)SERVICE#>\n<http://127.0.0.1:9/>{} }",
    "after a language tag": 'SELECT * WHERE { ?s ?p ?o FILTER("x"@en<1)SERVICE#>\n<http://127.0.0.1:9/>{} }',
    "after DISTINCT <fn>": "SELECT (COUNT(DISTINCT <http://a#>(?x)) AS ?n) WHERE { SERVICE <http://127.0.0.1:9/> {} }",
    "after a collection": "SELECT * WHERE { ?s <http://p> ( <http://a> <http://b#x> ) SERVICE <http://127.0.0.1:9/> {} }",
    "in a nested pattern": "ASK { ?s ?p ?o FILTER EXISTS { SERVICE ?endpoint { ?a ?b ?c } } }",
}

ALLOWED = {
    "a string": 'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(?o, "web service")) }',
    "a comment": "# this query uses no SERVICE\nSELECT * WHERE { ?s ?p ?o }",
    "an IRI": "SELECT * WHERE { ?s <http://example.org/service> ?o }",
    "a local name": "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:webService ?o }",
    "a variable": "SELECT ?service WHERE { ?service ?p ?o }",
    "comparisons": "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > <http://a> || -?o < - -1) }",
    "a path": "SELECT * WHERE { ?s (<http://p>|<http://q>)+/^<http://r> ?o }",
    f"{MAX_NESTING} nested groups": "SELECT * WHERE " + "{" * MAX_NESTING + "?s ?p ?o" + "}" * MAX_NESTING,
    "1,000 VALUES": "SELECT * WHERE { VALUES ?x { " + " ".join(f"<http://e/{i}>" for i in range(1000)) + " } }",
}


@pytest.mark.parametrize("query", CRASHERS.values(), ids=CRASHERS.keys())
def test_query_check_refuses_queries_that_crash_the_engine(query: str) -> None:
    reason = check_query(query)
    assert reason is not None and "limit" in reason and "\n" not in reason


@pytest.mark.parametrize("query", SERVICES.values(), ids=SERVICES.keys())
def test_query_check_refuses_service(query: str) -> None:
    assert check_query(query) == "SERVICE (a federated query) is not allowed: effikg fetches nothing from other servers"


@pytest.mark.parametrize("query", ALLOWED.values(), ids=ALLOWED.keys())
def test_query_check_passes_ordinary_queries(query: str) -> None:
    assert check_query(query) is None


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_query_check_passes_every_named_query(query) -> None:
    assert check_query(to_bound_sparql(query)) is None
