// Code blocks: a copy button on each (the highlighting itself is done at build time).
(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // file:// and plain http: the old way, through a hidden textarea.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function addButton(block) {
    const code = block.querySelector("pre code");
    if (!code || block.querySelector(".code-copy")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "code-copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code");
    button.addEventListener("click", () => {
      copyText(code.textContent.replace(/\n$/, "")).then(
        () => { button.textContent = "Copied"; button.dataset.state = "done"; },
        () => { button.textContent = "Press Ctrl+C"; button.dataset.state = "failed"; });
      clearTimeout(button._reset);
      button._reset = setTimeout(() => { button.textContent = "Copy"; delete button.dataset.state; }, 1800);
    });
    block.appendChild(button);
  }

  garden.codeBlocks = (root) => root.querySelectorAll(".code-block").forEach(addButton);
  garden.codeBlocks(document);
})();
