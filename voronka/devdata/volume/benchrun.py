"""Timing requests in-process, and writing what was measured.

Server time here is the whole Django request (middleware, session, access rules, queries,
template or serializer) without the network: `django.test.Client` calls the WSGI handler
directly. Queries are counted and collected in a separate, untimed request, because
capturing them (DEBUG-style cursor wrappers) costs time of its own.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from voronka.accounts.models import User

from .benchcases import Case


@dataclass
class Query:
    sql: str
    params: tuple
    ms: float


class QueryRecorder:
    """An execute_wrapper that keeps each query's SQL, parameters and time (for EXPLAIN)."""

    def __init__(self) -> None:
        self.queries: list[Query] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            self.queries.append(Query(sql, tuple(params or ()), ms))


@dataclass
class Result:
    case: str
    url: str
    user: str
    samples_ms: list[float]
    queries: int
    db_ms: float  # sum of query times in the untimed run
    rows: int
    target_ms: float = 100.0
    error: str = ""
    slowest_sql: str = ""
    slowest_ms: float = 0.0
    plan: str = ""
    _slowest: Query | None = field(default=None, repr=False)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else math.nan

    @property
    def p95_ms(self) -> float:
        """Nearest-rank 95th percentile: of 30 samples, the second slowest."""
        if not self.samples_ms:
            return math.nan
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("_slowest")
        data["median_ms"] = round(self.median_ms, 2)
        data["p95_ms"] = round(self.p95_ms, 2)
        data["samples_ms"] = [round(s, 2) for s in self.samples_ms]
        return data


def fetch(client: Client, url: str):
    """GET a page; a streamed response (CSV export) is read to its end, inside the timing."""
    response = client.get(url)
    if response.streaming:
        response.streaming_content = [b"".join(response.streaming_content)]
    return response


def measure(
    case: Case, label: str, user: User, *, repeat: int, warmup: int, client: Client
) -> Result:
    for _ in range(warmup):
        fetch(client, case.url)
    recorder = QueryRecorder()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(recorder):
        response = fetch(client, case.url)
    rows, error = case.check(response)
    slowest = max(recorder.queries, key=lambda q: q.ms, default=None)
    result = Result(
        case=case.name,
        url=case.url,
        user=label,
        samples_ms=[],
        queries=len(captured.captured_queries),
        db_ms=sum(q.ms for q in recorder.queries),
        rows=rows,
        error=error,
        slowest_sql=slowest.sql if slowest else "",
        slowest_ms=slowest.ms if slowest else 0.0,
        _slowest=slowest,
    )
    if error:
        return result  # timing a broken page would only produce a misleading number
    for _ in range(repeat):
        started = time.perf_counter()
        response = fetch(client, case.url)
        result.samples_ms.append((time.perf_counter() - started) * 1000)
        _rows, error = case.check(response)
        if error:
            result.error = error
            break
    return result


def explain(result: Result) -> str:
    """The plan of the request's slowest query, with its real parameters."""
    query = result._slowest
    if query is None:
        return ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query.sql, query.params)
            return "\n".join(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + query.sql, query.params)
            return "\n".join(f"{row[0]}|{row[1]}| {row[3]}" for row in cursor.fetchall())
    return ""


def table(results: list[Result]) -> list[str]:
    lines = [
        "| case | user | median ms | p95 ms | queries | db ms | rows | |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        flag = (
            "FAIL: " + r.error
            if r.error
            else ("" if r.p95_ms <= r.target_ms else f"> {r.target_ms:.0f} ms")
        )
        lines.append(
            f"| {r.case} | {r.user} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.queries} "
            f"| {r.db_ms:.1f} | {r.rows} | {flag} |"
        )
    return lines


def markdown(meta: dict, results: list[Result], target_ms: float) -> str:
    lines = [
        f"# Voronka benchmark: {meta['vendor']} {meta['started']}",
        "",
        f"Database `{meta['database']}`; {meta['repeat']} timed requests per line after "
        f"{meta['warmup']} warm-up requests; target p95 ≤ {target_ms:.0f} ms "
        "(the board and record history: ≤ 200 ms, the issue's own target). "
        "`db ms` is the sum of query times in one separate, untimed request.",
        "",
        "Rows: " + ", ".join(f"{name} {n:,}" for name, n in meta["counts"].items()),
        "",
        *table(results),
    ]
    slow = [r for r in results if r.plan]
    if slow:
        lines += ["", "## Slowest query of each request over the target", ""]
        for r in slow:
            lines += [
                f"### {r.case} — {r.user} (p95 {r.p95_ms:.0f} ms, query {r.slowest_ms:.0f} ms)",
                "",
                "```sql",
                r.slowest_sql,
                "```",
                "",
                "```",
                r.plan,
                "```",
                "",
            ]
    return "\n".join(lines) + "\n"


def write_reports(
    directory: Path, stem: str, meta: dict, results: list[Result], target_ms: float
) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / f"{stem}.json", directory / f"{stem}.md"
    payload = {**meta, "target_ms": target_ms, "results": [r.as_dict() for r in results]}
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    md_path.write_text(markdown(meta, results, target_ms), encoding="utf-8")
    return json_path, md_path
