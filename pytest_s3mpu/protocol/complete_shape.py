"""The shape SDKs give a CompleteMultipartUpload body, read without building a tree.

Layer 3 (protocol). Every SDK sends the same plain shape: an optional XML declaration, the root with or
without S3's namespace, and ``<Part>`` elements whose children are ``PartNumber``, ``ETag`` and at most a
few ``Checksum*`` elements holding ASCII text. A body of that shape is checked whole by one regular
expression and its fields read by a second, which for 10,000 parts takes a third of ElementTree's time
plus the walk over its tree, and allocates no element per field for the garbage collector to visit.

Anything else (entities, CDATA, comments, prefixes, other namespaces, unknown elements, attributes,
non-ASCII text) is not this shape: ``read`` answers None and the caller parses with ElementTree. For a
body of this shape both readings give the same parts (a hypothesis test holds them to that).
"""

from __future__ import annotations

import functools
import re

from pytest_s3mpu.state.model import CompleteDocument, CompletedPartSpec

# XML white space between elements (XML 1.0 §2.3 S); the tree parser ignores it.
_SPACE = r"[ \t\r\n]*"
# Character data that means itself: no markup (<, &), no "]]>" (so no >), no CR (which XML would turn into
# LF), only printable ASCII, tab and LF -- ElementTree gives back exactly these characters.
_TEXT = r"[\t\n\x20-\x25\x27-\x3b\x3d\x3f-\x7e]*"
_FIELD_NAMES = (
    "PartNumber",
    "ETag",
    "ChecksumCRC32",
    "ChecksumCRC32C",
    "ChecksumCRC64NVME",
    "ChecksumSHA1",
    "ChecksumSHA256",
)
_FIELD = "|".join(f"<{name}>{_TEXT}</{name}>" for name in _FIELD_NAMES)
_PART = f"<Part>(?:{_SPACE}(?:{_FIELD}))*{_SPACE}</Part>"
_DECLARATION = r"""<\?xml version=(?:"1\.0"|'1\.0')(?: encoding=(?:"(?:UTF|utf)-8"|'(?:UTF|utf)-8'))?\?>"""
_ROOT = r'<CompleteMultipartUpload(?: xmlns="http://s3\.amazonaws\.com/doc/2006-03-01/")?>'

_DOCUMENT = re.compile(
    f"(?:{_DECLARATION})?{_SPACE}{_ROOT}(?:{_SPACE}{_PART})*{_SPACE}</CompleteMultipartUpload>{_SPACE}"
)
# Once the document has matched, each field's text ends at the next "<", and "</Part>" closes a part.
_TOKENS = re.compile(r"<(PartNumber|ETag|Checksum[A-Z0-9]+|/Part)>([^<]*)")
_CHECKSUM = len("Checksum")


def read(body: bytes) -> CompleteDocument | None:
    """The document a body of the common shape holds (``malformed`` for a part without exactly one
    PartNumber and one ETag, as the tree reading says); None for a body of any other shape."""
    if not body.isascii():
        return None
    text = body.decode("ascii")
    if _DOCUMENT.fullmatch(text) is None:
        return None
    uniform = _read_uniform(text)
    if uniform is not None:
        return CompleteDocument(parts=uniform)
    specs: list[CompletedPartSpec] = []
    number: str | None = None
    etag: str | None = None
    repeated = False
    checksums: list[tuple[str, str]] = []
    for name, value in _TOKENS.findall(text):
        if name == "PartNumber":
            repeated = repeated or number is not None
            number = value
        elif name == "ETag":
            repeated = repeated or etag is not None
            etag = value
        elif name == "/Part":
            if number is None or etag is None or repeated:
                return CompleteDocument(parts=(), malformed=True)
            specs.append(CompletedPartSpec(number, etag, tuple(checksums)))
            number = etag = None
            checksums = []
        else:
            checksums.append((name[_CHECKSUM:], value))
    return CompleteDocument(parts=tuple(specs))


@functools.lru_cache(maxsize=32)
def _fields_in_order(names: tuple[str, ...]) -> re.Pattern[str]:
    """One ``<Part>`` whose fields come in exactly this order, each field's text captured."""
    fields = "".join(f"{_SPACE}<{name}>({_TEXT})</{name}>" for name in names)
    return re.compile(f"<Part>{fields}{_SPACE}</Part>")


def _read_uniform(text: str) -> tuple[CompletedPartSpec, ...] | None:
    """The parts of a document (already matched whole) whose parts all list their fields in the order
    of the first, each once: one match per part instead of one per field. None for any other."""
    first = text[text.index("<Part>") : text.index("</Part>")] if "<Part>" in text else ""
    names = tuple(name for name, _ in _TOKENS.findall(first))
    if "PartNumber" not in names or "ETag" not in names or len(set(names)) != len(names):
        return None  # the walk in ``read`` finds the part without exactly one of each
    found = _fields_in_order(names).findall(text)
    if len(found) != text.count("<Part>"):
        return None
    number, etag = names.index("PartNumber"), names.index("ETag")
    extra = [(index, name[_CHECKSUM:]) for index, name in enumerate(names) if index not in (number, etag)]
    if not extra:  # no checksums listed (the common case): no per-part list to build for them
        return tuple([CompletedPartSpec(fields[number], fields[etag], ()) for fields in found])
    return tuple(
        [
            CompletedPartSpec(fields[number], fields[etag], tuple([(name, fields[i]) for i, name in extra]))
            for fields in found
        ]
    )
