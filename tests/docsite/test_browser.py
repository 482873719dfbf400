"""The example's site in a real browser (headless Chromium): pages render without
console errors, search finds operations, deep links land, both palettes work, and
the site works from file:// (offline) as well as over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import serve
from tests.docsite.browser import Browser
from tests.docsite.conftest import BuiltSite


@pytest.fixture(scope="module")
def site_url(example_site: BuiltSite) -> Iterator[str]:
    """The example's site over HTTP, as a web server would serve it."""
    from starlette.staticfiles import StaticFiles

    with serve(StaticFiles(directory=example_site.site, html=True)) as url:
        yield url


QUERY = "[data-md-component=search-query]"


def search(browser: Browser, text: str) -> list[str]:
    """Click into the search box, type `text`, and return the result titles."""
    for _ in range(3):
        browser.click(QUERY)
        try:
            browser.wait_for(f"document.activeElement === document.querySelector('{QUERY}')", 2)
            break
        except TimeoutError:
            continue
    # the index loads once search is opened: type when it is ready
    browser.wait_for(
        "!document.querySelector('.md-search-result__meta').textContent.includes('Initializing')"
    )
    browser.type(text)
    titles: list[str] = browser.wait_for(
        "(() => { const items = [...document.querySelectorAll("
        "'.md-search-result__item h1, .md-search-result__item h2')]"
        ".map(e => e.textContent.trim()); return items.length ? items : null })()"
    )
    return titles


def test_home_page_renders_without_console_errors_offline(
    browser: Browser, example_site: BuiltSite
) -> None:
    browser.open(example_site.url("index.html"))
    assert browser.errors() == []
    assert (
        browser.evaluate("document.querySelector('h1').firstChild.textContent") == "Bookstore API"
    )
    tables = browser.evaluate("document.querySelectorAll('.md-typeset table').length")
    assert tables >= 3  # environments, schemes, reference


def test_operation_page_renders_and_is_kept_as_a_screenshot(
    browser: Browser, example_site: BuiltSite, artifacts: Path
) -> None:
    browser.open(example_site.url("reference/books.html#createBook"), settle=1.0)
    assert browser.errors() == []
    badge = browser.evaluate(
        "document.querySelector('#createBook + .apikit-operation .apikit-method').textContent"
    )
    assert badge == "POST"
    browser.screenshot(artifacts / "docs-operation.png")
    assert (artifacts / "docs-operation.png").stat().st_size > 10_000


def test_anchor_link_lands_on_the_operation(browser: Browser, example_site: BuiltSite) -> None:
    browser.open(example_site.url("reference/orders.html#cancelOrder"), settle=1.0)
    top = browser.evaluate("document.getElementById('cancelOrder').getBoundingClientRect().top")
    assert 0 <= top < 200, top
    # and a link from another page (the Errors page lists who returns 409) lands too
    browser.open(example_site.url("errors.html"))
    href = browser.evaluate(
        "document.querySelector('a[href$=\"#deleteAuthor\"]').getAttribute('href')"
    )
    assert href == "reference/authors.html#deleteAuthor"
    browser.evaluate("document.querySelector('a[href$=\"#deleteAuthor\"]').click()")
    browser.wait_for("location.hash === '#deleteAuthor'")
    browser.wait_for(
        "(() => { const t = document.getElementById('deleteAuthor').getBoundingClientRect().top;"
        " return t >= 0 && t < 200 })()"
    )


def test_search_finds_an_operation_by_its_summary_offline(
    browser: Browser, example_site: BuiltSite
) -> None:
    browser.open(example_site.url("index.html"))
    titles = search(browser, "Cancel an order")
    assert "Cancel an order" in titles
    assert browser.errors() == []


def test_search_works_over_http_too(browser: Browser, site_url: str) -> None:
    browser.open(f"{site_url}/authentication.html")
    assert "Upload a cover image" in search(browser, "Upload a cover image")
    assert browser.errors() == []


def test_pages_render_over_http_without_errors(browser: Browser, site_url: str) -> None:
    for page in ("index.html", "reference/books.html", "schemas.html", "downloads.html"):
        browser.open(f"{site_url}/{page}")
        assert browser.errors() == [], page


def test_dark_and_light_palettes(browser: Browser, example_site: BuiltSite) -> None:
    browser.open(example_site.url("index.html"))
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    first = browser.evaluate(scheme)
    browser.evaluate("document.querySelector('label.md-header__button[for^=__palette]').click()")
    browser.wait_for(f"{scheme} !== {first!r}")
    assert {first, browser.evaluate(scheme)} == {"default", "slate"}


def test_downloads_are_in_the_site(browser: Browser, example_site: BuiltSite) -> None:
    browser.open(example_site.url("downloads.html"))
    hrefs = browser.evaluate(
        "[...document.querySelectorAll('.md-content a[download]')].map(a => a.href)"
    )
    assert any(h.endswith(".openapi.yaml") for h in hrefs)
    for href in hrefs:
        assert href.startswith("file://")
        assert Path(href.removeprefix("file://")).is_file(), href
