"""content/site.yaml: the site's title, language, licence line and base URL."""
from __future__ import annotations

from .frontmatter import LANGUAGE_RE, SOURCE_RE, key_lines, load_yaml
from .model import Problem, SiteConfig, Source

TEXT_FIELDS = ("title", "description", "language", "license", "base_url", "term_links")


def read_site_config(source: Source | None, base_url: str = "") -> tuple[SiteConfig, list[Problem]]:
    """The validated settings; `base_url` from the command line wins over the file."""
    values, problems = file_settings(source) if source is not None else ({}, [])
    if values is None:
        return SiteConfig(), problems
    if base_url:
        values["base_url"] = base_url
    url = values.get("base_url", "")
    if url and (not SOURCE_RE.match(url) or "?" in url or "#" in url):  # the feed's paths go after it
        path, line = ("--base-url", 1) if base_url else (source.path, key_lines(source.text, 1).get("base_url", 1))
        problems.append(Problem(path, line, "base_url must be an http:// or https:// address without spaces, "
                                            "quotes, angle brackets, a query (?) or a fragment (#)"))
        values.pop("base_url")
    return SiteConfig(**values), problems


def file_settings(source: Source) -> tuple[dict | None, list[Problem]]:
    """site.yaml's settings that are valid, and the problems of the others (None when the file
    cannot be read as settings at all)."""
    data, problems = load_yaml(source.text, source.path, 1)
    if problems:
        return None, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Problem(source.path, 1, "site.yaml must be a mapping of settings")]
    lines = key_lines(source.text, 1)
    values = {}
    for key, value in data.items():
        key = str(key)
        if key not in TEXT_FIELDS:
            problems.append(Problem(source.path, lines.get(key, 1), f"unknown setting {key!r}", warning=True))
        elif not isinstance(value, str):
            problems.append(Problem(source.path, lines.get(key, 1), f"{key} must be text"))
        else:
            values[key] = value.strip()
    if values.get("term_links", "first-per-turn") not in ("first-per-turn", "all"):
        problems.append(Problem(source.path, lines.get("term_links", 1),
                                "term_links must be 'first-per-turn' or 'all'"))
        values.pop("term_links")
    if not LANGUAGE_RE.match(values.get("language", "en")):
        # It becomes <html lang="…">: a tag such as en or en-GB, nothing else.
        problems.append(Problem(source.path, lines.get("language", 1),
                                f"language must be a language tag like en or en-GB, not {values['language']!r}"))
        values.pop("language")
    return values, problems
