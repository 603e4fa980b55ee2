import unicodedata

import pytest

from elearning.people.models import StaffProfile
from elearning.people.names import fold, name_sort_key, normalize_text
from tests.factories import make_person


def test_normalize_text_makes_nfc_and_collapses_whitespace():
    nfd = unicodedata.normalize("NFD", "  Nguyễn\tVăn   Đức \n")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert normalize_text(nfd) == "Nguyễn Văn Đức"
    assert unicodedata.is_normalized("NFC", normalize_text(nfd))


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Đăng Ký  HỌC") == "dang ky hoc"


def test_vietnamese_sort_given_name_first_and_d_stroke_after_d():
    names = [
        "Trần Văn Đức",
        "Lê Thị Bình",
        "Nguyễn Văn Anh",
        "Phạm An",
        "Hoàng Dũng",
    ]
    ordered = sorted(names, key=name_sort_key)
    assert ordered == [
        "Phạm An",
        "Nguyễn Văn Anh",
        "Lê Thị Bình",
        "Hoàng Dũng",
        "Trần Văn Đức",
    ]


def test_same_given_name_sorts_by_family_then_middle():
    ordered = sorted(["Trần Văn An", "Lê Văn An", "Lê Thị An"], key=name_sort_key)
    assert ordered == ["Lê Thị An", "Lê Văn An", "Trần Văn An"]


@pytest.mark.django_db
def test_profile_stores_nfc_name_and_sorts_in_the_database(units):
    nfd = unicodedata.normalize("NFD", "Trần  Văn Đức")
    for i, name in enumerate([nfd, "Phạm An", "Hoàng Dũng", "Nguyễn Văn Anh"]):
        make_person(
            role="learner",
            unit=units["741"],
            full_name=name,
            email=f"p{i}@example.gov.vn",
            ready=False,
        )
    stored = StaffProfile.objects.get(user__email="p0@example.gov.vn")
    assert stored.full_name == "Trần Văn Đức"
    assert unicodedata.is_normalized("NFC", stored.full_name)
    assert list(StaffProfile.objects.values_list("full_name", flat=True)) == [
        "Phạm An",
        "Nguyễn Văn Anh",
        "Hoàng Dũng",
        "Trần Văn Đức",
    ]
