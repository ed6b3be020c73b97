"""What looks unusual, each scenario's reason said in full once: later figures point back to it.

One cause often moves several figures of a scenario: ``csm_coverage``'s 7 CSMs carry 138
accounts each, and "the CSM team carries 138 accounts per rep against the survey's ~104,
busy 100% of its selling time: a coverage finding of the scenario; churn rises with the
load ..." was said in full under net revenue retention, gross revenue retention, ARR per
rep and the busy share, some 270 characters four times. :func:`said_once` keeps it in full
under the first figure that gives it (the published ranges' order, as the lines are said)
and, under each later one, says its opening words and where it was said in full: "the CSM
team carries 138 accounts per rep against the survey's ~104, as said under net revenue
retention".

A reason is compared clause by clause (its parts between "; "), each scenario's against its
own, by the exact words: a clause with other numbers is another finding, said in full. A
run of repeated clauses shorter than :data:`SHORT` is said again, cheaper than a pointer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from simulator.analysis.unusual_finding import Finding

SHORT = 60
"""Characters under which repeated words are said again rather than pointed back to."""
AS_SAID = ", as said under "
"""What joins a reason's opening words to the figure it was said under in full."""
GIST = 20
"""Characters a reason's opening words reach at the least (``95 accounts per rep`` alone tells no cause)."""
LONGEST = 100
"""Characters past which a reason's opening words are cut at a word, ``…`` after them."""
_CLAUSE = re.compile(r"; (?![^()]*\))")
"""Where a reason's clauses part: "; " outside parentheses."""
_STOP = re.compile(r", |: | \(|; ")
"""Where a clause's opening words may end."""


def said_once(groups: Sequence[Sequence[Finding]]) -> list[list[Finding]]:
    """The findings of each line, in the lines' order, each scenario's repeated reasons pointing back to the first.

    Args:
        groups: The findings of each figure line (one per scenario outside), in the order the lines are said.

    Returns:
        The same findings, a clause a scenario gave under an earlier line replaced by a
        reference to it (:func:`reference`), unless short (:data:`SHORT`).
    """
    said: dict[tuple[str, str], str] = {}  # (scenario, clause) -> the figure it was said under in full
    lines = []
    for group in groups:
        lines.append([_once(found, said) for found in group])
        for found in group:  # after the line: two scenarios of one line never point to each other
            for reason in found.reasons:
                for clause in _CLAUSE.split(reason):
                    said.setdefault((found.scenario, clause), figure_named(found))
    return lines


def figure_named(found: Finding) -> str:
    """The figure a reference points to: its name, or its phrase without the value (``x {value}`` -> ``x``)."""
    return found.name or " ".join(found.phrase.replace("{value}", "").split())


def _once(found: Finding, said: dict[tuple[str, str], str]) -> Finding:
    """``found`` with each clause its scenario gave under an earlier line pointed back to (a reason said once)."""
    reasons = [_reason_once(reason, found.scenario, said) for reason in found.reasons]
    return replace(found, reasons=tuple(dict.fromkeys(reasons)))


def _reason_once(reason: str, scenario: str, said: dict[tuple[str, str], str]) -> str:
    """A reason, each run of clauses said before under one figure as one reference to it."""
    parts: list[str] = []
    run: list[str] = []
    where = ""
    for clause in [*_CLAUSE.split(reason), ""]:  # the empty clause ends the last run
        before = said.get((scenario, clause), "") if clause else ""
        if run and before != where:
            parts += _pointed(run, where)
            run = []
        if before:
            run, where = [*run, clause], before
        elif clause:
            parts.append(clause)
    return "; ".join(parts)


def _pointed(run: list[str], where: str) -> list[str]:
    """Clauses said before under ``where``: a reference to them, or themselves when shorter than it or short."""
    whole = "; ".join(run)
    pointer = reference(run[0], where)
    return [whole] if len(whole) < SHORT or len(pointer) >= len(whole) else [pointer]


def reference(clause: str, where: str) -> str:
    """A clause's opening words and the figure it was said under in full.

    ``the CSM team carries 138 accounts per rep against the survey's ~104, as said under net revenue retention``:
    the words up to the first stop (a comma, a colon, a parenthesis) past :data:`GIST` characters, cut at a word
    past :data:`LONGEST`. Few numbers stay in them, so two scenarios' alike are said once: "above 85% queues grow".
    """
    stop = next((found.start() for found in _STOP.finditer(clause) if found.start() >= GIST), len(clause))
    opening = clause[:stop]
    if len(opening) > LONGEST:
        opening = opening[:LONGEST].rsplit(" ", 1)[0] + "…"
    return f"{opening}{AS_SAID}{where}"
