"""Frontmatter in every form real vaults use, and errors that name the file's line."""
import pytest

from garden.load import UnreadableText, text_of
from garden.parse.frontmatter import split


@pytest.mark.parametrize("text, meta, body_line", [
    ("---\ntitle: Hi\ntags: [a, b]\n---\nBody", {"title": "Hi", "tags": ["a", "b"]}, 5),
    ('---\n{"dg-publish":true,"permalink":"/x/","tags":["ai"]}\n---\n\n# H', {"dg-publish": True, "permalink": "/x/", "tags": ["ai"]}, 4),
    ('{"title": "Bare", "publish": true}\nBody', {"title": "Bare", "publish": True}, 2),
    ('{\n  "title": "Multi"\n}\n\nBody', {"title": "Multi"}, 4),
    ("No frontmatter\n---\nx", {}, 1),
    ("---\n---\nEmpty block", {}, 3),
    ("---\ncreated: 2024-03-05\n---\n", {"created": "2024-03-05"}, 4),
    ('---\n{"a": 1, "b": [1, 2,],}\n---\n', {"a": 1, "b": [1, 2]}, 4),  # trailing commas: YAML flow
])
def test_forms(text, meta, body_line):
    fm = split(text)
    assert fm.error is None
    assert fm.meta == meta
    assert fm.body_line == body_line


def test_bom_and_crlf_are_fine():
    text = text_of("\ufeff---\r\ntitle: Hi\r\n---\r\nBody\r\n".encode("utf-8"))
    fm = split(text)
    assert fm.meta == {"title": "Hi"} and fm.body.strip() == "Body"


@pytest.mark.parametrize("text, line, words", [
    ("---\ntitle: ok\ntags: [a, b\n---\n", 3, "invalid YAML"),
    ("---\n- a\n- b\n---\n", 1, "not a list"),
    ("---\njust a string\n---\n", 1, "not a single str"),
    ("---\ntitle: never closed\n\nbody", 1, "never closed"),
    ('{"title": "x",\n "oops" }\nbody', 2, "invalid JSON"),
    ('---\n{"title": "x" "a": 1}\n---\n', 2, "invalid JSON"),
])
def test_errors_name_the_line(text, line, words):
    fm = split(text)
    assert fm.error is not None
    assert fm.error[0] == line
    assert words in fm.error[1]


def test_duplicate_keys_warn_with_their_line():
    fm = split("---\ntitle: a\ntags: x\ntitle: b\n---\n")
    assert fm.error is None and fm.meta["title"] == "b"
    assert fm.warnings == [(4, "duplicate frontmatter key 'title': the last value is used")]


def test_non_utf8_names_the_byte():
    with pytest.raises(UnreadableText) as problem:
        text_of(b"---\ntitle: ok\n---\ncaf\xe9\n")
    assert "byte 21" in str(problem.value) and problem.value.line == 4


def test_json_frontmatter_reports_duplicate_keys_too():
    fm = split('---\n{"title": "a",\n "tags": [],\n "title": "b"}\n---\n')
    assert fm.meta["title"] == "b"
    assert fm.warnings == [(4, "duplicate frontmatter key 'title': the last value is used")]
