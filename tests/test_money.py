"""models/money.py: the one fen → yuan formatter, and the places that show money through it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.admin.api import CampaignStats
from handlers.admin.chart import burn_svg
from handlers.admin.wecom import stats_text
from imaging.poster import fen_to_yuan_text
from models.money import yuan
from models.payment_rules import yuan_to_fen

FEN = st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1)  # the parser takes up to 12 yuan digits


@pytest.mark.parametrize(("fen", "text"), [
    (0, "0.00"), (1, "0.01"), (5, "0.05"), (10, "0.10"), (100, "1.00"), (1990, "19.90"), (123456, "1234.56"),
    (-1, "-0.01"), (-5, "-0.05"), (-100, "-1.00"), (-123456, "-1234.56")])
def test_yuan(fen: int, text: str) -> None:
    assert yuan(fen) == text


def test_symbol_and_grouping() -> None:
    assert yuan(1234, symbol="¥") == "¥12.34"
    assert yuan(-5, symbol="¥") == "-¥0.05"
    assert yuan(123456789, grouping=True) == "1,234,567.89"
    assert yuan(-123456789, symbol="¥", grouping=True) == "-¥1,234,567.89"


@pytest.mark.parametrize("bad", [12.34, True, "1234", Decimal(5), None])
def test_money_is_never_a_float(bad: Any) -> None:
    with pytest.raises(TypeError):
        yuan(bad)


@given(FEN)
def test_matches_decimal(fen: int) -> None:
    assert yuan(fen) == f"{Decimal(fen).scaleb(-2):.2f}"
    assert yuan(fen, grouping=True) == f"{Decimal(fen).scaleb(-2):,.2f}"


@given(FEN)
def test_round_trips_for_negative_and_positive(fen: int) -> None:
    text = yuan(fen)
    assert int(Decimal(text).scaleb(2)) == fen
    assert len(text.split(".")[1]) == 2 and text.startswith("-") == (fen < 0)
    magnitude = yuan_to_fen(text.removeprefix("-"))  # the one parser takes amounts, never signs
    assert (-magnitude if fen < 0 else magnitude) == fen


@given(FEN)
def test_the_poster_shows_the_same_text(fen: int) -> None:
    # imaging/ imports only the stdlib and Pillow, so the poster keeps its own three lines: held equal here
    assert fen_to_yuan_text(fen) == yuan(fen, symbol="¥")


def _stats(spent_today_fen: int) -> CampaignStats:
    return CampaignStats(day=dt.date(2026, 12, 4), issued=3, shared=2, helped=1, split_out=0, helps=4,
                         spent_today_fen=spent_today_fen, spent_total_fen=123456, outbox_pending=0, outbox_dead=0,
                         blacklisted=0)


def test_wecom_stats_show_a_negative_day_exactly() -> None:
    # a day whose reversals (refunds of earlier days' packets) exceed its credits spends -5 fen;
    # the old `fen // 100` formatter said "-1.95"
    text = stats_text(_stats(-5))
    assert "支出：今日 -0.05 元，累计 1234.56 元" in text


def test_burn_chart_amounts() -> None:
    svg = burn_svg([0] * 23 + [123456], 200000, 23)
    assert "¥1,234.56" in svg and "日预算 ¥2,000.00" in svg
