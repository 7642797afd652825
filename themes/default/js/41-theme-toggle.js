// Light/dark toggle: follows the system until the reader chooses; the choice persists
// (localStorage "garden-theme", applied in <head> before the first paint).
(function themeToggle() {
  const button = document.querySelector("[data-theme-toggle]");
  if (!button) return;
  const media = window.matchMedia("(prefers-color-scheme: dark)");
  const current = () => document.documentElement.dataset.theme || (media.matches ? "dark" : "light");
  const sync = () => button.setAttribute("aria-pressed", String(current() === "dark"));
  button.hidden = false;
  sync();
  button.addEventListener("click", () => {
    const next = current() === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try { localStorage.setItem("garden-theme", next); } catch (e) { /* private mode: this page only */ }
    sync();
    document.dispatchEvent(new CustomEvent("garden:theme", { detail: next }));
  });
  media.addEventListener("change", () => { sync(); document.dispatchEvent(new CustomEvent("garden:theme")); });
})();
