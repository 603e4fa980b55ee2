"""The password hasher: Argon2id at the cost OWASP recommends.

Django's own Argon2 hasher asks for 100 MiB and 8 lanes per hash. On the
province's two-core servers an exam morning starts with hundreds of sign-ins
within a couple of minutes, so each hash must stay well under a tenth of a
second of one core while still being memory-hard. OWASP's Password Storage
Cheat Sheet gives Argon2id with 19 MiB, 2 iterations and 1 lane as its first
configuration: about 0.06 s on one core of these machines (docs/benchmarks.md),
against ~0.5–1 s for Django's default PBKDF2-SHA256 at 1,000,000 iterations,
which is not memory-hard at all. Hashes made with other parameters or with
PBKDF2 are verified and then re-hashed with these on the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ProvinceArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
