"""Stage 5, write: put the site into the output folder, safely.

- Refuses an output folder that is the vault or holds it, and an existing
  non-empty folder that garden did not build (no manifest), unless forced.
- Stages every new or changed file in a hidden folder inside the output folder;
  only when the whole site rendered does `commit` move them into place, delete
  the files the previous build wrote that are gone now, and save the manifest.
  A failed build calls `abort` and the previous site stays as it was.
- A file whose bytes did not change is not rewritten (its mtime stays).
- Only paths inside the output folder are ever touched: the manifest's entries and
  links inside the folder (it may come from a cloned repository) are not trusted.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

from .diagnostics import GardenError

MANIFEST = ".garden-manifest.json"
STAGING = ".garden-staging"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def is_site_path(site_path: str) -> bool:
    """A relative path that stays in the output folder and is not garden's own bookkeeping."""
    if not site_path or site_path[0] == "/":
        return False
    framed = f"/{site_path}/"  # one test per kind of bad part, not a loop over the parts: run per manifest entry
    return "//" not in framed and "/./" not in framed and "/../" not in framed \
        and site_path.split("/", 1)[0] not in (STAGING, MANIFEST)


def check_output(out: Path, vault: Path, force: bool = False, chosen: bool = True) -> None:
    """Refuse an output folder a build could damage. `chosen`: given with --out or `output`;
    the default one may sit inside the vault (`./build` of a plain vault built from inside
    it), which then never reads it as notes."""
    out, vault = out.resolve(), vault.resolve()
    if out == vault or out in vault.parents:
        raise GardenError(f"the output folder {out} holds the vault; refusing to write there",
                          str(out), hint="choose another --out folder")
    if chosen and vault in out.parents:
        raise GardenError(f"the output folder {out} is inside the vault {vault}; refusing to write there",
                          str(out), hint="choose a folder outside the vault, so the site never mixes with your notes")
    if out.exists() and not out.is_dir():
        raise GardenError(f"the output path {out} is a file, not a folder", str(out))
    if out.is_dir() and not (out / MANIFEST).is_file() and not force:
        entries = [p for p in out.iterdir() if p.name != STAGING]
        if entries:
            raise GardenError(
                f"the output folder {out} holds files garden did not write; refusing to replace them",
                str(out), hint="choose an empty or new folder, or pass --force to build there anyway")


class Output:
    def __init__(self, out: Path, stale=(), gone: set[str] | None = None):
        """`stale`: files written since the manifest was (a preview of `garden serve`): their
        manifest keys no longer say what they hold, so they are rendered and compared again.
        `gone`: the files of the manifest found missing from the site (see `gone`), if known;
        the build then takes the others to be there (one deleted while it runs is written
        again by the next build, which finds it gone)."""
        self.out = out
        self._root = os.fspath(out)  # where a site path's current file is: f"{root}/{site path}"
        self.staging = out / STAGING
        self.old: dict[str, str] = {}
        manifest = out / MANIFEST
        if manifest.is_file():
            try:
                files = json.loads(manifest.read_text()).get("files", {})
            except (ValueError, OSError, AttributeError):
                files = {}
            # Only entries that name a file inside this folder: the manifest could say anything.
            self.old = {k: v for k, v in files.items() if isinstance(k, str) and is_site_path(k)} \
                if isinstance(files, dict) else {}
        for site_file in stale:
            if site_file in self.old:
                self.old[site_file] = ""
        self.new: dict[str, str] = {}
        self.changed = 0
        self.staged: list[str] = []  # the files in the staging folder, as `note` was told
        self._made: set[str] = set()
        self._listings: dict[str, set[str] | None] = {}  # folder -> its files (see _there)
        self._gone = gone

    def begin(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir()

    def _target(self, site_path: str) -> str:
        if not is_site_path(site_path):
            raise GardenError(f"refusing to write outside the output folder: '{site_path}'")
        return os.path.join(self.staging, *site_path.split("/"))

    def stage_copy(self, site_path: str, source: Path) -> tuple[str, bool]:
        """Stage a copy of `source` unless the current file is that copy: (its key, whether
        staged). Safe to call from worker processes, like `stage`."""
        st = source.stat()
        key = f"copy:{st.st_size}:{st.st_mtime_ns}"
        target = self._target(site_path)
        changed = not self.unchanged(site_path, key)
        if changed:
            self._mkdir(os.path.dirname(target))
            shutil.copyfile(source, target)
        return key, changed

    def unchanged(self, site_path: str, key: str) -> bool:
        return self.old.get(site_path) == key and self._there(site_path)

    def gone(self) -> set[str]:
        """The files the manifest names that the site no longer has (someone deleted them),
        looked for once: later questions about them read this answer."""
        if self._gone is None:
            self._gone = {site_path for site_path in self.old if not self._there(site_path)}
        return self._gone

    def _there(self, site_path: str) -> bool:
        """Whether the site has the file now. A folder asked about twice is listed once and
        read from its listing: the search index's folders hold thousands of files, a page's
        folder one (listing it would cost more than asking for its one file)."""
        if self._gone is not None and site_path in self.old:
            return site_path not in self._gone
        folder, _, name = site_path.rpartition("/")
        listing = self._listings.get(folder)
        if listing is None:
            if folder not in self._listings:
                self._listings[folder] = None
                return os.path.isfile(f"{self._root}/{site_path}")
            try:
                with os.scandir(f"{self._root}/{folder}" if folder else self._root) as entries:
                    listing = self._listings[folder] = {e.name for e in entries if e.is_file()}
            except OSError:
                listing = self._listings[folder] = set()
        return name in listing

    def stage(self, site_path: str, data: bytes, key: str) -> bool:
        """Write to the staging folder unless the file already has these bytes; True if staged.

        `key` identifies the content (its digest, or for a page the digest of its inputs).
        Safe to call from worker processes. Plain os calls, not pathlib: a cold build stages
        every page, and pathlib's objects took as long as the writes themselves.
        """
        target = self._target(site_path)
        if self.unchanged(site_path, key):
            return False
        current = f"{self._root}/{site_path}"
        try:
            if os.stat(current).st_size == len(data):
                with open(current, "rb") as f:
                    if f.read() == data:
                        return False
        except OSError:
            pass
        self._mkdir(os.path.dirname(target))
        with open(target, "wb") as f:
            f.write(data)
        return True

    def _mkdir(self, folder: str) -> None:
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)

    def intact(self) -> bool:
        """Whether every file the last build wrote is still there, holding what it wrote."""
        return bool(self.old) and all(self.old.values()) and all(map(self._there, self.old))

    def note(self, site_path: str, key: str, changed: bool) -> None:
        """Record a file of this build (in the parent process)."""
        if site_path in self.new:
            raise GardenError(f"two outputs want the same file '{site_path}'")
        self.new[site_path] = key
        self.changed += changed
        if changed:
            self.staged.append(site_path)

    def commit(self) -> list[str]:
        """Move staged files into place, remove what the previous build wrote and this one did not."""
        self._refuse_links(os.fspath(self.staging), "")
        self._move(os.fspath(self.staging), "")
        gone = sorted(set(self.old) - set(self.new))
        for rel in gone:
            path = self.out / rel
            if self._through_link(rel):
                continue  # a link in the output folder: what it leads to is not ours to delete
            if path.is_file() or path.is_symlink():
                path.unlink()
            parent = path.parent
            while parent != self.out and _empty(parent):
                parent.rmdir()
                parent = parent.parent
        shutil.rmtree(self.staging, ignore_errors=True)
        self._save_manifest(self.new)
        return sorted(self.staged) + gone

    def forget(self, site_files) -> None:
        """Mark these files' keys unknown in the manifest (see `stale`), for the next build."""
        if self.old and any(f in self.old for f in site_files):
            self._save_manifest({**self.old, **{f: "" for f in site_files if f in self.old}})

    def _save_manifest(self, files: dict[str, str]) -> None:
        tmp = self.out / (MANIFEST + ".tmp")
        tmp.unlink(missing_ok=True)  # never write through a link left in its place
        tmp.write_text(json.dumps({"generator": "garden", "files": dict(sorted(files.items()))}, indent=0))
        os.replace(tmp, self.out / MANIFEST)

    def _refuse_links(self, staged: str, rel: str) -> None:
        """Before anything moves: a link where the site puts a folder would have its files
        written wherever it leads, so the build stops and the previous site stays whole."""
        for entry in os.scandir(staged):
            if not entry.is_dir():
                continue
            name = f"{rel}/{entry.name}" if rel else entry.name
            final = f"{self._root}/{name}"
            try:
                mode = os.lstat(final).st_mode
            except OSError:
                continue  # nothing there yet
            if stat.S_ISLNK(mode):
                raise GardenError(f"'{name}' in the output folder is a link garden did not write; "
                                  "refusing to write through it", final, hint="remove the link")
            if stat.S_ISDIR(mode):
                self._refuse_links(entry.path, name)

    def _through_link(self, rel: str) -> bool:
        """Whether a folder on the way to `rel` in the output folder is a link."""
        parts = rel.split("/")[:-1]
        return any((self.out.joinpath(*parts[:i])).is_symlink() for i in range(1, len(parts) + 1))

    def _move(self, staged: str, rel: str) -> None:
        """Move the staged tree into the output folder: a folder the site did not have moves
        whole (one rename, however many pages it holds, never listed: what it holds is what
        `note` was told was staged), files replace theirs one by one. Paths as strings: a
        cold build moves thousands of folders, and a Path for each took as long as the renames."""
        for entry in os.scandir(staged):
            name = f"{rel}/{entry.name}" if rel else entry.name
            final = f"{self._root}/{name}"
            if entry.is_dir():
                if os.path.isdir(final):
                    self._move(entry.path, name)
                    continue
                if os.path.lexists(final):  # a file where the new site has a folder
                    if name not in self.old:
                        raise GardenError(f"'{name}' in the output folder is a file garden did not write; "
                                          "refusing to replace it with a folder", final)
                    os.unlink(final)
                os.rename(entry.path, final)
                continue
            try:
                os.replace(entry.path, final)
            except IsADirectoryError:  # a folder where the new site has a file
                self._remove_own_folder(Path(final))
                os.replace(entry.path, final)

    def _remove_own_folder(self, folder: Path) -> None:
        """A folder where a file goes now: removed only if every file in it is one garden wrote."""
        inside = [p for p in folder.rglob("*") if not p.is_dir() or p.is_symlink()]
        foreign = [p for p in inside if p.relative_to(self.out).as_posix() not in self.old]
        if foreign:
            raise GardenError(f"'{folder.relative_to(self.out).as_posix()}' in the output folder is a folder "
                              f"holding files garden did not write (such as {foreign[0].name}); "
                              "refusing to replace it with a file", str(folder))
        shutil.rmtree(folder)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        try:
            self.out.rmdir()  # only if this build created it and left it empty
        except OSError:
            pass


def _empty(folder: Path) -> bool:
    """Whether `folder` is a folder with nothing in it, read up to its first entry (listing a
    search folder of a thousand files for each file removed from it took a tenth of a
    rebuild that added a note)."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:  # gone, or not a folder
        return False
