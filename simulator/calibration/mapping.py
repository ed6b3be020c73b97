"""The mapping file: which files an export has and what each column means.

A small YAML file beside (or pointing at) the export; paths are relative to it::

    opportunities:                    # one row per opportunity (or per lead)
      file: sales_pipeline.csv        # CSV, Excel (.xlsx, sheet:) or Parquet
      columns: {id: opportunity_id, created: engage_date, closed: close_date, outcome: deal_stage,
                amount: close_value, owner: sales_agent, product: product}
      outcomes: {Won: won, Lost: lost, Engaging: open, Prospecting: open}
    roster: {file: sales_teams.csv, columns: {owner: sales_agent, team: regional_office, manager: manager}}
    prices: {file: products.csv, columns: {product: product, price: sales_price}}

The four export shapes (see :mod:`simulator.calibration.shapes`): (a) ``opportunities`` with
created and closed dates and an outcome; (b) ``stage_history``, a long table of (id, stage,
date entered) whose stages map to outcomes; (c) ``opportunities.stage_dates``, one date
column per funnel stage (the opportunity is created at ``created_stage``); (d)
``won_deals``, a table of won deals joined to the leads by id (a lead with no deal is lost
if it has a closed date or a lost outcome, else open, censored at the export date).

A table's dates written as three numbers (01/03/2017, with or without a time) are read in
the one order its dates show (a day over 12 tells it; none telling it, month first,
counted as a data problem), or in its own ``date_order`` (``opportunities.date_order:
day_first``); other dates in the format pandas infers from a column's first date. A table
whose dates are written otherwise gives its own ``date_format``
(``opportunities.date_format: '%d/%m/%Y'``). ``stage_history``, ``won_deals`` and
``roster`` take both too. A table's amounts read with the decimal mark their column shows
(:mod:`simulator.calibration.decimal_marks`), or its own ``decimal_mark`` (``comma`` or
``point``; ``opportunities``, ``won_deals`` and ``prices`` take it).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import CoreSchema

from simulator.calibration.errors import CalibrationError, some_of
from simulator.calibration.mapping_gaps import gap_lines, raw_gaps
from simulator.calibration.mapping_problems import closest_key, mapping_problem
from simulator.config.composed import folder_name
from simulator.config.fields import DealDollars, QuotaDollars, strict_scalars

Outcome = Literal["won", "lost", "no_decision", "open"]
DateOrder = Literal["day_first", "month_first"]
"""How a table's dates of three numbers read: 01/03/2017 as 1 March (day_first) or 3 January (month_first)."""
DecimalMark = Literal["comma", "point"]
"""How a table's amounts write their decimals when its cells do not tell: 1.054,50 (comma) or 1,054.50 (point)."""
OUTCOMES: tuple[str, ...] = ("won", "lost", "no_decision", "open")


class _Model(BaseModel):
    """A mapping section: unknown keys refused, and numbers as strict as a config file's.

    ``true`` is not a number (``quota: true`` was read as $1), ``"12"`` not a number, and
    NaN or infinity (``.nan``, ``1e400``) not a value: the same rule, and words, as config files.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[BaseModel], handler: GetCoreSchemaHandler) -> CoreSchema:
        """The section's schema with every number, flag and string strict and every number finite."""
        schema: CoreSchema = strict_scalars(handler(source))
        return schema


def _column_name(name: str) -> str:
    if not name.strip():
        raise ValueError("must name a column of the file (null: not in the export)")
    return name


Column = Annotated[str, AfterValidator(_column_name)]  # a column's name, as the file's header spells it


class OpportunityColumns(_Model):
    """Column names of the opportunity (or lead) table; null: not in the export."""

    id: Column
    created: Column | None = None
    closed: Column | None = None
    outcome: Column | None = None
    amount: Column | None = None
    owner: Column | None = None
    product: Column | None = None
    segment: Column | None = None
    region: Column | None = None
    source: Column | None = None
    qualifier: Column | None = None

    @field_validator("closed")
    @classmethod
    def _closed_apart_from_created(cls, closed: str | None, info: ValidationInfo) -> str | None:
        # 'closed: engage_date' beside 'created: engage_date' calibrated with exit 0: every deal closed the day
        # it was created, a won cycle of 0 working days
        if closed is not None and closed == info.data.get("created"):
            raise ValueError(
                f"is the created column too ({closed!r}): every closed deal would close the day it was created; "
                "map the column of the close date"
            )
        return closed


class _DatedTable(_Model):
    """A table with dates: its own ``date_format`` (every date's layout, its order included) or ``date_order``."""

    date_format: str | None = None
    date_order: DateOrder | None = None

    @field_validator("date_order")
    @classmethod
    def _one_of_format_and_order(cls, order: DateOrder | None, info: ValidationInfo) -> DateOrder | None:
        given = info.data.get("date_format")
        if order is not None and given is not None:
            raise ValueError(
                f"date_format ({given!r}) is set too: the format already says the order ('%d' before '%m' is day "
                "first); set one of them"
            )
        return order


class OpportunityTable(_DatedTable):
    """The main table: one row per opportunity (shapes a, c) or per lead (shape d)."""

    file: str
    sheet: str | None = None
    columns: OpportunityColumns
    decimal_mark: DecimalMark | None = None  # its amounts' decimal mark, where their cells do not show it
    outcomes: dict[str, Outcome] = Field(default_factory=dict)
    stage_dates: dict[str, str] = Field(default_factory=dict)
    created_stage: str | None = None
    won_stage: str | None = None


class HistoryColumns(_Model):
    """Columns of a long stage-history table (Salesforce OpportunityHistory-like)."""

    id: Column
    stage: Column
    date: Column


class StageHistory(_DatedTable):
    """Shape (b): one row per (opportunity, stage entered, date)."""

    file: str
    sheet: str | None = None
    columns: HistoryColumns
    outcomes: dict[str, Outcome] = Field(default_factory=dict)


class DealColumns(_Model):
    """Columns of a won-deals table joined to the leads by id."""

    id: Column
    closed: Column
    amount: Column | None = None


class WonDeals(_DatedTable):
    """Shape (d): the won deals, joined to the leads of ``opportunities`` by id."""

    file: str
    sheet: str | None = None
    columns: DealColumns
    decimal_mark: DecimalMark | None = None  # its amounts' decimal mark, where their cells do not show it


class RosterColumns(_Model):
    """Columns of the roster: owner -> team, manager, office, start and end dates."""

    owner: Column
    team: Column | None = None
    manager: Column | None = None
    office: Column | None = None
    start: Column | None = None
    end: Column | None = None


class Roster(_DatedTable):
    """Who sells: the owners and their teams."""

    file: str
    sheet: str | None = None
    columns: RosterColumns


class PriceColumns(_Model):
    """Columns of a price list."""

    product: Column
    price: Column


class Prices(_Model):
    """List prices by product (deal value when an amount is missing; product spellings)."""

    file: str
    sheet: str | None = None
    columns: PriceColumns
    decimal_mark: DecimalMark | None = None  # its amounts' decimal mark, where their cells do not show it


def _day(value: Any) -> str:
    """A holiday as YYYY-MM-DD (YAML gives a date for 2017-12-25, a string when quoted)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError as error:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # written as a date, but no such day
            raise ValueError(f"is no date of the calendar ({error}); give a day that exists, YYYY-MM-DD") from None
        raise ValueError("must be a date written YYYY-MM-DD") from None


class _Loader(yaml.SafeLoader):
    """YAML as ``yaml.safe_load`` reads it, with two changes.

    Numbers are read as config files read them (OmegaConf's rule: ``1e3`` and ``1.0e3`` are
    numbers, not text as under YAML 1.1). A date that does not exist (2017-13-01) stays text:
    PyYAML raises a bare ``ValueError`` (no key, no line) on it; as text, the mapping's check
    names the key (``assumptions.holidays.0``) and says the day does not exist.
    """


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?[0-9]+(?:_[0-9]+)*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+)
        |\.[0-9]+(?:_[0-9]+)*(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class Assumptions(_Model):
    """Inputs no CRM export identifies: set, and said to be set, in calibration.md."""

    effort_hours: float | None = Field(default=None, gt=0)  # None: the busiest owner works half its hours on deals
    busiest_utilisation: float = Field(default=0.5, gt=0, le=1)
    hours_per_day: float = Field(default=8.0, gt=0, le=24)
    selling_fraction: float = Field(default=0.5, gt=0, le=1)
    no_decision_days: float = Field(default=2600.0, gt=0)
    holidays: list[Annotated[str, BeforeValidator(_day)]] = Field(default_factory=list)
    recent_months: int = Field(default=6, ge=1)
    quota: QuotaDollars | None = None  # annual bookings quota per rep ($); None: no quota
    deal_value: DealDollars | None = None  # a won deal's value ($) when no won deal has an amount and no price list


class MappingFile(_Model):
    """A whole mapping file; ``base`` (set on loading) is the folder its paths are relative to, ``source`` the file."""

    name: Annotated[str, AfterValidator(folder_name)] = "crm"
    """Names the config folder's experiments (``<name>_forecast``), so it follows ``experiment.name``'s rule:
    ``name: Acme Corp`` had been written into a folder that ``python -m simulator`` then refused."""
    opportunities: OpportunityTable
    stage_history: StageHistory | None = None
    won_deals: WonDeals | None = None
    roster: Roster | None = None
    prices: Prices | None = None
    aliases: dict[str, dict[str, str]] = Field(default_factory=dict)
    assumptions: Assumptions = Assumptions()
    base: str = ""
    source: str = ""

    def inputs(self) -> list[Path]:
        """The files calibrate reads: the mapping file itself (when loaded from one) and the export's files."""
        tables = (self.opportunities, self.stage_history, self.won_deals, self.roster, self.prices)
        files = [self.path(table.file) for table in tables if table is not None]
        return [Path(self.source), *files] if self.source else files

    def path(self, file: str) -> Path:
        """A file of the export, relative to the mapping file."""
        return (Path(self.base) / Path(file).expanduser()).resolve()


def unanswerable(mapping: MappingFile) -> list[str]:
    """The dates and outcomes no mapped column or table of ``mapping`` gives: one line each (see :func:`gap_lines`)."""
    table, columns = mapping.opportunities, mapping.opportunities.columns
    return gap_lines(
        {"created": columns.created, "outcome": columns.outcome, "closed": columns.closed},
        bool(table.stage_dates),
        table.won_stage is not None,
        mapping.stage_history is not None,
        mapping.won_deals is not None,
    )


def load_mapping(path: str | Path) -> MappingFile:
    """Read and check a mapping file.

    Raises:
        CalibrationError: The file is missing or not YAML, or a key is unknown or of the wrong type.
    """
    source = Path(path)
    if source.is_dir():
        inside = sorted(p.name for p in source.glob("*.y*ml"))
        hint = f" (it holds {some_of(inside, 5)})" if inside else ""
        raise CalibrationError(f"is a folder, not a mapping file: give the mapping's YAML file{hint}", file=str(source))
    if not source.is_file():
        raise CalibrationError("mapping file not found", file=str(source))
    try:
        data: Any = yaml.load(source.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
    except (yaml.YAMLError, ValueError) as error:
        raise CalibrationError(f"not valid YAML: {error}", file=str(source)) from None
    if not isinstance(data, dict):
        raise CalibrationError("must be a mapping of keys to values", file=str(source))
    try:
        mapping = MappingFile.model_validate(
            {**data, "base": str(source.resolve().parent), "source": str(source.resolve())}
        )
    except ValidationError as error:
        problems = sorted(error.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
        meant = {(*e["loc"][:-1], close) for e in problems if (close := closest_key(e, MappingFile)) is not None}
        # a required key missing because it was misspelt is the misspelling's follow-on: told once, as the typo
        problems = [e for e in problems if not (e["type"] == "missing" and tuple(e["loc"]) in meant)]
        lines = [mapping_problem(e, MappingFile) for e in problems]
        lines += [line for line in raw_gaps(data) if line.split(" = ")[0] not in {x.split(" = ")[0] for x in lines}]
        text = lines[0] if len(lines) == 1 else f"{len(lines)} problems:\n" + "\n".join(f"  - {x}" for x in lines)
        raise CalibrationError(text, file=str(source)) from None
    return mapping
