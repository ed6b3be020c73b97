"""report.html from report.md: every block of the reports' Markdown, escaped, images embedded."""

from __future__ import annotations

import base64
from pathlib import Path

from simulator.report.html import blocks, inline, render_html

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_inline_markup_is_applied_after_escaping() -> None:
    assert inline("**a** and *b* with `c<d>` & <e>") == (
        "<strong>a</strong> and <em>b</em> with <code>c&lt;d&gt;</code> &amp; &lt;e&gt;"
    )
    assert inline("a `b") == "a `b"  # an unmatched backtick stays
    assert inline("2 * 3 * 4") == "2 * 3 * 4"  # a lone star is not emphasis
    assert inline("a \\| b") == "a | b"


def test_every_kind_of_block(tmp_path: Path) -> None:
    (tmp_path / "f.png").write_bytes(PNG)
    text = "\n".join(
        [
            "# Title",
            "",
            "## The answer",
            "",
            "first line",
            "same paragraph",
            "",
            "- one",
            "  - nested <b>",
            "- two",
            "",
            "| A | B \\| C |",
            "|---|---|",
            "| 1 | x \\| y |",
            "",
            "![fig](f.png)",
            "![gone](missing.png)",
        ]
    )
    found = blocks(text, tmp_path)
    kinds = ["heading", "heading", "paragraph", "bullets", "bullets", "bullets", "table", "image", "image"]
    assert [b.kind for b in found] == kinds
    assert found[2].text == "first line same paragraph"
    assert [b.level for b in found[3:6]] == [0, 1, 0] and found[4].items == ["nested &lt;b&gt;"]
    assert found[6].header == ["A", "B | C"] and found[6].rows == [["1", "x | y"]]
    assert found[7].src.startswith("data:image/png;base64,") and found[8].src == "missing.png"
    page = render_html(text, tmp_path)
    assert page.startswith("<!DOCTYPE html>") and "<title>Title</title>" in page
    assert '<section id="the-answer" class="answer">' in page
    assert "default-src 'none'" in page  # the page may not fetch anything
    assert page.count('<table class="sortable">') == 1
    # a nested bullet is indented under the one before it (it had the same indent: What looks unusual's reasons
    # under a line read as lines of their own)
    indent = {
        level: float(page.split(f"ul.level-{level} {{", 1)[1].split("padding-left:", 1)[1].split("em", 1)[0])
        for level in (0, 1)
    }
    assert indent[1] > indent[0]
