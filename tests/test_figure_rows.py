"""The figures table's rows, made in Python (generator/figure_rows.py) and printed by the template as Markup.

They are printed unescaped, so these tests prove that every text in them
is escaped exactly as Jinja's autoescape would, and that a row is the same,
byte for byte, as the one templates/figures.html made before.
"""
from __future__ import annotations

import re

from dataclasses import replace
from decimal import Decimal

import pytest
from markupsafe import Markup, escape

from generator import urls
from generator.figure_rows import NOBODY, MeetingCell, Speaker, escape_each, escape_html, meeting_rows
from generator.figure_views import ranked_figures
from generator.figures import Figure
from generator.pipeline import load_archive
from generator.read import read_content
from generator.render import make_environment

from conftest import CONTENT

HOSTILE = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(2)>',
    "' onfocus='alert(3)' x='",
    "&amp; &lt; &#34; already escaped",
    "{{7*7}} {% raw %}",
    "a\0b <i>\0</i>",
    "",
    "plain words, “curly quotes”, — and ¶",
]

# The rows of templates/figures.html before they moved to figure_rows.py, kept here to compare with,
# with the id each row has since (its meeting, paragraph and place: every figure here starts its paragraph).
OLD_ROWS = """\
  {% for m in meetings %}
  {% set meeting_cell %}<td class="meeting-cell" data-value="{{ m.iso_date }}"><a href="{{ m.href }}">{{ m.title }}</a><br><span class="date">{% if m.iso_date %}<time datetime="{{ m.iso_date }}">{{ m.date }}</time>{% else %}{{ m.date }}{% endif %}</span></td>{% endset %}
  {% for kind, kind_label, said, href, anchor, qualifier, value, normalised, sort_value, unit, restates,
         speaker, speaker_slug, speaker_href, before, marked, after in m.figures %}
    <tr data-kind="{{ kind }}" data-speaker="{{ speaker_slug }}" data-meeting="{{ m.slug }}" id="f-{{ m.slug }}-{{ anchor }}-0">
      <td class="said"><a href="{{ href }}">{{ said }}</a></td>
      <td class="value" data-value="{{ sort_value }}">{% if qualifier %}<span class="qualifier">{{ qualifier }}</span> {% endif %}<data{% if not normalised %} class="vague"{% endif %} value="{{ normalised.split('..')[0] }}"{% if '..' in normalised %} data-high="{{ normalised.split('..')[1] }}"{% endif %}>{{ value }}</data>{% if unit %}&nbsp;<span class="unit">{{ unit }}</span>{% endif %}{% if restates %} <span class="restates">(the amount before, restated)</span>{% endif %}</td>
      <td class="kind">{{ kind_label }}</td>
      <td class="speaker-cell">{% if speaker_href %}<a href="{{ speaker_href }}">{{ speaker }}</a>{% else %}<span class="muted">—</span>{% endif %}</td>
      {{ meeting_cell }}
      <td class="sentence">{{ before }}{% if marked %}<mark>{{ marked }}</mark>{% endif %}{{ after }} <a class="to-paragraph" href="{{ href }}" aria-label="Paragraph {{ anchor }} of {{ m.title }}">¶</a></td>
    </tr>
  {% endfor %}
  {% endfor %}
"""

PUTIN = Speaker("Vladimir Putin", "vladimir-putin", "../speakers/vladimir-putin.html")
MEETING = MeetingCell("2023-02-17-70530", "Meeting with Ebtesam Al Ketbi", "../meetings/2023-02-17-70530.html",
                      "17 February 2023", "2023-02-17")


def figure(said: str, sentence: str, *, value="43e9", low=None, high=None, unit="USD", kind="money", noun="",
           qualifier="over", speaker: str | None = "putin", paragraph=12, restates=None) -> tuple[Figure, str]:
    """A figure and the sentence it was said in."""
    return Figure(said=said, value=None if value is None else Decimal(value),
                  low=None if low is None else Decimal(low), high=None if high is None else Decimal(high),
                  unit=unit, kind=kind, noun=noun, qualifier=qualifier, meeting=MEETING.slug, paragraph=paragraph,
                  start=0, end=len(said), speaker=speaker, restates=restates), sentence


def rows_of(meeting: MeetingCell, figures: list[tuple[Figure, str]], speakers: dict) -> str:
    """The rows of (figure, sentence) pairs."""
    rows = meeting_rows(meeting, [f for f, _ in figures], [s for _, s in figures], speakers,
                        lambda target: urls.link(target, urls.FIGURES))
    assert isinstance(rows, Markup)
    return str(rows)


def old_rows(meeting: MeetingCell, rows: list[tuple]) -> str:
    """What the old template made of rows given as its 17 values."""
    template = make_environment().from_string(OLD_ROWS)
    return template.render(meetings=[{**meeting._asdict(), "figures": rows}])


def test_escape_html_writes_what_jinja_autoescape_writes():
    for text in HOSTILE:
        assert escape_html(text) == str(escape(text)), text
    assert escape_html("""& < > " '""") == "&amp; &lt; &gt; &#34; &#39;"


def test_escape_each_is_escape_html_of_each():
    for texts in ([], [""], HOSTILE, ["clean", "words"], ["a\0b", "c"], ["\0", "<", ""], ["x"] * 3):
        assert escape_each(list(texts)) == [escape_html(t) for t in texts], texts


def test_a_row_is_the_row_the_template_made():
    said = "over US$43 billion"
    sentence = "Trade reached over US$43 billion last year."
    made = rows_of(MEETING, [figure(said, sentence)], {"putin": PUTIN})
    old = old_rows(MEETING, [("money", "Money", said, "../meetings/2023-02-17-70530.html#p12", "p12", "over",
                              "43,000,000,000", "43000000000", "43000000000", "USD", False,
                              *PUTIN, "Trade reached ", said, " last year.")])
    assert made == old
    assert '<td class="value" data-value="43000000000"><span class="qualifier">over</span> ' \
           '<data value="43000000000">43,000,000,000</data>&nbsp;<span class="unit">USD</span></td>' in made


def test_rows_of_every_shape_are_the_rows_the_template_made():
    """A range, a vague amount, a count, nobody named, a restated amount, words not found in the sentence,
    spaces to normalise, and a meeting without a date."""
    undated = MEETING._replace(date="Undated", iso_date="")
    figures = [
        figure("from 40 to 60 percent", "It grew from 40 to 60 percent.", value=None, low="40", high="60",
               unit="%", kind="percent", qualifier="", paragraph=2),
        figure("several billion rubles", "It cost several billion rubles.", value=None, unit="RUB",
               qualifier="", speaker=None, paragraph=2),
        figure("19 documents", "They signed 19 documents.", value="19", unit="count", kind="count",
               noun="documents", qualifier="", speaker="nobody-known", paragraph=3),
        figure("about US$520\u00a0million", "That is 48 billion rubles [about US$520 million].", value="520e6",
               qualifier="about", restates=0, paragraph=4),
        figure("12.50 percent", "Not in the sentence.", value="12.50", unit="%", kind="percent", qualifier=""),
    ]
    made = rows_of(undated, figures, {"putin": PUTIN, None: NOBODY, "nobody-known": NOBODY})
    href = "../meetings/2023-02-17-70530.html"
    old = old_rows(undated, [
        ("percent", "Percentage", "from 40 to 60 percent", f"{href}#p2", "p2", "", "40–60", "40..60", "40", "%",
         False, *PUTIN, "It grew ", "from 40 to 60 percent", "."),
        ("money", "Money", "several billion rubles", f"{href}#p2", "p2", "", "not stated", "", "", "RUB",
         False, "", "", "", "It cost ", "several billion rubles", "."),
        ("count", "Count", "19 documents", f"{href}#p3", "p3", "", "19", "19", "19", "documents",
         False, "", "", "", "They signed ", "19 documents", "."),
        ("money", "Money", "about US$520 million", f"{href}#p4", "p4", "about", "520,000,000", "520000000",
         "520000000", "USD", True, *PUTIN, "That is 48 billion rubles [", "about US$520 million", "]."),
        ("percent", "Percentage", "12.50 percent", f"{href}#p12", "p12", "", "12.5", "12.5", "12.5", "%",
         False, *PUTIN, "Not in the sentence.", "", ""),
    ])
    assert made == old
    assert '<data value="40" data-high="60">40–60</data>' in made  # as the meeting's text marks a range


@pytest.mark.parametrize("hostile", HOSTILE[:5])
def test_hostile_text_is_escaped_in_every_place_of_a_row(hostile):
    said = f'{hostile} paid $5 million "x\' y'
    sentence = f"They said {said} & more <b>{hostile}</b>."
    meeting = MEETING._replace(title=f"Meeting {hostile}", date=f"Date {hostile}")
    speaker = Speaker(f"Name {hostile}", "the-slug", "../speakers/the-slug.html")
    hostile_figure = figure(said, sentence, qualifier=f"about {hostile}", unit=f"USD {hostile}", kind="money")
    made = rows_of(meeting, [hostile_figure], {"putin": speaker})
    old = old_rows(meeting, [("money", "Money", said, "../meetings/2023-02-17-70530.html#p12", "p12",
                              f"about {hostile}", "43,000,000,000", "43000000000", "43000000000",
                              f"USD {hostile}", False, *speaker, "They said ", said,
                              f" & more <b>{hostile}</b>.")])
    assert made == old
    for text in (hostile, said, sentence, meeting.title, speaker.name):
        assert text not in made or text == escape_html(text)
    assert "<script" not in made and "<svg" not in made and "<b>" not in made and "onfocus='" not in made
    assert f"<mark>{escape_html(said)}</mark>" in made
    assert f"Name {escape_html(hostile)}</a>" in made and f"Meeting {escape_html(hostile)}</a>" in made


def test_the_template_prints_the_rows_as_they_are(tmp_path):
    """templates/figures.html prints each meeting's rows of a group whole: they are the group's body,
    after its heading (money, then percentages, then counts and measures)."""
    from generator.figure_views import figures_pages
    from generator.lazy import view_of
    from generator.pipeline import load_archive
    from generator.read import read_content
    from generator.render import render_page
    from generator.views import site_view
    from conftest import CONTENT
    archive = load_archive(read_content(CONTENT))
    (path, template, view), *_ = figures_pages(archive)
    view = view_of(view)
    page = render_page(make_environment(), site_view(archive), path, template, view).decode("utf-8")
    bodies = re.findall(r'<tbody class="kind-group" data-group="(\w+)">\n    <tr class="group-head">.*?</tr>\n(.*?)'
                        r'  </tbody>', page, re.S)
    assert [group for group, _ in bodies] == ["money", "percent", "counts"]
    for group, body in bodies:
        assert body == "".join(m.rows.get(group, "") for m in view["meetings"]), group


def test_ranked_figures_are_the_figures_sorted_newest_meeting_first_then_as_said():
    archive = load_archive(read_content(CONTENT))
    order = {m.slug: i for i, m in enumerate(archive.meetings)}
    expected = sorted(archive.figures, key=lambda f: (-order[f.meeting], f.paragraph, f.start))
    assert len(expected) > 100 and ranked_figures(archive) == expected
    shuffled = replace(archive, figures=tuple(reversed(archive.figures)))  # not in document order
    assert ranked_figures(shuffled) == sorted(shuffled.figures, key=lambda f: (-order[f.meeting], f.paragraph, f.start))
