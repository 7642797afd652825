// Share cards: the links carry the text (written at build time) and, here, the page's
// address; Copy puts both on the clipboard; Mastodon asks for the reader's own server
// (remembered) since every server has its own address. Nothing is loaded from any of these
// sites: they are only links the reader chooses to follow.
(function () {
  const cards = document.querySelectorAll(".share-card[data-share-text]");
  if (!cards.length) return;
  const SERVER_KEY = "garden-mastodon-server";
  const enc = encodeURIComponent;

  function pageUrl() {
    const canonical = document.querySelector('link[rel="canonical"]');
    const href = canonical && canonical.getAttribute("href");
    return href && /^https?:\/\//i.test(href) ? href : location.href.split("#")[0];
  }

  /** "https://mastodon.social/@me" or "@me@mastodon.social" -> "mastodon.social" (or "" if unusable). */
  function server(input) {
    let s = (input || "").trim().replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
    if (s.includes("@")) s = s.split("@").pop();
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/i.test(s) ? s.toLowerCase() : "";
  }

  cards.forEach((card) => {
    const text = card.dataset.shareText;
    const url = pageUrl();
    const full = text + "\n\n" + url;
    const x = card.querySelector('[data-share="x"]');
    if (x) x.href = "https://x.com/intent/tweet?text=" + enc(text) + "&url=" + enc(url);
    const bsky = card.querySelector('[data-share="bluesky"]');
    if (bsky) bsky.href = "https://bsky.app/intent/compose?text=" + enc(full);

    const copy = card.querySelector('[data-share="copy"]');
    if (copy) {
      const label = copy.textContent;
      copy.addEventListener("click", () => {
        garden.copy(full).then(() => { copy.textContent = copy.dataset.done || label; copy.dataset.state = "done"; },
          () => { copy.textContent = "Ctrl+C"; });
        clearTimeout(copy._reset);
        copy._reset = setTimeout(() => { copy.textContent = label; delete copy.dataset.state; }, 2000);
      });
    }

    const masto = card.querySelector('[data-share="mastodon"]');
    if (masto) {
      masto.setAttribute("aria-expanded", "false");
      masto.addEventListener("click", () => {
        let form = card.querySelector(".share-mastodon-form");
        if (form) { form.remove(); masto.setAttribute("aria-expanded", "false"); return; }
        form = document.createElement("form");
        form.className = "share-mastodon-form";
        const id = card.id + "-mastodon";
        const label = document.createElement("label");
        label.htmlFor = id;
        label.textContent = masto.dataset.prompt || "Mastodon server";
        const input = document.createElement("input");
        input.id = id;
        input.name = "server";
        input.placeholder = "mastodon.social";
        input.autocomplete = "off";
        input.spellcheck = false;
        try { input.value = localStorage.getItem(SERVER_KEY) || ""; } catch (e) { /* no storage */ }
        const go = document.createElement("button");
        go.type = "submit";
        go.className = "share-link";
        go.dataset.share = "mastodon";
        go.textContent = "Mastodon";
        form.append(label, input, go);
        form.addEventListener("submit", (e) => {
          e.preventDefault();
          const host = server(input.value);
          if (!host) { input.setAttribute("aria-invalid", "true"); input.focus(); return; }
          try { localStorage.setItem(SERVER_KEY, host); } catch (err) { /* no storage */ }
          window.open("https://" + host + "/share?text=" + enc(full), "_blank", "noopener,noreferrer");
        });
        masto.closest(".share-actions").appendChild(form);
        masto.setAttribute("aria-expanded", "true");
        input.focus();
      });
    }
  });
})();
