"""Possible duplicates in a staff list: a known name with another address is
flagged, and nothing is written until the officer says whether it is the
same person (update) or another one (create)."""

import datetime
import io
import unicodedata

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses.imports import NEW, import_file, read_table, validate_rows
from courses.models import ImportJob
from elearning.people.models import StaffProfile, User
from tests.factories import AgencyFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.usefixtures("before_the_reform")

HEADER = "ho_ten,email,ngay_sinh,chuc_vu,co_quan,ma_dvhc,doi_tuong\n"


def person(units, email, name, *, birth=None, agency="Phòng Nội vụ", code="741"):
    unit = units[code]
    agency = AgencyFactory(unit=unit, name=agency)
    user = UserFactory(email=email, role="learner")
    StaffProfileFactory(
        user=user, full_name=name, date_of_birth=birth, agency=agency, unit=unit
    )
    return user


def csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def flagged(data: bytes, units, *, administrator=False):
    plan = validate_rows(
        read_table(data), scope=units["741"], administrator=administrator
    )
    assert plan.ok, plan.errors
    return {
        p.line: [c.email if c.user_id else f"line {c.line}" for c in p.candidates]
        for p in plan.possible
    }


@pytest.fixture
def an(units):
    return person(
        units,
        "an.nv@xuanloc.example.gov.vn",
        "Nguyễn Văn An",
        birth=datetime.date(1985, 1, 4),
    )


def test_same_name_and_birth_date_whatever_case_and_unicode_form(units, an):
    upper_nfd = unicodedata.normalize("NFD", "NGUYỄN  VĂN AN")
    data = csv(
        f"{upper_nfd},an.moi@gmail.com,04/01/1985,,Phòng Kinh tế,741,",
        # Another birth date, another agency: another person.
        "Nguyễn Văn An,an.khac@gmail.com,05/01/1985,,Phòng Y tế,741,",
        # Diacritics count: "Ân" is another name.
        "Nguyễn Văn Ân,an.an@gmail.com,04/01/1985,,Phòng Nội vụ,741,",
    )
    assert flagged(data, units) == {2: ["an.nv@xuanloc.example.gov.vn"]}


def test_same_name_in_the_same_agency(units, an):
    data = csv("nguyễn văn an,an2@gmail.com,,,phòng  nội vụ,741,")
    assert flagged(data, units) == {2: ["an.nv@xuanloc.example.gov.vn"]}


def test_known_address_is_not_a_duplicate_and_nor_is_its_own_row(units, an):
    data = csv(
        "Nguyễn Văn An,an.nv@xuanloc.example.gov.vn,04/01/1985,,Phòng Nội vụ,741,"
    )
    assert flagged(data, units) == {}


def test_twins_within_the_file(units):
    data = csv(
        "Lê Thị Hoa,hoa1@gmail.com,02/02/1990,,Phòng Nội vụ,741,",
        "LÊ THỊ HOA,hoa2@gmail.com,02/02/1990,,Phòng Kinh tế,741,",
        "Lê Thị Hoa,hoa3@gmail.com,,,Phòng Kinh tế,741,",
        "Lê Thị Hoa,hoa4@gmail.com,03/03/1991,,Phòng Tư pháp,741,",
    )
    assert flagged(data, units) == {3: ["line 2"], 4: ["line 3"]}


def test_only_people_the_import_may_update_in_the_unit(units, an, officer):
    # Another district's namesake, and the officer's own account (a staff
    # account an officer's import may not change) are no candidates.
    person(
        units,
        "an@bienhoa.example.gov.vn",
        "Nguyễn Văn An",
        birth=datetime.date(1985, 1, 4),
        code="731",
    )
    agency = officer.profile.agency.name
    data = csv(
        "Nguyễn Văn An,an.x@gmail.com,04/01/1985,,Phòng Y tế,741,",
        f"Lê Hoàng Đức,duc.x@gmail.com,,,{agency},741,",
    )
    assert flagged(data, units) == {2: ["an.nv@xuanloc.example.gov.vn"]}
    # The command line (an administrator) may update the officer's account.
    assert flagged(data, units, administrator=True) == {
        2: ["an.nv@xuanloc.example.gov.vn"],
        3: [officer.email],
    }


ROW = "Nguyễn Văn An,an.moi@gmail.com,04/01/1985,Trưởng phòng,Phòng Nội vụ,741,"


def run(data, units, **kwargs):
    return import_file(
        data, filename="ds.csv", scope=units["741"], actor=None, **kwargs
    )


def test_undecided_row_writes_nothing(units, an):
    before = User.objects.count()
    plan, result = run(
        csv(ROW, "Trần Văn Mới,moi@gmail.com,,,Phòng Nội vụ,741,"), units
    )
    assert result is None
    assert [e.line for e in plan.errors] == [2]
    assert "an.nv@xuanloc.example.gov.vn" in plan.errors[0].message
    assert User.objects.count() == before


def test_same_person_updates_the_account_and_its_address(units, an):
    plan, result = run(csv(ROW), units, decisions={"2": f"user:{an.pk}"})
    assert plan.ok and result.users_created == 0 and result.profiles_updated == 1
    an.refresh_from_db()
    assert an.email == "an.moi@gmail.com"
    assert an.profile.position == "Trưởng phòng"
    assert EmailAddress.objects.get(user=an, primary=True).email == "an.moi@gmail.com"
    assert StaffProfile.objects.filter(full_name="Nguyễn Văn An").count() == 1
    # The same file again: the address is the account's now, nothing changes.
    _plan, again = run(csv(ROW), units)
    assert again.unchanged == 1 and again.users_created == 0


def test_another_person_gets_an_account(units, an):
    plan, result = run(csv(ROW), units, decisions={"2": NEW})
    assert result.users_created == 1
    assert StaffProfile.objects.filter(full_name="Nguyễn Văn An").count() == 2
    an.refresh_from_db()
    assert an.email == "an.nv@xuanloc.example.gov.vn"


def test_a_decision_for_someone_not_a_candidate_is_refused(units, an):
    other = person(units, "binh@xuanloc.example.gov.vn", "Lê Văn Bình")
    plan, result = run(csv(ROW), units, decisions={"2": f"user:{other.pk}"})
    assert result is None and [e.line for e in plan.errors] == [2]


def test_twin_rows_decided_the_same_make_one_account(units):
    data = csv(
        "Lê Thị Hoa,hoa1@gmail.com,02/02/1990,,Phòng Nội vụ,741,",
        "Lê Thị Hoa,hoa2@gmail.com,02/02/1990,Kế toán,Phòng Nội vụ,741,",
    )
    plan, result = run(data, units, decisions={"3": "line:2"})
    assert result.users_created == 1
    user = User.objects.get(profile__full_name="Lê Thị Hoa")
    assert user.email == "hoa2@gmail.com" and user.profile.position == "Kế toán"


def test_command_needs_a_choice_for_possible_duplicates(units, an, tmp_path, capsys):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv(ROW))
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), "--unit", "741")
    assert "an.nv@xuanloc.example.gov.vn" in capsys.readouterr().err
    assert not User.objects.filter(email="an.moi@gmail.com").exists()
    call_command("import_staff", str(path), "--unit", "741", "--duplicates", "same")
    an.refresh_from_db()
    assert an.email == "an.moi@gmail.com"


def upload(client, data: bytes) -> ImportJob:
    file = io.BytesIO(data)
    file.name = "ds.csv"
    client.post(reverse("courses:import_upload"), {"file": file})
    return ImportJob.objects.latest("created_at")


def test_officer_decides_in_the_preview(client, officer, units, an):
    client.force_login(officer)
    job = upload(client, csv(ROW, "Trần Văn Mới,moi@gmail.com,,,Phòng Nội vụ,741,"))
    assert job.status == ImportJob.Status.READY
    url = reverse("courses:import_job", args=[job.token])
    page = client.get(url).content.decode()
    assert "Cùng một người: cập nhật" in page and "Người khác: tạo mới" in page
    assert "an.nv@xuanloc.example.gov.vn" in page
    # Confirming without a choice writes nothing and says which line waits.
    response = client.post(url)
    assert response.status_code == 200
    assert "Còn 1 dòng chưa chọn: 2." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY
    assert not User.objects.filter(email="moi@gmail.com").exists()
    client.post(url, {"dup-2": f"user:{an.pk}"})
    job.refresh_from_db()
    assert job.decisions == {"2": f"user:{an.pk}"}
    assert job.status == ImportJob.Status.DONE
    assert job.result["done"]["users_created"] == 1
    an.refresh_from_db()
    assert an.email == "an.moi@gmail.com"


def test_namesakes_in_the_officers_list_show_their_address(
    client, officer, units, an, course
):
    data = csv(ROW, "Trần Văn Mới,moi@gmail.com,,,Phòng Nội vụ,741,")
    plan, result = run(data, units, course=course, decisions={"2": NEW})
    run(
        csv("Nguyễn Văn An,an.nv@xuanloc.example.gov.vn,04/01/1985,,Phòng Nội vụ,741,"),
        units,
        course=course,
    )
    client.force_login(officer)
    page = client.get(reverse("courses:officer_enrolments")).content.decode()
    assert page.count("data-namesake-email") == 2
    assert "· an.moi@gmail.com" in page and "· an.nv@xuanloc.example.gov.vn" in page
    assert "· moi@gmail.com" not in page  # a name borne once needs no address
