"""Full-text search: a MiniSearch index under `search/`, written at build time in shards,
and updated only where notes changed. The theme's dialog (js/43-search.js) queries it
through js/43-search-index.js with the vendored MiniSearch (static/vendor/minisearch/),
fetching only what a query needs.

Why MiniSearch, and why sharded: MiniSearch ranks with BM25+ and per-field boosts, and does
prefix and fuzzy search; it runs in the page and its index is plain JSON, so Python writes
it directly, with no binary and no second indexer to run. One index file for a large garden
would weigh tens of megabytes, so the index is cut into small files:

    search/meta.json       statistics of the whole index (document count, average field
                           lengths), the stop words, and the names of all other files
    search/d/<hash>.json   per first character of a shard key: {key: shard hash}
    search/s/<hash>.json   a shard: MiniSearch's index entries [term, {fieldId: postings}]
                           for the terms whose longest shard key is its key
    search/l/<hash>.json   field lengths of the documents in a range of ids
    search/r/<hash>.json   what a result shows (page path, title, summary), by id range; and
                           the list of those files
    search/t/<hash>.json   the tags with their note counts and the file of each tag's ids

Terms are sharded by prefix: a term's key is its first three characters (a shorter term is
its own key), and a key whose shard would hold more than SHARD_BUDGET postings gives its
largest longer prefixes shards of their own; a term belongs to the longest key that starts
it. A query term of three characters or more finds every term it begins in the shards whose
keys start with it, plus the shard of its longest key. Postings are (document id, term
frequency) pairs, delta-coded, a negative delta meaning frequency 1; the client expands them
into MiniSearch's serialized form and loads that with the global statistics of meta.json,
so scores are exactly those of one index holding every note.

Document ids come from a hash of the page path (colliding paths take the next free id in
path order), so adding or deleting a note leaves the other notes' ids and shards alone.
Field lengths live in their own files, not in every shard that mentions a note, so editing
a note rewrites only the shards of the terms whose counts changed, one lengths file, one
results file and meta.json. Every file is named by a digest of its content: a browser never
mixes a stale shard with a new meta.json, and an unchanged file keeps its name and is not
written again. Terms are made the same way here and in the page (see `tokenize`).
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple
from pathlib import Path

import lz4.block

from ..cache import append_records, code_version, read_record, worth_copying
from ..config import fingerprint
from ..parallel import pmap, workers
from ..resolve import HOME_TAG, Garden, Page, tag_path
from . import Deferred
from ..theme import Theme

FORMAT = 1  # bump when the files written change shape
INDEX_DIR = "search/"
FIELDS = ("title", "aliases", "headings", "body")
BOOST = {"title": 10, "aliases": 8, "headings": 5, "body": 1}
KEY_LENGTH = 3
SHARD_BUDGET = 6000  # postings in one shard before longer prefixes get their own
LENGTHS_CHUNK = 1024  # documents per file of field lengths, about
STORED_CHUNK = 8  # documents per file of result data, about: a result list reads about one per result
ASCII_WORD = re.compile(r"[a-z0-9]{2,}")
# For counting an ASCII text's words: every character that is not a lowercase letter or a
# digit made a space, then a split, which finds ASCII_WORD's runs and the one-character
# ones, dropped afterwards with the stop words (see term_counts).
_ASCII_GAPS = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isdigit() or chr(c).islower())})
_ONE_CHARACTER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# Words too common to find anything: Lucene's English stop words. The list travels in
# meta.json, so the page drops the same words from queries.
STOP_WORDS = {"en": frozenset("""a an and are as at be but by for if in into is it no not of on or such that
the their then there these they this to was will with""".split())}
CACHE_NAME = "search"


def stop_words(language: str) -> frozenset[str]:
    return STOP_WORDS.get(language.split("-")[0].lower(), frozenset())


def tokenize(text: str, stop: frozenset[str] = frozenset()) -> list[str]:
    """The terms of a text, in order: NFC-normalized, lowercased runs of letters, marks and
    digits, of two characters or more and not stop words. Chinese, Japanese and Korean are
    written without spaces between words, so a run of their characters gives each pair of
    neighbours instead (a lone one, itself), and a word is found inside a sentence. The
    page's `terms` in js/43-search-index.js does the same; tests check both agree."""
    return [t for t in _words(text) if t not in stop]


def _words(text: str) -> list[str]:
    if text.isascii():  # the same words, found twice as fast
        return ASCII_WORD.findall(text.lower())
    word, run, cjk, piece, variation = _patterns()
    text = variation.sub("", unicodedata.normalize("NFC", text).lower())
    if not cjk.search(text):  # most text that is not ASCII: one findall, as the page's loop gives
        return word.findall(text)
    words = []
    for found in run.findall(text):
        for m in piece.finditer(found):
            part = m.group()
            if m.group("cjk") is None:
                if len(part) > 1:
                    words.append(part)
            elif len(part) == 1:
                words.append(part)
            else:
                words.extend(part[i:i + 2] for i in range(len(part) - 1))
    return words


@lru_cache(maxsize=1)
def _patterns():
    r"""Words (runs of two letters, marks or digits or more: the standard `re` has no Unicode
    property classes); for a text in Chinese, Japanese or Korean, runs of any length, one
    character of those languages, and the pieces of a run that are (group `cjk`) or are not
    in them; and variation selectors (葛󠄀 is 葛 drawn another way), dropped before all that.
    The page's `terms` uses the same classes. `regex` is imported on the first text that is
    not ASCII."""
    import regex
    cjk = r"\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}"
    return (regex.compile(r"[\p{L}\p{M}\p{N}]{2,}"), regex.compile(r"[\p{L}\p{M}\p{N}]+"),
            regex.compile(f"[{cjk}]"), regex.compile(rf"(?P<cjk>[{cjk}]+)|[^{cjk}]+"),
            regex.compile(r"\p{Variation_Selector}"))


def term_counts(text: str, stop: frozenset[str]) -> Counter:
    """The terms of `tokenize(text, stop)`, counted; an ASCII text is split rather than
    searched, which counts its words a third faster (the index reads every page's text)."""
    if text.isascii():
        counts = Counter(text.lower().translate(_ASCII_GAPS).split())
        unwanted = _with_one_character(stop)
    else:
        counts, unwanted = Counter(_words(text)), stop
    for word in unwanted & counts.keys():
        del counts[word]
    return counts


@lru_cache(maxsize=4)
def _with_one_character(stop: frozenset[str]) -> frozenset[str]:
    return stop | _ONE_CHARACTER


def searchable(page: Page) -> bool:
    return not page.settings.get("hide")


def tag_values(tags: list[str]) -> list[str]:
    """Each tag and its parents (#area finds #area/sub), as in its page's address: tags/<value>/."""
    return sorted({tag_path("/".join(t.split("/")[:i]))[len("tags/"):-1] for t in tags
                   if t.lower() != HOME_TAG for i in range(1, t.count("/") + 2)})


def field_texts(garden: Garden, page: Page) -> tuple[str, str, str, str]:
    """What each field of the index reads of a page, in FIELDS order."""
    note = page.note
    return (note.title, "\n".join(note.aliases), "\n".join(h.text for h in note.headings if h.id), garden.text(note))


def shard_key(term: str) -> str:
    return term[:KEY_LENGTH]


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.blake2b(data, digest_size=5).hexdigest()


# --- documents --------------------------------------------------------------------------------

class Doc(NamedTuple):
    """What the index holds of one page (a tuple: the cache loads ten thousand of them on
    every rebuild, three times faster than as a dataclass)."""
    key: str  # digest of what the index read of the note
    id: int
    lengths: tuple[int, ...]  # distinct terms per field, as MiniSearch counts a field's length
    stored: str  # JSON [path, title, summary]: what a result shows
    tags: tuple[str, ...]


def doc_key(page: Page) -> str:
    note = page.note
    return f"{note.rel}\0{note.digest}\0{page.path}"


def id_bits(count: int) -> int:
    """Ids are below 2**bits: a space 8 to 16 times the number of pages."""
    return max(10, (count - 1).bit_length() + 3)


def assign_ids(paths: list[str]) -> tuple[dict[str, int], int]:
    """A stable id per page path: a hash of the path in a space 8 to 16 times the number of
    pages, the next free one on a collision (taken in path order)."""
    bits = id_bits(len(paths))
    size = 1 << bits
    used = bytearray(size)
    ids = {}
    for path in sorted(paths):
        i = int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big") & (size - 1)
        while used[i]:
            i = (i + 1) & (size - 1)
        used[i] = 1
        ids[path] = i
    return ids, bits


def ids_of(paths: list[str], old: "Index | None") -> dict[str, int]:
    """assign_ids' ids, those of the last index when it holds the same pages (ids depend only
    on which paths there are, and the caller checked that the id space is the same)."""
    if old is not None and old.docs.keys() == set(paths):
        return {path: doc.id for path, doc in old.docs.items()}
    return assign_ids(paths)[0]


def analyse(texts: tuple[str, ...], stop: frozenset[str]) -> tuple[tuple[int, ...], list[Counter], bytes]:
    """A document's field lengths, its term counts per field, and those as a compressed
    text (kept to undo them when the note changes): per field (\x1d between them) its terms
    joined by \x1e, \x1c, then their counts joined by commas."""
    counts = [term_counts(text, stop) for text in texts]
    text = "\x1d".join("\x1e".join(c) + "\x1c" + ",".join(map(str, c.values())) for c in counts)
    return tuple(map(len, counts)), counts, lz4.block.compress(text.encode())


def postings_of(blob: bytes) -> Iterator[tuple[int, str, int]]:
    """(field id, term, frequency) for each posting of an `analyse` blob."""
    if not blob:
        return
    for f, part in enumerate(lz4.block.decompress(blob).decode().split("\x1d")):
        terms, _, counts = part.partition("\x1c")
        if terms:
            yield from zip([f] * len(counts), terms.split("\x1e"), map(int, counts.split(",")))


def _analyse_one(context, i):
    garden, pages, stop = context
    lengths, _, blob = analyse(field_texts(garden, pages[i]), stop)
    return lengths, blob


def _analyse_batch(context, b):
    """The documents of one batch of pages (in id order), and the postings of each of their
    terms, encoded as a piece to join with the other batches' (see `_join`)."""
    garden, pages, ids, stop, size = context
    lists: dict[str, tuple[list, list, list, list]] = {}
    docs = []
    for page in pages[b * size:(b + 1) * size]:
        doc = ids[page.path]
        lengths, counts, blob = analyse(field_texts(garden, page), stop)
        docs.append((lengths, blob))
        for f, c in enumerate(counts):
            for term, n in c.items():
                found = lists.get(term)
                if found is None:
                    found = lists[term] = ([], [], [], [])
                found[f].extend((doc, n))
    return docs, {term: tuple(_piece(f) if f else None for f in fields) for term, fields in lists.items()}


def _piece(pairs: list[int]) -> tuple[str, int, int, int, int]:
    """Postings [id, n, id, n, ...] encoded from -1: (text, first id, its count, last id, postings)."""
    return encode_pairs(pairs), pairs[0], pairs[1], pairs[-2], len(pairs) // 2


def _join(pieces: list[tuple[str, int, int, int, int]]) -> tuple[str, int]:
    """Pieces of one term's postings in a field, in id order, as one encoded text (each piece's
    first delta counted from the last id of the piece before): (text, postings)."""
    text, _, _, last, total = pieces[0]
    parts = [text]
    for text, first, n, end, size in pieces[1:]:
        head = str(last - first) if n == 1 else f"{first - last},{n}"
        cut = text.find(",", text.find(",") + 1 if n != 1 else 0)
        parts.append(head + (text[cut:] if cut >= 0 else ""))
        last, total = end, total + size
    return ",".join(parts), total


# --- postings ---------------------------------------------------------------------------------

def encode_pairs(pairs: list[int]) -> str:
    """Postings given as [id, frequency, id, frequency, ...] in id order, as text: ids
    delta-coded from -1; a negative delta stands for frequency 1, a positive one is
    followed by the frequency."""
    ids = pairs[0::2]
    return ",".join([str(prev - i) if n == 1 else f"{i - prev},{n}"
                     for prev, i, n in zip([-1, *ids], ids, pairs[1::2])])


def encode(postings: dict[int, int]) -> str:
    """Postings {id: frequency} as encode_pairs writes them; with decode, the format's reference
    (what the page's script reads, what splice must write)."""
    return encode_pairs([x for i in sorted(postings) for x in (i, postings[i])])


def decode(text: str) -> dict[int, int]:
    postings: dict[int, int] = {}
    if not text:
        return postings
    values = list(map(int, text.split(",")))
    prev, i = -1, 0
    while i < len(values):
        v = values[i]
        if v < 0:
            prev -= v
            postings[prev] = 1
            i += 1
        else:
            prev += v
            postings[prev] = values[i + 1]
            i += 2
    return postings


def splice(text: str, edits: dict[int, int]) -> tuple[str, int]:
    """`encode` of the postings `text` holds with `edits` made (id -> frequency, 0 removes the
    id), and how many postings that added (or, below 0, removed). The text between the edits
    is copied as it is, and the walk stops at the last edit: a note added or removed edits
    every term it holds, common ones among them, and decoding and encoding their whole lists
    took most of such a rebuild."""
    tokens = text.split(",") if text else []
    values = list(map(int, tokens))
    out: list[str] = []
    prev = last = -1  # the id before values[i] in the old list; the id last written
    i = start = grown = 0  # tokens[start:i]: a run copied as it is once the walk passes it
    size = len(values)
    for doc in sorted(edits):
        walked = False
        while i < size:  # to the posting at or after `doc`
            v = values[i]
            pid, width = (prev - v, 1) if v < 0 else (prev + v, 2)
            if pid >= doc:
                break
            if i == start and last != prev:  # a run's first posting, after an edit: its delta from what was written
                out.extend(_pair(last, pid, 1 if width == 1 else values[i + 1]))
                start, last = i + width, pid
            prev, i, walked = pid, i + width, True
        out.extend(tokens[start:i])
        if walked:
            last = prev
        if i < size:
            v = values[i]
            pid, width = (prev - v, 1) if v < 0 else (prev + v, 2)
            if pid == doc:  # the old posting of `doc` goes (and comes back below if kept)
                prev, i = pid, i + width
                grown -= 1
        start = i
        if edits[doc]:
            out.extend(_pair(last, doc, edits[doc]))
            last = doc
            grown += 1
    if i < size:  # the rest as it is, but for its first posting's delta
        v = values[i]
        if last != prev:
            pid, width = (prev - v, 1) if v < 0 else (prev + v, 2)
            out.extend(_pair(last, pid, 1 if width == 1 else values[i + 1]))
            i += width
        out.extend(tokens[i:])
    return ",".join(out), grown


def _pair(prev: int, doc: int, n: int) -> list[str]:
    """One posting as encode_pairs writes it after the posting of id `prev`."""
    return [str(prev - doc)] if n == 1 else [str(doc - prev), str(n)]


def entry(term: str, fields: tuple[str, ...]) -> str:
    """A term's index entry as a shard holds it: [term, {fieldId: [postings]}]."""
    parts = ",".join(f'"{f}":[{text}]' for f, text in enumerate(fields) if text)
    return f"[{json.dumps(term, ensure_ascii=False)},{{{parts}}}]"


def layout(key: str, sizes: dict[str, int], budget: int = SHARD_BUDGET) -> dict[str, list[str]]:
    """The shards of the terms under one key, {shard key: sorted terms}, from each term's
    number of postings. While the shard would exceed the budget, its largest longer
    prefixes take shards of their own (and so on below them)."""
    total = sum(sizes.values())
    if len(sizes) == 1:  # one term: cutting further would not make it smaller
        return {key: list(sizes)}
    longer: dict[str, dict[str, int]] = {}
    for term, size in sizes.items():
        if len(term) > len(key):
            longer.setdefault(term[:len(key) + 1], {})[term] = size
    shards: dict[str, list[str]] = {}
    taken: set[str] = set()
    for child, terms in sorted(longer.items(), key=lambda c: (-sum(c[1].values()), c[0])):
        if total <= budget:
            break
        shards.update(layout(child, terms, budget))
        taken.update(terms)
        total -= sum(terms.values())
    rest = sorted(t for t in sizes if t not in taken)
    if rest:
        shards[key] = rest
    return shards


# --- the index kept between builds -----------------------------------------------------------

@dataclass
class Index:
    """The search index as the build cache keeps it."""
    docs: dict[str, Doc] = field(default_factory=dict)  # page path -> document
    shards: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    # ^ per 3-character key: {shard key: (digest, terms)}
    files: dict[str, bytes] = field(default_factory=dict)  # the other files: meta, dirs, lengths, results, tags
    blobs: dict[str, bytes | tuple[int, int]] = field(default_factory=dict)
    # ^ page path -> its `analyse` blob, or where the blob is in the log (offset, length): see Blobs
    terms: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    # ^ term -> (number of postings, encoded postings per field)
    log: "Blobs | None" = None  # where the blobs not in memory are

    def blob(self, path: str) -> bytes:
        """A page's blob, read from the log if it is not in memory."""
        found = self.blobs[path]
        return found if type(found) is bytes else self.log.read(path, found)

    def __reduce__(self):
        """Documents pickle as plain tuples (a NamedTuple pickles through Python code, a third
        of the index's saving time), blobs as where they are in the log (Store.save puts them
        there first)."""
        if any(type(b) is bytes for b in self.blobs.values()):
            raise ValueError("the blobs are not in the log yet (Store.save first)")
        return _index, (list(self.docs), list(map(tuple, self.docs.values())), self.shards, self.files, self.blobs,
                        self.terms, self.log.name if self.log else "")

    def outputs(self) -> list[tuple[str, str]]:
        """(site path, key) of every file: shards by their digest, the others by their name."""
        found = [(f"{INDEX_DIR}s/{name}.json", name) for shards in self.shards.values() for name, _ in shards.values()]
        return found + [(path, digest(data) if path.endswith("meta.json") else path) for path, data in self.files.items()]


@dataclass
class Head:
    """What a build reads when no searchable note changed: the index's inputs and outputs."""
    base: str = ""  # format, settings and code the index was made with
    inputs: str = ""  # its pages and what it read of them (see `inputs`)
    bits: int = 0  # ids are below 2**bits
    token: str = ""  # names the file holding the Index
    outputs: list[tuple[str, str]] = field(default_factory=list)


def inputs(keys: list[str]) -> str:
    """A digest of the pages' doc keys: equal, and the index is what it was."""
    return hashlib.blake2b("".join([f"{key}\n" for key in keys]).encode(), digest_size=16).hexdigest()


class Store:
    """The index in the build cache (`<cache>/search/`: head.pickle, index-<token>.pickle and
    the blobs' log, see Blobs), or nowhere when caching is off. The last index stays in memory
    too, for a long-running process (garden serve)."""
    _memory: dict = {}

    def __init__(self, folder: Path | None):
        self.folder = folder

    def head(self) -> Head:
        return self._load("head.pickle", Head) or Head()

    def index(self, token: str) -> Index | None:
        return self._load(f"index-{token}.pickle", Index) if token else None

    def has(self, token: str) -> bool:
        return self.folder is not None and bool(token) and (self.folder / f"index-{token}.pickle").is_file()

    def _load(self, name: str, kind):
        if self.folder is None:
            return None
        path = self.folder / name
        stamp = _stamp(path)
        kept = self._memory.get(path)
        if kept and kept[0] == stamp:
            return kept[1]
        try:
            with path.open("rb") as f:
                value = pickle.load(f)
        except Exception:  # missing, corrupt or from another version: the index is made anew
            return None
        if not isinstance(value, kind):
            return None
        if isinstance(value, Index) and value.log is not None:
            value.log.folder = self.folder
        self._memory[path] = (stamp, value)
        return value

    def save(self, head: Head, index: Index) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            Blobs.store(self.folder, index)
            self._write(f"index-{head.token}.pickle", index)
            self._write("head.pickle", head)
            for old in self.folder.glob("index-*.pickle"):
                if old.name != f"index-{head.token}.pickle":
                    old.unlink(missing_ok=True)
                    self._memory.pop(old, None)
            for old in self.folder.glob("blobs-*.log"):
                if old.name != index.log.name:
                    old.unlink(missing_ok=True)
        except OSError:
            pass

    def _write(self, name: str, value) -> None:
        path = self.folder / name
        tmp = path.with_name(name + ".tmp")
        with tmp.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        self._memory[path] = (_stamp(path), value)


def _stamp(path: Path):
    try:
        st = path.stat()
        return st.st_size, st.st_mtime_ns
    except OSError:
        return None


def _index(paths, docs, shards, files, blobs, terms, log) -> Index:
    return Index(dict(zip(paths, map(tuple.__new__, repeat(Doc), docs))), shards, files, blobs, terms,
                 Blobs(None, log) if log else None)


class Lost(Exception):
    """A blob the index names is not in its log (a damaged or removed cache): the index is
    made anew."""


class Blobs:
    """`blobs-<token>.log` in the store's folder: each page's blob (the postings it gave the
    index), one pickled (path, blob) record after another. A rebuild reads the blobs of the
    pages it analyses again and appends theirs; the others stay where they are. (Pickled
    with the index, the 10,000 blobs of a 10,000-note garden were half its 47 MB, loaded and
    saved again on every rebuild.) When most of the log is blobs no index names, the live
    ones are copied into a new log."""

    MAX_DEAD = 8 << 20  # bytes of old blobs always let be

    def __init__(self, folder: Path | None, name: str):
        self.folder = folder  # set by the Store that loads or saves the index
        self.name = name

    def read(self, path: str, spot: tuple[int, int], data: bytes | None = None) -> bytes:
        """The blob at `spot`, read from the log (or from `data`, the whole log already read);
        raises Lost unless it is the named page's, whole."""
        offset, length = spot
        try:
            if data is None:
                with open(self.folder / self.name, "rb") as f:
                    f.seek(offset)
                    data, offset = f.read(length), 0
            blob = read_record(data[offset:offset + length], path)
            for _ in postings_of(blob):  # what a damaged blob would fail at, later and unguarded
                pass
        except Exception:
            raise Lost(path) from None
        return blob

    @classmethod
    def store(cls, folder: Path, index: Index) -> None:
        """Put the blobs held in memory into the index's log (or a new one), and every blob's
        place into `index.blobs`."""
        log = index.log
        blobs = index.blobs
        live = sum(spot[1] for spot in blobs.values() if type(spot) is not bytes)
        try:
            size = (folder / log.name).stat().st_size if log else -1
        except OSError:
            size = -1
        if worth_copying(size, live, cls.MAX_DEAD):  # a new log, the live blobs copied into it
            if live:  # raises Lost when the old log cannot give them
                try:
                    data = (folder / log.name).read_bytes()
                except (OSError, AttributeError):
                    raise Lost(log.name if log else "") from None
                blobs = {path: blob if type(blob) is bytes else log.read(path, blob, data)
                         for path, blob in blobs.items()}
            log = Blobs(folder, f"blobs-{os.urandom(6).hex()}.log")
        new = [path for path, blob in blobs.items() if type(blob) is bytes]
        placed = dict(zip(new, append_records(folder / log.name, (
            pickle.dumps((path, blobs[path]), pickle.HIGHEST_PROTOCOL) for path in new))))
        index.blobs = {path: placed.get(path, spot) for path, spot in blobs.items()}
        log.folder = folder
        index.log = log


# --- building and updating ---------------------------------------------------------------------

def update(garden: Garden, pages: list[Page], old: Index | None, bits: int,
           ids: dict[str, int], keys: list[str] | None = None) -> tuple[Index, dict[str, str]]:
    """The index of these pages (`keys`: their doc keys, if known): `old` patched where a few
    notes changed, or made anew. Also returns the text of the shards laid out anew, by digest."""
    stop = stop_words(garden.config.language)
    keys = keys or [doc_key(page) for page in pages]
    changed = []
    for page, key in zip(pages, keys):
        kept = old.docs.get(page.path) if old else None
        if kept is None or kept.key != key or kept.id != ids[page.path]:
            changed.append(page)
    gone = set(old.docs) - {p.path for p in pages} if old else set()
    index = Index()
    if old is None or (len(changed) + len(gone)) * 4 > len(pages):  # made anew from every page
        old, changed = Index(), pages
        analysed = _fill(index, garden, pages, ids, stop)
        dirty = None
    else:
        analysed = pmap(_analyse_one, len(changed), (garden, changed, stop))
        index.blobs, index.terms, index.log = dict(old.blobs), dict(old.terms), old.log  # copies: `old` may be kept in memory
        dirty = _patch(index, old, changed, analysed, ids, gone)
    for page, (lengths, _) in zip(changed, analysed):
        note = page.note
        index.docs[page.path] = Doc(doc_key(page), ids[page.path], lengths,
                                    json.dumps([page.path, note.title, note.summary], ensure_ascii=False),
                                    tuple(tag_values(note.tags)))
    index.docs = {p.path: index.docs.get(p.path) or old.docs[p.path] for p in pages}
    texts: dict[str, str] = {}
    index.shards = _shards(index, old.shards, dirty, texts)
    index.files = _small_files(index, bits, stop, old if dirty is not None else None)
    return index, texts


def _fill(postings: Index, garden: Garden, pages: list[Page], ids: dict[str, int],
          stop: frozenset[str]) -> list[tuple]:
    """Postings made from every page, in batches across processes; returns each page's
    (lengths, blob)."""
    order = sorted(pages, key=lambda p: ids[p.path])
    # Enough batches to keep every core busy, and no more: each batch encodes its own piece
    # of every term it holds, so a term found in many batches costs that many pieces to join.
    size = max(32, -(-len(order) // (workers() * 16)))
    batches = -(-len(order) // size)
    results = pmap(_analyse_batch, batches, (garden, order, ids, stop, size), min_items=16)
    pieces: dict[str, tuple[list, list, list, list]] = {}
    analysed = {}
    for b, (docs, terms) in enumerate(results):
        for page, doc in zip(order[b * size:(b + 1) * size], docs):
            analysed[page.path] = doc
            postings.blobs[page.path] = doc[1]
        for term, fields in terms.items():
            found = pieces.get(term)
            if found is None:
                found = pieces[term] = ([], [], [], [])
            for f, piece in enumerate(fields):
                if piece:
                    found[f].append(piece)
    postings.blobs = dict(sorted(postings.blobs.items()))
    for term, fields in pieces.items():
        joined = [_join(f) if f else ("", 0) for f in fields]
        postings.terms[term] = (sum(n for _, n in joined), tuple(text for text, _ in joined))
    return [analysed[p.path] for p in pages]


def _patch(index: Index, old: Index, pages: list[Page], analysed: list, ids: dict[str, int],
           gone: set[str]) -> set[str]:
    """The postings of `index` changed for these pages and without the gone ones; returns the
    terms whose postings changed."""
    changes: dict[str, list[dict[int, int]]] = {}

    def change(term: str, f: int, doc: int, n: int) -> None:
        found = changes.get(term)
        if found is None:
            found = changes[term] = [{}, {}, {}, {}]
        found[f][doc] = n

    for path in gone:
        doc = old.docs[path].id
        for f, term, _ in postings_of(index.blob(path)):
            change(term, f, doc, 0)
        del index.blobs[path]
    for page, (_, blob) in zip(pages, analysed):
        doc = ids[page.path]
        was = old.docs.get(page.path)
        before = {(f, t): n for f, t, n in postings_of(index.blob(page.path) if page.path in index.blobs else b"")}
        if was is not None and was.id != doc:  # a new id: every posting moves
            for (f, term) in before:
                change(term, f, was.id, 0)
            before = {}
        for f, term, n in postings_of(blob):
            if before.pop((f, term), None) != n:
                change(term, f, doc, n)
        for (f, term) in before:
            change(term, f, doc, 0)
        index.blobs[page.path] = blob
    index.blobs = dict(sorted(index.blobs.items()))
    for term, fields in changes.items():
        size, kept = index.terms.get(term, (0, ("", "", "", "")))
        new = list(kept)
        for f, edits in enumerate(fields):
            if edits:
                new[f], grown = splice(kept[f], edits)
                size += grown
        if size:
            index.terms[term] = (size, tuple(new))
        else:
            index.terms.pop(term, None)
    return set(changes)


def _shard_text(postings: Index, terms) -> str:
    return "[" + ",".join(entry(t, postings.terms[t][1]) for t in terms) + "]"


def _shards(postings: Index, old: dict, dirty: set[str] | None, texts: dict[str, str]) -> dict:
    """Shards per 3-character key: laid out anew for every key (`dirty` None) or for the keys
    of the changed terms, the others as they were. The text of each shard laid out goes
    into `texts`, by digest."""
    by_key: dict[str, set[str]] = {}
    for term in postings.terms if dirty is None else dirty:
        by_key.setdefault(shard_key(term), set()).add(term)
    shards = {} if dirty is None else {k: v for k, v in old.items() if k not in by_key}
    for k, terms in by_key.items():
        if dirty is not None:
            for _, kept in old.get(k, {}).values():
                terms.update(kept)
        sizes = {t: postings.terms[t][0] for t in sorted(terms) if t in postings.terms}
        if sizes:
            shards[k] = {}
            for sk, ts in sorted(layout(k, sizes).items()):
                text = _shard_text(postings, ts)
                name = digest(text)
                texts[name] = text
                shards[k][sk] = (name, tuple(ts))
    return dict(sorted(shards.items()))


def _chunks(docs: list[Doc], bits: int, target: int) -> tuple[int, list[list[Doc]]]:
    """Documents cut by id range into 2**n chunks of about `target` each: (n, chunks)."""
    n = min(bits, (len(docs) // target).bit_length())
    chunks: list[list[Doc]] = [[] for _ in range(1 << n)]
    for doc in docs:
        chunks[doc.id >> (bits - n)].append(doc)
    return n, chunks


def _small_files(index: Index, bits: int, stop: frozenset[str], old: Index | None = None) -> dict[str, bytes]:
    """meta.json and the files it names, but the shards: {site path: bytes}. Given the index
    `index` was patched from, a lengths, results or tag file whose documents are the same
    is taken from it as it was (a one-note edit changes one of each of the first two, out of
    over a thousand)."""
    files: dict[str, bytes] = {}

    def put(folder: str, text: str) -> str:
        data = text.encode()
        name = digest(data)
        files[f"{INDEX_DIR}{folder}/{name}.json"] = data
        return name

    def kept(folder: str, name: str) -> str:
        if name:
            path = f"{INDEX_DIR}{folder}/{name}.json"
            files[path] = old.files[path]
        return name

    docs = sorted(index.docs.values(), key=lambda d: d.id)
    n = len(docs)
    was, moved, retagged = _changes(index, old)
    lbits, chunks = _chunks(docs, bits, LENGTHS_CHUNK)
    last = _unmoved(was and was["lengths"], was and was["lengthBits"], lbits, bits, moved)
    lengths = []
    for k, chunk in enumerate(chunks):
        if last[k] is not None:
            lengths.append(kept("l", last[k]))
            continue
        values, prev = [], -1
        for doc in chunk:
            values.append(doc.id - prev)
            values.extend(doc.lengths)
            prev = doc.id
        lengths.append(put("l", "[" + ",".join(map(str, values)) + "]") if chunk else "")
    sbits, chunks = _chunks(docs, bits, STORED_CHUNK)
    last = _unmoved(was and json.loads(old.files[f"{INDEX_DIR}r/{was['stored']}.json"]),
                    was and was["storedBits"], sbits, bits, moved)
    stored = [kept("r", last[k]) if last[k] is not None else
              put("r", "{" + ",".join(f'"{d.id}":{d.stored}' for d in chunk) + "}") if chunk else ""
              for k, chunk in enumerate(chunks)]
    tags = {}
    if was is not None:
        for tag, entry in json.loads(old.files[f"{INDEX_DIR}t/{was['tags']}.json"]).items():
            if tag not in retagged:
                kept("t", entry[1])
                tags[tag] = entry
    tagged: dict[str, list[int]] = {}
    for doc in docs:
        for tag in doc.tags:
            if was is None or tag in retagged:
                tagged.setdefault(tag, []).append(doc.id)
    # Each tag's ids, as postings of frequency 1 (negative deltas, see `encode_pairs`).
    for tag, ids in tagged.items():
        tags[tag] = [len(ids), put("t", "[" + ",".join(map(str, map(int.__sub__, [-1] + ids, ids))) + "]")]
    dirs: dict[str, dict[str, str]] = {}
    for shards in index.shards.values():
        for key, (name, _) in shards.items():
            dirs.setdefault(key[0], {})[key] = name
    meta = {
        "format": FORMAT, "fields": list(FIELDS), "boost": BOOST, "stopWords": sorted(stop),
        "keyLength": KEY_LENGTH, "documentCount": n, "nextId": 1 << bits,
        "averageFieldLength": [sum(column) / n for column in zip(*(d.lengths for d in docs))],
        "idBits": bits, "lengthBits": lbits, "lengths": lengths, "storedBits": sbits,
        "stored": put("r", json.dumps(stored)),  # the names of the result files, read at the first query
        "tags": put("t", json.dumps(tags, ensure_ascii=False, sort_keys=True, separators=(",", ":"))),
        "dirs": {c: put("d", json.dumps(dict(sorted(keys.items())), ensure_ascii=False, separators=(",", ":")))
                 for c, keys in sorted(dirs.items())},
    }
    files[INDEX_DIR + "meta.json"] = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()
    return files


def _changes(index: Index, old: Index | None) -> tuple[dict | None, set[int], set[str]]:
    """What `index` changed of `old`: old's meta.json (None without `old`), the ids whose
    documents came, went or changed, and the tags whose documents did."""
    if old is None:
        return None, set(), set()
    moved: set[int] = set()
    retagged: set[str] = set()
    for path, doc in index.docs.items():
        before = old.docs.get(path)
        if doc is before:
            continue
        moved.add(doc.id)
        if before is None:
            retagged.update(doc.tags)
        elif before.id == doc.id:
            retagged.update(set(before.tags).symmetric_difference(doc.tags))
        else:
            moved.add(before.id)
            retagged.update(before.tags, doc.tags)
    for path, before in old.docs.items():
        if path not in index.docs:
            moved.add(before.id)
            retagged.update(before.tags)
    return json.loads(old.files[INDEX_DIR + "meta.json"]), moved, retagged


def _unmoved(names: list[str] | None, was: int | None, n: int, bits: int, moved: set[int]) -> list:
    """Per chunk of 2**n (see _chunks), the name of its file in the old index (`names`, made
    with 2**`was` chunks) when none of its documents moved, else None."""
    if names is None or was != n:
        return [None] * (1 << n)
    touched = {i >> (bits - n) for i in moved}
    return [None if k in touched else name for k, name in enumerate(names)]


def emit_search(garden: Garden, theme: Theme) -> Iterator[tuple[str, Deferred]]:
    pages = [p for p in garden.pages if searchable(p)]
    if not pages:
        return
    # Note bodies are kept in the cache unless caching is off: then so is the index.
    store = Store(garden.config.cache_dir / CACHE_NAME if garden.bodies.cached else None)
    paths = [p.path for p in pages]
    bits = id_bits(len(paths))
    base = f"{FORMAT}\0{fingerprint(garden.config)}\0{code_version()}"
    keys = [doc_key(page) for page in pages]
    docs = inputs(keys)
    head = store.head()
    index: Index | None = None
    texts: dict[str, str] = {}
    if head.base != base or head.inputs != docs or head.bits != bits or not store.has(head.token):
        old = store.index(head.token) if head.base == base and head.bits == bits else None

        def saved(last: Index | None) -> tuple[Index, dict[str, str], Head]:
            index, texts = update(garden, pages, last, bits, ids_of(paths, last), keys)
            head = Head(base, docs, bits, os.urandom(8).hex(), index.outputs())
            store.save(head, index)
            return index, texts, head

        try:
            index, texts, head = saved(old)
        except Lost:  # the cache lost a blob: the index is made anew
            index, texts, head = saved(None)

    def make(path: str, name: str) -> bytes:
        nonlocal index
        if name in texts:
            return texts.pop(name).encode()
        if index is None:  # nothing changed, but a file is missing from the site
            index = store.index(head.token) or update(garden, pages, None, bits, assign_ids(paths)[0])[0]
        if path in index.files:
            return index.files[path]
        terms = next(ts for shards in index.shards.values() for n, ts in shards.values() if n == name)
        return _shard_text(index, terms).encode()

    for path, name in head.outputs:
        yield path, Deferred(name, lambda path=path, name=name: make(path, name))
