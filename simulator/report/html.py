"""``report.html``: the same content as ``report.md``, self-contained, for a browser and for print.

The Markdown the reports write is a small fixed subset (:mod:`simulator.report.markdown`):
headings, paragraphs, bullets (one level of nesting), pipe tables, images, ``**bold**``,
``*italic*`` and ``code``. :func:`blocks` reads it back into blocks; the Jinja2 templates
in ``templates/`` (autoescaped) lay them out. Every text is escaped before the inline
markup is applied, so a scenario called ``<script>`` is shown, never run. Each image is
embedded as a ``data:`` URI, so the page makes no network request (its
Content-Security-Policy forbids any); tables sort when a header is clicked; print styles
keep figures and tables whole on a page.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from simulator.io.atomic import atomic_write

TEMPLATE = "report.html.j2"
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)]+)\)$")
_HEADING = re.compile(r"^(?P<level>#{1,4}) (?P<text>.+)$")
_BULLET = re.compile(r"^(?P<indent> *)- (?P<text>.*)$")
_INLINE = (
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
)
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


@dataclass(slots=True)
class Block:
    """One block of the page: ``heading``, ``paragraph``, ``bullets``, ``table`` or ``image``.

    Attributes:
        kind: The block's kind.
        level: A heading's level (1-4); a bullet list's nesting (0 or 1).
        text: A heading's or paragraph's HTML (escaped, inline markup applied).
        items: A bullet list's items as HTML.
        header: A table's header cells as HTML.
        rows: A table's rows of cells as HTML.
        src: An image's ``data:`` URI (or its path when the file is missing).
        alt: An image's alternative text.
        anchor: A heading's id.
    """

    kind: str
    level: int = 0
    text: Markup = field(default_factory=Markup)
    items: list[Markup] = field(default_factory=list)
    header: list[Markup] = field(default_factory=list)
    rows: list[list[Markup]] = field(default_factory=list)
    src: str = ""
    alt: str = ""
    anchor: str = ""


def inline(text: str) -> Markup:
    """Escape ``text``, then turn ``code``, ``**bold**`` and ``*italic*`` into HTML."""
    parts = text.replace("\\|", "|").split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick stays a backtick
        parts = [*parts[:-2], parts[-2] + "`" + parts[-1]]
    html = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            html.append(f"<code>{escape(part)}</code>")
            continue
        chunk = str(escape(part))
        for pattern, replacement in _INLINE:
            chunk = pattern.sub(replacement, chunk)
        html.append(chunk)
    return Markup("".join(html))


def _cells(line: str) -> list[str]:
    body = line.strip().removeprefix("|").removesuffix("|")
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _image(src: str, out_dir: Path) -> str:
    path = (out_dir / src).resolve()
    media = MEDIA_TYPES.get(path.suffix.lower())
    if media is None or not path.is_file():
        return src
    return f"data:{media};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def blocks(markdown: str, out_dir: Path) -> list[Block]:
    """Read the reports' Markdown into blocks; images relative to ``out_dir`` are embedded."""
    found: list[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        if heading := _HEADING.match(line):
            text = heading["text"]
            found.append(Block("heading", len(heading["level"]), inline(text), anchor=_anchor(text)))
            i += 1
        elif image := _IMAGE.match(line.strip()):
            found.append(Block("image", src=_image(image["src"], out_dir), alt=image["alt"].replace("\\|", "|")))
            i += 1
        elif line.lstrip().startswith("|"):
            table = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                table.append(lines[i])
                i += 1
            rows = [[inline(c) for c in _cells(row)] for row in table if not re.fullmatch(r"\|(-+\|)+", row.strip())]
            found.append(Block("table", header=rows[0], rows=rows[1:]))
        elif _BULLET.match(line):
            i = _bullets(lines, i, found)
        else:
            paragraph = []
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                paragraph.append(lines[i].strip())
                i += 1
            found.append(Block("paragraph", text=inline(" ".join(paragraph))))
    return found


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(_HEADING.match(stripped) or _IMAGE.match(stripped) or stripped.startswith("|") or _BULLET.match(line))


def _bullets(lines: list[str], i: int, found: list[Block]) -> int:
    """One list per run of bullets at the same depth; deeper bullets make a nested list."""
    while i < len(lines) and (bullet := _BULLET.match(lines[i].rstrip())):
        level = 1 if bullet["indent"] else 0
        if not found or found[-1].kind != "bullets" or found[-1].level != level:
            found.append(Block("bullets", level=level))
        found[-1].items.append(inline(bullet["text"]))
        i += 1
    return i


def _sections(found: list[Block]) -> tuple[str, list[tuple[Block | None, list[Block]]]]:
    """The title (the first level-1 heading) and the sections, each a level-2 heading and its blocks."""
    title = ""
    sections: list[tuple[Block | None, list[Block]]] = [(None, [])]
    for block in found:
        if block.kind == "heading" and block.level == 1 and not title:
            title = str(block.text)
        elif block.kind == "heading" and block.level == 2:
            sections.append((block, []))
        else:
            sections[-1][1].append(block)
    return title, [s for s in sections if s[0] is not None or s[1]]


_ENVIRONMENT = Environment(
    loader=PackageLoader("simulator.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(markdown: str, out_dir: Path) -> str:
    """The page for ``markdown`` (a report's text), images relative to ``out_dir`` embedded."""
    title, sections = _sections(blocks(markdown, Path(out_dir)))
    return _ENVIRONMENT.get_template(TEMPLATE).render(title=Markup(title), sections=sections)


def write_html(markdown: str, out_dir: Path | str) -> Path:
    """Write ``report.html`` beside ``report.md`` in ``out_dir``, atomically; return its path."""
    out = Path(out_dir)
    page = render_html(markdown, out)
    return atomic_write(out / "report.html", lambda stream: stream.write(page))
