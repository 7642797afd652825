"""Math: `$inline$` and `$$display$$`, typeset at build time as MathML.

Parsing is mdit-py-plugins' dollarmath with Obsidian's rules: no space just
inside the dollars and no digit right after the closing one, so "$5 or $6" is
text; `\\$` is a dollar. latex2mathml turns the LaTeX into MathML, which
browsers render natively: no script, no web font, nothing fetched. A few
environments it lacks (aligned, gather, equation) are rewritten to ones it
has; LaTeX it cannot read is shown as code and reported with its line.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .problems import warn
from .slots import use_line_stamps

_RENAME = {
    "aligned": "align*", "alignat": "align*", "alignat*": "align*", "alignedat": "align*", "flalign": "align*",
    "flalign*": "align*", "eqnarray": "align*", "eqnarray*": "align*", "gather": "array}{c",
    "gather*": "array}{c", "gathered": "array}{c", "multline": "array}{c", "multline*": "array}{c",
}
_ENV = re.compile(r"\\(begin|end)\{([a-zA-Z]+\*?)\}")
_EQUATION = re.compile(r"\\(?:begin|end)\{equation\*?\}")
_TEXT = re.compile(r"\\(?:text|textrm|mbox)\{")
_AMP = re.compile(r"&(?!#?\w+;)")
_REASONS = {  # latex2mathml's exceptions that carry no message
    "NoAvailableTokensError": "the formula ends too early (a closing brace or an argument is missing)",
    "MissingSuperScriptOrSubscriptError": "^ or _ has nothing after it",
    "DoubleSuperscriptsError": "two superscripts in a row (use braces)",
    "DoubleSubscriptsError": "two subscripts in a row (use braces)",
    "ExtraLeftOrMissingRightError": "\\left without \\right",
    "MissingEndError": "\\begin without \\end",
    "InvalidStyleForGenfracError": "bad style in \\genfrac",
    "DenominatorNotFoundError": "\\frac needs two arguments",
    "InvalidAlignmentError": "bad column alignment",
    "InvalidWidthError": "bad width",
    "LimitsMustFollowMathOperatorError": "\\limits must follow an operator such as \\sum",
    "NumeratorNotFoundError": "\\frac needs two arguments",
}


def _rename(m: re.Match) -> str:
    kind, env = m.group(1), m.group(2)
    new = _RENAME.get(env)
    if new is None:
        return m.group(0)
    return f"\\{kind}{{{new if kind == 'begin' else new.split('}')[0]}}}"


def _top_level(tex: str, what: str) -> bool:
    """Whether `what` occurs outside every \\begin...\\end environment."""
    depth, i = 0, 0
    while i < len(tex):
        m = _ENV.match(tex, i)
        if m:
            depth += 1 if m.group(1) == "begin" else -1
            i = m.end()
        elif depth == 0 and tex.startswith(what, i):
            return True
        else:
            i += 2 if tex[i] == "\\" else 1
    return False


def _text_math(tex: str) -> str:
    """`\\text{where $x$ is}` (math inside text, as KaTeX allows) -> `\\text{where }x\\text{ is}`."""
    out, i = [], 0
    for m in _TEXT.finditer(tex):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            j += 1
        body = tex[m.end():j - 1]
        if "$" in body and depth == 0:
            parts = re.split(r"(?<!\\)\$", body)
            pieces = [f"\\text{{{p}}}" if n % 2 == 0 else f"{{{p}}}" for n, p in enumerate(parts) if p]
            out.append(tex[i:m.start()] + "".join(pieces))
            i = j
    return "".join(out) + tex[i:] if out else tex


def prepare(tex: str, display: bool) -> str:
    """LaTeX as Obsidian (MathJax) accepts it -> LaTeX latex2mathml reads the same way."""
    tex = _EQUATION.sub("", tex.strip())
    tex = _ENV.sub(_rename, tex)
    tex = _text_math(tex)
    if display and _top_level(tex, "\\\\"):  # several lines outside any environment
        env = "align*" if _top_level(tex, "&") else "array}{c"
        tex = f"\\begin{{{env}}}{tex}\\end{{{env.split('}')[0]}}}"
    return tex


@lru_cache(maxsize=2048)
def to_mathml(tex: str, display: bool) -> str:
    """MathML for `tex`, with the source kept as an annotation (copy, screen readers). Raises on bad LaTeX."""
    from latex2mathml.converter import convert  # imported by the first formula: most rebuilds parse none
    mathml = convert(prepare(tex, display), display="block" if display else "inline")
    mathml = _AMP.sub("&amp;", mathml)
    head, sep, inner = mathml.partition(">")
    inner = inner.removesuffix("</math>")
    annotation = f'<annotation encoding="application/x-tex">{escapeHtml(tex.strip())}</annotation>'
    return f"{head}{sep}<semantics>{inner}{annotation}</semantics></math>"


def _render(token, env, display: bool) -> str:
    tex = token.content
    try:
        return to_mathml(tex, display)
    except Exception as exc:  # latex2mathml raises many kinds of errors for bad input
        line = token.meta.get("line") or (env.get("line_offset", 0) + token.map[0] + 1 if token.map else 0)
        reason = _REASONS.get(type(exc).__name__) or str(exc) or type(exc).__name__
        warn(env, line, f"cannot typeset math ${tex.strip()}$: {reason}; shown as code", code="math")
        marks = "$$" if display else "$"
        return f'<code class="math-error">{escapeHtml(marks + tex + marks)}</code>'


def _inline(self, tokens, idx, options, env) -> str:
    return _render(tokens[idx], env, False)


def _inline_display(self, tokens, idx, options, env) -> str:
    return _render(tokens[idx], env, True)


def _block(self, tokens, idx, options, env) -> str:
    # tabindex: a wide formula scrolls sideways, which keyboard users can do only once it takes focus
    return f'<div class="math math-display" tabindex="0">{_render(tokens[idx], env, True)}</div>\n'


def math_plugin(md: MarkdownIt) -> None:
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           allow_blank_lines=False, double_inline=True)
    use_line_stamps(md)
    md.add_render_rule("math_inline", _inline)
    md.add_render_rule("math_inline_double", _inline_display)
    md.add_render_rule("math_block", _block)
