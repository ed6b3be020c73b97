"""What looks unusual, figure by figure: each figure outside its range said once, with every scenario outside it.

A figure outside its published range in several scenarios of an experiment had one line
per scenario, each repeating the range and the same long reason with near-identical
numbers. :func:`figure_lines` says it once: the figure with each scenario's value (scenarios
with the same value and doubt together), the range, how far each lies, a doubt every one of
them shares, and each reason all of them give said once, its numbers merged
(:func:`~simulator.analysis.reason_numbers.merged_reason`). A reason only some of them give
is said under the line, with the scenarios it is theirs: a cause stays with its scenario.
A figure outside in one scenario reads as it always has: ``scenario: sentence``.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.analysis.reason_numbers import mergeable, merged_reason, merged_spans, reason_key
from simulator.analysis.unusual_finding import Finding
from simulator.analysis.unusual_once import said_once
from simulator.analysis.wording import join_words

ONE_CI = "its 95% CI reaches the range: "
SINGLE_RUN = "from a single run, with no CI: "
ITS = "its "
"""A reason's or doubt's opening word for the one scenario it was written of (``quota_reasons``: "its 12 full cycle reps
carry a $560.0k quota each"; ``coverage_reasons``: "its opportunities stay open"; ``refit_floor``: "its runs share")."""
EACH_SCENARIO = "each scenario's "
"""A reason's "its", said of several scenarios."""
EACH_ONE = "each one's "
"""A shared doubt's "its", said of several scenarios' figures."""


@dataclass(frozen=True, slots=True)
class UnusualLine:
    """One line of "What looks unusual".

    Attributes:
        who: The scenarios the sentence is about, said before it (``no_hires``; ``a and b``); empty when
            the sentence names them itself (a figure outside in several scenarios).
        sentence: The line's words.
        scenarios: The scenarios it is about, in the experiment's order.
        reasons: ``(whose, reason)`` said under the line: the reasons only some of its scenarios give.
        spans: The ranges its reasons say for numbers its scenarios differ on (``78–80%``), in their order.
    """

    who: str
    sentence: str
    scenarios: tuple[str, ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()
    spans: tuple[str, ...] = ()


def figure_lines(findings: list[Finding]) -> list[UnusualLine]:
    """One line per figure outside its range, in the order of the published ranges (each scenario's order kept).

    A reason a scenario gives under several figures is said in full under the first, and pointed back to under
    the rest (:func:`~simulator.analysis.unusual_once.said_once`).
    """
    figures: dict[tuple[str, str], list[Finding]] = {}
    for found in findings:
        figures.setdefault(found.figure, []).append(found)
    ordered = sorted(figures.values(), key=lambda group: group[0].rank)  # stable: teams keep their order
    return [_line(group) for group in said_once(ordered)]


def note_lines(notes: list[tuple[str, str]]) -> list[UnusualLine]:
    """``(scenario, sentence)`` notes, each sentence once with every scenario that has it (``a and b: ...``)."""
    said: dict[str, list[str]] = {}
    for scenario, sentence in notes:
        said.setdefault(sentence, []).append(scenario)
    return [UnusualLine(join_words(names), sentence, tuple(names)) for sentence, names in said.items()]


def shared_why_line(said: list[tuple[str, list[Finding]]], why: str) -> UnusualLine:
    """Several scenarios' figures that follow from one cause, said once: each figure with each scenario's value.

    A calibrated company's org question read the assumed effort's 400 characters once per
    scenario, the East and West teams' figures alike in each: "the Central team busy 24.0% of
    its selling time in as_is and 18.4% in plus_3_Central; the East team busy 16.7% of its
    selling time in as_is and plus_3_Central; ...: each follows from ...". ``said``: each
    scenario's figures (:class:`Finding`, their phrase and value), in the experiment's order.
    """
    figures: dict[str, dict[str, list[str]]] = {}  # phrase -> value -> scenarios, as first said
    for scenario, found in said:
        for figure in found:
            figures.setdefault(figure.phrase, {}).setdefault(figure.value, []).append(scenario)
    words = []
    for phrase, values in figures.items():
        each = [
            f"{phrase.replace('{value}', value) if i == 0 else value} in {join_words(names)}"
            for i, (value, names) in enumerate(values.items())
        ]
        words.append(_values(each, [len(names) for names in values.values()]))
    return UnusualLine("", f"{'; '.join(words)}: each {why}", tuple(scenario for scenario, _ in said))


def _line(group: list[Finding]) -> UnusualLine:
    """A figure's line: one scenario's sentence as it reads alone, or several scenarios' said together."""
    names = tuple(found.scenario for found in group)
    if len(group) == 1:
        return UnusualLine(names[0], group[0].sentence(), names)
    first = group[0]
    shared_doubt = bool(first.doubt) and all(found.doubt == first.doubt for found in group)
    values: dict[tuple[str, str, str], list[str]] = {}  # scenarios alike in value and doubt are said together
    for found in group:
        values.setdefault((found.value, found.distance, "" if shared_doubt else found.doubt), []).append(found.scenario)
    said = []
    for i, ((value, _, doubt), scenarios) in enumerate(values.items()):
        words = f"{first.phrase.replace('{value}', value) if i == 0 else value} in {join_words(scenarios)}"
        if doubt:  # one scenario's CI is "its", several's "each one's"
            words += f" ({_each(doubt) if len(scenarios) > 1 else doubt})"
        said.append(words)
    common, own, spans = _reasons(group)
    inside = [_distances([distance for _, distance, _ in values]), *([_each(first.doubt)] if shared_doubt else [])]
    sentence = f"{_values(said, [len(scenarios) for scenarios in values.values()])}; {first.range} "
    sentence += f"({'; '.join([*inside, *common])})"
    return UnusualLine("", sentence, names, own, spans)


def _values(said: list[str], counts: list[int]) -> str:
    """Each value with its scenarios, a comma before the last where a value names several.

    ``$0.65 in a and b and $0.57 in c`` reads as if c's were shared; ``$0.65 in a and b, and
    $0.57 in c`` does not.
    """
    if len(said) < 2 or max(counts) < 2:
        return join_words(said)
    return f"{', '.join(said[:-1])}, and {said[-1]}"


def _distances(distances: list[str]) -> str:
    """How far each lies, the unit once where they share it: ``0.2, 0.3 and 0.1 points above``."""
    numbers, units = zip(*(distance.partition(" ")[::2] for distance in distances), strict=True)
    if len(set(units)) == 1:
        return f"{join_words(list(numbers))} {units[0]}"
    return join_words(distances)


def _each(doubt: str) -> str:
    """A doubt every scenario's figure shares, said of each: ``each one's 95% CI reaches the range: ...``.

    What follows the CI is each one's too: a calibrated company's "its runs share 40 refits" reads
    "each one's runs share 40 refits", not one "its" for two scenarios' runs.
    """
    if doubt.startswith(ONE_CI):
        rest = _of_each(doubt.removeprefix(ONE_CI), EACH_ONE)
        return f"{EACH_ONE}{ONE_CI.removeprefix(ITS)}{rest}"
    return f"each {doubt}"


def _of_each(words: str, each: str) -> str:
    """Words opening with the scenario's "its", said of several: ``its 12 full cycle reps`` -> ``{each}12 ...``."""
    return f"{each}{words.removeprefix(ITS)}" if words.startswith(ITS) else words


def _reasons(group: list[Finding]) -> tuple[list[str], tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The reasons every finding gives, each said once (numbers merged), the rest as ``(whose, reason)``, the ranges.

    Two findings give the same reason when its words are the same with the numbers masked
    (:func:`~simulator.analysis.reason_numbers.reason_key`) and its numbers, merged, still read
    true (:func:`~simulator.analysis.reason_numbers.mergeable`); otherwise each says its own. A reason some give is said
    once for them (``a and c``); a finding's own reasons are said together.
    """
    keyed = [_keyed(found.reasons) for found in group]
    every = [key for key in keyed[0] if all(key in mine for mine in keyed[1:])]
    shared = [key for key in every if mergeable([mine[key] for mine in keyed])]
    common = [_said_of_several(merged_reason([mine[key] for mine in keyed])) for key in shared]
    spans = [span for key in shared for span in merged_spans([mine[key] for mine in keyed])]
    whose: dict[str, list[int]] = {}  # a reason not every finding gives -> the findings giving it
    for i, mine in enumerate(keyed):
        for key in mine:
            if key not in shared:
                whose.setdefault(key, []).append(i)
    by_names: dict[tuple[int, ...], list[str]] = {}
    for key, holders in whose.items():
        given = [keyed[i][key] for i in holders]
        for said in [holders] if mergeable(given) else [[i] for i in holders]:  # paired numbers: each its own
            merged = merged_reason([keyed[i][key] for i in said])
            spans += merged_spans([keyed[i][key] for i in said])
            by_names.setdefault(tuple(said), []).append(_said_of_several(merged) if len(said) > 1 else merged)
    ordered = sorted(by_names.items(), key=lambda item: item[0])
    own = tuple((join_words([group[i].scenario for i in holders]), "; ".join(said)) for holders, said in ordered)
    return common, own, tuple(spans)


OF_ONE = (
    ("this scenario's", "each scenario's"),
    ("the scenario gives", "each scenario gives"),
    ("finding of the scenario", "finding of each scenario"),
)
"""A reason's words for the one scenario it was written of, and as said of several (``load_reasons``, ``busy_reasons``,
``moved_reasons``): "...in pods_by_product and pods_by_product_uplift; ...: the scenario gives the team more work"."""


def _said_of_several(reason: str) -> str:
    """A reason written of one scenario, said of several: ``this scenario's change`` -> ``each scenario's change``.

    A reason opening with the scenario's "its" names each too: ramp_and_coaching's line for coaching and
    fast_ramp_and_coaching had read "its 12 full cycle reps carry a $560.0k quota each ... and book $3.96M–$4.12M".
    """
    for one, several in OF_ONE:
        reason = reason.replace(one, several)
    return _of_each(reason, EACH_SCENARIO)


def _keyed(reasons: tuple[str, ...]) -> dict[str, str]:
    """A finding's reasons by :func:`~simulator.analysis.reason_numbers.reason_key`, each kept.

    Two of one finding's reasons alike but for their numbers are two reasons: the second's
    key carries its count, where one keyed by its words alone had hidden the first.
    """
    keyed: dict[str, str] = {}
    for reason in reasons:
        key = reason_key(reason)
        count = sum(1 for said in keyed if said.split("\x01")[0] == key)
        keyed[f"{key}\x01{count + 1}" if count else key] = reason
    return keyed
