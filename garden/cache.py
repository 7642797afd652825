"""The build cache: what the last build learned, so the next one redoes only what changed.

Layout, under the cache folder (`.garden-cache/` beside garden.toml):

    notes-<key>/index.pickle       each file's (size, mtime, digest), and the last build's input
                             fingerprint and diagnostics: all a no-change rebuild reads
    notes-<key>/state.pickle       pages, the garden's shape, page keys, and where in the log
                             of values each parsed note and link resolution is
    notes-<key>/values-<token>.log  parsed notes without their bodies, and link resolutions,
                             each pickled on its own, appended to as notes change (see Log)
    notes-<key>/bodies/<pid>-<random>.pack  notes' rendered bodies, compressed (LZ4), one pack per
                             process that parsed notes; read only when a page that shows
                             a body is rendered again
    notes-<key>/templates/<jinja version>/  the theme's templates, compiled (see theme.py)

`<key>` combines the config's fingerprint and the code's version, so a change
to either starts from nothing instead of reusing stale notes. Keeping bodies
out of the state file keeps a no-change rebuild from reading the whole garden's
HTML, and keeps memory flat: worker processes write bodies here and hand back
small notes.
"""
from __future__ import annotations

import copy
import hashlib
import mmap
import os
import pickle
import secrets
import shutil
import tempfile
import weakref
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

import lz4.block

try:
    import fcntl
except ImportError:  # Windows has none: saves are not locked there
    fcntl = None

from . import __version__
from .model import Note
from .parallel import workers

CACHE_DIR = ".garden-cache"


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version plus a digest of its source files (so edits to garden itself invalidate)."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:12]


@dataclass
class Index:
    files: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # rel -> (size, mtime_ns, digest)
    inputs: str = ""  # fingerprint of every input of the last successful build
    diagnostics: list = field(default_factory=list)  # what the last build reported
    pages: int = 0  # notes the last build published
    notes: int = 0  # notes it read


class Packed(dict):
    """A dict whose values are kept one by one in the cache's log of values (see Log), each
    value loaded from it knowing where it is there.

    Saving the state after a one-note edit then appends that note alone: every value that
    is still the very object it was loaded as stays where it is in the log. (Writing every
    value again took a tenth of a one-note rebuild at 10,000 notes, and a whole state pickled
    at once a second.) So values are not changed in place once stored; a note's `mtime` is
    the one exception, and every build sets it again from the file.
    """

    def __init__(self, items=(), previous: "Packed | None" = None):
        super().__init__(items)
        self.log = ""  # the log the spots are in
        self.spots: dict = {}  # key -> (value, offset, length) in that log
        self.unread: dict = {}  # key -> (offset, length) of a value unpickled state names, for Log.fill
        if isinstance(previous, Packed):
            self.log = previous.log
            for key, value in self.items():
                hit = previous.spots.get(key)
                if hit is not None and hit[0] is value:
                    self.spots[key] = hit

    def __reduce__(self):
        """Where each value is in the log (Log.store puts them there first): see Log.fill."""
        spots = self.spots
        for key, value in self.items():
            if spots.get(key, _NOWHERE)[0] is not value:
                raise ValueError(f"{key!r} is not in the log yet (Log.store first)")
        if len(spots) != len(self):
            raise ValueError(f"the log names {len(spots) - len(self)} values no longer held (Log.store first)")
        return _unpack, (self.log, {key: hit[1:] for key, hit in spots.items()})


_NOWHERE = (object(),)  # the spot of a value not in the log


def _unpack(log: str, unread: dict) -> Packed:
    """A Packed whose values are still in the log: Log.fill reads them."""
    packed = Packed()
    packed.log = log
    packed.unread = unread
    return packed


def append_records(path: Path, records) -> list[tuple[int, int]]:
    """Append each record (bytes) to the log file at `path`; where each went, (offset, length).
    Locked against another build appending at the same time: its records go before or after."""
    spots = []
    with open(path, "ab") as f:
        if fcntl is not None:
            fcntl.flock(f, fcntl.LOCK_EX)
        offset = f.seek(0, os.SEEK_END)
        for data in records:
            f.write(data)
            spots.append((offset, len(data)))
            offset += len(data)
    return spots


def read_record(data, key):
    """The value of a pickled (key, value) record, which must be `key`'s (raises otherwise):
    a record that is not where its log's index says is never taken for another."""
    found, value = pickle.loads(data)
    if found != key:
        raise ValueError(f"the record of {found!r} where {key!r} was expected")
    return value


def worth_copying(size: int, live: int, max_dead: int) -> bool:
    """Whether a file of `size` bytes (-1: none), `live` of them still read, is better copied
    into a new one: when its dead bytes outweigh both the live ones and `max_dead`."""
    return size < 0 or size - live > max(live, max_dead)


class Log:
    """`values-<token>.log` in the cache's folder: the pickled values of the state's Packed
    dicts, one after another, each with its key. A save appends the values that are not in
    it yet and the state file says where each one is; when most of the log is values no
    state names any more, the live ones are copied into a new log."""

    MAX_DEAD = 8 << 20  # bytes of old values always let be: copying would cost more than they do

    def __init__(self, folder: Path):
        self.folder = folder

    def fill(self, packs: list[Packed], stop=None) -> bool | None:
        """Load the values of packs just unpickled (Log.store put them all in one log); False
        when it is gone, cut short or not what the state says is there (an unreadable log
        makes a slower build, never a wrong one); None when `stop()`, asked now and then,
        said to stop."""
        waiting = [p for p in packs if p.unread]
        if not waiting:
            return True
        name = waiting[0].log
        try:  # mapped, not read: the tens of megabytes of a large garden's log are not copied once more
            with open(self.folder / name, "rb") as f:
                try:
                    mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                except OSError:  # a file system that maps no files: read it
                    mapped = f.read()
        except (OSError, ValueError):  # ValueError: an empty file, which holds no value
            return False
        view = memoryview(mapped)
        try:
            for packed in waiting:
                if packed.log != name:
                    return False
                for n, (key, (offset, length)) in enumerate(packed.unread.items()):
                    if stop is not None and n % 1024 == 0 and stop():
                        return None
                    try:
                        value = read_record(view[offset:offset + length], key)
                    except Exception:
                        return False
                    dict.__setitem__(packed, key, value)
                    packed.spots[key] = (value, offset, length)
                packed.unread = {}
            return True
        finally:
            view.release()
            if isinstance(mapped, mmap.mmap):
                mapped.close()

    def store(self, packs: list[Packed]) -> str:
        """Append to the log what the packs hold that is not in it; the log's name. The packs
        learn where their values are once all of them are written."""
        name = next((p.log for p in packs if p.log), "")
        try:
            size = (self.folder / name).stat().st_size if name else -1
        except OSError:
            size = -1
        source, old = "", b""  # a log being left, and its bytes: its live values are copied over
        live, pending = 0, []  # bytes of the values the log holds; the values it does not
        for packed in packs:
            ours, spots = packed.log == name, packed.spots
            for key, value in packed.items():
                hit = spots.get(key)
                if ours and hit is not None and hit[0] is value:
                    live += hit[2]
                else:
                    pending.append((packed, key, value))
        if worth_copying(size, live, self.MAX_DEAD):
            if size >= 0:
                source, old = name, (self.folder / name).read_bytes()
            name = f"values-{secrets.token_hex(6)}.log"
            pending = [(packed, key, value) for packed in packs for key, value in packed.items()]

        def record(packed: Packed, key, value) -> bytes:  # the bytes of one kept in the log left, else pickled
            hit = packed.spots.get(key)
            if source and packed.log == source and hit is not None and hit[0] is value:
                return old[hit[1]:hit[1] + hit[2]]
            return pickle.dumps((key, value), pickle.HIGHEST_PROTOCOL)

        spots = append_records(self.folder / name, (record(*item) for item in pending))
        for (packed, key, value), (offset, length) in zip(pending, spots):
            packed.spots[key] = (value, offset, length)
        for packed in packs:
            for key in packed.spots.keys() - packed.keys():
                del packed.spots[key]
            packed.log = name
        return name

    def prune(self, name: str) -> None:
        """Delete the logs but `name` (once the state that names it is saved)."""
        for path in self.folder.glob("values-*.log"):
            if path.name != name:
                path.unlink(missing_ok=True)


@dataclass
class State:
    notes: dict[str, Note] = field(default_factory=Packed)  # rel -> note, body stored apart
    pages: dict[str, list] = field(default_factory=dict)  # page path -> its render-time diagnostics
    resolutions: dict = field(default_factory=Packed)  # rel -> resolve.Resolution
    history: tuple | None = None  # dates.git_history's (commit, dates)
    shape: object = None  # resolve.Shape: the garden's shape the resolutions were valid in
    keys: object = None  # render.KeyBasis: what the site's page keys were made from

    def after(self, notes: dict[str, Note], pages: dict[str, list], resolutions: dict,
              history: tuple | None, shape, keys) -> "State":
        """The next build's state, reusing this one's bytes for what did not change."""
        return State(Packed(notes, self.notes), pages, Packed(resolutions, self.resolutions), history, shape, keys)


class Bodies:
    """Note bodies kept on disk in packs; without a folder they stay in memory on the note.

    Each process that parses notes appends their bodies to a pack file of its own, and
    each note keeps where its body is (`Note.body`). One file per note would cost more
    than parsing it: a file system that has just deleted as many files (an old build,
    the cache) can spend a millisecond finding a free inode for each new one.
    """

    MAX_PACKS = 64  # more (and more than two a core), and the next save copies every live body into one pack
    MAX_DEAD = 1 << 20  # bytes of old bodies always let be: copying would cost more than they do

    def __init__(self, folder: Path | None, cached: bool = True):
        self.folder = folder
        self.cached = cached and folder is not None  # the folder is the cache's, kept for the next build
        self._pack: list | None = None  # [pid, name, fd, size] of the pack this process appends to
        self._readers: dict[str, int] = {}  # pack name -> fd open for reading (shared by forked helpers)

    @classmethod
    def scratch(cls) -> "Bodies":
        """Bodies in a folder of the system's temporary space, removed with them: a build
        without the cache still keeps its notes' HTML out of memory (in memory, and copied
        into each helper that reads it, they took a 10,000-note build from 420 to 670 MB)."""
        try:
            folder = Path(tempfile.mkdtemp(prefix="garden-bodies-"))
        except OSError:
            return cls(None)
        bodies = cls(folder, cached=False)
        weakref.finalize(bodies, _remove, folder, os.getpid())
        return bodies

    def __del__(self):
        mine = [self._pack[2]] if self._pack and self._pack[0] == os.getpid() else []
        for fd in list(self._readers.values()) + mine:
            os.close(fd)

    def stash(self, note: Note) -> Note:
        """Move a freshly parsed note's body (HTML and plain text) to disk (called in workers)."""
        if self.folder is not None and note.html is not None and note.published:
            note.body = self._append(lz4.block.compress(f"{note.html}\x00{note.text}".encode()))
            note.html = note.text = None
        return note

    def _append(self, data: bytes) -> tuple[str, int, int]:
        if self._pack is None or self._pack[0] != os.getpid():  # a forked helper starts a pack of its own
            name = f"{os.getpid()}-{secrets.token_hex(6)}.pack"
            fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            self._pack = [os.getpid(), name, fd, 0]
        _, name, fd, offset = self._pack
        done = 0
        while done < len(data):  # at its offset: a write that failed halfway is written over next time
            done += os.pwrite(fd, memoryview(data)[done:], offset + done)
        self._pack[3] += len(data)
        return name, offset, len(data)

    def _close_pack(self) -> None:
        if self._pack and self._pack[0] == os.getpid():
            os.close(self._pack[2])
        self._pack = None

    def _raw(self, body: tuple[str, int, int]) -> bytes:
        name, offset, length = body
        fd = self._readers.get(name)
        if fd is None:
            fd = self._readers[name] = os.open(self.folder / name, os.O_RDONLY)
        data = os.pread(fd, length, offset)
        if len(data) != length:
            raise OSError(f"the cache's {name} is cut short; delete {self.folder.parent} and build again")
        return data

    def _read(self, note: Note) -> tuple[str, str]:
        html, _, text = lz4.block.decompress(self._raw(note.body)).decode().partition("\x00")
        return html, text

    def html(self, note: Note) -> str:
        return note.html if note.html is not None else self._read(note)[0]

    def text(self, note: Note) -> str:
        return note.text if note.text is not None else self._read(note)[1]

    def compact(self, notes: dict[str, Note]) -> dict[str, int] | None:
        """When the packs hold more bytes of old bodies than live ones, or are too many, copy
        every live body in `notes` into a new pack and point the notes there (new Note
        objects, so the next save appends them to the log). The old packs go once the state naming
        the new one is on disk: a garden `garden serve` holds still reads from them. Returns
        the bytes of live bodies per pack when it copied none (what `prune` reads)."""
        if self.folder is None:
            return None
        live = self._live(notes)
        size = sum((self.folder / name).stat().st_size for name in live)
        if len(live) <= max(self.MAX_PACKS, 2 * workers()) and not worth_copying(size, sum(live.values()),
                                                                                    self.MAX_DEAD):
            return live
        self._close_pack()  # a new pack, which no old body is in
        for rel, note in sorted(notes.items(), key=lambda item: item[1].body or ()):
            if note.body is not None:
                moved = copy.copy(note)
                moved.body = self._append(self._raw(note.body))
                notes[rel] = moved
        return None

    def prune(self, notes: dict[str, Note], live: dict[str, int] | None = None) -> None:
        """Delete the packs no note in `notes` uses (once the state that names them is saved);
        `live`: what compact found, if it copied nothing."""
        if self.folder is None:
            return
        live = live if live is not None else self._live(notes)
        for path in self.folder.iterdir():
            if path.name not in live:
                path.unlink(missing_ok=True)

    def missing(self, notes: dict[str, Note]) -> bool:
        """Whether a body that `notes` read from is gone: a pack deleted, or cut short by a
        crash before the system wrote it out."""
        if self.folder is None:
            return False
        ends: dict[str, int] = {}
        for note in notes.values():
            if note.body is not None:
                name, offset, length = note.body
                ends[name] = max(ends.get(name, 0), offset + length)
        try:
            return any((self.folder / name).stat().st_size < end for name, end in ends.items())
        except OSError:
            return True

    @staticmethod
    def _live(notes: dict[str, Note]) -> dict[str, int]:
        """Bytes of live bodies per pack."""
        live: dict[str, int] = {}
        for note in notes.values():
            if note.body is not None:
                live[note.body[0]] = live.get(note.body[0], 0) + note.body[2]
        return live


def _remove(folder: Path, owner: int) -> None:
    if os.getpid() == owner:  # a forked helper that ends must not take the folder from the build
        shutil.rmtree(folder, ignore_errors=True)


class Cache:
    """The cache on disk; with a `session` dict (kept by a long-running `garden serve`) the
    last build's index and state also stay in memory, and reach the disk only on `flush`."""

    def __init__(self, folder: Path, key: str, enabled: bool = True, session: dict | None = None):
        self.enabled = enabled
        self.root = folder
        self.folder = folder / f"notes-{key}-{code_version()}"
        self.bodies = Bodies(self.folder / "bodies") if enabled else Bodies.scratch()
        self.session = session if enabled else None
        if self.session is not None:  # one pack for the whole session, not one more per rebuild
            kept = self.session.get("bodies")
            if kept is not None and kept.folder == self.bodies.folder:
                self.bodies = kept
            else:
                self.session["bodies"] = self.bodies

    def _read(self, name: str, kind):
        if not self.enabled:
            return kind()
        try:
            with (self.folder / name).open("rb") as f:
                value = pickle.load(f)
            return value if isinstance(value, kind) else kind()
        except Exception:  # missing, corrupt or from another version: only a slower build
            return kind()

    def _kept(self, name: str):
        if self.session is not None and self.session.get("folder") == self.folder:
            return self.session.get(name)
        return None

    def load_index(self) -> Index:
        return self._kept("index") or self._read("index.pickle", Index)

    def load_state(self, stop=None) -> State | None:
        """The last build's state (an empty one if it is unreadable); None if `stop()`, asked
        now and then while it loads, said that it is not needed after all."""
        state = self._kept("state")
        if state is None:
            state = self._read("state.pickle", State)
            filled = Log(self.folder).fill([state.notes, state.resolutions], stop)
            if filled is None:
                return None
            if not filled:
                return State()
        return State() if self.bodies.missing(state.notes) else state

    def prepare(self) -> None:
        """Create this key's folder and drop those of other configs or versions."""
        if not self.enabled:
            return
        try:
            if self.root.is_dir():
                for old in self.root.glob("notes-*"):
                    if old.is_dir() and old != self.folder:
                        shutil.rmtree(old, ignore_errors=True)
            (self.folder / "bodies").mkdir(parents=True, exist_ok=True)
        except OSError:
            self.enabled = False
            self.bodies = Bodies(None)

    def save(self, index: Index, state: State) -> None:
        if not self.enabled:
            return
        if self.session is not None:
            try:
                self.bodies.compact(state.notes)  # bounds the packs a long session reads from
            except OSError:
                pass
            self.session.update(folder=self.folder, index=index, state=state)
            return
        self._write(index, state)

    def flush(self) -> None:
        """Write what a session kept in memory to disk (when `garden serve` stops)."""
        if self.session is not None and self.session.get("folder") == self.folder:
            self._write(self.session["index"], self.session["state"])

    def _write(self, index: Index, state: State) -> None:
        try:
            (self.folder / "index.pickle").unlink(missing_ok=True)  # never an index without its state
            live = self.bodies.compact(state.notes)
            log = Log(self.folder)
            kept = log.store([state.notes, state.resolutions])
            for name, value in (("state.pickle", state), ("index.pickle", index)):
                tmp = self.folder / f"{name}.tmp"
                with tmp.open("wb") as f:
                    pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.folder / name)
            self.bodies.prune(state.notes, live)
            log.prune(kept)
        except OSError:
            pass
