"""Fixtures shared by every app's tests: shops, people in them, signed-in clients."""

import sqlite3

import pytest

# Django models are imported inside the fixtures, so that `setia/analytics` (a
# library without Django) can be tested with `-p no:django`.


@pytest.fixture
def shop(db):
    from setia.accounts.tests.factories import ShopFactory

    return ShopFactory(name="Butik Uji A")


def _member(shop, role):
    from setia.accounts.tests.factories import MembershipFactory

    return MembershipFactory(shop=shop, role=role).user


@pytest.fixture
def owner(shop):
    return _member(shop, "owner")


@pytest.fixture
def staff_user(shop):
    return _member(shop, "staff")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def other_shop(db):
    from setia.accounts.tests.factories import ShopFactory

    return ShopFactory(name="Toko Lain B")


@pytest.fixture
def other_owner(other_shop):
    return _member(other_shop, "owner")


@pytest.fixture
def db_for_threads(shop, tmp_path):
    """Where real threads' connections go: the test database, or a file copy of
    an in-memory SQLite one (Django's SQLite test database lives in memory,
    where a second writer fails at once instead of waiting its turn)."""
    from django.db import connection, connections

    settings_dict = connections.settings["default"]
    if connection.vendor != "sqlite" or "mode=memory" not in str(settings_dict["NAME"]):
        yield
        return
    path = tmp_path / "shop.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        settings_dict["NAME"] = original


@pytest.fixture(autouse=True)
def _static_without_manifest(request):
    # Tests do not run collectstatic, so there is no manifest to look names up in.
    if not request.config.pluginmanager.hasplugin("django"):
        return  # the analytics library's tests run without Django
    settings = request.getfixturevalue("settings")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


# ---- Browser tests (Playwright driving Debian's chromium; never a download) ----

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser():
    import os
    import shutil

    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it with apt-get")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the ORM calls made by the test
    # itself (fixtures, assertions) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh phone-sized page; `page.goto_path('/x/')` opens live_server + path."""
    context = browser.new_context(viewport=PHONE, locale="id-ID", device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto_path = lambda path: page.goto(live_server.url + path)
    yield page
    context.close()


def browser_login(page, username: str, password: str) -> None:
    page.goto_path("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=shop-name]")


def type_until(page, field: str, text: str, wanted: str) -> None:
    """Type `text` into an htmx search `field` until `wanted` shows.

    After an htmx swap the new field's triggers are bound a moment later; text
    typed in between sends no search. So wait for htmx to be idle, and retype
    (at most three times) when the result does not come.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    for attempt in range(3):
        page.fill(field, "")
        page.fill(field, text)
        try:
            page.locator(wanted).first.wait_for(timeout=4_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def no_sideways_scroll(page) -> None:
    """Fail when the page scrolls sideways on the phone-sized viewport."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"


def screenshot(page, name: str) -> str:
    """Save a screenshot under test-artifacts/ for a person to look at."""
    from pathlib import Path

    out = Path(__file__).parent / "test-artifacts"
    out.mkdir(exist_ok=True)
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return str(path)
