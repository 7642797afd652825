// Graph: the links between notes from static/graph.json, laid out by d3-force (vendored,
// loaded only when a graph scrolls into view) and drawn on a <canvas>, so thousands of
// nodes stay smooth. Local graph: the note and its neighbours to depth 1 or 2.
// Drag the background to pan, a node to move it; wheel or pinch to zoom; click to open.
(function graphs() {
  const boxes = document.querySelectorAll("[data-graph]");
  if (!boxes.length) return;
  const PALETTE_LIGHT = ["#2f7d5b", "#3467a8", "#b5552f", "#8a4fb0", "#a8862a", "#c0457a", "#2f8a96", "#6d7a2c", "#7a5a44", "#5c6bc0"];
  const PALETTE_DARK = ["#6fcf9f", "#7fb0f0", "#f09a72", "#c59af0", "#e3c265", "#f08cb8", "#6fd0dc", "#b8c86a", "#cfa98d", "#9fa8f0"];
  let d3promise;

  function loadD3() {
    if (window.d3 && window.d3.forceSimulation) return Promise.resolve(window.d3);
    return d3promise || (d3promise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = garden.url("static/vendor/d3-force.min.js");
      script.onload = () => resolve(window.d3);
      script.onerror = reject;
      document.head.append(script);
    }));
  }

  const start = (box) => Promise.all([loadD3(), garden.json("static/graph.json")])
    .then(([d3, data]) => new Graph(box, d3, data))
    .catch((e) => { box.dataset.state = "failed"; console.warn("graph:", e); });
  if ("IntersectionObserver" in window) {
    const seen = new IntersectionObserver((entries) => entries.forEach((entry) => {
      if (entry.isIntersecting) { seen.unobserve(entry.target); start(entry.target); }
    }), { rootMargin: "200px" });
    boxes.forEach((box) => seen.observe(box));
  } else {
    boxes.forEach(start);
  }

  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  class Graph {
    constructor(box, d3, data) {
      this.box = box;
      this.d3 = d3;
      this.data = data;
      this.global = box.dataset.graph === "global";
      this.colorBy = box.dataset.colors === "folder" ? "folder" : "tag";
      this.canvas = document.createElement("canvas");
      this.canvas.setAttribute("role", "img");
      this.ctx = this.canvas.getContext("2d");
      this.view = { x: 0, y: 0, k: 1 };
      this.pointers = new Map();
      this.hover = null;
      box.replaceChildren(this.canvas);
      this.controls();
      box.gardenGraph = this;  // for the browser tests: node positions on screen
      this.setup(this.depthSelect ? Number(this.depthSelect.value) : Number(box.dataset.depth || 1));
      new ResizeObserver(() => this.resize()).observe(box);
      document.addEventListener("garden:theme", () => { if (this.nodes) { this.colors(); this.draw(); } });
      this.events();
    }

    controls() {
      const panel = this.box.closest(".graph-panel, .graph-page");
      this.depthSelect = panel && panel.querySelector("[data-graph-depth]");
      if (this.depthSelect) this.depthSelect.addEventListener("change", () => this.setup(Number(this.depthSelect.value)));
      const colors = panel && panel.querySelector("[data-graph-colors]");
      if (colors) colors.addEventListener("change", () => { this.colorBy = colors.value; this.colors(); this.legend(); this.draw(); });
      const bar = garden.el("div", "graph-zoom");
      const ui = garden.ui;
      [["+", 1.4, ui.graph_zoom_in || "Zoom in"], ["−", 1 / 1.4, ui.graph_zoom_out || "Zoom out"],
        ["⟲", 0, ui.graph_reset || "Fit the graph"]].forEach(([label, factor, name]) => {
        const b = garden.el("button", "graph-button", label);
        b.type = "button";
        b.setAttribute("aria-label", name);
        b.addEventListener("click", () => (factor ? this.zoomBy(factor, this.width / 2, this.height / 2) : this.fit()));
        bar.append(b);
      });
      this.box.after(bar);
      this.zoomBar = bar;
    }

    setup(depth) {
      const { nodes, links } = this.data;
      const adjacency = nodes.map(() => []);
      links.forEach(([a, b]) => { adjacency[a].push(b); adjacency[b].push(a); });
      let keep;
      this.current = nodes.findIndex((n) => n.id === garden.path);
      if (this.global) {
        keep = nodes.map((_, i) => i);
      } else {
        if (this.current < 0) {  // this note is left out of the graph (dg-hide-in-graph)
          this.box.closest(".graph-panel").hidden = true;
          this.box.dataset.state = "hidden";
          return;
        }
        const found = new Map([[this.current, 0]]);
        let frontier = [this.current];
        for (let d = 1; d <= depth; d++) {
          const next = [];
          frontier.forEach((i) => adjacency[i].forEach((j) => { if (!found.has(j)) { found.set(j, d); next.push(j); } }));
          frontier = next;
        }
        keep = [...found.keys()].sort((a, b) => a - b);
      }
      const at = new Map(keep.map((i, k) => [i, k]));
      this.nodes = keep.map((i, vi) => ({ ...nodes[i], gi: i, vi, degree: adjacency[i].length, neighbours: new Set() }));
      this.links = links.filter(([a, b]) => at.has(a) && at.has(b)).map(([a, b]) => ({ source: at.get(a), target: at.get(b) }));
      this.links.forEach((l) => { this.nodes[l.source].neighbours.add(l.target); this.nodes[l.target].neighbours.add(l.source); });
      this.canvas.setAttribute("aria-label", garden.format(garden.ui.graph_label || "Graph of {notes} {notes:note|notes} and {links} {links:link|links}",
        { notes: this.nodes.length, links: this.links.length }));
      this.resize(false);
      this.colors();
      this.legend();
      this.simulate();
    }

    simulate() {
      const d3 = this.d3;
      if (this.sim) this.sim.stop();
      const n = this.nodes.length;
      const radius = (d) => 2.5 + Math.sqrt(d.degree) * (this.global ? 1.2 : 1);
      this.nodes.forEach((d) => { d.r = radius(d); });
      this.sim = d3.forceSimulation(this.nodes)
        .force("link", d3.forceLink(this.links).distance(this.global ? 36 : 80).strength(0.5))
        .force("charge", d3.forceManyBody().strength(this.global ? -40 - Math.min(120, 4000 / (n + 1)) : -300).distanceMax(500))
        .force("x", d3.forceX().strength(0.06))
        .force("y", d3.forceY().strength(0.06))
        .alphaDecay(n > 2000 ? 0.07 : 0.04)
        .stop();
      if (n <= 2000) this.sim.force("collide", d3.forceCollide((d) => d.r + (this.global ? 2 : 12)));  // costly on big graphs
      else this.sim.force("charge").theta(1.2);
      const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      const warm = reduced ? 300 : n > 3000 ? 20 : 120;  // lay out most of it before the first frame
      for (let i = 0; i < warm && this.sim.alpha() > this.sim.alphaMin(); i++) this.sim.tick();
      this.fit();
      this.box.dataset.state = "running";
      this.moved = false;  // refit once the layout settles, unless the reader has panned or zoomed
      this.sim.on("tick", () => this.draw()).on("end", () => {
        if (!this.moved) this.fit();
        this.box.dataset.state = "settled";
        this.draw();
      });
      if (this.sim.alpha() > this.sim.alphaMin()) this.sim.restart();
      else { this.box.dataset.state = "settled"; this.draw(); }
    }

    colors() {
      const dark = getComputedStyle(document.documentElement).colorScheme.includes("dark");
      const palette = dark ? PALETTE_DARK : PALETTE_LIGHT;
      this.ink = { fg: css("--fg") || "#222", soft: css("--fg-soft") || "#666", line: css("--border") || "#ccc",
        bg: css("--bg") || "#fff", accent: css("--accent") || "#2f6f4f" };
      const key = (d) => (this.colorBy === "folder" ? d.folder : (d.tags[0] || "").split("/")[0]);
      const counts = new Map();
      this.nodes.forEach((d) => { const k = key(d); if (k) counts.set(k, (counts.get(k) || 0) + 1); });
      const groups = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, palette.length).map(([k]) => k);
      this.groups = groups.map((g, i) => ({ name: g, color: palette[i] }));
      const color = new Map(this.groups.map((g) => [g.name, g.color]));
      this.nodes.forEach((d) => { d.color = color.get(key(d)) || this.ink.soft; });
    }

    legend() {
      if (!this.global) return;
      let legend = this.box.parentElement.querySelector(".graph-legend");
      if (!legend) { legend = garden.el("ul", "graph-legend"); this.zoomBar.after(legend); }
      legend.replaceChildren(...this.groups.map((g) => {
        const li = garden.el("li");
        const swatch = garden.el("span", "swatch");
        swatch.style.background = g.color;
        li.append(swatch, document.createTextNode((this.colorBy === "tag" ? "#" : "") + g.name));
        return li;
      }));
    }

    resize(redraw = true) {
      const width = this.box.clientWidth || 300;
      const height = this.box.clientHeight || 260;
      const ratio = window.devicePixelRatio || 1;
      this.width = width;
      this.height = height;
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
      this.canvas.style.width = width + "px";
      this.canvas.style.height = height + "px";
      this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      if (redraw) this.draw();
    }

    fit() {
      if (!this.nodes.length) return;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      this.nodes.forEach((d) => { x0 = Math.min(x0, d.x); y0 = Math.min(y0, d.y); x1 = Math.max(x1, d.x); y1 = Math.max(y1, d.y); });
      const padX = this.global ? 40 : 36, padY = 28;  // room for the labels
      const k = Math.min(2, (this.width - 2 * padX) / Math.max(1, x1 - x0), (this.height - 2 * padY) / Math.max(1, y1 - y0));
      this.view = { k, x: this.width / 2 - k * (x0 + x1) / 2, y: this.height / 2 - k * (y0 + y1) / 2 };
      this.draw();
    }

    toScreen(d) { return { x: this.view.x + d.x * this.view.k, y: this.view.y + d.y * this.view.k }; }
    /** Where a note's node is, in CSS pixels from the canvas' top left (for tests and tools). */
    screenPosition(id) { const d = this.nodes.find((n) => n.id === id); return d ? this.toScreen(d) : null; }

    nodeAt(px, py) {
      const x = (px - this.view.x) / this.view.k;
      const y = (py - this.view.y) / this.view.k;
      return this.sim.find(x, y, 12 / this.view.k + 6) || null;
    }

    zoomBy(factor, cx, cy) {
      this.moved = true;
      const k = Math.max(0.05, Math.min(8, this.view.k * factor));
      const f = k / this.view.k;
      this.view = { k, x: cx - (cx - this.view.x) * f, y: cy - (cy - this.view.y) * f };
      this.draw();
    }

    events() {
      const c = this.canvas;
      const local = (e) => { const r = c.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; };
      let drag = null;
      c.addEventListener("wheel", (e) => {
        e.preventDefault();
        const p = local(e);
        this.zoomBy(Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.0015)), p.x, p.y);
      }, { passive: false });
      c.addEventListener("pointerdown", (e) => {
        c.setPointerCapture(e.pointerId);
        const p = local(e);
        this.pointers.set(e.pointerId, p);
        if (this.pointers.size === 2) { drag = { pinch: this.pinch() }; return; }
        const node = this.nodeAt(p.x, p.y);
        drag = { node, start: p, last: p, moved: false };
        if (node) { node.fx = node.x; node.fy = node.y; this.sim.alphaTarget(0.2).restart(); }
      });
      c.addEventListener("pointermove", (e) => {
        const p = local(e);
        if (this.pointers.has(e.pointerId)) this.pointers.set(e.pointerId, p);
        if (drag && drag.pinch && this.pointers.size === 2) {
          const now = this.pinch();
          this.zoomBy(now.d / drag.pinch.d, now.x, now.y);
          drag.pinch = now;
          return;
        }
        if (drag && !drag.pinch) {
          if (Math.hypot(p.x - drag.start.x, p.y - drag.start.y) > 4) drag.moved = true;
          if (drag.node) { drag.node.fx = (p.x - this.view.x) / this.view.k; drag.node.fy = (p.y - this.view.y) / this.view.k; }
          else { this.view.x += p.x - drag.last.x; this.view.y += p.y - drag.last.y; this.moved = true; this.draw(); }
          drag.last = p;
          return;
        }
        const node = this.nodeAt(p.x, p.y);
        if (node !== this.hover) { this.hover = node; c.style.cursor = node ? "pointer" : "grab"; this.draw(); }
      });
      const end = (e) => {
        this.pointers.delete(e.pointerId);
        if (!drag) return;
        if (drag.node) {
          drag.node.fx = drag.node.fy = null;
          this.sim.alphaTarget(0);
          if (!drag.moved && e.type === "pointerup") window.location.href = garden.href(drag.node.id);
        }
        if (!this.pointers.size) drag = null;
      };
      c.addEventListener("pointerup", end);
      c.addEventListener("pointercancel", end);
      c.addEventListener("pointerleave", () => { if (!drag && this.hover) { this.hover = null; this.draw(); } });
    }

    pinch() {
      const [a, b] = [...this.pointers.values()];
      return { d: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }

    draw() {
      if (!this.nodes || this.drawing) return;
      this.drawing = true;
      requestAnimationFrame(() => { this.drawing = false; this.paint(); });
    }

    paint() {
      // Batched: one path per link style and per node colour, so thousands of nodes stay cheap.
      const { ctx, view, ink } = this;
      const focus = this.hover;
      const near = (d) => !focus || d === focus || focus.neighbours.has(d.vi);
      ctx.clearRect(0, 0, this.width, this.height);
      ctx.save();
      ctx.translate(view.x, view.y);
      ctx.scale(view.k, view.k);
      ctx.lineWidth = 1 / view.k;
      const lit = new Path2D(), dim = new Path2D();
      for (const l of this.links) {
        const path = focus && (l.source === focus || l.target === focus) ? lit : dim;
        path.moveTo(l.source.x, l.source.y);
        path.lineTo(l.target.x, l.target.y);
      }
      ctx.globalAlpha = focus ? 0.35 : 1;
      ctx.strokeStyle = ink.line;
      ctx.stroke(dim);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = ink.accent;
      ctx.stroke(lit);
      const groups = new Map();
      for (const d of this.nodes) {
        const key = d.color + (near(d) ? "" : "|dim");
        let path = groups.get(key);
        if (!path) groups.set(key, (path = new Path2D()));
        path.moveTo(d.x + d.r, d.y);
        path.arc(d.x, d.y, d.r, 0, 2 * Math.PI);
      }
      for (const [key, path] of groups) {
        ctx.globalAlpha = key.endsWith("|dim") ? 0.3 : 1;
        ctx.fillStyle = key.split("|")[0];
        ctx.fill(path);
      }
      ctx.globalAlpha = 1;
      const current = this.nodes.find((d) => d.gi === this.current);
      if (current) {
        ctx.strokeStyle = ink.fg;
        ctx.lineWidth = 2 / view.k;
        ctx.beginPath();
        ctx.arc(current.x, current.y, current.r + 1.5 / view.k, 0, 2 * Math.PI);
        ctx.stroke();
      }
      const showAll = this.nodes.length <= (this.global ? 60 : 8) || view.k > 1.6 && this.nodes.length < 1500;
      ctx.font = `${12 / view.k}px system-ui, sans-serif`;
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineWidth = 3 / view.k;
      ctx.strokeStyle = ink.bg;
      const labelled = showAll ? this.nodes : [current, focus, ...(focus ? [...focus.neighbours].map((i) => this.nodes[i]) : [])];
      for (const d of new Set(labelled)) {
        if (!d) continue;
        const text = d.title.length > 32 ? d.title.slice(0, 30) + "…" : d.title;
        ctx.fillStyle = d === focus || d === current ? ink.fg : ink.soft;
        ctx.strokeText(text, d.x, d.y + d.r + 3 / view.k);
        ctx.fillText(text, d.x, d.y + d.r + 3 / view.k);
      }
      ctx.restore();
    }
  }
})();
