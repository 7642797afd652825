"""The live-reload script, added to HTML pages as they are served (never to the built files).

It listens to the server's events; reloads the page when a new build changed it
(its own file, or one every page shows), keeping the scroll position; swaps the
stylesheets in place when only CSS changed; and shows the last rebuild's errors and
overlaid warnings (`path:line: message`) over the page until a rebuild has none.
All text goes in through textContent: messages quote the notes.
"""
from __future__ import annotations

import re
from html import escape

from .livereload import EVENTS

SCRIPT = r"""
(function () {
  "use strict";
  var build = document.currentScript.getAttribute("data-build");
  var page = document.currentScript.getAttribute("data-page");  // this page's file in the site
  var SCROLL = "garden-live-scroll";
  var here = location.pathname + location.search;
  try {
    var saved = JSON.parse(sessionStorage.getItem(SCROLL) || "null");
    sessionStorage.removeItem(SCROLL);
    if (saved && saved.path === here) {
      var restore = function () { window.scrollTo(saved.x, saved.y); };
      restore();
      window.addEventListener("load", restore);  // images may have moved things since
    }
  } catch (e) {}

  function reload() {
    try {
      sessionStorage.setItem(SCROLL, JSON.stringify({path: here, x: window.scrollX, y: window.scrollY}));
    } catch (e) {}
    location.reload();
  }

  function swapStyles(stamp) {
    var links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    Array.prototype.forEach.call(links, function (old) {
      var url = new URL(old.href, document.baseURI);
      if (url.origin !== location.origin) return;
      url.searchParams.set("live", stamp);
      var fresh = old.cloneNode(false);
      fresh.href = url.href;
      var done = function () { old.remove(); };  // the old sheet goes once the new one applies
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      old.after(fresh);
    });
  }

  var overlay = null, dismissed = "";
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function showErrors(status) {
    var problems = status.errors.concat(status.warnings || []);
    var key = JSON.stringify(problems);
    if (!problems.length || key === dismissed) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = el("div");
      overlay.id = "garden-live-overlay";
      overlay.attachShadow({mode: "open"});
      document.documentElement.appendChild(overlay);
    }
    var root = overlay.shadowRoot;
    root.textContent = "";
    var style = el("style", "", ":host{all:initial;position:fixed;left:0;right:0;bottom:0;z-index:2147483647}" +
      ".box{box-sizing:border-box;max-height:50vh;overflow:auto;padding:.8rem 3rem .8rem 1rem;" +
      "background:#2b1215;color:#ffe4e4;border-top:3px solid #e5484d;box-shadow:0 -4px 16px #0006;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}" +
      "h2{font:inherit;font-weight:bold;margin:0 0 .4rem}ul{margin:0;padding:0;list-style:none}" +
      "li{margin:.2rem 0;white-space:pre-wrap}.where{color:#ffb3b3;font-weight:bold}.hint{color:#f5c2c2}" +
      "button{position:absolute;top:.5rem;right:.6rem;font:20px/1 sans-serif;background:none;" +
      "color:inherit;border:0;cursor:pointer}");
    var box = el("div", "box");
    box.setAttribute("role", "alert");
    var n = status.errors.length, w = problems.length - n;
    var count = function (k, one) { return k + " " + one + (k === 1 ? "" : "s"); };
    box.appendChild(el("h2", "", status.held_back
      ? "garden: the last save broke the build (" + count(n, "error") +
        "); this is the last version that built."
      : "garden: " + (n ? count(n, "error") + (w ? " and " : "") : "") + (w ? count(w, "warning") : "") +
        " in the garden."));
    var list = el("ul");
    problems.forEach(function (error) {
      var item = el("li");
      item.appendChild(el("span", "where", error.where));
      item.appendChild(document.createTextNode(": " + error.message));
      if (error.hint) item.appendChild(el("span", "hint", " (" + error.hint + ")"));
      list.appendChild(item);
    });
    box.appendChild(list);
    var close = el("button", "", "\u00d7");
    close.setAttribute("aria-label", "Dismiss");
    close.addEventListener("click", function () { dismissed = key; showErrors(status); });
    box.appendChild(close);
    root.appendChild(style);
    root.appendChild(box);
  }

  function connect() {
    var source = new EventSource("__EVENTS__");
    source.onmessage = function (event) {
      var status = JSON.parse(event.data);
      if (status.build !== build) {
        if (status.change === "css" && status.previous === build) {
          build = status.build;
          swapStyles(build);
        } else if (status.previous === build && status.pages && page && status.pages.indexOf(page) < 0) {
          build = status.build;  // the build changed other pages, not this one
        } else {
          source.close();
          reload();
          return;
        }
      }
      showErrors(status);
    };
    source.onerror = function () {  // gone for good (not just reconnecting): try again later
      if (source.readyState === 2) setTimeout(connect, 1000);
    };
  }
  connect();
})();
""".replace("__EVENTS__", EVENTS)

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(html: bytes, build: str, page: str = "") -> bytes:
    """The page with the script added before its last </body> (or at the end). `page`: its
    file in the site ("notes/a/index.html"), or "" for a page that reloads at every build."""
    tag = f'<script data-build="{build}" data-page="{escape(page)}">{SCRIPT}</script>\n'.encode()
    ends = list(_BODY_END.finditer(html))
    at = ends[-1].start() if ends else len(html)
    return html[:at] + tag + html[at:]
