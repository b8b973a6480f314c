from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-ok.txt", GOOD)
    write_transcript(root, "2023-02-18-latin1.txt", "Vladimir Putin: Müller.\n".encode("latin-1"))
    write_transcript(root, "2023-02-19-open.txt", "---\ntitle: [Unclosed\n---\nVladimir Putin: Hello.\n")
    notes = root / "content" / "annotations"
    notes.mkdir()
    (notes / "2023-02-18-latin1.yaml").write_text("- quote: Müller\n  body: A note on the file that cannot be read.\n",
                                                  encoding="utf-8")
