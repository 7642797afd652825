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
    return (f'<div class="code-block"{attrs}>{head}<pre class="highlight"><code{language}>'
            f"{highlight_code(code, lang, lines)}</code></pre></div>\n")


def _fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    lang, title, lines = parse_info(token.info)
    return code_block(token.content, lang, title, tuple(lines))


def _code_block(self, tokens, idx, options, env) -> str:
    return code_block(tokens[idx].content, "")


def pygments_css() -> str:
    """The token colours for css/32-pygments.css: light by default, dark by system setting or the toggle."""
    def rules(style: str, scope: str) -> str:
        css = HtmlFormatter(style=style).get_style_defs(scope)
        keep = [line for line in css.splitlines()
                if line.startswith(scope) and not re.match(re.escape(scope) + r"\s*\{", line)
                and " .hll " not in line + " " and not line.startswith(scope + " .hll")]
        return "\n".join(keep)

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
