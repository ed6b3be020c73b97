"""Sampling benchmark: batch Numba kernels against per-lead scalar draws and NumPy batches.

Prints ratios measured in one run. Targets (benchmarks/README.md): a batch of draws is
>= 20x faster than drawing lead by lead, and the Numba kernels are within 2x of NumPy's
own batch methods (they make the same draws; the kernels exist so a compiled engine can
call them from inside Numba code).

Run: python benchmarks/bench_sampling.py [--n 100000]
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import best_of

from simulator.model import sampling


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="draws per batch")
    args = parser.parse_args()
    n = args.n
    sampling.warm_up()
    params = np.array([2.0, 5.0, 12.0, 4.0])  # PERT low, mode, high, lambda
    gen = np.random.default_rng(1)
    kernel = best_of(5, lambda: sampling.draw(gen, sampling.PERT, params, n))
    scalar = best_of(1, lambda: [sampling.draw(gen, sampling.PERT, params, 1) for _ in range(n // 10)]) * 10
    lognormal_kernel = best_of(5, lambda: sampling.draw_lognormal(gen, 0.0, 0.5, n))
    lognormal_numpy = best_of(5, lambda: gen.lognormal(0.0, 0.5, n))
    print(f"{n:,} PERT draws: batch kernel {kernel * 1e3:.2f} ms, lead by lead {scalar * 1e3:.0f} ms")
    print(f"  batch vs lead by lead: {scalar / kernel:.0f}x faster (target >= 20x)")
    print(f"{n:,} lognormal draws: Numba kernel {lognormal_kernel * 1e3:.2f} ms, NumPy {lognormal_numpy * 1e3:.2f} ms")
    print(f"  kernel / NumPy time: {lognormal_kernel / lognormal_numpy:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
