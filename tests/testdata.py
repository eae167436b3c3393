"""Constants shared by tests (a plain module: conftest modules are not importable by name)."""

import random
import struct
import zlib

TEST_PASSWORD = "correct horse battery"
# Tests hash with a cheap pbkdf2 so hundreds of logins stay fast; production uses scrypt.
FAST_HASH = "pbkdf2:sha256:1000"


def png(size: int = 2) -> bytes:
    """Return a valid size×size PNG image; its pixels are noise, so large ones stay large."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    noise = random.Random(size)
    rows = b"".join(b"\0" + noise.randbytes(3 * size) for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
