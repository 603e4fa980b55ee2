"""Review options as Moodle's: each item (answers, right or wrong, correct
answers, feedback, score) shown at chosen moments, replacing the two-way
``review`` choice. Practice quizzes keep showing everything at once, except
those counting for completion, which get the safe default; exam quizzes
showed the score only until they closed."""

from django.db import migrations

import quizzes.review

ALL, CLOSED = 7, 4
SAFE = {
    "answer": ALL,
    "correctness": CLOSED,
    "correct_answer": CLOSED,
    "feedback": CLOSED,
    "score": ALL,
}


def forwards(apps, schema_editor):
    QuizPage = apps.get_model("quizzes", "QuizPage")
    for quiz in QuizPage.objects.all():
        if quiz.review == "practice" and not quiz.counts_for_completion:
            values = dict.fromkeys(SAFE, ALL)
        elif quiz.review == "practice":
            values = SAFE
        else:
            values = {**dict.fromkeys(SAFE, CLOSED), "score": ALL}
        QuizPage.objects.filter(pk=quiz.pk).update(
            **{f"review_{item}": value for item, value in values.items()}
        )


def backwards(apps, schema_editor):
    QuizPage = apps.get_model("quizzes", "QuizPage")
    QuizPage.objects.filter(review_correct_answer__gte=ALL).update(review="practice")


def field(verbose_name, default):
    return quizzes.review.ReviewMomentsField(default=default, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_role_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="quizpage",
            name="review_answer",
            field=field("câu trả lời của học viên", ALL),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="review_correctness",
            field=field("đúng hay sai, điểm từng câu", CLOSED),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="review_correct_answer",
            field=field("đáp án đúng", CLOSED),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="review_feedback",
            field=field("nhận xét", CLOSED),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="review_score",
            field=field("điểm bài làm", ALL),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="quizpage", name="review"),
    ]
