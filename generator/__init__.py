"""Stenogram: a folder of meeting transcripts in, a linked static site out.

A build flows one way (pipeline.py reads top to bottom):

    read (disk) → parse → resolve → analyse and index → views → render → write (disk)

Where each step lives, for a first reading:

- The entry points: cli.py (build, serve, check; `file:line: message` errors),
  pipeline.py (a whole build), uptodate.py (is the site already built from
  these inputs?).
- Read: read.py and readahead.py read the content folder; config.py,
  speakers_file.py and glossary_file.py load site.yaml, speakers.yaml and
  glossary.yaml with their line numbers; frontmatter.py checks front matter.
- Parse (pure): parse.py turns a transcript into a model.Meeting; labels.py
  tells a speaker label from prose; mdtext.py reads Markdown transcripts;
  model.py holds the frozen records every later step reads; slugs.py makes
  safe, stable file names.
- Resolve: resolve.py and names.py settle who spoke across the archive;
  annotations.py anchors editors' notes; content_links.py checks their links.
- Analyse and index: figures.py (with numbers.py and figure_masks.py) finds
  every quantity said; terms.py and glossary.py find the glossary's terms;
  index.py and once.py make the cross-indexes once per archive; paging.py cuts
  long lists into pages that stay put.
- Views: views.py (index and meeting pages), speaker_views.py, figure_views.py
  (with figure_rows.py), glossary_views.py, annotation_views.py,
  search_index.py, export.py (data/*.json, through json_bytes.py) and feeds.py
  make the plain data each template or file is made from; urls.py is the one
  place URLs are spelt.
- Render: render.py lists the page kinds (PAGES) and renders them through
  Jinja; inline.py escapes paragraph text with our own marks; markdown.py
  renders editors' Markdown safely; lazy.py makes a view only when it is read.
- Write: write.py writes only the files whose bytes changed, and swaps a new
  site in whole.

Speed, for large archives: jobs.py cuts the heavy steps into work for every
core (parallel.py, parcels.py) and skips what the cache (cache.py) knows;
term_changes.py says which meetings a glossary edit can change. A server
(serve.py, watch.py, folder_changes.py, content_reads.py) keeps its cache
between rebuilds, with what each rebuild left for the next (recall.py), and
its memory in large pages (hugepages.py). progress.py shows a long build's
stages. `build.py check` adds advice: checks.py, speaker_checks.py,
term_candidates.py.
"""
