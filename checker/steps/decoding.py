"""Which text encoding a file is in, decided by streaming over it once (issue #15, item 3).

The rules, in order:

1. A UTF-16 byte-order mark means UTF-16. Otherwise a NUL byte in the first 8 KB means a binary file.
2. A file that is valid UTF-8 is UTF-8 (a UTF-8 byte-order mark is dropped).
3. A file that is UTF-8 with a few bad bytes (it has more correctly encoded non-ASCII bytes than bad
   ones) is read as UTF-8 with each bad byte replaced by U+FFFD, and a WARNING names the file, the
   line and the byte offset of the first bad bytes. "Zürich" in such a file stays "Zürich".
4. Only a file that is not UTF-8 at all goes to charset-normalizer, with a WARNING naming the file
   and the encoding chosen. cp1252 is preferred whenever it reads the file as cleanly as the
   detector's own pick: it is the most common legacy encoding of Western news text, and on short
   texts the detector cannot tell the Western single-byte code pages apart (it picks cp775 for a
   cp1252 "Café … Zürich", which garbles both words).
5. A file with too few non-ASCII bytes to tell an encoding by (fewer than ``_MIN_EVIDENCE``) that
   cp1252 cannot read is stray bytes in ASCII text: read as UTF-8 with them replaced (rule 3's warning).

Only the first ``_SAMPLE`` bytes are given to the detector, so memory stays bounded for any file size.
"""

from __future__ import annotations

import codecs
import logging
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

_SAMPLE = 1 << 20  # bytes given to the encoding detector
_BINARY_PROBE = 8192  # a NUL byte this early means a binary file
_MIN_EVIDENCE = 8  # fewer non-ASCII bytes than this cannot tell one legacy encoding from another
_SHOWN = 3  # bad-byte positions named in a warning
_HIGH = bytes(range(128, 256))
_UTF8_REPLACEMENT = "\ufffd".encode()


@dataclass
class _Utf8Scan:
    """What one pass over a file found about its UTF-8 validity."""

    bad: int = 0  # bytes that are not valid UTF-8
    good_high: int = 0  # non-ASCII bytes that are part of valid UTF-8 characters
    where: list[tuple[int, int]] = field(default_factory=list)  # (line, byte offset) of the first bad bytes


@dataclass(frozen=True)
class Encoding:
    """How to decode a file: a codec for ``open()`` and its error handler."""

    codec: str
    errors: str = "strict"


def sniff_encoding(path: Path, name: str) -> tuple[Encoding | None, str | None]:
    """Decide how to decode a file, logging a WARNING when it is not clean UTF-8.

    Args:
        path: the file.
        name: how to name it in messages (the input as the user gave it).

    Returns:
        ``(Encoding, None)``, or ``(None, why the file is refused)`` for a binary or undetectable file.

    Example:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as f:
        ...     _ = f.write("Zürich".encode())
        >>> sniff_encoding(Path(f.name), f.name)
        (Encoding(codec='utf-8-sig', errors='strict'), None)
    """
    with path.open("rb") as f:
        head = f.read(_SAMPLE)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return Encoding("utf-16"), None
        if b"\x00" in head[:_BINARY_PROBE]:
            return None, "file looks binary (NUL bytes in the first 8 KB); pass text, HTML, JSONL or CSV"
        f.seek(0)
        scan = _scan_utf8(f)
    if scan.bad == 0:
        return Encoding("utf-8-sig"), None
    if scan.good_high > scan.bad:
        _warn_bad_utf8(name, scan)
        return Encoding("utf-8-sig", "replace"), None
    return _legacy(head, name, scan)


def _scan_utf8(stream: object) -> _Utf8Scan:
    """Count bad and good non-ASCII UTF-8 bytes, line by line (one line in memory at a time)."""
    scan = _Utf8Scan()
    offset = 0
    for lineno, raw in enumerate(stream, start=1):  # type: ignore[call-overload]
        high = len(raw) - len(raw.translate(None, _HIGH))
        if high:
            try:
                raw.decode("utf-8")
                scan.good_high += high
            except UnicodeDecodeError:
                bad = _count_bad(raw)
                scan.bad += bad
                scan.good_high += max(high - bad, 0)
                scan.where.extend((lineno, offset + at) for at in _bad_offsets(raw, _SHOWN - len(scan.where)))
        offset += len(raw)
    return scan


def _count_bad(raw: bytes) -> int:
    """Bytes replaced when decoding raw as UTF-8 (a U+FFFD already in the text is not counted)."""
    return raw.decode("utf-8", "replace").count("\ufffd") - raw.count(_UTF8_REPLACEMENT)


def _bad_offsets(raw: bytes, limit: int) -> list[int]:
    """Offsets in raw of its first ``limit`` invalid UTF-8 bytes."""
    found: list[int] = []
    pos = 0
    while len(found) < limit:
        try:
            raw[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as e:
            found.append(pos + e.start)
            pos += e.end
    return found


def _warn_bad_utf8(name: str, scan: _Utf8Scan) -> None:
    shown = ", ".join(f"line {line} byte {offset}" for line, offset in scan.where)
    more = f" and {scan.bad - len(scan.where)} more" if scan.bad > len(scan.where) else ""
    logger.warning(
        "%s: %d byte(s) are not valid UTF-8 (%s%s); read as UTF-8 with them replaced by U+FFFD. "
        "Fix the file if the text there matters.",
        name,
        scan.bad,
        shown,
        more,
    )


def _legacy(head: bytes, name: str, scan: _Utf8Scan) -> tuple[Encoding | None, str | None]:
    """The encoding of a file that is not UTF-8, from the detector (rules 4 and 5)."""
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    cp1252 = from_bytes(head, cp_isolation=["cp1252"]).best()
    if cp1252 is not None and (
        best is None or "cp1252" in best.could_be_from_charset or cp1252.chaos <= best.chaos
    ):
        chosen = "cp1252"
    elif scan.bad + scan.good_high < _MIN_EVIDENCE:
        _warn_bad_utf8(name, scan)
        return Encoding("utf-8", "replace"), None
    elif best is not None:
        chosen = best.encoding
    else:
        return None, "file is not UTF-8 and its encoding cannot be detected; re-save it as UTF-8"
    logger.warning(
        "%s: not UTF-8 (first bad byte at line %d, byte %d); decoded as %s, the detected encoding. "
        "Re-save it as UTF-8 if names look garbled.",
        name,
        *scan.where[0],
        chosen,
    )
    return Encoding(chosen, "replace"), None
