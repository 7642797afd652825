// Link previews: hovering or keyboard-focusing a link shows a card about where it leads.
// A link into the garden: the target page is fetched (same origin, relative href, so any base
// path works) and its title, description and tags are read from its <head>; a pages never
// carries previews of other pages, so editing one note re-renders no other. A web link: its
// label, domain and full address, with no request to any other site.
//
// Entry point, for other parts of the theme: garden.previews.show(anchor) / .hide(), and
// garden.previews.info(url) -> Promise of {title, description, tags, section} (or null).
// Every a.internal / a.external on the page is handled (one delegated listener), including
// links added later. Off when the page says <meta name="garden-link-previews" content="off">.
(function () {
  const SHOW_DELAY = 300, HIDE_DELAY = 250, GAP = 8;
  const enabled = !document.querySelector('meta[name="garden-link-previews"][content="off"]');
  const cache = new Map(); // page URL (no #fragment) -> Promise of a parsed document
  let card = null, current = null, showTimer = 0, hideTimer = 0;

  function eligible(el) {
    const a = el && el.closest && el.closest("a[href]");
    if (!a || (card && card.contains(a)) || a.hasAttribute("data-no-preview")) return null;
    if (a.classList.contains("external")) return a;
    const href = a.getAttribute("href");
    if (a.classList.contains("internal") && !a.classList.contains("file") && href && href[0] !== "#") return a;
    return null;
  }

  function fetchPage(url) {
    const key = url.split("#")[0];
    if (!cache.has(key)) {
      cache.set(key, fetch(key, { credentials: "same-origin" })
        .then((r) => (r.ok && /html/.test(r.headers.get("content-type") || "text/html") ? r.text() : null))
        .then((html) => (html ? new DOMParser().parseFromString(html, "text/html") : null))
        .catch(() => null));
    }
    return cache.get(key);
  }

  function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }

  /** What a page of the garden says about itself (and about the section a #fragment names). */
  function info(url) {
    return fetchPage(url).then((doc) => {
      if (!doc) return null;
      const meta = (sel) => { const m = doc.querySelector(sel); return m ? m.getAttribute("content") || "" : ""; };
      const title = meta('meta[property="og:title"]') || text(doc.querySelector("main h1")) || doc.title;
      const result = {
        title, description: meta('meta[name="description"]'),
        tags: Array.from(doc.querySelectorAll('meta[property="article:tag"]'), (m) => m.getAttribute("content")),
        section: null,
      };
      const hash = decodeURIComponent(new URL(url, location.href).hash.slice(1));
      const target = hash && doc.getElementById(hash);
      if (target) {
        let next = target.nextElementSibling;
        while (next && !/^(P|UL|OL|BLOCKQUOTE)$/.test(next.tagName)) next = /^H[1-6]$/.test(next.tagName) ? null : next.nextElementSibling;
        const heading = target.cloneNode(true);
        heading.querySelectorAll(".anchor").forEach((n) => n.remove());
        result.section = { heading: text(heading), text: text(next) };
      }
      return result;
    });
  }

  function el(tag, cls, content) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content) node.textContent = content;
    return node;
  }

  function ensureCard() {
    if (card) return card;
    card = el("div", "link-preview");
    card.id = "garden-link-preview";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    card.addEventListener("pointerenter", () => clearTimeout(hideTimer));
    card.addEventListener("pointerleave", () => scheduleHide());
    document.body.appendChild(card);
    return card;
  }

  function fillExternal(a) {
    const label = a.cloneNode(true);
    label.querySelectorAll(".link-domain").forEach((n) => n.remove());
    const domain = a.dataset.domain || new URL(a.href).hostname.replace(/^www\./, "");
    const head = el("div", "link-preview-domain", domain);
    head.dataset.domain = domain;
    card.replaceChildren(head, el("div", "link-preview-title", text(label) || domain), el("div", "link-preview-url", a.href));
    card.dataset.kind = "external";
  }

  function fillInternal(data) {
    const parts = [];
    if (data.section && data.section.heading) {
      parts.push(el("div", "link-preview-kicker", data.title));
      parts.push(el("div", "link-preview-title", data.section.heading));
      if (data.section.text) parts.push(el("p", "link-preview-text", data.section.text));
    } else {
      parts.push(el("div", "link-preview-title", data.title));
      if (data.description) parts.push(el("p", "link-preview-text", data.description));
    }
    if (data.tags.length) {
      const tags = el("ul", "link-preview-tags");
      data.tags.slice(0, 6).forEach((t) => tags.appendChild(el("li", "", "#" + t)));
      parts.push(tags);
    }
    card.replaceChildren(...parts);
    card.dataset.kind = "internal";
  }

  /** Place the card below the link (above when there is no room), inside the viewport. */
  function place(a, pointer) {
    const rects = Array.from(a.getClientRects());
    let r = rects[0] || a.getBoundingClientRect();
    if (pointer) r = rects.find((x) => pointer.y >= x.top - 2 && pointer.y <= x.bottom + 2) || r;
    card.style.left = "0px";
    card.style.top = "0px";
    const w = card.offsetWidth, h = card.offsetHeight;
    const vw = document.documentElement.clientWidth, vh = window.innerHeight;
    const left = Math.max(GAP, Math.min(r.left, vw - w - GAP));
    const below = r.bottom + GAP + h <= vh || r.top - GAP - h < 0;
    const top = below ? r.bottom + GAP : r.top - GAP - h;
    card.style.left = left + window.scrollX + "px";
    card.style.top = top + window.scrollY + "px";
    card.dataset.side = below ? "below" : "above";
  }

  function show(a, pointer) {
    if (!enabled || !a) return Promise.resolve(false);
    clearTimeout(hideTimer);
    current = a;
    ensureCard();
    const ready = a.classList.contains("external") ? Promise.resolve("external") : info(a.href);
    return ready.then((data) => {
      if (current !== a || !data) return false;
      if (data === "external") fillExternal(a); else fillInternal(data);
      card.hidden = false;
      place(a, pointer);
      a.setAttribute("aria-describedby", card.id);
      return true;
    });
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    if (card) card.hidden = true;
  }

  function scheduleHide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  if (enabled) {
    document.addEventListener("pointerover", (e) => {
      if (e.pointerType && e.pointerType !== "mouse") return; // touch: a tap follows the link
      const a = eligible(e.target);
      if (!a || a === current) return;
      clearTimeout(showTimer);
      const pointer = { x: e.clientX, y: e.clientY };
      showTimer = setTimeout(() => show(a, pointer), SHOW_DELAY);
    });
    document.addEventListener("pointerout", (e) => {
      const a = eligible(e.target);
      if (!a || (e.relatedTarget && (a.contains(e.relatedTarget) || (card && card.contains(e.relatedTarget))))) return;
      scheduleHide();
    });
    document.addEventListener("focusin", (e) => {
      const a = eligible(e.target);
      if (a && a.matches(":focus-visible")) show(a);
    });
    document.addEventListener("focusout", (e) => { if (eligible(e.target)) scheduleHide(); });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && card && !card.hidden) hide();
    });
    window.addEventListener("resize", () => { if (current && card && !card.hidden) place(current); });
  }

  document.documentElement.dataset.linkPreviews = enabled ? "on" : "off";
  garden.previews = { enabled, show: (a) => show(a), hide, info };
})();
