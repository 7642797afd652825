// Navigation helpers shared by the explorer, search and graph parts.
garden.path = (document.querySelector('meta[name="garden-path"]') || {}).content || "";
try { garden.ui = JSON.parse(document.getElementById("garden-ui").textContent); } catch (e) { garden.ui = {}; }
/** An href for a site path ("folder/note/"), relative to this page (or to <base> on the 404 page). */
garden.href = (path) => garden.root + path;
/** Site-wide JSON written at build time (explorer, graph), fetched once per page and cached by the browser. */
garden.json = (function () {
  const cache = {};
  return (path) => cache[path] || (cache[path] = fetch(garden.url(path)).then((r) => {
    if (!r.ok) throw new Error(path + ": " + r.status);
    return r.json();
  }));
})();
garden.el = function (tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
};
garden.escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
