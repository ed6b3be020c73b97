"""Names in words: the one place identifiers become words, and words take plurals and possessives.

Users name scenarios, teams, roles, stages and experiments in ``snake_case`` (``sdr_2``,
``partner_manager``, ``csm_coverage``). Every report, terminal line and figure writes them
through these helpers, so a name is never capitalised in one place and not in another:

- a *scenario* is written as the user typed it (``sdr_2``), even at the start of a
  sentence: it is a name to look up in the experiment file, not a word;
- a *team*, *role*, *stage* or *experiment* becomes words: underscores become spaces and
  the role codes of sales organisations stay in capitals (``sdr`` -> ``SDR``,
  ``csm_renewal`` -> ``CSM renewal``);
- :func:`possessive` adds ``'s`` (or only ``'`` after a final ``s``: ``specialists'``) and
  :func:`count_of` chooses the singular or plural noun (``1 rep``, ``12 reps``).
"""

from __future__ import annotations

# Role codes and abbreviations a sales leader writes in capitals.
ACRONYMS = frozenset(
    {"ae", "sdr", "bdr", "csm", "se", "prm", "crm", "arr", "mrr", "nrr", "grr", "cac", "smb", "apac", "emea", "kpi"}
)
ACRONYMS |= {"sla", "roi", "fte", "mape", "wape", "ceo", "cfo", "uk", "eu"}
_IRREGULAR = {"person": "people", "child": "children", "analysis": "analyses", "quantity": "quantities"}


def words(identifier: str) -> str:
    """``partner_manager`` -> ``partner manager``; ``sdr_2`` -> ``SDR 2``; ``csm_renewal`` -> ``CSM renewal``."""
    parts = str(identifier).replace("-", "_").split("_")
    return " ".join(part.upper() if part.lower() in ACRONYMS else part for part in parts if part)


def title(identifier: str) -> str:
    """A heading: :func:`words` with a capital first letter (``sdr_headcount`` -> ``SDR headcount``)."""
    text = words(identifier)
    return text[:1].upper() + text[1:]


def team_label(team: str) -> str:
    """A team's or role's name in words (``sdr`` -> ``SDR``, ``full_cycle`` -> ``full cycle``)."""
    return words(team)


def stage_label(stage: str) -> str:
    """A stage's name in words (``need_specified`` -> ``need specified``)."""
    return words(stage)


def scenario_label(scenario: str) -> str:
    """A scenario's name as the user typed it: never capitalised, never turned into words."""
    return str(scenario)


def possessive(name: str) -> str:
    """``name``'s, or ``name``' when it ends in s (``specialists'``, ``sdr_2's``)."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def plural(noun: str) -> str:
    """The plural of a noun of this vocabulary (``rep`` -> ``reps``, ``person`` -> ``people``)."""
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + "s"


def count_of(count: float, noun: str, plural_form: str | None = None) -> str:
    """``1 rep``, ``12 reps``, ``1,050 accounts``, ``2.5 reps``: the number and the noun it takes."""
    whole = float(count).is_integer()
    number = f"{int(count):,}" if whole else f"{count:,.1f}"
    one = whole and abs(int(count)) == 1
    return f"{number} {noun if one else (plural_form or plural(noun))}"


def sentence_start(text: str) -> str:
    """``text`` with a capital first letter; for words, never for a scenario's name (see :func:`scenario_label`)."""
    return text[:1].upper() + text[1:]


def join_words(items: list[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


# Plural nouns that head a KPI's words ("leaked leads", "SLA breaches at awareness"); "bookings"
# is plural in sales English ("bookings rose").
_PLURAL_HEADS = frozenset(
    {"leads", "deals", "bookings", "reps", "breaches", "meetings", "accounts", "referrals", "renewals"}
    | {"expansions", "customers", "partners", "seats", "fees", "hires", "ends"}
)
_LINKS = (" of ", " per ", " at ", " to ", " in ", " from ", ",", ":")


def is_plural(phrase: str) -> bool:
    """Whether a KPI's words take a plural verb: a plural noun before the first link word.

    ``leaked leads`` and ``leads and deals lost at hand-offs`` are plural; ``cost of leads`` and
    ``time to first touch`` are not (their head comes before "of" or "to").
    """
    head = phrase
    for link in _LINKS:
        head = head.split(link, 1)[0]
    return any(word.lower() in _PLURAL_HEADS for word in head.split())
