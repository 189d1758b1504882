/* The header search box: pressing Enter searches the expert directory.
 * mkdocs-material's own search covers the hand-written pages as you type; experts live in the
 * directory's Chinese index (see directory.js), which is what most people are looking for. */
(function () {
  "use strict";
  function directoryUrl(query) {
    var scope = window.__md_scope || new URL(".", document.baseURI);
    var url = new URL("experts/", scope);
    url.searchParams.set("query", query);
    return url.href;
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input || !input.matches || !input.matches("input.md-search__input")) return;
    var query = input.value.trim();
    if (!query) return;
    event.preventDefault();
    event.stopPropagation();
    window.location.href = directoryUrl(query);
  }, true);
})();
