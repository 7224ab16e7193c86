"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live test server.

Every page a test opens, in any browser context, is watched: a Content-Security-Policy violation, an
uncaught JavaScript error or a console error fails the test at teardown (the CSP once silently hid every
red warning badge)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Runs before any page script and outside the page's CSP (Playwright injects it through DevTools).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Content Security Policy violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + (event.sourceFile || document.location.href) + ":" + event.lineNumber
    + (event.sample ? " (" + event.sample + ")" : ""));
}, true);
"""

# Chromium logs every 4xx/5xx response as a console error; a refused form (400) is expected behaviour,
# and htmx reports it as htmx:responseError. Server errors are caught by the tests' own assertions.
EXPECTED_CONSOLE_ERRORS = (
    "Failed to load resource: the server responded with a status of 4",
    "htmx:responseError",
)


class BrowserProblems(list):
    """What the watched pages reported; a test that provokes one on purpose takes it out with `take()`."""

    def take(self, fragment: str) -> list[str]:
        taken = [p for p in self if fragment in p]
        self[:] = [p for p in self if fragment not in p]
        return taken


def watch_page(page, problems: BrowserProblems) -> None:
    def on_console(message):
        if message.type == "error" and not message.text.startswith(EXPECTED_CONSOLE_ERRORS):
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error on {page.url}: {error}"))


def watch_context(context, problems: BrowserProblems) -> None:
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on("page", lambda page: watch_page(page, problems))


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install it with: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while the browser lives; the tests' own ORM
    # calls (and the database flush between tests) are still synchronous, so allow them for this module only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser_problems(browser, monkeypatch):
    """Watch every context the test opens (its own `page` and any `browser.new_context()`), then fail the
    test if a page reported a CSP violation or a JavaScript error."""
    problems = BrowserProblems()
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        watch_context(context, problems)
        return context

    monkeypatch.setattr(browser, "new_context", watched_new_context)
    yield problems
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(browser, live_server, browser_problems):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    external = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None,
    )
    yield page
    context.close()
    assert external == [], f"pages loaded from other hosts: {external}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
