// ritme site search: results as you type, keyboard friendly, no dependencies.
// The index (assets/search-index.js) is loaded on first use as a script, so it
// also works when the site is opened from disk (file://).
(function () {
  "use strict";
  var box = document.querySelector(".search");
  if (!box) return;
  var input = box.querySelector(".search-input");
  var list = box.querySelector(".search-results");
  var root = box.getAttribute("data-root") || "";
  var loading = false;
  var active = -1;
  input.hidden = false;

  function load(then) {
    if (window.RITME_SEARCH) { unpack(window.RITME_SEARCH); return then(); }
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = box.getAttribute("data-index");
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
      .map(function (d) { return { doc: idx.docs[d], score: total[d] }; })
      .sort(function (a, b) { return b.score - a.score || (a.doc[0] < b.doc[0] ? -1 : 1); })
      .slice(0, 10);
  }

  function show(results) {
    list.innerHTML = "";
    active = -1;
    if (!input.value.trim()) { list.hidden = true; input.setAttribute("aria-expanded", "false"); return; }
    if (results.length === 0) {
      var li = document.createElement("li");
      li.className = "search-none";
      li.textContent = box.getAttribute("data-none");
      list.appendChild(li);
    }
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "search-result-" + i;
      var a = document.createElement("a");
      a.href = root + r.doc[1];
      var title = document.createElement("strong");
      title.textContent = r.doc[0];
      var section = document.createElement("span");
      section.className = "search-section";
      section.textContent = r.doc[2];
      a.appendChild(title);
      a.appendChild(section);
      if (r.doc[3]) {
        var p = document.createElement("span");
        p.className = "search-snippet";
        p.textContent = r.doc[3];
        a.appendChild(p);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function move(delta) {
    var items = list.querySelectorAll("li[role=option]");
    if (items.length === 0) return;
    if (active >= 0) items[active].classList.remove("active");
    active = (active + delta + items.length) % items.length;
    items[active].classList.add("active");
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  input.addEventListener("focus", function () { load(function () { show(search(input.value)); }); });
  input.addEventListener("input", function () { load(function () { show(search(input.value)); }); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "Enter") {
      var items = list.querySelectorAll("li[role=option] a");
      var target = items[active >= 0 ? active : 0];
      if (target) { e.preventDefault(); window.location.href = target.href; }
    } else if (e.key === "Escape") { input.value = ""; show([]); input.blur(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== input) { e.preventDefault(); input.focus(); }
  });
  document.addEventListener("click", function (e) { if (!box.contains(e.target)) list.hidden = true; });
})();
