/* Stenogram full-text search.
 *
 * A classic script (no modules, no fetch, no WebAssembly): browsers refuse
 * those on file://, and the archive must be searchable from a USB stick.
 * The index is a set of ordinary scripts written at build time
 * (generator/search_index.py); each calls one of the window.__stenogram*
 * functions below, and is inserted as <script src> only when a query needs it.
 * Result text is put in the page with textContent only: transcripts are
 * untrusted.
 */
(function () {
  "use strict";

  var app = document.getElementById("search-app");
  if (!app) { return; }
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var speakerSelect = document.getElementById("search-speaker");
  var yearSelect = document.getElementById("search-year");
  var status = document.getElementById("search-status");
  var cards = document.getElementById("search-cards");
  var list = document.getElementById("search-results");
  var moreButton = document.getElementById("search-more");

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGITS = new Int8Array(128).fill(-1);
  for (var a = 0; a < ALPHABET.length; a++) { DIGITS[ALPHABET.charCodeAt(a)] = a; }
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December"];
  var K1 = 1.2, B = 0.75;
  var PREFIX_MIN = 3;          /* shorter last words match whole words only */
  var PREFIX_WEIGHT = 0.8;     /* a longer word found by prefix scores a little below the word itself */
  var MAX_EXPANSIONS = 60;
  var PAGE_SIZE = 20;
  var CHECK_ALL_MEETINGS = 40; /* phrases are checked in every candidate when they span this few meetings */
  var CHECK_TOP = 200;         /* otherwise in the best candidates only, */
  var CHECK_TOP_MEETINGS = 24; /* from this many meetings (each is one script to load) */
  var SNIPPET = 260;

  /* ---- loading the index: classic scripts that register themselves ---- */

  var registered = {};
  var loading = {};
  window.__stenogramIndex = function (data) { registered.index = data; };
  window.__stenogramShard = function (key, terms) { registered["t:" + key] = terms; };
  window.__stenogramDocs = function (slug, texts) { registered["d:" + slug] = texts; };

  function load(name, src) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = src;
        script.charset = "utf-8";
        script.onload = function () { resolve(registered[name] || null); };
        script.onerror = function () { resolve(null); };
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  var root = app.getAttribute("data-root");
  var paths = JSON.parse(app.getAttribute("data-paths"));
  var index = null;

  function shardSrc(key) {
    var name = /^[a-z0-9]+$/.test(key) ? key : "_" + hexUtf8(key);
    return root + "t/" + name + ".js";
  }

  function hexUtf8(text) {
    return Array.from(new TextEncoder().encode(text), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return encodeURIComponent(values[name]); });
  }

  /* ---- text: the same folding and words as generator/search_index.py ---- */

  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/ß/g, "ss").replace(/ς/g, "σ");
  }

  function tokenize(text) { return fold(text).match(/[\p{L}\p{N}]+/gu) || []; }

  /* ---- the manifest, unpacked once ---- */

  function decodeNumbers(text) {
    var out = [], value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGITS[text.charCodeAt(i)];
      if (digit >= 32) { value += (digit - 32) * Math.pow(2, shift); shift += 5; }
      else { out.push(value + digit * Math.pow(2, shift)); value = 0; shift = 0; }
    }
    return out;
  }

  function prepare(data) {
    var total = data.paragraphs;
    var meetingOf = new Int32Array(total), speakerOf = new Int32Array(total), length = new Float32Array(total);
    data.meetings.forEach(function (m, i) {
      meetingOf.fill(i, m[4], m[4] + m[5]);
      var runs = decodeNumbers(data.runs[i]), at = m[4];
      for (var r = 0; r < runs.length; r += 2) { speakerOf.fill(runs[r + 1], at, at + runs[r]); at += runs[r]; }
    });
    for (var p = 0; p < total; p++) { length[p] = Math.pow(data.normBase, DIGITS[data.norms.charCodeAt(p)]) - 1; }
    var speakerIndex = {};
    data.speakers.forEach(function (s, i) { if (s[0]) { speakerIndex[s[0]] = i; } });
    return {
      data: data, total: total, meetingOf: meetingOf, speakerOf: speakerOf, length: length,
      average: data.averageLength || 1, shardKeys: new Set(data.shards), speakerIndex: speakerIndex,
      speakerWords: data.speakers.map(function (s) { return s.slice(1).map(tokenize); }),
      termWords: data.terms.map(function (row) { return row.map(tokenize); })
    };
  }

  /* ---- the query ---- */

  /* Groups of words: a quoted phrase, or one word that folds into several
     ("Su-25"), must appear as written; every word must appear somewhere. */
  function parseQuery(text) {
    var groups = [], match, pattern = /"([^"]*)"?|[^\s"]+/g;
    while ((match = pattern.exec(text)) !== null) {
      var quoted = match[0].charAt(0) === "\"";
      var open = quoted && (match[0].length === 1 || match[0].slice(-1) !== "\"");
      var words = tokenize(quoted ? match[1] : match[0]);
      if (words.length) { groups.push({ words: words, quoted: quoted, open: open, end: pattern.lastIndex }); }
    }
    var slots = [];
    groups.forEach(function (group) {
      group.slots = group.words.map(function (word) { return { word: word, prefix: false }; });
      slots.push.apply(slots, group.slots);
    });
    var last = groups[groups.length - 1];
    /* The word being typed (not yet followed by a space or a closing quote) also matches longer words. */
    if (last && (!last.quoted || last.open) && last.end === text.length && !/\s$/.test(text)) {
      var slot = last.slots[last.slots.length - 1];
      slot.prefix = slot.word.length >= PREFIX_MIN;
    }
    return { groups: groups, slots: slots };
  }

  function shardFor(word) {
    for (var n = word.length; n > 0; n--) {
      if (index.shardKeys.has(word.slice(0, n))) { return word.slice(0, n); }
    }
    return null;
  }

  function shardsFor(slot) {
    var keys = [], own = shardFor(slot.word);
    if (own) { keys.push(own); }
    if (slot.prefix) {
      index.data.shards.forEach(function (key) {
        if (key.length > slot.word.length && key.indexOf(slot.word) === 0) { keys.push(key); }
      });
    }
    return keys;
  }

  /* The words of the index that a slot stands for, each with its weight. */
  function expand(slot) {
    var found = [];
    shardsFor(slot).forEach(function (key) {
      var terms = registered["t:" + key] || {};
      if (slot.prefix) {
        Object.keys(terms).forEach(function (term) {
          if (term.indexOf(slot.word) === 0) { found.push([term, terms[term]]); }
        });
      } else if (Object.prototype.hasOwnProperty.call(terms, slot.word)) {
        found.push([slot.word, terms[slot.word]]);
      }
    });
    found.sort(function (x, y) { return (x[0] === slot.word ? -1 : 0) - (y[0] === slot.word ? -1 : 0) || y[1].length - x[1].length; });
    return found.slice(0, MAX_EXPANSIONS).map(function (pair) {
      return { term: pair[0], postings: pair[1], weight: pair[0] === slot.word ? 1 : PREFIX_WEIGHT };
    });
  }

  /* BM25 of one slot: paragraph id → best score among its words. */
  function scoreSlot(expansions) {
    var scores = new Map();
    expansions.forEach(function (e) {
      /* Per meeting: (gap in meetings) × 4 + 2 [+ 1], its first place, then (gap in places) × 4 [+ 1];
         + 1 means the frequency (minus two) follows. An id is the meeting's first id plus the place. */
      var numbers = decodeNumbers(e.postings), ids = [], tfs = [], meeting = -1, place = -1;
      for (var i = 0; i < numbers.length; i++) {
        var code = numbers[i], flags = code % 4, gap = (code - flags) / 4, tf = 1;
        if (flags >= 2) { meeting += gap + 1; i++; place = numbers[i]; } else { place += gap + 1; }
        if (flags % 2) { i++; tf = numbers[i] + 2; }
        ids.push(index.data.meetings[meeting][4] + place); tfs.push(tf);
      }
      var df = ids.length;
      var idf = Math.log(1 + (index.total - df + 0.5) / (df + 0.5));
      for (var j = 0; j < ids.length; j++) {
        var norm = K1 * (1 - B + B * index.length[ids[j]] / index.average);
        var score = e.weight * idf * tfs[j] * (K1 + 1) / (tfs[j] + norm);
        var before = scores.get(ids[j]);
        if (before === undefined || score > before) { scores.set(ids[j], score); }
      }
    });
    return scores;
  }

  function allowed(id, filters) {
    if (filters.speaker !== undefined && index.speakerOf[id] !== filters.speaker) { return false; }
    if (filters.year && index.data.meetings[index.meetingOf[id]][2].slice(0, 4) !== filters.year) { return false; }
    return true;
  }

  /* Paragraphs that hold every word, best BM25 first. */
  function candidates(query, filters) {
    var maps = query.slots.map(function (slot) { return scoreSlot(expand(slot)); });
    maps.sort(function (x, y) { return x.size - y.size; });
    var found = [];
    maps[0].forEach(function (score, id) {
      if (!allowed(id, filters)) { return; }
      for (var m = 1; m < maps.length; m++) {
        var other = maps[m].get(id);
        if (other === undefined) { return; }
        score += other;
      }
      found.push({ id: id, score: score, phrase: false });
    });
    found.sort(function (x, y) { return y.score - x.score || x.id - y.id; });
    return found;
  }

  /* ---- paragraph texts, for phrases and snippets ---- */

  function meetingOf(id) { return index.data.meetings[index.meetingOf[id]]; }

  function loadDocs(results) {
    var slugs = new Set(results.map(function (r) { return meetingOf(r.id)[0]; }));
    return Promise.all(Array.from(slugs).map(function (slug) {
      return load("d:" + slug, root + "doc/" + slug + ".js");
    }));
  }

  var tokenCache = new Map();
  function paragraphText(id) {
    var meeting = meetingOf(id), texts = registered["d:" + meeting[0]];
    return texts ? texts[id - meeting[4]] : "";
  }
  function paragraphWords(id) {
    if (!tokenCache.has(id)) { tokenCache.set(id, tokenize(paragraphText(id))); }
    return tokenCache.get(id);
  }

  function slotMatches(slot, word) { return slot.prefix ? word.indexOf(slot.word) === 0 : word === slot.word; }

  function containsSequence(words, slots) {
    outer: for (var i = 0; i + slots.length <= words.length; i++) {
      for (var j = 0; j < slots.length; j++) { if (!slotMatches(slots[j], words[i + j])) { continue outer; } }
      return true;
    }
    return false;
  }

  function phraseGroups(query) {
    return query.groups.filter(function (g) { return g.slots.length > 1; });
  }

  function satisfies(id, groups) {
    var words = paragraphWords(id);
    return groups.every(function (g) { return containsSequence(words, g.slots); });
  }

  /* ---- search ---- */

  var generation = 0;
  var current = null; /* {query, list, checked (how far phrases were checked), exact (count is final)} */

  function readFilters() {
    var filters = {};
    if (speakerSelect.value && index.speakerIndex[speakerSelect.value] !== undefined) {
      filters.speaker = index.speakerIndex[speakerSelect.value];
    } else if (speakerSelect.value) {
      filters.speaker = -1;
    }
    if (yearSelect.value) { filters.year = yearSelect.value; }
    return filters;
  }

  function run() {
    var mine = ++generation;
    var text = input.value;
    keepInUrl(text);
    app.setAttribute("aria-busy", "true");
    var query = parseQuery(text);
    showCards(query);
    if (!query.slots.length) {
      clearResults();
      status.textContent = text.trim() ? "Type a word to search." : "";
      finished(text);
      return Promise.resolve();
    }
    var keys = new Set();
    query.slots.forEach(function (slot) { shardsFor(slot).forEach(function (k) { keys.add(k); }); });
    return Promise.all(Array.from(keys).map(function (key) { return load("t:" + key, shardSrc(key)); }))
      .then(function () {
        if (mine !== generation) { return null; }
        var found = candidates(query, readFilters());
        return order(query, found, mine);
      })
      .then(function (state) {
        if (!state || mine !== generation) { return; }
        current = state;
        clearResults();
        return showMore(mine).then(function () { if (mine === generation) { finished(text); } });
      });
  }

  /* Marks the page as showing the results of `text` (for assistive technology and tests). */
  function finished(text) {
    app.removeAttribute("aria-busy");
    app.setAttribute("data-shown", text);
  }

  /* Quoted phrases filter; a several-word query puts exact phrase matches first. */
  function order(query, found, mine) {
    var required = phraseGroups(query);
    var whole = query.slots.length > 1 && !(query.groups.length === 1 && query.groups[0].quoted)
      ? { slots: query.slots } : null;
    if (!required.length && !whole) {
      return { query: query, list: found, required: [], checked: found.length, exact: true };
    }
    var meetings = new Set(found.map(function (r) { return index.meetingOf[r.id]; }));
    var everything = meetings.size <= CHECK_ALL_MEETINGS;
    var checkWindow = everything ? found
      : required.length ? found.slice(0, PAGE_SIZE * 2) : best(found, CHECK_TOP, CHECK_TOP_MEETINGS);
    return loadDocs(checkWindow).then(function () {
      if (mine !== generation) { return null; }
      var list = found;
      var checked = checkWindow.length;
      if (required.length) {
        var kept = checkWindow.filter(function (r) { return satisfies(r.id, required); });
        list = kept.concat(found.slice(checkWindow.length));
        checked = kept.length;
      }
      if (whole) {
        var head = list.slice(0, checked);
        head.forEach(function (r) { r.phrase = containsSequence(paragraphWords(r.id), whole.slots); });
        head.sort(function (x, y) { return (y.phrase - x.phrase) || y.score - x.score || x.id - y.id; });
        list = head.concat(list.slice(checked));
      }
      return { query: query, list: list, required: required, checked: checked, exact: everything || !required.length };
    });
  }

  /* The first candidates, at most `count` of them from at most `meetings` meetings. */
  function best(found, count, meetings) {
    var seen = new Set(), i = 0;
    for (; i < found.length && i < count; i++) {
      var meeting = index.meetingOf[found[i].id];
      if (!seen.has(meeting)) {
        if (seen.size === meetings) { break; }
        seen.add(meeting);
      }
    }
    return found.slice(0, i);
  }

  /* Phrases beyond the checked part are checked a page at a time, as results are shown. */
  function checkFurther(state, upTo, mine) {
    if (state.exact || state.checked >= upTo) { return Promise.resolve(state); }
    var batch = state.list.slice(state.checked, state.checked + PAGE_SIZE * 2);
    return loadDocs(batch).then(function () {
      if (mine !== generation) { return state; }
      var kept = batch.filter(function (r) { return satisfies(r.id, state.required); });
      state.list = state.list.slice(0, state.checked).concat(kept, state.list.slice(state.checked + batch.length));
      state.checked += kept.length;
      if (state.checked >= state.list.length) { state.exact = true; }
      return checkFurther(state, upTo, mine);
    });
  }

  function showMore(mine) {
    var state = current, start = list.children.length;
    return checkFurther(state, start + PAGE_SIZE, mine).then(function () {
      var page = state.list.slice(start, Math.min(start + PAGE_SIZE, state.exact ? state.list.length : state.checked));
      return loadDocs(page).then(function () {
        if (mine !== generation) { return; }
        var fragment = document.createDocumentFragment();
        page.forEach(function (r) { fragment.appendChild(resultItem(r, state.query)); });
        list.appendChild(fragment);
        var shown = list.children.length;
        var total = state.exact ? state.list.length : null;
        status.textContent = total === null
          ? "Showing " + shown + " results; more may follow."
          : total === 0 ? "No results." : total + (total === 1 ? " result" : " results") +
            (shown < total ? ", showing " + shown + "." : ".");
        moreButton.hidden = total !== null ? shown >= total : shown >= state.list.length;
      });
    });
  }

  function clearResults() {
    list.textContent = "";
    moreButton.hidden = true;
  }

  /* ---- showing results ---- */

  function formatDate(iso) {
    if (!iso) { return "Undated"; }
    var parts = iso.split("-");
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  function resultItem(result, query) {
    var meeting = meetingOf(result.id), number = result.id - meeting[4] + 1;
    var item = document.createElement("li");
    item.className = "result";
    var link = document.createElement("a");
    link.className = "result-link";
    link.href = fill(paths.paragraph, { slug: meeting[0], number: number });
    link.textContent = meeting[1];
    var title = document.createElement("p");
    title.className = "result-title";
    title.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "result-meta";
    var speaker = index.data.speakers[index.speakerOf[result.id]];
    if (speaker[1]) {
      var who = document.createElement("span");
      who.className = "result-speaker";
      who.textContent = speaker[1];
      meta.appendChild(who);
      meta.appendChild(document.createTextNode(" · "));
    }
    var time = document.createElement("time");
    if (meeting[2]) { time.dateTime = meeting[2]; }
    time.textContent = formatDate(meeting[2]);
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · ¶" + number));
    item.appendChild(title);
    item.appendChild(meta);
    item.appendChild(snippet(paragraphText(result.id), query));
    return item;
  }

  /* A window of the paragraph around its first match, matching words in <mark>. */
  function snippet(text, query) {
    var out = document.createElement("p");
    out.className = "result-snippet";
    var pattern = /[\p{L}\p{N}\p{M}]+/gu, match, hits = [];
    while ((match = pattern.exec(text)) !== null) {
      var words = tokenize(match[0]);
      var hit = words.some(function (w) { return query.slots.some(function (s) { return slotMatches(s, w); }); });
      if (hit) { hits.push([match.index, match.index + match[0].length]); }
    }
    var start = 0, end = text.length;
    if (text.length > SNIPPET) {
      var first = hits.length ? hits[0][0] : 0;
      start = Math.max(0, first - Math.floor(SNIPPET / 3));
      if (start > 0) { start = text.indexOf(" ", start) + 1 || start; }
      end = Math.min(text.length, start + SNIPPET);
      if (end < text.length) { end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end; }
    }
    if (start > 0) { out.appendChild(document.createTextNode("… ")); }
    var at = start;
    hits.forEach(function (h) {
      if (h[0] < start || h[1] > end) { return; }
      out.appendChild(document.createTextNode(text.slice(at, h[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(h[0], h[1]);
      out.appendChild(mark);
      at = h[1];
    });
    out.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) { out.appendChild(document.createTextNode(" …")); }
    return out;
  }

  /* Speakers and glossary terms whose names hold every word of the query. */
  function showCards(query) {
    cards.textContent = "";
    if (!query.slots.length) { return; }
    var found = [];
    function matches(words) {
      return query.slots.every(function (s) { return words.some(function (w) { return slotMatches(s, w); }); });
    }
    index.data.speakers.forEach(function (s, i) {
      if (s[0] && index.speakerWords[i].some(matches)) {
        found.push({ label: s[1], kind: "Speaker", href: fill(paths.speaker, { slug: s[0] }) });
      }
    });
    index.data.terms.forEach(function (row, i) {
      if (index.termWords[i].some(matches)) {
        var others = row.slice(2).join(", ");
        found.push({ label: row[0] + (others ? " (" + others + ")" : ""), kind: "Glossary", href: fill(paths.term, { slug: row[1] }) });
      }
    });
    found.slice(0, 12).forEach(function (card) {
      var item = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "card-kind";
      kind.textContent = card.kind + ": ";
      var link = document.createElement("a");
      link.href = card.href;
      link.textContent = card.label;
      item.appendChild(kind);
      item.appendChild(link);
      cards.appendChild(item);
    });
  }

  /* ---- the URL keeps the query, so a search can be linked and survives reload ---- */

  function keepInUrl(text) {
    var params = new URLSearchParams();
    if (text) { params.set("q", text); }
    if (speakerSelect.value) { params.set("speaker", speakerSelect.value); }
    if (yearSelect.value) { params.set("year", yearSelect.value); }
    var search = params.toString();
    var url = location.pathname + (search ? "?" + search : "");
    if (url !== location.pathname + location.search) {
      try { history.replaceState(null, "", url); } catch (error) { /* some browsers refuse on file:// */ }
    }
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    speakerSelect.value = params.get("speaker") || "";
    yearSelect.value = params.get("year") || "";
  }

  /* ---- start ---- */

  form.addEventListener("submit", function (event) { event.preventDefault(); if (index) { run(); } });
  input.addEventListener("input", function () { if (index) { run(); } });
  speakerSelect.addEventListener("change", function () { if (index) { run(); } });
  yearSelect.addEventListener("change", function () { if (index) { run(); } });
  moreButton.addEventListener("click", function () { showMore(generation); });

  readUrl();
  status.textContent = "Loading the index…";
  load("index", root + "index.js").then(function (data) {
    if (!data) { status.textContent = "The search index could not be loaded."; return; }
    index = prepare(data);
    app.setAttribute("data-ready", "");
    status.textContent = "";
    return run();
  });
})();
