"""Every page fits a 375px phone (issue 10 item 4).

As each demo person, the test client crawls from the dashboard (tests/browser/crawl.py: same-site
links, GET only, bounded); Chromium at 375px then opens each page the crawl reached (the first
page of each kind of page, per person) and checks that

- the page does not scroll sideways: document.documentElement.scrollWidth <= 375;
- axe-core finds no serious or critical violation, and its `region` rule (all content inside
  landmarks) passes;
- a table that is wider than its space scrolls inside a labelled, focusable region with a
  visible cue, so nothing is cut off without a sign.

Time (the browser tests' longest): the next people's crawls run in a thread while Chromium checks
the pages of the one before (the crawl is Python, Chromium mostly its own process); axe-core is
given to each phone context as an init script, compiled once, not sent and compiled again per page
(~110 ms a page it runs on); the checks of a page are one round trip to Chromium, not three.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from accounts.models import User

from .conftest import AXE_JS, SERIOUS
from .crawl import crawl_as, demo_people, load_demo, route_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WIDTH = 375

# The window's width, the document's, and the tables too wide for their column: each must sit in a
# labelled, focusable scroll region with the visible cue (a shadow on the side that has more, and
# "Scroll sideways to see the whole table").
MEASURE = """() => ({
  window: window.innerWidth,
  document: document.documentElement.scrollWidth,
  wide_tables: [...document.querySelectorAll('table')].filter(t => {
    const box = t.parentElement.getBoundingClientRect();
    return t.scrollWidth > box.width + 1;
}).map(t => {
    const region = t.closest('[role=region]');
    return {
        caption: (t.caption && t.caption.textContent.trim()) || t.outerHTML.slice(0, 80),
        region: !!region,
        label: region ? region.getAttribute('aria-label') || '' : '',
        focusable: region ? region.tabIndex === 0 : false,
        cue: region ? !!region.querySelector('.apc-scroll-hint') &&
             getComputedStyle(region.querySelector('.apc-scroll-hint')).display !== 'none' : false,
    };
  }),
})"""

AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


# Pages the service does not draw itself, with why. Their width is still checked.
AXE_EXEMPT = {
    # Swagger UI (drf-spectacular-sidecar) for provider systems' developers: its own markup fails
    # color-contrast and nested-interactive. The OpenAPI schema (/api/v1/schema/) is the source.
    "api:docs",
}


@pytest.fixture
def demo(transactional_db):
    load_demo()


def _session_cookie(email: str, live_server) -> dict:
    client = Client()
    client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": live_server.url}


def _pages_to_open(email: str, slug: str, downloads: set[str]) -> list[str]:
    """One page of each kind (URL name) the crawl reached as this person. `downloads`: routes found
    to be downloads (a PDF, a CSV, an XLSX) by an earlier person's crawl, not rendered again.
    Runs in the crawl thread: it closes the database connection it opened there."""
    try:
        client = Client()
        client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
        first_of_kind: dict[str, str] = {}
        for page in crawl_as(client, f"/o/{slug}/", download_routes=downloads).values():
            first_of_kind.setdefault(page.route, page.path)
        return list(first_of_kind.values())
    finally:
        connections.close_all()


def test_every_page_fits_a_phone(demo, new_context, live_server, screenshot):
    """One demo load, then every demo person in turn (a failure lists every person's problems)."""
    axe_source = AXE_JS.read_text()
    axe_done: set[tuple[str, str]] = set()  # (URL name, organisation slug): axe once per kind of page and organisation
    problems, opened = [], 0
    downloads: set[str] = set()  # only the crawl thread reads and writes it: one crawl at a time, in order
    people = demo_people()
    crawler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawl")
    try:
        crawls = [crawler.submit(_pages_to_open, email, slug, downloads) for email, slug in people]
        for (email, _slug), crawl in zip(people, crawls, strict=True):
            paths = crawl.result()
            if len(paths) < 2:
                problems.append(f"{email}: the crawl reached only {paths}")
            context = new_context(mobile=True)
            context.add_cookies([_session_cookie(email, live_server)])
            context.add_init_script(script=axe_source)
            page = context.new_page()
            for path in paths:
                page.goto(path)
                opened += 1
                measured = page.evaluate(MEASURE)
                # A phone zooms out to fit a page wider than itself: the window grows with the page.
                width = max(measured["window"], measured["document"])
                if width > WIDTH:
                    problems.append(f"{email} {path}: {width}px wide")
                    screenshot(page, "too-wide-" + path.strip("/").replace("/", "-"), failing=True)
                for table in measured["wide_tables"]:
                    if not (table["region"] and table["label"] and table["focusable"] and table["cue"]):
                        problems.append(f"{email} {path}: wide table without a labelled, focusable scroll region "
                                        f"and a visible cue: {table}")
                key = (route_of(path), path.split("/")[2])
                if key in axe_done or route_of(path) in AXE_EXEMPT:
                    continue
                axe_done.add(key)
                for violation in page.evaluate(AXE_RUN):
                    if violation["impact"] in SERIOUS or violation["id"] == "region":
                        problems.append(f"{email} {path}: axe {violation['id']} ({violation['impact']}) "
                                        f"{violation['targets']}")
            context.close()
    finally:
        crawler.shutdown(cancel_futures=True)  # waits for a crawl still running: the database is flushed next
    assert opened > 100, f"only {opened} pages opened"
    assert not problems, f"{len(problems)} problems on {opened} pages:\n  " + "\n  ".join(problems)
