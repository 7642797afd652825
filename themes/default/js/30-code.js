// Code blocks: a copy button on each (the highlighting itself is done at build time).
(function () {
  function addButton(block) {
    const code = block.querySelector("pre code");
    if (!code || block.querySelector(".code-copy")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "code-copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code");
    button.addEventListener("click", () => {
      garden.copy(code.textContent.replace(/\n$/, "")).then(
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
