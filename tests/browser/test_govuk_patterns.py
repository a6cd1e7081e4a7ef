"""GOV.UK patterns (issue 10 item 5), checked on the demo data with the test client.

- One service name: every title ends "– Commission alternative provision", the header says it too.
- Unique titles: crawling as each demo person from their dashboard, no two different pages share
  a <title> (query strings ignored).
- The back link sits before <main> in a landmark of its own (base.html, once).
- Signing an SLA says what to type before the first attempt.
- Mid-sentence screen-reader text keeps "SEN" (not "sen").
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from accounts.models import User
from placements.models import Placement, State
from slas.models import ServiceLevelAgreement
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .crawl import crawl_as, demo_people, load_demo

SERVICE = "Commission alternative provision"
# One worker runs both tests, so the demo (module-scoped below) is loaded once, not once per worker.
pytestmark = pytest.mark.xdist_group("govuk_patterns")


@pytest.fixture(scope="module")
def _demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def _private_media(settings, _demo_media):
    """Overrides tests/conftest.py's: the demo's uploaded documents live as long as the demo (the module)."""
    settings.MEDIA_ROOT = _demo_media


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker, _demo_media):
    """The demo data, loaded once for this module in a transaction rolled back after its last test
    (Django's TestCase.setUpTestData does the same); each test's own transaction is a savepoint
    inside it, so what one test writes is gone before the next."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=_demo_media), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_once, db):
    """The demo data (loaded once for the module), inside this test's own transaction."""


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
    return client


FORM_PAGE = "form_page.html"  # question and confirmation pages (templates/form_page.html and its children)


def _crawl_everyone() -> dict[str, dict]:
    downloads: set[str] = set()  # a PDF or CSV route found by one person's crawl is not rendered again
    return {email: crawl_as(_client(email), f"/o/{slug}/", download_routes=downloads)
            for email, slug in demo_people()}


def _shared_titles(crawls: dict[str, dict], *, form_pages: bool) -> list[str]:
    shared = []
    for email, pages in crawls.items():
        by_title = defaultdict(list)
        for page in pages.values():
            # A 403 or 404 page is one page, whatever the address.
            if page.status == 200 and (FORM_PAGE in page.templates) == form_pages:
                by_title[page.title].append(page.path)
        shared += [f"{email}: {title!r} on {paths}" for title, paths in sorted(by_title.items()) if len(paths) > 1]
    return shared


def test_titles_are_unique_and_end_with_the_service_name(demo):
    """Every title ends with the service name; no two pages share one, question pages included."""
    assert settings.SERVICE_NAME == SERVICE
    crawls = _crawl_everyone()
    assert sum(len(pages) for pages in crawls.values()) > 150
    wrong = [f"{email} {page.path}: {page.title!r}" for email, pages in crawls.items() for page in pages.values()
             if not page.title.endswith(f" – {SERVICE}")]
    assert not wrong, "titles without the service name:\n  " + "\n  ".join(wrong)
    shared = _shared_titles(crawls, form_pages=False)
    assert not shared, "titles shared by different pages:\n  " + "\n  ".join(shared)
    shared_questions = _shared_titles(crawls, form_pages=True)
    assert not shared_questions, "question pages that do not name their object:\n  " + "\n  ".join(shared_questions)


def test_patterns_on_the_demo_pages(demo):
    # The header and the error pages say the service name, not the software's.
    email, slug = demo_people()[0]
    client = _client(email)
    for path in (f"/o/{slug}/", "/no-such-page/"):
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        assert soup.select_one(".govuk-header").get_text(strip=True) == SERVICE, path

    # The back link: before <main>, inside a navigation landmark; none when a page has no back link.
    with scopes_disabled():
        sla = ServiceLevelAgreement.objects.select_related("provider").get(status="sent")  # awaiting the provider
        manager = Membership.objects.get(organisation=sla.provider, role=Role.PROVIDER_MANAGER).user
    client = _client(manager.email)
    soup = BeautifulSoup(client.get(f"/o/{sla.provider.slug}/slas/{sla.pk}/").content, "html.parser")
    back = soup.select(".govuk-back-link")
    assert len(back) == 1 and back[0].find_parent("nav", attrs={"aria-label": "Back"}) is not None
    assert back[0].find_parent("main") is None
    assert soup.select_one("nav.apc-before-content").find_next("main") is not None

    # Signing: the signer is told what to type before trying (their own name, from their account).
    sign = BeautifulSoup(client.get(f"/o/{sla.provider.slug}/slas/{sla.pk}/sign/").content, "html.parser")
    guidance = " ".join(sign.select_one("#typed-name-guidance").get_text().split())
    assert guidance == f"To sign, type your full name as it appears on your account: {manager.full_name}"
    assert sign.find(string=lambda s: s and "Type your full name exactly" in s) is None  # no error yet

    # "SEN" stays in capitals in screen-reader text (check your answers' change links).
    with scopes_disabled():
        draft = Placement.objects.filter(state=State.DRAFT, school__slug="hillside-academy",
                                         referral__submitted_at__isnull=True).first()  # still editable
    soup = BeautifulSoup(_client("ap-lead@demo.apcommission.test").get(
        f"/o/hillside-academy/placements/{draft.pk}/referral/check/").content, "html.parser")
    hidden = [" ".join(s.get_text().split()) for s in soup.select(".govuk-visually-hidden")]
    assert "SEN, disability and health" in hidden, hidden  # Django's |lower said "sen, disability and health"
    assert not any(" sen " in f" {text} " for text in hidden), hidden
