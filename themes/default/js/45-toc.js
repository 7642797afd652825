// Table of contents that follows scrolling: the entry of the section being read is marked.
(function tocFollows() {
  const links = [...document.querySelectorAll(".toc a[href^='#']")];
  if (!links.length) return;
  const pairs = links.map((a) => [a, document.getElementById(decodeURIComponent(a.hash.slice(1)))]).filter(([, h]) => h);
  let queued = false;
  function mark() {
    queued = false;
    const line = Math.min(window.innerHeight * 0.3, 160);
    let current = null;
    for (const [a, heading] of pairs) {
      if (heading.getBoundingClientRect().top <= line) current = a; else break;
    }
    // At the end of the page the last sections cannot reach the top: the lowest one in view wins.
    const bottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 4;
    if (bottom && window.scrollY > 0) {
      for (const [a, heading] of pairs) if (heading.getBoundingClientRect().top < window.innerHeight) current = a;
    }
    if (!current && pairs.length) current = pairs[0][0];
    for (const [a] of pairs) {
      if (a === current) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    }
  }
  window.addEventListener("scroll", () => { if (!queued) { queued = true; requestAnimationFrame(mark); } }, { passive: true });
  mark();
})();
