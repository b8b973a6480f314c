"""Rendering: the template environment (`view.key` on a dict answers as Jinja's own lookup does), and the
marks the transcript conventions put in a paragraph's text."""
from __future__ import annotations

import pytest
from jinja2 import Environment, StrictUndefined, UndefinedError

from generator.render import ViewEnvironment, make_environment


def render(environment_class, source: str, **values) -> str:
    return environment_class(undefined=StrictUndefined, autoescape=True).from_string(source).render(**values)


@pytest.mark.parametrize("source", [
    "{{ view.title }}",                                  # a key
    "{{ view.items() | list | length }}",                # a dict method wins over a key of its name
    "{{ view.get('title') }}",
    "{% for k, v in view.items() %}{{ k }}{% endfor %}",
    "{{ view.nested.deeper }}",
    "{{ view['title'] }}",
])
def test_dict_views_answer_as_with_jinjas_own_environment(source):
    view = {"title": "<b>Budget</b>", "items": [1, 2, 3], "nested": {"deeper": 42}}
    assert render(ViewEnvironment, source, view=view) == render(Environment, source, view=view)


def test_a_missing_key_is_still_an_undefined_error():
    with pytest.raises(UndefinedError, match="has no attribute 'missing'"):
        render(ViewEnvironment, "{{ view.missing }}", view={"title": "x"})


def test_the_builds_environment_is_the_view_environment():
    assert isinstance(make_environment(None), ViewEnvironment)


def test_stage_directions_in_a_paragraph_are_styled_whatever_spaces_part_their_words():
    """The example's 2018-06-04 says "(In\u00a0German.)" with a no-break space: it was left unstyled,
    where "(Speaks German.)" was; the corpus's "(in\u00a0Russian)" too."""
    from generator.inline import render_text, text_marks
    text = "Thank you. (In\u00a0German.) Good. (without a\u00a0microphone) Yes (in Russian). (Applause.) (in brief)"
    assert str(render_text(text, text_marks(text))) == (
        'Thank you. <span class="stage">(In\u00a0German.)</span> Good. <span class="stage">(without a\u00a0microphone)'
        '</span> Yes <span class="stage">(in Russian).</span> <span class="stage">(Applause.)</span> (in brief)')


def test_a_meeting_in_another_language_says_so_to_browsers_and_screen_readers():
    """Front matter's `language` was read and checked, then shown nowhere: a meeting page's
    article carries it as `lang`, the page's own words keep the site's."""
    from generator.model import ContentInput, Source
    from generator.pipeline import load_archive
    from generator.render import render_site
    said = "---\ntitle: {}\ndate: 2024-01-0{}\n{}---\nVladimir Putin: {}\n"
    archive = load_archive(ContentInput(transcripts=(
        Source("transcripts/2024-01-02_ru.txt", said.format("Встреча", 2, "language: ru\n", "Добрый день.")),
        Source("transcripts/2024-01-03_en.txt", said.format("Meeting", 3, "", "Good afternoon.")))))
    site = render_site(archive)
    russian, english = (site[f"meetings/2024-01-0{n}-{code}.html"].decode("utf-8") for n, code in ((2, "ru"), (3, "en")))
    assert '<html lang="en">' in russian and '<article class="meeting" lang="ru" ' in russian
    assert '<article class="meeting" data-cite-title' in english


def test_front_matter_participants_named_as_labels_are_found_by_name():
    """`participants: ["Finance Minister Anton Siluanov"]` listed the whole text, unlinked, beside
    the Anton Siluanov who has a page: a participant is read as a label is, role apart."""
    from generator.model import ContentInput, Source
    from generator.pipeline import load_archive
    from generator.render import render_site
    listed = ('---\ntitle: Listed\ndate: 2024-01-02\nparticipants: ["Finance Minister Anton Siluanov",'
              ' "Alexander Lukashenko, President of Belarus", "Lukashenka"]\n---\nVladimir Putin: Hello.\n')
    spoken = "---\ntitle: Spoken\ndate: 2024-01-03\n---\nAnton Siluanov: Thank you.\nAlexander Lukashenko: Yes.\n"
    archive = load_archive(ContentInput(transcripts=(Source("transcripts/2024-01-02_a.txt", listed),
                                                     Source("transcripts/2024-01-03_b.txt", spoken))))
    assert [(p.name, p.role) for p in archive.meetings[0].participants] == [
        ("Anton Siluanov", "Finance Minister"), ("Alexander Lukashenko", "President of Belarus"), ("Lukashenka", "")]
    html = render_site(archive)["meetings/2024-01-02-a.html"].decode("utf-8")
    assert ('<span class="who"><a href="../speakers/anton-siluanov.html">Anton Siluanov</a>, '
            '<span class="role">Finance Minister</span></span>') in html


def test_a_participant_named_by_an_alias_limited_to_some_meetings_is_that_person_there_only():
    """speakers.yaml's `meetings:` limits an entry's aliases to those meetings, for labels: a
    front-matter participant named by such an alias elsewhere was taken for that person too."""
    from generator.model import ContentInput, Source
    from generator.pipeline import load_archive
    from generator.render import render_site
    speakers = Source("speakers.yaml", "- name: Alexander Novak\n  aliases: [Novak]\n  meetings: [2024-01-02_a]\n")
    meeting = "---\ntitle: {title}\ndate: {date}\nparticipants: [Novak]\n---\n{said}\n"
    archive = load_archive(ContentInput(speakers=speakers, transcripts=(
        Source("transcripts/2024-01-02_a.txt", meeting.format(title="Energy", date="2024-01-02",
                                                              said="Vladimir Putin: Hello.\nNovak: Good afternoon.")),
        Source("transcripts/2024-01-03_b.txt", meeting.format(title="Chess", date="2024-01-03",
                                                              said="Vladimir Putin: Hello.")))))
    site = render_site(archive)
    energy, chess = (site[f"meetings/{name}.html"].decode("utf-8") for name in ("2024-01-02-a", "2024-01-03-b"))
    assert [(p.name, p.names) for p in archive.people if p.slug == "alexander-novak"] == [("Alexander Novak", ("Novak",))]
    novak = '<a href="../speakers/alexander-novak.html">Alexander Novak</a>'
    assert novak in energy and energy.count("alexander-novak.html") == energy.count(novak)
    assert "alexander-novak" not in chess and '<span class="who">Novak</span>' in chess
