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
