"""The bench's table: each page beside its ceiling route, medians and ranges over the rounds."""

from __future__ import annotations

import statistics


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


def print_table(rows: list[dict], args) -> None:
    print(
        f"{args.rounds} interleaved rounds of {args.duration} s; median (min-max). CPU: server user+sys "
        f"ms per answer. Light pages {args.connections} connections, heavy {args.heavy_connections}."
    )
    header = (
        f"{'db':<10} {'page':<21} {'req/s':>15} {'CPU ms':>17} {'p50 ms':>8} {'SQL':>4} {'ceiling':>10} "
        f"{'ceil req/s':>15} {'ceil CPU':>14} {'req/s ratio':>11} {'CPU ratio':>9}  notes"
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
            f"{statistics.median(s['rps_ratio']):11.2f} {cpu_ratio:9.1f}  {s['notes']}"
        )
