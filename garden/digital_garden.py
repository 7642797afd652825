"""Repositories made from the Obsidian Digital Garden plugin's template.

Such a repository keeps the notes the plugin published in `src/site/notes/`
(JSON frontmatter with `dg-publish`, `permalink`, `dg-home`, `tags`), the images
they use in `src/site/img/user/` (linked as `/img/user/photo.png`), and the
site's settings in `.env`, which the plugin writes. garden builds it as it is:
the notes folder is the vault, the image folder is mounted at `img/user` (so both
`/img/user/photo.png` and `![[photo.png]]` resolve), and the `.env` settings map
onto garden.toml's. `garden init --from-digital-garden` writes the same mapping
down as a garden.toml.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

NOTES = "src/site/notes"
IMAGES = "src/site/img/user"
IMAGES_AT = "img/user"  # the vault path the notes use for them
ENV = ".env"

# .env key -> garden setting ("table.key"), for the keys that are not dg* display defaults.
ENV_SETTINGS = {
    "SITE_NAME_HEADER": "title",
    "SITE_BASE_URL": "base_url",
    "SITE_MAIN_LANGUAGE": "language",
    "SHOW_CREATED_TIMESTAMP": "dates.created",
    "SHOW_UPDATED_TIMESTAMP": "dates.updated",
    "TIMESTAMP_FORMAT": "dates.format",
    "UI_BACKLINK_HEADER": "ui.backlinks",
    "UI_NO_BACKLINKS_MESSAGE": "ui.no_backlinks",
    "UI_SEARCH_BUTTON_TEXT": "ui.search",
    "UI_SEARCH_PLACEHOLDER": "ui.search_placeholder",
    "UI_SEARCH_NO_RESULTS": "ui.no_results",
}
BOOLEAN = ("dates.created", "dates.updated")


@dataclass
class Mapping:
    """garden.toml-shaped settings for a template repository, and what could not be carried over."""
    data: dict
    unused: list[str] = field(default_factory=list)  # .env keys garden has no setting for
    problems: list[str] = field(default_factory=list)  # values that could not be read


def detect(root: Path) -> bool:
    """A folder with no garden.toml and a `src/site/notes/` folder is a template repository."""
    return (root / NOTES).is_dir()


def read_env(text: str) -> dict[str, str]:
    """`.env` as the template reads it (npm dotenv): KEY=value, quotes optional, `#` starts
    a comment outside quotes, `export ` allowed; the last of a repeated key wins."""
    values = {}
    for line in text.splitlines():
        m = re.match(r"\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$", line)
        if not m:
            continue
        key, raw = m.group(1), m.group(2).strip()
        quoted = re.match(r"""(['"`])(.*)\1""", raw)
        if quoted:
            value = quoted.group(2)
            if quoted.group(1) == '"':
                value = value.replace("\\n", "\n").replace("\\r", "\r")
        else:
            value = raw.split("#", 1)[0].strip()
        values[key] = value
    return values


def date_pattern(luxon: str) -> str:
    """TIMESTAMP_FORMAT without its time of day ("MMM dd, yyyy h:mm a" -> "MMM dd, yyyy"):
    garden dates a note by the day."""
    day = re.sub(r"[\s,]*\b[Hhk]{1,2}(?::mm)?(?::ss)?(?:\s*a)?\b", "", luxon)
    day = re.sub(r"[\s,]*\b(?:mm|ss|a)\b", "", day)
    return day.strip(" ,") or "yyyy-MM-dd"


def mapping(root: Path, base: Path | None = None) -> Mapping:
    """The settings of the template repository at `root`, with folders relative to `base`
    (the folder garden.toml is in; `root` itself by default)."""
    from .config import DISPLAY_SETTINGS

    base = base or root

    def rel(path: str) -> str:
        return Path(os.path.relpath((root / path).resolve(), base.resolve())).as_posix()

    data: dict = {"content": rel(NOTES)}
    if (root / IMAGES).is_dir():
        data["mounts"] = {IMAGES_AT: rel(IMAGES)}
    env_file = root / ENV
    env = read_env(env_file.read_text(encoding="utf-8-sig")) if env_file.is_file() else {}
    settings = dict(ENV_SETTINGS)
    settings.update({camel: f"display.{name}" for name, (_, camel) in DISPLAY_SETTINGS.items()})
    result = Mapping(data)
    for key, value in env.items():
        setting = settings.get(key)
        if setting is None:
            if value:
                result.unused.append(key)
            continue
        if value == "":
            continue  # the template's default
        if setting.startswith("display.") or setting in BOOLEAN:
            if value.lower() not in ("true", "false"):
                result.problems.append(f"{key}={value}: not true or false; left at garden's default")
                continue
            converted: object = value.lower() == "true"
        elif setting == "dates.format":
            converted = date_pattern(value)
        else:
            converted = value
        table, _, name = setting.rpartition(".")
        (data.setdefault(table, {}) if table else data)[name] = converted
    return result


def configure(cfg, root: Path) -> None:
    """Set `cfg` up as garden.toml would for the template repository at `root`."""
    from .config import _apply

    env_file = root / ENV
    text = env_file.read_text(encoding="utf-8-sig") if env_file.is_file() else ""
    _apply(cfg, mapping(root).data, str(env_file), text)
