"""One scenario's figure outside its published range, in the pieces "What looks unusual" says it with.

:mod:`.unusual_words` makes a :class:`Finding` of each figure outside its range,
:mod:`.unusual_once` points a scenario's repeated reasons back to where they were said, and
:mod:`.unusual_groups` says each figure once across its scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """One scenario's figure outside its published range, in the pieces its sentence is made of.

    Attributes:
        scenario: The scenario.
        rank: The figure's place among the published ranges (lines follow it).
        phrase: The figure in words, ``{value}`` standing for the value (``lead to customer {value} of ...``).
        value: The value in words (``5.2%``; ``80.0% a year (64.0% over the run's 24-month window)``).
        range: The range with its label (``published 1–5%``).
        distance: How far outside (``0.2 points above``).
        doubt: Why the figure may yet lie inside (its CI reaches the range; a single run); empty when clear.
        reasons: Why it reads outside (what salesim leaves out, the scenario's cause, the figure that chose
            the range), each said apart.
        name: The figure's name in a sentence, where a later figure's reason points back to it (``net revenue
            retention``; ``the CSM team's busy share``); empty: the phrase without its value.
    """

    scenario: str
    rank: int
    phrase: str
    value: str
    range: str
    distance: str
    doubt: str = ""
    reasons: tuple[str, ...] = ()
    name: str = ""

    @property
    def figure(self) -> tuple[str, str]:
        """What makes two scenarios' findings one figure: the same words against the same range."""
        return self.phrase, self.range

    def sentence(self) -> str:
        """The figure against its range: ``0.8% of reps at quota; published 20–28% (19.2 points below)``."""
        said = "; ".join([self.distance, *([self.doubt] if self.doubt else []), *self.reasons])
        return f"{self.phrase.replace('{value}', self.value)}; {self.range} ({said})"
