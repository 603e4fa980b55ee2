"""Settings of the `make perf` run: production, plus what a loopback run needs.

gunicorn, Celery and the Django-side steps of bench/perf.py run with these.
Differences from elearning.settings.production, each because the benchmark
has no TLS-terminating reverse proxy in front of gunicorn:

- Session and CSRF cookies are not marked Secure: over plain http on the
  loopback a client would otherwise never send them back.
- allauth takes the client address from the last X-Forwarded-For entry, as
  behind the proxy of docs/deployment.md; the simulated learners each send
  their own address, as real ones come from many. Without it every login of
  the storm would come from 127.0.0.1 and meet allauth's 30 logins a minute
  per address.
- The trivial ``bench_ping`` view answers (404 everywhere else): the
  baseline every throughput is divided by.
"""

from elearning.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLAUTH_TRUSTED_PROXY_COUNT = 1
BENCH_PING = True
