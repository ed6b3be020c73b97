"""The initial-transient check's sentences, those alike across scenarios said once.

:mod:`.transient` finds the state series still moving across the measured window, one
:class:`~simulator.analysis.transient.Drift` per scenario and series, each with its sentence.
Several scenarios often move alike; :func:`said_together` says them in one sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from simulator.analysis.reason_numbers import mergeable, merged_reason, reason_key
from simulator.analysis.transient import Drift
from simulator.analysis.wording import join_words

OF_ONE = (("this scenario's", "each scenario's"), ("the scenario's own lever", "each scenario's own lever"))
"""A drift's words for the one scenario it was written of, and as said of several."""


def said_together(drifts: Sequence[Drift], words: Callable[[Drift], str]) -> list[tuple[Drift, str]]:
    """Each drift's sentence (``words``), those alike but for their scenario and numbers said once for them all.

    org_structures with 5 CSMs printed ten warnings, the expansion backlog and the customer
    book of each of its five scenarios, alike but for "79%" or "80%" and "from about 804 to
    1,436". Drifts alike in kind (warning or note) and in words with the numbers masked are
    said as one, naming every scenario, each number they differ on as the range of theirs
    (:func:`~simulator.analysis.reason_numbers.merged_reason`), unless a range would read
    false (:func:`~simulator.analysis.reason_numbers.mergeable`): then each is said alone.

    Returns:
        ``(drift, sentence)`` in the order of each group's first drift, the drift standing
        for its group (they share its kind).
    """
    groups: dict[tuple[bool, str], list[tuple[Drift, str]]] = {}
    for drift in drifts:
        body = words(drift).removeprefix(f"{drift.scenario}: ")
        groups.setdefault((drift.warns, reason_key(body)), []).append((drift, body))
    said: list[tuple[Drift, str]] = []
    for members in groups.values():
        bodies = [body for _, body in members]
        # "from about 804 to 1,436" is a start and an end, not an interval's ends: merged, each is the range of theirs
        if len(members) == 1 or not mergeable([body.replace(" to ", " then ") for body in bodies]):
            said += [(drift, f"{drift.scenario}: {body}") for drift, body in members]
            continue
        merged = merged_reason(bodies)
        for one, several in OF_ONE:
            merged = merged.replace(one, several)
        said.append((members[0][0], f"{join_words([drift.scenario for drift, _ in members])}: {merged}"))
    return said
