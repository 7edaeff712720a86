"""What the page tests share: signing in with the login form, the session's CSRF token, a
page's forms and whether every field of a page has a label."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.web.site import create_site

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def site_client(url: str, day: date = date(2026, 3, 2)) -> TestClient:
    """The site on ``url``, its clock at 09:00 UTC of ``day``; jobs run in the process."""
    clock = lambda: datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)  # noqa: E731
    return TestClient(create_site(url, ServerSettings(clock=clock, jobs=JobRunners.HERE)))


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    form = client.get("/login")
    token = TOKEN.search(form.text)
    assert token
    r = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]


def csrf(page: str) -> str:
    found = TOKEN.search(page)
    assert found
    return found.group(1)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: dict[str, str] = field(default_factory=dict)  # hidden and named inputs, values
    has_csrf: bool = False


@dataclass
class Control:
    tag: str
    id: str | None
    type: str
    labelled: bool  # inside a <label>, or aria-label / aria-labelledby
    describedby: str | None


class PageParser(HTMLParser):
    """The forms of a page, its controls and how each is labelled."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.controls: list[Control] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.html_lang: str | None = None
        self._labels = 0
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "label":
            self._labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(),
                              a.get("enctype", ""))  # fmt: skip
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea"):
            kind = a.get("type", "text") if tag == "input" else tag
            if self._form is not None and a.get("name"):
                self._form.fields.setdefault(a["name"], a.get("value", ""))
                if a["name"] == "csrf_token" and kind == "hidden" and a.get("value"):
                    self._form.has_csrf = True
            if kind not in ("hidden", "submit", "button"):
                self.controls.append(Control(
                    tag, a.get("id"), kind,
                    self._labels > 0 or bool(a.get("aria-label") or a.get("aria-labelledby")),
                    a.get("aria-describedby"),
                ))  # fmt: skip

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels -= 1
        elif tag == "form":
            self._form = None


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    return parser


def unlabelled(page: str) -> list[Control]:
    """The fields of a page a screen reader could not name, and those whose
    aria-describedby points at nothing."""
    parsed = parse(page)
    bad = [c for c in parsed.controls if not (c.labelled or (c.id and c.id in parsed.label_for))]
    bad += [c for c in parsed.controls if c.describedby and c.describedby not in parsed.ids]
    return bad
