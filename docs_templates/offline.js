/*
 * apikit: lets the site's search work when the site is opened from disk (file://).
 *
 * Browsers refuse to start a Web Worker from a file:// URL, and Material runs its
 * search in one. This script runs before Material's bundle; on file:// it replaces
 * the Worker constructor so that the search worker starts from a blob holding its
 * source, which apikit writes into this file when the site is built. The search
 * index itself comes from search/search_index.js, which Material loads on file://.
 */
(function () {
  "use strict";
  var source = window.__apikitSearchWorker;
  if (location.protocol !== "file:" || typeof Worker === "undefined" || !source) {
    return;
  }
  var NativeWorker = window.Worker;
  function FileWorker(url, options) {
    if (String(url).indexOf("/workers/search.") !== -1) {
      var blob = new Blob([source], { type: "text/javascript" });
      return new NativeWorker(URL.createObjectURL(blob), options);
    }
    return new NativeWorker(url, options);
  }
  FileWorker.prototype = NativeWorker.prototype;
  window.Worker = FileWorker;
})();
