"""The sources a report gives beside each published range are ones a sales leader can look up."""

from __future__ import annotations

import re

from simulator.analysis.published_ranges import BENCHMARKS


def test_no_published_range_cites_the_project_s_own_issue_tracker() -> None:
    """Every report's "Reps at quota" row read "other surveys report up to ~50% (issue 13, no study named)": a
    leader reading the report has no issue 13 to open. The figure stays, said as what it is: no study named."""
    for benchmark in BENCHMARKS:
        assert not re.search(r"\b(issue|item) \d", benchmark.source), benchmark.source
    (quota,) = [b for b in BENCHMARKS if b.kpi == "reps_at_quota_share"]
    assert quota.source.endswith("other surveys report up to ~50% (no study named)")
