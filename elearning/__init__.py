"""The project package.

Importing it loads nothing: the certificate renderer process imports
``elearning.pdf`` without Django. The Celery app (``elearning.celery``) is
made when Django starts (``ElearningConfig.ready``), so tasks bind to it, and
when a worker names the package (``celery -A elearning``).
"""


def __getattr__(name):
    if name == "celery_app":
        from .celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
