"""docs/indicators.md is the registry's words: the stored page equals ``docs.render()``, and
every registered indicator carries what the page and the brief need."""

from __future__ import annotations

from django.conf import settings

from shegong import cli
from shegong.core import registry
from shegong.core.registry import INDICATOR_SECTIONS, Indicator
from shegong.dashboard import docs


def test_docs_indicators_md_is_the_registry_rendered():
    stored = (settings.REPO_DIR / docs.DOC_PATH).read_text(encoding="utf-8")
    assert stored == docs.render(), (
        "docs/indicators.md differs from the registered indicators; regenerate it with: "
        f"{docs.FIX_COMMAND}"
    )


def test_the_page_lists_every_indicator_with_its_definition_and_sentence():
    page = docs.render()
    assert registry.indicators, "no indicator is registered"
    for indicator in registry.indicators:
        assert f"`{indicator.code}`" in page
        assert indicator.definition in page
        assert indicator.sentence in page
    for title in INDICATOR_SECTIONS.values():
        assert title in page
    for term in ("flow", "stock", "rate", "人次", "人数", "cohort", "shegong rollup", "drift"):
        assert term.lower() in page.lower(), term


def test_a_rate_names_its_numerator_and_denominator(monkeypatch):
    """A rate's lines name both parts by name and code (an unregistered part is flagged)."""
    parts = [i for i in registry.indicators if i.kind == "flow"][:1]
    assert parts
    rate = Indicator(
        "test.share", "测试占比", "%", "volunteers", "测试用比率。", kind="rate",
        numerator=parts[0].code, denominator="test.missing", sentence="占比{value}%",
    )  # fmt: skip
    monkeypatch.setitem(registry.indicators._items, rate.code, rate)
    page = docs.render()
    assert f"- 分子：{parts[0].name}（`{parts[0].code}`）" in page
    assert "- 分母：`test.missing`（未登记）" in page


def test_shegong_indicators_prints_the_page_and_writes_it(tmp_path, monkeypatch, capsys):
    assert cli.main(["shegong", "indicators"]) == 0
    assert capsys.readouterr().out == docs.render()
    (tmp_path / "docs").mkdir()
    monkeypatch.setattr(settings, "REPO_DIR", tmp_path)
    assert cli.main(["shegong", "indicators", "--write"]) == 0
    assert (tmp_path / "docs" / "indicators.md").read_text(encoding="utf-8") == docs.render()


def test_every_registered_indicator_is_complete():
    """What the page, the rollups and the brief rely on, for whatever the apps register: a
    definition, a sentence with {value} (a rate's part may have none: the brief leaves it out),
    a known section and kind, a rate's parts registered, a source's fields there."""
    problems = []
    codes = {i.code for i in registry.indicators}
    rates = [i for i in registry.indicators if i.kind == "rate"]
    parts = {i.numerator for i in rates} | {i.denominator for i in rates}
    for i in registry.indicators:
        where = f"{i.code}:"
        if not i.name or not i.unit:
            problems.append(f"{where} name and unit are required")
        if not i.definition.strip():
            problems.append(f"{where} no definition")
        if "{value}" not in i.sentence and (i.sentence or i.code not in parts):
            # Only a rate's part may have no sentence: the brief then leaves it out.
            problems.append(f"{where} the sentence has no {{value}}")
        if i.section not in INDICATOR_SECTIONS:
            problems.append(f"{where} unknown section {i.section!r}")
        if i.kind not in ("flow", "stock", "rate", "sum"):
            problems.append(f"{where} unknown kind {i.kind!r}")
        if i.kind == "sum":
            for part in getattr(i, "parts", ()) or [""]:
                if part not in codes:
                    problems.append(f"{where} the sum's part {part!r} is not registered")
        elif i.kind == "rate":
            for part in (i.numerator, i.denominator):
                if part not in codes:
                    problems.append(f"{where} the rate's part {part!r} is not registered")
                elif registry.indicators.get(part).kind == "rate":
                    problems.append(f"{where} the rate's part {part!r} is itself a rate")
        else:
            if not i.source or not i.date_field:
                problems.append(f"{where} a {i.kind} needs a source and a date_field")
                continue
            qs = i.queryset()
            model = qs.model
            # A date or measure may be a field or an annotation of the source (a cohort day).
            names = {f.name for f in model._meta.get_fields()} | set(qs.query.annotations)
            fields = [i.date_field, i.end_field, i.measure]
            for name in [n for n in fields if n and "__" not in n]:
                if name not in names:
                    problems.append(f"{where} {model._meta.label} has no field {name!r}")
    assert not problems, "\n".join(problems)
