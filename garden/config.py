"""`garden.toml`: every setting, its default, and strict validation.

A vault with no config builds with the defaults; an unknown key is an error
naming the key and the file, because a typo silently ignored is worse.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import digital_garden
from .diagnostics import GardenError
from .plural import Text

CONFIG_NAME = "garden.toml"

# Per-note display settings: our name -> (Digital Garden frontmatter key, its camelCase form).
DISPLAY_SETTINGS = {
    "backlinks": ("dg-show-backlinks", "dgShowBacklinks"),
    "toc": ("dg-show-toc", "dgShowToc"),
    "local_graph": ("dg-show-local-graph", "dgShowLocalGraph"),
    "graph_depth_control": ("dg-show-graph-depth-control", "dgShowGraphDepthControl"),
    "file_tree": ("dg-show-file-tree", "dgShowFileTree"),
    "search": ("dg-enable-search", "dgEnableSearch"),
    "link_previews": ("dg-link-preview", "dgLinkPreview"),
    "tags": ("dg-show-tags", "dgShowTags"),
    "inline_title": ("dg-show-inline-title", "dgShowInlineTitle"),
    "home_link": ("dg-home-link", "dgHomeLink"),
}

# Per-note flags that place a note in the site's navigation: our name -> (frontmatter key, camelCase).
NOTE_FLAGS = {
    "hide": ("dg-hide", "dgHide"),  # left out of the explorer, search, graph, feeds and folder pages
    "hide_in_filetree": ("dg-hide-in-filetree", "dgHideInFileTree"),
    "hide_in_graph": ("dg-hide-in-graph", "dgHideInGraph"),
    "pinned": ("dg-pinned", "dgPinned"),  # listed first in its folder
    "pass_frontmatter": ("dg-pass-frontmatter", "dgPassFrontmatter"),  # frontmatter given to the theme
}
# Per-note values: our name -> (frontmatter key, camelCase).
NOTE_VALUES = {
    "note_icon": ("dg-note-icon", "noteIcon"),  # shown before the title in the explorer
    "content_classes": ("dg-content-classes", "dgContentClasses"),  # CSS classes on the note's article
    "metatags": ("dg-metatags", "dgMetaTags"),  # extra <meta> tags: {name: content}
}


@dataclass
class Display:
    """Site-wide defaults for what each page shows; a note's own `dg-*` value wins."""
    backlinks: bool = True
    toc: bool = True
    local_graph: bool = True
    graph_depth_control: bool = True
    file_tree: bool = True
    search: bool = True
    link_previews: bool = True
    tags: bool = True
    inline_title: bool = True
    home_link: bool = True
    pass_frontmatter: bool = False  # dg-pass-frontmatter: give every note's frontmatter to the theme
    graph_depth: int = 1  # the local graph's starting depth (1 or 2)
    graph_colors: str = "tag"  # colour graph nodes by "tag" or "folder"


@dataclass
class UI:
    """Every string the theme shows, so a garden can be translated.

    A count's word is written as `{count:one|other}` (see garden/plural.py).
    """
    backlinks: str = "Links to this page"
    no_backlinks: str = "No other page links here."
    contents: str = "Contents"
    tags: str = "Tags"
    all_tags: str = "All tags"
    tag_page: str = "Tagged “{tag}”"
    notes_count: str = "{count} {count:note|notes}"
    search: str = "Search"
    search_placeholder: str = "Search the garden"
    no_results: str = "No results."
    home: str = "Home"
    not_found_title: str = "Page not found"
    not_found_text: str = "There is no page at this address. It may have moved."
    recent_notes: str = "All notes"
    folder_page: str = "Folder: {folder}"
    explorer: str = "Explorer"
    graph: str = "Graph"
    global_graph: str = "Graph of the garden"
    graph_depth: str = "Depth"
    graph_colors: str = "Colour by"
    graph_by_tag: str = "tag"
    graph_by_folder: str = "folder"
    graph_help: str = "Drag to move, scroll or pinch to zoom, click a node to open it."
    graph_zoom_in: str = "Zoom in"
    graph_zoom_out: str = "Zoom out"
    graph_reset: str = "Fit the graph"
    graph_label: str = "Graph of {notes} {notes:note|notes} and {links} {links:link|links}"
    graph_fallback: str = "The graph needs JavaScript. Every note is listed on the home page."
    theme_toggle: str = "Toggle dark mode"
    menu: str = "Menu"
    close: str = "Close"
    toggle_folder: str = "Toggle folder {folder}"
    search_hint: str = "Type to search; #tag to filter by a tag"
    search_loading: str = "Loading the search index…"
    search_unavailable: str = "Search needs the site to be served over http(s); it cannot run from a file on disk."
    search_results: str = "{count} {count:result|results}"
    search_keys: str = "↑↓ to choose · Enter to open · Esc to close"
    feed: str = "Feed"
    recent: str = "Recently updated"
    sources: str = "Sources"
    sources_count: str = "{count} {count:source|sources}"
    sources_summary: str = "{count} {count:page|pages} cited from {sites} {sites:site|sites}"
    cited: str = "cited {count}×"
    back_to_citation: str = "Back to citation {n}"
    tldr: str = "TL;DR"
    tldr_mode: str = "TL;DR mode"
    reading_tools: str = "Reading tools"
    tldr_mode_note: str = "Showing headings and TL;DRs only."
    full_post: str = "Show the whole post"
    explain_simply: str = "Explain simply"
    question: str = "Question"
    answer: str = "Answer"
    share: str = "Share"
    share_on: str = "Share on {site}"
    copy: str = "Copy"
    copied: str = "Copied"
    mastodon_server: str = "Your Mastodon server"
    reading_time: str = "{minutes} min read"
    words: str = "{count} {count:word|words}"
    created: str = "Created"
    updated: str = "Updated"
    skip_to_content: str = "Skip to content"

    def __setattr__(self, name, value):
        """Each string is a `Text`, whose `format` picks the word that fits a count."""
        super().__setattr__(name, Text(value) if isinstance(value, str) else value)


@dataclass
class Dates:
    """Which dates a note's header shows, and how they are written."""
    created: bool = False
    updated: bool = True
    format: str = "yyyy-MM-dd"  # Luxon/Unicode tokens: yyyy, MMMM, MMM, MM, M, dd, d, EEEE, EEE


@dataclass
class Annotations:
    """How annotated posts are recognised: TLDRs, explain-simply parts, questions and share texts.

    Markers and headings are plain text, compared without case (a heading also
    without its trailing punctuation); `*_questions` are regular expressions
    searched in a paragraph's text, without case.
    """
    enabled: bool = True  # false: these posts render as plain Markdown
    link_domains: bool = True  # the domain (and an icon) beside each web link
    sources: bool = True  # a "Sources" list at the end of a post that cites web pages
    tldr_markers: list[str] = field(default_factory=lambda: ["TL;DR", "TLDR", "TL DR", "TL:DR"])
    tldr_headings: list[str] = field(default_factory=lambda: ["TL;DR", "TLDR", "TL DR", "Too long; didn't read"])
    tldr_callouts: list[str] = field(default_factory=lambda: ["tldr"])
    simple_headings: list[str] = field(default_factory=lambda: [
        "Simplify", "Simplified", "Explain simply", "Explained simply", "Explain it simply", "ELI5",
        "Explain like I'm five", "In plain words", "In plain English", "In plain language", "In simple terms",
        "Simply put", "The simple version"])
    simple_callouts: list[str] = field(default_factory=lambda: ["eli5", "simple", "simplify", "simplified"])
    questions: list[str] = field(default_factory=lambda: [
        r"\?[\s\W]*$", r"^(?:please|explain|write|create|make|give|summari[sz]e|draft|rewrite|describe|tell)\b"])
    simple_questions: list[str] = field(default_factory=lambda: [
        r"\bexplain\b.*\blike\b", r"\beli5\b", r"\b(?:middle|high|primary|elementary|grade)[ -]?school",
        r"\b(?:five|5)[ -]year[ -]old", r"\b(?:plain|simple|simpler) (?:words|terms|english|language)\b",
        r"\bexplain\b.*\bsimpl"])
    share_questions: list[str] = field(default_factory=lambda: [
        r"\b(?:tweet|toot|skeet|thread|social media|linkedin)\b", r"\bshar(?:e|able|ing)\b", r"\bviral\b",
        r"\bshort version\b"])


@dataclass
class Config:
    title: str = "My Garden"
    description: str = ""
    author: str = ""
    base_url: str = ""
    language: str = "en"
    content: str = "content"
    output: str = "build"
    theme: str = "default"
    publish: str = "flagged"
    ignore: list[str] = field(default_factory=list)
    cname: str = ""
    mounts: dict[str, str] = field(default_factory=dict)  # vault path -> folder outside the content folder
    display: Display = field(default_factory=Display)
    dates: Dates = field(default_factory=Dates)
    annotations: Annotations = field(default_factory=Annotations)
    ui: UI = field(default_factory=UI)

    # Not settable from the file: where things are on disk.
    root: Path = field(default=Path("."), metadata={"internal": True})
    vault: Path = field(default=Path("."), metadata={"internal": True})
    out: Path = field(default=Path("build"), metadata={"internal": True})
    out_chosen: bool = field(default=False, metadata={"internal": True})  # --out or `output` given, not the default
    source: str = field(default="", metadata={"internal": True})  # the config file, if any

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: "/" or "/repo/" for GitHub project pages."""
        m = re.match(r"^[a-z][a-z0-9+.-]*://[^/]*(/.*)?$", self.base_url, re.I)
        path = (m.group(1) if m else self.base_url) or "/"
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    @property
    def cache_dir(self) -> Path:
        """`.garden-cache/` beside garden.toml; for a bare vault, the user's cache folder,
        so building someone's vault never writes into it."""
        if self.source:
            return self.root / ".garden-cache"
        import hashlib
        import os
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        return base / "garden" / hashlib.sha256(str(self.vault).encode()).hexdigest()[:16]

    def mount_folders(self) -> dict[str, Path]:
        """`mounts` as vault path -> folder on disk (relative folders are beside garden.toml)."""
        return {key.strip("/"): (self.root / folder).resolve() for key, folder in self.mounts.items()}

    def file_path(self, rel: str) -> Path:
        """Where the vault file `rel` is on disk, mounted folders included."""
        for key, folder in self.mount_folders().items():
            if rel.startswith(key + "/"):
                return folder / rel[len(key) + 1:]
        return self.vault / rel

    def absolute_url(self, site_path: str) -> str:
        """A full URL for feeds, sitemaps and canonical links; root-relative without base_url."""
        if re.match(r"^[a-z][a-z0-9+.-]*://", self.base_url, re.I):
            return self.base_url.rstrip("/") + "/" + site_path.lstrip("/")
        return self.base_path + site_path.lstrip("/")


PUBLISH_MODES = ("flagged", "all")


def _line_of(text: str, key: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\[?\s*{re.escape(key)}\s*[\]=]", line):
            return n
    return 0


def _apply(obj, data: dict, path: str, text: str, prefix: str = "") -> None:
    fields = {f.name: f for f in dataclasses.fields(obj) if not f.metadata.get("internal")}
    for key, value in data.items():
        f = fields.get(key)
        if f is None:
            raise GardenError(
                f"unknown setting '{prefix}{key}'", path, _line_of(text, key),
                hint="known settings: " + ", ".join(sorted(fields)),
            )
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise GardenError(f"'{prefix}{key}' must be a table ([{prefix}{key}])", path, _line_of(text, key))
            _apply(current, value, path, text, f"{prefix}{key}.")
            continue
        expected = str if isinstance(current, str) else type(current)  # a [ui] Text is a str
        if expected is list:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif expected is dict:
            ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        else:
            ok = isinstance(value, expected) and not (expected is not bool and isinstance(value, bool))
        if not ok:
            raise GardenError(
                f"setting '{prefix}{key}' must be "
                + {list: "a list of strings", dict: "a table of strings"}.get(expected, expected.__name__),
                path, _line_of(text, key),
            )
        if key.endswith("questions"):
            for pattern in value:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise GardenError(f"setting '{prefix}{key}': invalid regular expression {pattern!r}: {exc}",
                                      path, _line_of(text, key)) from None
        setattr(obj, key, value)


def load_config(source: Path, out: Path | None = None, base_url: str | None = None,
                publish: str | None = None) -> Config:
    """Read `garden.toml` in SOURCE if there is one; otherwise SOURCE is the vault itself."""
    source = source.resolve()
    if not source.is_dir():
        raise GardenError(f"{source} is not a folder", str(source))
    cfg = Config()
    cfg.root = source
    file = source / CONFIG_NAME
    data: dict = {}
    if file.is_file():
        text = file.read_text(encoding="utf-8-sig")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise GardenError(f"invalid TOML: {exc}", str(file), int(m.group(1)) if m else 0) from None
        _apply(cfg, data, str(file), text)
        cfg.source = str(file)
        cfg.vault = (source / cfg.content).resolve()
        default_out = source / cfg.output
    elif digital_garden.detect(source):  # a repository made from the Digital Garden template
        digital_garden.configure(cfg, source)
        cfg.vault = (source / cfg.content).resolve()
        default_out = source / cfg.output
    else:
        cfg.vault = source
        default_out = Path.cwd() / "build"
    if base_url is not None:
        cfg.base_url = base_url
    if publish is not None:
        cfg.publish = publish
    if cfg.publish not in PUBLISH_MODES:
        raise GardenError(f"publish mode must be one of {', '.join(PUBLISH_MODES)}, not '{cfg.publish}'",
                          cfg.source or "garden")
    cfg.out = (out if out is not None else default_out).resolve()
    cfg.out_chosen = out is not None or "output" in data
    if not cfg.vault.is_dir():
        raise GardenError(f"the content folder {cfg.vault} does not exist", cfg.source or str(source),
                          _line_of(file.read_text(encoding="utf-8-sig"), "content") if cfg.source else 0)
    for key, folder in cfg.mount_folders().items():
        if not key or ".." in key.split("/") or not folder.is_dir():
            raise GardenError(f"mounts: '{key}' must name a vault path and an existing folder ({folder})",
                              cfg.source or str(source), _line_of(text, "mounts") if cfg.source else 0)
    return cfg


def _bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def note_display(meta: dict, defaults: Display) -> dict[str, bool]:
    """The display settings for one note: its `dg-*` (or camelCase) value, else the site default.

    A note's `false` switches a feature off even when the site turns it on, and
    its `true` switches it on; anything else (absent, misspelt) keeps the default.
    """
    result = {}
    for name, (kebab, camel) in DISPLAY_SETTINGS.items():
        value = _bool(meta.get(kebab, meta.get(camel)))
        result[name] = value if value is not None else getattr(defaults, name)
    return result


def note_settings(meta: dict, defaults: Display) -> dict:
    """Everything a note says about how it is shown: display switches, navigation flags and values.

    Most notes say nothing of it: notes saying the same share one dict (read-only), worked
    out once per build instead of once per note."""
    said = [(k, type(v), v) for k, v in meta.items() if k in _SETTING_KEYS]  # True == 1, but not here
    try:
        key = (id(defaults), tuple(said))
        hash(key)
    except TypeError:  # a list or a table among them
        return _note_settings(meta, defaults)
    found = _SETTINGS_MEMO.get(key)
    if found is None or found[0] is not defaults:
        if len(_SETTINGS_MEMO) > 4096:
            _SETTINGS_MEMO.clear()
        found = _SETTINGS_MEMO[key] = (defaults, _note_settings(meta, defaults))
    return found[1]


_SETTINGS_MEMO: dict = {}


def _note_settings(meta: dict, defaults: Display) -> dict:
    settings: dict = note_display(meta, defaults)
    for name, (kebab, camel) in NOTE_FLAGS.items():
        value = _bool(meta.get(kebab, meta.get(camel)))
        settings[name] = value if value is not None else bool(getattr(defaults, name, False))
    icon = meta.get("dg-note-icon", meta.get("noteIcon"))
    settings["note_icon"] = str(icon).strip() if isinstance(icon, (str, int)) and not isinstance(icon, bool) else ""
    classes = meta.get("dg-content-classes", meta.get("dgContentClasses"))
    if isinstance(classes, list):
        classes = " ".join(str(c) for c in classes)
    settings["content_classes"] = [c for c in (classes.split() if isinstance(classes, str) else [])
                                   if re.fullmatch(r"[A-Za-z_-][\w-]*", c)]
    tags = meta.get("dg-metatags", meta.get("dgMetaTags"))
    settings["metatags"] = {str(k): str(v) for k, v in tags.items()
                            if isinstance(v, (str, int, float)) and not isinstance(v, bool)} \
        if isinstance(tags, dict) else {}
    return settings


_SETTING_KEYS = frozenset(k for pair in (*DISPLAY_SETTINGS.values(), *NOTE_FLAGS.values(), *NOTE_VALUES.values())
                          for k in pair)  # every key note_settings reads


def fingerprint(cfg: Config) -> str:
    """A stable digest of every setting that can change output, for the build cache."""
    import hashlib
    import json
    data = {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg) if not f.metadata.get("internal")}
    return hashlib.sha256(json.dumps(data, default=lambda o: dataclasses.asdict(o), sort_keys=True)
                          .encode()).hexdigest()[:16]
