// Link previews: hovering or focusing a link to another note shows its title, summary and
// tags, read from the linked page itself (fetched once, same site), so no page carries
// data about the others. Off where a note says dg-link-preview: false.
(function previews() {
  if (!document.body.hasAttribute("data-link-previews")) return;
  const SHOW_DELAY = 350, HIDE_DELAY = 200;
  const cache = new Map();
  let tip = null, current = null, showTimer = 0, hideTimer = 0;

  function target(el) {
    const a = el.closest && el.closest("a.internal[href]:not(.file)");
    if (!a || a.closest(".link-preview, .search-dialog, .sidebar-left")) return null;
    const url = new URL(a.href, document.baseURI);
    if (!/^https?:$/.test(url.protocol) || url.origin !== location.origin) return null;
    if (url.pathname === location.pathname && !url.hash) return null;
    return a;
  }

  function load(url) {
    const key = url.split("#")[0];
    if (!cache.has(key)) {
      cache.set(key, fetch(key).then((r) => (r.ok ? r.text() : Promise.reject(r.status))).then((html) => {
        const doc = new DOMParser().parseFromString(html, "text/html");
        const meta = doc.querySelector('meta[name="garden-summary"]');
        const first = doc.querySelector(".note-body > p");
        return {
          doc,
          title: (doc.querySelector("h1.note-title") || doc.querySelector("title") || {}).textContent || "",
          summary: meta ? meta.content : first ? first.textContent : "",
          tags: [...doc.querySelectorAll(".note-tags a.tag")].map((t) => t.textContent.trim()),
        };
      }));
      cache.get(key).catch(() => cache.delete(key));
    }
    return cache.get(key);
  }

  function section(doc, hash) {
    // A link to a heading or block previews that part: the heading and the text after it.
    const id = decodeURIComponent(hash.slice(1));
    const el = id && doc.getElementById(id);
    if (!el) return null;
    let text = "";
    for (let n = /^H[1-6]$/.test(el.tagName) ? el.nextElementSibling : el; n && text.length < 280; n = n.nextElementSibling) {
      if (/^H[1-6]$/.test(n.tagName)) break;
      text += (text ? " " : "") + n.textContent.trim();
      if (n === el) break;
    }
    return { heading: /^H[1-6]$/.test(el.tagName) ? el.textContent.replace(/#\s*$/, "").trim() : "", text };
  }

  function clip(text, n) { text = text.replace(/\s+/g, " ").trim(); return text.length > n ? text.slice(0, n - 1).replace(/\s+\S*$/, "") + "…" : text; }

  async function show(a) {
    let data;
    try { data = await load(a.href); } catch (e) { return; }
    if (current !== a) return;
    if (!tip) {
      tip = garden.el("div", "link-preview");
      tip.id = "link-preview";
      tip.setAttribute("role", "tooltip");
      tip.addEventListener("pointerenter", () => clearTimeout(hideTimer));
      tip.addEventListener("pointerleave", () => hideSoon());
      document.body.append(tip);
    }
    tip.replaceChildren(garden.el("p", "link-preview-title", data.title));
    const part = new URL(a.href).hash ? section(data.doc, new URL(a.href).hash) : null;
    if (part && part.heading) tip.append(garden.el("p", "link-preview-section", "› " + part.heading));
    const text = part && part.text ? part.text : data.summary;
    if (text) tip.append(garden.el("p", "link-preview-text", clip(text, 300)));
    if (data.tags.length) tip.append(garden.el("p", "link-preview-tags", data.tags.join("  ")));
    tip.hidden = false;
    place(a);
    a.setAttribute("aria-describedby", tip.id);
  }

  function place(a) {
    const r = a.getBoundingClientRect();
    const width = Math.min(360, window.innerWidth - 16);
    tip.style.width = width + "px";
    const left = Math.max(8, Math.min(r.left, window.innerWidth - width - 8));
    const below = r.bottom + 8 + tip.offsetHeight < window.innerHeight;
    const top = below ? r.bottom + 8 : r.top - 8 - tip.offsetHeight;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = Math.max(8, top) + window.scrollY + "px";
  }

  function hide() {
    clearTimeout(showTimer);
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    if (tip) tip.hidden = true;
  }
  function hideSoon() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, HIDE_DELAY); }
  function start(a, delay) {
    clearTimeout(hideTimer);
    if (current === a) return;
    hide();
    current = a;
    showTimer = setTimeout(() => show(a), delay);
  }

  document.addEventListener("pointerover", (e) => {
    if (e.pointerType === "touch") return;
    const a = target(e.target);
    if (a) start(a, SHOW_DELAY);
  });
  document.addEventListener("pointerout", (e) => {
    const a = target(e.target);
    if (a && a === current && !a.contains(e.relatedTarget)) hideSoon();
  });
  document.addEventListener("focusin", (e) => { const a = target(e.target); if (a) start(a, 0); else if (current) hide(); });
  document.addEventListener("focusout", (e) => { if (target(e.target) === current) hideSoon(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && current) hide(); });
  window.addEventListener("scroll", () => { if (current && tip && !tip.hidden) place(current); }, { passive: true });
})();
