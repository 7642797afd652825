// garden: the page's behaviour, assembled from the theme's js/ parts into one file.
// No dependencies; every feature degrades to plain links without it.
"use strict";
const garden = {
  root: (document.querySelector('meta[name="garden-root"]') || {}).content || "./",
  /** A URL for a site path ("static/x.json"), relative to this page. */
  url(path) { return new URL(this.root + path, document.baseURI).href; },
  /** A [ui] string with its {name} values filled in; {name:one|other} is the word that fits the count
   * (garden/plural.py does the same for the pages written at build time). */
  format(text, values) {
    return text.replace(/\{(\w+)(?::([^{}|]*)\|([^{}]*))?\}/g, (all, name, one, other) =>
      !(name in values) ? all : one === undefined ? String(values[name]) : String(values[name]) === "1" ? one : other);
  },
  /** Copy text to the clipboard; a promise. Works on file:// and plain http too. */
  copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const area = document.createElement("textarea");  // the old way, through a hidden textarea
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  },
};
