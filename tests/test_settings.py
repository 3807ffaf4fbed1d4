"""The settings table on its own: how a size is read (issue 19: "accept what people write, or say
precisely what is accepted"), the same for the plugin and the standalone server."""

from __future__ import annotations

import pytest

from pytest_s3mpu import settings


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("5242880", 5 * 1024**2),
        ("5MiB", 5 * 1024**2),
        ("5mib", 5 * 1024**2),
        ("5 MiB", 5 * 1024**2),
        ("5MB", 5_000_000),  # SI: a megabyte is 10**6 bytes, as the unit says
        ("1.5MiB", 1_572_864),
        ("1.5 GiB", 3 * 512 * 1024**2),
        ("64KB", 64_000),
        ("1TiB", 1024**4),
        ("2TB", 2 * 1000**4),
        ("0", 0),
        ("10B", 10),
    ],
)
def test_sizes_people_write_are_read(text: str, size: int) -> None:
    assert settings.MIN_PART_SIZE.parse(text) == size
    assert settings.MAX_BODY_SIZE.parse(text) == size


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("5M", "not a byte count: '5M' (accepted: a whole number of bytes, or a number with a unit"),
        ("-5", "not a byte count: '-5'"),
        ("5e3", "not a byte count: '5e3'"),
        ("\u0665", "not a byte count: '\u0665'"),  # an Arabic-Indic digit: digits are ASCII
        ("5 megs", "not a byte count: '5 megs'"),
        ("1.5", "not a whole number of bytes: '1.5' is 1.5 bytes"),
        ("0.1KiB", "not a whole number of bytes: '0.1KiB' is 102.4 bytes"),
        ("1.0000000000000000000000000001TiB", "not a whole number of bytes"),  # no rounding to a whole
    ],
)
def test_anything_else_is_refused_saying_what_is_accepted(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        settings.MIN_PART_SIZE.parse(text)
    assert str(caught.value).startswith(reason)


def test_the_standalone_server_names_its_own_options_and_port_default() -> None:
    """One table, two front ends: the standalone server names ``--port`` (not ``--s3mpu-port``) and its
    port defaults to 9000; under pytest the port defaults to 0."""
    empty = {"marker": {}, "cli": {}, "env": {}, "ini": {}}
    assert settings.resolve(settings.PORT, settings.Sources(**empty)) == 0  # type: ignore[arg-type]
    assert settings.resolve(settings.PORT, settings.Sources(**empty, standalone=True)) == 9000  # type: ignore[arg-type]
    standalone = settings.Sources(marker={}, cli={"port": "x"}, env={}, ini={}, standalone=True)
    with pytest.raises(settings.SettingError, match=r"^invalid port 'x' from option --port: not a port"):
        settings.resolve(settings.PORT, standalone)


def test_auth_and_credentials_are_read_from_every_source() -> None:
    """``auth`` is off or sigv4; ``credentials`` are AKID:SECRET[:TOKEN] pairs separated by commas or
    spaces (a repeated option is joined by spaces); a malformed pair names its source."""
    from pytest_s3mpu.protocol.authentication import Credential

    sources = settings.Sources(
        marker={}, cli={"credentials": "a:b c:d:tok"}, env={"PYTEST_S3MPU_AUTH": "SigV4"}, ini={}
    )
    assert settings.resolve(settings.AUTH, sources) == "sigv4"
    assert settings.resolve(settings.CREDENTIALS, sources) == (
        Credential("a", "b"),
        Credential("c", "d", "tok"),
    )
    assert settings.resolve(settings.CREDENTIALS, settings.Sources({}, {}, {}, {})) == (
        Credential("test", "test"),
    )
    bad = settings.Sources(marker={}, cli={}, env={"PYTEST_S3MPU_CREDENTIALS": "nosecret"}, ini={})
    with pytest.raises(settings.SettingError, match="PYTEST_S3MPU_CREDENTIALS"):
        settings.resolve(settings.CREDENTIALS, bad)
    with pytest.raises(settings.SettingError, match="off, sigv4"):
        settings.resolve(settings.AUTH, settings.Sources({"auth": "sigv2"}, {}, {}, {}))
