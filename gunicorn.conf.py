"""gunicorn settings for production (behind a TLS-terminating reverse proxy).

Every value can be overridden from the environment (GUNICORN_*).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core, one request at a time each: pages are short and
# CPU-bound in Python. A second thread per worker only made the two fight
# over the interpreter lock: browsing on 2 cores (docs/benchmarks.md) went
# from 16.6 to 14.7 ms of worker CPU a page and from 98 to 109 pages/s with
# one thread. The reverse proxy buffers requests and responses, so a slow
# phone never holds a worker. With the database on another machine, raise
# GUNICORN_WORKERS (e.g. 2 × cores + 1) to use the cores while queries wait.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread"  # keeps idle keep-alive connections off the workers
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage; not
# so often that it shows: a fresh worker spends seconds importing the project
# while its queue waits (at 2,000 requests the browsing benchmark's p99 was
# 3.9 s, at 20,000 0.7 s: docs/benchmarks.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
wsgi_app = "elearning.wsgi:application"
