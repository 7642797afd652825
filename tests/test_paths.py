"""Slugs, permalinks and relative URLs: [input, expected] tables."""
import pytest

from garden.paths import (UnsafePermalink, normalize_permalink, relative_url, slugify_file,
                          slugify_path)


@pytest.mark.parametrize("vault_path, site_path", [
    ("Folder/My Note.md", "folder/my-note/"),
    ("index.md", "index/"),
    ("My  Note (draft)!.md", "my-note-draft/"),
    ("Areas/Sub Area/Deep Note.MD", "areas/sub-area/deep-note/"),
    ("Café Crème.md", "café-crème/"),
    ("日本語のノート.md", "日本語のノート/"),
    ("v1.2 release.md", "v1-2-release/"),
    ("Q&A.md", "q-and-a/"),
    ("snake_case_name.md", "snake_case_name/"),
    ("--dashes--.md", "dashes/"),
    ("emoji 🌱 note.md", "emoji-note/"),
])
def test_slugify_path(vault_path, site_path):
    assert slugify_path(vault_path) == site_path


@pytest.mark.parametrize("vault_path, site_path", [
    ("Images/My Photo.PNG", "images/my-photo.png"),
    ("attachments/diagram v2.svg", "attachments/diagram-v2.svg"),
    ("doc.pdf", "doc.pdf"),
])
def test_slugify_file(vault_path, site_path):
    assert slugify_file(vault_path) == site_path


@pytest.mark.parametrize("permalink, site_path", [
    ("/blog/post/", "blog/post/"),
    ("blog/post", "blog/post/"),
    ("/03-create/blog/a-long-post/", "03-create/blog/a-long-post/"),
    ("/", ""),
    ("", ""),
    ("/notes/x.html", "notes/x/"),
    ("/notes/index.html", "notes/"),
    ("/a/./b//c/", "a/b/c/"),
])
def test_normalize_permalink(permalink, site_path):
    assert normalize_permalink(permalink) == site_path


@pytest.mark.parametrize("permalink", [
    "../outside", "/a/../../b", "https://evil.example/x", "//evil.example/x", "javascript:alert(1)",
    "a\\b", "a\x00b",
])
def test_unsafe_permalinks_are_refused(permalink):
    with pytest.raises(UnsafePermalink):
        normalize_permalink(permalink)


@pytest.mark.parametrize("page, target, url", [
    ("", "", "./"),
    ("", "notes/a/", "notes/a/"),
    ("notes/a/", "", "../../"),
    ("notes/a/", "notes/b/", "../../notes/b/"),
    ("a/b/c/", "static/style.css", "../../../static/style.css"),
    ("x/", "my folder/é note/", "../my%20folder/%C3%A9%20note/"),
    ("404.html", "tags/", "tags/"),
])
def test_relative_url(page, target, url):
    assert relative_url(page, target) == url
