"""Pelican settings for the full build of the benchmark corpus.

bench/run.py passes the content folder, the output folder and the cache folder
on the command line (`pelican <md corpus> -s this file -o <out> -q -e
CACHE_PATH=...`), all in the size's work folder. The full build writes the
content cache but does not load it; pelicanconf_incremental.py loads it for
the no-op and one-edit rebuilds.
"""
SITENAME = "Stenogram benchmark"
SITEURL = ""
RELATIVE_URLS = True
TIMEZONE = "Europe/Moscow"
DEFAULT_LANG = "en"
THEME = "notmyidea"  # Pelican's default theme

# No feeds: Stenogram writes none either.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None

# The corpus' `---` YAML-style front matter is read by Python-Markdown's meta
# extension, which Pelican enables by default; listed here to make it explicit.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.meta": {},
        "markdown.extensions.extra": {},
    },
    "output_format": "html5",
}

DEFAULT_PAGINATION = 10  # what pelican-quickstart proposes
# CACHE_PATH is given by bench/run.py: corpora/<size>/pelican-cache
CACHE_CONTENT = True
CONTENT_CACHING_LAYER = "reader"
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False

# Titles repeat across meetings ("Meeting with Government members"), so slugs
# come from the numbered file names, as Stenogram's and Hugo's do.
SLUGIFY_SOURCE = "basename"
