"""A distribution as the Numba sampling core reads it: a kernel code and a parameter vector."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.config.distributions import Distribution

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Kernel:
    """A distribution as the sampling core reads it."""

    code: int
    params: FloatArray

    @classmethod
    def of(cls, distribution: Distribution) -> Kernel:
        """The kernel form of a parsed distribution."""
        return cls(distribution.kernel_code(), distribution.kernel_params())
