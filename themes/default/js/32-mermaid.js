// Mermaid diagrams: the note template loads the vendored mermaid script only on pages
// that have a diagram; this draws them, in colours matching light or dark, and again
// when the reader's colour scheme changes.
(function () {
  const blocks = document.querySelectorAll("pre.mermaid");
  if (!blocks.length || !window.mermaid) return;
  blocks.forEach((pre) => { pre.dataset.source = pre.textContent; });

  function dark() {
    const chosen = document.documentElement.dataset.theme;
    if (chosen === "dark" || chosen === "light") return chosen === "dark";
    return window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  let drawn = null;
  function draw() {
    const isDark = dark();
    if (drawn === isDark) return;
    drawn = isDark;
    blocks.forEach((pre) => { pre.removeAttribute("data-processed"); pre.textContent = pre.dataset.source; });
    // Mermaid's dark theme puts edge labels on grey (#585858) that its light text does not read on.
    window.mermaid.initialize({ startOnLoad: false, theme: isDark ? "dark" : "default",
                                themeVariables: isDark ? { edgeLabelBackground: "#2b2f36" } : {},
                                securityLevel: "strict", fontFamily: getComputedStyle(document.body).fontFamily });
    window.mermaid.run({ nodes: Array.from(blocks) }).catch((error) => console.warn("mermaid:", error));
  }

  draw();
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", draw);
  new MutationObserver(draw).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
})();
