"""A real OpenID Connect provider on loopback: the npm package oidc-provider run with Node
(``oidc_provider.mjs``), configured with BIP as a client and accounts with claims.

Skips with the reason when Node or the package is missing, except under CI=true, where that
is a failure (``tests/conftest.need``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import need

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
PACKAGE = ROOT / "node_modules" / "oidc-provider" / "package.json"
CLIENT_ID, CLIENT_SECRET = "bip", "bip-test-client-secret"
CALLBACK = "http://testserver/oidc/callback/"

# Accounts by subject: the claims the provider releases for BIP (scope "bip" holds the rest).
ACCOUNTS = {
    "sub-ann": {
        "preferred_username": "ann.sso",
        "name": "Ann Hansen",
        "email": "ann@jobcenter-a.example",
        "roles": ["bip-caseworker", "all-staff"],
        "jobcentre": "JCA",
    },
    "sub-max": {"preferred_username": "max.sso", "roles": "bip-manager", "jobcentre": "JCB"},
    "sub-ana": {"preferred_username": "ana.sso", "roles": ["bip-analyst"]},
    "sub-adm": {"preferred_username": "adm.sso", "roles": ["bip-admin"]},
    "sub-none": {"preferred_username": "none.sso", "roles": ["all-staff"]},
    "sub-two": {"preferred_username": "two.sso", "roles": ["bip-admin", "bip-analyst"]},
    "sub-lost": {"preferred_username": "lost.sso", "roles": ["bip-caseworker"], "jobcentre": "JCX"},
    "sub-clash": {
        "preferred_username": "caseworkerA",
        "roles": ["bip-caseworker"],
        "jobcentre": "JCA",
    },
}


@dataclass
class Provider:
    issuer: str
    config: Path

    def set_claims(self, sub: str, **claims) -> None:
        """Change an account's claims (the script reads the file at every look-up)."""
        data = json.loads(self.config.read_text())
        data["accounts"][sub].update(claims)
        self.config.write_text(json.dumps(data))


def start_provider(tmp_path: Path, redirect_uris: list[str]):
    """Start the provider with BIP as a client allowed these redirect URIs; yields it."""
    node = shutil.which("node")
    need(node is not None, "node is not installed (apt-get install nodejs npm)")
    need(
        PACKAGE.is_file(),
        f"oidc-provider is not installed at {PACKAGE.parent} (run scripts/setup.sh)",
    )
    config = tmp_path / "oidc.json"
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        # where the provider may send the browser after BIP's logout: BIP's login page
        "post_logout_redirect_uris": [
            u.replace("/oidc/callback/", "/login/") for u in redirect_uris
        ],
    }
    config.write_text(json.dumps({"clients": [client], "accounts": ACCOUNTS}))
    proc = subprocess.Popen(
        [node, str(HERE / "oidc_provider.mjs"), str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = proc.stdout.readline()
        m = re.match(r"issuer (http://127\.0\.0\.1:\d+)$", line.strip())
        if not m:
            proc.kill()
            raise AssertionError(
                f"the provider did not start: {line!r} {proc.stderr.read()[-2000:]}"
            )
        yield Provider(m.group(1), config)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def oidc_provider(tmp_path):
    """The provider, started for the test (BIP's test client as the client) and stopped after."""
    yield from start_provider(tmp_path, [CALLBACK])


def configure(settings, provider: Provider) -> None:
    """BIP configured for the provider, as an installation's environment would configure it."""
    from bip.web.signin import oidc

    settings.BIP_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid profile email bip"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, oidc.BACKEND]
    oidc._discovered.clear()


@pytest.fixture
def sso(oidc_provider, settings):
    """BIP configured for the provider."""
    from bip.web.signin import oidc

    configure(settings, oidc_provider)
    yield oidc_provider
    oidc._discovered.clear()


class _Forms(HTMLParser):
    """The forms of a page: action and the inputs' names and values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "data": {}})
        elif tag in ("input", "button") and self.forms and a.get("name"):
            self.forms[-1]["data"].setdefault(a["name"], a.get("value") or "")


def sign_in(client, subject: str, start: str = "/oidc/login/", browser=None, seen=None):
    """Log ``client`` in through the provider as a browser would: BIP's redirect, the
    provider's login form (the subject as user name) and consent form, and back to BIP's
    callback. Returns BIP's answer to the callback.

    ``browser``: an ``httpx.Client`` whose cookies (the provider's session) outlive the call;
    ``seen``: a list that gets "login" when the provider asked for the credentials."""
    r = client.get(start)
    assert r.status_code == 302, r.status_code
    return follow(client, r["Location"], subject, browser, seen)


def follow(client, url: str, subject: str = "", browser=None, seen=None):
    """Follow ``url`` at the provider with ``browser`` (a new one if None), submitting its
    forms (login as ``subject``, consent, logout confirmation), until it sends the browser back
    to BIP; returns BIP's answer there (``client``)."""
    import contextlib

    import httpx

    with contextlib.ExitStack() as stack:
        if browser is None:
            browser = stack.enter_context(httpx.Client(timeout=20))
        for _ in range(12):
            if url.startswith("http://testserver/"):
                parts = urlsplit(url)
                return client.get(parts.path + ("?" + parts.query if parts.query else ""))
            resp = browser.get(url)
            if resp.status_code in (302, 303):
                url = urljoin(url, resp.headers["location"])
                continue
            assert resp.status_code == 200, (resp.status_code, resp.text[:500])
            parser = _Forms()
            parser.feed(resp.text)
            form = parser.forms[0]
            data = form["data"]
            if "login" in data:
                data.update(login=subject, password="any password")
                if seen is not None:
                    seen.append("login")
            resp = browser.post(urljoin(url, form["action"]), data=data)
            assert resp.status_code in (302, 303), (resp.status_code, resp.text[:500])
            url = urljoin(url, resp.headers["location"])
    raise AssertionError("the provider never sent the browser back to BIP")
