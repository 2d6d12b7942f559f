"""Why fetching from the notices service failed; each says what and where in plain words."""

from __future__ import annotations


class FeedError(Exception):
    """A request to the notices service that did not give a usable answer."""


class UnsafeLink(FeedError):
    """A link that leaves the configured service (another scheme, host or port), or that
    carries credentials: never followed."""


class NotFound(FeedError):
    """404: the notice is gone (withdrawn between the listing and the detail)."""


class ResponseTooLarge(FeedError):
    """A response over the size bound; it is not read further."""


class FetchFailed(FeedError):
    """A request that failed for good: a refused status, or every retry used up."""


class StateError(Exception):
    """The poller's state file cannot be read; it is never silently replaced."""
