"""report.html in a real browser: headless Chromium opens it, every image loads, no console error, no
network request, tables sort, it prints to PDF, and a screenshot is not blank.

The browser is Debian's ``chromium`` (``apt-get install -y chromium``; ``.ci/run`` installs
it). Without one the test is skipped with the reason, except when ``SALESIM_BROWSER_TEST``
is ``required`` (CI sets it), where a missing browser fails the test.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from browser import Browser, find_chromium
from PIL import Image
from reporting_fixtures import CHALLENGER, make_result, renamed

from simulator.report.outputs import write_outputs
from simulator.run.experiment import ExperimentResult

CHROMIUM = find_chromium()
REQUIRED = os.environ.get("SALESIM_BROWSER_TEST") == "required"
HOSTILE = 'spec<script>alert("x")</script><img src=x onerror=alert(1)>'
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED,
    reason="no Chromium on this machine (apt-get install -y chromium); .ci/run installs it, so CI runs this test",
)


def _chromium() -> str:
    if CHROMIUM is None:
        pytest.fail("SALESIM_BROWSER_TEST=required but no Chromium was found (apt-get install -y chromium)")
    return CHROMIUM


def _not_blank(png: bytes) -> tuple[int, int]:
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    assert image.std() > 10.0, "the screenshot is one flat colour"
    assert (image < 200).mean() > 0.02, "the screenshot is almost all white"
    return image.shape[1], image.shape[0]


def _check_page(path: Path, shots: Path, sort_by: str = "P(best)", pages: int = 1) -> dict[str, object]:
    with Browser(_chromium()) as browser:
        browser.open(path)
        images = browser.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert images, "the report shows no figure"
        assert all(complete and width > 0 and height > 0 for complete, width, height in images), images
        title = browser.evaluate("document.querySelector('section h2').textContent")
        assert title == "The answer", title  # the answer comes first
        png = browser.screenshot()
        size = _not_blank(png)
        (shots / f"{path.parent.name}.png").write_bytes(png)
        pdf = browser.pdf()
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= pages
        sorted_ok = browser.evaluate(
            f"const SORT_BY = {json.dumps(sort_by)};"
            """(() => {
                const table = document.querySelector('table.sortable');
                const column = Array.from(table.tHead.rows[0].cells).findIndex(c => c.textContent === SORT_BY);
                const header = table.tHead.rows[0].cells[column];
                header.click();
                const read = () => Array.from(table.tBodies[0].rows).map(r => parseFloat(r.cells[column].textContent));
                const up = read();
                header.click();
                const down = read();
                return [up, down, header.getAttribute('aria-sort')];
            })()"""
        )
        # cells that are not numbers ("-") sort after the numbers: compare the numbers
        up = [x for x in sorted_ok[0] if x is not None]
        down = [x for x in sorted_ok[1] if x is not None]
        state = sorted_ok[2]
        assert up == sorted(up) and down == sorted(down, reverse=True) and state == "descending", sorted_ok
        assert not browser.errors(), browser.errors()
        outside = [u for u in browser.requests() if not u.startswith(("file:", "data:"))]
        assert not outside, outside
        return {"images": len(images), "screenshot": size, "pdf_bytes": len(pdf)}


def test_a_run_report_opens_in_chromium(five_scenario_result: ExperimentResult, tmp_path: Path) -> None:
    out = tmp_path / "org_structures"
    out.mkdir()
    write_outputs(five_scenario_result, out)
    found = _check_page(out / "report.html", tmp_path, pages=2)
    assert found["images"] == len(list(out.glob("*.png")))
    assert found["screenshot"] == (1280, 2000)


def test_hostile_scenario_names_are_shown_not_run(tmp_path: Path) -> None:
    result = renamed(make_result(runs=20), {CHALLENGER: HOSTILE})
    out = tmp_path / "hostile"
    out.mkdir()
    write_outputs(result, out)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    _check_page(out / "report.html", tmp_path)  # no alert, no request for "x", no console error


def test_the_browser_checks_see_a_broken_page(tmp_path: Path) -> None:
    """A missing image, a console error and a request leaving the machine are all seen."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<html><body><img src="missing.png"><img src="http://192.0.2.1/x.png">'
        "<script>console.error('boom')</script></body></html>"
    )
    with Browser(_chromium(), timeout=30) as browser:
        browser.open(page)
        images = browser.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        assert images == [0, 0]
        errors = browser.errors()
        assert any("boom" in e for e in errors) and any("failed to load" in e for e in errors), errors
        assert any(u.startswith("http://192.0.2.1") for u in browser.requests())


def test_sensitivity_optimisation_and_sweep_reports_open_in_chromium(tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd
    import yaml

    from simulator.analysis.optimisation import exhaustive_optimisation
    from simulator.analysis.statistics import summarise
    from simulator.analysis.team_mix import TeamMixProblem
    from simulator.report.optimisation_report import write_optimisation
    from simulator.report.sensitivity_report import run_sensitivity, write_sensitivity
    from simulator.report.sweep_report import write_sweep
    from simulator.run.build import experiment_from_dict
    from tests.test_optimisation import BOUNDS, BUDGET, _two_stage
    from tests.test_sensitivity import ARRIVALS, CONVERSION, _queue_experiment

    study = run_sensitivity(
        _queue_experiment(), "base", "bookings", 0.2, 4, [ARRIVALS, CONVERSION], method="none", workers=1
    )
    write_sensitivity(study, tmp_path / "sensitivity")
    _check_page(tmp_path / "sensitivity" / "report.html", tmp_path, sort_by="Rank")

    problem = TeamMixProblem(experiment_from_dict(_two_stage()), "base", "bookings", {"a": (1, 3), "b": (2, 3)}, BUDGET)
    write_optimisation(exhaustive_optimisation(problem, 3, 2, 6, workers=1), tmp_path / "optimise")
    _check_page(tmp_path / "optimise" / "report.html", tmp_path)
    assert BOUNDS  # the same problem as the optimiser's test, on a smaller grid

    sweep = tmp_path / "sweep"
    rng = np.random.default_rng(3)
    for job, (h, n) in enumerate((h, n) for h in (10, 12) for n in (100, 150)):
        folder = sweep / str(job)
        folder.mkdir(parents=True)
        runs = pd.DataFrame(
            {"scenario": "base", "replication": range(6), "bookings": 1e5 * h + 1e3 * n + rng.normal(0, 2e4, 6)}
        )
        runs.to_csv(folder / "replications.csv", index=False)
        summarise(runs).to_csv(folder / "summary.csv", index=False)
        meta = {"command_line_overrides": [f"org.teams.ae.headcount={h}", f"market.leads={n}"]}
        meta["experiment"] = {"name": "grid", "baseline": "base", "decision": {"primary": "bookings"}}
        (folder / "config.yaml").write_text(yaml.safe_dump(meta))
    written = write_sweep(sweep)
    assert [p.name for p in written] == ["sweep_summary.csv", "heatmap.png", "report.md", "report.html"]
    _check_page(sweep / "report.html", tmp_path, sort_by="Job")


def test_a_bound_such_as_more_than_99_percent_sorts_beside_its_figure(tmp_path: Path) -> None:
    """P(best) reads ">99%" and "<1%" where it is no certainty: the table must still sort them as numbers."""
    script = (Path(__file__).parents[1] / "simulator" / "report" / "templates" / "sort.js").read_text(encoding="utf-8")
    cells = ["50%", ">99%", "0%", "<1%", "100%", "99%", "-"]
    rows = "".join(f"<tr><td>{c}</td></tr>" for c in cells)
    page = tmp_path / "sort.html"
    page.write_text(
        f'<html><body><table class="sortable"><thead><tr><th>P(best)</th></tr></thead><tbody>{rows}</tbody>'
        f"</table><script>{script}</script></body></html>",
        encoding="utf-8",
    )
    with Browser(_chromium(), timeout=30) as browser:
        browser.open(page)
        found = browser.evaluate(
            """(() => {
                const table = document.querySelector('table.sortable');
                table.tHead.rows[0].cells[0].click();
                return Array.from(table.tBodies[0].rows).map(r => r.cells[0].textContent);
            })()"""
        )
        assert not browser.errors(), browser.errors()
    assert found == ["0%", "<1%", "50%", "99%", ">99%", "100%", "-"], found
