"""The content origin: embed page, files, xAPI and saved state."""

from __future__ import annotations

import json

import pytest
from django.core import signing

from courses.h5p.models import H5PAttempt, H5PLibrary, H5PState, H5PStatement
from courses.h5p.services import attempt_start, content_iri
from courses.h5p.tokens import SALT, token_make

pytestmark = pytest.mark.django_db


def statement(version, *, raw=2, max_score=2, verb="answered", parent=False, **extra):
    data = {
        "actor": {"mbox": "mailto:someone.else@example.com", "name": "Kẻ mạo danh"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": content_iri(version), "objectType": "Activity"},
        "result": {
            "score": {"raw": raw, "max": max_score, "min": 0, "scaled": 1},
            "completion": True,
            "success": True,
        },
    }
    if parent:
        data["context"] = {
            "contextActivities": {"parent": [{"id": content_iri(version)}]}
        }
    data.update(extra)
    return data


def post_xapi(client, token, data):
    body = data if isinstance(data, bytes | str) else json.dumps(data)
    return client.post(
        f"/h5p-embed/{token}/xapi", body, content_type="application/json"
    )


def test_embed_page_headers(content_client, token, settings):
    response = content_client.get(f"/h5p-embed/{token}/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'unsafe-inline'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert f"frame-ancestors {settings.SITE_URL}" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in response
    options = json.loads(
        response.content.decode()
        .split('id="h5p-options" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert options["librariesPath"] == f"/h5p-embed/{token}/libraries"
    assert options["xAPIObjectIRI"].endswith("/v1")


def test_embed_routes_only_on_content_host(content_client, token):
    from django.test import Client

    assert Client().get(f"/h5p-embed/{token}/").status_code == 404
    assert content_client.get("/").status_code == 404
    assert content_client.get("/admin/").status_code == 404
    assert content_client.get("/accounts/login/").status_code == 404


@pytest.mark.parametrize(
    "bad", ["garbage", "eyJhIjoxfQ:1tXYZ:abc"], ids=["garbage", "bad-signature"]
)
def test_bad_token(content_client, bad):
    assert content_client.get(f"/h5p-embed/{bad}/").status_code == 404
    assert post_xapi(content_client, bad, {}).status_code == 404


def test_expired_token(content_client, token, settings):
    settings.H5P_TOKEN_MAX_AGE = -1
    assert content_client.get(f"/h5p-embed/{token}/").status_code == 404
    assert content_client.get(f"/h5p-embed/{token}/state/state/0").status_code == 404


def test_token_cannot_be_pointed_at_another_learners_attempt(
    content_client, attempt, other_learner, h5p_version
):
    """A token signed for one learner names only their attempt: a token whose
    payload is edited does not verify, and a valid token of another learner
    combined with this attempt id is refused."""
    other_attempt = attempt_start(learner=other_learner, version=h5p_version)
    other_token = token_make(attempt=other_attempt)
    payload = signing.TimestampSigner(salt=SALT).unsign_object(other_token)
    forged_payload = {**payload, "a": attempt.pk}
    forged = signing.TimestampSigner(salt="another-salt").sign_object(forged_payload)
    assert post_xapi(content_client, forged, statement(h5p_version)).status_code == 404

    # Mixing another learner into a genuinely signed payload is refused too.
    mixed = signing.TimestampSigner(salt=SALT).sign_object(forged_payload)
    assert post_xapi(content_client, mixed, statement(h5p_version)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.finished_at is None

    # The other learner's own token records for them only, whatever the actor.
    assert (
        post_xapi(content_client, other_token, statement(h5p_version)).status_code
        == 200
    )
    other_attempt.refresh_from_db()
    assert other_attempt.learner == other_learner
    assert other_attempt.raw_score == 2


def test_answered_statement_finishes_attempt(content_client, token, attempt):
    response = post_xapi(content_client, token, statement(attempt.version, raw=1))
    assert response.status_code == 200
    assert response.json() == {"success": True, "outcome": "accepted"}
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    assert (attempt.raw_score, attempt.max_score) == (1, 2)
    assert str(attempt.scaled_score) == "50.00"
    assert attempt.success is False  # pass threshold 80 %
    stored = H5PStatement.objects.get()
    assert stored.outcome == H5PStatement.Outcome.ACCEPTED

    # The player's "retry" sends a new score: a second attempt.
    assert (
        post_xapi(content_client, token, statement(attempt.version, raw=2)).status_code
        == 200
    )
    second = H5PAttempt.objects.get(number=2)
    assert second.raw_score == 2 and second.success is True


def test_wrong_object_id_is_rejected_and_stored(content_client, token, attempt):
    data = statement(attempt.version)
    data["object"]["id"] = "http://localhost:8000/h5p/content/999/v1"
    response = post_xapi(content_client, token, data)
    assert response.status_code == 400
    stored = H5PStatement.objects.get()
    assert stored.outcome == H5PStatement.Outcome.REJECTED
    assert stored.reason == "Mã đối tượng không khớp với bài tập."
    attempt.refresh_from_db()
    assert attempt.finished_at is None


@pytest.mark.parametrize(
    "raw,max_score",
    [(3, 2), (-1, 2), (100, 100), (1, 5), ("2", 2), (1.5, 2)],
    ids=["above-max", "negative", "inflated-max", "other-max", "string", "fraction"],
)
def test_score_out_of_bounds(content_client, token, attempt, raw, max_score):
    """One message for every score problem: none of them tells the maximum."""
    response = post_xapi(
        content_client, token, statement(attempt.version, raw=raw, max_score=max_score)
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Điểm không hợp lệ."
    assert H5PStatement.objects.get().reason == "Điểm không hợp lệ."
    attempt.refresh_from_db()
    assert attempt.raw_score is None


def test_child_statement_does_not_score(content_client, token, attempt):
    response = post_xapi(content_client, token, statement(attempt.version, parent=True))
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    attempt.refresh_from_db()
    assert attempt.finished_at is None


def test_sub_content_object_does_not_score(content_client, token, attempt):
    data = statement(attempt.version)
    data["object"]["id"] = content_iri(attempt.version) + "?subContentId=abc"
    assert post_xapi(content_client, token, data).json()["outcome"] == "ignored"
    attempt.refresh_from_db()
    assert attempt.finished_at is None


def test_other_verbs_do_not_score(content_client, token, attempt):
    data = statement(attempt.version, verb="interacted")
    assert post_xapi(content_client, token, data).json()["outcome"] == "ignored"
    attempt.refresh_from_db()
    assert attempt.finished_at is None


def test_oversized_statement_is_rejected_with_reason(content_client, token, attempt):
    data = statement(attempt.version, padding="x" * (65 * 1024))
    response = post_xapi(content_client, token, data)
    assert response.status_code == 400
    stored = H5PStatement.objects.get()
    assert stored.reason == "Câu lệnh xAPI vượt quá 64 KB."
    assert stored.statement is None


def test_not_json_is_rejected(content_client, token):
    assert post_xapi(content_client, token, b"{oops").status_code == 400
    assert H5PStatement.objects.get().reason == "Câu lệnh xAPI không phải JSON hợp lệ."


def test_rate_limit(content_client, token, attempt, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "h5p_xapi": "3/m/key",
    }
    data = statement(attempt.version, verb="interacted")
    codes = [post_xapi(content_client, token, data).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert H5PStatement.objects.count() == 3


def test_state_round_trip(content_client, token, attempt):
    url = f"/h5p-embed/{token}/state/state/0"
    assert content_client.get(url).json() == {"success": True, "data": False}
    saved = json.dumps({"answers": [True, False]})
    response = content_client.post(url, {"data": saved, "preload": 1, "invalidate": 1})
    assert response.json() == {"success": True}
    assert content_client.get(url).json() == {"success": True, "data": saved}
    assert H5PState.objects.get().learner == attempt.learner
    # H5P deletes with data=0.
    content_client.post(url, {"data": "0", "preload": 0, "invalidate": 0})
    assert content_client.get(url).json() == {"success": True, "data": False}


def test_state_limits(content_client, token):
    url = f"/h5p-embed/{token}/state/state/0"
    big = json.dumps({"x": "y" * (65 * 1024)})
    assert content_client.post(url, {"data": big}).status_code == 413
    assert content_client.post(url, {"data": "{nope"}).status_code == 400
    assert H5PState.objects.count() == 0


def test_files_with_fixed_mime_types(content_client, token):
    response = content_client.get(f"/h5p-embed/{token}/files/h5p.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    js = content_client.get(
        f"/h5p-embed/{token}/libraries/H5P.ElearningTrueFalse-1.0/scripts/true-false.js"
    )
    assert js.status_code == 200
    assert js["Content-Type"] == "text/javascript"
    assert b"triggerXAPIScored" in b"".join(js.streaming_content)


@pytest.mark.parametrize(
    "path",
    [
        "files/../h5p.json",
        "files/content/..%2F..%2Fh5p.json",
        "files/other/x.json",
        "libraries/H5P.Other-1.0/library.json",
        "libraries/H5P.ElearningTrueFalse-1.0/../../h5p.json",
    ],
    ids=["dotdot", "encoded", "outside-content", "foreign-library", "library-dotdot"],
)
def test_files_cannot_escape(content_client, token, path):
    assert content_client.get(f"/h5p-embed/{token}/{path}").status_code == 404


def test_unapproved_library_is_not_served(content_client, token, h5p_version):
    H5PLibrary.objects.update(status=H5PLibrary.Status.PENDING)
    url = f"/h5p-embed/{token}/libraries/H5P.ElearningTrueFalse-1.0/library.json"
    assert content_client.get(url).status_code == 404


@pytest.mark.parametrize("earlier_attempts", [0, 20], ids=["fresh", "busy"])
def test_query_counts_do_not_grow(
    content_client,
    learner,
    h5p_version,
    django_assert_max_num_queries,
    earlier_attempts,
):
    for number in range(1, earlier_attempts + 1):
        H5PAttempt.objects.create(
            learner=learner,
            version=h5p_version,
            number=number,
            finished_at="2026-11-01T08:00Z",
        )
    attempt = attempt_start(learner=learner, version=h5p_version)
    token = token_make(attempt=attempt)
    url = f"/h5p-embed/{token}/libraries/H5P.ElearningTrueFalse-1.0/library.json"
    with django_assert_max_num_queries(3):
        assert content_client.get(url).status_code == 200
    with django_assert_max_num_queries(3):
        assert content_client.get(f"/h5p-embed/{token}/").status_code == 200
    with django_assert_max_num_queries(13):
        post_xapi(content_client, token, statement(h5p_version))


def test_svg_and_xml_are_served_as_inert_documents(content_client, learner):
    from courses.h5p.views import INERT_CSP

    from .helpers import good_members, import_bytes, zip_bytes

    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    members = good_members()
    members["content/images/logo.svg"] = svg
    members["content/data.xml"] = b"<a/>"
    members["H5P.ElearningTrueFalse-1.0/icon.svg"] = svg
    version = import_bytes(zip_bytes(members), approve_libraries=True).version
    token = token_make(attempt=attempt_start(learner=learner, version=version))
    for path, mime in (
        ("files/content/images/logo.svg", "image/svg+xml"),
        ("files/content/data.xml", "application/xml"),
        ("libraries/H5P.ElearningTrueFalse-1.0/icon.svg", "image/svg+xml"),
    ):
        response = content_client.get(f"/h5p-embed/{token}/{path}")
        assert response.status_code == 200, path
        assert response["Content-Type"] == mime
        assert response["Content-Security-Policy"] == INERT_CSP
        assert response["X-Content-Type-Options"] == "nosniff"
    # Other files keep the embed policy.
    response = content_client.get(f"/h5p-embed/{token}/files/content/content.json")
    assert response["Content-Security-Policy"] != INERT_CSP
