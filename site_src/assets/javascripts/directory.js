/*
 * 专家名录：搜索框、分面筛选、排序和结果列表（generator/site/templates/directory.html）。
 * The queries run in search-engine.js (window.kexieSearch), which must be loaded first.
 * Each result says why it matched (the field and the matched text, highlighted) and shows the
 * expert's disciplines; pinyin prefix matches and single characters outside the name come after
 * the others, marked. Facets: values by count, zero counts behind 更多, a filter box in long
 * facets, the active filters as removable chips. URL state: ?query=…&<group>=…&sort=…&page=…
 * Record text is untrusted: everything is put in the page with textContent / createElement.
 */
(function () {
  "use strict";

  var S = window.kexieSearch;
  var GROUPS = S.GROUPS;
  var DEFAULT_PAGE_SIZE = 20;
  var LONG_FACET = 12; // options from which a facet gets its own filter box
  var SNIPPET = 24; // characters of context either side of a match in a long field

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null && text !== "") node.textContent = text;
    return node;
  }

  function safeHref(base, url) {
    // card urls are site-relative paths; anything with a scheme or a leading slash is refused
    if (typeof url !== "string" || /^[a-z][a-z0-9+.-]*:/i.test(url) || /^[\\/]/.test(url)) return null;
    return base + url;
  }

  // text with hits ([[start, end]] in text) highlighted; long text cut around the first hit
  function highlighted(text, hits, snippet) {
    var frag = document.createDocumentFragment();
    hits = hits.slice().sort(function (x, y) { return x[0] - y[0]; });
    var from = 0, to = text.length;
    if (snippet && hits.length && text.length > 2 * snippet + 10) {
      from = Math.max(0, hits[0][0] - snippet);
      to = Math.min(text.length, hits[0][1] + snippet);
      if (from > 0) frag.appendChild(document.createTextNode("…"));
    }
    var at = from;
    hits.forEach(function (h) {
      if (h[0] < at || h[1] > to) return;
      frag.appendChild(document.createTextNode(text.slice(at, h[0])));
      frag.appendChild(el("mark", "kx-hit", text.slice(h[0], h[1])));
      at = h[1];
    });
    frag.appendChild(document.createTextNode(text.slice(at, to)));
    if (to < text.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  // the facet options from the page's data ({group: [[value, label, count], …]}): the same markup
  // the template once wrote for each (a tenth of the bytes for 2,000 societies); record text goes
  // in with textContent and attributes only
  function drawFacetOptions(root) {
    var data = root.querySelector("script[data-kx-facet-values]");
    if (!data) return;
    var values = JSON.parse(data.textContent);
    Array.prototype.forEach.call(root.querySelectorAll("[data-kx-options]"), function (list) {
      var group = list.getAttribute("data-kx-options");
      var frag = document.createDocumentFragment();
      (values[group] || []).forEach(function (option) {
        var li = document.createElement("li");
        li.setAttribute("data-kx-value-count", String(option[2]));
        var label = el("label", "kx-dir__option");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.name = group;
        box.value = option[0];
        box.setAttribute("data-kx-facet", group);
        box.setAttribute("data-label", option[1]);
        var count = el("span", "kx-dir__n", String(option[2]));
        count.setAttribute("data-kx-n", "");
        label.append(box, el("span", "kx-dir__option-label", option[1]), count);
        li.appendChild(label);
        frag.appendChild(li);
      });
      list.appendChild(frag);
    });
  }

  function Directory(root) {
    drawFacetOptions(root);
    this.root = root;
    this.base = root.getAttribute("data-base") || "";
    this.index = S.open(root.getAttribute("data-index") || this.base + "search/");
    this.pageSize = parseInt(root.getAttribute("data-page-size"), 10) || DEFAULT_PAGE_SIZE;
    this.input = root.querySelector("[data-kx-q]");
    this.form = root.querySelector("form");
    this.list = root.querySelector("[data-kx-results]");
    this.status = root.querySelector("[data-kx-count]");
    this.note = root.querySelector("[data-kx-note]");
    this.chips = root.querySelector("[data-kx-chips]");
    this.sort = root.querySelector("[data-kx-sort]");
    this.pager = root.querySelector("[data-kx-pages]");
    this.reset = root.querySelector("[data-kx-reset]");
    this.boxes = Array.prototype.slice.call(root.querySelectorAll("input[type=checkbox][data-kx-facet]"));
    this.labels = {};
    var labels = this.labels;
    this.boxes.forEach(function (box) {
      var group = box.getAttribute("data-kx-facet");
      labels[group] = labels[group] || {};
      labels[group][box.value] = box.getAttribute("data-label") || "";
    });
    this.seq = 0;
    this.timer = null;
    this.state = readState(window.location.search);
  }

  // The query's URL parameter is "query": mkdocs-material's own search takes "q".
  function readState(search) {
    var params = new URLSearchParams(search);
    var state = { q: params.get("query") || "", page: parseInt(params.get("page"), 10) || 1, facets: {},
      sort: params.get("sort") || "relevance" };
    GROUPS.forEach(function (group) { state.facets[group] = params.getAll(group).filter(Boolean); });
    return state;
  }

  function stateQuery(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("query", state.q.trim());
    GROUPS.forEach(function (group) {
      state.facets[group].forEach(function (value) { params.append(group, value); });
    });
    if (state.sort && state.sort !== "relevance") params.set("sort", state.sort);
    if (state.page > 1) params.set("page", String(state.page));
    var text = params.toString();
    return text ? "?" + text : "";
  }

  Directory.prototype.start = async function () {
    var self = this;
    this.root.classList.add("kx-dir--js");
    this.applyStateToForm();
    this.setupFacets();
    function typed() {
      self.state.q = self.input.value;
      self.state.page = 1;
      self.update("replace");
    }
    this.input.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(typed, 200);
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(self.timer);
      typed();
    });
    this.boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        self.state.facets = self.readFacets();
        self.state.page = 1;
        self.update("push");
      });
    });
    if (this.sort) {
      this.sort.addEventListener("change", function () {
        self.state.sort = self.sort.value;
        self.state.page = 1;
        self.update("push");
      });
    }
    if (this.reset) {
      this.reset.addEventListener("click", function () {
        self.state = { q: "", page: 1, facets: {}, sort: "relevance" };
        GROUPS.forEach(function (g) { self.state.facets[g] = []; });
        self.applyStateToForm();
        self.update("push");
      });
    }
    try {
      await this.index.loadFacets();
    } catch (err) {
      this.fail();
      return;
    }
    await this.update(null);
  };

  // a filter box in long facets, a 更多 button for the values no expert of the current list has
  Directory.prototype.setupFacets = function () {
    var self = this;
    Array.prototype.forEach.call(this.root.querySelectorAll("[data-kx-group]"), function (facet) {
      var options = facet.querySelector(".kx-dir__options");
      var items = Array.prototype.slice.call(options.children);
      if (items.length > LONG_FACET) {
        var filter = el("input", "kx-dir__facet-filter");
        filter.type = "search";
        filter.placeholder = "筛选" + (facet.getAttribute("data-kx-title") || "");
        filter.setAttribute("aria-label", filter.placeholder);
        filter.setAttribute("data-kx-facet-filter", "");
        filter.addEventListener("input", function () { self.layoutFacet(facet); });
        options.parentNode.insertBefore(filter, options);
      }
      var more = el("button", "kx-dir__more", "更多");
      more.type = "button";
      more.hidden = true;
      more.setAttribute("data-kx-more", "");
      more.addEventListener("click", function () {
        facet.toggleAttribute("data-kx-all");
        self.layoutFacet(facet);
      });
      options.parentNode.appendChild(more);
    });
  };

  // order by count (then the template's order), hide zero counts unless 更多 is open, apply the filter box
  Directory.prototype.layoutFacet = function (facet) {
    var options = facet.querySelector(".kx-dir__options");
    var items = Array.prototype.slice.call(options.children);
    var filter = facet.querySelector("[data-kx-facet-filter]");
    var needle = filter ? S.fold(filter.value.trim()) : "";
    var all = facet.hasAttribute("data-kx-all");
    var zero = 0;
    items.forEach(function (li, i) { if (!li.hasAttribute("data-kx-order")) li.setAttribute("data-kx-order", String(i)); });
    items.sort(function (x, y) {
      return Number(y.getAttribute("data-kx-value-count")) - Number(x.getAttribute("data-kx-value-count")) ||
        Number(x.getAttribute("data-kx-order")) - Number(y.getAttribute("data-kx-order"));
    });
    items.forEach(function (li) {
      var box = li.querySelector("input");
      var empty = li.getAttribute("data-kx-value-count") === "0" && !box.checked;
      if (empty) zero += 1;
      var label = S.fold(li.textContent);
      li.hidden = (empty && !all) || (needle !== "" && label.indexOf(needle) < 0);
      options.appendChild(li);
    });
    var more = facet.querySelector("[data-kx-more]");
    more.hidden = zero === 0;
    more.textContent = all ? "收起" : "更多（" + zero + " 项当前无专家）";
    more.setAttribute("aria-expanded", all ? "true" : "false");
  };

  Directory.prototype.readFacets = function () {
    var facets = {};
    GROUPS.forEach(function (g) { facets[g] = []; });
    this.boxes.forEach(function (box) {
      if (box.checked) facets[box.getAttribute("data-kx-facet")].push(box.value);
    });
    return facets;
  };

  Directory.prototype.applyStateToForm = function () {
    var state = this.state;
    this.input.value = state.q;
    if (this.sort) this.sort.value = state.sort;
    this.boxes.forEach(function (box) {
      var values = state.facets[box.getAttribute("data-kx-facet")] || [];
      box.checked = values.indexOf(box.value) >= 0;
    });
  };

  Directory.prototype.restore = function () {
    this.state = readState(window.location.search);
    this.applyStateToForm();
    return this.update(null);
  };

  Directory.prototype.fail = function () {
    this.root.removeAttribute("aria-busy");
    this.status.textContent = "专家检索数据加载失败，请稍后刷新页面重试。";
  };

  // history: "push" (a facet, sort or page), "replace" (typing), null (first render, back/forward)
  Directory.prototype.update = async function (history) {
    var seq = ++this.seq;
    var state = this.state;
    if (history) {
      var url = window.location.pathname + stateQuery(state) + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        if (history === "push") window.history.pushState(null, "", url);
        else window.history.replaceState(null, "", url);
      }
    }
    this.root.setAttribute("aria-busy", "true");
    var res, why;
    try {
      res = await this.index.search(state.q, state.facets, state.page, this.pageSize, this.labels, state.sort);
      var index = this.index;
      why = await Promise.all(res.cards.map(function (card) {
        return res.segments && res.segments.length ? index.explain(card.doc, res.segments) : null;
      }));
    } catch (err) {
      if (seq === this.seq) this.fail();
      return;
    }
    if (seq !== this.seq) return; // a newer query is on its way
    this.state.page = res.page;
    this.render(res, why);
    this.root.removeAttribute("aria-busy");
  };

  Directory.prototype.row = function (card, why, mark, labels) {
    var li = el("li", "kx-dir__item");
    var href = safeHref(this.base, card.url);
    var name = el(href ? "a" : "span", "kx-dir__name", card.name);
    if (href) name.setAttribute("href", href);
    li.appendChild(name);
    if (card.title) li.appendChild(el("span", "kx-dir__title", card.title));
    if (card.affiliation) li.appendChild(el("span", "kx-dir__affiliation", card.affiliation));
    if (card.honours) {
      var badges = el("span", "kx-dir__honours");
      card.honours.split("、").forEach(function (h) { badges.appendChild(el("span", "kx-dir__badge", h)); });
      li.appendChild(badges);
    }
    if (card.disciplines) li.appendChild(el("span", "kx-dir__disciplines", "学科：" + card.disciplines));
    if (mark === "prefix") li.appendChild(el("span", "kx-dir__tag", "拼音前缀"));
    if (why && why.hits.length) {
      var line = el("span", "kx-dir__why");
      line.appendChild(el("span", "kx-dir__why-field", "匹配：" + (labels[why.field] || why.field) + " "));
      line.appendChild(highlighted(why.text, why.hits, SNIPPET));
      li.appendChild(line);
    } else if (why && why.spaced) {
      li.appendChild(el("span", "kx-dir__why", "匹配：姓名拼音 " + why.spaced.split("|").join(" / ")));
    }
    return li;
  };

  Directory.prototype.render = function (res, why) {
    var self = this;
    var labels = this.index.manifest.fieldLabels || {};
    var segs = res.segments || [];
    this.status.textContent = "共 " + res.total + " 位专家";
    var notes = [];
    if (segs.length === 1 && segs[0].kind === "char") {
      notes.push("单个汉字“" + segs[0].text + "”：姓名中含有它的专家在前，其后是其他字段（单位、学科、简介等）含有它的专家。");
    }
    if (res.partial) notes.push("查询较长，只核对了其中最少见的几个词，下列结果可能并不都含有全部检索词；可以缩短检索词再试。");
    this.note.textContent = notes.join(" ");
    this.note.hidden = !notes.length;

    var items = document.createDocumentFragment();
    var lastMark = "";
    res.cards.forEach(function (card, i) {
      var mark = res.marks[i] || "";
      if (mark && mark !== lastMark && res.total && self.state.sort === "relevance") {
        var text = mark === "prefix" ? "以下为拼音前缀匹配（拼音以所输字母开头，不完全相同）" : "以下专家的姓名不含该字，匹配在其他字段";
        items.appendChild(el("li", "kx-dir__divider", text));
      }
      lastMark = mark;
      items.appendChild(self.row(card, why[i], mark, labels));
    });
    if (!res.total) {
      items.appendChild(el("li", "kx-dir__empty", "没有找到符合条件的专家。可以换一个更短的关键词，或减少筛选条件。"));
    }
    this.list.textContent = "";
    this.list.appendChild(items);
    this.list.setAttribute("start", String((res.page - 1) * this.pageSize + 1));

    this.boxes.forEach(function (box) {
      var group = box.getAttribute("data-kx-facet");
      var counts = res.facets[group] || {};
      var count = counts[box.value];
      if (count === undefined) count = counts[(self.labels[group] || {})[box.value]] || 0;
      var out = box.parentNode.querySelector("[data-kx-n]");
      if (out) out.textContent = String(count);
      box.parentNode.parentNode.setAttribute("data-kx-value-count", String(count));
      box.disabled = count === 0 && !box.checked;
      box.parentNode.classList.toggle("kx-dir__option--empty", count === 0);
    });
    Array.prototype.forEach.call(this.root.querySelectorAll("[data-kx-group]"), function (facet) { self.layoutFacet(facet); });
    GROUPS.forEach(function (group) {
      var badge = self.root.querySelector("[data-kx-selected=" + group + "]");
      if (badge) {
        var n = self.state.facets[group].length;
        badge.textContent = n ? "已选 " + n : "";
      }
    });
    this.renderChips();
    var filtered = this.state.q.trim() || GROUPS.some(function (g) { return self.state.facets[g].length; });
    if (this.reset) this.reset.hidden = !filtered;
    this.renderPager(res);
  };

  // the active filters as chips; the × removes one
  Directory.prototype.renderChips = function () {
    var self = this;
    if (!this.chips) return;
    this.chips.textContent = "";
    GROUPS.forEach(function (group) {
      self.state.facets[group].forEach(function (value) {
        var label = (self.labels[group] || {})[value] || value;
        var chip = el("button", "kx-dir__chip", label + " ×");
        chip.type = "button";
        chip.setAttribute("data-kx-chip", group);
        chip.setAttribute("aria-label", "取消筛选：" + label);
        chip.addEventListener("click", function () {
          self.state.facets[group] = self.state.facets[group].filter(function (v) { return v !== value; });
          self.state.page = 1;
          self.applyStateToForm();
          self.update("push");
        });
        self.chips.appendChild(chip);
      });
    });
    this.chips.hidden = !this.chips.children.length;
  };

  Directory.prototype.renderPager = function (res) {
    var self = this;
    this.pager.textContent = "";
    if (res.pages <= 1) {
      this.pager.hidden = true;
      return;
    }
    this.pager.hidden = false;
    function go(page) {
      return function () {
        self.state.page = page;
        self.update("push").then(function () {
          self.status.scrollIntoView({ block: "start" });
        });
      };
    }
    var prev = el("button", "kx-dir__page md-button", "上一页");
    prev.type = "button";
    prev.disabled = res.page <= 1;
    prev.addEventListener("click", go(res.page - 1));
    var where = el("span", "kx-dir__where", "第 " + res.page + " / " + res.pages + " 页");
    var next = el("button", "kx-dir__page md-button", "下一页");
    next.type = "button";
    next.disabled = res.page >= res.pages;
    next.addEventListener("click", go(res.page + 1));
    this.pager.appendChild(prev);
    this.pager.appendChild(where);
    this.pager.appendChild(next);
  };

  // ------------------------------------------------------------------ start

  var current = null;
  var resolveReady;
  var api = {
    ready: new Promise(function (resolve) { resolveReady = resolve; }),
    // for tests and the curious: the same answers as IndexReader in generator/search/query.py
    search: function (q, filters, page, pageSize, sort) {
      if (!current) return Promise.reject(new Error("no directory on this page"));
      return current.index.search(q || "", filters || {}, page || 1, pageSize || current.pageSize, current.labels,
        sort || "relevance").then(function (res) {
        res.marks = res.marks.slice();
        return res;
      });
    },
    parseQuery: S.parseQuery,
    fold: S.fold,
    fetched: function () { return current ? current.index.fetched.slice() : []; },
  };
  window.kexieDirectory = api;

  function init() {
    var root = document.querySelector("[data-kx-directory]");
    if (!root || root.getAttribute("data-kx-started")) return;
    root.setAttribute("data-kx-started", "true");
    current = new Directory(root);
    var first = current.start();
    if (!resolveReady) api.ready = first; // a later visit with instant navigation
    else {
      first.then(resolveReady, resolveReady);
      resolveReady = null;
    }
  }

  window.addEventListener("popstate", function () {
    if (current && document.body.contains(current.root)) current.restore();
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // mkdocs-material: runs on load and after each instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
