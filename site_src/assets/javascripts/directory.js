/*
 * 专家名录：在浏览器里查询预先生成的静态索引（generator/site/search_index.py 写出的 search/ 目录）。
 *
 * The query algorithm is the one of IndexReader in generator/site/search_index.py, step for step
 * (tests/test_search_index.py runs both on the same queries and compares the results):
 *   - latin only (zhangwei, zhang wei, zw, 5g): a prefix of the joined pinyin or of the initials,
 *     or else every latin word is a whole word of the text;
 *   - with Han: the query's runs of Han and of latin letters/digits must all match (AND); one Han
 *     character must be in the name, two or more must be a substring of the text (checked with
 *     positional bigrams, so 科学院 never matches 科学 … 学院 apart); never an OR of characters.
 * Record text is untrusted: everything is put in the page with textContent / createElement.
 * Plain ES2017, no dependencies. Works with and without mkdocs-material's instant navigation.
 */
(function () {
  "use strict";

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}";
  var HAN_CHAR = new RegExp("[" + HAN + "]", "u");
  var SEGMENT = new RegExp("[" + HAN + "]+|[a-z0-9]+", "gu");
  var WORD = /[a-z0-9]+/g;
  var GROUPS = ["discipline", "industry", "society", "district", "honour"];
  var DEFAULT_PAGE_SIZE = 20;

  var DEC = new Int8Array(128).fill(-1);
  for (var a = 0; a < ALPHABET.length; a++) DEC[ALPHABET.charCodeAt(a)] = a;

  var CRC_TABLE = (function () {
    var table = new Int32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
    return table;
  })();
  var utf8 = new TextEncoder();

  function crc32(text) {
    var bytes = utf8.encode(text);
    var c = -1;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  }

  // ------------------------------------------------------------------ number code

  function decodeNumbers(s) {
    var out = [];
    var v = 0;
    for (var i = 0; i < s.length; i++) {
      var c = DEC[s.charCodeAt(i)];
      if (c >= 32) {
        v = v * 32 + c - 32;
      } else {
        out.push(v * 32 + c);
        v = 0;
      }
    }
    return out;
  }

  function decodeDocs(s) {
    var nums = decodeNumbers(s);
    var prev = -1;
    for (var i = 0; i < nums.length; i++) {
      prev += nums[i] + 1;
      nums[i] = prev;
    }
    return nums;
  }

  // "<doc gaps>.<positions>" → Map doc → [positions]
  function decodePostings(s) {
    var parts = s.split(".");
    var gaps = decodeNumbers(parts[0]);
    var positions = decodeNumbers(parts[1]);
    var out = new Map();
    var doc = 0;
    for (var i = 0; i < gaps.length; i++) {
      doc += gaps[i];
      var list = out.get(doc);
      if (gaps[i] || list === undefined) out.set(doc, [positions[i]]);
      else list.push(positions[i]);
    }
    return out;
  }

  // ------------------------------------------------------------------ query

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  function chars(text) {
    return Array.from(text); // code points, as Python counts them
  }

  // null: empty query (everything); []: nothing searchable; else segments that must all match
  function parseQuery(q) {
    var qn = normalize(q).replace(/ü/g, "v");
    if (!qn.trim()) return null;
    if (!HAN_CHAR.test(qn)) {
      var words = qn.match(WORD) || [];
      return words.length ? [{ kind: "latin", key: words.join(""), words: words }] : [];
    }
    var segments = [];
    var seen = new Set();
    SEGMENT.lastIndex = 0;
    var m;
    while ((m = SEGMENT.exec(qn)) !== null) {
      var seg = m[0];
      if (seen.has(seg)) continue;
      seen.add(seg);
      var cs = chars(seg);
      if (HAN_CHAR.test(cs[0])) {
        segments.push({ kind: cs.length === 1 ? "name" : "text", text: seg });
      } else {
        segments.push({ kind: "latin", key: seg, words: [seg] });
      }
    }
    return segments;
  }

  function coveringOffsets(k) {
    var offsets = [];
    for (var i = 0; i < k - 1; i += 2) offsets.push(i);
    if (k % 2 === 1) offsets.push(k - 2);
    return offsets;
  }

  var fileCache = new Map(); // absolute URL → Promise of parsed JSON (shared across page visits)

  function Index(root) {
    this.root = root;
    this.fetched = [];
    this.manifest = null;
    this.facetDocs = null;
  }

  Index.prototype.get = function (rel) {
    var url = new URL(rel, this.root).href;
    var manifest = rel === "manifest.json";
    if (!manifest) url += "?v=" + encodeURIComponent(this.manifest.build); // content version: see search_index.py
    var hit = fileCache.get(url);
    if (!hit) {
      var self = this;
      hit = fetch(url, { credentials: "same-origin", cache: manifest ? "no-cache" : "default" }).then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status + " " + url);
        return res.text();
      }).then(function (text) {
        self.fetched.push([rel, utf8.encode(text).length]);
        return JSON.parse(text);
      });
      hit.catch(function () { fileCache.delete(url); });
      fileCache.set(url, hit);
    }
    return hit;
  };

  Index.prototype.load = async function () {
    this.manifest = await this.get("manifest.json");
    var facets = await this.get("facets.json");
    var docs = {};
    GROUPS.forEach(function (group) {
      var values = facets[group] || {};
      docs[group] = new Map();
      Object.keys(values).forEach(function (value) {
        docs[group].set(value, decodeDocs(values[value]));
      });
    });
    this.facetDocs = docs;
  };

  Index.prototype.postings = async function (key) {
    var shard = (await this.get("i/" + (crc32(key) % this.manifest.shards) + ".json")) || {};
    var value = Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : undefined;
    if (value === undefined) return new Map();
    if (value.charAt(0) === "@") value = (await this.get("x/" + value.slice(1) + ".json")).p;
    return decodePostings(value);
  };

  Index.prototype.pinyin = async function (letter) {
    if (this.manifest.pinyin.indexOf(letter) < 0) return [];
    var data = await this.get("p/" + letter + ".json");
    var docs = decodeDocs(data.d);
    return docs.map(function (doc, i) { return [doc, data.s[i]]; });
  };

  // Map doc → score (the start of the best match)
  Index.prototype.text = async function (segment) {
    var cs = chars(segment);
    var self = this;
    var lists = await Promise.all(coveringOffsets(cs.length).map(async function (off) {
      return [off, await self.postings(cs[off] + cs[off + 1])];
    }));
    lists.sort(function (x, y) { return x[1].size - y[1].size; });
    var firstOff = lists[0][0];
    var out = new Map();
    lists[0][1].forEach(function (positions, doc) {
      var others = [];
      for (var i = 1; i < lists.length; i++) {
        var ps = lists[i][1].get(doc);
        if (ps === undefined) return;
        others.push([lists[i][0], new Set(ps)]);
      }
      var best = null;
      positions.forEach(function (p) {
        var start = p - firstOff;
        for (var j = 0; j < others.length; j++) if (!others[j][1].has(start + others[j][0])) return;
        if (best === null || start < best) best = start;
      });
      if (best !== null) out.set(doc, best);
    });
    return out;
  };

  Index.prototype.latin = async function (key, words) {
    var out = new Map();
    if (key && /[a-z]/.test(key.charAt(0))) {
      (await this.pinyin(key.charAt(0))).forEach(function (entry) {
        var syllables = entry[1].split(" ");
        var joined = syllables.join("");
        if (joined.startsWith(key)) {
          out.set(entry[0], joined === key ? 0 : 1);
        } else if (syllables.map(function (s) { return s.charAt(0); }).join("").startsWith(key)) {
          out.set(entry[0], 2);
        }
      });
    }
    var tokens = null;
    for (var i = 0; i < words.length; i++) {
      var post = await this.postings("w:" + words[i]);
      var scores = new Map();
      post.forEach(function (ps, doc) { scores.set(doc, ps[0]); });
      if (tokens === null) {
        tokens = scores;
      } else {
        var both = new Map();
        tokens.forEach(function (s, doc) { if (scores.has(doc)) both.set(doc, s + scores.get(doc)); });
        tokens = both;
      }
    }
    if (tokens) tokens.forEach(function (s, doc) { if (!out.has(doc)) out.set(doc, 3 + s); });
    return out;
  };

  // matching docs, best first; null for an empty query (everything, in directory order)
  Index.prototype.match = async function (q) {
    var segments = parseQuery(q);
    if (segments === null) return null;
    var scores = null;
    for (var i = 0; i < segments.length; i++) {
      var seg = segments[i];
      var found;
      if (seg.kind === "name") {
        found = new Map();
        (await this.postings("n:" + seg.text)).forEach(function (ps, doc) { found.set(doc, ps[0]); });
      } else if (seg.kind === "text") {
        found = await this.text(seg.text);
      } else {
        found = await this.latin(seg.key, seg.words);
      }
      if (scores === null) {
        scores = found;
      } else {
        var both = new Map();
        scores.forEach(function (s, doc) { if (found.has(doc)) both.set(doc, s + found.get(doc)); });
        scores = both;
      }
      if (!scores.size) return [];
    }
    if (scores === null) return [];
    var docs = Array.from(scores.keys());
    docs.sort(function (x, y) { return scores.get(x) - scores.get(y) || x - y; });
    return docs;
  };

  Index.prototype.valueDocs = function (group, value, label) {
    var map = this.facetDocs[group];
    if (!map) return [];
    return map.get(value) || (label !== undefined && map.get(label)) || [];
  };

  Index.prototype.card = async function (doc) {
    var block = this.manifest.cardBlock;
    var row = (await this.get("c/" + Math.floor(doc / block) + ".json"))[doc % block];
    return {
      id: row[0],
      url: row[1] || this.manifest.cardUrl.replace("{id}", row[0]),
      name: row[2],
      title: row[3],
      affiliation: row[4],
      honours: row[5],
    };
  };

  // filters: {group: [value, …]}; labels: {group: {value: label}} (a facet is found by value, else by label)
  Index.prototype.search = async function (q, filters, page, pageSize, labels) {
    var n = this.manifest.docs;
    var matched = await this.match(q);
    var docs = matched;
    if (docs === null) {
      docs = new Array(n);
      for (var d = 0; d < n; d++) docs[d] = d;
    }
    var self = this;
    labels = labels || {};
    var active = GROUPS.filter(function (g) { return filters[g] && filters[g].length; });
    var allowed = {};
    active.forEach(function (group) {
      var mark = new Uint8Array(n);
      filters[group].forEach(function (value) {
        self.valueDocs(group, value, (labels[group] || {})[value]).forEach(function (doc) { mark[doc] = 1; });
      });
      allowed[group] = mark;
    });
    var result = docs.filter(function (doc) {
      return active.every(function (g) { return allowed[g][doc] === 1; });
    });
    var counts = {};
    GROUPS.forEach(function (group) {
      var others = active.filter(function (g) { return g !== group; });
      var base = new Uint8Array(n);
      docs.forEach(function (doc) {
        if (others.every(function (g) { return allowed[g][doc] === 1; })) base[doc] = 1;
      });
      counts[group] = {};
      self.facetDocs[group].forEach(function (list, value) {
        var c = 0;
        for (var i = 0; i < list.length; i++) c += base[list[i]];
        counts[group][value] = c;
      });
    });
    var pages = Math.max(1, Math.ceil(result.length / pageSize));
    page = Math.min(Math.max(1, page), pages);
    var shown = result.slice((page - 1) * pageSize, page * pageSize);
    var cards = await Promise.all(shown.map(function (doc) { return self.card(doc); }));
    return { docs: result, total: result.length, facets: counts, page: page, pages: pages, cards: cards };
  };

  // ------------------------------------------------------------------ page

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

  function Directory(root) {
    this.root = root;
    this.base = root.getAttribute("data-base") || "";
    var indexUrl = root.getAttribute("data-index") || this.base + "search/";
    this.index = new Index(new URL(indexUrl, document.baseURI).href);
    this.pageSize = parseInt(root.getAttribute("data-page-size"), 10) || DEFAULT_PAGE_SIZE;
    this.input = root.querySelector("[data-kx-q]");
    this.form = root.querySelector("form");
    this.list = root.querySelector("[data-kx-results]");
    this.status = root.querySelector("[data-kx-count]");
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
    this.last = null;
  }

  // The query's URL parameter is "query": mkdocs-material's own search takes "q" (it opens its
  // search dialog on any page whose URL has ?q= and removes the parameter when the dialog closes).
  function readState(search) {
    var params = new URLSearchParams(search);
    var state = { q: params.get("query") || "", page: parseInt(params.get("page"), 10) || 1, facets: {} };
    GROUPS.forEach(function (group) { state.facets[group] = params.getAll(group).filter(Boolean); });
    return state;
  }

  function stateQuery(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("query", state.q.trim());
    GROUPS.forEach(function (group) {
      state.facets[group].forEach(function (value) { params.append(group, value); });
    });
    if (state.page > 1) params.set("page", String(state.page));
    var text = params.toString();
    return text ? "?" + text : "";
  }

  Directory.prototype.start = async function () {
    var self = this;
    this.root.classList.add("kx-dir--js");
    this.applyStateToForm();
    this.input.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () {
        self.state.q = self.input.value;
        self.state.page = 1;
        self.update("replace");
      }, 200);
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(self.timer);
      self.state.q = self.input.value;
      self.state.page = 1;
      self.update("replace");
    });
    this.boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        self.state.facets = self.readFacets();
        self.state.page = 1;
        self.update("push");
      });
    });
    if (this.reset) {
      this.reset.addEventListener("click", function () {
        self.state = { q: "", page: 1, facets: {} };
        GROUPS.forEach(function (g) { self.state.facets[g] = []; });
        self.applyStateToForm();
        self.update("push");
      });
    }
    try {
      await this.index.load();
    } catch (err) {
      this.fail();
      return;
    }
    await this.update(null);
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

  // history: "push" (a facet or a page), "replace" (typing), null (first render, back/forward)
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
    var res;
    try {
      res = await this.index.search(state.q, state.facets, state.page, this.pageSize, this.labels);
    } catch (err) {
      if (seq === this.seq) this.fail();
      return;
    }
    if (seq !== this.seq) return; // a newer query is on its way
    this.state.page = res.page;
    this.render(res);
    this.root.removeAttribute("aria-busy");
  };

  Directory.prototype.render = function (res) {
    var self = this;
    this.status.textContent = "共 " + res.total + " 位专家";

    var items = document.createDocumentFragment();
    res.cards.forEach(function (card) {
      var li = el("li", "kx-dir__item");
      var href = safeHref(self.base, card.url);
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
      items.appendChild(li);
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
      box.disabled = count === 0 && !box.checked;
      box.parentNode.classList.toggle("kx-dir__option--empty", count === 0);
    });
    GROUPS.forEach(function (group) {
      var badge = self.root.querySelector("[data-kx-selected=" + group + "]");
      if (badge) {
        var n = self.state.facets[group].length;
        badge.textContent = n ? "已选 " + n : "";
      }
    });
    var filtered = this.state.q.trim() || GROUPS.some(function (g) { return self.state.facets[g].length; });
    if (this.reset) this.reset.hidden = !filtered;

    this.renderPager(res);
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
    // for tests and the curious: the same answers as IndexReader in search_index.py
    search: function (q, filters, page, pageSize) {
      if (!current) return Promise.reject(new Error("no directory on this page"));
      return current.index.search(q || "", filters || {}, page || 1, pageSize || current.pageSize, current.labels);
    },
    parseQuery: parseQuery,
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
