"""Themes: Jinja2 templates and static files, with per-garden overrides.

Lookup order for a template or a static file: the garden's own `theme/` folder
(beside garden.toml), then the configured theme (a folder in the garden's
`themes/`, or one shipped with garden), then the default theme. So a user can
override one template or add `custom.css` without copying a theme.

The stylesheet and the script are assembled from parts: every `css/*.css` and
`js/*.js` in name order (a part of the same name higher in the lookup order
replaces it), so each feature keeps its styles and behaviour in a file of its
own while the page still loads one `style.css` and one `garden.js`.

Jinja is imported when the first template is rendered: a build that finds the site
current needs only the theme's fingerprint, and Jinja's import is a tenth of that build.
"""
from __future__ import annotations

import hashlib
from functools import cached_property, lru_cache
from pathlib import Path

from .config import Config
from .diagnostics import GardenError


def shipped_themes() -> Path:
    """The themes that come with garden (the repository's `themes/` folder)."""
    package = Path(__file__).resolve().parent
    installed = package / "_themes"  # a regular install (see setup.py)
    return installed if (installed / "default").is_dir() else package.parent / "themes"


_DICT_ATTRIBUTES = frozenset(dir(dict))


@lru_cache(maxsize=1)
def _environment_class():
    import jinja2

    class Environment(jinja2.Environment):
        """Jinja reads `page.title` as an attribute first and only then as an item, so on the
        plain dicts garden renders from, each lookup raised and caught an AttributeError: a
        fifth of a note page's rendering. A plain dict's key is looked up directly; anything
        else, and a dict's own methods (`page.features.get`), are read as Jinja reads them."""

        def getattr(self, obj, attribute):
            if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
                try:
                    return obj[attribute]
                except KeyError:
                    return self.undefined(obj=obj, name=attribute)
            return super().getattr(obj, attribute)

    return Environment


@lru_cache(maxsize=1)
def _compiled_class():
    import jinja2

    class Compiled(jinja2.FileSystemBytecodeCache):
        """Compiled templates kept between builds: compiling the note template took a tenth of a
        one-note rebuild. A template whose source changed is compiled again (Jinja checks its
        checksum); one that cannot be written is compiled again next time."""

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return Compiled


class Theme:
    def __init__(self, cfg: Config, compiled: Path | None = None):
        """`compiled`: a folder to keep compiled templates in between builds (the build cache's)."""
        self.cfg = cfg
        self.compiled = compiled
        self.folders = self._folders(cfg)
        self.statics = self._statics()
        self._versions: dict[str, str] = {}
        self._templates: dict = {}
        self.fingerprint = self._fingerprint()

    @cached_property
    def env(self):
        import jinja2

        from .render.dates import format_date
        env = _environment_class()(
            loader=jinja2.FileSystemLoader([str(f / "templates") for f in self.folders]),
            autoescape=True, trim_blocks=True, lstrip_blocks=True,
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
            auto_reload=False,  # a Theme lives for one build (serve makes a new one per rebuild)
        )
        if self.compiled is not None:  # one folder per Jinja version: its compiled code is its own
            folder = self.compiled / jinja2.__version__
            try:
                folder.mkdir(parents=True, exist_ok=True)
                env.bytecode_cache = _compiled_class()(str(folder))
            except OSError:
                pass
        env.filters["date"] = lambda iso: format_date(iso, self.cfg.dates.format)
        return env

    @staticmethod
    def _folders(cfg: Config) -> list[Path]:
        folders = []
        own = cfg.root / "theme"
        if own.is_dir():
            folders.append(own)
        shipped = shipped_themes()
        for base in (cfg.root / "themes", shipped):
            candidate = base / cfg.theme
            if candidate.is_dir() and (candidate / "templates").is_dir():
                folders.append(candidate)
                break
        else:
            raise GardenError(f"theme '{cfg.theme}' not found", cfg.source or "garden",
                              hint=f"available: {', '.join(sorted(p.name for p in shipped.iterdir() if p.is_dir()))}")
        if cfg.theme != "default":
            folders.append(shipped / "default")
        return folders

    def _files(self, sub: str, pattern: str = "*") -> dict[str, Path]:
        """Files under `sub/` of every theme folder by relative name, the first folder winning."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            root = folder / sub
            if root.is_dir():
                for path in sorted(root.rglob(pattern)):
                    if path.is_file() and not path.name.startswith("."):
                        found[path.relative_to(root).as_posix()] = path
        return dict(sorted(found.items()))

    def _statics(self) -> dict[str, bytes | Path]:
        statics: dict[str, bytes | Path] = dict(self._files("static"))
        css = self._files("css", "*.css")
        if css:
            statics["style.css"] = b"\n".join(p.read_bytes() for p in css.values())
        js = self._files("js", "*.js")
        if js:
            statics["garden.js"] = (b"(function () {\n" + b"\n".join(p.read_bytes() for p in js.values())
                                    + b"\n})();\n")
        return dict(sorted(statics.items()))

    @staticmethod
    def _bytes(content: bytes | Path) -> bytes:
        return content if isinstance(content, bytes) else content.read_bytes()

    def _fingerprint(self) -> str:
        h = hashlib.sha256()
        for name, path in self._files("templates").items():
            h.update(name.encode() + b"\0" + path.read_bytes())
        for name, content in self.statics.items():
            h.update(name.encode() + b"\0" + self._bytes(content))
        return h.hexdigest()[:16]

    def asset_version(self, name: str) -> str:
        """A short digest of a static file, appended to its URL so browsers never use a stale copy."""
        if name not in self._versions:
            content = self.statics.get(name)
            self._versions[name] = hashlib.sha256(self._bytes(content)).hexdigest()[:10] if content else ""
        return self._versions[name]

    def template(self, name: str):
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = self.env.get_template(name)
        return found

    def render(self, template: str, **context) -> str:
        import jinja2
        try:
            return self.template(template).render(**context)
        except jinja2.TemplateError as exc:
            path, line = _template_frame(exc, template)
            raise GardenError(f"template error: {exc}", path, line) from None


def _template_frame(exc: Exception, template: str) -> tuple[str, int]:
    """The template file and line an error happened in (Jinja puts them in the traceback)."""
    if getattr(exc, "filename", None) and getattr(exc, "lineno", None):
        return exc.filename, exc.lineno
    tb, found = exc.__traceback__, (template, 0)
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".json")):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found
