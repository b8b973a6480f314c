"""The full-text search index, written as classic scripts so search works from file://.

Browsers refuse fetch() and module scripts on file://, and no static search
tool works there, so the index is data inside ordinary `<script>` files that
call a registration function (`window.__stenogramShard("ka", {...})`). The
search page inserts them with `<script src>` only when a query needs them:

- `search/index.js`: the manifest — meetings, speakers, glossary terms, the
  speaker of every paragraph, paragraph lengths for BM25, the shard keys;
- `search/t/<key>.js`: postings of the terms whose longest shard key is a
  prefix of them (keys start as two letters; a big shard splits by one more);
- `search/doc/<meeting slug>.js`: the paragraph texts of one meeting, loaded
  only to show snippets of results and to check phrases.

Postings are compact strings of variable-length numbers in 64 URL-safe
characters: for each meeting that holds the term, the gap from the last such
meeting and the first paragraph's place in the meeting, then the gaps to the
term's other paragraphs there, each with the term frequency folded in.
Nothing in a posting depends on another meeting's length, so adding a
paragraph to one meeting changes only the shards of that meeting's words.
search.js turns (meeting, place) into a paragraph id: the meeting's first id
plus the place.
"""
from __future__ import annotations

import json
import math
from array import array
import re
import unicodedata
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import accumulate

from . import urls
from .export import glossary_records
from .json_bytes import compact_json
from .lazy import LazyView, view_of
from .model import Archive, Meeting, Turn, analysis_identity, meeting_share, speakers_context
from .once import PerItem, per_archive
from .recall import Recall, recall_or_new
from .write import digest_of

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
"""64 characters that need no escaping in a JS string: 32 final digits, 32 continuing."""
TOKEN_RE = re.compile(r"[^\W_]+")
"""Runs of letters and digits of folded text; search.js uses /[\\p{L}\\p{N}]+/gu."""
SHARD_BUDGET = 40_000
"""Bytes above which a shard splits by one more letter of its terms."""
NORM_BASE = 1.13
"""Paragraph lengths are kept as one character: round(log(1 + words) / log(NORM_BASE))."""
INDEXED_KINDS = frozenset({"speech", "preamble", "text", "heading", "stage"})
MANIFEST = "search/index.js"
SEARCH_PAGE_SCRIPT = "static/search.js"


def shard_path(key: str) -> str:
    """`search/t/ka.js`; keys that are not plain a-z0-9 are spelled in hex to stay safe in any file system."""
    name = key if re.fullmatch(r"[a-z0-9]+", key) else "_" + key.encode("utf-8").hex()
    return f"search/t/{name}.js"


def doc_path(meeting_slug: str) -> str:
    return f"search/doc/{meeting_slug}.js"


@lru_cache(maxsize=None)
def fold_char(char: str) -> str:
    """One character without accents, lower case; ß → ss and final ς → σ as search.js does."""
    decomposed = unicodedata.normalize("NFKD", char)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return bare.lower().replace("ß", "ss").replace("ς", "σ")


NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """Case and accent folding, so "Lukashenka", "LUKASHENKA" and "Lukašenka" meet."""
    if not text.isascii():
        text = NON_ASCII_RE.sub(lambda m: fold_char(m.group()), text)
    return text.lower()


def tokenize(text: str) -> list[str]:
    """The folded words of a text, as the index and search.js both see them: TOKEN_RE's matches.

    Most paragraphs are ASCII once folded and rid of typographic punctuation: their words are
    found by bytes.translate and split, three times as fast as the regular expression.
    """
    folded = fold(text)
    if not folded.isascii():
        for separator in TYPOGRAPHIC_SEPARATORS:
            folded = folded.replace(separator, " ")
        if not folded.isascii():
            return TOKEN_RE.findall(folded)
    return folded.encode("ascii").translate(ASCII_WORD_BYTES).decode("ascii").split()


TYPOGRAPHIC_SEPARATORS = "\u2013\u2014\u201c\u201d\u2018\u2019\u00ab\u00bb\u2026\u00a0"
"""Dashes, quotes, guillemets, the ellipsis and the no-break space: never part of a word."""
ASCII_WORD_BYTES = bytes(byte if chr(byte).isalnum() else 0x20 for byte in range(256))
"""Each ASCII letter and digit as itself, every other byte a space (non-ASCII bytes are not given)."""


def encode_number(number: int, out: list[str]) -> None:
    """A variable-length number: 5 bits a character, low bits first, last character from the first half."""
    while number >= 32:
        out.append(ALPHABET[32 + (number & 31)])
        number >>= 5
    out.append(ALPHABET[number])


def encoded(number: int) -> str:
    out: list[str] = []
    encode_number(number, out)
    return "".join(out)


SMALL = tuple(encoded(n) for n in range(4096))
"""The codes of small numbers, made once: most gaps and frequencies are small."""
SMALL_BYTES = tuple(code.encode("ascii") for code in SMALL)


def encode_postings(postings: list[tuple[int, int, int]]) -> str:
    """(meeting index, paragraph place in it, term frequency) triples, ascending, as one string.

    Each posting is a code, value × 4 + 2 × new meeting + (frequency > 1). In a
    new meeting the value is the gap from the last meeting (minus one) and the
    place follows; in the same meeting it is the gap from the last place
    (minus one). A frequency above one follows last (minus two).
    """
    out: list[str] = []
    meeting_before = place_before = -1
    for meeting, place, frequency in postings:
        if meeting != meeting_before:
            out.append(encoded((meeting - meeting_before - 1) * 4 + 2 + (frequency > 1)))
            out.append(encoded(place))
        else:
            out.append(encoded((place - place_before - 1) * 4 + (frequency > 1)))
        if frequency > 1:
            out.append(encoded(frequency - 2))
        meeting_before, place_before = meeting, place
    return "".join(out)


def decode_numbers(text: str) -> list[int]:
    numbers, value, shift = [], 0, 0
    for char in text:
        digit = ALPHABET.index(char)
        if digit >= 32:
            value |= (digit - 32) << shift
            shift += 5
        else:
            numbers.append(value | (digit << shift))
            value, shift = 0, 0
    return numbers


def decode_postings(text: str) -> list[tuple[int, int, int]]:
    """The inverse of encode_postings (for tests; search.js has its own)."""
    numbers = decode_numbers(text)
    postings, meeting, place, i = [], -1, -1, 0
    while i < len(numbers):
        code = numbers[i]
        if code & 2:
            meeting += (code >> 2) + 1
            i += 1
            place = numbers[i]
        else:
            place += (code >> 2) + 1
        frequency = 1
        if code & 1:
            i += 1
            frequency = numbers[i] + 2
        postings.append((meeting, place, frequency))
        i += 1
    return postings


def encode_numbers(numbers) -> str:
    return "".join(encoded(number) for number in numbers)


def length_norm(words: int) -> str:
    """A paragraph's length in one character (log scale), enough for BM25."""
    return ALPHABET[min(63, round(math.log(1 + words) / math.log(NORM_BASE)))]


@dataclass(frozen=True)
class SearchIndex:
    """Everything search.js reads, before it is written out as scripts."""

    manifest: dict
    shards: dict[str, dict[str, str]]
    """Shard key → {term: encoded postings}."""


@per_archive
def speaker_table(archive: Archive) -> tuple[list[list[str]], dict[str, int], dict[str, int]]:
    """[[slug, name, their aliases…]] with 0 for "no speaker", people first (by name), then generic
    labels. The aliases of speakers.yaml let a search for "Lukashenka" find Alexander Lukashenko."""
    people = sorted(archive.people, key=lambda p: (fold(p.name), p.slug))
    table = [["", ""]] + [[p.slug, p.name, *(a for a in dict.fromkeys(p.aliases) if a != p.name)] for p in people]
    by_key = {p.key: i + 1 for i, p in enumerate(people)}
    generic: dict[str, int] = {}
    for names in _unnamed_of_meetings.each(archive.meetings, lambda m: unnamed_labels(archive, m),
                                           *speakers_context(archive)):
        for name in names:
            if name not in generic:
                generic[name] = len(table)
                table.append(["", name])
    return table, by_key, generic


_unnamed_of_meetings = PerItem()
"""unnamed_labels of each meeting of the last archive: a server's rebuild reads the edited
meeting's turns, not every turn of the archive (250,000 at 5,000 meetings)."""


def unnamed_labels(archive: Archive, meeting: Meeting) -> list[str]:
    """The labels (spaces made one) of a meeting's turns that name no person, each once, in order."""
    slug, speaker_of = meeting.slug, archive.speaker_of
    names = dict.fromkeys(" ".join(turn.label.name.split()) for turn in meeting.turns
                          if (slug, turn.number) not in speaker_of)
    names.pop("", None)
    return list(names)


def paragraph_speakers(archive: Archive, meeting: Meeting, by_key: dict, generic: dict) -> list[int]:
    """The speaker-table index of each paragraph of a meeting (0 outside turns)."""
    speakers = [0] * len(meeting.paragraphs)
    for block in meeting.blocks:
        if isinstance(block, Turn):
            key = archive.speaker_of.get((meeting.slug, block.number))
            index = by_key[key] if key in by_key else generic.get(" ".join(block.label.name.split()), 0)
            for paragraph in block.paragraphs:
                speakers[paragraph.number - 1] = index
    return speakers


@per_archive
def speaker_runs(archive: Archive, recall: Recall | None = None) -> list[str]:
    """Each meeting's paragraph speakers, run-length encoded (the manifest's `runs`).

    Reused from the last build's (`recall.speaker_runs`, a server's) for a meeting whose
    analysis key is the same (it covers the labels and who each turn's speaker is) while
    the speaker table is: a server's rebuild encodes the edited meeting's, not 5,000
    meetings' (0.1 s). Made by the server before the search index's process forks
    (jobs.write_site_files), so that they outlive it.
    """
    recall = recall_or_new(recall)
    _, by_key, generic = speaker_table(archive)
    context = (by_key, generic)
    before = recall.speaker_runs[1] if recall.speaker_runs[0] == context else {}
    now: dict[tuple[str, str], str] = {}
    runs = []
    for meeting in archive.meetings:
        key = archive.analysis_keys.get(meeting.slug)
        found = before.get((meeting.slug, key)) if key is not None else None
        if found is None:
            found = encode_numbers(run_lengths(paragraph_speakers(archive, meeting, by_key, generic)))
        if key is not None:
            now[(meeting.slug, key)] = found
        runs.append(found)
    recall.speaker_runs = (context, now)
    return runs


def run_lengths(values: list[int]) -> list[int]:
    """[count, value, count, value, …] for consecutive equal values."""
    runs: list[int] = []
    for value in values:
        if runs and runs[-1] == value:
            runs[-2] += 1
        else:
            runs += [1, value]
    return runs


def glossary_rows(archive: Archive) -> list[list]:
    """[[term, slug, other names…]] of each glossary entry, when there is a glossary."""
    rows = []
    for entry in glossary_records(archive):
        name = str(entry.get("term") or entry.get("name") or "")
        slug = str(entry.get("slug") or "")
        if not name or not slug:
            continue
        others = [str(x) for field in ("abbreviations", "aliases") for x in entry.get(field) or ()
                  if isinstance(x, str) and x != name]
        rows.append([name, slug, *dict.fromkeys(others)])
    return sorted(rows, key=lambda row: (fold(row[0]), row[1]))


def shard_keys(sizes: dict[str, int]) -> dict[str, str]:
    """Term → shard key: its first two characters, split by one more while a shard is too big.

    A term lives in the longest key that is a prefix of it; small groups stay
    with their parent while it has room, so there are few tiny files.
    """
    assigned: dict[str, str] = {}

    def place(terms: list[str], key: str) -> None:
        total = sum(sizes[t] for t in terms)
        if total <= SHARD_BUDGET:
            assigned.update((t, key) for t in terms)
            return
        groups: dict[str, list[str]] = defaultdict(list)
        for term in terms:
            groups[term[:len(key) + 1] if len(term) > len(key) else ""].append(term)
        parent = groups.pop("", [])
        room = SHARD_BUDGET - sum(sizes[t] for t in parent)
        for sub, members in sorted(groups.items(), key=lambda g: (sum(sizes[t] for t in g[1]), g[0])):
            size = sum(sizes[t] for t in members)
            if size <= room:
                parent += members
                room -= size
            else:
                place(members, sub)
        assigned.update((t, key) for t in parent)

    by_base: dict[str, list[str]] = defaultdict(list)
    for term in sizes:
        by_base[term[:2]].append(term)
    for base, terms in sorted(by_base.items()):
        place(sorted(terms), base)
    return assigned


@dataclass(frozen=True)
class MeetingPostings:
    """One meeting's share of the index: for each of its terms, its postings as they
    are written after the code that says how far back the term's last meeting is.

    Made once per meeting (in parallel, and kept in the build cache); the
    archive's postings are these joined in meeting order, which touches each
    (term, meeting) pair once instead of each posting.
    """

    norms: str
    """length_norm of each paragraph."""
    words: int
    """Indexed words of the meeting."""
    terms: str
    """The meeting's terms, one a line (one string: a large archive has millions of (term, meeting) pairs)."""
    multiple: bytes
    """1 where the term's first paragraph holds it more than once, else 0…"""
    tails: bytes
    """…and each term's encoded postings after that code (first place, frequency, the rest)…"""
    cuts: array
    """…term i's being tails[cuts[i]:cuts[i + 1]] (two bytes an offset when they fit: 5,000
    meetings have 2 million (term, meeting) pairs)."""


def small(number: int) -> bytes:
    return SMALL_BYTES[number] if number < 4096 else encoded(number).encode()


def meeting_postings(meeting: Meeting) -> MeetingPostings:
    found: dict[str, list] = {}  # term → [first paragraph holds it more than once, last place, encoded tail]
    norms: list[str] = []
    total = 0
    for place, paragraph in enumerate(meeting.paragraphs):
        words = tokenize(paragraph.text) if paragraph.kind in INDEXED_KINDS else []
        norms.append(length_norm(len(words)))
        total += len(words)
        for term, frequency in Counter(words).items():
            entry = found.get(term)
            if entry is None:
                entry = found[term] = [frequency > 1, place, bytearray(small(place))]
            else:
                entry[2] += small((place - entry[1] - 1) * 4 + (frequency > 1))
                entry[1] = place
            if frequency > 1:
                entry[2] += small(frequency - 2)
    lengths = [len(entry[2]) for entry in found.values()]
    cuts = array("H" if sum(lengths) < 1 << 16 else "I", [0])
    cuts.extend(accumulate(lengths))
    return MeetingPostings(norms="".join(norms), words=total, terms="\n".join(found),
                           multiple=bytes(entry[0] for entry in found.values()),
                           tails=b"".join(entry[2] for entry in found.values()), cuts=cuts)


BLOCK_EVERY = 64
"""Meetings in a block of joined postings, on average (block_bounds)…"""
BLOCK_MOST = 256
"""…and at most."""


@dataclass(frozen=True)
class Block:
    """The postings of consecutive meetings joined, as the archive's are: for each term, the
    bytes from its first meeting's tail to its last meeting's postings in the block.

    The archive's postings join blocks as blocks join meetings, so a server that keeps
    the blocks of its last build joins again one block's meetings and a few hundred
    blocks, not every (term, meeting) pair of the archive.
    """

    meetings: int
    postings: dict[str, tuple[int, int, int, bytes]]
    """Term → (its first meeting here, its last, 1 when the first holds it more than once, bytes)."""


def join_block(owns: list[MeetingPostings]) -> Block:
    postings: dict[str, list] = {}  # term → [first meeting, last meeting, multiple, encoded bytes so far]
    for number, own in enumerate(owns):
        multiple, tails, cuts = own.multiple, own.tails, own.cuts
        for i, term in enumerate(own.terms.split("\n") if own.terms else ()):
            entry = postings.get(term)
            if entry is None:
                postings[term] = [number, number, multiple[i], bytearray(tails[cuts[i]:cuts[i + 1]])]
                continue
            entry[3] += small((number - entry[1] - 1) * 4 + 2 + multiple[i]) + tails[cuts[i]:cuts[i + 1]]
            entry[1] = number
    return Block(len(owns), {term: (first, last, multiple, bytes(out))
                             for term, (first, last, multiple, out) in postings.items()})


def block_bounds(archive: Archive) -> list[range]:
    """The archive's meetings cut into blocks where a slug's digest says so, not every
    64th meeting: a meeting added or removed then changes only its own block."""
    bounds, start = [], 0
    for number, meeting in enumerate(archive.meetings):
        if (zlib.crc32(meeting.slug.encode()) % BLOCK_EVERY == 0 or number + 1 - start >= BLOCK_MOST
                or number + 1 == len(archive.meetings)):
            bounds.append(range(start, number + 1))
            start = number + 1
    return bounds


def own_postings(made: dict[str, MeetingPostings], meeting: Meeting) -> MeetingPostings:
    """The meeting's postings from `made`, or made now and kept there."""
    own = made.get(meeting.slug)
    if own is None:
        own = made[meeting.slug] = meeting_postings(meeting)
    return own


@per_archive
def block_identities(archive: Archive) -> list[tuple]:
    """Each block's identity: its meetings' slugs and analysis keys (None where a meeting has none)."""
    keys = archive.analysis_keys
    return [tuple((m.slug, keys.get(m.slug)) for m in archive.meetings[bounds.start:bounds.stop])
            for bounds in block_bounds(archive)]


def blocks_of(archive: Archive, made: dict[str, MeetingPostings], kept: dict | None = None) -> list[Block]:
    """The archive's blocks; `kept` (block identity → Block, filled here) holds those of an
    earlier build, reused when their meetings and analysis are the same."""
    used = dict(each_block(archive, made, kept))
    if kept is not None:
        kept.clear()
        kept.update(used)
    return list(used.values())


def each_block(archive: Archive, made: dict[str, MeetingPostings], kept: dict | None = None):
    """(identity, Block) of the archive's blocks in order, one at a time: `kept`'s when it holds
    the block's, else joined from its meetings' postings."""
    start = 0
    for identity in block_identities(archive):
        block = kept.get(identity) if kept is not None and None not in (key for _, key in identity) else None
        if block is None:
            block = join_block([own_postings(made, m) for m in archive.meetings[start:start + len(identity)]])
        yield identity, block
        start += len(identity)


class Joined:
    """The archive's postings joined (joined_postings), with what joins them again after a
    change to one block: for each term, the numbers of the blocks that hold it and the
    encoded part of its postings each adds."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = tuple(blocks)
        self.starts = list(accumulate((block.meetings for block in blocks), initial=0))
        self.holders: dict[str, list[int]] = defaultdict(list)
        self.parts: dict[str, list[bytes]] = defaultdict(list)
        for number, block in enumerate(blocks):
            for term in block.postings:
                holders = self.holders[term]
                self.parts[term].append(self.part(term, number, holders[-1] if holders else None))
                holders.append(number)
        self.value = {term: b"".join(parts).decode("ascii") for term, parts in self.parts.items()}

    def part(self, term: str, number: int, before: int | None) -> bytes:
        """What block `number` adds to a term's postings after the block `before` (None: first)."""
        first, _, multiple, data = self.blocks[number].postings[term]
        last = self.starts[before] + self.blocks[before].postings[term][1] if before is not None else -1
        return small((self.starts[number] + first - last - 1) * 4 + 2 + multiple) + data

    def replace(self, number: int, block: Block) -> None:
        """Join again after block `number` was replaced by one of as many meetings: only the
        terms whose postings in it changed (those the edited meeting says, as a rule: not
        the thousands of its block's other meetings), and of each only its part and the next
        holder's, which are made from nothing else."""
        old = self.blocks[number].postings
        terms = [term for term in old.keys() | block.postings.keys() if old.get(term) != block.postings.get(term)]
        self.blocks = self.blocks[:number] + (block,) + self.blocks[number + 1:]
        for term in terms:
            holders, parts = self.holders.get(term, []), self.parts.get(term, [])
            at = bisect_left(holders, number)
            after = at + 1 if at < len(holders) and holders[at] == number else at  # the next holder
            before = holders[at - 1] if at else None
            middle, made = [], []
            if term in block.postings:
                middle, made = [number], [self.part(term, number, before)]
                before = number
            if after < len(holders):
                middle.append(holders[after])
                made.append(self.part(term, holders[after], before))
                after += 1
            holders = holders[:at] + middle + holders[after:]
            if not holders:
                for table in (self.holders, self.parts, self.value):
                    table.pop(term, None)
                continue
            self.holders[term], self.parts[term] = holders, parts[:at] + made + parts[after:]
            self.value[term] = b"".join(self.parts[term]).decode("ascii")


def joined_postings(blocks: list[Block], recall: Recall | None = None) -> dict[str, str]:
    """Term → its encoded postings over the whole archive, joined block by block. Callers
    must not change the value.

    With a server's `recall` (its kept blocks are the same objects from one rebuild to the
    next) what joins them is kept there, and when the blocks are the last call's but one,
    with as many meetings, only the terms that block held or holds are joined again
    (Joined.replace): 0.1 s at 5,000 meetings for every term, a few ms for one meeting's edit.
    """
    if recall is None:
        return join_terms(blocks)
    joined = recall.joined
    if joined is None or len(joined.blocks) != len(blocks):  # a meeting added or gone split or merged a block
        joined = recall.joined = Joined(blocks)
        return joined.value
    changed = [number for number, (was, block) in enumerate(zip(joined.blocks, blocks)) if was is not block]
    if len(changed) == 1 and joined.blocks[changed[0]].meetings == blocks[changed[0]].meetings:
        joined.replace(changed[0], blocks[changed[0]])
    elif changed:
        joined = recall.joined = Joined(blocks)
    return joined.value


def join_terms(blocks: Iterable[Block]) -> dict[str, str]:
    """Term → its encoded postings (as encode_postings would make them) over `blocks`."""
    # Encoded as they are joined, so a large archive never holds millions of tuples:
    # term → [last meeting, encoded bytes so far].
    postings: dict[str, list] = {}
    start = 0
    for block in blocks:
        for term, (first, last, multiple, data) in block.postings.items():
            entry = postings.get(term)
            if entry is None:
                entry = postings[term] = [-1, bytearray()]
            entry[1] += small((start + first - entry[0] - 1) * 4 + 2 + multiple) + data
            entry[0] = start + last
        start += block.meetings
    for term, entry in postings.items():  # each term's bytes let go as soon as they are text
        postings[term] = entry[1].decode("ascii")
    return postings


def build_search_index(archive: Archive, made: dict[str, MeetingPostings] | None = None,
                       kept: dict | None = None, recall: Recall | None = None,
                       give: Callable[[tuple, Block], None] | None = None) -> SearchIndex:
    """Postings, shards and tables for the whole archive, in one pass over the meetings.

    `made` may hold meeting_postings of some meetings (by slug), made before;
    `kept`, blocks of postings (blocks_of) made before. `recall`: a server's, see joined_postings.
    With `give`, each block `kept` does not hold is given to it (identity, block) as it is
    joined, and `kept` is left as it was: a build that writes the blocks into its cache
    then holds one block at a time, not all (33 MB at 5,000 meetings).
    """
    speakers = speaker_table(archive)[0]
    made = {} if made is None else made
    if give is None:
        encoded_terms = joined_postings(blocks_of(archive, made, kept), recall)
    else:
        encoded_terms = join_terms(given(each_block(archive, made, kept), kept or {}, give))
    meetings, norms = [], []
    next_id = total_words = 0
    for meeting in archive.meetings:
        paragraphs = meeting.paragraphs
        meetings.append([meeting.slug, meeting.title, meeting.date.isoformat() if meeting.date else "",
                         meeting.place, next_id, len(paragraphs)])
        own = own_postings(made, meeting)
        norms.append(own.norms)
        total_words += own.words
        next_id += len(paragraphs)
    keys = shard_keys({term: len(term) + len(text) + 6 for term, text in encoded_terms.items()})
    shards: dict[str, dict[str, str]] = defaultdict(dict)
    for term in sorted(encoded_terms):
        shards[keys[term]][term] = encoded_terms[term]
    manifest = {
        "version": 2,
        "paragraphs": next_id,
        "normBase": NORM_BASE,
        "averageLength": round(total_words / max(1, next_id), 2),
        "meetings": meetings,
        "speakers": speakers,
        "runs": speaker_runs(archive, recall),
        "norms": "".join(norms),
        "shards": sorted(shards),
        "terms": glossary_rows(archive),
    }
    return SearchIndex(manifest=manifest, shards=dict(shards))


def given(blocks, kept: dict, give: Callable[[tuple, Block], None]):
    """Each block of `blocks` ((identity, Block)), given to `give` first unless `kept` holds it."""
    for identity, block in blocks:
        if identity not in kept:
            give(identity, block)
        yield block


def script(function: str, *arguments, ascii_only: bool = True) -> bytes:
    """`window.<function>(<json>, …);` — JSON is valid JS, and U+2028/9 are escaped for old engines."""
    if ascii_only:
        data = ",".join(json.dumps(a, separators=(",", ":")) for a in arguments).encode("ascii")
    else:
        data = b",".join(map(compact_json, arguments))
        data = data.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
    return b"window.%s(%s);\n" % (function.encode("ascii"), data)


def search_files(archive: Archive) -> dict[str, bytes]:
    """Site path → bytes of the manifest, every term shard and every meeting's text."""
    files = dict(search_file_items(archive))
    files.update((path, view_of(doc)) for path, doc in search_doc_items(archive))
    return files


def search_file_items(archive: Archive, made: dict[str, MeetingPostings] | None = None, kept: dict | None = None,
                      recall: Recall | None = None, give: Callable[[tuple, Block], None] | None = None):
    """(site path, bytes) of the manifest and each term shard, one at a time (see build_search_index).

    A server's `recall` keeps each shard (its terms, its script, the script as a file whose
    quick key is its digest) for the next rebuild, which made every shard again and digested
    it to find it unchanged (0.03 s at 5,000 meetings): a shard whose terms are as then is the
    file it was, kept by its quick key alone. A command-line build gives none: the shards would
    hold 30 MB to its end.
    """
    index = build_search_index(archive, made, kept, recall, give)
    yield MANIFEST, script("__stenogramIndex", index.manifest, ascii_only=False)
    if recall is None:
        yield from ((shard_path(key), script("__stenogramShard", key, terms)) for key, terms in index.shards.items())
        return
    last = recall.shards
    now = recall.shards = {}
    for key, terms in index.shards.items():
        same = last.get(key)
        if same is None or same[0] != terms:
            data = script("__stenogramShard", key, terms)
            digest = digest_of(data)
            same = (terms, data, LazyView(bytes, data, inputs=partial(tuple, (digest,)), quick=digest))
        now[key] = same
        yield shard_path(key), same[2]


def search_doc_items(archive: Archive, leave: frozenset[str] = frozenset()):
    """(site path, lazy bytes) of each meeting's texts for snippets, but those of the meetings
    whose slugs are in `leave`: made apart from the index, each from its own meeting alone,
    so a rebuild makes only the edited meeting's."""
    for meeting in archive.meetings:
        if meeting.slug in leave:
            continue
        quick = archive.analysis_keys.get(meeting.slug)
        yield doc_path(meeting.slug), LazyView(doc_script, meeting, inputs=partial(doc_inputs, archive, meeting),
                                               quick=quick, detached=partial(detached_doc, archive, meeting, quick))


def doc_quicks(archive: Archive) -> list[str | None]:
    """LazyView.quick of each meeting's search text, in archive order (render.PER_MEETING)."""
    return [archive.analysis_keys.get(meeting.slug) for meeting in archive.meetings]


def detached_doc(archive: Archive, meeting: Meeting, quick: str | None) -> LazyView:
    """A meeting's search text as made from that meeting alone, for a fresh worker (parallel.Fresh)."""
    return LazyView(doc_script, meeting, inputs=partial(doc_inputs, meeting_share(archive, meeting), meeting),
                    quick=quick)


def doc_script(meeting: Meeting) -> bytes:
    return script("__stenogramDocs", meeting.slug, [p.text for p in meeting.paragraphs], ascii_only=False)


def doc_inputs(archive: Archive, meeting: Meeting) -> tuple:
    return analysis_identity(archive, meeting.slug, meeting)


def search_pages(archive: Archive):
    """search.html: the form, the filters (speakers, years) and where search.js finds the index."""
    page = urls.SEARCH
    people = sorted(archive.people, key=lambda p: (fold(p.name), p.slug))
    years = sorted({m.date.year for m in archive.meetings if m.date}, reverse=True)
    yield page, "search.html", {
        "title": "Search",
        "speakers": [{"slug": p.slug, "name": p.name} for p in people],
        "years": years,
        "index_root": urls.link("search/", page) + "/",
        "script": SEARCH_PAGE_SCRIPT,
        "paths": {
            "paragraph": urls.link(urls.paragraph("{slug}", "{number}"), page),
            "speaker": urls.link(urls.speaker("{slug}"), page),
            "term": urls.link(urls.term("{slug}"), page),
        },
    }
