"""Which URLs the poller may fetch: only those on the configured service's origin.

A feed document decides which URL is fetched next (``_links.next``, each summary's self
link), so every link is checked before it is followed: same scheme, host and port as the
base URL, no credentials in it. Relative links are resolved against the page they are on.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from adapters.interpol.errors import UnsafeLink

_DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2048


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL without credentials; UnsafeLink otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeLink(f"link '{url[:200]}' is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise UnsafeLink(f"link '{url[:200]}' is not an http(s) URL with a host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeLink("link carries credentials (user:password@); refused")
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


class LinkGuard:
    """Resolves links found in feed documents and refuses those off the base's origin."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = origin_of(self.base_url)

    def check(self, url: str) -> str:
        """``url`` when it is on the base's origin; UnsafeLink names it otherwise."""
        if len(url) > MAX_URL_LENGTH:
            raise UnsafeLink(f"link of {len(url)} characters refused (limit {MAX_URL_LENGTH})")
        if any(ord(c) < 0x21 or c == "\x7f" for c in url):
            raise UnsafeLink("link with white space or control characters refused")
        if origin_of(url) != self.origin:
            scheme, host, port = origin_of(url)
            raise UnsafeLink(
                f"link to {scheme}://{host}:{port} refused: only"
                f" {self.origin[0]}://{self.origin[1]}:{self.origin[2]} is followed"
            )
        return url

    def follow(self, page_url: str, href: str) -> str:
        """The absolute URL of ``href`` found on ``page_url``, checked."""
        if len(href) > MAX_URL_LENGTH:
            raise UnsafeLink(f"link of {len(href)} characters refused (limit {MAX_URL_LENGTH})")
        return self.check(urljoin(page_url, href.strip()))
