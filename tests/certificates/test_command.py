import io

import pytest
from django.core.management import CommandError, call_command

from certificates.models import Certificate, CertificateTemplate
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command("issue_certificates", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cohort(learner, other_learner, course, template, enrol, units):
    waiting = make_person(
        role="learner",
        unit=units["741"],
        full_name="Phan Thị Cúc",
        email="cuc@xuanloc.example.gov.vn",
    )
    enrol(learner, course, 77)
    enrol(other_learner, course, 92)
    enrol(waiting, course)
    return waiting


def test_dry_run_lists_without_issuing(cohort, course):
    output = _run("--course", "ATTT-CB-2026", "--dry-run")
    assert output.count("WOULD ISSUE") == 2
    assert "SKIPPED Phan Thị Cúc" in output
    assert "Chưa đạt bài kiểm tra cuối khóa." in output
    assert not Certificate.objects.exists()


def test_issue_for_one_district(cohort, course, learner):
    output = _run("--course", "ATTT-CB-2026", "--unit", "741")
    assert "ISSUED 0001/" in output and "GCN-SKHCN" in output
    assert "issued: 1, skipped: 1" in output
    assert list(Certificate.objects.values_list("learner", flat=True)) == [learner.pk]
    # Running again skips the holder, with the reason.
    again = _run("--course", "ATTT-CB-2026", "--unit", "741")
    assert "Đã có giấy chứng nhận số" in again
    assert Certificate.objects.count() == 1


def test_issue_by_class_code(cohort, course, learner, other_learner, monkeypatch):
    from certificates import selectors

    monkeypatch.setattr(
        selectors,
        "class_learner_ids",
        lambda c, code: [other_learner.pk] if code == "LOP-01" else None,
    )
    output = _run("--course", "ATTT-CB-2026", "--class", "LOP-01")
    assert "issued: 1, skipped: 0" in output
    certificate = Certificate.objects.get()
    assert certificate.learner == other_learner
    assert certificate.training_class_code == "LOP-01"
    with pytest.raises(CommandError):
        _run("--course", "ATTT-CB-2026", "--class", "KHONG-CO")


def test_unknown_course(db):
    with pytest.raises(CommandError):
        _run("--course", "KHONG-CO")


def test_seed_demo_template_is_idempotent(db):
    from certificates import demo
    from certificates.models import Issuer

    out = io.StringIO()
    demo.seed(stdout=out, style=None)
    demo.seed(stdout=out, style=None)
    template = CertificateTemplate.objects.get()
    assert template.is_default
    assert template.latest_revision is not None
    issuers = list(Issuer.objects.order_by("valid_from"))
    assert [(i.code, i.issuing_body) for i in issuers] == [
        ("STTTT", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"),
        ("SKHCN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
    ]
    assert all(i.signer_name and i.latest_revision_id for i in issuers)


def test_template_admin_pages(client, province_admin, template):
    from django.contrib.auth.models import Permission

    province_admin.is_superuser = True
    province_admin.save()
    client.force_login(province_admin)
    index = client.get("/admin/snippets/certificates/certificatetemplate/")
    assert index.status_code == 200
    assert "Mặc định" in index.content.decode()
    edit = client.get(
        f"/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/"
    )
    assert edit.status_code == 200
    assert Permission.objects.filter(codename="change_certificatetemplate").exists()
