"""Money as it is shown: integer fen → a yuan string, the one formatter of the codebase.

Amounts are integer fen everywhere (SPEC); only display turns them into yuan. Exact integer
arithmetic (no float), correct for negatives: -5 fen is "-0.05", never "-1.95" (what floor
division on a negative gives). Parsing yuan text from the outside (the pay notice's PayAmount)
is `models.payment_rules.yuan_to_fen`, the one parser.

Pure: imports only the stdlib.
"""

from __future__ import annotations


def yuan(fen: int, *, symbol: str = "", grouping: bool = False) -> str:
    """Integer fen as yuan with exactly two decimals.

    yuan(1234) -> "12.34"; yuan(-5) -> "-0.05"; yuan(1234, symbol="¥") -> "¥12.34" (the sign goes
    before the symbol: "-¥0.05"); yuan(123456, grouping=True) -> "1,234.56". A bool, float or str
    raises TypeError: money is never a float here.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be int, not {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{symbol}{whole:,d}.{cents:02d}" if grouping else f"{sign}{symbol}{whole}.{cents:02d}"
