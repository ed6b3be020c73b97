"""What the terminal's "What looks unusual" says of one scenario's figure, for the tests that read it.

A figure outside in one scenario is its own line (``  scenario: figure ...``); outside in
several, one line names each scenario with its value and gives the reasons they share,
and the reasons only some give are indented under it (``    scenario: reason``).
"""

from __future__ import annotations

import re


def said_of(terminal: str, scenario: str, figure: str) -> str:
    """The words said of ``scenario``'s ``figure`` (how its sentence starts, any case): its line and its own reasons.

    Empty when the terminal says nothing of it. Reasons other scenarios alone give are left out.
    """
    lines = terminal.splitlines()
    named = re.compile(rf"(?<!\w){re.escape(scenario)}(?!\w)")
    for i, line in enumerate(lines):
        if not line.startswith("  ") or line.startswith("    "):
            continue
        text = line.strip()
        if text.lower().startswith(f"{scenario}: {figure}".lower()):
            return text
        if text.lower().startswith(figure.lower()) and named.search(text.split("; ")[0]):
            under = []
            for sub in lines[i + 1 :]:
                if not sub.startswith("    "):
                    break
                whose, _, reason = sub.strip().partition(": ")
                if named.search(whose):
                    under.append(reason)
            return " ".join([text, *under])
    return ""
