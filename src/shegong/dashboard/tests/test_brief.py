"""The work brief: sentences from the rollups (zero figures left out), a note per figure, the
documents (.docx, Markdown, PDF), uploaded templates and their unknown placeholders, bad input
on the page and the command line."""

from __future__ import annotations

import io
import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from shegong import cli, testing
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.core.periods import Period
from shegong.dashboard import actions, brief, rollup
from shegong.dashboard.models import BriefTemplate

pytestmark = pytest.mark.django_db

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
SENTENCE = "累计开展各类志愿服务活动3场次，服务群众22人次。"
PNG_OUT = "/tmp/shegong-brief-pdf.png"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def plain(text: str) -> str:
    """The text without the notes' superscript markers."""
    return text.translate(str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return text, rows


@pytest.fixture
def november(district):
    """November 2026 in street A: 3 activities serving 22 people (one on its grid), and one
    cancelled that never counts; street B one activity serving 1. No service hours anywhere."""
    team_a = testing.team(district["community_a"], name="东关队")
    team_grid = testing.team(district["grid_a"], name="网格队")
    team_b = testing.team(district["community_b"], name="西关队")
    testing.activity(team_a, starts_at=at(date(2026, 11, 2)), people_served=10)
    testing.activity(team_a, starts_at=at(date(2026, 11, 30), 23), people_served=5)
    testing.activity(team_grid, starts_at=at(date(2026, 11, 15)), people_served=7)
    testing.activity(team_b, starts_at=at(date(2026, 11, 20)), people_served=1)
    testing.activity(team_a, starts_at=at(date(2026, 11, 5)), status="cancelled", people_served=9)
    rollup.backfill()
    return district


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Today is 2026-12-08 for every check of the period."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return date(2026, 12, 8) if value is None else real(value, timezone)

    monkeypatch.setattr(timezone, "localdate", localdate)


# --- composing ------------------------------------------------------------------------------


def test_sentences_come_from_the_rollups_and_zero_figures_are_left_out(november):
    made = brief.compose(november["street_a"], NOVEMBER)
    assert made.title == "东城街道2026年11月基层社会工作简报"
    assert [(s.key, s.title) for s in made.sections] == [("volunteers", "志愿服务与专业社工")]
    section = made.sections[0]
    assert section.plain == SENTENCE
    assert section.paragraph == "累计开展各类志愿服务活动3场次¹，服务群众22人次²。"
    # No service hours: the hours' sentence is left out, and every other section with it.
    assert "时长" not in section.paragraph
    assert [n.code for n in made.notes] == ["volunteers.activities", "volunteers.people_served"]
    first = made.notes[0]
    assert (first.number, first.name, first.value, first.unit) == (1, "志愿服务活动", "3", "场次")
    assert first.definition.startswith("已发布的志愿服务活动")
    district_wide = brief.compose(november["district"], NOVEMBER, "月报")
    assert district_wide.sections[0].plain == "累计开展各类志愿服务活动4场次，服务群众23人次。"


def test_a_region_without_figures_has_no_section(november):
    made = brief.compose(november["street_b"], Period(date(2026, 10, 1), date(2026, 10, 31)))
    assert made.sections == [] and made.notes == []
    assert "本期各项指标均无数据" in brief.render_md(made)


@pytest.mark.parametrize(
    ("start", "end", "kind", "title"),
    [
        (date(2026, 7, 1), date(2026, 9, 30), "季度总结", "东城街道2026年第三季度基层社会工作总结"),
        (date(2025, 1, 1), date(2025, 12, 31), "年度总结", "东城街道2025年基层社会工作总结"),
        (date(2026, 11, 3), date(2026, 11, 20), "专项简报",
         "东城街道2026年11月3日至11月20日基层社会工作专项简报"),
    ],
)  # fmt: skip
def test_the_title_names_the_region_the_period_and_the_kind(district, start, end, kind, title):
    assert brief.compose(district["street_a"], Period(start, end), kind).title == title


def test_bad_periods_and_kinds_are_refused_naming_the_field():
    with pytest.raises(InvalidInput, match="截止日期不能早于起始日期") as caught:
        brief.check_period(date(2026, 11, 30), date(2026, 11, 1))
    assert caught.value.errors[0]["field"] == "end"
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        brief.check_period(date(2026, 12, 1), date(2026, 12, 9))
    assert brief.check_period(date(2026, 12, 1), date(2026, 12, 8)).end == date(2026, 12, 8)
    with pytest.raises(InvalidInput, match="简报类型"):
        brief.check_kind("周报")


# --- the documents --------------------------------------------------------------------------


def test_markdown_has_footnotes_for_every_figure_and_the_table(november):
    text = brief.render_md(brief.compose(november["street_a"], NOVEMBER))
    assert text.startswith("# 东城街道2026年11月基层社会工作简报\n")
    assert "## 一、志愿服务与专业社工" in text
    assert "累计开展各类志愿服务活动3场次[^1]，服务群众22人次[^2]。" in text
    assert "| 志愿服务活动[^1] | 3 | 场次 |" in text
    assert "[^1]: 志愿服务活动（volunteers.activities）：已发布的志愿服务活动" in text
    assert "[^2]: 志愿服务服务群众（volunteers.people_served）：" in text
    assert "[^3]" not in text


@pytest.mark.parametrize("kind", brief.KINDS)
def test_the_docx_opens_and_holds_the_sentences_table_and_notes(november, kind):
    data = brief.render(brief.compose(november["street_a"], NOVEMBER, kind), "docx")
    text, rows = docx_text(data)
    assert "东城街道2026年11月基层社会工作" in text
    assert "一、志愿服务与专业社工" in text
    assert "累计开展各类志愿服务活动3场次¹，服务群众22人次²。" in text
    assert SENTENCE in plain(text)
    assert "注1：志愿服务活动（volunteers.activities，3场次）：已发布的志愿服务活动" in text
    assert "注2：志愿服务服务群众" in text
    assert "{{" not in text and "{%" not in text
    assert rows == [["指标", "数值", "单位"], ["志愿服务活动¹", "3", "场次"],
                    ["志愿服务服务群众²", "22", "人次"]]  # fmt: skip


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_the_pdf_holds_the_chinese_sentence_and_its_first_page_is_not_blank(november):
    import pypdfium2

    data = brief.render(brief.compose(november["street_a"], NOVEMBER), "pdf")
    assert data.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(data)
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    assert "东城街道2026年11月基层社会工作简报" in "".join(text.split())
    flat = "".join(text.split())
    assert "累计开展各类志愿服务活动3场次" in flat and "服务群众22人次" in flat
    image = page.render(scale=1).to_pil().convert("L")
    image.save(PNG_OUT)
    dark = sum(image.histogram()[:128])
    assert dark > 500, "the first page rendered blank"
    pdf.close()


def test_a_missing_chromium_is_a_clear_message(november, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InvalidInput, match="未找到 chromium"):
        brief.render(brief.compose(november["street_a"], NOVEMBER), "pdf")


# --- uploaded templates ---------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_at_upload_naming_it(district, street_a_staff):
    bad = docx_bytes("{{ title }}", "{{ budget_total }}")
    with pytest.raises(InvalidInput, match="budget_total"):
        actions.upload_template(actor=street_a_staff, kind="月报", region=district["street_a"],
                                name="我的模板.docx", data=bad)  # fmt: skip
    attribute = docx_bytes("{{ title }}", "{{ region.mayor }}")
    with pytest.raises(InvalidInput, match="mayor"):
        actions.upload_template(actor=street_a_staff, kind="月报", region=district["street_a"],
                                name="我的模板.docx", data=attribute)  # fmt: skip
    with pytest.raises(InvalidInput, match=r"\.docx"):
        actions.upload_template(actor=street_a_staff, kind="月报", region=district["street_a"],
                                name="模板.txt", data=b"{{ title }}")  # fmt: skip
    assert not BriefTemplate.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.BRIEF_TEMPLATE_UPLOADED).exists()


def test_an_uploaded_template_replaces_the_default_for_its_region_and_below(
    november, street_a_staff
):
    data = docx_bytes("东城专用：{{ title }}", "{%p for s in sections %}", "{{ s.plain }}",
                      "{%p endfor %}")  # fmt: skip
    template = actions.upload_template(
        actor=street_a_staff, kind="月报", region=november["street_a"], name="东城.docx", data=data
    )
    community = brief.render(brief.compose(november["community_a"], NOVEMBER), "docx")
    assert docx_text(community)[0].splitlines() == [
        "东城专用：东关社区2026年11月基层社会工作简报", SENTENCE
    ]  # fmt: skip
    other = docx_text(brief.render(brief.compose(november["street_b"], NOVEMBER), "docx"))[0]
    assert "东城专用" not in other  # street B keeps the default
    quarterly = brief.compose(november["street_a"], NOVEMBER, "季度总结")
    assert "东城专用" not in docx_text(brief.render(quarterly, "docx"))[0]
    entry = AuditEvent.objects.get(verb=Verb.BRIEF_TEMPLATE_UPLOADED)
    assert entry.target_id == str(template.pk) and entry.region_id == "341271001000"
    actions.remove_template(template, actor=street_a_staff)
    again = brief.render(brief.compose(november["community_a"], NOVEMBER), "docx")
    assert "东城专用" not in docx_text(again)[0]
    assert AuditEvent.objects.filter(verb=Verb.BRIEF_TEMPLATE_REMOVED).count() == 1


def test_a_template_broken_since_upload_is_refused_at_render_and_nothing_is_written(
    november, tmp_path
):
    stored = BriefTemplate(kind="月报", region=november["street_a"], name="旧模板.docx")
    stored.file.save("旧模板.docx", ContentFile(docx_bytes("{{ title }}{{ old_field }}")))
    made = brief.compose(november["street_a"], NOVEMBER)
    with pytest.raises(InvalidInput, match="old_field"):
        brief.render(made, "docx")
    out = tmp_path / "brief.docx"
    args = ["shegong", "brief", "--region", "341271001000", "--from", "2026-11-01",
            "--to", "2026-11-30", "--output", str(out)]  # fmt: skip
    assert cli.main(args) == 1
    assert not out.exists() and not list(tmp_path.iterdir())


def test_staff_may_manage_only_templates_within_their_scope(district, street_a_staff,
                                                            street_b_staff):  # fmt: skip
    template = actions.upload_template(actor=street_b_staff, kind="月报",
                                       region=district["street_b"], name="西城.docx",
                                       data=docx_bytes("{{ title }}"))  # fmt: skip
    with pytest.raises(NotFound):
        actions.remove_template(template, actor=street_a_staff)
    with pytest.raises(NotFound):
        actions.upload_template(actor=street_a_staff, kind="月报", region=district["street_b"],
                                name="越权.docx", data=docx_bytes("{{ title }}"))  # fmt: skip


# --- the page -------------------------------------------------------------------------------


def post(client, **fields):
    data = {"region": "341271001000", "start": "2026-11-01", "end": "2026-11-30",
            "kind": "月报", "format": "md", **fields}  # fmt: skip
    return client.post(reverse("dashboard:briefs"), data)


def test_the_page_answers_the_document_within_scope(client, november, street_a_staff):
    client.force_login(street_a_staff)
    page = client.get(reverse("dashboard:briefs"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "东城街道" in body and "西城街道" not in body
    assert 'value="2026-11-01"' in body and 'value="2026-11-30"' in body  # last month
    assert client.head(reverse("dashboard:briefs")).status_code == 200
    answer = post(client)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/markdown")
    assert "filename*=UTF-8''" in answer["Content-Disposition"]
    assert "累计开展各类志愿服务活动3场次[^1]" in answer.content.decode()
    docx = post(client, format="docx", region="341271001001")
    assert SENTENCE in plain(docx_text(docx.content)[0])
    entry = AuditEvent.objects.filter(verb=Verb.BRIEF_GENERATED).latest("id")
    assert entry.data["format"] == "docx" and entry.region_id == "341271001001"


def test_the_page_refuses_bad_periods_with_400_and_other_streets_with_404(
    client, november, street_a_staff
):
    client.force_login(street_a_staff)
    backwards = post(client, start="2026-11-30", end="2026-11-01")
    assert backwards.status_code == 400
    assert "截止日期不能早于起始日期" in backwards.content.decode()
    future = post(client, end="2026-12-31")
    assert future.status_code == 400 and "不能晚于今天" in future.content.decode()
    assert post(client, start="2026-13-01").status_code == 400
    assert post(client, region="341271002000").status_code == 404
    assert post(client, region="341271002000", start="x").status_code == 404
    assert post(client, region="999999999999").status_code == 404
    assert not AuditEvent.objects.filter(verb=Verb.BRIEF_GENERATED).exists()


def test_the_template_page_uploads_refuses_and_removes(client, district, street_a_staff,
                                                       street_b_staff):  # fmt: skip
    url = reverse("dashboard:brief_templates")
    client.force_login(street_a_staff)
    bad = SimpleUploadedFile("坏模板.docx", docx_bytes("{{ title }} {{ leader_phone }}"))
    refused = client.post(url, {"action": "upload", "kind": "月报", "region": "341271001000",
                                "file": bad})  # fmt: skip
    assert refused.status_code == 400
    assert "模板中有未知的占位符：leader_phone" in refused.content.decode()
    good = SimpleUploadedFile("东城月报.docx", docx_bytes("{{ title }}"))
    done = client.post(url, {"action": "upload", "kind": "月报", "region": "341271001000",
                             "file": good})  # fmt: skip
    assert done.status_code == 302
    mine = BriefTemplate.objects.get()
    listing = client.get(url).content.decode()
    assert "东城月报.docx" in listing
    assert client.get(url, {"file": mine.pk}).status_code == 200
    assert client.get(url, {"default": "季度总结"}).status_code == 200
    theirs = actions.upload_template(actor=street_b_staff, kind="月报",
                                     region=district["street_b"], name="西城.docx",
                                     data=docx_bytes("{{ title }}"))  # fmt: skip
    assert "西城.docx" not in client.get(url).content.decode()
    assert client.get(url, {"file": theirs.pk}).status_code == 404
    assert client.post(url, {"action": "remove", "template": theirs.pk}).status_code == 404
    assert client.post(url, {"action": "remove", "template": mine.pk}).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert not mine.active and theirs.active


def test_the_template_page_needs_the_permission(client, district):
    worker = testing.user("community_worker", district["community_a"], name="东关社工")
    client.force_login(worker)
    assert client.get(reverse("dashboard:brief_templates")).status_code == 403


# --- the command line -----------------------------------------------------------------------


def test_the_command_writes_the_brief(november, tmp_path, capsys):
    out = tmp_path / "brief.md"
    args = ["shegong", "brief", "--region", "341271001000", "--from", "2026-11-01",
            "--to", "2026-11-30", "--format", "md", "--output", str(out)]  # fmt: skip
    assert cli.main(args) == 0
    assert "累计开展各类志愿服务活动3场次[^1]，服务群众22人次[^2]。" in out.read_text("utf-8")
    assert "东城街道2026年11月基层社会工作简报" in capsys.readouterr().out
    docx = tmp_path / "brief.docx"
    assert cli.main([*args[:-4], "--kind", "年度总结", "--output", str(docx)]) == 0
    assert SENTENCE in plain(docx_text(docx.read_bytes())[0])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--region", "341271009000"], "没有区划代码为 341271009000 的区划"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "截止日期不能早于起始日期"),
        (["--to", "2026-12-31"], "不能晚于今天"),
        (["--from", "2026-11-31"], "起始日期格式应为 YYYY-MM-DD"),
        (["--kind", "周报"], "简报类型应为"),
        (["--format", "odt"], "格式应为 docx、md 或 pdf"),
    ],
)
def test_the_command_refuses_bad_input_with_exit_1(district, tmp_path, capsys, extra, message):
    out = tmp_path / "brief.docx"
    args = ["shegong", "brief", "--region", "341271001000", "--output", str(out), *extra]
    assert cli.main(args) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_the_default_period_is_last_month():
    assert brief.last_month(date(2026, 12, 8)) == (date(2026, 11, 1), date(2026, 11, 30))
    assert brief.last_month(date(2026, 1, 1)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert Path(brief.default_template("月报")).exists()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (9999, "9999"),
        (12.5, "12.5"),
        (10000, "1万"),
        (18000, "1.8万"),
        (29400, "2.9万"),
        (120000, "12万"),
        (123456, "12.3万"),
        (10000.4, "1万"),
        (150_000_000, "1.5亿"),
    ],
)
def test_a_figure_in_a_sentence_is_written_in_wan_as_the_seed_writes_it(value, text):
    assert brief.spoken(value) == text
