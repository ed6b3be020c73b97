"""The global method's part of a sensitivity report: its sentence in the answer and its section.

:func:`global_words` reads the ranking only when the method resolved it (Morris: a lever's
mu* above its own noise floor, and the first such lever is the one named; Sobol:
:func:`~simulator.analysis.global_sensitivity.sobol_unsettled`, the condition the report's
advice states), so the answer never ranks what the report calls unsettled.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from simulator.analysis.formatting import format_amount, format_signed_amount, level_unit
from simulator.analysis.global_sensitivity import GlobalSensitivity, sobol_unsettled
from simulator.analysis.wording import join_words
from simulator.report.markdown import figure_lines, md_table

NAMED_LEFT_OUT = 3  # levers left out of the global method named in the answer; the rest are counted


def _named(levers: Sequence[str]) -> list[str]:
    """The first :data:`NAMED_LEFT_OUT` levers and a count of the rest (all of them when one more)."""
    if len(levers) <= NAMED_LEFT_OUT + 1:
        return list(levers)
    return [*levers[:NAMED_LEFT_OUT], f"{len(levers) - NAMED_LEFT_OUT} more"]


def global_words(g: GlobalSensitivity, levers: Sequence[str], first_swing: str, unclear: Sequence[str] = ()) -> str:
    """The global method's reading in one or two sentences: its first lever, or that it cannot rank yet.

    Args:
        g: The global method's result.
        levers: Every lever of the one-at-a-time table, ranked.
        first_swing: The lever with the largest clear swing one at a time.
        unclear: The levers with no clear swing one at a time: left out for that, said so.
    """
    varied = [str(p) for p in g.table["parameter"]]
    left = [p for p in levers if p not in varied]
    what = "Morris screening" if g.method == "morris" else "Sobol's total index"
    words = f" Varied together over the same ranges ({join_words(varied)})"
    morris = g.method == "morris" and "above_noise" in g.table.columns
    above = [str(p) for p in g.table.loc[g.table["above_noise"].astype(bool), "parameter"]] if morris else varied
    if morris and not above:
        words += f", {what} cannot rank the levers yet: every lever's effect is below its own noise floor."
    elif g.method == "sobol" and (why := sobol_unsettled(g.table)) is not None:
        words += f", {what} cannot rank the levers yet: {why}."
    else:
        first = above[0]
        among = "" if first == varied[0] else " of the levers above their noise floors"
        words += f", {what} {'also ranks' if first == first_swing else 'ranks'} {first} first{among}."
    # the global method takes the clear levers when two or more are clear: the others are left out for that
    by_clearness = not any(v in set(unclear) for v in varied)
    weak = [p for p in left if p in set(unclear)] if by_clearness else []
    beyond = [p for p in left if p not in set(weak)]
    if weak:
        one = len(weak) == 1
        words += (
            f" {join_words(_named(weak))} {'has' if one else 'have'} no clear swing one at a time, so the global "
            f"method left {'it' if one else 'them'} out."
        )
    if beyond:
        words += (
            f" {join_words(_named(beyond))} {'was' if len(beyond) == 1 else 'were'} left out of it: the global method "
            "varies the levers with the largest clear swings one at a time (all of them when fewer than two are "
            "clear), up to --global-params."
        )
    return words


def global_lines(g: GlobalSensitivity, out_dir: Path, figure: Path | None) -> list[str]:
    """The report's section on the global method: its table (in the KPI's unit), its advice and its figure."""
    kpi = g.kpi
    if g.method == "morris":
        unit = level_unit(kpi)  # days and hours said once, in the header ("9.7 hours of working days (8.9 hours...")

        def size(value: float, signed: bool = False) -> str:
            return (format_signed_amount if signed else format_amount)(kpi, value).removesuffix(unit)

        named = f" ({unit.strip()})" if unit else ""
        header = ["Lever", f"mu* (95% CI{unit and '; ' + unit.strip()})", f"mu{named}", f"sigma{named}"]
        header += [f"Its noise floor{named}", "Above the noise"]
        rows = [
            [
                f"`{r['parameter']}`",
                f"{size(float(r['mu_star']))} ({size(float(r['mu_star_ci_low']))} to "
                f"{size(float(r['mu_star_ci_high']))})",
                size(float(r["mu"]), signed=True),
                size(float(r["sigma"])),
                size(floor) if math.isfinite(floor := float(r.get("floor", math.nan))) else "-",
                "yes" if bool(r["above_noise"]) else "no",
            ]
            for _, r in g.table.iterrows()
        ]
        title = "## Interactions: Morris screening"
        intro = (
            "The same levers varied together over their low-high ranges (SALib's Morris method): mu* is the mean "
            "absolute effect of moving one lever across its whole low-high range wherever the others stand (each "
            "step of the design covers 2/3 of the range and its effect is scaled to the full range), so it reads "
            "beside the lever's swing one at a time; sigma large against mu* means the effect depends on the other "
            "levers. Each lever's noise floor is the mu* a lever with no effect would stay below 19 times in 20, from "
            "the Monte Carlo noise of that lever's own elementary effects (a mean of r of them, not one step's)."
        )
    else:
        header = ["Lever", "S1 (95% CI)", "ST (95% CI)"]
        rows = [
            [
                f"`{r['parameter']}`",
                f"{float(r['S1']):.2f} ± {float(r['S1_conf']):.2f}",
                f"{float(r['ST']):.2f} ± {float(r['ST_conf']):.2f}",
            ]
            for _, r in g.table.iterrows()
        ]
        title = "## Interactions: Sobol indices"
        intro = (
            "The same levers varied together over their low-high ranges (SALib's Sobol method): S1 is the share of "
            "the KPI's variance a lever explains alone, ST with its interactions."
        )
    if g.draws:
        intro += (
            f" On each of the calibrated company's {g.draws} refits, a lever the refits fit stands at the same place "
            "in that refit's own low-high range as the design's value in the point fit's (for a lever moved by a "
            "share, the refit's own value times the design's value over the point fit's)."
        )
    return [
        title,
        "",
        intro,
        "",
        *md_table(header, rows),
        "",
        *[f"- {line}" for line in g.advice],
        "",
        *figure_lines(figure, out_dir),
    ]
