"""Dataset ids in URL paths (bip.web.converters.OpaqueId): any text, one path segment, round trip."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bip.web.converters import OpaqueId


@given(st.text(min_size=1, max_size=80))
def test_any_id_round_trips_through_one_path_segment(cid):
    conv = OpaqueId()
    url = conv.to_url(cid)
    assert re.fullmatch(conv.regex, url)  # so "/", "?", "#", "%" and "~" never reach the path
    assert conv.to_python(url) == cid


def test_url_safe_ids_stay_readable_and_broken_encodings_do_not_match():
    conv = OpaqueId()
    assert conv.to_url("4f3a9c01") == "4f3a9c01" and conv.to_url("JC-1_0002.b") == "JC-1_0002.b"
    assert conv.to_url("~x").startswith("~") and conv.to_url("~x") != "~x"  # "~" is reserved
    for bad in ("~a", "~_w"):  # not base64 of UTF-8 text
        with pytest.raises(ValueError):
            conv.to_python(bad)
