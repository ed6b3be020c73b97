"""The numbers in a reason's words: masked to tell whether two scenarios give the same reason, merged to say it once.

The reasons "What looks unusual" gives for a figure outside its range are sentences made
by many ``*_reasons`` modules, each a fixed wording with the scenario's own numbers in it
("inbound leads, 80% of the leads, bring 53% of the bookings: ..."). No key says which
module or which wording a reason came from, so two scenarios' reasons are the same reason
when their words are the same once every number is masked (:func:`reason_key`): the same
cause said in the same sentence, only the numbers apart. Any word apart (``above``
against ``below``, ``1 rep`` against ``2 reps``, another scenario named) keeps them apart.
:func:`merged_reason` says such reasons once, each number the scenarios differ on as the
range they span (``78–80% of the leads``), each number they share as it is.
"""

from __future__ import annotations

import re

NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-−]?)(?P<currency>\$?)(?P<digits>\d+(?:,\d{3})*(?:\.\d+)?)(?P<unit>[%×]|[kMB](?!\w))?(?!\w)"
)
"""A number as the reasons write it: ``53%``, ``$4.09M``, ``-$144.1k``, ``1,639``, ``2.5``, ``3.0×``.

Digits inside a name (``sdr_2``, ``plan_2025``, ``Q1``) are no number: they are part of a word.
"""
MASK = "\x00"
"""What a number becomes in a reason's key (a character no reason holds)."""
_SCALE = {"k": 1e3, "M": 1e6, "B": 1e9}


def reason_key(reason: str) -> str:
    """The reason's words with every number masked: two reasons with the same key give the same cause."""
    return NUMBER.sub(MASK, reason)


def number_value(number: str) -> float:
    """The value a number as written stands for (``$4.09M`` -> 4,090,000; ``-$144.1k`` -> -144,100; ``53%`` -> 53).

    Raises:
        ValueError: If ``number`` is not one :data:`NUMBER`.
    """
    found = NUMBER.fullmatch(number)
    if found is None:
        raise ValueError(f"not a number as the reasons write one: {number!r}")
    value = float(found["digits"].replace(",", "")) * _SCALE.get(found["unit"] or "", 1.0)
    return -value if found["sign"] else value


def span_words(numbers: list[str]) -> str:
    """Numbers as written, as the range they span: ``78–80%``, ``$47.0k–$47.2k``, ``-$0.1M to $0.2M``; one if alike."""
    low, high = min(numbers, key=number_value), max(numbers, key=number_value)
    if number_value(low) == number_value(high):
        return low
    if low.startswith(("-", "−")) or high.startswith(("-", "−")):
        return f"{low} to {high}"
    if low[-1:] in ("%", "×") and low[-1:] == high[-1:]:  # one unit after the pair, as the published ranges: 1–5%
        return f"{low[:-1]}–{high}"
    return f"{low}–{high}"


def merged_reason(reasons: list[str]) -> str:
    """Reasons with one :func:`reason_key`, said once: each number where they differ as the range of theirs.

    Raises:
        ValueError: If the reasons' keys differ (they are not the same reason) or none is given.
    """
    if not reasons:
        raise ValueError("no reason to merge")
    if len({reason_key(r) for r in reasons}) != 1:
        raise ValueError(f"not the same reason with other numbers: {reasons!r}")
    slots = zip(*([m.group(0) for m in NUMBER.finditer(r)] for r in reasons), strict=True)
    spans = iter([numbers[0] if len(set(numbers)) == 1 else span_words(list(numbers)) for numbers in slots])
    return NUMBER.sub(lambda _: next(spans), reasons[0])
