"""The README quotes a shipped experiment's figure the same wherever it quotes it.

README's decision rules quoted ``prm_automation``'s "224 more meetings for $3.5k of seats" a
paragraph above "``prm_automation``'s 217 more meetings": its default run (100 runs, seed 23)
gives +217 meetings for $3.46k of seats (224 is a 200-run figure).
"""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_prm_automation_s_extra_meetings_are_quoted_alike() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    quoted = re.findall(r"`prm_automation`'s (\d+) more meetings", text)
    assert len(quoted) >= 2 and set(quoted) == {"217"}, quoted
    assert "217 more meetings for $3.46k of seats" in text


def test_the_capacity_sentence_quotes_the_ae_teams_as_their_default_runs_give_them() -> None:
    """prm_automation's prm_tools (seed 23) leaves its AEs 95.4% busy, handoff_quality's playbook
    (seed 17) 93.6%, 100 runs each: "94-95%" (the README read 93-95%)."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert "`handoff_quality`'s 35 fewer hand-off losses leak waiting for an AE team 94-95% busy" in text


MODEL = README.parent / "docs" / "MODEL.md"


def test_figures_the_readme_and_model_md_both_quote_agree() -> None:
    """Re-run for this check (100 runs each, the experiments' own seeds), both pages agree with the runs.

    sdr_headcount's sdr_2 passes awareness 23.3% against 41.7% with inbound bookings +$25.0k;
    speed_to_lead's oldest_first books 8.2% less on 16.0 fewer opportunities (-3.7%), a deal 3.8%
    smaller, need specified 38.3% against 39.9%. A figure moved on one page must move on the other.
    """
    readme = " ".join(README.read_text(encoding="utf-8").split())
    model = " ".join(MODEL.read_text(encoding="utf-8").split())
    assert "awareness 23.3% against 41.7%, yet inbound bookings +$25.0k" in readme
    assert (
        "sdr_2's awareness passes 23.3% against 41.7%, yet its inbound bookings do not clearly move (+$25.0k" in model
    )
    assert "oldest_first books 8.2% less on 16.0 fewer opportunities (-3.7%)" in readme
    assert "oldest_first's −8.2% is 16.0 fewer opportunities (−3.7%" in model
    assert "a deal 3.8% smaller; fewer leads pass need specified (38.3% against 39.9%)" in readme
    assert "(−3.8%, 95% CI" in model and "fewer pass need specified (38.3% against 39.9%)" in model
