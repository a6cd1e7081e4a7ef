from tests.browser.conftest import (  # noqa: F401  (shared browser-test fixtures that start no browser)
    _no_rate_limits,
    browser_world,
)
