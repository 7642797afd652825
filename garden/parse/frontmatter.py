"""Frontmatter, read the way real vaults write it, with errors that name a line.

Three forms: YAML between `---` fences; JSON between `---` fences (the Digital
Garden plugin's one-line form, which YAML reads too); a bare `{...}` JSON object
at the top of the file. python-frontmatter finds the fences; we parse the block
ourselves because its loader hides duplicate keys, drops a list or scalar
frontmatter silently, and counts error lines from the block instead of the file.
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

import yaml
from frontmatter.default_handlers import YAMLHandler

_FENCE = YAMLHandler.FM_BOUNDARY  # ^-{3,}\s*$
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class FrontMatter:
    meta: dict
    body: str
    body_line: int  # the file line (1-based) on which `body` starts
    error: tuple[int, str] | None = None  # (line, message): the note cannot be read
    warnings: list[tuple[int, str]] = field(default_factory=list)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser, when PyYAML has it
    """SafeLoader that reports duplicate keys instead of keeping the last one silently."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            try:
                key = self.construct_object(key_node, deep=True)
            except yaml.YAMLError:
                continue
            if isinstance(key, (str, int, float, bool)) and key in seen:
                self.duplicates.append((key_node.start_mark.line, key))
            seen[key] = True
        return super().construct_mapping(node, deep=deep)


def _load_yaml(block: str):
    loader = _Loader(block)
    loader.duplicates = []
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _plain(value):
    """Dates and times become ISO strings so every later stage sees plain JSON-like data."""
    if isinstance(value, dict):
        return {_text(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, str):
        return _text(value)
    return value


def _text(value: str) -> str:
    """Escapes such as "\\ud83c\\udf31" (JSON's way to write an emoji) reach YAML as two lone
    surrogates, which no file or page can hold: pair them up, and replace any left alone."""
    if not _SURROGATE.search(value):
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def split(text: str) -> FrontMatter:
    """Separate the metadata from the body, never raising."""
    if text.startswith("{"):
        try:
            data, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            return FrontMatter({}, text, 1, (exc.lineno, f"invalid JSON frontmatter: {exc.msg}"))
        rest_line = text.count("\n", 0, end)
        nl = text.find("\n", end)
        body = "" if nl < 0 else text[nl + 1:]
        return _checked(data, body, rest_line + 2, 1, [])

    first = text.split("\n", 1)[0]
    if not _FENCE.fullmatch(first) or not first.startswith("---"):
        return FrontMatter({}, text, 1)
    lines = text.split("\n")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        return FrontMatter({}, text, 1, (1, "frontmatter opened with '---' is never closed "
                                            "(add a '---' line after the metadata)"))
    block = "\n".join(lines[1:close])
    body = "\n".join(lines[close + 1:])
    body_line = close + 2
    if not block.strip():
        return FrontMatter({}, body, body_line)
    if block.lstrip().startswith("{"):  # the Digital Garden plugin's JSON: read as JSON, much faster
        try:
            data, dups = _load_json(block)
            return _checked(data, body, body_line, 2, _duplicates(dups))
        except json.JSONDecodeError:
            pass  # YAML flow syntax is looser than JSON (trailing commas...): try it as YAML
    try:
        data, dups = _load_yaml(block)
    except yaml.YAMLError as exc:
        if block.lstrip().startswith("{"):
            try:
                return _checked(json.loads(block), body, body_line, 2, [])
            except json.JSONDecodeError as jexc:
                return FrontMatter({}, body, body_line,
                                   (1 + jexc.lineno, f"invalid JSON frontmatter: {jexc.msg}"))
        mark = getattr(exc, "problem_mark", None)
        line = min(2 + mark.line, close) if mark is not None else 1  # an error at the end is on the last line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return FrontMatter({}, body, body_line, (line, f"invalid YAML frontmatter: {problem}"))
    return _checked(data, body, body_line, 1, _duplicates(dups))


def _duplicates(dups) -> list[tuple[int, str]]:
    return [(2 + ln, f"duplicate frontmatter key '{key}': the last value is used") for ln, key in dups]


def _load_json(block: str):
    """JSON, with duplicate keys reported by the line (within the block) of their repeat."""
    dups: list[tuple[int, str]] = []

    def pairs(items):
        seen = set()
        for key, _ in items:
            if key in seen:
                at = block.find(f'"{key}"', block.find(f'"{key}"') + 1)
                dups.append((block.count("\n", 0, max(at, 0)), key))
            seen.add(key)
        return dict(items)

    return json.loads(block, object_pairs_hook=pairs), dups


def _checked(data, body: str, body_line: int, line: int, warnings) -> FrontMatter:
    if data is None:
        return FrontMatter({}, body, body_line, None, warnings)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        return FrontMatter({}, body, body_line,
                           (line, f"frontmatter must be a mapping of keys to values, not {kind}"), warnings)
    return FrontMatter(_plain(data), body, body_line, None, warnings)
