"""Every page a user can reach, found the way a user finds them: by following links.

``pages_for(client)`` starts at ``/`` and the user's menu and follows same-site ``<a href>``
links breadth-first, keeping one sample address per URL pattern (the route and its name), so a
list of 200 enterprises costs one enterprise page, not 200. Only pages people read are kept:
sign-out, files (.xlsx/.pdf/.docx/…, or any answer sent as an attachment or not as HTML), the
admin site beyond its index, the API and the machine interfaces (12345 hotline, Open311) are
skipped. The order is that of discovery, so the same data gives the same list.

The pages are worth crawling only on data that reaches them; the access-matrix world
(``zhifa_testing.world``) has a row of every model. ``world_at_moment`` builds it at the world's
fixed moment; a test module builds it once, for instance::

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker, tmp_path_factory):
        module_transaction = transaction.atomic()
        module_transaction._from_testcase = True
        with django_db_blocker.unblock(), module_transaction:
            with pages.world_at_moment(tmp_path_factory.mktemp("media")) as built:
                yield built
                transaction.set_rollback(True)

(a browser test, whose live server reads committed rows, builds it inside a
``django_db(transaction=True)`` test instead).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

# Files by their address: fetching them renders documents (slow) and shows nothing to lay out.
FILE_SUFFIXES = (".xlsx", ".xls", ".pdf", ".docx", ".doc", ".zip", ".json", ".txt", ".xml", ".csv")
# Files by the name of their route, for addresses that do not end in a suffix.
FILE_ROUTE_WORDS = ("export", "download", "template", "evidence", "_file", "photo", "report_pdf")
# Whole areas that are not pages for people.
SKIPPED_PREFIXES = ("/api/", "/open311/", "/static/", "/media/")
# Route names that are not pages to read, with the reason.
SKIPPED_ROUTES = {
    "logout": "退出登录",
    "hotline:order_push": "12345 热线机器接口",
    "hotline:order_status": "12345 热线机器接口",
}
MAX_DEPTH = 4
# Tries per pattern: a first sample that answers 403/404 gives way to the next one found.
MAX_TRIES = 3


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(html: str, base: str) -> list[str]:
    """The same-site paths (with their query) the page's ``<a href>`` lead to, in order."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        absolute = urlsplit(urljoin("http://testserver" + base, href))
        if absolute.scheme not in ("http", "https") or absolute.netloc != "testserver":
            continue
        found.append(absolute.path + ("?" + absolute.query if absolute.query else ""))
    return found


def pattern_of(path: str) -> tuple[str, str] | None:
    """(route, url name) of a path, or None when it is no page to crawl."""
    address = urlsplit(path).path
    if address.startswith(SKIPPED_PREFIXES) or address.lower().endswith(FILE_SUFFIXES):
        return None
    if address.startswith("/admin/") and address != "/admin/":
        return None
    try:
        match = resolve(address)
    except Resolver404:
        return None
    name = match.view_name
    if name in SKIPPED_ROUTES or any(word in name for word in FILE_ROUTE_WORDS):
        return None
    return (match.route, name)


def _is_page(response: Any) -> bool:
    disposition = response.headers.get("Content-Disposition", "")
    kind = response.headers.get("Content-Type", "")
    return "attachment" not in disposition and kind.startswith("text/html")


def _menu_paths(client: Any) -> list[str]:
    from django.contrib.auth import SESSION_KEY

    from zhifa.org.models import User
    from zhifa.web.context_processors import menu_for

    user_pk = client.session.get(SESSION_KEY)
    user = User.objects.filter(pk=user_pk).first() if user_pk is not None else None
    return [href for _, href in menu_for(user)]


def pages_for(
    client: Any, start: Iterable[str] = ("/",), *, max_depth: int = MAX_DEPTH
) -> list[str]:
    """One sample path per page pattern the client's user reaches from ``start`` and the menu,
    each answered 200 with HTML, in the order found."""
    return [path for path, _ in pages_read_by(client, start, max_depth=max_depth)]


def pages_read_by(
    client: Any, start: Iterable[str] = ("/",), *, max_depth: int = MAX_DEPTH
) -> list[tuple[str, str]]:
    """``pages_for``'s pages with the HTML the crawl was answered: (path, html), for a test that
    reads the pages without asking for each a second time."""
    from zhifa_testing.access_matrix import quiet_refusals

    with quiet_refusals():
        return _crawl(client, [*start, *_menu_paths(client)], max_depth)


def _crawl(client: Any, start: list[str], max_depth: int) -> list[tuple[str, str]]:
    queue: deque[tuple[str, int]] = deque((p, 0) for p in start)
    done: set[tuple[str, str]] = set()
    tries: dict[tuple[str, str], int] = {}
    asked: set[str] = set()
    found: list[tuple[str, str]] = []
    while queue:
        path, depth = queue.popleft()
        key = pattern_of(path)
        if key is None or key in done or path in asked or tries.get(key, 0) >= MAX_TRIES:
            continue
        asked.add(path)
        tries[key] = tries.get(key, 0) + 1
        response = client.get(path)
        if response.status_code in (301, 302):
            done.add(key)
            location = response.headers.get("Location", "")
            queue.extend((link, depth) for link in links_in(f'<a href="{location}">', path))
            continue
        if response.status_code != 200:
            continue
        done.add(key)
        if not _is_page(response):
            continue
        html = response.content.decode(response.charset or "utf-8", "replace")
        found.append((path, html))
        if depth < max_depth:
            queue.extend((link, depth + 1) for link in links_in(html, path))
    return found


@contextlib.contextmanager
def world_at_moment(media_root: Path | str) -> Iterator[Any]:
    """The access-matrix world, built at its fixed moment (the clock keeps ticking from it), its
    files under ``media_root``; the caller holds the database open."""
    import time_machine
    from django.test import override_settings

    from zhifa_testing import world as worlds
    from zhifa_testing.seeds import reseed_after_flush

    # Before the demo's year begins: the demo's clock never steps back before a record already
    # in the audit chain.
    with time_machine.travel(dt.datetime(2025, 12, 31, 2, tzinfo=dt.UTC), tick=False):
        reseed_after_flush()
    with (
        time_machine.travel(worlds.MOMENT, tick=True),
        override_settings(
            MEDIA_ROOT=str(media_root),
            ZHIFA_SMS_BACKEND="zhifa_testing.RecordingSMSBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        yield worlds.build_world()
