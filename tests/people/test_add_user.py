import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from elearning.people.models import Agency, User

pytestmark = pytest.mark.django_db


def test_add_user_invites_an_officer(
    units_2025, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "add_user",
            "Duc.LH@XuanLoc.example.gov.vn",
            "--role=officer",
            "--unit=26425",
            "--agency=Phòng  Văn hóa và Thông tin",
            "--full-name=Lê Hoàng Đức",
        )
    user = User.objects.get()
    assert user.email == "duc.lh@xuanloc.example.gov.vn"
    assert not user.has_usable_password()
    assert user.is_unit_officer and user.is_staff and user.needs_mfa
    assert user.profile.unit == units_2025["26425"]
    assert user.profile.unit.full_name == "Xã Xuân Lộc"
    assert user.profile.agency == Agency.objects.get(name="Phòng Văn hóa và Thông tin")
    assert user.profile.full_name == "Lê Hoàng Đức"
    assert EmailAddress.objects.get(user=user).verified
    out = capsys.readouterr().out
    link = next(
        line.split(": ", 1)[1]
        for line in out.splitlines()
        if "/password/reset/key/" in line
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["duc.lh@xuanloc.example.gov.vn"]
    assert link in mail.outbox[0].body
    assert ModelLogEntry.objects.filter(
        action="people.role_change", object_id=str(user.pk)
    ).exists()


def test_invite_link_sets_the_password(units_2025, client, capsys):
    call_command("add_user", "an@example.gov.vn", "--role=learner", "--unit=26425")
    link = capsys.readouterr().out.split("Đường liên kết đặt mật khẩu: ")[1].strip()
    path = link.removeprefix("http://127.0.0.1:8000")
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"password1": "mot-mat-khau-dai-2026", "password2": "mot-mat-khau-dai-2026"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="an@example.gov.vn")
    assert user.check_password("mot-mat-khau-dai-2026")


def test_same_email_differing_by_case_is_the_same_person(units_2025):
    call_command("add_user", "an@example.gov.vn", "--role=learner", "--unit=26425")
    call_command("add_user", "AN@Example.GOV.vn", "--role=officer", "--unit=26425")
    user = User.objects.get()
    assert user.is_unit_officer and not user.has_role("learner")
    assert User.objects.get_by_natural_key("An@EXAMPLE.gov.vn") == user


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x@example.gov.vn", "--role=boss"], "Vai trò «boss» không tồn tại"),
        (["x@example.gov.vn", "--role=learner", "--unit=999"], "mã «999»"),
        (["not-an-email", "--role=learner"], "không hợp lệ"),
        (["x@example.gov.vn", "--role=officer"], "phải thuộc một đơn vị"),
        (["x@example.gov.vn", "--role=learner", "--agency=Phòng"], "Cần --unit"),
    ],
    ids=[
        "unknown-role",
        "unknown-unit",
        "bad-email",
        "officer-no-unit",
        "agency-no-unit",
    ],
)
def test_add_user_errors_are_translated_and_fail(units, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_user", *args)
    assert not User.objects.exists()
    assert not Agency.objects.filter(name="Phòng").exists()


def test_add_user_exit_status_is_non_zero(units):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "add_user", "x@example.gov.vn", "--role=boss"],
        capture_output=True,
        text=True,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings.test",
        },
        check=False,
    )
    assert result.returncode != 0
    assert "Vai trò «boss» không tồn tại" in result.stderr


def test_an_ended_unit_is_refused_naming_its_successors(units_2025):
    with pytest.raises(CommandError) as refused:
        call_command("add_user", "x@example.gov.vn", "--role=learner", "--unit=741")
    message = str(refused.value)
    assert message.startswith(
        "Đơn vị Huyện Xuân Lộc (mã 741) đã kết thúc ngày 30/06/2025; "
        "đơn vị kế thừa: Xã Xuân Đông (26359), "
    )
    # Its seven communes of 1 July 2025, each named with its code.
    for successor in ("Xã Xuân Lộc (26425)", "Xã Xuân Định (26461)"):
        assert successor in message
    assert message.count("(26") == 7
    assert not User.objects.exists()


def test_on_a_past_day_the_unit_of_that_day_is_used(units_2025, units):
    call_command(
        "add_user",
        "x@example.gov.vn",
        "--role=learner",
        "--unit=741",
        "--on=30/06/2025",
    )
    assert User.objects.get().profile.unit == units["741"]
    with pytest.raises(CommandError, match="kết thúc ngày 30/06/2025"):
        call_command(
            "add_user",
            "y@example.gov.vn",
            "--role=learner",
            "--unit=741",
            "--on=2025-07-01",
        )
    with pytest.raises(CommandError, match="không phải ngày"):
        call_command(
            "add_user",
            "y@example.gov.vn",
            "--role=learner",
            "--unit=741",
            "--on=31/6/2025",
        )
