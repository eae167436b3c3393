"""Listing a course's files, cached per folder so unchanged folders are never listed again.

A save changes only the folders along the saved path, so after it the listing of the whole
course reuses the cached listings of every other folder (their tree ids did not change).
Sizes come from one `git ls-tree -r -l` when many are unknown, else one lookup each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .objects import MODE_LINK, MODE_SUBMODULE, MODE_TREE, Listed, ObjectReader

MAX_CACHED_ENTRIES = 20_000
_PREFILL_AT = 32


def _kind(mode: bytes) -> str:
    if mode == MODE_TREE:
        return "tree"
    if mode == MODE_LINK:
        return "link"
    return "commit" if mode == MODE_SUBMODULE else "blob"


def list_folder(
    reader: ObjectReader, tree: str, git: Callable[[Sequence[str]], bytes], recursive: bool
) -> list[Listed]:
    """Return the entries under `tree`: every file below it, or its direct entries."""
    if recursive:
        return _list_recursive(reader, tree, git)
    entries = reader.tree(tree)
    _learn_sizes(reader, tree, entries, git)
    return [_listed(reader, mode, name, sha) for mode, name, sha in entries]


def _list_recursive(
    reader: ObjectReader, tree: str, git: Callable[[Sequence[str]], bytes]
) -> list[Listed]:
    cached = reader.listings.get(tree)
    if cached is not None:
        reader.listings.move_to_end(tree)
        return cached
    if not reader.listings:
        return _prime(reader, tree, git)
    entries = reader.tree(tree)
    _learn_sizes(reader, tree, entries, git)
    result: list[Listed] = []
    for mode, name, sha in entries:
        if mode == MODE_TREE:
            folder = name.decode("utf-8", "surrogateescape") + "/"
            for path, *rest in _list_recursive(reader, sha.hex(), git):
                result.append((folder + path, *rest))  # type: ignore[arg-type]
        else:
            result.append(_listed(reader, mode, name, sha))
    _remember(reader, tree, result)
    return result


def _prime(reader: ObjectReader, tree: str, git: Callable[[Sequence[str]], bytes]) -> list[Listed]:
    """Return the listing of `tree` from one `git ls-tree`, caching every folder below it.

    Used when nothing is cached yet, where reading each folder separately would cost one
    object read per folder.
    """
    open_folders: list[tuple[str, str, list[Listed]]] = [("", tree, [])]

    def close_folder() -> None:
        _, sha, listing = open_folders.pop()
        _remember(reader, sha, listing)

    for record in git(["ls-tree", "-r", "-t", "-l", "-z", tree]).split(b"\0"):
        if not record:
            continue
        meta, raw_path = record.split(b"\t", 1)
        mode, kind, sha, size = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        while len(open_folders) > 1 and not path.startswith(open_folders[-1][0]):
            close_folder()
        if kind == b"tree":
            open_folders.append((path + "/", sha.decode(), []))
            continue
        known = None if size == b"-" else int(size)
        if known is not None:
            reader.sizes[sha.decode()] = known
        kind_name = "link" if mode == MODE_LINK else kind.decode()
        for prefix, _, listing in open_folders:
            listing.append((path[len(prefix) :], mode.decode(), kind_name, known, sha.decode()))
    while len(open_folders) > 1:
        close_folder()
    listing = open_folders[0][2]
    _remember(reader, tree, listing)
    return listing


def _remember(reader: ObjectReader, tree: str, listing: list[Listed]) -> None:
    """Cache a folder's listing, forgetting the oldest ones beyond MAX_CACHED_ENTRIES."""
    reader.listings[tree] = listing
    reader.listed_entries += len(listing)
    while reader.listed_entries > MAX_CACHED_ENTRIES and len(reader.listings) > 1:
        reader.listed_entries -= len(reader.listings.popitem(last=False)[1])


def _listed(reader: ObjectReader, mode: bytes, name: bytes, sha: bytes) -> Listed:
    kind = _kind(mode)
    size = reader.sizes.get(sha.hex()) if kind in ("blob", "link") else None
    return (name.decode("utf-8", "surrogateescape"), mode.decode().zfill(6), kind, size, sha.hex())


def _learn_sizes(
    reader: ObjectReader,
    tree: str,
    entries: list[tuple[bytes, bytes, bytes]],
    git: Callable[[Sequence[str]], bytes],
) -> None:
    """Make sure the sizes of the files directly in `tree` are known."""
    missing = [
        sha.hex()
        for mode, _, sha in entries
        if mode not in (MODE_TREE, MODE_SUBMODULE) and sha.hex() not in reader.sizes
    ]
    if len(missing) > _PREFILL_AT or (missing and len(reader.sizes) == 0):
        # Many unknown: one git process reports every size below this folder.
        for record in git(["ls-tree", "-r", "-l", "-z", tree]).split(b"\0"):
            meta = record.split(b"\t", 1)[0].split()
            if len(meta) == 4 and meta[3] != b"-":
                reader.sizes[meta[2].decode()] = int(meta[3])
    for sha in missing:
        if sha not in reader.sizes:
            found = reader.header_with_size(sha)
            reader.sizes[sha] = found[2] if found else 0
    if len(reader.sizes) > 10 * MAX_CACHED_ENTRIES:
        reader.sizes.clear()
