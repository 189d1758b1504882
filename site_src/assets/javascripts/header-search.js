/*
 * The header search box on every page: searches every kind of record (experts, societies,
 * workstations, projects, needs, proposals) and the prose pages in the site's own index
 * (search-engine.js, the directory's index), grouped by kind, each hit with one line of context.
 * mkdocs-material's own search is bypassed: its events never reach it (its English trimmer drops
 * every Chinese character). Enter opens the full expert directory with the query.
 * Record text is untrusted: everything is put in the page with textContent / createElement.
 */
(function () {
  "use strict";

  var S = window.kexieSearch;
  var PER_KIND = 5;
  var CONTEXT = 30; // characters of context either side of the match
  var script = document.currentScript;
  var siteRoot = script ? new URL("../../", script.src).href : null;

  function root() {
    return siteRoot || (window.__md_scope ? window.__md_scope.href : new URL(".", document.baseURI).href);
  }

  function directoryUrl(query) {
    var url = new URL("experts/", root());
    url.searchParams.set("query", query);
    return url.href;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null && text !== "") node.textContent = text;
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string" || /^[a-z][a-z0-9+.-]*:/i.test(url) || /^[\\/]/.test(url)) return null;
    return new URL(url, root()).href;
  }

  function isBox(node) {
    return node && node.matches && node.matches("input.md-search__input");
  }

  // the panel we write into, inside the theme's search dialog (its own result list is hidden)
  function panel(input) {
    var form = input.closest(".md-search") || document;
    var out = form.querySelector("[data-kx-hs]");
    if (!out) {
      var wrap = form.querySelector(".md-search__scrollwrap") || form.querySelector(".md-search__output") || form;
      out = el("div", "kx-hs");
      out.setAttribute("data-kx-hs", "");
      out.setAttribute("role", "region");
      out.setAttribute("aria-live", "polite");
      out.setAttribute("aria-label", "搜索结果");
      wrap.classList.add("kx-hs-host");
      wrap.insertBefore(out, wrap.firstChild);
    }
    return out;
  }

  function context(why) {
    var frag = document.createDocumentFragment();
    var text = why.text, hits = why.hits;
    if (!hits.length) {
      frag.appendChild(document.createTextNode(text.length > 2 * CONTEXT ? text.slice(0, 2 * CONTEXT) + "…" : text));
      return frag;
    }
    var h = hits.slice().sort(function (x, y) { return x[0] - y[0]; })[0];
    var from = Math.max(0, h[0] - CONTEXT), to = Math.min(text.length, h[1] + CONTEXT);
    if (from > 0) frag.appendChild(document.createTextNode("…"));
    frag.appendChild(document.createTextNode(text.slice(from, h[0])));
    frag.appendChild(el("mark", "kx-hit", text.slice(h[0], h[1])));
    frag.appendChild(document.createTextNode(text.slice(h[1], to)));
    if (to < text.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  var seq = 0;
  var timer = null;

  async function run(input) {
    var mine = ++seq;
    var q = input.value;
    var out = panel(input);
    if (!q.trim()) {
      out.textContent = "";
      out.appendChild(el("p", "kx-hs__meta", "输入姓名、拼音、学会、项目、需求等关键词；按回车在专家名录中查看全部专家。"));
      return;
    }
    var index = S.open(new URL("search/", root()).href);
    var info, groups = [];
    try {
      info = await index.matchInfo(q);
      var manifest = index.manifest;
      var byKind = new Map();
      info.docs.forEach(function (doc) {
        var kind = null;
        manifest.kinds.forEach(function (k) { if (doc >= k[1] && doc < k[1] + k[2]) kind = k[0]; });
        if (!byKind.has(kind)) byKind.set(kind, []);
        byKind.get(kind).push(doc);
      });
      var segments = S.parseQuery(q);
      for (var i = 0; i < manifest.kinds.length; i++) {
        var kind = manifest.kinds[i][0];
        var docs = byKind.get(kind) || [];
        if (!docs.length) continue;
        var shown = docs.slice(0, PER_KIND);
        var rows = await Promise.all(shown.map(async function (doc) {
          return [await index.card(doc), await index.explain(doc, segments)];
        }));
        groups.push({ kind: kind, label: manifest.kindLabels[kind] || kind, total: docs.length, rows: rows });
      }
    } catch (err) {
      if (mine === seq) {
        out.textContent = "";
        out.appendChild(el("p", "kx-hs__meta", "搜索数据加载失败，请稍后重试。"));
      }
      return;
    }
    if (mine !== seq) return;
    render(out, q, info, groups, index.manifest.fieldLabels || {});
  }

  function render(out, q, info, groups, labels) {
    out.textContent = "";
    var total = info.docs.length;
    out.appendChild(el("p", "kx-hs__meta", total ? "找到 " + total + " 条结果" + (info.partial ? "（查询较长，结果只核对了部分检索词）" : "")
      : "没有找到包含“" + q.trim() + "”的内容。"));
    groups.forEach(function (g) {
      var section = el("section", "kx-hs__group");
      section.setAttribute("data-kx-kind", g.kind);
      section.appendChild(el("h3", "kx-hs__kind", g.label + "（" + g.total + "）"));
      var list = el("ol", "kx-hs__list");
      g.rows.forEach(function (row) {
        var card = row[0], why = row[1];
        var li = el("li", "kx-hs__item");
        var href = safeUrl(card.url);
        var a = el(href ? "a" : "span", "kx-hs__link");
        if (href) a.setAttribute("href", href);
        a.appendChild(el("span", "kx-hs__badge", g.label));
        a.appendChild(el("span", "kx-hs__title", card.name));
        if (card.title || card.affiliation) a.appendChild(el("span", "kx-hs__sub", [card.title, card.affiliation].filter(Boolean).join(" · ")));
        var line = el("span", "kx-hs__context");
        if (why.field === "name" && why.items.length > 1 && card.kind !== "experts") {
          // the title is the hit and already shown: the context line is the record's first other line
          var next = why.items[1];
          why = { field: next[0], text: next[1], hits: [] };
        }
        if (why.field && why.field !== "name") line.appendChild(el("span", "kx-hs__field", (labels[why.field] || why.field) + "："));
        line.appendChild(context(why));
        a.appendChild(line);
        li.appendChild(a);
        list.appendChild(li);
      });
      section.appendChild(list);
      if (g.kind === "experts") {
        var more = el("a", "kx-hs__more", "在专家名录中查看全部 " + g.total + " 位专家（回车）");
        more.setAttribute("href", directoryUrl(q.trim()));
        section.appendChild(more);
      } else if (g.total > g.rows.length) {
        section.appendChild(el("p", "kx-hs__rest", "另有 " + (g.total - g.rows.length) + " 条，请输入更具体的关键词"));
      }
      out.appendChild(section);
    });
  }

  function links(input) {
    return Array.prototype.slice.call(panel(input).querySelectorAll("a"));
  }

  // capture phase on document: these events never reach the theme's own search
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!isBox(input)) return;
    event.stopPropagation();
    clearTimeout(timer);
    timer = setTimeout(function () { run(input); }, 150);
  }, true);

  document.addEventListener("keyup", function (event) {
    if (isBox(event.target)) event.stopPropagation();
  }, true);

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (isBox(input)) {
      if (event.key === "Enter") {
        var query = input.value.trim();
        event.preventDefault();
        event.stopPropagation();
        if (query) window.location.href = directoryUrl(query);
      } else if (event.key === "ArrowDown") {
        var first = links(input)[0];
        if (first) {
          event.preventDefault();
          event.stopPropagation();
          first.focus();
        }
      } else if (event.key !== "Escape") {
        event.stopPropagation();
      }
      return;
    }
    var hs = event.target.closest && event.target.closest("[data-kx-hs]");
    if (!hs || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    var box = document.querySelector("input.md-search__input");
    var all = links(box);
    var at = all.indexOf(event.target);
    event.preventDefault();
    event.stopPropagation();
    if (event.key === "ArrowDown" && at + 1 < all.length) all[at + 1].focus();
    else if (event.key === "ArrowUp") (at > 0 ? all[at - 1] : box).focus();
  }, true);

  document.addEventListener("focusin", function (event) {
    if (isBox(event.target)) run(event.target);
  });
})();
