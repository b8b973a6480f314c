"""Any sequence of edits, rebuilt incrementally, gives the bytes of a clean build.

The cache and a server's memory reuse what an edit did not change, by many keys
(a transcript's text, who speaks, the glossary's names, each page's inputs). A
key that misses an input leaves a stale page that no single-edit test may show.
Hypothesis draws sequences of the edits users make (words and turns added, a
label, a number, a title, a date or a topic changed, transcripts added, removed
and renamed, the glossary, speakers, settings, notes and templates edited, edits
undone, a broken file fixed) and after each one rebuilds the site twice: from
the command line with the cache on disk, and as `serve` does with its cache in
memory; both must equal a clean build. An edit that makes the content wrong
must fail both rebuilds with `file:line: message` lines and leave both sites
as they were.

More sequences: EDIT_SEQUENCES=50 python -m pytest tests/test_edit_sequences.py
Over more real text, every 7th transcript of the corpus added to the example's:
EDIT_TRANSCRIPTS=../shared/corpus/kremlin EDIT_EVERY=7 EDIT_SEQUENCES=25 python -m pytest tests/test_edit_sequences.py
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conftest import CONTENT, ROOT
from generator import serve
from generator.model import ContentErrors
from generator.pipeline import Options, make_site
from generator.uptodate import user_templates
from test_incremental import differences, tree, wait_for_removals

MARKDOWN_MEETING = """\
---
title: "Talks on trade, in Markdown"
date: 2021-05-05
place: Minsk
---
The talks covered *trade* and [Gazprom](https://example.com/?a=1&b=2).

**Vladimir Putin:** Trade grew by 12 percent[^1], to **US$3 billion**.

**Alexander Lukashenko:** We agree. NATO said nothing about the 28 joint programmes.

[^1]: Rosstat's figure for the year.
"""
SENTENCES = ("We expect trade to exceed US$12 billion this year, up 14 percent.",
             "NOVATEK and Gazprom will build three plants on the Northern Sea Route.",
             "Thank you.",
             "Over 300 companies took part, and the Union State approved 28 joint programmes.",
             "<script>alert('x')</script> & \"quotes\" </p>")
LABELS = ("Vladimir Putin", "President of Belarus Alexander Lukashenko", "Alexander Lukashenko",
          "Question", "Dmitry Medvedev", "Sergei Lavrov", "Mr Putin")
LABEL_RE = re.compile(r"^(?:\*\*)?([A-Z][^:*]{2,80}):(?:\*\*)? ")
picks = st.integers(min_value=0, max_value=10_000)
MORE_TRANSCRIPTS = os.environ.get("EDIT_TRANSCRIPTS", "")
"""A folder of transcripts, every EDIT_EVERY-th of which (by name) is added to the example's."""
PROBLEM_RE = re.compile(r"\S+\.(?:txt|md|yaml|html):\d+: \S")
"""A problem as shown: `file:line: message`."""


class EditSequences(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="stenogram-edits-"))
        self.content = self.work / "content"
        shutil.copytree(CONTENT, self.content)
        shutil.copytree(ROOT / "templates", self.content / "templates")
        if MORE_TRANSCRIPTS:
            more = sorted(Path(MORE_TRANSCRIPTS).glob("*.txt"))[::int(os.environ.get("EDIT_EVERY", "1"))]
            for path in more:
                shutil.copy(path, self.content / "transcripts" / path.name)
        (self.content / "transcripts" / "2021-05-05_markdown.md").write_text(MARKDOWN_MEETING, encoding="utf-8")
        self.original = tree(self.content)
        self.before_edit = dict(self.original)
        self.cli, self.server_site = self.work / "site", self.work / "served"
        make_site(self.options(self.cli))
        self.server_options = self.options(self.server_site, server=True)
        self.state = serve.BuildState(self.server_options, serve.server_workers(self.server_options))
        assert serve._rebuild(self.server_options, self.state, True)

    def teardown(self):
        if self.state.fresh is not None:
            self.state.fresh.close()
        wait_for_removals()
        shutil.rmtree(self.work, ignore_errors=True)

    def options(self, out: Path, **more) -> Options:
        return Options(content=self.content, out=out, templates=user_templates(self.content), **more)

    # ------------------------------------------------------------ what is edited

    def transcripts(self) -> list[Path]:
        return sorted(p for p in (self.content / "transcripts").iterdir() if p.suffix in (".txt", ".md"))

    def transcript(self, pick: int) -> Path:
        files = self.transcripts()
        return files[pick % len(files)]

    def lines(self, path: Path) -> tuple[list[str], list[int]]:
        """The file's lines and the indexes of its body's non-empty lines (after any front matter)."""
        lines = path.read_text(encoding="utf-8").split("\n")
        start = lines.index("---", 1) + 1 if lines[0] == "---" else 0
        return lines, [i for i in range(start, len(lines)) if lines[i].strip()]

    def write(self, path: Path, lines: list[str]) -> None:
        path.write_text("\n".join(lines), encoding="utf-8")

    def replace_in(self, name: str, old: str, new: str, count: int = 1) -> None:
        path = self.content / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")

    # ------------------------------------------------------------ edits

    @rule(pick=picks, sentence=st.sampled_from(SENTENCES))
    def append_words(self, pick, sentence):
        path = self.transcript(pick)
        lines, _ = self.lines(path)
        self.write(path, lines + [sentence])

    @rule(pick=picks, label=st.sampled_from(LABELS), sentence=st.sampled_from(SENTENCES))
    def append_turn(self, pick, label, sentence):
        path = self.transcript(pick)
        lines, _ = self.lines(path)
        self.write(path, lines + [f"{label}: {sentence}"])

    @rule(pick=picks, line=picks, label=st.sampled_from(LABELS))
    def relabel_a_turn(self, pick, line, label):
        path = self.transcript(pick)
        lines, body = self.lines(path)
        labelled = [i for i in body if LABEL_RE.match(lines[i])]
        if labelled:
            i = labelled[line % len(labelled)]
            lines[i] = lines[i].replace(LABEL_RE.match(lines[i]).group(1), label, 1)
            self.write(path, lines)

    @rule(pick=picks, line=picks)
    def delete_a_paragraph(self, pick, line):
        path = self.transcript(pick)
        lines, body = self.lines(path)
        if len(body) > 2:
            del lines[body[line % len(body)]]
            self.write(path, lines)

    @rule(pick=picks, line=picks, digit=st.integers(0, 9))
    def change_a_number(self, pick, line, digit):
        path = self.transcript(pick)
        lines, body = self.lines(path)
        numbered = [i for i in body if re.search(r"\d", lines[i])]
        if numbered:
            i = numbered[line % len(numbered)]
            lines[i] = re.sub(r"\d", str(digit), lines[i], count=1)
            self.write(path, lines)

    @rule(pick=picks, line=picks, what=st.sampled_from(["(Applause.)", "<…>", "* * *", "[the Union State]"]))
    def insert_a_line(self, pick, line, what):
        path = self.transcript(pick)
        lines, body = self.lines(path)
        if body:
            lines.insert(body[line % len(body)] + 1, what)
            self.write(path, lines)

    @rule(pick=picks, number=st.integers(0, 9))
    def retitle(self, pick, number):
        path = self.transcript(pick)
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^title: .*", f'title: "Edited title {number}"', text, count=1),
                        encoding="utf-8")

    @rule(pick=picks, year=st.integers(2009, 2024), month=st.integers(1, 12))
    def redate(self, pick, year, month):
        path = self.transcript(pick)
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^date: .*", f"date: {year}-{month:02d}-15", text, count=1), encoding="utf-8")

    @rule(pick=picks, year=st.integers(2009, 2024), number=st.integers(1, 99))
    def add_a_transcript(self, pick, year, number):
        source = self.transcript(pick)
        shutil.copy(source, source.with_name(f"{year}-06-{number % 28 + 1:02d}_{number}00{source.suffix}"))

    @precondition(lambda self: len(self.transcripts()) > 3)
    @rule(pick=picks)
    def remove_a_transcript(self, pick):
        self.transcript(pick).unlink()

    @rule(pick=picks, number=st.integers(1, 99))
    def rename_a_transcript(self, pick, number):
        path = self.transcript(pick)
        path.rename(path.with_name(f"{path.stem.split('_')[0]}_{number}99{path.suffix}"))

    @rule(edit=st.sampled_from(["definition", "alias", "new term", "topic"]), number=st.integers(0, 9))
    def edit_the_glossary(self, edit, number):
        if edit == "definition":
            self.replace_in("glossary.yaml", "definition: >\n", f"definition: >\n    Edited {number}.\n", number + 1)
        elif edit == "alias":
            self.replace_in("glossary.yaml", "- term: Gazprom\n",
                            f"- term: Gazprom\n  aliases: [{['trade', 'the plants', 'companies'][number % 3]}]\n")
        elif edit == "new term":
            path = self.content / "glossary.yaml"
            path.write_text(path.read_text(encoding="utf-8") + f"\n- term: Trade turnover {number}\n"
                            "  aliases: [trade]\n  topic: Economy\n  definition: >\n    What two countries sell"
                            " each other.\n", encoding="utf-8")
        else:
            self.replace_in("glossary.yaml", "  topic: Energy\n", "  topic: Economy\n")

    @rule(edit=st.sampled_from(["slug", "alias", "bio", "role", "spelling", "settled", "dated role"]),
          number=st.integers(0, 9))
    def edit_the_speakers(self, edit, number):
        if edit == "slug":
            self.replace_in("speakers.yaml", "- name: Vladimir Putin\n",
                            f"- name: Vladimir Putin\n  slug: president-putin-{number}\n")
        elif edit == "alias":
            self.replace_in("speakers.yaml", "aliases: [Lukashenka,",
                            f"aliases: [{['President Lukashenko', 'Alexander Lukashenko', 'Batka'][number % 3]}, "
                            "Lukashenka,")
        elif edit == "bio":
            self.replace_in("speakers.yaml", "bio: |\n", f"bio: |\n    Edited {number}.\n")
        elif edit == "role":
            self.replace_in("speakers.yaml", "    - {role: President of Russia, from: 2012-05-07}",
                            f"    - {{role: President of Russia, from: 2012-05-07, to: 201{number}-01-01}}\n"
                            f"    - {{role: Head of State, from: 201{number}-01-01}}")
        elif edit == "spelling":  # the same person (names.name_key), another name
            self.replace_in("speakers.yaml", "- name: Vladimir Putin\n", "- name: Vladimir PUTIN\n")
        elif edit == "settled":  # a new person, whose alias takes another's turns and figures (twice: an error)
            self.replace_in("speakers.yaml", "- name: Dmitry Medvedev\n",
                            "- name: Natalia Yuryeva\n  aliases: [Natalya Yuryeva]\n\n- name: Dmitry Medvedev\n")
        else:  # shown where a meeting's labels give Lukashenko no role
            path = self.content / "speakers.yaml"
            path.write_text(re.sub(r"\{role: President of Belarus[^,]*, from: 1994-07-20\}",
                                   f"{{role: President of Belarus ({number}), from: 1994-07-20}}",
                                   path.read_text(encoding="utf-8")), encoding="utf-8")

    @rule(number=st.integers(0, 9))
    def retitle_the_site(self, number):
        path = self.content / "site.yaml"
        path.write_text(re.sub(r"(?m)^title: .*", f"title: Stenogram {number}", path.read_text(encoding="utf-8")),
                        encoding="utf-8")

    @rule()
    def link_every_term(self):
        """`term_links: all` set, or taken out again: the one setting that no template shows."""
        path = self.content / "site.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("term_links: all\n", "") if "term_links: all\n" in text
                        else text + "term_links: all\n", encoding="utf-8")

    @rule(pick=picks, topic=st.sampled_from(["energy policy", "Energy Policy", "union state", ""]))
    def tag_a_topic(self, pick, topic):
        """A front-matter topic set, spelt otherwise, or taken out: the oldest meeting that tags a
        topic names it for every meeting that does."""
        path = self.transcript(pick)
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines[0] != "---" or "---" not in lines[1:]:
            return
        end = lines.index("---", 1)
        head = [line for line in lines[1:end] if not line.startswith("topics:")]
        self.write(path, ["---", *head, *([f"topics: [{topic}]"] if topic else []), *lines[end:]])

    @rule(pick=picks, number=st.integers(0, 9))
    def edit_a_note(self, pick, number):
        notes = sorted((self.content / "annotations").glob("*.yaml"))
        if notes:
            path = notes[pick % len(notes)]
            path.write_text(path.read_text(encoding="utf-8").replace(
                "body: |\n", f"body: |\n    Edited note {number}.\n", 1), encoding="utf-8")

    @rule(name=st.sampled_from(["meeting.html", "speaker.html", "figures.html", "base.html", "index.html",
                                "term.html"]), number=st.integers(0, 9))
    def edit_a_template(self, name, number):
        self.replace_in(f"templates/{name}", "{% endblock %}", f"<!-- edit {number} -->{{% endblock %}}")

    @rule(pick=picks)
    def undo_the_edits_of_a_file(self, pick):
        now = tree(self.content)
        changed = sorted(p for p, data in self.original.items() if now.get(p) != data)
        if changed:
            path = self.content / changed[pick % len(changed)]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.original[path.relative_to(self.content).as_posix()])

    @rule(pick=picks)
    def break_a_transcript(self, pick):
        """Front matter that is not YAML: an error, which the next check undoes."""
        self.transcript(pick).write_text("---\ntitle: [unclosed\n---\nVladimir Putin: Hello.\n", encoding="utf-8")

    @rule()
    def save_the_servers_cache(self):
        serve.save_cache(self.state)

    @rule()
    def build_the_served_site_from_the_command_line(self):
        """`python build.py` run beside the server, on its site and so its cache on disk."""
        try:
            make_site(self.options(self.server_site))
        except ContentErrors:
            pass

    # ------------------------------------------------------------ the check

    @invariant()
    def rebuilds_equal_a_clean_build(self):
        sites_before = tree(self.cli), tree(self.server_site)
        try:
            make_site(self.options(self.cli))
            command_line_built, shown = True, []
        except ContentErrors as errors:
            command_line_built, shown = False, [str(problem) for problem in errors.problems]
        server_built = serve._rebuild(replace(self.server_options, templates=user_templates(self.content)),
                                      self.state, True)
        wait_for_removals()
        clean = self.work / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        try:
            make_site(self.options(clean, use_cache=False))
        except ContentErrors:
            assert not command_line_built and not server_built
            for problems in (shown, self.state.errors):  # the command line's and the server's banner
                assert problems and all(PROBLEM_RE.match(line) for line in problems), problems
            assert (tree(self.cli), tree(self.server_site)) == sites_before, "a failed build changed the site"
            self.restore(self.before_edit)
            return
        assert command_line_built and server_built
        expected = tree(clean)
        assert differences(tree(self.cli), expected) == []
        assert differences(tree(self.server_site), expected) == []
        self.before_edit = tree(self.content)

    def restore(self, files: dict[str, bytes]) -> None:
        """The content as `files` holds it: files made since removed, the others written back."""
        now = tree(self.content)
        for path in now.keys() - files.keys():
            (self.content / path).unlink()
        for path, data in files.items():
            if now.get(path) != data:
                (self.content / path).write_bytes(data)


TestEditSequences = EditSequences.TestCase
TestEditSequences.settings = settings(max_examples=int(os.environ.get("EDIT_SEQUENCES", "3")),
                                      stateful_step_count=8, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
