/* The canonical item lists (/projects/, /workstations/, /proposals/, /needs/, /societies/): the page
 * carries the first rows; this script draws any other page (?page=N) and any filter (?year=2016,
 * ?programme=…, ?funded=2016, ?established=2015-06-03..2015-12-31 …) from the list's data file
 * (lists/<name>.json, or .json.gz past the compression threshold). The filter rules are the twin
 * of generator/site/lists.py `select` (tests compare them): a key repeated means any of its values,
 * "A..B" is an inclusive range compared as strings, different keys must all match; when the
 * `yearly` field is filtered the money cells are the matching years' (a year's list shows its
 * money, and the 合计 equals the figure that linked here, to the yuan). */
(function () {
  "use strict";
  var ready = {};
  window.kexieLists = { ready: Promise.resolve() };

  function wan(yuan) {
    /* Python's f"{yuan / 10000:,.2f}": the double's exact value, ties to even */
    var x = yuan / 10000, negative = x < 0, text;
    if (negative) x = -x;
    if (Number.isInteger(x * 8) && !Number.isInteger(x * 100)) {  /* an exact tie at the third decimal */
      var cents = Math.floor(x * 100);
      if (cents % 2 === 1) cents += 1;
      text = (cents / 100).toFixed(2);
    } else {
      text = x.toFixed(2);
    }
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (negative && text !== "0.00" ? "-" : "") + parts.join(".");
  }

  function matches(value, wanted) {
    var values = Array.isArray(value) ? value : [value];
    return wanted.some(function (want) {
      var at = want.indexOf("..");
      if (at >= 0) {
        var low = want.slice(0, at), high = want.slice(at + 2);
        return values.some(function (v) { return (!low || v >= low) && (!high || v <= high); });
      }
      return values.indexOf(want) >= 0;
    });
  }

  function valueLabel(data, name, value) {
    /* twin of list_filters._value_label: a code's label, each part of a "|"-joined value labelled,
     * a range "A..B" as "A 至 B" with the parts both ends share said once */
    var labels = (data.values || {})[name] || {};
    function one(text) {
      if (Object.prototype.hasOwnProperty.call(labels, text)) return labels[text];
      return text.split("|").map(function (part) {
        return Object.prototype.hasOwnProperty.call(labels, part) ? labels[part] : part;
      }).join(" ");
    }
    var at = value.indexOf("..");
    if (at < 0) return one(value);
    var lows = value.slice(0, at).split("|"), highs = value.slice(at + 2).split("|"), shared = 0;
    while (shared < Math.min(lows.length, highs.length) - 1 && lows[shared] === highs[shared]) shared += 1;
    var prefix = shared ? one(lows.slice(0, shared).join("|")) : "";
    if (prefix) prefix += " ";
    var low = lows.slice(shared).join("|"), high = highs.slice(shared).join("|");
    if (/^0*$/.test(low)) low = "";
    if (!low && !high) return prefix + "不限";
    if (!low) return prefix + one(high) + " 及以前";
    if (!high) return prefix + one(low) + " 及以后";
    return prefix + one(low) + " 至 " + one(high);
  }

  function describe(data, params) {
    /* twin of list_filters.filter_text: "按条件筛选（类别：一般课题；资助年度：2016）" or "" */
    var parts = data.fields.filter(function (f) { return params.getAll(f).length; }).map(function (f) {
      var name = (data.names || {})[f] || f;
      return name + "：" + params.getAll(f).map(function (v) { return valueLabel(data, f, v); }).join(" 或 ");
    });
    return parts.length ? "按条件筛选（" + parts.join("；") + "）" : "";
  }

  function select(data, params) {
    var cells = data.head.length, keys = [];
    data.fields.forEach(function (name, i) {
      var wanted = params.getAll(name);
      if (wanted.length) keys.push([cells + i, wanted]);
    });
    var yearly = data.yearly && params.getAll(data.yearly).length ? params.getAll(data.yearly) : null;
    var chosen = [];
    data.rows.forEach(function (row) {
      if (!keys.every(function (k) { return matches(row[k[0]], k[1]); })) return;
      if (yearly) {
        var gross = 0, refund = 0;
        row[row.length - 1].forEach(function (entry) {
          if (matches(String(entry[0]), yearly)) { gross += entry[1]; refund += entry[2]; }
        });
        row = row.slice();
        row[data.money[0]] = gross; row[data.money[1]] = refund; row[data.money[2]] = gross - refund;
      }
      chosen.push(row);
    });
    return chosen;
  }

  function link(base, pair) {
    var a = document.createElement("a");
    a.href = base + pair[0];
    a.textContent = pair[1];
    if (!pair[2]) return a;
    var box = document.createDocumentFragment(), note = document.createElement("span");
    note.className = "kx-why";
    note.textContent = pair[2];
    box.append(a, note);
    return box;
  }

  function cell(td, value, base, money) {
    if (value === null || value === undefined) return;
    if (typeof value === "number") { td.textContent = money ? wan(value) : String(value); return; }
    if (Array.isArray(value)) {
      if (value.length && Array.isArray(value[0])) {
        value.forEach(function (pair, i) { if (i) td.append("、"); td.append(link(base, pair)); });
      } else if (value.length) {
        td.append(link(base, value));
      }
      return;
    }
    td.textContent = value;
  }

  function load(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      if (/\.gz$/.test(url)) return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
      return response.json();
    });
  }

  function draw(box, data) {
    var params = new URLSearchParams(window.location.search);
    var base = box.getAttribute("data-kx-base"), size = parseInt(box.getAttribute("data-kx-rows"), 10);
    var rows = select(data, params);
    var pages = Math.max(1, Math.ceil(rows.length / size));
    var page = Math.min(Math.max(parseInt(params.get("page"), 10) || 1, 1), pages);
    var shown = rows.slice((page - 1) * size, page * size);
    var body = box.querySelector("[data-kx-list-table] tbody");
    body.textContent = "";
    shown.forEach(function (row) {
      var tr = document.createElement("tr");
      data.head.forEach(function (_, i) {
        var td = document.createElement("td");
        if (data.num.indexOf(i) >= 0) td.className = "kx-num";
        td.setAttribute("data-label", data.head[i]);  /* the phone cards' heading, as the page's own rows */
        cell(td, row[i], base, data.money.indexOf(i) >= 0);
        tr.append(td);
      });
      body.append(tr);
    });
    var filtered = data.fields.filter(function (f) { return params.getAll(f).length; });
    var described = describe(data, params);
    var status = box.querySelector("[data-kx-list-status]");
    var text = described + "共 " + rows.length + " 条";
    if (rows.length > size) text += "，第 " + ((page - 1) * size + 1) + "–" + ((page - 1) * size + shown.length) + " 条";
    if (data.money.length) {
      var sums = [0, 0, 0];
      rows.forEach(function (row) { data.money.forEach(function (c, i) { sums[i] += row[c]; }); });
      text += "；合计资助 " + wan(sums[0]) + " 万元，退回 " + wan(sums[1]) + " 万元，净额 " + wan(sums[2]) + " 万元";
    }
    status.textContent = text + "。";
    if (filtered.length) {
      var all = document.createElement("a");
      all.href = window.location.pathname;
      all.textContent = "显示全部";
      status.append(" ", all);
    }
    var pager = box.querySelector("[data-kx-pager]");
    if (!pager) {
      pager = document.createElement("nav");
      pager.className = "kx-pager";
      pager.setAttribute("data-kx-pager", "");
      pager.setAttribute("aria-label", "分页");
      box.append(pager);
    }
    pager.textContent = "";
    pager.hidden = pages < 2;
    function to(n, label, rel) {
      var p = new URLSearchParams(params);
      if (n === 1) p.delete("page"); else p.set("page", String(n));
      var a = document.createElement("a");
      a.href = "?" + p.toString();
      a.textContent = label;
      a.rel = rel;
      return a;
    }
    if (page > 1) pager.append(to(page - 1, "上一页", "prev"), " · ");
    pager.append("第 " + page + " 页，共 " + pages + " 页");
    if (page < pages) pager.append(" · ", to(page + 1, "下一页", "next"));
  }

  function init() {
    var boxes = document.querySelectorAll("[data-kx-list]");
    var params = new URLSearchParams(window.location.search);
    var work = [];
    Array.prototype.forEach.call(boxes, function (box) {
      if (!Array.from(params.keys()).length) return;  /* page 1 without a filter: the page's own table */
      var url = box.getAttribute("data-kx-list");
      ready[url] = ready[url] || load(url);
      work.push(ready[url].then(function (data) { draw(box, data); }, function (error) {
        box.querySelector("[data-kx-list-status]").textContent = "列表数据加载失败（" + error.message + "），请刷新页面重试。";
      }));
    });
    window.kexieLists.ready = Promise.all(work);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
