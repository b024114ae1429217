"""Small SVG charts rendered on the server (no script; colours as attributes, CSP-safe)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#0b5cad", "#e07b00", "#1a7f37", "#8250df", "#b42318", "#0a7e8c", "#9a6700", "#57606a")
WIDTH = 400
LIMIT_COLOUR = "#b42318"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # shown after the bar; the value when empty
    limit: float | None = None  # a red marker, e.g. the legal time limit


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _svg(height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def hbars(
    bars: list[Bar],
    title: str,
    label_width: int = 118,
    row: int = 30,
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars, one row each, with an optional limit marker per row; the scale
    ends at ``maximum`` (e.g. 100 for percentages) or at the largest value."""
    if not bars:
        return _svg(30, title, ['<text x="0" y="20" class="muted">暂无数据</text>'])
    area = WIDTH - label_width - 96  # room for the value after the bar or the marker
    top = maximum or max([b.value for b in bars] + [b.limit or 0 for b in bars] + [1])
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = i * row + 4
        length = area * bar.value / top
        text = escape(bar.text or _number(bar.value))
        after = length
        body.append(
            f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 10}" '
            f'rx="3" fill="{colour(0)}"><title>{escape(bar.label)}：{text}</title></rect>'
        )
        if bar.limit is not None:
            x = area * bar.limit / top
            after = max(after, x + 2)
            body.append(
                f'<line x1="{label_width + x:.1f}" x2="{label_width + x:.1f}" y1="{y}" '
                f'y2="{y + row - 4}" stroke="{LIMIT_COLOUR}" stroke-width="3">'
                f"<title>时限 {_number(bar.limit)}</title></line>"
            )
        body.append(f'<text x="{label_width + after + 4:.1f}" y="{y + 17}">{text}</text>')
    return _svg(len(bars) * row + 8, title, body)


def stacked_columns(labels: list[str], series: dict[str, list[int]], title: str) -> Markup:
    """One column per label (e.g. a week), stacked by series (kind, channel…)."""
    height, bottom, left, head = 230, 24, 28, 22
    plot = height - bottom - head
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = max([*totals, 1])
    step = (WIDTH - left - 12) / max(len(labels), 1)  # 12: room for the last label
    every = max(1, math.ceil(44 / step))  # label every n-th column so that labels never overlap
    body = [
        f'<line x1="{left}" x2="{WIDTH}" y1="{height - bottom}" y2="{height - bottom}" stroke="#d0d7de"/>',
        f'<text x="{left - 4}" y="{head + 4}" text-anchor="end" class="muted">{top}</text>',
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" class="muted">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * step + step * 0.15
        y = height - bottom
        for j, (name, values) in enumerate(series.items()):
            if not values[i]:
                continue
            h = plot * values[i] / top
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{colour(j)}"><title>{escape(label)} {escape(name)}：{values[i]}</title></rect>'
            )
        if totals[i]:
            body.append(
                f'<text x="{x + step * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle">{totals[i]}</text>'
            )
        if (len(labels) - 1 - i) % every == 0:
            body.append(
                f'<text x="{x + step * 0.35:.1f}" y="{height - 6}" text-anchor="middle" '
                f'class="muted">{escape(label)}</text>'
            )
    return _svg(height, title, body)
