/* "返回搜索结果" on an expert page: shown when the reader came from the expert directory, pointing
 * back to exactly the results they saw (the directory keeps its query, filters and page in the URL).
 * The link is made here, after the breadcrumbs of a page in the experts/ folder (record pages do not
 * carry it: generator/site/record_pages.py breadcrumbs); without a referrer from the directory it
 * stays hidden. Going back through history keeps the scroll position. */
(function () {
  "use strict";
  function backLink() {
    var back = document.querySelector("[data-kx-back]");
    var crumbs = document.querySelector(".kx-crumbs");
    if (back || !crumbs) return back;
    // an expert page: its breadcrumbs' list link ("../") is the directory, experts/
    var list = crumbs.querySelectorAll("a")[1];
    if (!list || !/\/experts\/$/.test(new URL(list.getAttribute("href"), window.location.href).pathname)) return null;
    back = document.createElement("a");
    back.className = "kx-crumbs__back";
    back.setAttribute("href", list.getAttribute("href"));
    back.setAttribute("data-kx-back", "");
    back.hidden = true;
    back.textContent = "返回搜索结果";
    crumbs.appendChild(back);
    return back;
  }
  function init() {
    var back = backLink();
    if (!back || !document.referrer) return;
    var from;
    try {
      from = new URL(document.referrer);
    } catch (err) {
      return;
    }
    var directory = new URL(back.getAttribute("href"), window.location.href);
    if (from.origin !== window.location.origin || from.pathname !== directory.pathname) return;
    back.href = from.href;
    back.textContent = from.search ? "返回搜索结果" : "返回专家名录";
    back.hidden = false;
    back.addEventListener("click", function (event) {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
