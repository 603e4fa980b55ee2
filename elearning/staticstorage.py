"""Static files: WhiteNoise's compressed, hashed storage, with each file's
address worked out once per process.

A page asks for five to seven static addresses (``{% static %}``); each one
looks the name up in the manifest and rebuilds the address (~40 µs of CPU,
~5 % of a learner's page). The manifest does not change while a process
runs — a new ``collectstatic`` comes with a restart — so the answers are
kept. With ``DEBUG`` on (files served unhashed, edited as one works) or
``force``, every address is worked out again.
"""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
