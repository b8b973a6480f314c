"""Two builds of the same content give the same bytes, whatever the machine's state.

The builds differ in PYTHONHASHSEED, time zone, locale, the order the file
system lists the files in (and their modification times), the working
directory, the number of jobs and whether the cache is used; the sites must
be byte-identical, file for file.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path


from conftest import CONTENT, ROOT


def copy_content(target: Path, reverse: bool, mtime: int) -> None:
    """The example content, its files created in sorted or reverse order (tmpfs and ext4 list
    directories in creation or hash order) and stamped with the given modification time."""
    files = sorted(p for p in CONTENT.rglob("*") if p.is_file())
    for path in reversed(files) if reverse else files:
        copy = target / path.relative_to(CONTENT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        os.utime(copy, (mtime, mtime))


def build_in(cwd: Path, env: dict[str, str], *extra: str) -> Path:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONHASHSEED", "TZ", "LC_ALL", "LANG")}
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", "content", "--out", "site",
                             "--quiet", *extra], cwd=cwd, env={**environment, **env},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return cwd / "site"


def file_digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_in_different_conditions_are_byte_identical(tmp_path):
    first, second = tmp_path / "first", tmp_path / "elsewhere" / "second"
    copy_content(first / "content", reverse=False, mtime=1_000_000_000)
    copy_content(second / "content", reverse=True, mtime=1_700_000_000)
    a = build_in(first, {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8"}, "--jobs", "1", "--no-cache")
    build_in(second, {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8"}, "--jobs", "2")
    config = second / "content" / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    b = build_in(second, {"PYTHONHASHSEED": "99", "TZ": "America/Anchorage"}, "--jobs", "2")  # through the cache
    digests_a, digests_b = file_digests(a), file_digests(b)
    assert len(digests_a) > 400
    assert sorted(digests_a) == sorted(digests_b)
    assert [path for path in digests_a if digests_a[path] != digests_b[path]] == []


def test_the_site_does_not_depend_on_how_the_content_folder_is_named_on_the_command_line(tmp_path):
    """`--content content` from its parent and `--content /abs/path` from elsewhere: same bytes.

    Nothing of the builder's disk layout (its home folder, say) may leak into
    published pages or data.
    """
    work = tmp_path / "work"
    copy_content(work / "content", reverse=False, mtime=1_000_000_000)
    relative = build_in(work, {}, "--no-cache")
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(work / "content"),
                             "--out", str(elsewhere / "site"), "--quiet", "--no-cache"], cwd=elsewhere,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    a, b = file_digests(relative), file_digests(elsewhere / "site")
    assert [path for path in a if a[path] != b.get(path)] == []
