"""The work brief (工作简报): a region's figures over a period, written out as the seed's articles
are (docs/briefs.md).

``compose`` reads the figures from the rollups (``figures.totals``) and builds a ``Brief``: the
title, one section per ``registry.INDICATOR_SECTIONS`` key (in order) whose paragraph joins the
indicators' ``sentence`` phrases, leaving out every phrase whose figure is zero (and a section
left with none), the appendix table and one numbered note per figure naming its indicator and
definition. ``render`` writes it as .docx (a docxtpl template: the staff-uploaded one for the
kind nearest the region, else the default in ``brief_templates/``), Markdown or PDF (the HTML
printed by headless chromium). Every check runs before anything is written, so a bad template or
a missing chromium gives a message, never half a document.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from shegong.core import registry
from shegong.core.errors import InvalidInput
from shegong.core.periods import Period
from shegong.regions.models import Region, ancestor_codes

from . import figures
from .models import BriefKind, BriefTemplate
from .rollup import month_end

KINDS = [k.value for k in BriefKind]
FORMATS = ("docx", "md", "pdf")
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "brief_templates"
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}
# The names a template may use (docs/briefs.md describes each).
CONTEXT_KEYS = frozenset(
    {"title", "region", "period", "kind", "generated_on", "sections", "table", "notes"}
)
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
CN_NUMBERS = "一二三四五六七八九十"
PDF_SECONDS = 60


def marker(number: int) -> str:
    return str(number).translate(SUPERSCRIPT)


@dataclass
class Note:
    """One figure's note: ``number`` (the marker ``marker`` after its phrase in the text)."""

    number: int
    marker: str
    code: str
    name: str
    definition: str
    value: str
    unit: str


@dataclass
class Sentence:
    text: str  # the phrase with its figure, without the marker
    note: Note


@dataclass
class Section:
    key: str
    title: str
    number: str  # 一、二、…
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def paragraph(self) -> str:
        """The phrases joined as one sentence, each with its note's marker."""
        return "，".join(s.text + s.note.marker for s in self.sentences) + "。"

    @property
    def plain(self) -> str:
        return "，".join(s.text for s in self.sentences) + "。"


@dataclass
class Brief:
    title: str
    region: Region
    period: Period
    period_text: str
    kind: str
    generated_on: date
    sections: list[Section]
    notes: list[Note]

    def context(self) -> dict[str, Any]:
        """The documented template context (docs/briefs.md)."""
        sections = [
            {
                "key": s.key,
                "title": s.title,
                "number": s.number,
                "heading": f"{s.number}、{s.title}",
                "paragraph": s.paragraph,
                "plain": s.plain,
                "sentences": [
                    {"text": x.text, "marker": x.note.marker, "number": x.note.number}
                    for x in s.sentences
                ],
                "notes": [asdict(x.note) for x in s.sentences],
            }
            for s in self.sections
        ]
        notes = [asdict(n) for n in self.notes]
        return {
            "title": self.title,
            "region": {"code": self.region.code, "name": self.region.name},
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "text": self.period_text,
            },
            "kind": self.kind,
            "generated_on": _cn_date(self.generated_on),
            "sections": sections,
            "table": [
                {
                    "name": n["name"],
                    "value": n["value"],
                    "unit": n["unit"],
                    "number": n["number"],
                    "marker": n["marker"],
                }
                for n in notes
            ],
            "notes": notes,
        }


# --- checking the input -----------------------------------------------------------------------


def check_period(start: date, end: date, today: date | None = None) -> Period:
    """The period, or InvalidInput naming the field: ends before it starts, or in the future."""
    today = today or timezone.localdate()
    if end < start:
        raise InvalidInput.field("end", "截止日期不能早于起始日期")
    if end > today:
        raise InvalidInput.field("end", f"截止日期不能晚于今天（{today.isoformat()}）")
    return Period(start, end)


def last_month(today: date) -> tuple[date, date]:
    """The default period: the month before ``today``'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput.field("kind", f"简报类型应为{'、'.join(KINDS)}之一：{kind}")
    return kind


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput.field("format", f"格式应为 docx、md 或 pdf：{fmt}")
    return fmt


# --- composing --------------------------------------------------------------------------------


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(period: Period) -> str:
    """ "2026年11月", "2026年第四季度", "2026年" for whole ones, else the two dates."""
    start, end = period.start, period.end
    if start.day == 1 and end == month_end(start):
        return f"{start.year}年{start.month}月"
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return f"{start.year}年"
    if start.day == 1 and start.month % 3 == 1 and end == month_end(start + timedelta(days=62)):
        return f"{start.year}年第{CN_NUMBERS[(start.month - 1) // 3]}季度"
    if start.year == end.year:
        return f"{_cn_date(start)}至{end.month}月{end.day}日"
    return f"{_cn_date(start)}至{_cn_date(end)}"


def _title(region: Region, text: str, kind: str) -> str:
    word = "总结" if kind in (BriefKind.QUARTERLY, BriefKind.YEARLY) else "简报"
    if kind == BriefKind.SPECIAL:
        word = "专项简报"
    return f"{region.name}{text}基层社会工作{word}"


def _number(value: float, rate: bool = False) -> str:
    """The exact figure (a rate with one decimal): the notes and the table."""
    if rate:
        return f"{value:.1f}"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def spoken(value: float) -> str:
    """The figure as the seed's articles write it in a sentence: from ten thousand on in 万 (from
    a hundred million in 亿) with at most one decimal — 18000 → "1.8万", 120000 → "12万",
    29400 → "2.9万"; smaller figures as they are. The note beside it keeps the exact figure."""
    for size, word in ((100_000_000, "亿"), (10_000, "万")):
        if abs(value) >= size:
            short = f"{value / size:.1f}".removesuffix(".0")
            return f"{short}{word}"
    return _number(value)


def _indicators(user: Any = None) -> list[registry.Indicator]:
    """The indicators with a brief phrase, in their section's order; with ``user``, only the
    ones their role may see."""
    found = [
        i for i in registry.indicators
        if i.sentence and i.section in registry.INDICATOR_SECTIONS
        and (user is None or i.perm is None or user.has_perm_in_scope(i.perm))
    ]  # fmt: skip
    return found


def compose(region: Region, period: Period, kind: str = "月报", user: Any = None) -> Brief:
    """The brief of ``region``'s subtree over ``period``, from the rollups."""
    check_kind(kind)
    indicators = _indicators(user)
    values = figures.totals([i.code for i in indicators], region.prefix, period)
    sections: list[Section] = []
    notes: list[Note] = []
    for key, title in registry.INDICATOR_SECTIONS.items():
        section = Section(key, title, "")
        for indicator in (i for i in indicators if i.section == key):
            value = values.value(indicator.code)
            if not value:  # zero, or a rate of nothing
                continue
            rate = indicator.kind == "rate"
            parts = {"value": _number(value, rate) if rate else spoken(value)}
            if rate:
                parts["numerator"] = spoken(values.value(indicator.numerator) or 0)
                parts["denominator"] = spoken(values.value(indicator.denominator) or 0)
            number = len(notes) + 1
            note = Note(number, marker(number), indicator.code, indicator.name,
                        indicator.definition, _number(value, rate), indicator.unit)  # fmt: skip
            notes.append(note)
            section.sentences.append(Sentence(indicator.sentence.format(**parts), note))
        if section.sentences:
            section.number = CN_NUMBERS[len(sections)] if len(sections) < 10 else str(len(sections))
            sections.append(section)
    text = period_text(period)
    return Brief(_title(region, text, kind), region, period, text, kind,
                 timezone.localdate(), sections, notes)  # fmt: skip


# --- rendering --------------------------------------------------------------------------------


def render_md(brief: Brief) -> str:
    lines = [
        f"# {brief.title}",
        "",
        f"{brief.region.name} · {brief.period_text} · {brief.kind}",
        "",
    ]
    if not brief.sections:
        lines += ["本期各项指标均无数据。", ""]
    for section in brief.sections:
        lines += [f"## {section.number}、{section.title}", ""]
        lines.append("，".join(f"{s.text}[^{s.note.number}]" for s in section.sentences) + "。")
        lines.append("")
    if brief.notes:
        lines += ["## 附表：主要指标", "", "| 指标 | 数值 | 单位 |", "| --- | ---: | --- |"]
        lines += [f"| {n.name}[^{n.number}] | {n.value} | {n.unit} |" for n in brief.notes]
        lines.append("")
        lines += [f"[^{n.number}]: {n.name}（{n.code}）：{n.definition}" for n in brief.notes]
        lines.append("")
    lines.append(f"（数据截至{_cn_date(brief.period.end)}，{_cn_date(brief.generated_on)}生成）")
    return "\n".join(lines) + "\n"


def render_html(brief: Brief) -> str:
    return render_to_string("dashboard/briefs/document.html", {"brief": brief})


def _jinja_env() -> Any:
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701


def _load_template(data: bytes) -> Any:
    from docxtpl import DocxTemplate

    try:
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
    except Exception as exc:
        raise InvalidInput.field("file", "模板文件无法打开，请上传 Word（.docx）文件") from exc
    return template


def check_template(data: bytes, context: dict[str, Any] | None = None) -> bytes:
    """Render the template ``data`` (a .docx file's bytes) with ``context`` (a sample when
    None) into bytes; InvalidInput naming an unknown placeholder or a broken tag."""
    import jinja2

    template = _load_template(data)
    try:
        unknown = template.get_undeclared_template_variables(_jinja_env()) - CONTEXT_KEYS
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidInput.field(
            "file", f"模板语法错误（第{exc.lineno}行）：{exc.message}"
        ) from exc
    if unknown:
        names = "、".join(sorted(unknown))
        raise InvalidInput.field(
            "file", f"模板中有未知的占位符：{names}（可用：{'、'.join(sorted(CONTEXT_KEYS))}）"
        )
    template = _load_template(data)
    try:
        template.render(context if context is not None else sample().context(), _jinja_env())
    except jinja2.UndefinedError as exc:
        raise InvalidInput.field("file", f"模板中有未知的占位符：{exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise InvalidInput.field("file", f"模板无法生成：{exc}") from exc
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def sample() -> Brief:
    """A brief with one section and one note, to try an uploaded template on."""
    region = Region(code="000000000000", name="示例区", level="district")
    note = Note(1, marker(1), "sample.count", "示例指标", "示例定义", "1", "项")
    section = Section("sample", "示例", "一", [Sentence("示例句子1项", note)])
    today = timezone.localdate()
    return Brief("示例简报", region, Period(today, today), "示例期间", "月报", today,
                 [section], [note])  # fmt: skip


def template_for(kind: str, region: Region) -> BriefTemplate | None:
    """The active uploaded template of ``kind`` nearest ``region`` (itself, then up)."""
    codes = ancestor_codes(region.code)
    found = {t.region_id: t for t in BriefTemplate.objects.filter(
        kind=kind, active=True, region_id__in=codes).order_by("uploaded_at")}  # fmt: skip
    for code in reversed(codes):
        if code in found:
            return found[code]
    return None


def default_template(kind: str) -> Path:
    return DEFAULT_TEMPLATES / f"{kind}.docx"


def render_docx(brief: Brief) -> bytes:
    uploaded = template_for(brief.kind, brief.region)
    if uploaded is None:
        return check_template(default_template(brief.kind).read_bytes(), brief.context())
    with uploaded.file.open("rb") as handle:
        data = handle.read()
    return check_template(data, brief.context())


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render_pdf(brief: Brief) -> bytes:
    """The HTML printed by headless chromium (fonts-noto-cjk renders the Chinese)."""
    browser = chromium()
    if browser is None:
        raise InvalidInput.field("format", "未找到 chromium 浏览器，无法生成 PDF；请安装后重试")
    with tempfile.TemporaryDirectory(prefix="shegong-brief-") as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(render_html(brief), encoding="utf-8")
        shutil.copyfile(DEFAULT_TEMPLATES / "brief.css", Path(tmp) / "brief.css")
        out = Path(tmp) / "brief.pdf"
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={out}", page.as_uri(),
        ]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_SECONDS, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise InvalidInput.field("format", "生成 PDF 超时，请稍后重试") from exc
        if not out.exists() or out.stat().st_size == 0:
            raise InvalidInput.field("format", "chromium 未能生成 PDF，请检查浏览器安装")
        return out.read_bytes()


def render(brief: Brief, fmt: str) -> bytes:
    """The document in ``fmt`` as bytes (nothing is written anywhere)."""
    check_format(fmt)
    if fmt == "md":
        return render_md(brief).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(brief)
    return render_docx(brief)


def filename(brief: Brief, fmt: str) -> str:
    return f"{brief.title}.{fmt}"
