// ritme site search: results as you type, keyboard friendly, no dependencies.
// The index (assets/search-index.js) is loaded on first use as a script, so it
// also works when the site is opened from disk (file://).
(function () {
  "use strict";
  var box = document.querySelector(".search");
  if (!box) return;
  var root = box.getAttribute("data-root") || "";
  // The box is made here, not written into every page: without JavaScript
  // there is no search, so a page carries only its labels (data-label,
  // data-placeholder, data-none). A theme that still writes the input and
  // the list into its pages keeps them.
  function made(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    box.appendChild(el);
    return el;
  }
  var label = box.getAttribute("data-label") || "";
  var input = box.querySelector(".search-input") || made("input", {
    type: "text", enterkeyhint: "search", "class": "search-input",
    placeholder: box.getAttribute("data-placeholder") || "", "aria-label": label,
    autocomplete: "off", role: "combobox", "aria-autocomplete": "list",
    "aria-controls": "search-results", "aria-expanded": "false"
  });
  var list = box.querySelector(".search-results") || made("ul", {
    "class": "search-results", id: "search-results", role: "listbox", "aria-label": label, hidden: ""
  });
  var loading = false;
  var active = -1;
  var indexSrc = box.getAttribute("data-index") || root + "assets/search-index.js";
  // The pages' text, in scripts of SHARD pages each (see search.rs), loaded
  // for the results shown so that a snippet shows the match (the index
  // holds no text: [title, route, section] per page).
  var SHARD = 32;
  var textBase = box.getAttribute("data-texts") || indexSrc.replace(/search-index\.js$/, "search-text/");
  var textLoading = {};
  var SNIPPET = 180;
  input.hidden = false;

  function load(then) {
    if (window.RITME_SEARCH) { unpack(window.RITME_SEARCH); return then(); }
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = indexSrc;
    s.onload = function () { loading = false; unpack(window.RITME_SEARCH); then(); };
    document.head.appendChild(s);
  }

  // The index is packed to stay small: a section is a number into
  // idx.sections, and a posting is one number, (gap to the previous
  // document) * 64 + score. Unpacked once into names and [doc, score, ...].
  function unpack(idx) {
    if (!idx || idx.unpacked) return;
    idx.docs.forEach(function (d) { d[2] = idx.sections[d[2]]; });
    Object.keys(idx.terms).forEach(function (stem) {
      var p = idx.terms[stem], out = new Array(p.length * 2), doc = 0;
      for (var i = 0; i < p.length; i++) {
        doc += Math.floor(p[i] / 64);
        out[2 * i] = doc;
        out[2 * i + 1] = p[i] % 64;
      }
      idx.terms[stem] = out;
    });
    idx.unpacked = true;
  }

  function words(q) {
    return q.toLowerCase().split(/[^0-9a-z\u00c0-\u024f]+/).filter(function (w) { return w.length >= 2; });
  }

  // A query word matches a stem it starts with (opvolgen → opvolg) or that
  // starts with it (typing "opvo"); every word must match.
  function search(q) {
    var idx = window.RITME_SEARCH, ws = words(q);
    if (!idx || ws.length === 0) return [];
    var total = null;
    ws.forEach(function (w) {
      var scores = {};
      Object.keys(idx.terms).forEach(function (stem) {
        if ((stem.length >= 3 && w.indexOf(stem) === 0) || stem.indexOf(w) === 0) {
          var p = idx.terms[stem];
          for (var i = 0; i < p.length; i += 2) scores[p[i]] = (scores[p[i]] || 0) + p[i + 1];
        }
      });
      if (total === null) { total = scores; return; }
      var next = {};
      Object.keys(total).forEach(function (d) { if (scores[d]) next[d] = total[d] + scores[d]; });
      total = next;
    });
    return Object.keys(total || {})
      .map(function (d) { return { doc: idx.docs[d], n: +d, score: total[d] }; })
      .sort(function (a, b) { return b.score - a.score || (a.doc[0] < b.doc[0] ? -1 : 1); })
      .slice(0, 10);
  }

  function texts() { return window.RITME_SEARCH_TEXT || {}; }

  function loadText(shard) {
    if (texts()[shard] || textLoading[shard]) return;
    textLoading[shard] = true;
    var s = document.createElement("script");
    s.src = textBase + shard + ".js";
    s.onload = refreshSnippets;
    document.head.appendChild(s);
  }

  function isHit(lw, ws) {
    return ws.some(function (w) { return lw.indexOf(w) === 0 || (w.length >= 4 && w.indexOf(lw) === 0 && lw.length >= 3); });
  }

  // The text around the first word that matches: a window of about
  // SNIPPET characters centred on it, cut at words, `…` where it is cut.
  // Null when the text does not hold a match (the title matched).
  function around(text, ws) {
    var re = new RegExp("[0-9a-z\u00c0-\u024f]+", "gi"), m;
    while ((m = re.exec(text)) !== null) {
      if (!isHit(m[0].toLowerCase(), ws)) continue;
      var start = Math.max(0, m.index - Math.floor((SNIPPET - m[0].length) / 2));
      var end = Math.min(text.length, start + SNIPPET);
      start = Math.max(0, Math.min(start, end - SNIPPET));
      if (start > 0) {
        var space = text.indexOf(" ", start);
        start = space >= 0 && space < m.index ? space + 1 : m.index;
      }
      if (end < text.length) {
        var back = text.lastIndexOf(" ", end);
        end = back > m.index + m[0].length ? back : m.index + m[0].length;
      }
      return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
    }
    return null;
  }

  // The start of a page's text, about SNIPPET characters cut at a word.
  function start(text) {
    if (text.length <= SNIPPET) return text;
    var cut = text.slice(0, SNIPPET), space = cut.lastIndexOf(" ");
    return (space > 0 ? cut.slice(0, space) : cut) + "…";
  }

  // Each shown result's snippet, once its text script is loaded: the text
  // around the match, or the page's start when only its title matched.
  function refreshSnippets() {
    var ws = words(input.value);
    Array.prototype.forEach.call(list.querySelectorAll("li[data-doc]"), function (li) {
      var d = +li.getAttribute("data-doc"), shard = Math.floor(d / SHARD);
      var all = texts()[shard];
      if (!all) loadText(shard);
      var text = all && all[d % SHARD] ? all[d % SHARD] : "";
      var shown = text && (around(text, ws) || start(text));
      var p = li.querySelector(".search-snippet");
      if (!shown) { if (p) li.removeChild(p); return; }
      if (p && p.getAttribute("data-text") === shown) return;
      if (!p) {
        p = document.createElement("span");
        p.className = "search-snippet";
        li.appendChild(p);
      }
      p.setAttribute("data-text", shown);
      p.textContent = "";
      marked(p, shown, ws);
    });
  }

  // `text` into `parent`, with every word that starts with a query word
  // marked (<mark>), so a reader sees why the page matched.
  function marked(parent, text, ws) {
    var re = new RegExp("[0-9a-z\u00c0-\u024f]+", "gi"), last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (!isHit(m[0].toLowerCase(), ws)) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      parent.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function setExpanded(open) {
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) input.removeAttribute("aria-activedescendant");
  }

  // Options hold no links (a listbox option may not contain interactive
  // content): a click or Enter goes to the option's page.
  function go(li) {
    if (li && li.getAttribute("data-href")) window.location.href = li.getAttribute("data-href");
  }

  function show(results) {
    list.innerHTML = "";
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!input.value.trim()) { setExpanded(false); return; }
    var ws = words(input.value);
    if (results.length === 0) {
      var none = document.createElement("li");
      none.className = "search-none";
      none.setAttribute("role", "option");
      none.setAttribute("aria-disabled", "true");
      none.setAttribute("aria-selected", "false");
      none.textContent = box.getAttribute("data-none");
      list.appendChild(none);
    }
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.id = "search-result-" + i;
      li.setAttribute("data-href", root + r.doc[1]);
      li.setAttribute("data-doc", r.n);
      var title = document.createElement("strong");
      marked(title, r.doc[0], ws);
      var section = document.createElement("span");
      section.className = "search-section";
      section.textContent = r.doc[2];
      li.appendChild(title);
      li.appendChild(section);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { go(li); });
      list.appendChild(li);
    });
    refreshSnippets();
    setExpanded(true);
  }

  function move(delta) {
    var items = list.querySelectorAll("li[data-href]");
    if (items.length === 0) return;
    if (active >= 0) { items[active].classList.remove("active"); items[active].setAttribute("aria-selected", "false"); }
    active = (active + delta + items.length) % items.length;
    items[active].classList.add("active");
    items[active].setAttribute("aria-selected", "true");
    items[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  input.addEventListener("focus", function () { load(function () { show(search(input.value)); }); });
  input.addEventListener("input", function () { load(function () { show(search(input.value)); }); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "Enter") {
      var items = list.querySelectorAll("li[data-href]");
      var target = items[active >= 0 ? active : 0];
      if (target) { e.preventDefault(); go(target); }
    } else if (e.key === "Escape") { input.value = ""; show([]); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== input) { e.preventDefault(); input.focus(); }
  });
  document.addEventListener("click", function (e) { if (!box.contains(e.target)) setExpanded(false); });
  input.addEventListener("blur", function () { setExpanded(false); });
})();
