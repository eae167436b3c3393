"""Student work from a teaching: photos or scans (JPEG, PNG) and PDFs, kept in the instance
folder under a random name, never in Git.

Photos carry metadata a school must not keep: the camera's EXIF (often the GPS position of the
classroom, the time, the device), XMP and IPTC, comments. Those are removed from the bytes
before they are stored, segment by segment (JPEG APP1 and APP3 to APP15 except Adobe's APP14,
and COM; PNG text, EXIF and time chunks); the picture itself is not re-encoded. Only the
cycle's team and the network's leaders may see the files.
"""

from __future__ import annotations

import secrets
import struct
from pathlib import Path

from ...access import Access
from ...models import Iteration, StudentWork, Study
from ..context import Ctx
from ._studies import StudyError, may_observe

KINDS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
_PNG = b"\x89PNG\r\n\x1a\n"
# PNG chunks that can hold text, camera data or times: dropped.
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
# JPEG markers kept: APP0 (JFIF), APP2 (colour profile), APP14 (Adobe colour transform).
_JPEG_KEEP_APP = {0xE0, 0xE2, 0xEE}


def media_type(data: bytes) -> str | None:
    """Return the kind of file the bytes are (by their signature), None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def strip_jpeg(data: bytes) -> bytes:
    """Return the JPEG without its metadata segments; raise ValueError if it is malformed."""
    out = bytearray(data[:2])
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise ValueError("not a JPEG segment")
        marker = data[at + 1]
        if marker == 0xD9:  # end of image
            out += data[at : at + 2]
            return bytes(out)
        if marker == 0xDA:  # start of scan: the picture data follows to the end
            out += data[at:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[at : at + 2]
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        segment = data[at : at + 2 + length]
        if len(segment) < 2 + length:
            raise ValueError("truncated JPEG segment")
        is_app = 0xE0 <= marker <= 0xEF
        if marker == 0xFE or (is_app and marker not in _JPEG_KEEP_APP):
            at += 2 + length  # metadata: EXIF, XMP, IPTC, comments
            continue
        out += segment
        at += 2 + length
    raise ValueError("the JPEG has no picture data")


def strip_png(data: bytes) -> bytes:
    """Return the PNG without its text, EXIF and time chunks; raise ValueError if malformed."""
    out = bytearray(_PNG)
    at = len(_PNG)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        chunk = data[at : at + 12 + length]
        if len(chunk) < 12 + length:
            raise ValueError("truncated PNG chunk")
        if kind not in _PNG_DROP:
            out += chunk
        at += 12 + length
        if kind == b"IEND":
            return bytes(out)
    raise ValueError("the PNG has no end")


def stripped(data: bytes, kind: str) -> bytes:
    """Return the file's bytes as stored: images without their metadata."""
    try:
        if kind == "image/jpeg":
            return strip_jpeg(data)
        if kind == "image/png":
            return strip_png(data)
    except (ValueError, struct.error):
        raise StudyError("This image could not be read: save it again as JPEG or PNG.") from None
    return data


def _root(ctx: Ctx) -> Path:
    return Path(ctx.settings.get("STUDENT_WORK_ROOT") or "student-work")


def add_work(
    ctx: Ctx, study: Study, access: Access, iteration: Iteration, data: bytes, label: str = ""
) -> StudentWork:
    """Return the stored student work (flushed); the team and leaders only."""
    if not may_observe(ctx, study, access):
        raise StudyError("Only the cycle's team adds student work.", 403)
    limit = ctx.settings.max_upload_bytes
    if len(data) > limit:
        raise StudyError(f"The file is larger than {limit // (1024 * 1024)} MB.", 413, "file")
    kind = media_type(data)
    if kind is None:
        raise StudyError("Add a photo or scan (JPEG or PNG) or a PDF.", field="file")
    body = stripped(data, kind)
    name = f"{secrets.token_hex(16)}.{KINDS[kind]}"
    root = _root(ctx)
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(body)
    work = StudentWork(
        uploader_id=ctx.actor.id,
        label=(label or "").strip()[:120],
        media_type=kind,
        stored_name=name,
        size=len(body),
    )
    iteration.work.append(work)
    ctx.session.flush()
    return work


def work_file(ctx: Ctx, study: Study, access: Access, work_id: int) -> tuple[StudentWork, Path]:
    """Return a piece of student work and its file; StudyError 404 for anyone but the team
    and leaders, as for work that does not exist."""
    found = next((w for i in study.iterations for w in i.work if w.id == work_id), None)
    if found is None or not may_observe(ctx, study, access):
        raise StudyError("There is no such file.", 404)
    path = _root(ctx) / found.stored_name
    if not path.is_file():
        raise StudyError("There is no such file.", 404)
    return found, path
