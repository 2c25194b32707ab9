"""checker.steps.language: which articles count as English (issue #15)."""

from __future__ import annotations

import pytest

from checker.steps.language import detect_language

PARAGRAPHS = {
    "en": "Witkoff met Putin in Moscow on Wednesday; Ushakov said the Kremlin had received 'signals' from "
    "Washington, and Die Welt reported that Scholz would travel to Paris on Monday.",
    "de": "Der Bundestag hat am Donnerstag das neue Gesetz verabschiedet. Die Opposition kritisierte den "
    "Entwurf scharf und kündigte eine Klage in Karlsruhe an.",
    "ru": "Президенты двух стран в пятницу договорились провести саммит в Анкоридже на следующей неделе, "
    "сообщили официальные лица.",
    "fr": "Le gouvernement a annoncé mardi une hausse des impôts, selon un communiqué publié par le "
    "ministère de l'Économie à Paris.",
}


@pytest.mark.parametrize("code", PARAGRAPHS)
def test_news_paragraphs_are_told_apart(code: str) -> None:
    assert detect_language(PARAGRAPHS[code]) == code


@pytest.mark.parametrize("text", ["Gipfel in Alaska geplant.", "Саммит пройдёт в Анкоридже.", ""])
def test_text_too_short_to_tell_counts_as_english(text: str) -> None:
    assert detect_language(text) == "en"


def test_line_breaks_do_not_matter() -> None:
    assert detect_language(PARAGRAPHS["de"].replace(". ", ".\n\n")) == "de"
