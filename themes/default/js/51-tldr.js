// The TL;DR reading mode: only headings and TL;DRs, so a reader gets the whole post in a
// minute. The choice is kept (localStorage) and set before the first paint by a line in the
// page's <head>; switching keeps the heading or TL;DR the reader is at in the same place.
(function () {
  const KEY = "garden-tldr";
  const root = document.documentElement;
  const toggles = document.querySelectorAll("[data-tldr-toggle]");
  if (!toggles.length) return;

  const isOn = () => root.dataset.tldr === "on";
  function sync() {
    document.querySelectorAll(".tldr-toggle").forEach((b) => b.setAttribute("aria-pressed", String(isOn())));
  }

  /** The first heading or TL;DR still on screen below the sticky header: the reader's place. */
  function place() {
    const header = document.querySelector(".site-header");
    const top = header && getComputedStyle(header).position === "sticky" ? header.getBoundingClientRect().bottom : 0;
    const marks = document.querySelectorAll(".note-body > :is(h2, h3, h4, .tldr, .tldr-section)");
    for (const el of marks) {
      if (el.getBoundingClientRect().bottom > top) return el;
    }
    return null;
  }

  function set(on) {
    const mark = window.scrollY > 0 ? place() : null;
    const before = mark && mark.getBoundingClientRect().top;
    if (on) root.dataset.tldr = "on"; else delete root.dataset.tldr;
    try { localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode: just this page */ }
    sync();
    if (mark && mark.getClientRects().length) window.scrollBy(0, mark.getBoundingClientRect().top - before);
  }

  toggles.forEach((button) => button.addEventListener("click", () => {
    set(!isOn());
    if (!button.classList.contains("tldr-toggle")) {
      const main = document.querySelector(".tldr-toggle");
      if (main) main.focus(); // the "show the whole post" button just disappeared
    }
  }));
  sync();
  garden.tldr = { set, isOn };
})();
