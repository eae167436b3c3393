"""Uploaded files, unpacked safely: what an import may read, and why it refuses the rest.

An archive is refused whole (with a message saying why) when any of its entries could harm
or mislead: a path that climbs out of its folder or starts at the root, a link, an encrypted
file, more files or more unpacked bytes than an import may hold (a zip bomb declares small
sizes and unpacks to gigabytes: the declared sizes are checked first, and reading stops at the
limit whatever they say). Nothing of a refused upload is kept.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from ..editing import file_size

# Files and folders that only operating systems and tools leave behind.
_JUNK_PARTS = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")
_DRIVE = re.compile(r"^[A-Za-z]:")
_READ_CHUNK = 1 << 16


class ImportRefused(Exception):
    """An upload that cannot be imported; `message` says why in words for people."""

    status = 422

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


@dataclass(frozen=True)
class Limits:
    """How much one import may hold."""

    max_files: int = 2000
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_file_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """One uploaded file as the browser or client sent it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Entry:
    """One file to consider: its '/'-separated path inside its upload, and its bytes.

    `upload` is the uploaded file it came from ("shell-novice.zip", or the file itself).
    """

    upload: str
    path: str
    data: bytes


def upload_name(name: str) -> str:
    """Return the last part of an uploaded file's name, for messages ("lesson.md")."""
    return name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or "the file"


def clean_path(name: str, upload: str) -> str | None:
    """Return `name` as a relative '/'-separated path, None for junk; refuse escaping paths."""
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        raise ImportRefused(
            f"\u201c{upload}\u201d contains \u201c{name}\u201d, a path that starts at the top "
            "of a disk. Nothing was imported; pack the lesson files with paths inside their "
            "folder."
        )
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ImportRefused(
            f"\u201c{upload}\u201d contains \u201c{name}\u201d, a path that points outside "
            "its folder. Nothing was imported."
        )
    if not parts or any(part in _JUNK_PARTS or part.startswith(".") for part in parts):
        return None
    return posixpath.join(*parts)


def entries_of(uploads: Iterable[Upload], limits: Limits) -> list[Entry]:
    """Return every file the uploads hold: archives unpacked, other files as they are."""
    entries: list[Entry] = []
    total = 0
    for upload in uploads:
        name = upload_name(upload.name)
        if name.lower().endswith(".zip"):
            found = _unzipped(upload, name, limits, total)
        else:
            path = clean_path(upload.name, name)
            # A folder upload names each file by its path: the folder groups them.
            group = path.split("/", 1)[0] if path and "/" in path else name
            found = [] if path is None else [Entry(group, path, upload.data)]
        entries.extend(found)
        total += sum(len(entry.data) for entry in found)
        if len(entries) > limits.max_files:
            raise _too_many(limits)
    return entries


def _too_many(limits: Limits) -> ImportRefused:
    return ImportRefused(
        f"An import may hold at most {limits.max_files} files. Import the lessons in parts.",
        413,
    )


def _unzipped(upload: Upload, name: str, limits: Limits, used: int) -> list[Entry]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused(
            f"\u201c{name}\u201d is not a zip archive that can be opened. Make the archive "
            "again (for example with \u201cCompress\u201d or \u201cSend to \u2192 Compressed "
            "folder\u201d) and upload it."
        ) from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.max_files:
            raise _too_many(limits)
        declared = sum(info.file_size for info in infos)
        if used + declared > limits.max_unpacked_bytes:
            raise _too_large(name, declared, limits)
        wanted: list[tuple[zipfile.ZipInfo, str]] = []
        for info in infos:
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ImportRefused(
                    f"\u201c{name}\u201d contains \u201c{info.filename}\u201d, a link to "
                    "another file. Links are not imported; nothing was imported. Pack the "
                    "files themselves."
                )
            if info.flag_bits & 0x1:
                raise ImportRefused(
                    f"\u201c{name}\u201d is protected with a password. Upload an archive "
                    "without one."
                )
            path = clean_path(info.filename, name)
            if path is not None:
                wanted.append((info, path))
        entries = []
        for info, path in wanted:
            if info.file_size > limits.max_file_bytes:
                raise ImportRefused(
                    f"\u201c{path}\u201d in \u201c{name}\u201d is "
                    f"{file_size(info.file_size)}; one file may be at most "
                    f"{file_size(limits.max_file_bytes)}.",
                    413,
                )
            data = _read(archive, info, name, limits.max_unpacked_bytes - used)
            used += len(data)
            entries.append(Entry(name, path, data))
        return entries


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, room: int) -> bytes:
    """Return an entry's bytes, stopping at `room` whatever the archive declares."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_READ_CHUNK):
                size += len(chunk)
                if size > min(room, info.file_size):
                    raise _too_large(name, size, None)
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise ImportRefused(
            f"\u201c{info.filename}\u201d in \u201c{name}\u201d cannot be unpacked ({exc}). "
            "Make the archive again and upload it."
        ) from None
    return b"".join(chunks)


def _too_large(name: str, size: int, limits: Limits | None) -> ImportRefused:
    most = (
        f", more than the {file_size(limits.max_unpacked_bytes)} an import may hold"
        if limits
        else ""
    )
    return ImportRefused(
        f"\u201c{name}\u201d unpacks to {file_size(size)}{most}, or says it holds less than it "
        "does. Nothing was imported; import the lessons in smaller parts.",
        413,
    )
