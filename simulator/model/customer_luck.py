"""The customer book's luck: each draw computed where it is used, keyed by customer, quantity and row.

A customer is keyed by its block and index (the initial book: block -1 and its index; a
won deal: block 0 and its lead's index), so the same account meets the same luck in every
scenario that has it (common random numbers) and in both engines. Each draw is
:func:`simulator.model.keyed_sampling.value` at the key of (seed, replication, the
customer-luck purpose, block, index, quantity, row): ``row`` is the renewal term, the
check-in or the expansion opportunity (0, 1, ...). Nothing is drawn ahead, so a run pays
only for the draws its customers make, and the book has no size limit on terms,
check-ins or expansions.

The quantities are slots of one kernel table (:class:`CustomerKernels`): per renewal
stage its effort and its buyer delay, the churn draw (uniform), the check-in effort, the
gap to the next expansion opportunity (a unit exponential, divided by the rate), its
uplift (the configured kernel, else uniform), and per expansion stage its effort, delay
and conversion draw (uniform).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from simulator.model import sampling
from simulator.model.keyed_sampling import mix, root_key, value
from simulator.model.multi_pipeline import EXPANSION, RENEWAL, PipelineTables
from simulator.model.scenario import FloatArray, IntArray, Kernel, Scenario
from simulator.model.streams import Stream

INITIAL_BLOCK, LEAD_BLOCK = -1, 0
"""Block keys of the initial book (by index) and of customers won from a lead (by lead index)."""

CHURN, CHECKIN, GAP, UPLIFT = 0, 1, 2, 3
"""The single quantities, in slot order after the renewal stages' efforts and delays."""


@njit(cache=True)
def after_renewal_slot(renewal_stages: int, quantity: int) -> int:
    """Slot of ``quantity`` (:data:`CHURN` ... :data:`UPLIFT`) in a table with ``renewal_stages``."""
    return 2 * renewal_stages + quantity


@njit(cache=True)
def expansion_slot(renewal_stages: int, expansion_stages: int, stage: int, which: int) -> int:
    """Slot of expansion stage ``stage``'s effort (``which`` 0), delay (1) or conversion draw (2)."""
    return 2 * renewal_stages + 4 + which * expansion_stages + stage


@dataclass(frozen=True, slots=True)
class CustomerKernels:
    """Every quantity of a customer's luck as a row of one kernel table.

    Attributes:
        codes: (Q,) distribution code of each slot.
        params: (Q, width) parameters of each slot, zero-padded.
        renewal_stages: Sr, renewal stages.
        expansion_stages: Se, expansion stages.

    Slots: renewal effort ``s`` and delay ``Sr + s``; churn ``2 Sr``; check-in effort
    ``2 Sr + 1``; expansion gap ``2 Sr + 2``; uplift ``2 Sr + 3``; expansion effort
    ``2 Sr + 4 + s``, delay ``2 Sr + 4 + Se + s``, conversion draw ``2 Sr + 4 + 2 Se + s``.
    """

    codes: IntArray
    params: FloatArray
    renewal_stages: int
    expansion_stages: int

    def single(self, quantity: int) -> int:
        """Slot of :data:`CHURN`, :data:`CHECKIN`, :data:`GAP` or :data:`UPLIFT`."""
        return int(after_renewal_slot(self.renewal_stages, quantity))

    def expansion(self, stage: int, which: int) -> int:
        """Slot of expansion stage ``stage``'s effort (``which`` 0), delay (1) or conversion draw (2)."""
        return int(expansion_slot(self.renewal_stages, self.expansion_stages, stage, which))


_UNIFORM = Kernel(sampling.UNIFORM, np.array([0.0, 1.0]))
_UNIT_EXPONENTIAL = Kernel(sampling.EXPONENTIAL, np.array([1.0]))


def customer_kernels(tables: PipelineTables) -> CustomerKernels:
    """The kernel table of ``tables``' customer luck (renewal and expansion stages, check-ins, uplift)."""
    renewal, expansion = tables.stages[RENEWAL], tables.stages[EXPANSION]
    assert renewal is not None and tables.checkin_effort is not None
    kernels = [*renewal.effort_hours, *renewal.delay_days, _UNIFORM, tables.checkin_effort, _UNIT_EXPONENTIAL]
    kernels.append(tables.expansion_uplift if tables.expansion_uplift is not None else _UNIFORM)
    if expansion is not None:
        kernels += [*expansion.effort_hours, *expansion.delay_days, *([_UNIFORM] * expansion.size)]
    width = max(k.params.shape[0] for k in kernels)
    params = np.zeros((len(kernels), width))
    for slot, kernel in enumerate(kernels):
        params[slot, : kernel.params.shape[0]] = kernel.params
    codes = np.array([k.code for k in kernels], dtype=np.int64)
    return CustomerKernels(codes, params, renewal.size, expansion.size if expansion is not None else 0)


@njit(cache=True, inline="always")
def customer_draw(codes: IntArray, params: FloatArray, base: int, block: int, index: int, slot: int, row: int) -> float:
    """Customer (``block``, ``index``)'s draw of quantity ``slot`` at ``row`` (``base``: :func:`luck_base`).

    Inlined into compiled callers, as :func:`value` is: the fast engine's loop draws
    these in its events, where a compiled call would pass the arrays by value and count
    their references.
    """
    key = mix(mix(mix(mix(base, block), index), slot), row)
    return value(codes[slot], params[slot], key)


def luck_base(seed: int, replication: int) -> int:
    """The key of a replication's customer luck, as an int64 (the bits of the unsigned key).

    Raises:
        ValueError: If the seed or the replication is not in 0 .. 2^63 - 1 (the keys are
            hashed as 64-bit signed integers).
    """
    if not (0 <= seed < 2**63 and 0 <= replication < 2**63):
        raise ValueError(f"seed {seed} and replication {replication} must each be from 0 to 2^63 - 1")
    return int(np.uint64(root_key(seed, replication, int(Stream.CUSTOMER_LUCK))).view(np.int64))


class CustomerLuck:
    """A replication's customer luck for the SimPy engine: draws by customer, quantity and row."""

    def __init__(self, scenario: Scenario, seed: int, replication: int) -> None:
        tables = scenario.pipelines
        assert tables is not None
        self.kernels = customer_kernels(tables)
        self.base = luck_base(seed, replication)

    def of(self, block: int, index: int) -> CustomerDraws:
        """The draws of customer (``block``, ``index``)."""
        return CustomerDraws(self, block, index)


@dataclass(frozen=True, slots=True)
class CustomerDraws:
    """One customer's draws: each a pure function of the customer, the quantity and the row."""

    luck: CustomerLuck
    block: int
    index: int

    def _draw(self, slot: int, row: int) -> float:
        kernels = self.luck.kernels
        return float(customer_draw(kernels.codes, kernels.params, self.luck.base, self.block, self.index, slot, row))

    def renewal_effort(self, stage: int, term: int) -> float:
        """Hours of renewal stage ``stage`` in term ``term``."""
        return self._draw(stage, term)

    def renewal_delay(self, stage: int, term: int) -> float:
        """The buyer's delay in days after renewal stage ``stage`` in term ``term``."""
        return self._draw(self.luck.kernels.renewal_stages + stage, term)

    def churn_draw(self, term: int) -> float:
        """Uniform of the churn decision at the end of term ``term`` (churns if below the probability)."""
        return self._draw(self.luck.kernels.single(CHURN), term)

    def checkin_effort(self, checkin: int) -> float:
        """Hours of check-in ``checkin``."""
        return self._draw(self.luck.kernels.single(CHECKIN), checkin)

    def expansion_gap(self, k: int) -> float:
        """Unit exponential: the gap before expansion opportunity ``k``, times the mean gap."""
        return self._draw(self.luck.kernels.single(GAP), k)

    def expansion_uplift(self, k: int) -> float:
        """Uplift of expansion ``k`` (a share of the account's ARR)."""
        return self._draw(self.luck.kernels.single(UPLIFT), k)

    def expansion_effort(self, stage: int, k: int) -> float:
        """Hours of expansion ``k``'s stage ``stage``."""
        return self._draw(self.luck.kernels.expansion(stage, 0), k)

    def expansion_delay(self, stage: int, k: int) -> float:
        """The buyer's delay in days after expansion ``k``'s stage ``stage``."""
        return self._draw(self.luck.kernels.expansion(stage, 1), k)

    def expansion_draw(self, stage: int, k: int) -> float:
        """Uniform of expansion ``k``'s conversion at stage ``stage`` (lost if at or above the probability)."""
        return self._draw(self.luck.kernels.expansion(stage, 2), k)


def warm_up() -> None:
    """Compile :func:`customer_draw` for calls from Python (the SimPy engine's), or load it from the disk cache.

    Call in the parent before starting workers, so that they do not each compile it.
    """
    codes = np.array([sampling.CONSTANT, sampling.GAMMA], dtype=np.int64)
    params = np.array([[1.0, 0.0], [2.0, 1.0]])
    customer_draw(codes, params, luck_base(1, 0), INITIAL_BLOCK, 0, 1, 0)
