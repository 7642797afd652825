"""```` ```mermaid ```` blocks become diagrams in the reader's browser.

The block is written as `<pre class="mermaid">` holding its source (readable
as text without scripts) and the note is flagged `x_mermaid` in `env` (it lands
in `Note.extras`): only pages showing such a note, or embedding one, load the
vendored mermaid script (themes/default/static/vendor/), which the theme's
js/32-mermaid.js runs with colours matching light or dark.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from .code import parse_info


def mermaid_plugin(md: MarkdownIt) -> None:
    code_fence = md.renderer.rules.get("fence")

    def fence(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        if parse_info(token.info)[0].lower() != "mermaid":
            return code_fence(tokens, idx, options, env) if code_fence else self.renderToken(tokens, idx, options, env)
        env["x_mermaid"] = True
        return f'<pre class="mermaid">{escapeHtml(token.content)}</pre>\n'

    md.add_render_rule("fence", fence)
