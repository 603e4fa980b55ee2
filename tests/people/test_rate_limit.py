"""Wrong passwords are slowed by growing delays, never by a lock a stranger
can set off (elearning/people/throttle.py), on every login screen."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from elearning.people.models import AccessLog
from tests.factories import DEFAULT_PASSWORD, verify_email

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.7"
OWNER = "198.51.100.20"
WRONG = "sai-mat-khau"
START = datetime.datetime(2027, 3, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _verified(learner, other_learner):
    verify_email(learner)
    verify_email(other_learner)


@pytest.fixture
def clock(time_machine):
    """A stopped clock at START; ``clock.advance(seconds)`` moves it on."""

    class Clock:
        now = START

        def advance(self, seconds: float) -> None:
            self.now += datetime.timedelta(seconds=seconds)
            time_machine.move_to(self.now, tick=False)

    time_machine.move_to(START, tick=False)
    return Clock()


def sign_in(address: str, email: str, password: str, url: str | None = None):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        url or reverse("account_login"), {"login": email, "password": password}
    )
    return client, response


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def refusal(response) -> str | None:
    """The delay message, if the attempt was refused unchecked."""
    if response.status_code != 200:
        return None
    for error in response.context["form"].non_field_errors().as_data():
        if error.code == "too_many_login_attempts":
            return error.messages[0]
    return None


def fail_really(address: str, email: str, clock, times: int) -> None:
    """``times`` wrong passwords that are each really checked: the clock is
    moved past every delay earned."""
    checked = 0
    while checked < times:
        _, response = sign_in(address, email, WRONG)
        assert response.status_code == 200
        if refusal(response):
            clock.advance(60)
        else:
            checked += 1


def test_stranger_hammering_an_email_does_not_keep_its_owner_out(clock, learner):
    # 20 wrong passwords in a row: the first few are checked, the rest refused.
    for _ in range(20):
        client, response = sign_in(STRANGER, learner.email, WRONG)
        assert response.status_code == 200
        assert signed_in_as(client) is None
    # Even the right password is refused from the stranger's address now...
    client, response = sign_in(STRANGER, learner.email, DEFAULT_PASSWORD)
    assert refusal(response)
    assert signed_in_as(client) is None
    # ...but the owner, from their own address, gets in at once.
    client, response = sign_in(OWNER, learner.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == str(learner.pk)


def test_twenty_real_failures_elsewhere_do_not_delay_the_owner(clock, learner):
    fail_really(STRANGER, learner.email, clock, times=20)
    failed = AccessLog.objects.filter(
        action=AccessLog.Action.LOGIN_FAILED, subject_user_id=learner.pk
    )
    assert failed.filter(what__startswith="Đăng nhập không thành công").count() == 20
    client, response = sign_in(OWNER, learner.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == str(learner.pk)


def test_the_failing_address_waits_longer_after_each_failure(clock, learner):
    for _ in range(3):  # three mistakes cost nothing
        _, response = sign_in(STRANGER, learner.email, WRONG)
        assert refusal(response) is None
        assert response.context["form"].non_field_errors()
    waits = []
    for expected in (1, 2, 4, 8, 16, 32, 64):
        _, response = sign_in(STRANGER, learner.email, WRONG)
        shown = f"{expected} giây" if expected < 60 else "2 phút"  # minutes, up
        assert refusal(response) == (
            f"Đăng nhập sai nhiều lần. Vui lòng chờ {shown} rồi thử lại."
        )
        # A moment before the delay ends it is still refused, with what is left.
        clock.advance(expected - 0.5)
        _, response = sign_in(STRANGER, learner.email, WRONG)
        assert refusal(response) == (
            "Đăng nhập sai nhiều lần. Vui lòng chờ 1 giây rồi thử lại."
        )
        clock.advance(0.5)
        _, response = sign_in(STRANGER, learner.email, WRONG)  # checked, wrong
        assert refusal(response) is None
        waits.append(expected)
    assert waits == [1, 2, 4, 8, 16, 32, 64]
    _, response = sign_in(STRANGER, learner.email, WRONG)
    assert refusal(response) == (
        "Đăng nhập sai nhiều lần. Vui lòng chờ 3 phút rồi thử lại."
    )  # 128 s
    # The delay is capped at 15 minutes however long it goes on.
    fail_really(STRANGER, learner.email, clock, times=1)
    for _ in range(6):
        clock.advance(15 * 60)
        _, response = sign_in(STRANGER, learner.email, WRONG)
        assert refusal(response) is None
    _, response = sign_in(STRANGER, learner.email, WRONG)
    assert "15 phút" in refusal(response)


def test_right_password_after_the_delay_works_and_clears_it(clock, learner):
    for _ in range(5):
        sign_in(OWNER, learner.email, WRONG)
    client, response = sign_in(OWNER, learner.email, DEFAULT_PASSWORD)
    assert refusal(response) == (
        "Đăng nhập sai nhiều lần. Vui lòng chờ 1 giây rồi thử lại."
    )
    assert signed_in_as(client) is None
    clock.advance(1)
    client, response = sign_in(OWNER, learner.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == str(learner.pk)
    # The owner's own address starts afresh: a typo later costs nothing.
    for _ in range(3):
        _, response = sign_in(OWNER, learner.email, WRONG)
        assert refusal(response) is None


def test_an_address_trying_many_accounts_is_slowed(clock, learner, other_learner):
    sprayer = "192.0.2.50"
    for number in range(30):
        _, response = sign_in(sprayer, f"nv{number}@example.gov.vn", WRONG)
        assert refusal(response) is None
    # The 31st account is refused unchecked, even with its right password.
    client, response = sign_in(sprayer, other_learner.email, DEFAULT_PASSWORD)
    assert refusal(response) == (
        "Đăng nhập sai nhiều lần. Vui lòng chờ 1 giây rồi thử lại."
    )
    assert signed_in_as(client) is None
    # Each further failure doubles the wait.
    clock.advance(1)
    sign_in(sprayer, "nv31@example.gov.vn", WRONG)
    _, response = sign_in(sprayer, "nv32@example.gov.vn", WRONG)
    assert "2 giây" in refusal(response)
    # The people it tried sign in from their own addresses.
    client, response = sign_in(OWNER, other_learner.email, DEFAULT_PASSWORD)
    assert signed_in_as(client) == str(other_learner.pk)
    # Nothing was written for the refused attempts but the audit entries.
    assert not AccessLog.objects.filter(
        action=AccessLog.Action.LOGIN, actor=other_learner, ip=sprayer
    ).exists()
    assert (
        AccessLog.objects.filter(
            action=AccessLog.Action.LOGIN_FAILED,
            ip=sprayer,
            what__startswith="Đăng nhập bị chặn",
        ).count()
        == 2
    )


def test_a_shared_address_forgives_everyday_mistakes(clock, learner):
    """An office behind one address: a typo every two minutes all day
    never adds up to a delay."""
    office = "192.0.2.80"
    for number in range(200):
        _, response = sign_in(office, f"nv{number}@example.gov.vn", WRONG)
        assert refusal(response) is None
        clock.advance(120)
    client, _ = sign_in(office, learner.email, DEFAULT_PASSWORD)
    assert signed_in_as(client) == str(learner.pk)


def test_failures_spread_over_addresses_delay_the_owner_only_briefly(clock, learner):
    for number in range(15):
        fail_really(f"10.9.{number}.1", learner.email, clock, times=1)
    # From an address that has not failed: at once.
    client, response = sign_in(OWNER, learner.email, DEFAULT_PASSWORD)
    assert signed_in_as(client) == str(learner.pk)
    # From one that has (a typo of the owner's): a minute at most.
    owner_typo = "198.51.100.21"
    fail_really(owner_typo, learner.email, clock, times=1)
    for _ in range(10):
        fail_really(f"10.8.{_}.1", learner.email, clock, times=1)
    client, response = sign_in(owner_typo, learner.email, DEFAULT_PASSWORD)
    message = refusal(response)
    assert message and "1 phút" in message
    clock.advance(60)
    client, response = sign_in(owner_typo, learner.email, DEFAULT_PASSWORD)
    assert signed_in_as(client) == str(learner.pk)


def login_screens():
    """The allauth form, and where /admin/login/ sends people."""
    admin = Client().get("/admin/login/?next=/admin/")
    assert admin.status_code == 302
    return [reverse("account_login"), admin["Location"]]


@pytest.mark.parametrize("screen", [0, 1], ids=["allauth", "admin"])
def test_every_login_screen_is_throttled_and_refusals_are_logged(
    clock, learner, screen
):
    url = login_screens()[screen]
    for _ in range(3):
        _, response = sign_in(STRANGER, learner.email, WRONG, url)
        assert response.status_code == 200
    client, response = sign_in(STRANGER, learner.email, DEFAULT_PASSWORD, url)
    assert signed_in_as(client) is None
    assert refusal(response)
    logged = AccessLog.objects.filter(
        action=AccessLog.Action.LOGIN_FAILED, subject_user_id=learner.pk
    ).order_by("pk")
    assert logged.count() == 4
    assert "sai quá nhiều lần" in logged.last().what
    assert DEFAULT_PASSWORD not in logged.last().what
    assert logged.last().ip == STRANGER


def test_staff_get_in_from_their_own_address_and_still_pass_mfa(clock, units):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import make_person
    from tests.people.test_audit import _current_code

    admin = make_person(
        role="province_admin",
        unit=units["741"],
        full_name="Phạm Văn Quản",
        email="quan.pv@sotttt.example.gov.vn",
        ready=False,
    )
    verify_email(admin)
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    fail_really(STRANGER, admin.email, clock, times=20)
    client, response = sign_in(OWNER, admin.email, DEFAULT_PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert signed_in_as(client) == str(admin.pk)


def test_password_reset_forgets_the_delays(clock, learner):
    from allauth.account.signals import password_reset

    fail_really(OWNER, learner.email, clock, times=12)
    _, response = sign_in(OWNER, learner.email, DEFAULT_PASSWORD)
    assert refusal(response)
    password_reset.send(sender=type(learner), request=None, user=learner)
    client, _ = sign_in(OWNER, learner.email, DEFAULT_PASSWORD)
    assert signed_in_as(client) == str(learner.pk)


def test_simultaneous_checks_from_one_address_cannot_share_a_slot(learner):
    """A burst sent at once must not slip many guesses through one free
    moment: one check of an account per address at a time."""
    from elearning.people.throttle import (
        Throttled,
        login_throttle_check,
        login_throttle_release,
    )

    ticket = login_throttle_check(learner.email, STRANGER)
    with pytest.raises(Throttled):
        login_throttle_check(learner.email.upper(), STRANGER)
    login_throttle_check(learner.email, OWNER)  # another address: its own slot
    login_throttle_release(ticket)
    login_throttle_check(learner.email, STRANGER)
