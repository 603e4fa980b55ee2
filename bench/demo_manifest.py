"""A small load manifest over `seed_demo` data, to try the harness quickly.

Not the load dataset (that is ``manage.py generate_load_data``): N learners
(one shared password hash, verified address, privacy consent, enrolled in the
demo course) and the demo course's pages::

    DATABASE_URL=... .venv/bin/python manage.py seed_demo
    DATABASE_URL=... .venv/bin/python bench/demo_manifest.py --learners 300 \
        --manifest bench/.load-DEMO.json
    PERF_SIZE=DEMO make perf        # reuses it (size DEMO, seed 1)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--manifest", type=Path, required=True)
    args = parser.parse_args()
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from courses.models import CoursePage, Enrolment, LessonPage
    from elearning.people.demo import DEMO_PASSWORD
    from elearning.people.models import PrivacyConsent, User
    from elearning.people.services import PRIVACY_NOTICE_VERSION
    from quizzes.models import QuizPage

    quiz = QuizPage.objects.live().get(title="Bài kiểm tra cuối khóa")
    course = quiz.get_parent().specific
    hashed = make_password(DEMO_PASSWORD)
    emails = [f"perf-demo-{n:04d}@xuanloc.example.gov.vn" for n in range(args.learners)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [User(email=e, password=hashed) for e in emails if e not in have]
    )
    users = list(User.objects.filter(email__in=emails))
    Group.objects.get(name="learner").user_set.add(*users)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in users
        ],
        ignore_conflicts=True,
    )
    consented = set(
        PrivacyConsent.objects.filter(
            user__in=users, notice_version=PRIVACY_NOTICE_VERSION
        ).values_list("user_id", flat=True)
    )
    PrivacyConsent.objects.bulk_create(
        [
            PrivacyConsent(user=u, notice_version=PRIVACY_NOTICE_VERSION)
            for u in users
            if u.pk not in consented
        ]
    )
    Enrolment.objects.bulk_create(
        [Enrolment(learner=u, course=course) for u in users], ignore_conflicts=True
    )
    quiz.attempts_allowed = 0
    quiz.save()
    courses = [c.url for c in CoursePage.objects.live()]
    lessons = [p.url for p in LessonPage.objects.live().descendant_of(course)]
    admin = User.objects.get(email="quantri@skhcn.dongnai.example.gov.vn")
    args.manifest.write_text(
        json.dumps(
            {
                "size": args.manifest.stem.rsplit("-", 1)[-1],
                "seed": 1,
                "password": DEMO_PASSWORD,
                "learners": emails,
                "officers": [],
                "admin": {"email": admin.email, "totp_secret": ""},
                "exam": {
                    "quiz_url": quiz.url,
                    "course_url": course.url,
                    "learners": emails,
                },
                "browse": {"course_urls": courses, "lesson_urls": lessons},
            },
            indent=1,
        )
    )
    print(f"{len(emails)} learners; manifest {args.manifest}")


if __name__ == "__main__":
    main()
