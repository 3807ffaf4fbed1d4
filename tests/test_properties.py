"""Property-based tests (hypothesis): the request parsers never raise anything but S3 errors, and the
multipart state machine matches a small reference model of S3's rules under random operation sequences.

Issue 6. The parsers (query, path, numbers, Content-Length, Range and conditions, XML bodies, aws-chunked
and HTTP chunked framing, error rendering) get arbitrary text and bytes, and mutations of valid input;
whatever they get, they return a value or raise an ``S3Error`` subclass, never a ``ValueError``,
``KeyError``, ``UnicodeError`` or ``MemoryError``. The stateful test drives ``Store`` with create / upload
part / complete / abort / list parts / put against a reference model written here from the spec (§2, §3,
§5, §6, §7), not from the store's code. ``max_examples`` stay modest so the file runs in seconds.
"""

from __future__ import annotations

import base64
import datetime as dt
import encodings.aliases
import hashlib
import io
import itertools
import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from pytest_s3mpu.app import application as app
from pytest_s3mpu.protocol import bodies, complete_shape, xmldoc
from pytest_s3mpu.protocol import object_headers as headers
from pytest_s3mpu.serving import request_head as http_head
from pytest_s3mpu.state import errors, validation
from pytest_s3mpu.state.model import (
    CompleteDocument,
    CompletedPartSpec,
    Limits,
    ObjectBody,
    ObjectMeta,
    Payload,
    StoredObject,
)
from pytest_s3mpu.state.store import Store

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIG = "0" * 64
_S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
ASCII_DECIMAL = re.compile(r"-?[0-9]+\Z", re.ASCII)

# Text as a WSGI server hands it over (each byte of the request line as one Latin-1 character), and
# text with any Unicode (headers as Python sees them after decoding, XML text).
latin1_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=60)
any_text = st.text(max_size=40)
# Number-like text: digits of every script, signs, spaces, underscores, dots, hex prefixes.
numberish = st.text(
    alphabet=st.sampled_from([*"0123456789+-_ .xXeE\t", "\u0661", "\uff11", "\u00b9", "\u0967", "\u00b2"]),
    max_size=12,
)


def only_s3_errors(function, *args):
    """Call ``function``; an ``S3Error`` is a valid answer, anything else fails the property."""
    try:
        return function(*args)
    except errors.S3Error as error:
        assert 400 <= error.status < 500 or error.status == 501, error
        return error


# -- numbers ---------------------------------------------------------------------------------------------


@FAST
@given(st.one_of(numberish, any_text))
def test_parse_decimal_reads_only_ascii_decimal(raw):
    """Issue 6 (Python's int() reads "\u0661" as 1): a number is an optional "-" and ASCII digits; anything
    else is no number at all, never a lenient reading."""
    value = validation.parse_decimal(raw)
    if value is None:
        assert not ASCII_DECIMAL.match(raw) or len(raw) > 24
    else:
        assert ASCII_DECIMAL.match(raw)
        assert value == int(raw)


@FAST
@given(st.one_of(numberish, any_text, st.integers(-5, 10005).map(str)))
def test_part_number_is_ascii_digits_in_range_or_invalid_argument(raw):
    """Spec §3 step 2: partNumber is 1..10000 in ASCII digits, else 400 InvalidArgument naming the raw
    value ("Part number must be an integer between 1 and 10000, inclusive")."""
    result = only_s3_errors(validation.part_number, raw, 10000)
    if isinstance(result, errors.S3Error):
        assert result.code == "InvalidArgument"
        assert result.message == errors.NUMBER_RANGE_MESSAGE
        assert result.field("ArgumentValue") == raw
    else:
        assert raw.isascii() and raw.isdigit() and 1 <= result <= 10000
        assert result == int(raw)


@FAST
@given(st.sampled_from(["max-parts", "max-uploads", "max-keys"]), st.one_of(numberish, any_text))
def test_list_limits_are_strict(name, raw):
    """Spec §7, §8: max-parts / max-uploads / max-keys are non-negative int32 in ASCII digits, clamped
    to 1000, or empty (read as absent: LS-AWS test_list_parts_empty_part_number_marker); anything else is
    InvalidArgument."""
    result = only_s3_errors(validation.list_limit, name, raw, 1000, 1000)
    if isinstance(result, errors.S3Error):
        assert result.code == "InvalidArgument"
        assert result.field("ArgumentName") == name
    elif raw == "":
        assert result == 1000
    else:
        assert raw.isascii() and raw.isdigit()
        assert result == min(int(raw), 1000)


@FAST
@given(st.one_of(numberish, latin1_text))
def test_content_length_is_strict(raw):
    """RFC 9112 §6.2 (Content-Length = 1*DIGIT): only ASCII digits are a length; anything else is 400
    BadRequest, never a lenient int()."""
    result = only_s3_errors(bodies.parse_content_length, raw)
    if isinstance(result, errors.S3Error):
        assert result.code == "BadRequest"
    else:
        assert raw.strip().isascii() and raw.strip().isdigit() and result == int(raw.strip())


@FAST
@given(latin1_text, st.integers(0, 10_000))
def test_range_header_never_raises_and_stays_in_bounds(raw, size):
    """S3 ignores a Range it cannot parse (serves the whole object); a parsed one lies inside the object."""
    result = headers.parse_range(raw, size)
    if isinstance(result, tuple):
        start, end = result
        assert 0 <= start < end <= size
        assert raw.strip().isascii()
    else:
        assert result in (None, "unsatisfiable")


@FAST
@given(
    st.dictionaries(
        st.sampled_from(["If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"]),
        latin1_text,
    )
)
def test_read_conditions_never_raise(given_headers):
    """RFC 7232 as S3 applies it: any header text gives serve, 304 or 412, never an exception."""
    moment = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    obj = StoredObject("k", ObjectBody((b"x",)), "0" * 32, moment, ObjectMeta(), checksum=None)
    assert headers.read_condition(given_headers, obj, moment) in (None, *headers.ReadVerdict)


# -- query and path --------------------------------------------------------------------------------------


@FAST
@given(latin1_text)
def test_query_parsing_raises_only_invalid_uri(raw):
    """Invalid UTF-8 in a percent-escape is 400 InvalidURI; every other query string parses."""
    result = only_s3_errors(app.parse_query, {"QUERY_STRING": raw})
    if isinstance(result, errors.S3Error):
        assert result.code == "InvalidURI"
    else:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.items())


@FAST
@given(latin1_text)
def test_path_decoding_raises_only_invalid_uri(raw):
    """A path with a malformed percent-escape or invalid UTF-8 is 400 InvalidURI; a valid one decodes
    exactly once."""
    result = only_s3_errors(app.raw_path, {"RAW_URI": "/" + raw})
    if isinstance(result, errors.S3Error):
        assert result.code == "InvalidURI"
    else:
        assert isinstance(result, str)
        if "%" not in raw:
            assert result == ("/" + raw).split("?", 1)[0].encode("latin-1").decode("utf-8")


@FAST
@given(st.text(max_size=30))
def test_path_round_trips_every_key(key):
    """Any key (any Unicode but lone surrogates) percent-encoded as clients do decodes back to itself."""
    from urllib.parse import quote

    assume("?" not in key)
    assume(all(not 0xD800 <= ord(c) <= 0xDFFF for c in key))
    assert app.raw_path({"RAW_URI": "/b/" + quote(key, safe="/")}) == "/b/" + key


# -- XML ---------------------------------------------------------------------------------------------------


def _complete_xml(parts):
    entries = "".join(f"<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>" for n, e in parts)
    return (
        f'<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{entries}'
        "</CompleteMultipartUpload>"
    )


@FAST
@given(st.binary(max_size=300))
def test_xml_parsers_take_any_bytes(body):
    """Spec §5.1 step 3: any body is a CompleteMultipartUpload document or MalformedXML; DeleteObjects
    and CreateBucket bodies likewise raise only MalformedXML."""
    document = xmldoc.parse_complete(body)
    assert isinstance(document, CompleteDocument)
    for parse in (xmldoc.parse_delete, xmldoc.parse_location_constraint):
        result = only_s3_errors(parse, body)
        if isinstance(result, errors.S3Error):
            assert result.code == "MalformedXML"


# Encoding names: every codec Python knows (text, multi-byte, binary-to-binary ones such as rot13), names no
# codec has, and junk; any of them in a declaration is a document or MalformedXML, never another exception.
_CODEC_NAMES = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()))
encoding_names = st.one_of(
    st.sampled_from(
        [*_CODEC_NAMES, "x-no-such-charset", "UCS-2", "rot13", "base64", "undefined", "idna", ""]
    ),
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters="\"'"),
        max_size=12,
    ),
)


@FAST
@given(encoding_names, st.sampled_from(["Delete", "CompleteMultipartUpload", "CreateBucketConfiguration"]))
def test_xml_parsers_take_any_declared_encoding(encoding, root):
    """Spec §1.3a: a declaration naming an encoding the parser does not know (``x-no-such-charset``), one
    it cannot use (multi-byte, rot13) or junk is MalformedXML; before the fix a LookupError escaped."""
    body = (
        f'<?xml version="1.0" encoding="{encoding}"?><{root}><Object><Key>k</Key></Object></{root}>'.encode()
    )
    assert isinstance(xmldoc.parse_complete(body), CompleteDocument)
    for parse in (xmldoc.parse_delete, xmldoc.parse_location_constraint):
        result = only_s3_errors(parse, body)
        if isinstance(result, errors.S3Error):
            assert result.code in ("MalformedXML",)


# XML 1.0 Char without the surrogates; CR is sent as &#13; (a literal one reaches the parser as LF).
xml_chars = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff", min_codepoint=0x9
    ).filter(lambda c: c in "\t\n\r" or c >= " "),
    max_size=30,
)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


@FAST
@given(st.lists(xml_chars, min_size=1, max_size=4), st.booleans())
def test_delete_keys_are_read_exactly(keys, pretty):
    """Spec §1.3a: each ``<Key>`` is its text exactly (white space, CR via &#13;, markup escaped, any
    Unicode), however the document is laid out; before the fix the text was stripped."""
    gap = "\n  " if pretty else ""
    objects = "".join(f"<Object>{gap}<Key>{_escaped(key)}</Key>{gap}</Object>{gap}" for key in keys)
    body = f"<Delete>{gap}{objects}</Delete>".encode()
    assert xmldoc.parse_delete(body) == (keys, False)
    utf16_body = body.decode().replace("<Delete>", "<Delete><Quiet> true </Quiet>", 1).encode("utf-16")
    assert xmldoc.parse_delete(utf16_body) == (keys, True)


@FAST
@given(
    st.lists(
        st.tuples(st.integers(1, 10000).map(str), st.text(alphabet='0123456789abcdef"', max_size=34)),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 400),
    st.binary(max_size=8),
)
def test_complete_document_round_trips_and_survives_mutation(parts, at, junk):
    """A well-formed Complete body parses to exactly its parts; the same body with bytes spliced in is
    either a document or MalformedXML, and one with a DTD is always MalformedXML (no entity expansion)."""
    body = _complete_xml(parts).encode()
    document = xmldoc.parse_complete(body)
    assert [(p.part_number, p.etag) for p in document.parts or ()] == parts
    assert isinstance(xmldoc.parse_complete(body[:at] + junk + body[at:]), CompleteDocument)
    dtd = b'<!DOCTYPE d [<!ENTITY e "1">]>' + body.replace(b">" + parts[0][0].encode() + b"<", b">&e;<", 1)
    assert xmldoc.parse_complete(dtd).malformed


# Pieces of CompleteMultipartUpload bodies: the shapes SDKs send, and the XML they never send but a body
# may hold (prefixes, other namespaces, entities, CDATA, comments, attributes, CR, non-ASCII, ...).
_DECLARATIONS = st.sampled_from(
    [
        "",
        "",
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<?xml version='1.0'?>",
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        '<?xml version="1.1"?>',
        ' <?xml version="1.0"?>',
    ]
)
_SPACES = st.sampled_from(["", "", "", "", " ", "\n", "\r\n", "\t", "\x0b", "<!-- c -->", "x"])
_ROOTS = st.sampled_from(
    [
        ("<CompleteMultipartUpload>", "</CompleteMultipartUpload>", ""),
        (f'<CompleteMultipartUpload xmlns="{_S3_NS}">', "</CompleteMultipartUpload>", ""),
        (f'<CompleteMultipartUpload xmlns="{_S3_NS}">', "</CompleteMultipartUpload>", ""),
        ('<CompleteMultipartUpload xmlns="urn:other">', "</CompleteMultipartUpload>", ""),
        (f'<s3:CompleteMultipartUpload xmlns:s3="{_S3_NS}">', "</s3:CompleteMultipartUpload>", "s3:"),
        ("<CompleteMultipartUpload a='1'>", "</CompleteMultipartUpload>", ""),
        ("<CompleteMultipartUploads>", "</CompleteMultipartUploads>", ""),
    ]
)
_FIELD_NAMES = st.sampled_from(
    ["PartNumber", "ETag"] * 4
    + ["ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1"]
    + ["ChecksumSHA256", "Checksumcrc32", "ChecksumType", "Size", "Part"]
)
_FIELD_TEXT = st.lists(
    st.sampled_from(
        ['"', "0", "7", "a", "F", "-", "+", "/", "=", " ", "\t", "\n"] * 3
        + ["\r", ">", "]]>", "&amp;", "&quot;", "&#49;", "<![CDATA[1]]>", "<!-- c -->", "é", "\x7f", "&", "<"]
    ),
    max_size=6,
).map("".join)


@st.composite
def _complete_bodies(draw: st.DrawFn) -> bytes:
    """A CompleteMultipartUpload body: mostly the shape SDKs send, often with one thing XML allows
    (or forbids) that they never send."""
    opening, closing, prefix = draw(_ROOTS)
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        fields = []
        for name in draw(st.lists(_FIELD_NAMES, max_size=4)):
            text = draw(_FIELD_TEXT)
            empty = draw(st.booleans()) and not text
            element = f"<{prefix}{name}/>" if empty else f"<{prefix}{name}>{text}</{prefix}{name}>"
            fields.append(draw(_SPACES) + element)
        parts.append(f"<{prefix}Part>{''.join(fields)}{draw(_SPACES)}</{prefix}Part>")
    inner = "".join(draw(_SPACES) + part for part in parts)
    body = draw(_DECLARATIONS) + draw(_SPACES) + opening + inner + draw(_SPACES) + closing + draw(_SPACES)
    return body.encode("utf-8")


@st.composite
def _sdk_complete_bodies(draw: st.DrawFn) -> bytes:
    """The shape every SDK sends: numbers, quoted ETags and at most one checksum, in any order."""
    fields_per_part = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        fields = [f"<PartNumber>{number}</PartNumber>", f'<ETag>"{number:032x}"</ETag>']
        algorithm = draw(st.sampled_from(["", "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]))
        if algorithm:
            fields.append(f"<Checksum{algorithm}>AAAAAA==</Checksum{algorithm}>")
        fields_per_part.append("".join(draw(st.permutations(fields))))
    space = draw(st.sampled_from(["", "\n  "]))
    parts = "".join(f"{space}<Part>{fields}</Part>" for fields in fields_per_part)
    root = draw(st.sampled_from(["<CompleteMultipartUpload>", f'<CompleteMultipartUpload xmlns="{_S3_NS}">']))
    return f"{root}{parts}{space}</CompleteMultipartUpload>".encode()


_DEVIATIONS = st.sampled_from(
    (
        *("\r", "\r\n", " ", "\t", "\n", "\x0b", "]]>", ">", "&amp;", "&#49;", "<![CDATA[1]]>"),
        *("<!-- c -->", "é", "\x7f", "\x00", "<Size>1</Size>", "<ETag/>", "<ETag>x</ETag>"),
        *(
            "<PartNumber>2</PartNumber>",
            "<ChecksumCRC32>x</ChecksumCRC32>",
            "<Checksumcrc32>x</Checksumcrc32>",
        ),
        *("<x:ETag>e</x:ETag>", "<Part><PartNumber>9</PartNumber><ETag>e</ETag></Part>", "<Part></Part>"),
        *("\ufeff", '"'),
    )
)


@st.composite
def _one_deviation(draw: st.DrawFn) -> bytes:
    """An SDK body with one thing inserted at a tag boundary or inside a field's text: the cases where
    a reading that is nearly right would differ from ElementTree's."""
    text = draw(_sdk_complete_bodies()).decode()
    places = (
        [0, len(text)]
        + [i for i, c in enumerate(text) if c in "<>"]
        + [i + 1 for i, c in enumerate(text) if c == ">"]
    )
    at = draw(st.sampled_from(sorted(set(places))))
    return (text[:at] + draw(_DEVIATIONS) + text[at:]).encode()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(_complete_bodies(), _sdk_complete_bodies(), _one_deviation()),
    st.integers(0, 400),
    st.binary(max_size=3),
)
@example(
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>]]></ETag></Part></CompleteMultipartUpload>",
    0,
    b"",
)
@example(
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>a\rb</ETag></Part></CompleteMultipartUpload>",
    0,
    b"",
)
@example(
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&#49;</ETag></Part></CompleteMultipartUpload>",
    0,
    b"",
)
def test_complete_fast_reading_agrees_with_element_tree(body, at, junk):
    """Spec §5 / §5.1 step 3: the regular-expression reading of the common Complete body shape
    (``complete_shape``) either declines or gives exactly the parts -- and the MalformedXML verdict --
    that ElementTree's reading gives, for SDK bodies, XML variations of them, and either with bytes spliced
    in."""
    for candidate in (body, body[:at] + junk + body[at:]):
        if not candidate.strip():
            continue
        fast = complete_shape.read(candidate)
        if fast is not None:
            assert fast == xmldoc.parse_complete_tree(candidate), candidate


@FAST
@given(_sdk_complete_bodies())
def test_complete_fast_reading_takes_sdk_bodies(body):
    """The fast reading is not a dead branch: every body in the shape SDKs send is read by it."""
    fast = complete_shape.read(body)
    assert fast is not None and fast.parts is not None and not fast.malformed
    assert fast == xmldoc.parse_complete_tree(body)


@FAST
@given(st.integers(1, 60))
def test_xml_depth_is_bounded(depth):
    """Deep nesting never exhausts the stack: past the limit the body is MalformedXML."""
    body = b"<CompleteMultipartUpload>" + b"<a>" * depth + b"</a>" * depth + b"</CompleteMultipartUpload>"
    document = xmldoc.parse_complete(body)
    if depth >= xmldoc.MAX_DEPTH + 2:
        assert document.malformed
    elif depth <= xmldoc.MAX_DEPTH - 4:
        assert (document.parts, document.malformed) == ((), False)


@FAST
@given(st.text(max_size=40), st.text(max_size=40))
def test_error_documents_are_always_well_formed(message, value):
    """Spec §1.2: an error names the value it refuses (``ArgumentValue``); whatever that value holds
    (NUL, control characters, markup), the error is a well-formed ``<Error>`` document."""
    error = errors.InvalidArgument(message, "partNumber", value)
    root = ET.fromstring(xmldoc.render_error(error, "REQ", "HOST"))
    assert root.tag == "Error"
    assert [child.tag for child in root] == [
        "Code",
        "Message",
        "ArgumentName",
        "ArgumentValue",
        "RequestId",
        "HostId",
    ]
    # XML 1.0 Char: what it cannot carry becomes U+FFFD; a parser reads CR (and CR LF) as LF.
    allowed = re.compile("[\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    shown = "".join(c if allowed.match(c) else "\ufffd" for c in value)
    assert (root.findtext("ArgumentValue") or "") == shown.replace("\r\n", "\n").replace("\r", "\n")


# -- aws-chunked and HTTP chunked framing ------------------------------------------------------------------


def _frame(data: bytes, cuts: list[int], signed: bool) -> bytes:
    ext = f";chunk-signature={SIG}".encode() if signed else b""
    pieces, last = [], 0
    for cut in sorted({min(c, len(data)) for c in cuts} | {len(data)}):
        if cut > last:
            pieces.append(data[last:cut])
            last = cut
    framed = b"".join(b"%x" % len(p) + ext + b"\r\n" + p + b"\r\n" for p in pieces)
    return framed + b"0" + ext + b"\r\n\r\n"


def _aws_headers(decoded: int, length: int, signed: bool = True) -> dict[str, str]:
    return {
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
        if signed
        else "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(decoded),
        "Content-Length": str(length),
    }


@FAST
@given(st.binary(max_size=400), st.lists(st.integers(0, 400), max_size=6), st.booleans())
def test_aws_chunked_round_trips_any_chunking(data, cuts, signed):
    """Spec §1.5: however the body is cut into chunks, the decoded payload is exactly the data, with its
    MD5 computed in the same pass."""
    framed = _frame(data, cuts, signed)
    payload = bodies.read_payload(
        io.BytesIO(framed), _aws_headers(len(data), len(framed), signed), len(framed), ()
    )
    assert bytes(payload.data) == data
    assert payload.md5 == hashlib.md5(data).digest()


@FAST
@given(
    st.binary(max_size=200),
    st.lists(st.integers(0, 200), max_size=4),
    st.integers(0, 2000),
    st.sampled_from(["flip", "delete", "insert", "truncate"]),
    st.binary(min_size=1, max_size=6),
    st.integers(-3, 3),
)
def test_aws_chunked_mutations_raise_only_s3_errors(data, cuts, at, how, junk, declared_delta):
    """Spec §1.5: broken framing (any byte flipped, deleted, inserted, the body cut short, a wrong decoded
    length) is IncompleteBody / MalformedTrailerError / MissingContentLength, never another exception;
    when it decodes at all, it decodes to exactly the declared number of bytes."""
    framed = bytearray(_frame(data, cuts, True))
    at %= len(framed)
    if how == "flip":
        framed[at] ^= junk[0] or 1
    elif how == "delete":
        del framed[at : at + len(junk)]
    elif how == "insert":
        framed[at:at] = junk
    else:
        del framed[at:]
    declared = max(len(data) + declared_delta, 0)
    result = only_s3_errors(
        bodies.read_payload, io.BytesIO(bytes(framed)), _aws_headers(declared, len(framed)), len(framed), ()
    )
    if isinstance(result, errors.S3Error):
        assert result.code in ("IncompleteBody", "MalformedTrailerError", "MissingContentLength")
    else:
        assert len(result.data) == declared


@FAST
@given(st.binary(max_size=300))
def test_aws_chunked_arbitrary_bytes_raise_only_s3_errors(framed):
    """Any bytes at all as an aws-chunked body: an S3 error or a payload of the declared size."""
    result = only_s3_errors(
        bodies.read_payload, io.BytesIO(framed), _aws_headers(5, len(framed)), len(framed), ()
    )
    if not isinstance(result, errors.S3Error):
        assert len(result.data) == 5


@FAST
@given(
    st.binary(max_size=200),
    st.sampled_from(["crc32", "sha1"]),
    st.binary(max_size=40),
)
def test_aws_chunked_trailers_raise_only_s3_errors(data, announced, trailer_junk):
    """Spec §1.5: a trailer block of garbage is MalformedTrailerError (or IncompleteBody when it breaks
    the framing), never another exception; a correct crc32 trailer decodes."""
    framed = b"%x\r\n" % len(data) + data + b"\r\n" if data else b""
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    good = framed + f"0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n".encode()
    bad = framed + b"0\r\n" + trailer_junk + b"\r\n\r\n"
    for body, name in ((good, "crc32"), (bad, announced)):
        hdrs = {**_aws_headers(len(data), len(body), signed=False), "x-amz-trailer": f"x-amz-checksum-{name}"}
        result = only_s3_errors(bodies.read_payload, io.BytesIO(body), hdrs, len(body), ())
        if isinstance(result, errors.S3Error):
            assert result.code in ("MalformedTrailerError", "IncompleteBody")
            assert body is bad
        else:
            assert bytes(result.data) == data


@FAST
@given(st.binary(max_size=300), st.integers(1, 64))
def test_http_chunked_reader_raises_only_framing_errors(raw, slice_size):
    """RFC 9112 §7.1 framing from any bytes: data, or a ``FramingError`` the server maps to
    IncompleteBody; a declared chunk size costs nothing (2**63 fails at once, allocates nothing)."""
    reader = bodies.ChunkedReader(io.BufferedReader(io.BytesIO(raw)), limit=1 << 20)
    buffer = bytearray(slice_size)
    total = 0
    try:
        for _ in range(len(raw) + 2):
            got = reader.readinto(buffer)
            if not got:
                break
            total += got
    except bodies.FramingError:
        pass
    assert total <= len(raw)


@FAST
@given(st.binary(max_size=200), st.integers(1, 64))
def test_small_body_reader_bounded(data, limit):
    """An XML body of unknown length is read up to its limit and MalformedXML past it."""
    result = only_s3_errors(bodies.read_small_body, io.BytesIO(data), limit)
    if isinstance(result, errors.S3Error):
        assert result.code == "MalformedXML" and len(data) > limit
    else:
        assert result == data


# -- the state machine against a reference model ---------------------------------------------------------

MIN_PART = 4
KEYS = ("a", "b")


@dataclass
class ModelUpload:
    key: str
    parts: dict[int, bytes] = field(default_factory=dict)
    state: str = "open"  # open / completed / aborted
    result_etag: str | None = None
    object_token: object | None = None


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


class MultipartMachine(RuleBasedStateMachine):
    """Random sequences of S3 multipart operations on ``Store`` and on a reference model of the spec."""

    uploads = Bundle("uploads")

    @initialize()
    def start(self):
        self.store = Store(limits=Limits(min_part_size=MIN_PART))
        self.store.create_bucket("bucket")
        self.model: dict[str, ModelUpload] = {}
        self.objects: dict[str, tuple[bytes, object]] = {}

    @rule(target=uploads, key=st.sampled_from(KEYS))
    def create(self, key):
        upload = self.store.create_multipart_upload("bucket", key, ObjectMeta())
        self.model[upload.upload_id] = ModelUpload(key)
        return upload.upload_id

    @rule(
        upload_id=st.one_of(uploads, st.just("no-such-upload")),
        number=st.sampled_from(["1", "2", "3", "0", "10001", "\u0661", "+1", " 2"]),
        data=st.binary(max_size=8),
    )
    def upload_part(self, upload_id, number, data):
        """Spec §3: the part number is checked first (InvalidArgument), then the upload (NoSuchUpload);
        a part replaces any earlier part with its number; the ETag is the MD5 of the bytes."""
        upload = self.model.get(upload_id)
        key = upload.key if upload else "a"
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= 10000):
            expected = "InvalidArgument"
        elif upload is None or upload.state != "open":
            expected = "NoSuchUpload"
        else:
            expected = None
        try:
            result = self.store.upload_part("bucket", key, upload_id, number, Payload.of(data))
        except errors.S3Error as error:
            assert error.code == expected
            return
        assert expected is None
        assert result.etag == _md5(data)
        upload.parts[int(number)] = data

    @rule(
        upload_id=uploads,
        picks=st.lists(st.sampled_from([1, 2, 3]), max_size=4),
        shuffle=st.booleans(),
        wrong_etag=st.booleans(),
    )
    def complete(self, upload_id, picks, shuffle, wrong_etag):
        """Spec §5.1: the upload must be open first (step 6, LS-AWS test_multipart_no_such_upload; a
        retried Complete of a current object answers it again, §5.4, once its document is valid); then no
        parts is MalformedXML and numbers not ascending InvalidPartOrder; each listed part
        must exist with its ETag (InvalidPart) and every part but the last be at least the minimum size
        (EntityTooSmall), checked in list order; the object is the parts' bytes in order and its ETag the
        MD5 of their MD5s with ``-N``."""
        upload = self.model[upload_id]
        numbers = picks if shuffle else sorted(set(picks))
        specs = []
        for index, number in enumerate(numbers):
            etag = _md5(upload.parts.get(number, b"?"))
            if wrong_etag and index == 0:
                etag = "0" * 32
            specs.append(CompletedPartSpec(str(number), f'"{etag}"'))
        expected: str | None = None
        current = self.objects.get(upload.key)
        retry = upload.state == "completed" and current is not None and current[1] is upload.object_token
        if upload.state != "open" and not retry:
            expected = "NoSuchUpload"
        elif not numbers:
            expected = "MalformedXML"
        elif any(b <= a for a, b in itertools.pairwise(numbers)):
            expected = "InvalidPartOrder"
        elif retry:
            expected = "retry"
        else:
            for index, (number, spec) in enumerate(zip(numbers, specs, strict=True)):
                data = upload.parts.get(number)
                if data is None or spec.etag.strip('"') != _md5(data):
                    expected = "InvalidPart"
                    break
                if index != len(numbers) - 1 and len(data) < MIN_PART:
                    expected = "EntityTooSmall"
                    break
        try:
            result = self.store.complete_multipart_upload(
                "bucket", upload.key, upload_id, CompleteDocument(tuple(specs))
            )
        except errors.S3Error as error:
            assert error.code == expected, (error.code, expected)
            return
        if expected == "retry":
            assert result.etag == upload.result_etag
            return
        assert expected is None, expected
        joined = b"".join(upload.parts[n] for n in numbers)
        etag = hashlib.md5(b"".join(hashlib.md5(upload.parts[n]).digest() for n in numbers)).hexdigest()
        assert result.etag == f"{etag}-{len(numbers)}"
        upload.state, upload.result_etag, upload.object_token = "completed", result.etag, object()
        self.objects[upload.key] = (joined, upload.object_token)

    @rule(upload_id=st.one_of(uploads, st.just("no-such-upload")))
    def abort(self, upload_id):
        """Spec §6: aborting an open upload forgets it; anything else is NoSuchUpload."""
        upload = self.model.get(upload_id)
        key = upload.key if upload else "a"
        try:
            self.store.abort_multipart_upload("bucket", key, upload_id)
        except errors.S3Error as error:
            assert error.code == "NoSuchUpload"
            assert upload is None or upload.state != "open"
            return
        assert upload is not None and upload.state == "open"
        upload.state = "aborted"

    @rule(upload_id=uploads, max_parts=st.sampled_from([None, "1", "2", "1000"]))
    def list_parts(self, upload_id, max_parts):
        """Spec §7: the upload's parts ascending, each with its size and ETag, at most max-parts."""
        upload = self.model[upload_id]
        try:
            page = self.store.list_parts("bucket", upload.key, upload_id, max_parts)
        except errors.S3Error as error:
            assert error.code == "NoSuchUpload" and upload.state != "open"
            return
        assert upload.state == "open"
        expected = sorted(upload.parts.items())[: int(max_parts or 1000)]
        assert [(p.number, p.size, p.etag) for p in page.parts] == [(n, len(d), _md5(d)) for n, d in expected]
        assert page.truncated == (len(upload.parts) > int(max_parts or 1000))

    @rule(key=st.sampled_from(KEYS), data=st.binary(max_size=8))
    def put(self, key, data):
        """PutObject replaces the object at the key (a retried Complete of the old one then fails)."""
        self.store.put_object("bucket", key, Payload.of(data), ObjectMeta())
        self.objects[key] = (data, object())

    @invariant()
    def matches_the_model(self):
        open_ids = sorted(uid for uid, u in self.model.items() if u.state == "open")
        assert sorted(u.upload_id for u in self.store.uploads("bucket")) == open_ids
        for uid in open_ids:
            parts = self.store.parts(uid)
            assert {n: bytes(p.data) for n, p in parts.items()} == self.model[uid].parts
        stored = self.store.objects("bucket")
        assert {k: obj.body.read() for k, obj in stored.items()} == {k: v[0] for k, v in self.objects.items()}


MultipartMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestMultipartStateMachine = MultipartMachine.TestCase
TestMultipartStateMachine.__doc__ = (
    "Spec §2, §3, §5, §6, §7: the store agrees with a reference model over random operation sequences."
)


@pytest.mark.parametrize("raw", ["\u0661", "%D9%A1"])
def test_unicode_digit_part_number_never_overwrites_part_one(raw):
    """Issue 6 (moto stored partNumber=%D9%A1 as part 1): the store refuses it with InvalidArgument and
    part 1 keeps its bytes."""
    store = Store(limits=Limits(min_part_size=MIN_PART))
    store.create_bucket("bucket")
    upload = store.create_multipart_upload("bucket", "k", ObjectMeta())
    store.upload_part("bucket", "k", upload.upload_id, "1", Payload.of(b"original"))
    number = app.parse_query({"QUERY_STRING": f"partNumber={raw}"})["partNumber"]
    with pytest.raises(errors.InvalidArgument) as caught:
        store.upload_part("bucket", "k", upload.upload_id, number, Payload.of(b"evil"))
    assert caught.value.field("ArgumentValue") == number
    assert bytes(store.parts(upload.upload_id)[1].data) == b"original"


_FIELD_NAME = st.text(alphabet="!#$%&'*+-.^_`|~09AZaz", min_size=1, max_size=12)
_FIELD_VALUE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=30).map(
    lambda text: text.strip(" \t")
)


@FAST
@given(st.lists(st.tuples(_FIELD_NAME, _FIELD_VALUE), max_size=12), st.sampled_from(["\r\n", "\n"]))
def test_request_head_round_trips_any_fields(fields, newline):
    """RFC 9112 §5: any list of ``token ":" value`` lines is read back exactly, in order, whatever the
    line ending http.server accepts; the empty line ends it and leaves what follows (the body) unread."""
    raw = "".join(f"{name}: {value}{newline}" for name, value in fields) + newline
    stream = io.BytesIO(raw.encode("latin-1") + b"BODY")
    assert list(http_head.read_fields(stream.readline)) == fields
    assert stream.read() == b"BODY"


@FAST
@given(st.binary(max_size=400))
def test_request_head_takes_any_bytes(raw):
    """Whatever bytes arrive after the request line, the head reader returns fields or refuses with 400 or
    431 (never another exception); what it returns are tokens and values with no CR, LF or NUL and no
    white space at either end (RFC 9112 §5, RFC 9110 §5.5)."""
    try:
        head = http_head.read_fields(io.BytesIO(raw).readline)
    except http_head.HeadError as error:
        assert error.status in (400, 431)
        return
    token = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
    for name, value in head:
        assert token.fullmatch(name)
        assert not set(value) & {"\r", "\n", "\x00"}
        assert value == value.strip(" \t")
