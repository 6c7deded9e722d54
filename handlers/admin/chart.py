"""Pure pieces of the admin page: the funnel's conversion rates and the budget-burn chart as inline
SVG markup (server-rendered: no chart library, no script). Only numbers computed here go into the
markup, so it is safe to embed unescaped."""

from __future__ import annotations

from dataclasses import dataclass

from models.money import yuan

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 36
HOURS = 24
FUNNEL = (("issued", "已发放"), ("shared", "已分享"), ("helped", "有人助力"), ("split_out", "已拆完"))
PAY_FUNNEL = (("payments", "支付成功"), ("draws", "已抽奖"), ("wins", "中奖"), ("redeemed", "券已核销"))


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    of_previous: float | None  # share of the previous step, 0..1 (None for the first)
    of_first: float  # share of issued, 0..1


def funnel_steps(counts: dict[str, int], funnel: tuple[tuple[str, str], ...] = FUNNEL) -> list[FunnelStep]:
    """issued → shared → helped → split_out (or another `funnel`) with step and overall conversion."""
    first = counts.get(funnel[0][0], 0)
    steps, previous = [], None
    for key, label in funnel:
        n = counts.get(key, 0)
        of_prev: float | None = None if previous is None else (n / previous if previous else 0.0)
        steps.append(FunnelStep(key, label, n, of_prev, n / first if first else 0.0))
        previous = n
    return steps


def cumulative(hourly_fen: list[int]) -> list[int]:
    out, total = [], 0
    for fen in hourly_fen:
        total += fen
        out.append(total)
    return out


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is >= value (axis tops: ¥250, not ¥220.01)."""
    power = 1
    while power * 10 < value:
        power *= 10
    return next(int(power * m) for m in (1, 2, 2.5, 5, 10) if power * m >= value)


def _yuan(fen: int) -> str:
    return yuan(int(fen), symbol="¥", grouping=True)


def _x(hour: float) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * hour / HOURS


def _y(fen: int, top_fen: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - fen / top_fen)


def _axes(top_fen: int) -> list[str]:
    base = HEIGHT - BOTTOM
    parts = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999"/>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#999"/>']
    for hour in range(0, HOURS + 1, 3):
        parts.append(f'<text x="{_x(hour):.1f}" y="{base + 18}" font-size="11" text-anchor="middle" '
                     f'fill="#555">{hour:02d}:00</text>')
    for frac in (0.5, 1.0):
        fen = int(top_fen * frac)
        parts.append(f'<text x="{LEFT - 6}" y="{_y(fen, top_fen) + 4:.1f}" font-size="11" text-anchor="end" '
                     f'fill="#555">{_yuan(fen)}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{_y(fen, top_fen):.1f}" x2="{WIDTH - RIGHT}" '
                     f'y2="{_y(fen, top_fen):.1f}" stroke="#eee"/>')
    return parts


def burn_svg(hourly_fen: list[int], budget_fen: int, now_hour: int) -> str:
    """Spend per local hour of today (bars) and cumulated (line, up to the current hour), with the
    daily budget as a dashed red line when one is set."""
    hours = (hourly_fen + [0] * HOURS)[:HOURS]
    shown = cumulative(hours)[: now_hour + 1]
    top_fen = nice_ceiling(max([budget_fen, *shown, 100]) * 1.1)
    parts = _axes(top_fen)
    slot = (WIDTH - LEFT - RIGHT) / HOURS
    for hour, fen in enumerate(hours[: now_hour + 1]):
        if fen:
            y = _y(fen, top_fen)
            parts.append(f'<rect class="bar" x="{_x(hour) + 2:.1f}" y="{y:.1f}" width="{slot - 4:.1f}" '
                         f'height="{HEIGHT - BOTTOM - y:.1f}" fill="#f4b4a8"><title>{hour:02d}:00 '
                         f'{_yuan(fen)}</title></rect>')
    points = " ".join(f"{_x(h + 1):.1f},{_y(fen, top_fen):.1f}" for h, fen in enumerate(shown))
    parts.append(f'<polyline class="burn" points="{_x(0):.1f},{_y(0, top_fen):.1f} {points}" fill="none" '
                 f'stroke="#d8382c" stroke-width="2.5"/>')
    if budget_fen:
        y = _y(budget_fen, top_fen)
        parts.append(f'<line class="budget" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'stroke="#a00" stroke-dasharray="6 4"><title>日预算 {_yuan(budget_fen)}</title></line>')
    total = shown[-1] if shown else 0
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'class="burn-chart" aria-label="今日预算消耗 {_yuan(total)}"><title>今日预算消耗 {_yuan(total)}</title>'
            + "".join(parts) + "</svg>")
