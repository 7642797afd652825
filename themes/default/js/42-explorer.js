// Explorer: the folder tree from static/explorer.json, with the current note marked,
// the folders that hold it open, and every folder collapsible (state kept per browser).
(function explorer() {
  const box = document.querySelector("[data-explorer]");
  const menu = document.querySelector("[data-menu-toggle]");
  if (menu) {
    const nav = document.getElementById(menu.getAttribute("aria-controls"));
    const set = (open) => {
      menu.setAttribute("aria-expanded", String(open));
      document.body.classList.toggle("menu-open", open);
    };
    menu.addEventListener("click", () => set(menu.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && document.body.classList.contains("menu-open")) { set(false); menu.focus(); }
    });
    if (nav) nav.addEventListener("click", (e) => { if (e.target.closest("a")) set(false); });
  }
  if (!box) return;
  const KEY = "garden-explorer";
  let open;
  try { open = new Set(JSON.parse(localStorage.getItem(KEY) || "[]")); } catch (e) { open = new Set(); }
  const save = () => { try { localStorage.setItem(KEY, JSON.stringify([...open])); } catch (e) { /* ignore */ } };
  const here = garden.path;
  const chevron = '<svg aria-hidden="true" viewBox="0 0 24 24" width="14" height="14"><path d="m9 6 6 6-6 6" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

  function list(node) {
    const ul = garden.el("ul", "tree");
    for (const f of node.folders || []) ul.append(folder(f));
    for (const n of node.notes || []) ul.append(note(n));
    return ul;
  }
  function note(n) {
    const li = garden.el("li", "tree-note" + (n.pinned ? " pinned" : ""));
    const a = garden.el("a", "tree-link");
    a.href = garden.href(n.path);
    if (n.icon) a.append(garden.el("span", "note-icon", n.icon));
    a.append(document.createTextNode(n.title));
    if (n.path === here) a.setAttribute("aria-current", "page");
    li.append(a);
    return li;
  }
  function folder(f) {
    // A folder's list is made when it is first opened: a garden of 10,000 notes would
    // otherwise build every row of the tree on every page.
    const li = garden.el("li", "tree-folder");
    const row = garden.el("div", "tree-row");
    const toggle = garden.el("button", "tree-toggle");
    toggle.type = "button";
    toggle.innerHTML = chevron;
    const id = "tree-" + f.path.replace(/[^\w-]/g, "_");
    let sub = null;
    const open_ = () => {
      if (!sub) {
        sub = list(f);
        sub.id = id;
        li.append(sub);
        toggle.setAttribute("aria-controls", id);
      }
      sub.hidden = false;
    };
    const expanded = (here.startsWith(f.path) && here !== "") || open.has(f.path);
    toggle.setAttribute("aria-expanded", String(expanded));
    toggle.setAttribute("aria-label", (garden.ui.toggle_folder || "Toggle folder {folder}").replace("{folder}", f.name));
    const a = garden.el("a", "tree-link tree-folder-link", f.name);
    a.href = garden.href(f.path);
    if (f.path === here) a.setAttribute("aria-current", "page");
    toggle.addEventListener("click", () => {
      const now = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(now));
      if (now) open_(); else if (sub) sub.hidden = true;
      if (now) open.add(f.path); else open.delete(f.path);
      save();
    });
    row.append(toggle, a);
    li.append(row);
    if (expanded) open_();
    return li;
  }
  garden.json("static/explorer.json").then((tree) => {
    box.replaceChildren(list(tree));
    box.classList.add("ready");
    const current = box.querySelector('[aria-current="page"]');
    const scroller = box.closest(".site-nav");
    if (current && scroller && scroller.scrollHeight > scroller.clientHeight) {  // never scrolls the page itself
      const top = current.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      if (top > scroller.clientHeight - 40) scroller.scrollTop += top - scroller.clientHeight / 2;
    }
  }).catch(() => { /* without the tree, breadcrumbs and folder pages still lead everywhere */ });
})();
