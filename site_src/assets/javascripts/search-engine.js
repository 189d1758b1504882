/*
 * 站内检索引擎：在浏览器里查询预先生成的静态索引（generator/search/index.py 写出的 search/ 目录）。
 * Used by the expert directory (directory.js) and the header box on every page (header-search.js).
 *
 * The algorithm is the one of IndexReader in generator/search/query.py, step for step
 * (tests/test_search_index.py runs both on the same queries and compares the results), and fold()
 * is generator/search/fold.py (NFKC, lower case, tone marks and ü, OpenCC's t2s table from t2s.json).
 * Record text is untrusted: this file only computes; the pages put text in with textContent.
 * Every index file but manifest.json is stored gzip-compressed (index.py; GitHub Pages serves it as
 * plain bytes, without Content-Encoding): get() decompresses it with the browser's DecompressionStream,
 * as Pagefind does its index fragments, unless a server already did (then the body is the JSON itself).
 * Plain ES2017 and DecompressionStream (Chromium 80, Firefox 113, Safari 16.4), no dependencies.
 */
(function () {
  "use strict";

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}";
  var HAN_CHAR = new RegExp("[" + HAN + "]", "u");
  var HAN_ALL = new RegExp("[" + HAN + "]", "gu");
  var SEGMENT = new RegExp("[" + HAN + "]+|[a-z0-9]+", "gu");
  var WORD = /[a-z0-9]+/g;
  var ACCENTED = /[\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]/;
  var MARKS = /[\u0300-\u036f]/g;
  var GROUPS = ["discipline", "industry", "society", "district", "honour"];
  var MAX_SHARDS = 8, ROUND1_BIG = 65536, BUDGET = 260000, TOTAL = 285000, MAX_PINYIN = 2,
    VERIFY_MAX = 200, OTHER = 1000, WORDS = 10;
  var GZ = ".json.gz"; // text.GZ
  var CARD_FIELDS = ["id", "url", "name", "title", "affiliation", "honours", "disciplines", "kind"];

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

  // ------------------------------------------------------------------ folding (fold.py)

  var t2s = new Map();

  function setT2s(pairs) {
    var cs = Array.from(pairs);
    t2s = new Map();
    for (var i = 0; i + 1 < cs.length; i += 2) t2s.set(cs[i], cs[i + 1]);
  }

  function fold(text) {
    text = text.normalize("NFKC").toLowerCase();
    if (ACCENTED.test(text)) {
      text = text.normalize("NFD").replace(/u\u0308/g, "v").replace(MARKS, "").normalize("NFC");
    }
    if (!t2s.size || !HAN_CHAR.test(text)) return text;
    var out = "";
    for (var ch of text) out += t2s.get(ch) || ch;
    return out;
  }

  // fold(text) with where each folded code point came from: {text, from: [index in the original]}
  function foldMapped(text) {
    var out = "", from = [], i = 0;
    for (var ch of text) {
      var f = fold(ch);
      for (var c of f) { out += c; from.push(i); }
      i += ch.length;
    }
    from.push(text.length);
    return { text: out, from: from };
  }

  function chars(text) {
    return Array.from(text); // code points, as Python counts them
  }

  // ------------------------------------------------------------------ query (query.py)

  // null: empty query (everything); []: nothing searchable; else segments that must all match
  function parseQuery(q) {
    var qn = fold(q);
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
      if (HAN_CHAR.test(cs[0])) segments.push({ kind: cs.length === 1 ? "char" : "text", text: seg });
      else segments.push({ kind: "latin", key: seg, words: [seg] });
    }
    return segments;
  }

  // text.py indexed: every pair, and every gram one longer than a frequent one (frequent: a Set)
  function indexed(cs, frequent) {
    return cs.length === 2 || frequent.has(cs.slice(0, -1).join("")) || frequent.has(cs.slice(1).join(""));
  }

  // text.py frequent_cover: [[offset, gram], …] longest first, that the Han string s is read from
  function frequentCover(s, frequent) {
    var cs = chars(s);
    if (indexed(cs, frequent)) return [[0, s]];
    var longest = 1;
    frequent.forEach(function (g) { longest = Math.max(longest, chars(g).length); });
    longest += 1;
    var cover = [], covered = 0;
    while (covered < cs.length) {
      var best = null;
      for (var start = Math.max(0, covered - longest + 1); start <= covered; start++) {
        for (var end = Math.min(cs.length, start + longest); end > Math.max(covered, start + 1); end--) {
          var g = cs.slice(start, end);
          if (g.length >= 2 && indexed(g, frequent) && !frequent.has(g.join(""))) {
            if (best === null || end > best[1]) best = [start, end];
            break;
          }
        }
      }
      if (best === null) { // cannot happen with an index built by index.py; cover what is left pairwise
        for (var o = Math.max(0, covered - 1); o < cs.length - 1; o++) cover.push([o, cs[o] + cs[o + 1]]);
        break;
      }
      cover.push([best[0], cs.slice(best[0], best[1]).join("")]);
      covered = best[1];
    }
    // read first: grams holding no frequent gram, then the longest, then from the left (text.py)
    function common(g) { var found = false; frequent.forEach(function (f) { if (g.indexOf(f) >= 0) found = true; }); return found ? 1 : 0; }
    cover.sort(function (x, y) { return common(x[1]) - common(y[1]) || chars(y[1]).length - chars(x[1]).length || x[0] - y[0]; });
    return cover;
  }

  function segmentKeys(seg, frequent) {
    if (seg.kind === "char") return ["c:" + seg.text, "n:" + seg.text];
    if (seg.kind === "text") {
      var keys = [];
      frequentCover(seg.text, frequent).forEach(function (t) { if (keys.indexOf(t[1]) < 0) keys.push(t[1]); });
      return keys;
    }
    return seg.words.map(function (w) { return "w:" + w; });
  }

  function isLetter(ch) { return /^[a-z]$/.test(ch); }

  function pinyinScore(key, spaced) {
    if (spaced.indexOf("|") >= 0) { // several spellings ("zeng guo hua|ceng guo hua"): the best of them
      var best = null;
      spaced.split("|").forEach(function (part) {
        var s = pinyinScore(key, part);
        if (s !== null && (best === null || s < best)) best = s;
      });
      return best;
    }
    var syl = spaced.split(" ");
    var joined = syl.join("");
    var initials = syl.map(function (s) { return s.charAt(0); }).join("");
    if (key === joined || key === initials || key === syl[0]) return 0;
    if (joined.startsWith(key)) return 2;
    if (initials.startsWith(key)) return 3;
    return null;
  }

  function cpIndex(text, at) { return at < 0 ? -1 : chars(text.slice(0, at)).length; }

  // text.py item_starts: [[code point offset of the item in the doc's text, its field number], …]
  function itemStarts(items) {
    var out = [], at = 0;
    items.forEach(function (it) { out.push([at, it[0]]); at += chars(it[1]).length + 1; });
    return out;
  }

  // text.py field_at: the field number of the item holding code point `at`
  function fieldAt(starts, at) {
    var found = 0;
    for (var i = 0; i < starts.length && starts[i][0] <= at; i++) found = starts[i][1];
    return found;
  }

  // segments.py verify; starts: itemStarts of the doc (a single character outside the name scores by field)
  function verify(seg, text, name, spaced, starts) {
    var at;
    if (seg.kind === "char") {
      at = cpIndex(name, name.indexOf(seg.text));
      if (at >= 0) return at;
      at = cpIndex(text, text.indexOf(seg.text));
      return at < 0 ? null : OTHER + fieldAt(starts, at);
    }
    if (seg.kind === "text") {
      at = cpIndex(text, text.indexOf(seg.text));
      return at < 0 ? null : at;
    }
    if (spaced && isLetter(seg.key.charAt(0))) {
      var score = pinyinScore(seg.key, spaced);
      if (score !== null) return score;
    }
    var firsts = new Map();
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) if (!firsts.has(m[0])) firsts.set(m[0], cpIndex(text, m.index));
    var total = WORDS;
    for (var i = 0; i < seg.words.length; i++) {
      if (!firsts.has(seg.words[i])) return null;
      total += firsts.get(seg.words[i]);
    }
    return total;
  }

  // a file's text: gunzipped when it starts with gzip's magic bytes (JSON never does)
  function inflate(body) {
    var bytes = new Uint8Array(body);
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Promise.resolve(new TextDecoder().decode(bytes));
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  var fileCache = new Map(); // absolute URL → Promise of parsed JSON (shared across page visits)
  var sizes = new Map(); // absolute URL → bytes (the plan's budget counts the files a query uses)
  var indexes = new Map(); // root URL → Index (the directory and the header box share one)

  function Index(root) {
    this.root = root;
    this.fetched = [];
    this.manifest = null;
    this.facetDocs = null;
    this.loading = null;
  }

  Index.prototype.get = function (rel) {
    var url = new URL(rel, this.root).href;
    var manifest = rel === "manifest.json";
    if (!manifest) url += "?v=" + encodeURIComponent(this.manifest.build); // content version: see index.py
    var hit = fileCache.get(url);
    if (!hit) {
      var self = this;
      hit = fetch(url, { credentials: "same-origin", cache: manifest ? "no-cache" : "default" }).then(function (res) {
        if (res.status === 404) return null;
        if (!res.ok) throw new Error("HTTP " + res.status + " " + url);
        return res.arrayBuffer();
      }).then(function (body) {
        if (body === null) return null;
        var size = body.byteLength; // the bytes stored and downloaded (what the plan's budget counts)
        self.fetched.push([rel, size]);
        sizes.set(url, size);
        return inflate(body).then(JSON.parse);
      });
      hit.catch(function () { fileCache.delete(url); });
      fileCache.set(url, hit);
    }
    return hit;
  };

  // manifest and the t2s table (everything a query needs before its shards)
  Index.prototype.load = function () {
    var self = this;
    if (!this.loading) {
      this.loading = this.get("manifest.json").then(function (manifest) {
        self.manifest = manifest;
        self.frequent = new Set(manifest.frequent || []);
        return self.get("t2s" + GZ);
      }).then(function (table) { setT2s(table.pairs); });
      this.loading.catch(function () { self.loading = null; });
    }
    return this.loading;
  };

  Index.prototype.loadFacets = async function () {
    await this.load();
    if (this.facetDocs) return;
    var facets = await this.get("facets" + GZ);
    var docs = {};
    GROUPS.forEach(function (group) {
      var values = facets[group] || {};
      docs[group] = new Map();
      Object.keys(values).forEach(function (value) { docs[group].set(value, decodeDocs(values[value])); });
    });
    this.facetDocs = docs;
  };

  Index.prototype.shardName = function (key) {
    if (key.startsWith("n:")) key = "c:" + key.slice(2);
    return "i/" + (crc32(key) % this.manifest.shards) + GZ;
  };

  // the plan (query.py _load): shards round-robin over the segments' keys up to budget, then own files
  Index.prototype.loadKeys = async function (segments, loaded, budget, counts, bigLimit) {
    var self = this;
    var keys = segments.map(function (seg) { return segmentKeys(seg, self.frequent); });
    var most = Math.max.apply(null, keys.map(function (ks) { return ks.length; }).concat([0]));
    var order = [];
    for (var i = 0; i < most; i++) keys.forEach(function (ks) { if (i < ks.length && order.indexOf(ks[i]) < 0) order.push(ks[i]); });
    var shards = counts.shards;
    order.forEach(function (k) {
      var name = self.shardName(k);
      if (shards.indexOf(name) >= 0 || shards.length >= budget) return;
      if (shards.length && self.used(counts) + self.shardBytes(name) > BUDGET) return;
      shards.push(name);
    });
    var files = await Promise.all(shards.map(function (name) { return self.get(name); }));
    var byName = new Map();
    shards.forEach(function (name, j) { byName.set(name, files[j] || {}); });
    order.forEach(function (k) {
      var shard = byName.get(self.shardName(k));
      if (shard === undefined || loaded.has(k)) return;
      var value = Object.prototype.hasOwnProperty.call(shard, k) ? shard[k] : undefined;
      if (value === undefined) loaded.set(k, new Map());
      else if (value.charAt(0) !== "@") loaded.set(k, decodePostings(value));
    });
    var have = keys.map(function (ks) { return ks.some(function (k) { return loaded.has(k); }); });
    function owner(k) { for (var j = 0; j < keys.length; j++) if (keys[j].indexOf(k) >= 0) return have[j] ? 1 : 0; return 0; }
    var big = [];
    order.forEach(function (k) {
      if (loaded.has(k) || !byName.has(self.shardName(k))) return;
      var parts = byName.get(self.shardName(k))[k].slice(1).split(".");
      big.push([owner(k), parseInt(parts[1], 10), k, parts[0]]);
    });
    // segments with nothing read yet first, then the smallest (the rarest) key
    big.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0); });
    for (var b = 0; b < big.length; b++) {
      if (big[b][1] > bigLimit || this.used(counts) + big[b][1] > BUDGET) continue;
      counts.big += big[b][1];
      var file = await this.get("x/" + big[b][3] + GZ);
      loaded.set(big[b][2], decodePostings(file.p));
    }
  };

  Index.prototype.shardBytes = function (name) {
    return this.manifest.shardBytes[parseInt(name.slice(2, -GZ.length), 10)];
  };

  Index.prototype.used = function (counts) {
    var self = this, used = counts.big + counts.pinyin;
    counts.shards.forEach(function (name) { used += self.shardBytes(name); });
    return used;
  };

  // query.py _checkable: the t/ files holding these candidates (textMean bytes each) fit in TOTAL
  Index.prototype.checkable = function (scores, counts) {
    var files = new Set(), block = this.manifest.textBlock;
    scores.forEach(function (s, d) { files.add(Math.floor(d / block)); });
    return scores.size <= VERIFY_MAX && files.size * this.manifest.textMean <= TOTAL - this.used(counts);
  };

  Index.prototype.pinyin = async function (letter) {
    if (this.manifest.pinyin.indexOf(letter) < 0) return [];
    var data = await this.get("p/" + letter + GZ);
    return decodeDocs(data.d).map(function (doc, i) { return [doc, data.s[i]]; });
  };

  // [Map doc → score, exact] from what is loaded; [null, false] when nothing bounds the segment yet
  function segmentScores(seg, loaded, pinyin, frequent) {
    var keys = segmentKeys(seg, frequent);
    var have = keys.filter(function (k) { return loaded.has(k); });
    var out = new Map();
    if (seg.kind === "char") {
      if (!loaded.has(keys[0])) return [null, false];
      var names = loaded.has(keys[1]) ? loaded.get(keys[1]) : null;
      loaded.get(keys[0]).forEach(function (ps, d) {
        out.set(d, names && names.has(d) ? names.get(d)[0] : OTHER + ps[0]); // ps[0]: a field number
      });
      return [out, names !== null];
    }
    if (seg.kind === "text") {
      if (!have.length) return [null, false];
      var lists = [];
      frequentCover(seg.text, frequent).forEach(function (t) { if (loaded.has(t[1])) lists.push([t[0], loaded.get(t[1])]); });
      lists.sort(function (x, y) { return x[1].size - y[1].size; });
      var firstOff = lists[0][0];
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
      return [out, have.length === keys.length];
    }
    var letter = isLetter(seg.key.charAt(0)) ? seg.key.charAt(0) : "";
    if (have.length < keys.length || (letter && !pinyin.has(letter))) return [null, false];
    (pinyin.get(letter) || []).forEach(function (entry) {
      var score = pinyinScore(seg.key, entry[1]);
      if (score !== null) out.set(entry[0], score);
    });
    var tokens = null;
    keys.forEach(function (k) {
      var scores = new Map();
      loaded.get(k).forEach(function (ps, d) { scores.set(d, ps[0]); });
      if (tokens === null) tokens = scores;
      else {
        var both = new Map();
        tokens.forEach(function (s, d) { if (scores.has(d)) both.set(d, s + scores.get(d)); });
        tokens = both;
      }
    });
    if (tokens) tokens.forEach(function (s, d) { if (!out.has(d)) out.set(d, WORDS + s); });
    return [out, true];
  }

  function combine(segments, loaded, pinyin, scope, frequent) {
    var scores = null, exact = true;
    segments.forEach(function (seg) {
      var r = segmentScores(seg, loaded, pinyin, frequent);
      exact = exact && r[1];
      if (r[0] === null) return;
      if (scores === null) {
        scores = new Map();
        r[0].forEach(function (s, d) { if (d < scope) scores.set(d, s); });
      } else {
        var both = new Map();
        scores.forEach(function (s, d) { if (r[0].has(d)) both.set(d, s + r[0].get(d)); });
        scores = both;
      }
    });
    return [scores, exact];
  }

  // {docs, marks: Map doc → "prefix"|"other", partial}; null for an empty query (query.py match_info)
  Index.prototype.matchInfo = async function (q, scope) {
    await this.load();
    var segments = parseQuery(q);
    if (segments === null) return null;
    if (scope === undefined || scope === null) scope = this.manifest.docs;
    if (!segments.length) return { docs: [], marks: new Map(), partial: false };
    var loaded = new Map(), pinyin = new Map(), counts = { shards: [], big: 0, pinyin: 0 };
    for (var i = 0; i < segments.length; i++) {
      var seg = segments[i];
      var letter = seg.kind === "latin" && isLetter(seg.key.charAt(0)) ? seg.key.charAt(0) : "";
      if (letter && !pinyin.has(letter) && pinyin.size < MAX_PINYIN) {
        var size = this.manifest.pinyinBytes[letter] || 0;
        if (!pinyin.size || this.used(counts) + size <= BUDGET) {
          counts.pinyin += size;
          pinyin.set(letter, await this.pinyin(letter));
        }
      }
    }
    var rounds = [[Math.min(segments.length, MAX_SHARDS), ROUND1_BIG], [MAX_SHARDS, BUDGET]];
    var r;
    for (var b = 0; b < rounds.length; b++) {
      await this.loadKeys(segments, loaded, rounds[b][0], counts, rounds[b][1]);
      r = combine(segments, loaded, pinyin, scope, this.frequent);
      if (r[1] || (r[0] !== null && this.checkable(r[0], counts))) break;
    }
    var scores = r[0], partial = false;
    if (!r[1]) {
      if (scores !== null && this.checkable(scores, counts)) {
        scores = await this.verifyDocs(segments, Array.from(scores.keys()).sort(function (x, y) { return x - y; }));
      } else {
        partial = true;
        scores = scores || new Map();
      }
    }
    var docs = Array.from(scores.keys());
    docs.sort(function (x, y) { return scores.get(x) - scores.get(y) || x - y; });
    var marks = new Map();
    for (var j = 0; j < docs.length; j++) {
      var mark = await this.mark(segments, docs[j], pinyin, loaded);
      if (mark) marks.set(docs[j], mark);
    }
    return { docs: docs, marks: marks, partial: partial };
  };

  // one doc's searched fields as shown, {i: [[field, text], …], s}, from the t/ file holding it
  Index.prototype.text = async function (doc) {
    var block = this.manifest.textBlock, fields = this.manifest.fields;
    var t = (await this.get("t/" + Math.floor(doc / block) + GZ))[doc % block];
    return { i: t.i.map(function (it) { return [fields[it[0]], it[1]]; }), s: t.s };
  };

  // query.py _verify: check candidates against their texts
  Index.prototype.verifyDocs = async function (segments, docs) {
    var self = this, block = this.manifest.textBlock;
    var texts = await Promise.all(docs.map(function (d) {
      return self.get("t/" + Math.floor(d / block) + GZ).then(function (file) { return file[d % block]; });
    }));
    var out = new Map();
    docs.forEach(function (d, j) {
      var items = texts[j].i.map(function (it) { return [it[0], fold(it[1])]; }); // [field number, folded text]
      var text = items.map(function (it) { return it[1]; }).join("\n");
      var name = items.length && items[0][0] === 0 ? items[0][1] : ""; // FIELDS[0] is the name
      var starts = itemStarts(items);
      var total = 0;
      for (var i = 0; i < segments.length; i++) {
        var s = verify(segments[i], text, name, texts[j].s || "", starts);
        if (s === null) return;
        total += s;
      }
      out.set(d, total);
    });
    return out;
  };

  // query.py _mark: only from what the query read
  Index.prototype.mark = async function (segments, doc, pinyin, loaded) {
    for (var i = 0; i < segments.length; i++) {
      var seg = segments[i];
      if (seg.kind !== "latin" || !isLetter(seg.key.charAt(0))) continue;
      var entry = (pinyin.get(seg.key.charAt(0)) || []).find(function (e) { return e[0] === doc; });
      if (entry && (pinyinScore(seg.key, entry[1]) || 0) >= 2) return "prefix";
    }
    for (var j = 0; j < segments.length; j++) {
      var names = segments[j].kind === "char" ? loaded.get("n:" + segments[j].text) : undefined;
      if (names !== undefined && !names.has(doc)) return "other";
    }
    return "";
  };

  Index.prototype.match = async function (q, scope) {
    var info = await this.matchInfo(q, scope);
    return info === null ? null : info.docs;
  };

  Index.prototype.card = async function (doc) {
    var block = this.manifest.textBlock; // a doc's card sits beside its text (index.py)
    var row = (await this.get("t/" + Math.floor(doc / block) + GZ))[doc % block].c;
    var card = {};
    CARD_FIELDS.forEach(function (f, i) { card[f] = row[i]; });
    card.doc = doc;
    card.url = card.url || this.manifest.cardUrl.replace("{kind}", card.kind).replace("{id}", card.id);
    return card;
  };

  Index.prototype.valueDocs = function (group, value, label) {
    var map = this.facetDocs[group];
    if (!map) return [];
    return map.get(value) || (label !== undefined && map.get(label)) || [];
  };

  // The directory's view (query.py search): experts only. filters: {group: [value, …]};
  // labels: {group: {value: label}}; sort: "relevance" | "pinyin" | "honours"
  Index.prototype.search = async function (q, filters, page, pageSize, labels, sort) {
    await this.loadFacets();
    var n = this.manifest.experts;
    var info = await this.matchInfo(q, n);
    var docs;
    if (info === null) {
      docs = new Array(n);
      for (var d = 0; d < n; d++) docs[d] = d;
    } else docs = info.docs;
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
    if (sort === "pinyin") result.sort(function (x, y) { return x - y; });
    else if (sort === "honours") {
      var honours = new Uint16Array(n);
      this.facetDocs.honour.forEach(function (list) { list.forEach(function (doc) { honours[doc] += 1; }); });
      result.sort(function (x, y) { return honours[y] - honours[x] || x - y; });
    }
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
    var marks = shown.map(function (doc) { return (info && info.marks.get(doc)) || ""; });
    return { docs: result, total: result.length, facets: counts, page: page, pages: pages, cards: cards,
      marks: marks, partial: !!(info && info.partial), segments: info ? parseQuery(q) : null };
  };

  // Why doc matched: the first item (in field order) holding a segment → {field, text, hits: [[start, end]]}
  // with start/end indexes into the item's original text, for highlighting.
  Index.prototype.explain = async function (doc, segments) {
    var t = await this.text(doc);
    var best = null;
    t.i.forEach(function (item, idx) {
      if (best) return;
      var mapped = foldMapped(item[1]);
      var hits = [];
      (segments || []).forEach(function (seg) {
        var needles = seg.kind === "latin" ? seg.words : [seg.text];
        needles.forEach(function (needle) {
          var re = seg.kind === "latin" ? new RegExp("(?<![a-z0-9])" + needle + "(?![a-z0-9])", "g") : null;
          var at = re ? (re.exec(mapped.text) || { index: -1 }).index : mapped.text.indexOf(needle);
          if (at >= 0) hits.push([mapped.from[chars(mapped.text.slice(0, at)).length],
            mapped.from[chars(mapped.text.slice(0, at + needle.length)).length]]);
        });
      });
      if (hits.length) best = { field: item[0], text: item[1], hits: hits, index: idx, items: t.i };
    });
    return best || { field: t.i.length ? t.i[0][0] : "", text: t.i.length ? t.i[0][1] : "", hits: [], index: 0, spaced: t.s, items: t.i };
  };

  function open(root) {
    var url = new URL(root, document.baseURI).href;
    if (!indexes.has(url)) indexes.set(url, new Index(url));
    return indexes.get(url);
  }

  window.kexieSearch = {
    open: open, fold: fold, foldMapped: foldMapped, parseQuery: parseQuery, setT2s: setT2s,
    GROUPS: GROUPS, HAN_ALL: HAN_ALL,
  };
})();
