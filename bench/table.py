"""The bench's table: each page beside its ceiling route, medians and ranges over the rounds."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
from importlib.metadata import version
from pathlib import Path

# Issue #21's targets, read against the ceiling route measured in the same rounds.
SUBMIT_CPU_RATIO, SUBMIT_RPS_RATIO = 2.5, 0.4
PAGE_RPS_RATIO, EXTRA_QUERIES = 0.5, 3  # the ceiling routes send one statement
HEAVY_P50_MS = {"dashboard": 30.0}  # the dashboard page; its JSON and each report: 20 ms


def machine(postgres_version: str = "") -> str:
    """What the figures were measured on: CPU, cores, load, and the versions that matter."""
    cpus = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpus if line.startswith("model name")), "?")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("Flask", "SQLAlchemy", "Jinja2", "WTForms", "gunicorn")
    )
    dbs = f"SQLite {sqlite3.sqlite_version}" + (
        f", PostgreSQL {postgres_version}" if postgres_version else ""
    )
    return (f"{model}, {os.cpu_count()} cores, load average {load}; Python {platform.python_version()}, "
            f"{packages}; {dbs}")  # fmt: skip


def verdict(row: dict, s: dict) -> str:
    """Whether the page meets its target, and if not, by what."""
    rps = statistics.median(s["rps_ratio"])
    cpu = statistics.median(s["cpu_ratio"]) if s["cpu_ratio"] else 0
    if row["method"] == "POST":
        misses = [f"CPU {cpu:.1f}x > {SUBMIT_CPU_RATIO}x"] if cpu > SUBMIT_CPU_RATIO else []
        misses += [f"req/s {rps:.2f} < {SUBMIT_RPS_RATIO}"] if rps < SUBMIT_RPS_RATIO else []
    elif row["heavy"]:
        limit = HEAVY_P50_MS.get(row["page"], 20.0)
        p50 = statistics.median(s["p50"])
        misses = [f"p50 {p50:.0f} > {limit:.0f} ms"] if p50 > limit else []
        misses += [f"req/s {rps:.2f} < {PAGE_RPS_RATIO}"] if rps < PAGE_RPS_RATIO else []
    else:
        misses = [f"req/s {rps:.2f} < {PAGE_RPS_RATIO}"] if rps < PAGE_RPS_RATIO else []
        misses += (
            [f"SQL {row['queries']} > {1 + EXTRA_QUERIES}"] if row["queries"] > 1 + EXTRA_QUERIES else []
        )
    pages = [p for p, _ in row["rounds"]]
    if any(p["bad"] + p["socket_errors"] > 0.01 * max(p["ok"], 1) for p in pages):
        misses.append("error answers")  # a fast refusal is not a fast page
    return "met" if not misses else "not met: " + ", ".join(misses)


def _spread(values: list[float], fmt: str) -> str:
    med = statistics.median(values)
    return f"{med:{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def summarize(row: dict) -> dict:
    pages = [p for p, _ in row["rounds"]]
    ceils = [c for _, c in row["rounds"]]
    out = {
        "rps": [p["rps"] for p in pages],
        "cpu": [p["cpu_ms"] for p in pages],
        "p50": [p["p50_ms"] for p in pages],
        "ceil_rps": [c["rps"] for c in ceils],
        "ceil_cpu": [c["cpu_ms"] for c in ceils],
        "rps_ratio": [p["rps"] / c["rps"] for p, c in row["rounds"]],
        "cpu_ratio": [p["cpu_ms"] / c["cpu_ms"] for p, c in row["rounds"] if c["cpu_ms"]],
    }
    notes = []
    for p in pages:
        if p["bad"] or p["socket_errors"]:
            notes.append(f"{p['bad']} non-2xx/3xx, {p['socket_errors']} socket errors")
        if "rows_created" in p:
            extra = p["rows_created"] - p["ok"]
            notes.append(f"{p['ok']} accepted, {p['rows_created']} made ({extra:+d})")
    out["notes"] = "; ".join(notes)
    return out


def print_markdown(rows: list[dict]) -> None:
    """The same figures as a Markdown table (for the README and docs/performance.md)."""
    print("| db | page | req/s | CPU ms | p50 ms | SQL | ceiling | ceiling req/s | ceiling CPU ms "
          "| req/s ÷ ceiling | CPU ÷ ceiling | target |")  # fmt: skip
    print("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        if row.get("absent") or "rss" in row:
            continue
        s = summarize(row)
        med = {k: statistics.median(v) if v else 0 for k, v in s.items() if k != "notes"}
        print(f"| {row['db']} | {row['page']} | {med['rps']:.0f} | {med['cpu']:.2f} | {med['p50']:.0f} "
              f"| {row['queries']} | {row['ceiling']} | {med['ceil_rps']:.0f} | {med['ceil_cpu']:.2f} "
              f"| {med['rps_ratio']:.2f} | {med['cpu_ratio']:.1f}x | {verdict(row, s)} |")  # fmt: skip


def print_table(rows: list[dict], args) -> None:
    print(
        f"{args.rounds} interleaved rounds of {args.duration} s; median (min-max). CPU: server user+sys "
        f"ms per answer. Light pages {args.connections} connections, heavy {args.heavy_connections}."
    )
    header = (
        f"{'db':<10} {'page':<21} {'req/s':>15} {'CPU ms':>17} {'p50 ms':>8} {'SQL':>4} {'ceiling':>10} "
        f"{'ceil req/s':>15} {'ceil CPU':>14} {'req/s ratio':>11} {'CPU ratio':>9}  target; notes"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.get("absent"):
            print(f"{row['db']:<10} {row['page']:<21} (no such page yet)")
            continue
        if "rss" in row:
            print(f"{row['db']:<10} {row['page']:<21} " + ", ".join(f"{mb:.0f}" for mb in row["rss"]))
            continue
        s = summarize(row)
        cpu_ratio = statistics.median(s["cpu_ratio"]) if s["cpu_ratio"] else 0
        print(
            f"{row['db']:<10} {row['page']:<21} {_spread(s['rps'], '.0f'):>15} "
            f"{_spread(s['cpu'], '.2f'):>17} {statistics.median(s['p50']):8.1f} {row['queries']:4d} "
            f"{row['ceiling']:>10} {_spread(s['ceil_rps'], '.0f'):>15} {_spread(s['ceil_cpu'], '.2f'):>14} "
            f"{statistics.median(s['rps_ratio']):11.2f} {cpu_ratio:9.1f}  {verdict(row, s)}"
            + (f"; {s['notes']}" if s["notes"] else "")
        )
