"""Configuration resolved and applied once (#16 item 6): a store's settings are one ``StoreConfig``,
applied whole under the store's lock by ``Store.configure``; ``S3Server`` configures a store it is given
with the settings it is given (and only those); the plugin builds its server through the overridable
``s3mpu_server_factory`` fixture and re-applies the session's configuration, with the test's marker
settings, before each test."""

from __future__ import annotations

import textwrap
import threading

import pytest

from pytest_s3mpu import S3Server, settings
from pytest_s3mpu.state import access
from pytest_s3mpu.state.config import StoreConfig
from pytest_s3mpu.state.model import Limits
from pytest_s3mpu.state.store import Store


def test_configure_applies_a_whole_configuration():
    store = Store()
    config = StoreConfig(Limits(min_part_size=7), "eu-west-1", "sizes", access.WRITER)
    store.configure(config)
    assert store.config is config
    assert (store.limits.min_part_size, store.region, store.keep_bytes, store.object_ownership) == (
        7,
        "eu-west-1",
        False,
        access.WRITER,
    )


def test_a_reader_sees_one_configuration_or_the_other_never_a_mix():
    """configure swaps one value: a thread reading the store's config while another configures it
    back and forth only ever sees one of the two whole configurations (bounded: 2,000 swaps)."""
    store = Store()
    first = StoreConfig(Limits(min_part_size=1), "us-east-1", "memory")
    second = StoreConfig(Limits(min_part_size=2), "eu-west-1", "sizes")
    seen: set[tuple[int, str, bool]] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            config = store.config
            seen.add((config.limits.min_part_size, config.region, config.keep_bytes))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for index in range(2000):
        store.configure(second if index % 2 else first)
    done.set()
    reader.join(10)
    assert seen <= {(1, "us-east-1", True), (2, "eu-west-1", False), (5 * 1024 * 1024, "us-east-1", True)}


def test_a_bad_configuration_is_refused_before_it_is_applied():
    with pytest.raises(ValueError, match="object_ownership must be one of"):
        StoreConfig(object_ownership="Nobody")
    with pytest.raises(ValueError, match="storage must be one of"):
        StoreConfig(storage="disk")
    with pytest.raises(TypeError):
        Store(limits=Limits(), config=StoreConfig())


def test_server_configures_a_given_store_with_the_settings_given_only():
    """S3Server(store, min_part_size=...) applies it (it was silently ignored with a store given), and
    settings left out keep the store's own (storage was reset to 'memory', so a 'sizes' store passed in
    kept bodies)."""
    store = Store(config=StoreConfig(Limits(min_part_size=3), "eu-west-1", "sizes", access.WRITER))
    S3Server(store, min_part_size=11, max_body_size=99)
    assert store.config == StoreConfig(
        Limits(min_part_size=11, max_body_size=99), "eu-west-1", "sizes", access.WRITER
    )
    S3Server(store, storage="memory", region="us-east-1")
    assert (store.keep_bytes, store.region, store.limits.min_part_size) == (True, "us-east-1", 11)


def test_server_settings_are_s3server_keyword_arguments():
    """One way from the settings table to the server: every server setting names an S3Server keyword
    argument, so the plugin and the CLI both build it as S3Server(**values)."""
    values = {setting.name: setting.default for setting in settings.SERVER}
    server = S3Server(**values)
    assert server.store.config == StoreConfig().with_settings(max_body_size=settings.MAX_BODY_SIZE.default)
    assert settings.ENDPOINT not in settings.SERVER


def test_the_server_factory_fixture_builds_the_session_server(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README "Fixtures": overriding s3mpu_server_factory in a conftest.py builds the server otherwise;
    it gets the resolved settings (here the environment's min_part_size), what it sets is what every
    test starts from, and a test's marker still changes the settings it names, for that test only."""
    pytester.makeconftest(
        textwrap.dedent(
            """
            import pytest
            from pytest_s3mpu import S3Server

            BUILT = []

            @pytest.fixture(scope="session")
            def s3mpu_server_factory():
                def build(**settings):
                    BUILT.append(settings)
                    return S3Server(**{**settings, "object_ownership": "ObjectWriter"})
                return build
            """
        )
    )
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest
            from conftest import BUILT

            def test_first(s3mpu):
                assert BUILT[0]["min_part_size"] == 1234 and BUILT[0]["port"] == 0
                assert (s3mpu.min_part_size, s3mpu.store.object_ownership) == (1234, "ObjectWriter")

            @pytest.mark.s3mpu(object_ownership="BucketOwnerEnforced", region="eu-west-1")
            def test_marked(s3mpu):
                assert (s3mpu.store.object_ownership, s3mpu.region) == ("BucketOwnerEnforced", "eu-west-1")
                assert s3mpu.min_part_size == 1234

            def test_after(s3mpu):
                assert (s3mpu.store.object_ownership, s3mpu.region) == ("ObjectWriter", "us-east-1")
                assert len(BUILT) == 1
            """
        )
    )
    monkeypatch.setenv("PYTEST_S3MPU_MIN_PART_SIZE", "1234")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", timeout=60)
    result.assert_outcomes(passed=3)
