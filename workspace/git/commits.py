"""Reading commits: raw commit objects, `git log` records and name-status lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

from .records import Author, CommitInfo, FileChange

_IDENT = re.compile(rb"^(.*?) ?<([^>]*)> (\d+) ([+-])(\d\d)(\d\d)$")
_CO_AUTHOR = re.compile(r"^co-authored-by:\s*(.*?)\s*<([^>]*)>\s*$", re.IGNORECASE)
_STATUS = re.compile(rb"^[ACDMRTUX][0-9]{0,3}$")
# What `git log -z` prints per commit: ids, author and committer (raw dates), message. git
# re-encodes names and messages to UTF-8 and cuts messages at a NUL, so fields never hold one.
# The ids are the walk's (simplified, for a file's history), so only a walk of the whole
# course can take the details from here; a file's walk reads its commits' own parents.
LOG_FORMAT = "--format=%H %P%x00%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%B"
SHORT_FORMAT = "--format=%H %P"
_FIELDS = 8


@dataclass(frozen=True)
class LogRecord:
    """One commit of a `git log` walk: parents as the walk simplified them, and what was asked.

    `info` is None for walks made with SHORT_FORMAT; `files` is None without `--name-status`.
    """

    sha: str
    parents: list[str]
    info: CommitInfo | None
    files: list[FileChange] | None


def parse_ident(raw: bytes, encoding: str) -> tuple[str, str, datetime]:
    """Return (name, email, time) from a commit's author or committer header."""
    match = _IDENT.match(raw)
    if match is None:
        return raw.decode(encoding, "replace"), "", datetime.fromtimestamp(0, UTC)
    name, email, seconds, sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    zone = timezone(-offset if sign == b"-" else offset)
    try:
        when = datetime.fromtimestamp(int(seconds), zone)
    except (OverflowError, ValueError, OSError):
        when = datetime.fromtimestamp(0, UTC)
    return name.decode(encoding, "replace"), email.decode(encoding, "replace"), when


def parse_commit(sha: str, data: bytes) -> CommitInfo:
    """Return the CommitInfo for a raw commit object."""
    header, _, body = data.partition(b"\n\n")
    fields: dict[bytes, bytes] = {}
    parents: list[str] = []
    for line in header.split(b"\n"):
        if line.startswith(b" "):
            continue  # continuation of a signature
        key, _, value = line.partition(b" ")
        if key == b"parent":
            parents.append(value.decode("ascii", "replace"))
        else:
            fields.setdefault(key, value)
    encoding = fields.get(b"encoding", b"utf-8").decode("ascii", "replace")
    try:
        message = body.decode(encoding, "replace")
    except LookupError:
        encoding = "utf-8"
        message = body.decode(encoding, "replace")
    author = parse_ident(fields.get(b"author", b""), encoding)
    committer = parse_ident(fields.get(b"committer", b""), encoding)
    return CommitInfo(
        sha=sha,
        parents=parents,
        author_name=author[0],
        author_email=author[1],
        authored_at=author[2],
        committer_name=committer[0],
        committer_email=committer[1],
        committed_at=committer[2],
        message=message,
        co_authors=co_authors(message),
    )


def co_authors(message: str) -> list[Author]:
    """Return the people named in `Co-authored-by:` trailers of the message's last paragraph."""
    last = message.strip().split("\n\n")[-1]
    found = []
    for line in last.splitlines():
        match = _CO_AUTHOR.match(line.strip())
        if match and (match.group(1) or match.group(2)):
            found.append(Author(match.group(1), match.group(2)))
    return found


def parse_name_status(out: bytes) -> list[FileChange]:
    """Return FileChanges from `--name-status -z` output."""
    fields = out.split(b"\0")
    changes: list[FileChange] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i][:1].decode()
        if status in ("R", "C"):
            old, new = (
                fields[i + 1].decode("utf-8", "replace"),
                fields[i + 2].decode("utf-8", "replace"),
            )
            changes.append(
                FileChange("R" if status == "R" else "A", new, old if status == "R" else None)
            )
            i += 3
        else:
            path = fields[i + 1].decode("utf-8", "replace")
            changes.append(FileChange(status if status in "AMDT" else "M", path))  # type: ignore[arg-type]
            i += 2
    return changes


def parse_log(out: bytes, details: bool, with_files: bool) -> list[LogRecord]:
    """Return the commits of `git log -z` output made with LOG_FORMAT (`details`) or SHORT_FORMAT.

    With `with_files` (the log ran with `--name-status`), each record holds the changes listed.
    """
    fields = out.split(b"\0")
    width = _FIELDS if details else 1
    records: list[LogRecord] = []
    i = 0
    while i + width <= len(fields) and fields[i]:
        ids = fields[i].decode("ascii").split()
        info = _info(ids, fields[i + 1 : i + _FIELDS]) if details else None
        i += width
        files: list[FileChange] | None = None
        if with_files:
            # The changes follow after a newline; a commit that changed nothing has none.
            files = []
            if i < len(fields) and fields[i].startswith(b"\n"):
                fields[i] = fields[i][1:]
                while i < len(fields) and _STATUS.match(fields[i]):
                    count = 3 if fields[i][:1] in (b"R", b"C") else 2
                    files += parse_name_status(b"\0".join(fields[i : i + count]) + b"\0")
                    i += count
        if info is not None and files is not None:
            info = replace(info, files=files)
        records.append(LogRecord(ids[0], ids[1:], info, files))
    return records


def _info(ids: list[str], fields: list[bytes]) -> CommitInfo:
    """Return the CommitInfo of one LOG_FORMAT record (ids, then the fields after them)."""
    an, ae, ad, cn, ce, cd, body = fields
    message = body.decode("utf-8", "replace")
    author = parse_ident(an + b" <" + ae + b"> " + ad, "utf-8")
    committer = parse_ident(cn + b" <" + ce + b"> " + cd, "utf-8")
    return CommitInfo(
        sha=ids[0],
        parents=ids[1:],
        author_name=author[0],
        author_email=author[1],
        authored_at=author[2],
        committer_name=committer[0],
        committer_email=committer[1],
        committed_at=committer[2],
        message=message,
        co_authors=co_authors(message),
    )
