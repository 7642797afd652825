// garden: the page's behaviour, assembled from the theme's js/ parts into one file.
// No dependencies; every feature degrades to plain links without it.
"use strict";
const garden = {
  root: (document.querySelector('meta[name="garden-root"]') || {}).content || "./",
  /** A URL for a site path ("static/x.json"), relative to this page. */
  url(path) { return new URL(this.root + path, document.baseURI).href; },
};
