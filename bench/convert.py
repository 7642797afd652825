"""The same garden as a Hugo site and as an Eleventy site, for a fair comparison.

What each tool gets (see bench/README.md for why this is fair):

- the published notes only (`dg-publish: true` or `publish: true`), at the URL garden
  gives them (the `permalink`, else the slug of the path), in the same folders;
- their Markdown as written, except what neither tool understands:
  `[[Note#Heading|alias]]` becomes `[alias](/note-url/#heading)` (plain text when the
  target is missing or private, as garden shows it); `![[image.png]]` becomes
  `![image.png](/attachments/image.png)`; `![[Note]]` and `![[Note#Heading]]` are
  replaced by the embedded note's (or section's) Markdown, one level deep, so each
  tool renders the same volume of text that garden puts on the page;
- frontmatter tags plus inline `#tags` as the tool's tags, so it writes one page per tag;
- one list page per folder, a tag index and a page per tag, a home page;
- a minimal page template (title, body, tag links) and a minimal list template
  (title, links), no search, no feeds, no sitemap.

Callouts stay blockquotes and inline `#tags` stay text: rendering them is work that
only garden does.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"}
WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#]*)(?:#([^\[\]|]*))?(?:\|([^\[\]]*))?\]\]")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
INLINE_TAG = re.compile(r"(?<![\w/#&])#([A-Za-z][\w/-]*)")
FENCE = re.compile(r"^\s*(```|~~~)")
STYLE = ("body{font:17px/1.6 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}"
         "pre{overflow:auto;padding:.75rem;background:#f6f6f4}blockquote{border-left:3px solid #ccc;"
         "margin-left:0;padding-left:1rem}.tags{display:flex;gap:.5rem;list-style:none;padding:0}\n")


def slug(text: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^\w\s/-]", "", text.lower()).replace("/", "-")
                  .replace(" ", "-")).strip("-")


def folder_path(folder: str) -> str:
    return "/".join(slug(p) for p in folder.split("/") if p)


@dataclass
class Note:
    rel: str  # vault path
    name: str  # file name without .md
    folder: str  # vault folder ("" at the root)
    meta: dict
    body: str
    url: str  # "/permalink/"
    home: bool

    @property
    def title(self) -> str:
        title = self.meta.get("title")
        return str(title) if title else self.name


def split_frontmatter(text: str) -> tuple[dict, str]:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end != -1:
            block = text[4:end]
            data = json.loads(block) if block.lstrip().startswith("{") else yaml.safe_load(block)
            return (data if isinstance(data, dict) else {}), text[end + 5:]
    return {}, text


def read_vault(vault: Path) -> tuple[dict[str, Note], list[Path]]:
    """Published notes by lower-cased name, and the attachments."""
    notes: dict[str, Note] = {}
    attachments = []
    for path in sorted(vault.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(vault).parts):
            continue
        if path.suffix.lower() != ".md":
            attachments.append(path)
            continue
        meta, body = split_frontmatter(path.read_text(encoding="utf-8"))
        if not (meta.get("dg-publish") is True or meta.get("publish") is True):
            continue
        rel = path.relative_to(vault).as_posix()
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        home = meta.get("dg-home") is True
        permalink = meta.get("permalink") or meta.get("dg-permalink")
        if home:
            url = "/"
        elif permalink:
            url = "/" + str(permalink).strip("/") + "/"
        else:
            url = "/" + "/".join(filter(None, [folder_path(folder), slug(path.stem)])) + "/"
        notes[path.stem.lower()] = Note(rel, path.stem, folder, meta, body, url, home)
    return notes, attachments


def section(body: str, heading: str) -> str:
    """The Markdown under `heading`, up to the next heading of the same or a higher level."""
    lines = body.split("\n")
    out, level, fenced = [], 0, False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        m = None if fenced else HEADING.match(line)
        if level:
            if m and len(m.group(1)) <= level:
                break
            out.append(line)
        elif m and m.group(2).strip().lower() == heading.strip().lower():
            level = len(m.group(1))
            out.append(line)
    return "\n".join(out)


class Converter:
    def __init__(self, notes: dict[str, Note]):
        self.notes = notes

    def target(self, name: str) -> Note | None:
        name = name.strip()
        if name.lower().endswith(".md"):
            name = name[:-3]
        return self.notes.get(name.rsplit("/", 1)[-1].lower())

    def convert(self, body: str, depth: int = 0) -> str:
        def replace(m: re.Match) -> str:
            bang, name, heading, alias = m.group(1), m.group(2), m.group(3), m.group(4)
            suffix = Path(name).suffix.lower()
            if bang and suffix in IMAGE_EXT:
                file = Path(name).name
                return f"![{file}](/attachments/{file})"
            note = self.target(name)
            text = alias or (f"{name} > {heading}" if heading else name)
            if note is None:
                return text
            if bang and depth == 0:
                embedded = section(note.body, heading) if heading else note.body
                embedded = "\n".join(line for line in embedded.split("\n") if not line.startswith("[^"))
                return "\n\n" + self.convert(embedded, depth + 1).strip() + "\n\n"
            anchor = "#" + slug(heading) if heading else ""
            return f"[{text}]({note.url}{anchor})"

        return WIKILINK.sub(replace, body)

    def tags(self, note: Note) -> list[str]:
        tags = note.meta.get("tags") or []
        if isinstance(tags, str):
            tags = tags.replace(",", " ").split()
        inline, fenced = [], False
        for line in note.body.split("\n"):
            if FENCE.match(line):
                fenced = not fenced
            elif not fenced and "#" in line:
                inline += [t for t in INLINE_TAG.findall(line) if not t.replace("/", "").isdigit()]
        return list(dict.fromkeys(str(t).strip("#") for t in [*tags, *inline]))


def _front(data: dict) -> str:
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()]
    return "\n".join(lines) + "\n---\n"


def _fresh(dest: Path, marker: str) -> None:
    """Empty `dest`, but only if it is a site this module wrote (it holds `marker`)."""
    if dest.exists() and any(dest.iterdir()):
        if not (dest / marker).exists():
            raise FileExistsError(f"{dest} is not empty and is not a converted bench site")
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)


def _copy_attachments(attachments: list[Path], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for path in attachments:
        shutil.copyfile(path, dest / path.name)


def markdown_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.md"))


# --- Hugo ----------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "/"
title = "Bench garden"
languageCode = "en"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[markup.goldmark.renderer]
  unsafe = true  # garden renders inline HTML too
[taxonomies]
  tag = "tags"
"""
HUGO_BASE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title><link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body><header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """\
{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ .Content }}
</article>
{{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">#{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ end }}
"""
HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ end }}
"""


def to_hugo(vault: Path, dest: Path) -> dict:
    """Write `dest` as a Hugo site (build it with `hugo --source dest`)."""
    _fresh(dest, "hugo.toml")
    notes, attachments = read_vault(vault)
    conv = Converter(notes)
    content = dest / "content"
    folders = set()
    for note in notes.values():
        data = {"title": note.title, "tags": conv.tags(note)}
        if note.home:
            path = content / "_index.md"
        else:
            data["url"] = note.url
            path = content / folder_path(note.folder) / (slug(note.name) + ".md")
            parts = note.folder.split("/") if note.folder else []
            folders.update("/".join(parts[:k]) for k in range(1, len(parts) + 1))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_front(data) + "\n" + conv.convert(note.body), encoding="utf-8")
    for folder in folders:  # a list page per folder, like garden's folder pages
        path = content / folder_path(folder) / "_index.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_front({"title": "Folder: " + folder.rsplit("/", 1)[-1]}), encoding="utf-8")
    layouts = dest / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(HUGO_BASE)
    (layouts / "single.html").write_text(HUGO_SINGLE)
    (layouts / "list.html").write_text(HUGO_LIST)
    (dest / "static").mkdir()
    (dest / "static" / "style.css").write_text(STYLE)
    _copy_attachments(attachments, dest / "static" / "attachments")
    (dest / "hugo.toml").write_text(HUGO_CONFIG)
    return {"pages": len(notes), "folders": len(folders), "markdown_bytes": markdown_bytes(content)}


# --- Eleventy ------------------------------------------------------------------------------

ELEVENTY_CONFIG = """\
// Eleventy for the garden benchmark: markdown-it (Eleventy's renderer) with footnotes,
// heading anchors and Prism highlighting, as garden renders footnotes, heading ids and code.
const {{ createRequire }} = require("node:module");
const bench = createRequire({node_dir});

module.exports = function (eleventyConfig) {{
  eleventyConfig.amendLibrary("md", (md) => md
    .use(bench("markdown-it-footnote"))
    .use(bench("markdown-it-anchor")));
  eleventyConfig.addPlugin(bench("@11ty/eleventy-plugin-syntaxhighlight"));
  eleventyConfig.addPassthroughCopy({{ "src/attachments": "attachments", "src/style.css": "style.css" }});
  eleventyConfig.addCollection("folders", (api) => {{
    const folders = new Map();
    for (const item of api.getAll()) {{
      const folder = item.data.folder;
      if (!folder) continue;
      const parts = folder.split("/");
      for (let k = 1; k <= parts.length; k++) {{
        const path = parts.slice(0, k).join("/");
        if (!folders.has(path)) folders.set(path, {{ path, title: parts[k - 1], notes: [] }});
      }}
      folders.get(folder).notes.push(item);
    }}
    return [...folders.values()];
  }});
  return {{
    dir: {{ input: "src", output: "_site", includes: "_includes" }},
    markdownTemplateEngine: false,
    templateFormats: ["md", "njk"],
  }};
}};
"""
ELEVENTY_BASE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · Bench garden</title><link rel="stylesheet" href="/style.css"></head>
<body><header><a href="/">Bench garden</a></header>
<main>{% block main %}{% endblock %}</main></body></html>
"""
ELEVENTY_NOTE = """\
{% extends "base.njk" %}
{% block main %}<article><h1>{{ title }}</h1>
{{ content | safe }}
</article>
{% if tags %}<ul class="tags">{% for t in tags %}<li><a href="/tags/{{ t | slugify }}/">#{{ t }}</a></li>{% endfor %}</ul>{% endif %}
{% endblock %}
"""
ELEVENTY_TAGS = """\
---
pagination:
  data: collections
  size: 1
  alias: tag
  filter: ["all", "folders"]
permalink: "/tags/{{ tag | slugify }}/"
eleventyExcludeFromCollections: true
eleventyComputed:
  title: "Tagged {{ tag }}"
---
{% extends "base.njk" %}
{% block main %}<h1>{{ title }}</h1>
<ul>{% for item in collections[tag] %}<li><a href="{{ item.url }}">{{ item.data.title }}</a></li>{% endfor %}</ul>
{% endblock %}
"""
ELEVENTY_TAG_INDEX = """\
---
permalink: "/tags/"
title: "All tags"
eleventyExcludeFromCollections: true
---
{% extends "base.njk" %}
{% block main %}<h1>{{ title }}</h1>
<ul>{% for tag, items in collections %}{% if tag != "all" and tag != "folders" %}<li><a href="/tags/{{ tag | slugify }}/">#{{ tag }}</a> ({{ items.length }})</li>{% endif %}{% endfor %}</ul>
{% endblock %}
"""
ELEVENTY_FOLDERS = """\
---
pagination:
  data: collections.folders
  size: 1
  alias: folder
permalink: "/{{ folder.path | folderslug }}/"
eleventyExcludeFromCollections: true
eleventyComputed:
  title: "Folder: {{ folder.title }}"
---
{% extends "base.njk" %}
{% block main %}<h1>{{ title }}</h1>
<ul>{% for item in folder.notes %}<li><a href="{{ item.url }}">{{ item.data.title }}</a></li>{% endfor %}</ul>
{% endblock %}
"""


def to_eleventy(vault: Path, dest: Path, node_dir: Path) -> dict:
    """Write `dest` as an Eleventy site (build it from `dest` with the Eleventy in `node_dir`)."""
    _fresh(dest, "eleventy.config.cjs")
    notes, attachments = read_vault(vault)
    conv = Converter(notes)
    src = dest / "src"
    for note in notes.values():
        data = {"title": note.title, "permalink": note.url, "layout": "note.njk", "tags": conv.tags(note)}
        if note.folder:
            data["folder"] = folder_path(note.folder)
        name = "index.md" if note.home else slug(note.name) + ".md"
        path = src / folder_path(note.folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_front(data) + "\n" + conv.convert(note.body), encoding="utf-8")
    includes = src / "_includes"
    includes.mkdir(parents=True, exist_ok=True)
    (includes / "base.njk").write_text(ELEVENTY_BASE)
    (includes / "note.njk").write_text(ELEVENTY_NOTE)
    (src / "tags.njk").write_text(ELEVENTY_TAGS)
    (src / "tags-index.njk").write_text(ELEVENTY_TAG_INDEX)
    (src / "folders.njk").write_text(ELEVENTY_FOLDERS.replace(" | folderslug", ""))
    (src / "style.css").write_text(STYLE)
    _copy_attachments(attachments, src / "attachments")
    (dest / "eleventy.config.cjs").write_text(
        ELEVENTY_CONFIG.format(node_dir=json.dumps(str((node_dir / "package.json").resolve()))))
    return {"pages": len(notes), "markdown_bytes": markdown_bytes(src)}
