"""Code blocks, highlighted at build time with Pygments: no highlighting script.

```` ```python title="garden.py" {2-3} ```` gives a block labelled with the
language (and the title, when there is one), with lines 2 and 3 marked. The
tokens carry CSS classes; their colours for light and dark are in the theme's
css/32-pygments.css, made by `pygments_css()` (run `python -m garden.markdown.code`
to write it again after changing the styles). The copy button is added by the
theme's js/30-code.js, so a page without scripts shows no dead button.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"
# The code backgrounds of css/10-core.css, plain and under a marked line (31-code.css):
# every token colour is darkened (or lightened) until it reads on both (WCAG AA).
LIGHT_BACKGROUNDS = ("#f3f1ec", "#f5ecc2")
DARK_BACKGROUNDS = ("#1f2228", "#353424")
MIN_CONTRAST = 4.6  # AA asks 4.5:1; a little more, for rounding
_COLOR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b")
_PLAIN = {"", "text", "txt", "plain", "plaintext", "none", "nohighlight"}
_TITLE = re.compile(r"""title=(?:"([^"]*)"|'([^']*)'|(\S+))""")
_LINES = re.compile(r"\{([\d,\s-]+)\}")


def parse_info(info: str) -> tuple[str, str, list[int]]:
    """'ts title="a.ts" {1-3,5}' -> ('ts', 'a.ts', [1, 2, 3, 5])."""
    info = unescapeAll(info).strip()
    lang, _, rest = info.partition(" ")
    if lang.startswith("{") and lang.endswith("}"):  # ```{python}
        lang = lang[1:-1]
    title = ""
    if m := _TITLE.search(rest):
        title = next(g for g in m.groups() if g is not None)
        rest = rest[:m.start()] + rest[m.end():]
    lines: list[int] = []
    if m := _LINES.search(rest):
        for part in m.group(1).replace(" ", "").split(","):
            a, _, b = part.partition("-")
            if a.isdigit() and (not b or b.isdigit()):
                lines.extend(range(int(a), int(b or a) + 1))
    return lang, title, lines


@lru_cache(maxsize=256)
def lexer_for(lang: str):
    if lang.lower() in _PLAIN:
        return None
    try:
        return get_lexer_by_name(lang.lower(), stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


def highlight_code(code: str, lang: str, lines: tuple[int, ...] = ()) -> str:
    """The code as HTML with Pygments' classes (escaped text when the language is unknown)."""
    lexer = lexer_for(lang) if lang else None
    if lexer is None:
        return escapeHtml(code)
    return highlight(code, lexer, _formatter(lines))


@lru_cache(maxsize=64)
def _formatter(lines: tuple[int, ...]) -> HtmlFormatter:
    """Formatters are reusable, and making one builds a whole stylesheet: once per line set."""
    return HtmlFormatter(nowrap=True, hl_lines=list(lines))


def code_block(code: str, lang: str, title: str = "", lines: tuple[int, ...] = ()) -> str:
    lexer = lexer_for(lang) if lang else None
    label = lexer.name if lexer is not None else ("" if lang.lower() in _PLAIN else lang)
    attrs = f' data-lang="{escapeHtml(lang)}"' if lang else ""
    head = ""
    if label or title:
        head = ('<div class="code-header">'
                + (f'<span class="code-title">{escapeHtml(title)}</span>' if title else "")
                + (f'<span class="code-lang">{escapeHtml(label)}</span>' if label else "")
                + "</div>")
    language = f' class="language-{escapeHtml(lang)}"' if lang else ""
    # tabindex: a long line scrolls the block sideways, which keyboard users can do only once it takes focus
    return (f'<div class="code-block"{attrs}>{head}<pre class="highlight" tabindex="0"><code{language}>'
            f"{highlight_code(code, lang, lines)}</code></pre></div>\n")


def _fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    lang, title, lines = parse_info(token.info)
    return code_block(token.content, lang, title, tuple(lines))


def _code_block(self, tokens, idx, options, env) -> str:
    return code_block(tokens[idx].content, "")


def _rgb(color: str) -> tuple[int, ...]:
    h = color.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    def luminance(color: str) -> float:
        r, g, b = (v / 255 for v in _rgb(color))
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(color: str, backgrounds: tuple[str, ...], towards: str) -> str:
    """`color`, mixed step by step with `towards` (black or white) until it reads on every background."""
    rgb, target = _rgb(color), _rgb(towards)
    for step in range(21):
        t = step / 20
        mixed = "#" + "".join(f"{round(c + (d - c) * t):02x}" for c, d in zip(rgb, target))
        if all(contrast(mixed, bg) >= MIN_CONTRAST for bg in backgrounds):
            return mixed
    return towards


def pygments_css() -> str:
    """The token colours for css/32-pygments.css: light by default, dark by system setting or the toggle."""
    def rules(style: str, scope: str) -> str:
        css = HtmlFormatter(style=style).get_style_defs(scope)
        keep = [line for line in css.splitlines()
                if line.startswith(scope) and not re.match(re.escape(scope) + r"\s*\{", line)
                and " .hll " not in line + " " and not line.startswith(scope + " .hll")]
        light = style == LIGHT_STYLE
        backgrounds, towards = (LIGHT_BACKGROUNDS, "#000000") if light else (DARK_BACKGROUNDS, "#ffffff")
        return "\n".join(_COLOR.sub(lambda m: "color: " + readable(m.group(1), backgrounds, towards), line)
                         for line in keep)

    dark_system = ':root:not([data-theme="light"]) .highlight'
    return (f"/* Code colours from Pygments ({LIGHT_STYLE} / {DARK_STYLE}); "
            "made by `python -m garden.markdown.code`, do not edit. */\n"
            + rules(LIGHT_STYLE, ".highlight") + "\n"
            + "@media (prefers-color-scheme: dark) {\n" + rules(DARK_STYLE, dark_system) + "\n}\n"
            + rules(DARK_STYLE, ':root[data-theme="dark"] .highlight') + "\n")


def code_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)


if __name__ == "__main__":
    from pathlib import Path
    target = Path(__file__).resolve().parents[2] / "themes" / "default" / "css" / "32-pygments.css"
    target.write_text(pygments_css(), encoding="utf-8")
    print(f"wrote {target}")
