"""The server reads header blocks without the email parser: the same message as http.server's reading,
for every block (differential against http.client.parse_headers), with the same limits."""

from __future__ import annotations

import http.client
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imm_emulator.web.server import read_headers

_NAME = st.text(st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters=":"), min_size=1)
_VALUE = st.text(st.characters(min_codepoint=0, max_codepoint=255, blacklist_characters="\r\n"), max_size=40)
_PLAIN = st.builds(lambda n, sp, v: f"{n}:{sp}{v}\r\n", _NAME, st.sampled_from(["", " ", "  ", "\t"]), _VALUE)
_ODD = st.sampled_from(
    ["bad line\r\n", " folded\r\n", "\tfolded\r\n", ": no name\r\n", "From x\r\n", "A: b\rc\r\n"]
)
_LINES = st.lists(st.one_of(_PLAIN, _PLAIN, _PLAIN, _ODD), max_size=8)


def _same(block: bytes) -> None:
    (ours, fields), theirs = read_headers(io.BytesIO(block)), http.client.parse_headers(io.BytesIO(block))
    assert ours.items() == theirs.items()
    assert fields is None or fields == theirs.items()
    assert ours.get_payload() == theirs.get_payload()
    for name in {name for name, _ in theirs.items()} | {"Host", "content-length"}:
        assert ours.get_all(name) == theirs.get_all(name)


@given(_LINES, st.sampled_from(["\r\n", "\n", ""]))
def test_every_header_block_reads_as_http_server_reads_it(lines: list[str], end: str) -> None:
    _same(("".join(lines) + end).encode("latin-1"))


def test_plain_blocks_are_read_without_the_email_parser(monkeypatch) -> None:
    import email.parser

    def refuse(*args, **kwargs):
        raise AssertionError("the email parser was used")

    monkeypatch.setattr(email.parser.Parser, "parsestr", refuse)
    message, fields = read_headers(
        io.BytesIO(b"Host: h\r\nX-Acs-Date:  2026-12-06T00:00:00Z\r\nA: 1\r\nA: 2\r\n\r\n")
    )
    assert fields == [("Host", "h"), ("X-Acs-Date", "2026-12-06T00:00:00Z"), ("A", "1"), ("A", "2")]
    assert message["x-acs-date"] == "2026-12-06T00:00:00Z" and message.get_all("a") == ["1", "2"]


def test_the_limits_are_http_clients() -> None:
    with pytest.raises(http.client.LineTooLong):
        read_headers(io.BytesIO(b"A: " + b"x" * 70000 + b"\r\n\r\n"))
    with pytest.raises(http.client.HTTPException, match="more than 100 headers"):
        read_headers(io.BytesIO(b"A: b\r\n" * 101 + b"\r\n"))
