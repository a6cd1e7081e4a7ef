"""Crawl the service as each demo person (tenancy's load_demo_data), GET only, same site only.

`crawl_as(client, start)` follows links from the dashboard with Django's test client (fast, no
browser) and returns every HTML page it reached, keyed by path (query strings ignored: a filter
or a page number is the same page). The browser tests then open those paths in Chromium.

Bounded: at most MAX_PAGES pages a person; never the admin, signing out or file downloads.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

MAX_PAGES = 200
PER_ROUTE = 3  # pages of one kind (URL name) a crawl opens: enough to compare titles of different objects
# Paths a crawl never opens: the admin, signing out (a GET shows a form, but is pointless), and
# the allauth pages (tests/browser/test_sign_in.py drives those through their journeys).
SKIP_PREFIXES = ("/admin/", "/accounts/", "/static/", "/media/", "/healthz")


@dataclass(frozen=True)
class Page:
    path: str
    status: int
    title: str
    route: str  # the URL pattern's name, e.g. "placements:placement_detail"
    templates: tuple[str, ...] = ()  # the templates it was rendered from (the test client records them)


def _demo_command_module():
    """load_demo_data's module, in whichever app holds the command."""
    from importlib import import_module

    from django.core.management import get_commands

    return import_module(f"{get_commands()['load_demo_data']}.management.commands.load_demo_data")


def demo_people() -> list[tuple[str, str]]:
    """(email, organisation slug) for each demo person, in the order load_demo_data lists them."""
    module = _demo_command_module()
    return [(module.email_for(local), slug) for local, _name, slug, _role, _title in module.PEOPLE]


def load_demo() -> None:
    from django.core.management import call_command

    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


class _TitleAndLinks(HTMLParser):
    """The first <title>'s text and every <a href> in document order: all a crawl reads of a page.
    The same tokenizer as BeautifulSoup's "html.parser" without building the tree (~5x faster,
    and a crawl parses thousands of pages)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.hrefs: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attributes = dict(attrs)  # a repeated attribute: the last wins, as in BeautifulSoup
            if "href" in attributes:
                self.hrefs.append(attributes["href"] or "")
        elif tag == "title" and self.title is None:
            self.title, self._in_title = "", True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def title_and_links(html: str) -> tuple[str, list[str]]:
    parser = _TitleAndLinks()
    parser.feed(html)
    parser.close()
    return " ".join((parser.title or "").split()), parser.hrefs


def _normalise(href: str, current: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc not in ("testserver", "localhost")):
        return None
    path = parts.path
    if not path:
        return None
    if not path.startswith("/"):
        path = current.rsplit("/", 1)[0] + "/" + path
    if path.startswith(SKIP_PREFIXES) or route_of(path) is None:
        return None
    return path


def crawl_as(client, start: str, *, max_pages: int = MAX_PAGES, per_route: int = PER_ROUTE,
             download_routes: set[str] | None = None) -> dict[str, Page]:
    """The HTML pages reachable from `start` by same-site links, GET only (redirects followed one
    hop at a time, downloads skipped), at most `per_route` of each kind.

    With a `download_routes` set, a route that answered with a download (a PDF, a CSV) is not opened
    again: the crawl wants pages, and each download costs a full render (WeasyPrint) for nothing.
    Pass one set to several crawls to share what they learnt (each such route is rendered once)."""
    seen: set[str] = {start}
    queue: deque[str] = deque([start])
    pages: dict[str, Page] = {}
    queued_per_route: dict[str, int] = {}
    downloads: set[str] = set() if download_routes is None else download_routes
    remember_downloads = download_routes is not None

    def enqueue(target: str | None) -> None:
        if not target or target in seen:
            return
        seen.add(target)
        route = route_of(target) or ""
        if route in downloads or queued_per_route.get(route, 0) >= per_route:
            return
        queued_per_route[route] = queued_per_route.get(route, 0) + 1
        queue.append(target)

    while queue and len(pages) < max_pages:
        path = queue.popleft()
        route = route_of(path) or ""
        if route in downloads:
            continue
        response = client.get(path)
        if response.status_code in (301, 302):
            enqueue(_normalise(response["Location"], path))
            continue
        if not response.get("Content-Type", "").startswith("text/html") or response.get("Content-Disposition"):
            if remember_downloads and response.status_code == 200:
                downloads.add(route)
            continue
        title, hrefs = title_and_links(response.content.decode(response.charset or "utf-8"))
        templates = tuple(t.name for t in getattr(response, "templates", []) or [] if t.name)
        pages[path] = Page(path, response.status_code, title, route, templates)
        for href in hrefs:
            enqueue(_normalise(href, path))
    return pages
