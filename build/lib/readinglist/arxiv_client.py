"""Fetch paper metadata from the arXiv API: id parsing, batching, retries, clean text.

Requests go through the ``arxiv`` package (``arxiv.Client`` builds the query URL, pages through
the answer and parses the Atom feed). This module adds what a curator's command needs on top:

* every form of id a user pastes (``2509.17567v2``, ``arXiv:...``, abs/pdf URLs, ``hep-th/9901001``);
* batches of up to 100 ids per request, spaced ``delay`` seconds apart (arXiv asks for 3 s);
* a timeout on every request, and retries with exponential backoff (``delay * 2**attempt``,
  or the server's ``Retry-After`` when it is longer);
* a strict check of every response, so that a truncated or non-Atom answer is an error rather
  than a silently empty result;
* all-or-nothing: :func:`fetch_papers` returns every requested paper or raises :class:`ArxivError`.

The endpoint, delay, retry count and timeout come from :class:`ArxivSettings`, which reads
``READINGLIST_ARXIV_URL``, ``READINGLIST_ARXIV_DELAY``, ``READINGLIST_ARXIV_RETRIES`` and
``READINGLIST_ARXIV_TIMEOUT`` unless the caller passes explicit values.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import arxiv
import requests

from .schema import AUTHOR_SEP, CATEGORY, canonical_arxiv_id

DEFAULT_URL = "https://export.arxiv.org/api/query"
DEFAULT_DELAY = 3.0
DEFAULT_RETRIES = 3
DEFAULT_TIMEOUT = 30.0
BATCH_SIZE = 100
MAX_RETRY_AFTER = 120.0

ENV_URL = "READINGLIST_ARXIV_URL"
ENV_DELAY = "READINGLIST_ARXIV_DELAY"
ENV_RETRIES = "READINGLIST_ARXIV_RETRIES"
ENV_TIMEOUT = "READINGLIST_ARXIV_TIMEOUT"

ATOM = "{http://www.w3.org/2005/Atom}"
ID_EXAMPLES = "2509.17567, 2509.17567v2, arXiv:2509.17567, https://arxiv.org/abs/2509.17567 or hep-th/9901001"

_VERSION = re.compile(r"v(?P<version>[1-9]\d*)$")
_URL_PATH = re.compile(r"/(?:abs|pdf|html|format)/(?P<id>.+?)(?:\.pdf)?/?")


# --- ids ---------------------------------------------------------------------------------------


class ArxivIdError(ValueError):
    """Text that is not an arXiv reference; ``expected`` says what would be."""

    def __init__(self, text: str, expected: str):
        self.text = text
        self.expected = expected
        super().__init__(f"{text!r}: expected {expected}")


@dataclass(frozen=True)
class ArxivRef:
    """A parsed arXiv reference: the versionless id and the version the user gave, if any."""

    arxiv_id: str
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id


def parse_arxiv_ref(text: str) -> ArxivRef:
    """Parse any form of arXiv reference a user pastes; raise :class:`ArxivIdError` if it is none.

    Accepted: ``2509.17567``, ``2509.17567v2``, ``arXiv:2509.17567``, ``arxiv.org/abs/2509.17567``,
    ``https://www.arxiv.org/pdf/2509.17567v1.pdf`` (also ``/html/``, ``export.arxiv.org``, a query
    or fragment), and old-style ids such as ``hep-th/9901001`` or ``math.GT/0309136`` (stored as
    ``math/0309136``, the form arXiv answers with).
    """
    raw = text.strip()
    value = re.sub(r"^arxiv:\s*", "", raw, flags=re.IGNORECASE)
    if "://" in value or re.match(r"(?:[\w-]+\.)*arxiv\.org(?:[/:]|$)", value, flags=re.IGNORECASE):
        parts = urlsplit(value if "://" in value else f"https://{value}")
        host = (parts.hostname or "").lower()
        if parts.scheme.lower() not in ("http", "https") or not (host == "arxiv.org" or host.endswith(".arxiv.org")):
            raise ArxivIdError(raw, "an arXiv id or an arxiv.org link (for other links use 'add-link')")
        match = _URL_PATH.fullmatch(parts.path)
        if not match:
            raise ArxivIdError(raw, "a link to a paper on arxiv.org (/abs/<id> or /pdf/<id>)")
        value = match.group("id")
    version = None
    found = _VERSION.search(value)
    if found:
        version = int(found.group("version"))
        value = value[: found.start()]
    arxiv_id = canonical_arxiv_id(value)
    if arxiv_id is None:
        raise ArxivIdError(raw, f"an arXiv id or an arxiv.org link, such as {ID_EXAMPLES}")
    return ArxivRef(arxiv_id, version)


def versionless(short_id: str) -> str:
    """``2509.17567v2`` -> ``2509.17567``; ``hep-th/9901001v1`` -> ``hep-th/9901001``."""
    return _VERSION.sub("", short_id)


# --- text --------------------------------------------------------------------------------------


def clean_line(text: str) -> str:
    """One line: every run of whitespace (line wraps included) becomes a single space."""
    return " ".join(text.split())


def clean_paragraphs(text: str) -> str:
    """Unwrap arXiv's line-wrapped text into paragraphs separated by a blank line.

    A paragraph break is a blank line, or a newline followed by indentation (arXiv's convention for
    a new paragraph in an abstract); any other newline is a line wrap. LaTeX is left as written.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    paragraphs = re.split(r"\n(?:[ \t]*\n)+|\n(?=[ \t])", text)
    return "\n\n".join(p for p in map(clean_line, paragraphs) if p)


# --- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArxivSettings:
    """Where and how politely to ask arXiv."""

    url: str = DEFAULT_URL
    delay: float = DEFAULT_DELAY
    retries: int = DEFAULT_RETRIES
    timeout: float = DEFAULT_TIMEOUT
    batch_size: int = BATCH_SIZE

    @classmethod
    def resolve(
        cls,
        url: str | None = None,
        delay: float | None = None,
        retries: int | None = None,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ArxivSettings:
        """Explicit values win over the environment, which wins over the defaults."""
        env = os.environ if env is None else env
        url = url or env.get(ENV_URL) or DEFAULT_URL
        if not re.fullmatch(r"https?://[^\s{}]+", url):
            raise ArxivError(f"the arXiv endpoint {url!r} is not an http(s) URL; fix --arxiv-url or ${ENV_URL}")
        delay = _number(ENV_DELAY, env, float, DEFAULT_DELAY) if delay is None else delay
        retries = _number(ENV_RETRIES, env, int, DEFAULT_RETRIES) if retries is None else retries
        timeout = _number(ENV_TIMEOUT, env, float, DEFAULT_TIMEOUT) if timeout is None else timeout
        if delay < 0 or retries < 0 or timeout <= 0:
            raise ArxivError(
                f"invalid arXiv settings (delay {delay}, retries {retries}, timeout {timeout}): "
                "the delay and retries must be >= 0 and the timeout > 0"
            )
        return cls(url=url, delay=delay, retries=retries, timeout=timeout)


def _number(name: str, env: Mapping[str, str], kind: type[int] | type[float], default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        what = "a whole number" if kind is int else "a number of seconds"
        raise ArxivError(f"${name}={value!r} is not {what}; fix or unset it") from None


# --- errors ------------------------------------------------------------------------------------


class ArxivError(Exception):
    """A failed arXiv lookup; the message is one line saying what failed and what to do."""


class UnknownIdsError(ArxivError):
    """arXiv answered, but without some of the papers asked for."""

    def __init__(self, missing: list[str], asked: int):
        self.missing = missing
        them = "it" if len(missing) == 1 else "them"
        super().__init__(
            f"arXiv has no paper with id {describe_ids(missing)} ({len(missing)} of {asked} ids asked for); "
            f"check {them} for a typo"
        )


def describe_ids(ids: Sequence[str], limit: int = 5) -> str:
    """``2509.17567, 2509.07558 and 3 more``."""
    shown = ", ".join(ids[:limit])
    return f"{shown} and {len(ids) - limit} more" if len(ids) > limit else shown


class _ResponseProblem(Exception):
    """A response that arrived but cannot be used (raised from inside the HTTP session)."""

    retryable = True


class _MalformedResponse(_ResponseProblem):
    pass


class _ApiErrorResponse(_ResponseProblem):
    retryable = False


def inspect_feed(content: bytes) -> tuple[str | None, str | None]:
    """``(malformed, api_error)`` for a response body: why it is not a usable arXiv Atom feed
    (None when it is), and the message of an arXiv error entry (None when there is none)."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as err:
        return f"not well-formed XML ({err})", None
    if root.tag != f"{ATOM}feed":
        return f"not an Atom feed (the document is <{root.tag.rpartition('}')[2]}>)", None
    for entry in root.iterfind(f"{ATOM}entry"):
        entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
        if "/api/errors" in entry_id:
            return None, clean_line(entry.findtext(f"{ATOM}summary") or entry_id)
        missing = [tag for tag in ("id", "published", "title") if not (entry.findtext(f"{ATOM}{tag}") or "").strip()]
        if missing:
            return f"an entry without <{missing[0]}> ({entry_id or 'no id'})", None
    return None, None


class _AtomSession(requests.Session):
    """A session with a default timeout that checks every answer before the arxiv package parses it."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout
        self.last_response: requests.Response | None = None
        self.last_api_error: str | None = None

    def request(self, method: str | bytes, url: str | bytes, *args, **kwargs) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        self.last_api_error = None
        response = super().request(method, url, *args, **kwargs)
        self.last_response = response
        malformed, api_error = inspect_feed(response.content) if response.content else ("an empty body", None)
        self.last_api_error = api_error
        if response.status_code == requests.codes.ok:
            if api_error:
                raise _ApiErrorResponse(f"arXiv answered with an error: {api_error}")
            if malformed:
                raise _MalformedResponse(f"a malformed response: {malformed}")
        return response


# --- papers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArxivPaper:
    """What the reading list keeps of an arXiv record, cleaned for the CSV."""

    arxiv_id: str
    version: int | None
    title: str
    abstract: str
    authors: tuple[str, ...]
    submitted: dt.date
    categories: tuple[str, ...]
    pdf_url: str | None

    @classmethod
    def from_result(cls, result: arxiv.Result) -> ArxivPaper:
        short = result.get_short_id()
        found = _VERSION.search(short)
        primary = result.primary_category
        categories = [primary, *result.categories] if primary else list(result.categories)
        # arXiv also lists ACM and MSC classes (``I.2.6``, ``68T05``) as categories; keep arXiv's own.
        categories = [c for c in dict.fromkeys(categories) if CATEGORY.fullmatch(c)]
        authors = [clean_line(a.name).replace(AUTHOR_SEP, ",") for a in result.authors]
        return cls(
            arxiv_id=versionless(short),
            version=int(found.group("version")) if found else None,
            title=clean_line(result.title),
            abstract=clean_paragraphs(result.summary),
            authors=tuple(a for a in authors if a),
            submitted=result.published.astimezone(dt.UTC).date(),
            categories=tuple(categories),
            pdf_url=result.pdf_url,
        )


def batches(ids: Sequence[str], size: int = BATCH_SIZE) -> Iterator[list[str]]:
    """Consecutive slices of at most ``size`` ids."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def retry_wait(attempt: int, delay: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry ``attempt + 1``: ``delay * 2**attempt``, or the server's
    ``Retry-After`` (in seconds, capped at two minutes) when that is longer."""
    wait = delay * 2**attempt
    if retry_after and retry_after.strip().isdigit():
        wait = max(wait, min(float(retry_after), MAX_RETRY_AFTER))
    return wait


class ArxivFetcher:
    """One polite client for a whole command: the delay holds across batches and retries."""

    def __init__(self, settings: ArxivSettings):
        self.settings = settings
        self.client = arxiv.Client(page_size=settings.batch_size, delay_seconds=settings.delay, num_retries=0)
        sep = "&" if "?" in settings.url else "?"
        self.client.query_url_format = settings.url.replace("{", "{{").replace("}", "}}") + sep + "{}"
        # arxiv 4.0.2 sends every request through this session and sets no timeout of its own.
        self.session = _AtomSession(settings.timeout)
        self.client._session = self.session

    def fetch(self, ids: Sequence[str], on_batch: Callable[[int], object] | None = None) -> dict[str, ArxivPaper]:
        """Every paper of ``ids`` (versionless) by id, or :class:`ArxivError` if any lookup fails."""
        papers: dict[str, ArxivPaper] = {}
        for batch in batches(list(dict.fromkeys(ids)), self.settings.batch_size):
            found = self._fetch_batch(batch)
            missing = [i for i in batch if i not in found]
            if missing:
                raise UnknownIdsError(missing, len(batch))
            papers.update(found)
            if on_batch:
                on_batch(len(batch))
        return papers

    def _fetch_batch(self, batch: list[str]) -> dict[str, ArxivPaper]:
        search = arxiv.Search(id_list=batch, max_results=len(batch))
        settings = self.settings
        attempts = settings.retries + 1
        for attempt in range(attempts):
            retry_after = None
            try:
                found: dict[str, ArxivPaper] = {}
                for result in self.client.results(search):
                    paper = ArxivPaper.from_result(result)
                    if paper.arxiv_id in batch:
                        found.setdefault(paper.arxiv_id, paper)
                return found
            except arxiv.HTTPError as err:
                detail = f": {self.session.last_api_error}" if self.session.last_api_error else ""
                failure, retryable = f"HTTP {err.status}{detail}", err.status == 429 or err.status >= 500
                if self.session.last_response is not None:
                    retry_after = self.session.last_response.headers.get("Retry-After")
            except arxiv.UnexpectedEmptyPageError:
                failure, retryable = "an unexpectedly empty page of results", True
            except _ResponseProblem as err:
                failure, retryable = str(err), err.retryable
            except requests.Timeout:
                failure, retryable = f"no answer within {settings.timeout:g} s", True
            except requests.ConnectionError as err:
                failure, retryable = f"no connection ({_root_cause(err)})", True
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as err:
                failure, retryable = f"an invalid endpoint URL ({err})", False
            except requests.RequestException as err:
                failure, retryable = f"a failed request ({_root_cause(err)})", True
            if not retryable or attempt == attempts - 1:
                tries = f"after {attempt + 1} attempts" if attempt else "on the first attempt"
                raise ArxivError(
                    f"arXiv lookup of {describe_ids(batch)} at {settings.url} failed {tries}: {failure}; "
                    f"{_advice(failure, retryable)}"
                )
            time.sleep(retry_wait(attempt, settings.delay, retry_after))
        raise AssertionError("unreachable")


def _root_cause(err: BaseException) -> str:
    """The operating system's reason inside a requests error (``[Errno 111] Connection refused``)."""
    text = clean_line(str(err))
    found = re.search(r"\[Errno -?\d+\] [^'\")\]]+", text)
    return found.group(0).strip() if found else text[:200]


def _advice(failure: str, retryable: bool) -> str:
    if failure.startswith("HTTP 4") and not failure.startswith("HTTP 429"):
        return f"check the endpoint (--arxiv-url or ${ENV_URL})"
    if "malformed" in failure:
        return f"the endpoint did not answer in arXiv's Atom format; check --arxiv-url or ${ENV_URL}, or retry later"
    if retryable:
        return f"arXiv may be busy or unreachable; try again later (more attempts: --retries or ${ENV_RETRIES})"
    return "check the ids and the endpoint"


def fetch_papers(
    ids: Sequence[str], settings: ArxivSettings | None = None, on_batch: Callable[[int], object] | None = None
) -> dict[str, ArxivPaper]:
    """Fetch every paper of ``ids`` (versionless) in batches; all of them, or :class:`ArxivError`."""
    return ArxivFetcher(settings or ArxivSettings.resolve()).fetch(ids, on_batch)
