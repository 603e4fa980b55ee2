"""gunicorn settings for production (behind a TLS-terminating reverse proxy).

Every value can be overridden from the environment (GUNICORN_*).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core with two threads: pages are short and CPU-bound in
# Python, but an answer save must not wait behind a slower page in the same
# worker. Measured on 2 cores (bench/results/history.md): one thread per worker
# browsed faster (98 → 107–109 pages/s, 16.6 → 14.7 ms of worker CPU a page:
# two threads contend for the interpreter lock) but raised the exam-day
# save p95 from 70–80 to 88–100 ms, at its 100 ms limit; saves win. With
# the database on another machine, raise GUNICORN_WORKERS (e.g. 2 × cores).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"  # keeps idle keep-alive connections off the workers
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage; not
# so often that it shows: a fresh worker spends seconds importing the project
# while its queue waits (at 2,000 requests the browsing benchmark's p99 was
# 3.9 s, at 20,000 0.7 s: bench/results/history.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
wsgi_app = "elearning.wsgi:application"
