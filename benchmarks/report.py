"""The results of a run as JSON, a Markdown table and a PNG bar chart, with pykue's ratios.

A ratio is "times better than the peer": pykue / peer for rates, peer / pykue for latencies and
memory, so above 1 always means pykue is ahead.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import matplotlib

# field, heading, higher is better, format
METRICS: list[tuple[str, str, bool, str]] = [
    ("enqueue_per_s", "enqueue/s", True, "{:,.0f}"),
    ("bulk_enqueue_per_s", "bulk enqueue/s", True, "{:,.0f}"),
    ("process_per_s", "process/s", True, "{:,.0f}"),
    ("p50_ms", "p50 ms", False, "{:.2f}"),
    ("p99_ms", "p99 ms", False, "{:.2f}"),
    ("worker_rss_mb", "worker RSS MB", False, "{:.0f}"),
    ("redis_mb_per_100k", "Redis MB / 100k jobs", False, "{:.1f}"),
]


def ratio(pykue: Any, peer: Any, higher_better: bool) -> float | None:
    if not isinstance(pykue, int | float) or not isinstance(peer, int | float):
        return None
    if not pykue or not peer:
        return None
    return pykue / peer if higher_better else peer / pykue


def add_ratios(results: list[dict[str, Any]]) -> None:
    base = next((r for r in results if r.get("key") == "pykue"), {})
    for result in results:
        if result.get("key") == "pykue":
            continue
        result["pykue_ratio"] = {
            field: ratio(base.get(field), result.get(field), higher)
            for field, _, higher, _ in METRICS
        }


def best_peer_line(results: list[dict[str, Any]]) -> list[str]:
    """pykue's ratio to the best peer of the run, per metric."""
    cells = []
    for field, *_ in METRICS:
        shares = [r["pykue_ratio"][field] for r in results if "pykue_ratio" in r]
        known = [x for x in shares if x is not None]
        cells.append(cell(min(known), "{:.2f}x") if known else "-")
    return ["| **best peer** | " + " | ".join(cells) + " |"]


def cell(value: Any, fmt: str) -> str:
    return fmt.format(value) if isinstance(value, int | float) else "-"


def notes(result: dict[str, Any]) -> str:
    parts = [result.get(k) for k in ("error", "process_note", "latency_note")]
    return "; ".join(str(p).replace("\n", " ").replace("|", "/")[:160] for p in parts if p)


def table(results: list[dict[str, Any]]) -> str:
    head = ["system", "version", *(m[1] for m in METRICS), "notes"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        row = [r.get("name", r["key"]), str(r.get("version", ""))]
        row += [cell(r.get(field), fmt) for field, _, _, fmt in METRICS]
        lines.append("| " + " | ".join([*row, notes(r)]) + " |")
    lines += ["", "pykue's ratio to each peer (above 1 = pykue ahead):", ""]
    head = ["peer", *(m[1] for m in METRICS)]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if "pykue_ratio" in r:
            cells = [cell(r["pykue_ratio"][m[0]], "{:.2f}x") for m in METRICS]
            lines.append("| " + " | ".join([r.get("name", r["key"]), *cells]) + " |")
    return "\n".join(lines + best_peer_line(results))


def machine_line(machine: dict[str, Any]) -> str:
    return (
        f"{machine['nproc']} CPUs ({machine['cpu']}), {machine['ram_gb']} GB RAM, "
        f"{machine['os']}; Python {machine['python']}, Node {machine['node']}, "
        f"Redis {machine['redis']}"
    )


def chart(results: list[dict[str, Any]], title: str, path: Path) -> None:
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 4, figsize=(20, 9))
    for ax, (field, heading, higher, _) in zip(axes.flat, METRICS, strict=False):
        rows = [r for r in results if isinstance(r.get(field), int | float)]
        rows.sort(key=lambda r: r[field], reverse=not higher)
        names = [r.get("name", r["key"]) for r in rows]
        values = [r[field] for r in rows]
        colors = ["#d62728" if r["key"] == "pykue" else "#7f7f7f" for r in rows]
        ax.barh(names, values, color=colors)
        ax.invert_yaxis()
        if field.endswith("_ms"):
            ax.set_xscale("log")
        ax.set_title(f"{heading} ({'higher' if higher else 'lower'} is better)", fontsize=10)
        ax.tick_params(labelsize=8)
        for y, r in enumerate(rows):
            share = r.get("pykue_ratio", {}).get(field)
            label = f" pykue {share:.2f}x" if share else ""
            ax.text(r[field], y, label, va="center", fontsize=7)
    axes.flat[-1].axis("off")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def write_all(results: list[dict[str, Any]], machine: dict[str, Any], n: int, out: Path) -> str:
    add_ratios(results)
    data = {"n": n, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine}
    data["results"] = results
    (out / "results.json").write_text(json.dumps(data, indent=2))
    text = f"Machine: {machine_line(machine)}. N = {n:,} jobs.\n\n{table(results)}\n"
    (out / "results.md").write_text(text)
    chart(results, f"pykue vs peers, N={n:,} - {machine_line(machine)}", out / "results.png")
    return text
