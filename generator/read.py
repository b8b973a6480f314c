"""Reading the content folder: the first of the two steps that touch the disk.

Everything is read and decoded here, so the steps after it are pure (but for
a transcript unchanged since the last build read it, whose text is read only
if its parse is not in the cache: ReadLater). Files that cannot be read as
text are reported as `file:line: message`, never raised as tracebacks;
symlinks that leave the content folder are refused.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import ContentErrors, ContentInput, Problem, Source
from .readahead import read_files

TRANSCRIPT_SUFFIXES = (".txt", ".md")
SETTLED_NS = 2_000_000_000
"""A file changed less than this long before it was read may change again within the same
timestamp tick (coarse on some file systems): it is not remembered as read."""
MAX_BYTES = 20_000_000
"""A file larger than this is refused before it is read."""
UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
"""Control characters, the marks that turn text right to left (a name "gpj.exe" shown reversed),
and the lone surrogates by which Python keeps bytes that are not UTF-8."""


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the working folder when inside it.

    Control characters and bytes that are not UTF-8 are shown escaped
    (`\\x1b`, `\\xff`), so a hostile file name can neither break the
    `file:line:` format nor send escape sequences to the terminal.
    """
    return _display_path(os.fspath(path), os.getcwd())


@lru_cache(maxsize=1 << 16)
def _display_path(path: str, cwd: str) -> str:
    """display_path, remembered: a server's rebuild shows every file's path again. relpath
    costs 30 µs (0.15 s for 5,000 transcripts, each command-line build), so a file's place is
    its folder's, found once (_folder_place)."""
    folder, name = os.path.split(path)
    if name not in ("", ".", ".."):
        relative, absolute = _folder_place(folder or ".", cwd)
        if relative is not None:
            return escape_name(name if relative == "." else f"{relative}/{name}")
        if os.path.join(absolute, name) != cwd:
            return escape_name(Path(path).as_posix())
    return escape_name(_relative_or_whole(path, cwd))


@lru_cache(maxsize=1 << 10)
def _folder_place(folder: str, cwd: str) -> tuple[str | None, str]:
    """(the folder relative to `cwd`, None when outside it; the folder as an absolute path)."""
    absolute = os.path.normpath(os.path.join(cwd, folder))
    relative = _relative_or_whole(absolute, cwd)
    return (None if relative == ".." or os.path.isabs(relative) else relative), absolute


def _relative_or_whole(path: str, cwd: str) -> str:
    """The path relative to `cwd` when inside it (or its parent, ".."), else the whole path."""
    try:
        relative = Path(os.path.relpath(path, cwd)).as_posix()
    except ValueError:  # another drive on Windows
        relative = "../"
    return Path(path).as_posix() if relative.startswith("../") else relative


def escape_name(name: str) -> str:
    """A file name printable as one line of text: control characters and undecodable bytes escaped."""
    if UNPRINTABLE_RE.search(name) is None:
        return name
    raw = os.fsencode(name)
    text = raw.decode("utf-8", "backslashreplace")
    return UNPRINTABLE_RE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                              else f"\\u{ord(m.group()):04x}", text)


def name_problem(path: Path) -> Problem | None:
    """A file name that is not UTF-8 or holds control or direction characters cannot name a page: rename it."""
    if UNPRINTABLE_RE.search(path.name):
        return Problem(display_path(path), 1, "file name holds control or text-direction characters or bytes "
                                              "that are not UTF-8; rename the file")
    return None


def decode(data: bytes, shown: str) -> tuple[str | None, Problem | None]:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is an error.

    Guessing Latin-1 would silently corrupt names, so a non-UTF-8 byte is
    reported with its line for the editor to fix.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, Problem(shown, 1, "invalid UTF-16 text")
    if looks_like_utf16(data):
        return None, Problem(shown, 1, "looks like UTF-16 without a byte-order mark (every other byte is NUL); "
                                       "save the file as UTF-8")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        before = data[:error.start]
        line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1  # CRLF, LF or lone CR
        return None, Problem(shown, line, f"not UTF-8 text (byte 0x{data[error.start]:02X}); "
                                          "save the file as UTF-8")


def looks_like_utf16(data: bytes) -> bool:
    """Text saved as UTF-16 without a BOM: NUL in every other byte of its start."""
    head = data[:4096]
    return len(head) >= 4 and (head[0::2].count(0) > len(head) // 4 or head[1::2].count(0) > len(head) // 4)


def file_signature(path: Path | str) -> tuple | None:
    """What changes whenever the file a path names is written, replaced or moved (ctime too)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


@dataclass
class Read:
    """A file as a build read it, kept to tell whether the next build must read it again."""

    signature: tuple
    """file_signature when it was read."""
    source: Source
    file: str
    """Where it was read from (symlinks resolved)."""
    key: str | None = None
    """The transcript key of a transcript, once made (uptodate.known_key)."""
    digest: str | None = None
    """source_text_digest, once made."""


class ReadLater(Source):
    """A file known by its text's digest (`digest`): one whose signature is as when the last
    build read it, or one read by this build whose parse is made (`forget`). Its text is
    read only if something asks for it (a parse the cache does not hold), and checked
    against the digest then."""

    def __init__(self, path: str, file: str, digest: str) -> None:  # noqa: D107 - Source is frozen
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "digest", digest)

    @classmethod
    def holding(cls, path: str, file: str, text: str) -> ReadLater:
        """A file just read, its text held until `forget`."""
        source = cls(path, file, text_digest(text))
        object.__setattr__(source, "_text", text)
        return source

    def forget(self) -> None:
        """Let go of the text (read again if asked): once parsed, 5,000 transcripts' texts
        are 136 MB that a build and a server would otherwise hold to the end."""
        self.__dict__.pop("_text", None)

    @property
    def text(self) -> str:
        if "_text" not in self.__dict__:
            problem = Problem(self.path, 1, "the file changed while it was being built from; build again "
                                            "(if this repeats, delete the build cache, .stenogram-cache)")
            try:
                text, _ = decode(Path(self.file).read_bytes(), self.path)
            except OSError as error:
                problem = Problem(self.path, 1, f"cannot read file: {error.strerror}")
                text = None
            if text is None or text_digest(text) != self.digest:
                raise ContentErrors([problem])
            object.__setattr__(self, "_text", text)
        return self.__dict__["_text"]


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def source_text_digest(source: Source) -> str:
    """The digest of a source's text, without reading a ReadLater's."""
    return source.digest if isinstance(source, ReadLater) else text_digest(source.text)


def remembered_reads(known: dict[str, Read]) -> dict[str, tuple]:
    """What the cache keeps of `known` for the next command-line build: shown name →
    (signature, file, text digest)."""
    return {shown: (read.signature, read.file, read.digest or source_text_digest(read.source))
            for shown, read in known.items()}


def reads_from(saved: dict) -> dict[str, Read]:
    """remembered_reads, as read_text's `known`: each file as a ReadLater."""
    return {shown: Read(signature, ReadLater(shown, file, digest), file, digest=digest)
            for shown, (signature, file, digest) in saved.items()}


def read_text(path: Path | str, root: Path, problems: list[Problem], known: dict | None = None) -> Source | None:
    """One file as a Source, or None with a problem recorded.

    `known` (a server's, kept between rebuilds, or the last command-line build's, from the
    cache): name shown → Read of files read before; a file whose signature is unchanged
    is not read again. `path` may be a string (list_files'): a Path made for each of
    5,000 transcripts, and its string then, took 0.03 s of a rebuild that reads none.
    """
    return read_texts([path], root, problems, known)[0]


def read_texts(paths: list[str] | list[Path], root: Path, problems: list[Problem],
               known: dict | None = None) -> list[Source | None]:
    """read_text of each path, the problems recorded in the paths' order; the files to be read
    are asked of the disk a batch at a time (readahead.read_files): a first build of 5,000
    transcripts on a cold disk waited for each in turn."""
    looked = [_look(os.fspath(path), root, known) for path in paths]
    contents = read_files([item.file for item in looked if isinstance(item, ToRead)])
    sources: list[Source | None] = []
    for item in looked:
        if isinstance(item, ToRead):
            item = _take(item, next(contents), known)
        if isinstance(item, Problem):
            problems.append(item)
            item = None
        sources.append(item)
    return sources


@dataclass(frozen=True)
class ToRead:
    """A file found fit to be read (_look)."""

    shown: str
    file: str
    """Where it is read from (symlinks resolved)."""
    signature: tuple | None
    """file_signature, when `known` is kept."""


def _look(name: str, root: Path, known: dict | None) -> Source | ToRead | Problem:
    """The file's Source if `known` holds it unchanged, else whether it may be read: its name
    printable, inside the content folder, a regular file of a sensible size."""
    shown = _display_path(name, os.getcwd())
    signature = file_signature(name) if known is not None else None
    if signature is not None:
        held = known.get(shown)
        if held is not None and held.signature == signature:
            return held.source
    path = Path(name)
    bad_name = name_problem(path)
    if bad_name:
        return bad_name
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Problem(shown, 1, "cannot read file (broken symlink or symlink loop)")
    if not real.is_relative_to(root):
        return Problem(shown, 1, "symlink points outside the content folder")
    try:
        status = real.stat()
    except OSError as error:
        return Problem(shown, 1, f"cannot read file: {error.strerror}")
    if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
        # a named pipe or a device: reading it would wait for a writer forever
        return Problem(shown, 1, "cannot read file: not a regular file (a pipe or a device)")
    if status.st_size > MAX_BYTES:
        return Problem(shown, 1, f"file is larger than {MAX_BYTES // 1_000_000} MB")
    return ToRead(shown, str(real), signature)


def _take(item: ToRead, data: bytes | OSError, known: dict | None) -> Source | Problem:
    """The file's Source from its bytes, remembered in `known` when it has settled."""
    if isinstance(data, OSError):
        return Problem(item.shown, 1, f"cannot read file: {data.strerror}")
    text, problem = decode(data, item.shown)
    if problem:
        return problem
    signature = item.signature
    if signature is None or time.time_ns() - max(signature[3:]) <= SETTLED_NS:
        return Source(path=item.shown, text=text)
    source = ReadLater.holding(item.shown, item.file, text)
    known[item.shown] = Read(signature, source, item.file, digest=source.digest)
    return source


def list_files(folder: Path, suffixes: tuple[str, ...], root: Path, problems: list[Problem],
               skipped: list[Path] | None = None) -> list[str]:
    """The paths of the files in one folder (not recursive), sorted by name so order never
    depends on the disk; what else it holds (hidden files aside) is added to `skipped`, when
    given. Strings, not Paths: read_text takes either, and 5,000 Paths cost a rebuild 0.01 s."""
    if not folder.exists() and not folder.is_symlink():
        return []
    try:
        real = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        problems.append(Problem(display_path(folder), 1, "cannot read folder (broken symlink or loop)"))
        return []
    if not real.is_relative_to(root):
        problems.append(Problem(display_path(folder), 1, "symlink points outside the content folder"))
        return []
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.name.endswith(suffixes):
                found.append(entry.name)
            elif skipped is not None:
                skipped.append(folder / entry.name)
    inside = os.path.join(folder, "")
    return [inside + name for name in sorted(found)]


def transcript_files(content: Path, root: Path, problems: list[Problem]) -> list[str]:
    """The transcripts of the content folder (`root`: resolved), in the order read_content reads them:
    those in transcripts/, or, in a bare folder of transcripts (no transcripts/ inside), its own."""
    folder = content / "transcripts" if (content / "transcripts").exists() else content
    skipped: list[Path] = []
    found = list_files(folder, TRANSCRIPT_SUFFIXES, root, problems, skipped)
    if folder != content:  # a bare folder of transcripts holds the content's other files too
        problems += ignored(skipped)
    return [path for path in found
            if (name := os.path.basename(path)) != "ATTRIBUTION.md" and name.upper() != "README.MD"]


def ignored(skipped: list[Path]) -> list[Problem]:
    """Warnings for what transcripts/ holds yet is never read ("X.TXT", "a.markdown", a folder of
    transcripts): skipped without a word, a user would think them published."""
    return [Problem(display_path(path), 1, "folder ignored: transcripts are read from transcripts/ itself, "
                                           "not from folders in it" if path.is_dir() else
                    "file ignored: a transcript's name ends in .txt or .md", warning=True)
            for path in sorted(skipped, key=lambda p: p.name)]


MISSPELT = {"site.yml": "site.yaml", "speakers.yml": "speakers.yaml", "glossary.yml": "glossary.yaml"}
"""Names a content file is easily given, which the build would skip: it reads the .yaml ones."""


def misspelt_in(content: Path) -> list[Problem]:
    return [Problem(display_path(content / name), 1, f"file ignored: the build reads {meant}", warning=True)
            for name, meant in MISSPELT.items() if (content / name).exists()]


def read_content(content: Path, known: dict | None = None, names: dict[str, str] | None = None) -> ContentInput:
    """Every input file of the archive, decoded, and why any could not be (ContentInput.unread);
    raises ContentErrors when there is no content to read.

    `known`: see read_text. `names`, when given, is filled with the path each file
    read was named by (its Source's path → that path, as content/transcripts/a.txt)."""
    problems: list[Problem] = []
    if not content.is_dir():
        raise ContentErrors([Problem(display_path(content), 1, "content folder not found")])
    root = content.resolve()

    def read(paths: list[str] | list[Path]) -> list[Source | None]:
        sources = read_texts(paths, root, problems, known)
        if names is not None:
            names.update((source.path, os.fspath(path)) for path, source in zip(paths, sources) if source)
        return sources

    def optional(name: str) -> Source | None:
        path = content / name
        if path.exists() or path.is_symlink():
            return read([path])[0]
        return None

    transcripts = read(transcript_files(content, root, problems))
    problems += misspelt_in(content)
    annotations = read(list_files(content / "annotations", (".yaml", ".yml"), root, problems))
    result = ContentInput(
        transcripts=tuple(s for s in transcripts if s is not None),
        site=optional("site.yaml"),
        speakers=optional("speakers.yaml"),
        glossary=optional("glossary.yaml"),
        annotations=tuple(s for s in annotations if s is not None),
        unread=tuple(problems),
    )
    if not result.transcripts:
        raise ContentErrors([p for p in problems if not p.warning]
                            or [*problems, Problem(display_path(content / "transcripts"), 1,
                                                   "no transcripts (*.txt or *.md) found")])
    return result
