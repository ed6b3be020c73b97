"""What the terminal's "What looks unusual" says of one scenario's figure, for the tests that read it.

A figure outside in one scenario is its own line (``  scenario: figure ...``); outside in
several, one line names each scenario with its value and gives the reasons they share,
and the reasons only some give are indented under it (``    scenario: reason``). A reason
a scenario gave under an earlier figure reads there in full and here as its opening words
``, as said under`` that figure (:mod:`simulator.analysis.unusual_once`).
"""

from __future__ import annotations

import re

from simulator.analysis.unusual_once import AS_SAID


def said_of(terminal: str, scenario: str, figure: str) -> str:
    """The words said of ``scenario``'s ``figure`` (how its sentence starts, any case): its line and its own reasons.

    Empty when the terminal says nothing of it. Reasons other scenarios alone give are left out.
    A reason pointing back to an earlier figure is followed by the clause it points to, as said there.
    """
    said = _said(terminal, scenario)
    for i, (start, pieces) in enumerate(said):
        if start.lower().startswith(figure.lower()):
            return " ".join([*pieces, *_pointed_to(pieces, [" ".join(earlier) for _, earlier in said[:i]])])
    return ""


def _said(terminal: str, scenario: str) -> list[tuple[str, list[str]]]:
    """Each line saying something of ``scenario``: how its figure starts, and its words, then the scenario's reasons."""
    lines = terminal.splitlines()
    named = re.compile(rf"(?<!\w){re.escape(scenario)}(?!\w)")
    said = []
    for i, line in enumerate(lines):
        if not line.startswith("  ") or line.startswith("    "):
            continue
        text = line.strip()
        if text.lower().startswith(f"{scenario}: ".lower()):
            said.append((text[len(scenario) + 2 :], [text]))
        elif named.search(text.split("; ")[0]):
            under = []
            for sub in lines[i + 1 :]:
                if not sub.startswith("    "):
                    break
                whose, _, reason = sub.strip().partition(": ")
                if named.search(whose):
                    under.append(reason)
            said.append((text, [text, *under]))
    return said


def _pointed_to(pieces: list[str], earlier: list[str]) -> list[str]:
    """The clauses the references in ``pieces`` point to, as the first earlier line saying them has them."""
    found = []
    for piece in pieces:
        for reference in re.finditer(re.escape(AS_SAID), piece):
            found += _clause(piece[: reference.start()].rsplit("; ", 1)[-1], earlier)
    return found


def _clause(opening: str, earlier: list[str]) -> list[str]:
    """The clause starting with ``opening`` as the first of ``earlier`` says it in full (none when none does)."""
    for text in earlier:
        at = text.find(opening)
        if at >= 0 and not text[at + len(opening) :].startswith(AS_SAID):
            return [re.split(r"; (?![^()]*\))", text[at:])[0]]
    return []
