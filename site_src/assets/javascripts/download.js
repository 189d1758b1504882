/* 专家名录 "下载结果": the current filtered result — the query, filters and order in the page's
 * URL, all pages of it — as CSV or XLSX, written in the browser.
 *
 * Which experts: window.kexieDirectory.search(...) with the URL's state, the same call that fills
 * the result list. Their fields: the open data (api/experts.json), labelled with the directory's
 * own facet labels (data-label of its checkboxes). XLSX: write-excel-file, vendored under
 * assets/vendor/ and loaded on first use.
 *
 * Record text is untrusted (the OWASP "CSV Injection" rule, as generator/common/tabular.py does for
 * the site's own files): a text cell starting with = + - @, a tab or a carriage return — or with
 * = + - @ after leading spaces — gets a ' in front; in XLSX every cell is a string cell, never a
 * formula; control characters XLSX cannot hold become visible \x0b-style escapes, in both files.
 */
(function () {
  "use strict";

  var GROUPS = ["discipline", "industry", "society", "district", "honour"];
  var COLUMNS = [
    ["姓名", 10], ["拼音", 14], ["职称", 12], ["荣誉称号", 16], ["工作单位", 30], ["区、县（市）", 10],
    ["学科", 24], ["服务行业", 16], ["所属学会", 30], ["个人主页", 24], ["公开邮箱", 24], ["页面", 40],
  ];
  var CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;
  var FORMULA = /^[=+\-@\uff1d\uff0b\uff0d\uff20]/;  // and full-width ＝＋－＠, as generator/common/tabular.py

  function neutralise(text) {
    text = String(text).replace(CONTROL, function (c) { return "\\x" + ("0" + c.charCodeAt(0).toString(16)).slice(-2); });
    if (text.charAt(0) === "\t" || text.charAt(0) === "\r" || FORMULA.test(text.replace(/^\s+/, ""))) return "'" + text;
    return text;
  }

  function csvCell(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCsv(rows) {
    return "\ufeff" + rows.map(function (row) { return row.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    GROUPS.forEach(function (group) { filters[group] = params.getAll(group).filter(Boolean); });
    return { q: params.get("query") || "", filters: filters, sort: params.get("sort") || "relevance" };
  }

  function facetLabels(root) {
    var labels = {};
    GROUPS.forEach(function (group) { labels[group] = {}; });
    Array.prototype.forEach.call(root.querySelectorAll("input[data-kx-facet]"), function (box) {
      var group = box.getAttribute("data-kx-facet");
      if (labels[group]) labels[group][box.value] = box.getAttribute("data-label") || box.value;
    });
    return labels;
  }

  var openData = null;
  function experts(base) {
    if (!openData) {
      openData = fetch(new URL(base + "api/experts.json", document.baseURI).href, { credentials: "same-origin" })
        .then(function (res) {
          if (!res.ok) throw new Error("HTTP " + res.status);
          return res.json();
        })
        .then(function (list) {
          var byId = new Map();
          list.forEach(function (e) { byId.set(e.id, e); });
          return byId;
        });
      openData.catch(function () { openData = null; });
    }
    return openData;
  }

  // every expert of the current result, in the order the directory lists them
  async function resultIds() {
    var api = window.kexieDirectory;
    await api.ready;
    var state = readState();
    var first = await api.search(state.q, state.filters, 1, 1, state.sort);
    if (!first.total) return [];
    var all = await api.search(state.q, state.filters, 1, first.total, state.sort);
    return all.cards.map(function (card) { return card.id; });
  }

  async function table(root) {
    var base = root.getAttribute("data-base") || "";
    var labels = facetLabels(root);
    var ids = await resultIds();
    var byId = await experts(base);
    var site = new URL(base, document.baseURI).href;
    function label(group, value) { return labels[group][value] || value; }
    var rows = [COLUMNS.map(function (c) { return c[0]; })];
    ids.forEach(function (id) {
      var e = byId.get(id);
      if (!e) return; // not an expert (or not published): nothing to write
      rows.push([
        e.name, e.pinyin, e.title,
        (e.honours || []).map(function (h) { return label("honour", h); }).join("、"),
        e.affiliation, e.district || "",
        (e.disciplines || []).map(function (d) { return label("discipline", d); }).join("、"),
        (e.industries || []).map(function (i) { return label("industry", i); }).join("、"),
        (e.societies || []).map(function (s) { return label("society", s.society) + (s.role ? "（" + s.role + "）" : ""); }).join("、"),
        e.homepage || "", e.email || "", new URL(e.url, site).href,
      ].map(function (cell) { return neutralise(cell == null ? "" : cell); }));
    });
    return rows;
  }

  var library = null;
  function loadXlsxWriter(base) {
    if (window.writeXlsxFile) return Promise.resolve(window.writeXlsxFile);
    if (!library) {
      library = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + "assets/vendor/write-excel-file/write-excel-file.min.js";
        script.onload = function () { resolve(window.writeXlsxFile); };
        script.onerror = function () { library = null; reject(new Error("write-excel-file")); };
        document.head.appendChild(script);
      });
    }
    return library;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 1000);
  }

  async function download(root, format, status) {
    var base = root.getAttribute("data-base") || "";
    status.textContent = "正在准备文件…";
    var rows = await table(root);
    var name = "专家名录-检索结果." + format;
    if (format === "csv") {
      save(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }), name);
    } else {
      var write = await loadXlsxWriter(base);
      var data = rows.map(function (row, i) {
        return row.map(function (text) { return i ? { type: String, value: text } : { type: String, value: text, fontWeight: "bold" }; });
      });
      var blob = await write(data, {
        sheet: "专家名录",
        stickyRowsCount: 1,
        columns: COLUMNS.map(function (c) { return { width: c[1] }; }),
      }).toBlob();
      save(blob, name);
    }
    status.textContent = "已下载 " + (rows.length - 1) + " 位专家（" + format.toUpperCase() + "）。";
  }

  function init() {
    var root = document.querySelector("[data-kx-directory]");
    var box = root && root.querySelector("[data-kx-download]");
    if (!box || box.getAttribute("data-kx-started")) return;
    box.setAttribute("data-kx-started", "true");
    var status = box.querySelector("[data-kx-download-status]");
    Array.prototype.forEach.call(box.querySelectorAll("[data-kx-download-format]"), function (button) {
      button.addEventListener("click", function () {
        var format = button.getAttribute("data-kx-download-format");
        download(root, format, status).catch(function () {
          status.textContent = "文件生成失败，请稍后重试；也可以在“开放数据”页面下载全部专家名录。";
        });
      });
    });
    box.hidden = false;
  }

  // for the tests: the cell rule and the rows a download would hold
  window.kexieDownload = { neutralise: neutralise, toCsv: toCsv, rows: function () {
    return table(document.querySelector("[data-kx-directory]"));
  } };

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
