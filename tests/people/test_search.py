"""Staff search: case and diacritics never matter, every word must match."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from elearning.people.models import StaffProfile, staff_search_q
from elearning.people.names import search_words
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(units):
    xl = units["741"]
    return {
        "duc": make_person(
            role="learner", unit=xl, full_name="Phạm Minh Đức", email="duc.pm@x.vn"
        ),
        "ngoc": make_person(
            role="learner", unit=xl, full_name="Trần Thị Bích Ngọc", email="ngoc@x.vn"
        ),
        "a": make_person(
            role="learner", unit=xl, full_name="Nguyễn Văn A", email="a.nv@x.vn"
        ),
        "dang": make_person(
            role="learner", unit=xl, full_name="đặng văn hùng", email="hung@x.vn"
        ),
    }


def found(query: str) -> set[str]:
    return set(StaffProfile.objects.search(query).values_list("user__email", flat=True))


def test_search_words_are_folded_and_deduplicated():
    assert search_words("  Nguyễn  VĂN nguyen Đức ") == ["nguyen", "van", "duc"]
    assert search_words("") == []


def test_save_fills_the_folded_key(people):
    assert people["duc"].profile.search_key == "pham minh duc"
    assert people["ngoc"].profile.search_key == "tran thi bich ngoc"


@pytest.mark.parametrize(
    "query",
    ["đức", "Đức", "ĐỨC", "duc", "DUC", "Duc"],
)
def test_d_with_stroke_and_case_fold_both_ways(people, query):
    assert found(query) == {"duc.pm@x.vn"}


@pytest.mark.parametrize("query", ["Đặng", "dang", "DANG", "đặng hùng", "HUNG DANG"])
def test_lower_case_stored_name_is_found_by_any_spelling(people, query):
    assert found(query) == {"hung@x.vn"}


@pytest.mark.parametrize("query", ["Ngoc", "ngọc", "NGỌC", "bich ngoc", "Ngọc Trần"])
def test_without_or_with_diacritics(people, query):
    assert found(query) == {"ngoc@x.vn"}


def test_every_word_must_match_in_any_order(people):
    assert found("nguyen van a") == {"a.nv@x.vn"}
    assert found("a van nguyen") == {"a.nv@x.vn"}
    assert found("Nguyễn Văn A") == {"a.nv@x.vn"}
    assert found("nguyen ngoc") == set()  # no one has both
    assert found("van") == {"a.nv@x.vn", "hung@x.vn"}


def test_a_one_letter_word_is_an_initial(people, units):
    make_person(
        role="learner", unit=units["741"], full_name="Nguyễn Văn Bình", email="b@x.vn"
    )
    # Only a name word (or the address) starting with it, not every "văn".
    assert found("nguyen van a") == {"a.nv@x.vn"}
    assert found("nguyen van b") == {"b@x.vn"}
    assert found("v") == {"a.nv@x.vn", "hung@x.vn", "b@x.vn"}
    assert found("h") == {"hung@x.vn"}  # Hùng; "Thị", "Nguyễn" do not count
    assert found("n") == {"ngoc@x.vn", "a.nv@x.vn", "b@x.vn"}


def test_address_words_match_too(people):
    assert found("NGOC@X") == {"ngoc@x.vn"}
    assert found("duc minh") == {"duc.pm@x.vn"}
    assert found("duc.pm@x.vn") == {"duc.pm@x.vn"}


def test_empty_query_filters_nothing(people):
    assert StaffProfile.objects.filter(staff_search_q("   ")).count() == 4


def test_name_change_updates_the_key(people):
    profile = people["a"].profile
    profile.full_name = "Nguyễn Văn Ánh"
    profile.save()
    assert found("anh") == {"a.nv@x.vn"}


def test_admin_staff_list_search_folds_and_stays_scoped(
    client, officer, people, other_learner
):
    client.force_login(officer)
    url = reverse("people_staff:index")
    text = client.get(url, {"q": "nguyen van a"}).content.decode()
    assert "a.nv@x.vn" in text and "ngoc@x.vn" not in text
    text = client.get(url, {"q": "ĐỨC"}).content.decode()
    assert "duc.pm@x.vn" in text and "a.nv@x.vn" not in text
    # Trần Thị Bình of Biên Hòa: outside the officer's district.
    text = client.get(url, {"q": "binh"}).content.decode()
    assert other_learner.email not in text


def test_data_migration_fills_existing_rows(people):
    migration = importlib.import_module(
        "elearning.people.migrations.0006_staff_search_key"
    )
    StaffProfile.objects.update(search_key="")
    assert found("pham") == set()
    migration.fill_search_keys(django_apps, None)
    keys = dict(StaffProfile.objects.values_list("user__email", "search_key"))
    assert keys["duc.pm@x.vn"] == "pham minh duc"
    assert keys["hung@x.vn"] == "dang van hung"
    assert found("pham") == {"duc.pm@x.vn"}
