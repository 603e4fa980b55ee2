# Fixture for .semgrep/rules.yml (semgrep --test): every `ruleid:` line
# must be reported, every `ok:` line must not. Never imported or run.
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt


# ruleid: no-csrf-exempt
@csrf_exempt
def hook(request):
    return None


# ruleid: no-csrf-exempt
hook2 = csrf_exempt(hook)


# ok: no-csrf-exempt
def normal(request):
    return None


def greet(name, user):
    # ruleid: no-mark-safe-on-variables
    a = mark_safe(name)
    # ruleid: no-mark-safe-on-variables
    b = mark_safe(f"<b>{user.full_name}</b>")
    # ok: no-mark-safe-on-variables
    c = mark_safe("<br>")
    # ruleid: no-preformatted-format-html
    d = format_html(f"<b>{name}</b>")
    # ruleid: no-preformatted-format-html
    e = format_html("<b>%s</b>" % name)
    # ruleid: no-preformatted-format-html
    f = format_html("<b>{}</b>".format(name))
    # ok: no-preformatted-format-html
    g = format_html("<b>{}</b>", name)
    return a, b, c, d, e, f, g


def search(model, term, table):
    # ruleid: no-formatted-raw-sql
    model.objects.raw(f"SELECT * FROM people_user WHERE email = '{term}'")
    # ruleid: no-formatted-raw-sql
    model.objects.raw("SELECT * FROM people_user WHERE email = '%s'" % term)
    # ok: no-formatted-raw-sql
    model.objects.raw("SELECT * FROM people_user WHERE email = %s", [term])
    with connection.cursor() as cursor:
        # ruleid: no-formatted-raw-sql
        cursor.execute(f"DELETE FROM {table}")
        # ruleid: no-formatted-raw-sql
        cursor.execute("SELECT * FROM t WHERE a = '{}'".format(term))
        # ruleid: no-formatted-raw-sql
        cursor.execute("SELECT * FROM t WHERE a = '" + term + "'")
        # ok: no-formatted-raw-sql
        cursor.execute("SELECT * FROM t WHERE a = %s", [term])
        # ok: no-formatted-raw-sql
        cursor.execute("SELECT 1")
    # ruleid: no-formatted-raw-sql
    model.objects.extra(where=[f"name = '{term}'"])
    # ruleid: no-formatted-raw-sql
    model.objects.annotate(x=RawSQL(f"SELECT '{term}'", []))
    # ok: no-formatted-raw-sql
    model.objects.annotate(x=RawSQL("SELECT %s", [term]))
