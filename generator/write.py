"""Writing the site: the last step, and the only one besides reading that touches disk.

The new site is written into a fresh folder beside the old one and swapped
in only when complete, so a failed or killed build leaves the previous site
as it was. Leftovers of killed builds are cleared by the next one.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .model import ContentErrors, Problem
from .read import display_path

TEMP_PREFIX = ".stenogram-new-"
OLD_PREFIX = ".stenogram-old-"


def check_output_folder(out: Path, content: Path) -> None:
    """Refuse an output folder that overlaps the content, or that is not ours to replace.

    The old output is deleted when the new one is swapped in, so a file, or a
    folder with files but no built site in it (`--out templates`), is refused.
    """
    out_real, content_real = out.resolve(), content.resolve()
    if out_real == content_real or out_real.is_relative_to(content_real) or content_real.is_relative_to(out_real):
        raise ContentErrors([Problem(display_path(out), 1,
                                     "output folder must not be the content folder, inside it, or contain it")])
    if out.exists() and not out.is_dir():
        raise ContentErrors([Problem(display_path(out), 1, "output path is a file, not a folder")])
    if out.is_dir() and not (out / "index.html").is_file() and any(out.iterdir()):
        raise ContentErrors([Problem(display_path(out), 1, "output folder is not empty and holds no built site "
                                                           "(no index.html); choose a new or empty folder")])


def clear_leftovers(parent: Path, name: str) -> None:
    """Remove temporary folders that a killed build left beside the site.

    A build killed between its two renames leaves the old site aside and none
    in place: it is put back first.
    """
    out = parent / name
    if not out.exists():
        for old in sorted(parent.glob(f"{OLD_PREFIX}{name}-*")):
            if (old / "site").is_dir() and _owner_gone(old):
                os.rename(old / "site", out)
                break
    for prefix in (TEMP_PREFIX, OLD_PREFIX):
        for path in parent.glob(f"{prefix}{name}-*"):
            if _owner_gone(path):
                shutil.rmtree(path, ignore_errors=True)


def _owner_gone(path: Path) -> bool:
    """True unless the build process named in the folder is still running."""
    try:
        pid = int(path.name.rsplit("-", 2)[-2])
    except (ValueError, IndexError):
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def write_site(pages: dict[str, bytes], out: Path, content: Path) -> None:
    """Write every page into a new folder, then swap it in place of `out`."""
    check_output_folder(out, content)
    out = out.absolute()
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(parent, out.name)
    new = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{out.name}-{os.getpid()}-", dir=parent))
    try:
        for path, data in sorted(pages.items()):
            target = new / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(new, 0o755)
        swap_in(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def swap_in(new: Path, out: Path) -> None:
    """Replace `out` by `new`: the old site is moved aside first, then removed."""
    if out.exists() or out.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{out.name}-{os.getpid()}-", dir=out.parent))
        os.rename(out, old / "site")
        try:
            os.rename(new, out)
        except BaseException:
            os.rename(old / "site", out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new, out)
