"""A learner plays an H5P exercise in a lesson, served from the content
origin (localhost) while the platform is 127.0.0.1."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import ARTIFACTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def two_origins(live_server, settings):
    port = urlparse(live_server.url).port
    settings.SITE_URL = f"http://127.0.0.1:{port}"
    settings.H5P_CONTENT_ORIGIN = f"http://localhost:{port}"
    # No background progress saves: on SQLite the test reads the database
    # only once the server has answered the scoring statement.
    settings.H5P_SAVE_FREQUENCY = 0
    return settings.SITE_URL, settings.H5P_CONTENT_ORIGIN


@pytest.fixture
def role_groups(transactional_db):
    """Transactional tests flush the groups the data migration made."""
    from django.contrib.auth.models import Group

    from elearning.people.models import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def site_root(transactional_db):
    """The page tree root and default site, also flushed between tests."""
    from django.conf import settings
    from wagtail.models import Locale, Page, Site

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site.root_page
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    home = root.add_child(instance=Page(title="Trang chủ", slug="trang-chu"))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def sign_in(page, user, url):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
    )


def wait_for_text(page, locator, text: str) -> None:
    """Wait for ``text`` in ``locator`` (a frame locator); if it never shows,
    fail with what each of the page's frames shows and which choices are
    checked (inputs, and H5P's own ``role="radio"`` answers), so that a
    failure says what the learner saw."""
    try:
        locator.get_by_text(text).wait_for()
    except PlaywrightTimeoutError:
        seen = []
        for frame in page.frames:
            try:
                shown = frame.evaluate(
                    """() => [
                        (document.body ? document.body.innerText : '').slice(0, 600),
                        Array.from(document.querySelectorAll('input:checked'))
                            .map((i) => i.name + '=' + i.value),
                        Array.from(document.querySelectorAll('[aria-checked="true"]'))
                            .map((e) => e.textContent.trim().slice(0, 60)),
                        document.activeElement ? document.activeElement.outerHTML
                            .slice(0, 120) : null,
                    ]"""
                )
            except PlaywrightError as error:
                shown = str(error)
            seen.append(f"{frame.url}: {shown}")
        pytest.fail(
            f"{text!r} never showed; frames: {seen}; "
            f"console errors: {page.watch.console_errors}"
        )


def layout_settled(page) -> None:
    """Wait until no exercise iframe moves or changes height between two
    looks 0.6 s apart (each exercise reports its height every 0.5 s).

    An exercise that shows its feedback grows a moment later, and every
    exercise below it moves down: a click aimed before that lands where the
    element no longer is, and the answer is not given. A person looks
    before tapping; so does the test."""
    frames = page.locator("iframe.h5p-frame")
    looks = []

    def still() -> bool:
        looks.append(
            frames.evaluate_all(
                "(fs) => fs.map((f) => [Math.round(f.getBoundingClientRect().top),"
                " f.clientHeight])"
            )
        )
        return len(looks) > 1 and looks[-1] == looks[-2]

    if not wait_for(still, timeout=15, interval=0.6):
        pytest.fail(f"the exercises kept moving: {looks[-2:]}")


def wait_for(predicate, timeout=15, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def test_learner_plays_exercise_from_content_origin(
    page,
    live_server,
    two_origins,
    role_groups,
    site_root,
    learner,
    screenshot,
):
    from courses.h5p.models import H5PAttempt, H5PStatement
    from courses.models import CourseIndexPage, CoursePage, Enrolment, LessonPage
    from tests.h5p.helpers import import_bytes, true_false_package

    platform, content_origin = two_origins
    version = import_bytes(true_false_package(), approve_libraries=True).version
    index = site_root.add_child(
        instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    )
    course = index.add_child(
        instance=CoursePage(
            title="An toàn thông tin",
            slug="attt",
            code="ATTT-CB",
            # The exercise is the course's only completion rule here.
            min_h5p_percent=100,
            require_lessons=False,
        )
    )
    lesson = course.add_child(
        instance=LessonPage(
            title="Bài 1", slug="bai-1", body=[("h5p", version.content)]
        )
    )
    Enrolment.objects.create(learner=learner, course=course)

    sign_in(page, learner, platform)
    response = page.goto(platform + lesson.url)
    assert response.status == 200

    outer = page.locator("iframe.h5p-frame")
    outer.scroll_into_view_if_needed()
    assert outer.get_attribute("title") == "Bài tập H5P: Bài tập thử"
    assert urlparse(outer.get_attribute("src")).hostname == "localhost"

    player = page.frame_locator("iframe.h5p-frame").frame_locator("iframe.h5p-iframe")
    player.get_by_text("Mật khẩu mạnh có ít nhất 12 ký tự.").wait_for()
    layout_settled(page)
    questions = player.locator("fieldset.etf-question")
    questions.nth(0).get_by_label("Đúng").check()
    # Keyboard: reach the second question's "Sai" and choose it with Space.
    questions.nth(1).get_by_label("Sai").focus()
    page.keyboard.press("Space")
    player.get_by_role("button", name="Kiểm tra").click()
    wait_for_text(page, player, "Bạn trả lời đúng 2/2 câu.")

    # The embed page says so once the server accepted the score; only then
    # does the test read the database (SQLite locks tables while writing).
    wait_for_text(page, page.frame_locator("iframe.h5p-frame"), "Đã lưu kết quả.")
    attempt = H5PAttempt.objects.get(finished_at__isnull=False)
    assert attempt.learner == learner
    assert (attempt.raw_score, attempt.max_score, attempt.success) == (2, 2, True)
    assert H5PStatement.objects.filter(outcome="accepted").count() == 1
    assert H5PStatement.objects.filter(outcome="rejected").count() == 0
    assert Enrolment.objects.get(learner=learner).status == Enrolment.Status.COMPLETED

    # The exercise runs on the content origin and cannot touch the lesson.
    embed = next(
        f for f in page.frames if f.url.startswith(content_origin + "/h5p-embed/")
    )
    assert (
        embed.evaluate(
            "() => { try { parent.document; return 'reached'; } catch (e) { return e.name; } }"
        )
        == "SecurityError"
    )
    assert embed.evaluate("() => document.cookie") == ""

    # The iframe was sized by the content's reported height: no scrolling.
    # Both are read together each time: the content may still grow (the
    # saved status) after a first look.
    def fitted():
        inner = embed.evaluate("() => document.documentElement.scrollHeight")
        return abs(outer.bounding_box()["height"] - inner) <= 4

    assert wait_for(fitted)
    assert page.watch.foreign_requests == []
    # H5P core probes localStorage; a browser that blocks third-party storage
    # (the content origin is another site) refuses it and H5P carries on.
    assert [e for e in page.watch.console_errors if "'localStorage'" not in e] == []
    screenshot(page, "h5p_lesson_answered")


# Three exercises of H5P's own example content, in one lesson.
REAL_EXERCISES = ["H5P.TrueFalse", "H5P.MultiChoice", "H5P.Blanks"]


def frame_band(embed_frame) -> dict:
    """Heights inside one exercise: the lesson's iframe (the embed page's
    viewport), the embed page's content, the player's frame and its
    content."""
    return embed_frame.evaluate(
        """() => {
          const inner = document.querySelector('iframe.h5p-iframe');
          const content = inner.contentDocument.querySelector('.h5p-content');
          return {
            viewport: window.innerHeight,
            page: Math.ceil(document.body.getBoundingClientRect().height),
            player: Math.ceil(inner.getBoundingClientRect().height),
            content: Math.ceil(content.getBoundingClientRect().height),
          };
        }"""
    )


def assert_fitted(embeds, label) -> list[dict]:
    """Every exercise's iframe is as tall as its content: no scroll bar, no
    empty band (one pixel of rounding allowed). Returns the heights."""
    bands = []
    for embed in embeds:
        measured = []

        def fitted(embed=embed, measured=measured):
            band = frame_band(embed)
            measured.append(band)
            return (
                abs(band["viewport"] - band["page"]) <= 1
                and abs(band["player"] - band["content"]) <= 1
            )

        assert wait_for(fitted), (label, measured[-1])
        bands.append(measured[-1])
    return bands


def test_real_packages_scored_by_the_server_and_fitted(
    phone_page, live_server, two_origins, role_groups, site_root, learner, screenshot
):
    """A learner on a phone plays three of H5P's own example exercises; the
    server records its own scores; every iframe follows its content's height
    on the phone and on a 1366×768 screen."""
    from courses.h5p.models import H5PAttempt, H5PStatement, ScoreSource
    from courses.models import CourseIndexPage, CoursePage, Enrolment, LessonPage
    from tests.h5p.helpers import import_bytes, real_package

    page = phone_page
    platform, content_origin = two_origins
    versions = [
        import_bytes(
            real_package(name), filename=f"{name}.h5p", approve_libraries=True
        ).version
        for name in REAL_EXERCISES
    ]
    index = site_root.add_child(
        instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    )
    course = index.add_child(
        instance=CoursePage(
            title="An toàn thông tin",
            slug="attt",
            code="ATTT-CB",
            min_h5p_percent=60,
            require_lessons=False,
            h5p_server_scores_only=True,
        )
    )
    lesson = course.add_child(
        instance=LessonPage(
            title="Bài 1",
            slug="bai-1",
            body=[("h5p", v.content) for v in versions],
        )
    )
    Enrolment.objects.create(learner=learner, course=course)

    sign_in(page, learner, platform)
    assert page.goto(platform + lesson.url).status == 200
    frames = page.locator("iframe.h5p-frame")
    assert frames.count() == 3

    def player(i):
        layout_settled(page)
        frames.nth(i).scroll_into_view_if_needed()
        return (
            page.frame_locator("iframe.h5p-frame")
            .nth(i)
            .frame_locator("iframe.h5p-iframe")
        )

    def saved(i):
        wait_for_text(
            page, page.frame_locator("iframe.h5p-frame").nth(i), "Đã lưu kết quả."
        )

    # True/false, answered right: "Oslo is the capital of Norway." — Yes.
    true_false = player(0)
    true_false.get_by_role("radio", name="Yes").click()
    true_false.get_by_role("button", name="Check").click()
    saved(0)

    # Multiple choice, answered wrong: the blackcurrant is "Blue" (it is
    # very dark purple).
    choice = player(1)
    choice.get_by_role("radio", name="Blue").click()
    choice.get_by_role("button", name="Check").click()
    saved(1)

    # Fill in the blanks, two of three right (checked as the last is left).
    blanks = player(2)
    inputs = blanks.locator("input.h5p-text-input")
    for i, word in enumerate(["blue", "Cloud", "white"]):
        inputs.nth(i).fill(word)
    inputs.nth(2).press("Tab")
    saved(2)

    scores = {}
    for version in versions:
        attempt = H5PAttempt.objects.get(version=version, finished_at__isnull=False)
        assert attempt.score_source == ScoreSource.SERVER
        assert not attempt.flagged  # the player and the server agree
        scores[version.content.title] = (attempt.raw_score, attempt.max_score)
    assert list(scores.values()) == [(1, 1), (0, 1), (2, 3)]
    assert H5PStatement.objects.filter(outcome="rejected").count() == 0
    # 1 of 3 exercises reaches 60 %: not complete.
    assert Enrolment.objects.get().status != Enrolment.Status.COMPLETED

    embeds = [
        f for f in page.frames if f.url.startswith(content_origin + "/h5p-embed/")
    ]
    assert len(embeds) == 3
    phone = assert_fitted(embeds, "390x844")
    screenshot(page, "h5p_real_phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    desktop = assert_fitted(embeds, "1366x768")
    for i in range(3):  # each exercise as it shows, no band below it
        frames.nth(i).scroll_into_view_if_needed()
        frames.nth(i).screenshot(path=str(ARTIFACTS / f"h5p_real_{i + 1}.png"))
    # The layout changed with the width, and the frames followed it.
    assert phone != desktop
    # The lesson's iframe element is exactly as tall as the exercise page.
    heights = frames.evaluate_all("(fs) => fs.map((f) => f.clientHeight)")
    assert heights == [b["viewport"] for b in desktop]
    screenshot(page, "h5p_real_desktop")

    # A learner who edits requests: full marks claimed with a wrong answer,
    # sent from the exercise's own page. Recorded as the server's 0, flagged.
    from courses.h5p.services import content_iri

    forged = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": content_iri(versions[0])},
        "result": {"score": {"raw": 1, "max": 1}, "response": "false"},
    }
    answer = embeds[0].evaluate(
        """(statement) => fetch(
            document.getElementById('h5p-container').dataset.xapiUrl,
            {method: 'POST', body: JSON.stringify(statement),
             headers: {'Content-Type': 'application/json'}}
        ).then((r) => r.json())""",
        forged,
    )
    assert answer == {"success": True, "outcome": "accepted"}
    latest = H5PAttempt.objects.filter(version=versions[0]).latest("finished_at")
    assert (latest.raw_score, latest.flagged) == (0, True)

    # The lesson says what is recorded, and who computed it.
    page.reload()
    recorded = page.locator(".h5p-recorded")
    assert recorded.count() == 3
    assert "1/1 điểm (100 %, hệ thống chấm)" in recorded.nth(0).inner_text()
    assert "2/3 điểm (66,7 %, hệ thống chấm)" in recorded.nth(2).inner_text()
    assert page.watch.foreign_requests == []
    # Leave the lesson while the server still runs: the players save their
    # state as the page goes; on PostgreSQL the test database cannot be
    # emptied while the live server still writes, so let those be answered.
    page.goto("about:blank")
    page.wait_for_timeout(2_000)
