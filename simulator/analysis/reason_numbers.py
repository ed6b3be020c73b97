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
    r"(?<![\w.=])(?<!= )(?<!=[-−])(?<!= [-−])(?P<sign>[-−]?)(?P<currency>\$?)(?P<digits>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?P<unit>[%×]|[kMB](?!\w))?(?!\w)"
)
"""A number as the reasons write it: ``53%``, ``$4.09M``, ``-$144.1k``, ``1,639``, ``2.5``, ``3.0×``.

Digits inside a name (``sdr_2``, ``plan_2025``, ``Q1``) are no number: they are part of a word; nor is
a setting's value (``reserved_hours_per_week.prospecting=3``, ``load_logit = 1``): merged it read
``prospecting=3–6``, a setting no config holds.
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


def mergeable(reasons: list[str]) -> bool:
    """Whether reasons are one reason whose numbers, merged, each still read true as the range they span.

    Not when two numbers they differ on were paired in each (said as ranges, the pairs are
    lost): two of one unit whose ranges overlap ("$3.44M–$3.94M of bookings are no more than
    the $3.90M–$3.94M of churned ARR", true of each scenario, reads false), or an end of an
    interval ("95% CI -$409.6k to -$355.8k to +$41.7k–$91.5k").
    """
    if not reasons or len({reason_key(r) for r in reasons}) != 1:
        return False
    found = [list(NUMBER.finditer(r)) for r in reasons]
    slots = list(zip(*found, strict=True))
    differ = [i for i, matches in enumerate(slots) if len({m.group(0) for m in matches}) > 1]
    first = found[0]
    for i in differ:
        ends = [j for j in (i - 1, i + 1) if 0 <= j < len(first)]
        if any(_between(reasons[0], first[min(i, j)], first[max(i, j)]) == "to" for j in ends):
            return False
    spans = [(_kind(slots[i][0]), *_span(slots[i])) for i in differ]
    return not any(
        a[0] and a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2] for n, a in enumerate(spans) for b in spans[n + 1 :]
    )


def _between(text: str, left: re.Match[str], right: re.Match[str]) -> str:
    """The words between two numbers of a reason, signs and spaces stripped (``to`` in ``-$0.4M to +$0.1M``)."""
    return text[left.end() : right.start()].strip(" +")


def _kind(number: re.Match[str]) -> str:
    """A number's unit for telling whether two are compared: ``$``, ``%``, ``×``; empty for a count."""
    return "$" if number["currency"] else number["unit"] if number["unit"] in ("%", "×") else ""


def _span(numbers: tuple[re.Match[str], ...]) -> tuple[float, float]:
    """The lowest and highest value of one number across the reasons."""
    values = [number_value(m.group(0)) for m in numbers]
    return min(values), max(values)


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


def merged_spans(reasons: list[str]) -> list[str]:
    """The ranges :func:`merged_reason` says for the numbers the reasons differ on (``78–80%``), in their order."""
    slots = zip(*([m.group(0) for m in NUMBER.finditer(r)] for r in reasons), strict=True)
    return [span_words(list(numbers)) for numbers in slots if len(set(numbers)) > 1]
