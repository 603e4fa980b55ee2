"""The client's address behind the reverse proxy (``REMOTE_ADDR``).

gunicorn gives the address of whoever opened the connection: behind nginx,
the proxy's, the same for every learner. The sign-in and verification rate
limits, QR attendance and the audit log would then count and record one
address for the whole province. nginx appends the address it saw to
``X-Forwarded-For`` (deploy/nginx/elearning.conf.template); when the
connection comes from a trusted proxy, that last entry becomes
``REMOTE_ADDR`` before any other middleware or view reads it. The trusted
proxies are the addresses gunicorn trusts with ``X-Forwarded-Proto``
(``GUNICORN_FORWARDED_ALLOW_IPS``: addresses or networks, ``*`` for any).
From anywhere else the header is ignored: a client cannot choose its address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


class ForwardedClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        trusted = list(settings.TRUSTED_PROXIES)
        self.trust_any = "*" in trusted
        self.networks = [
            ipaddress.ip_network(value, strict=False)
            for value in trusted
            if value != "*"
        ]

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self._trusted(request.META.get("REMOTE_ADDR", "")):
            client = _address(forwarded.rsplit(",", 1)[-1])
            if client is not None:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)

    def _trusted(self, peer: str) -> bool:
        if self.trust_any:
            return True
        address = _address(peer)
        return address is not None and any(
            ipaddress.ip_address(address) in network for network in self.networks
        )


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
