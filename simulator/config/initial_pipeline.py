"""The starting state: the deals already open on day 0, in their stage, with their age.

A calibrated company does not start empty: the open opportunities of its CRM at the
as-of date enter the run where they are. The section lists them column by column (one
entry per deal in every list), so a few thousand deals stay a readable block::

    initial_pipeline:
      stage: [decision, decision]     # the stage each deal is in
      age_days: [12.0, 85.0]          # working days it has spent in that stage
      amount: [5400.0, 1100.0]        # its deal value
      owner: [agent_01, agent_07]     # a named rep (org.teams.<team>.reps); empty: the team's rule
      product: [GTX Pro, GTX Basic]   # a product of market.products; empty: drawn
      geography: [East, Central]      # a geography of market.geographies; empty: drawn

or as one table, a CSV text block with a header (the form ``salesim calibrate`` writes:
Hydra composes a block of text at once, where a few thousand deals as lists cost it
seconds on every command)::

    initial_pipeline:
      deals: |
        stage,age_days,amount,owner,product
        decision,12,5400,agent_01,GTX Pro
        decision,85,1100,,GTX Basic

An empty cell is an empty entry (the team's rule, a drawn attribute). What happens to
each deal is drawn conditionally on the age it already has
(:mod:`simulator.model.initial_pipeline`).
"""

from __future__ import annotations

import csv
import functools
import io
import math
from typing import Annotated, Any

from pydantic import Field, model_validator

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.fields import ConfigModel, NonNegative, Number, Text


class InitialPipelineConfig(ConfigModel):
    """Open deals on day 0, one entry per deal in every list (``owner``, ``product``... may be left out)."""

    stage: list[Text]
    """The stage each deal is in."""
    age_days: list[NonNegative]
    """Working days each deal has already spent in its stage."""
    amount: list[NonNegative]
    """Each deal's value (currency units)."""
    owner: list[Text] = Field(default_factory=list)
    """Each deal's owner, a named rep of org.teams.<team>.reps ('' : chosen by the team's rule)."""
    product: list[Text] = Field(default_factory=list)
    """Each deal's product ('' : drawn from the market's weights)."""
    geography: list[Text] = Field(default_factory=list)
    """Each deal's geography ('' : drawn)."""
    segment: list[Text] = Field(default_factory=list)
    """Each deal's segment ('' : drawn)."""
    sector: list[Text] = Field(default_factory=list)
    """Each deal's sector ('' : drawn)."""
    no_decision: list[Annotated[Number, Field(ge=0, le=1)]] = Field(default_factory=list)
    """Each deal's prior share of no decision, replacing its stage's (e.g. its creation month's stall rate)."""

    @model_validator(mode="before")
    @classmethod
    def _from_table(cls, data: Any) -> Any:
        """``deals``, a CSV text block with a header, as the columns (refused beside them)."""
        if not isinstance(data, dict) or "deals" not in data:
            return data
        table = data["deals"]
        given = sorted(k for k in data if k != "deals")
        if given:
            raise ConfigError.single(given[0], data[given[0]], "give the deals either as the deals table or as lists")
        if not isinstance(table, str):
            raise ConfigError.single("deals", table, "must be a CSV text block with a header row")
        return _parse_table(table)

    @model_validator(mode="after")
    def _same_length(self) -> InitialPipelineConfig:
        n = len(self.stage)
        issues = [
            ConfigIssue(name, f"{len(values)} entries", f"must have one entry per deal ({n}, as stage)")
            for name, values in self.columns().items()
            if values and len(values) != n
        ]
        if issues:
            raise ConfigError(issues)
        return self

    @property
    def size(self) -> int:
        """Number of open deals."""
        return len(self.stage)

    def columns(self) -> dict[str, list[str] | list[float]]:
        """Every column by name (optional ones may be empty)."""
        return {
            "age_days": self.age_days,
            "amount": self.amount,
            "owner": self.owner,
            "product": self.product,
            "geography": self.geography,
            "segment": self.segment,
            "sector": self.sector,
            "no_decision": self.no_decision,
        }

    def check(
        self, stages: tuple[str, ...], reps: set[str], attributes: dict[str, tuple[str, ...]], org: str = ""
    ) -> list[ConfigIssue]:
        """References to stages, named reps and attribute values, as issues with keys under ``initial_pipeline``.

        ``org`` names the scenario's org (``org.name``) for the message when none of its
        teams names reps: an ``org=`` override replaced the org the deals were fitted with.
        """
        issues: list[ConfigIssue] = []

        def first_bad(name: str, values: list[str], allowed: set[str] | tuple[str, ...], what: str, none: str) -> None:
            if not set(values).difference(allowed, ("",)):
                return
            for i, value in enumerate(values):
                if value and value not in allowed:
                    shown = ", ".join(sorted(allowed)[:12]) + (", ..." if len(allowed) > 12 else "")
                    words = f"must be {what}: {shown}" if allowed else none
                    issues.append(ConfigIssue(f"initial_pipeline.{name}.{i}", value, words))
                    return

        first_bad("stage", self.stage, stages, "a stage of the pipeline", "the pipeline has no stages")
        first_bad(
            "owner",
            self.owner,
            reps,
            "a named rep of org.teams.<team>.reps (a rep removed from its team still owns its open deals: set it to "
            "null instead, org.teams.<team>.reps.<rep>=null, and they go to the others)",
            _no_named_reps(org),
        )
        for name, attr in (
            ("product", "products"),
            ("geography", "geographies"),
            ("segment", "segments"),
            ("sector", "sectors"),
        ):
            none = (
                f"market.{attr} names none, so no deal can have one: configure market.{attr}, or leave the {name} blank"
            )
            first_bad(name, getattr(self, name), attributes[attr], f"one of market.{attr}", none)
        return issues


@functools.lru_cache(maxsize=8)
def table_config(text: str) -> InitialPipelineConfig:
    """The starting deals of a ``deals`` table, validated once per text (the model is frozen, so shared).

    A sensitivity study or a team-mix search validates one calibrated folder's config once
    per scenario and refit: 4,333 times for 33 levers on crm-maven's 40 refits, 16 ms
    each for the table's 2,409 deals, parsed and checked cell by cell. A refused table
    raises here as it would in the config (and is not kept).
    """
    return InitialPipelineConfig.model_validate({"deals": text})


def _no_named_reps(org: str) -> str:
    """Why a starting deal's owner cannot be found when no team of the org names its reps, and what to do."""
    which = f"this scenario's org ('{org}')" if org else "this scenario's org"
    return (
        f"names a rep, but no team of {which} names any (org.teams.<team>.reps): the starting deals are owned by "
        "the reps of the org they were fitted with (a calibrated folder's org), and an org= override, such as a "
        "shipped experiment's scenarios make, replaces that org. Change the fitted org by its keys instead "
        "(org.teams.<team>.headcount=N, and org.teams.<team>.reps.<rep>=null for a rep who leaves; a calibrated "
        "folder's own experiments do), or, with an org of the roles "
        "the fitted pipeline names, leave the starting deals out with ~initial_pipeline"
    )


COLUMNS = ("stage", "age_days", "amount", "owner", "product", "geography", "segment", "sector", "no_decision")
NUMERIC = frozenset({"age_days", "amount", "no_decision"})


def _parse_table(text: str) -> dict[str, list[Any]]:
    """The columns of a deals table; a bad header, row or number is refused naming it."""
    rows = list(csv.reader(io.StringIO(text.strip("\n"))))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ConfigError.single("deals", text[:40], "must start with a header row naming its columns")
    header = [cell.strip() for cell in rows[0]]
    for name in header:
        if name not in COLUMNS or header.count(name) > 1:
            why = "a column given twice" if name in COLUMNS else f"must be one of {', '.join(COLUMNS)}"
            raise ConfigError.single("deals (header)", name, why)
    columns: dict[str, list[Any]] = {name: [] for name in header}
    lines: list[int] = []  # the line of each deal (blank lines are skipped)
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        lines.append(number)
        if len(row) != len(header):
            where, cells = f"deals (line {number})", len(header)
            raise ConfigError.single(where, ",".join(row), f"must have {cells} cells, as the header")
        for name, cell in zip(header, row, strict=True):
            cell = cell.strip()
            if name not in NUMERIC:
                columns[name].append(cell)
                continue
            try:
                value = float(cell) if cell else math.nan
            except ValueError:
                raise ConfigError.single(f"deals (line {number}, column {name})", cell, "must be a number") from None
            if name != "no_decision" and math.isnan(value):
                raise ConfigError.single(f"deals (line {number}, column {name})", cell, "is required")
            columns[name].append(value)
    blank = [math.isnan(v) for v in columns.get("no_decision", [])]
    if blank and all(blank):
        columns["no_decision"] = []  # an empty column: every deal has its stage's share
    elif any(blank):
        line = lines[blank.index(True)]
        raise ConfigError.single(
            f"deals (line {line}, column no_decision)", "", "is required (or leave the column empty)"
        )
    return columns
