"""Morris mu* is the effect of a lever's whole low-high move, and the report and global.png say so.

SALib divides each step's change (2/3 of the range) by 2/3, so mu* is per full range: a
calibrated deal-value multiplier's swing one at a time was $209.6k beside a mu* of $210.7k,
while the report and the figure called mu* "the mean absolute effect of a 2/3-range step".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from plot_checks import collect

from simulator.analysis.global_sensitivity import GlobalSensitivity, _design, _morris
from simulator.report.sensitivity_global import global_lines


def test_mu_star_is_the_effect_of_a_full_range_move_and_the_words_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib.pyplot as plt

    import simulator.report.plot_tornado as figures

    problem: dict[str, Any] = {"num_vars": 2, "names": ["a", "b"], "bounds": [[80.0, 120.0], [0.0, 1.0]]}
    x = _design("morris", problem, 10, 3)
    y = 1000.0 * x[:, 0] + 10.0 * x[:, 1]  # linear: a low-to-high move of a is worth 1,000 x 40
    noise = (np.ones(2), np.full(2, 10), np.full(2, 30))  # each lever's noise, steps, degrees of freedom
    table, _ = _morris(problem, x, y, *noise, 10, 3, "bookings")
    assert table.set_index("parameter").loc["a", "mu_star"] == pytest.approx(40_000.0)  # not 2/3 of it
    found = GlobalSensitivity("morris", "bookings", table, len(x), 2, 1.0, [])
    text = " ".join(global_lines(found, tmp_path, None))
    assert "mean absolute effect of moving one lever across its whole low-high range" in text
    assert "by 2/3 of its range" not in text
    problems: list[str] = []
    with collect(problems, []):
        figures.plot_global(table, "morris", "bookings", tmp_path)  # the longer axis label fits
    assert not problems, problems
    labels: list[str] = []

    def keep(fig: Any, path: Path) -> Path:
        labels.append(fig.axes[0].get_xlabel())
        plt.close(fig)  # as save_figure does: a figure left open failed test_plot_sizes' check run after this file
        return path

    monkeypatch.setattr(figures, "save_figure", keep)
    figures.plot_global(table, "morris", "bookings", tmp_path)
    assert labels[0].startswith("mu*: mean absolute effect of moving a lever low to high (its whole range)")
    assert "2/3" not in labels[0]
