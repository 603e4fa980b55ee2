"""Growing delays on failed sign-ins, per account and per address.

No fixed lock: a stranger who knows an e-mail address can slow down only
the addresses they try from, never keep the owner out. Three counters of
failed password checks are kept in the cache (shared by every process):

- **account × address** (``account_address``): the address typed and the
  client address together. After ``free`` failures the next attempt must
  wait ``base`` seconds, then twice as long after each further failure, up
  to ``cap``. Only this pair is slowed: the owner signing in from another
  address is not. A successful sign-in from the pair forgets it; so does a
  password reset of the account.
- **account** (``account``): failures from every address, for a guesser
  spread over many addresses. It only slows addresses that have themselves
  failed for this account, and its delay is capped low (``cap``), so
  failures elsewhere delay the owner by at most that, and not at all from
  an address that has not failed.
- **address** (``address``): failures from one address whatever the
  account, for an address that tries many accounts. Many people share an
  address (an office's NAT, a mobile carrier's), so it starts late, is
  capped lower and leaks: one failure is forgiven every ``leak`` seconds,
  so everyday typing mistakes behind one address never add up to a delay.

A counter is forgotten ``window`` seconds after its last failure. Two
concurrent checks of the same account from the same address, or more than
``LOGIN_THROTTLE_CONCURRENT`` from one address, are refused for a second,
so a burst of simultaneous requests cannot slip through one free slot.

The cache failing open (Redis down, ``elearning.cache``) lets sign-ins
through unthrottled for the outage, as allauth's own rate limits do.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext, ngettext

PREFIX = "login-throttle"
# A concurrency slot is given back when the check ends; a process killed
# mid-check leaves it held this long at most.
SLOT_TIMEOUT = 60


@dataclass(frozen=True)
class Ladder:
    free: int  # failures that cost nothing
    base: float  # the first delay, in seconds
    cap: float  # the longest delay
    window: int  # the counter is forgotten this long after its last failure
    leak: float = 0  # one failure forgiven every `leak` seconds (0: none)

    def delay(self, failures: float) -> float:
        failures = math.ceil(failures)  # a part-forgiven failure still counts
        if failures < self.free:
            return 0.0
        return float(min(self.cap, self.base * 2 ** (failures - self.free)))

    def failures_at(self, state: dict | None, now: float) -> float:
        """How many failures count at ``now`` (after leaking)."""
        if not state:
            return 0.0
        failures = float(state["n"])
        if self.leak:
            failures = max(0.0, failures - (now - state["at"]) / self.leak)
        return failures

    def wait(self, state: dict | None, now: float) -> float:
        """Seconds still to wait before the next attempt."""
        if not state:
            return 0.0
        return max(0.0, state["at"] + self.delay(state["n"]) - now)


class Throttled(Exception):
    def __init__(self, wait: float):
        super().__init__(wait)
        self.wait = max(1, math.ceil(wait))

    @property
    def message(self) -> str:
        return login_throttle_message(self.wait)


def ladders() -> dict[str, Ladder]:
    return {
        scope: Ladder(**values) for scope, values in settings.LOGIN_THROTTLE.items()
    }


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def client_address(address: str) -> str:
    """IPv4 as is; IPv6 by its /64 (one subscriber holds a whole /64)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


@dataclass
class Ticket:
    """One password check under way: its counters' keys and slots held."""

    keys: dict[str, str]
    slots: list[str]
    done: bool = False


def _generation_key(login: str) -> str:
    return f"{PREFIX}:gen:{_digest(login)}"


def _keys(login: str, address: str) -> dict[str, str]:
    generation = str(cache.get(_generation_key(login), 0))
    return {
        "account_address": f"{PREFIX}:pair:{_digest(generation, login, address)}",
        "account": f"{PREFIX}:account:{_digest(login)}",
        "address": f"{PREFIX}:address:{_digest(address)}",
    }


def _take_slot(key: str, limit: int) -> bool:
    cache.add(key, 0, timeout=SLOT_TIMEOUT)
    try:
        taken = cache.incr(key)
    except ValueError:  # expired meanwhile, or the cache is down
        cache.set(key, 1, timeout=SLOT_TIMEOUT)
        taken = 1
    if taken > limit:
        _give_slot(key)
        return False
    return True


def _give_slot(key: str) -> None:
    with contextlib.suppress(ValueError):  # expired, or the cache is down
        cache.decr(key)


def login_throttle_check(login: str, address: str) -> Ticket:
    """Before a password is checked: raise ``Throttled`` if it must wait."""
    login = (login or "").strip().lower()
    address = client_address(address)
    now = timezone.now().timestamp()
    rules = ladders()
    keys = _keys(login, address)
    states = cache.get_many(list(keys.values()))
    pair = states.get(keys["account_address"])
    waits = [
        rules["account_address"].wait(pair, now),
        rules["address"].wait(states.get(keys["address"]), now),
    ]
    if pair:  # only an address that has failed for this account
        waits.append(rules["account"].wait(states.get(keys["account"]), now))
    wait = max(waits)
    if wait > 0:
        raise Throttled(wait)
    slots = []
    limits = [
        (f"{keys['account_address']}:slot", 1),
        (f"{keys['address']}:slot", settings.LOGIN_THROTTLE_CONCURRENT),
    ]
    for slot, limit in limits:
        if not _take_slot(slot, limit):
            for taken in slots:
                _give_slot(taken)
            raise Throttled(1)
        slots.append(slot)
    return Ticket(keys=keys, slots=slots)


def login_throttle_failed(ticket: Ticket) -> None:
    """The password was wrong (or the account unknown): count it everywhere."""
    now = timezone.now().timestamp()
    rules = ladders()
    states = cache.get_many(list(ticket.keys.values()))
    for scope, key in ticket.keys.items():
        rule = rules[scope]
        failures = rule.failures_at(states.get(key), now) + 1
        cache.set(key, {"n": failures, "at": now}, timeout=rule.window)


def login_throttle_succeeded(ticket: Ticket) -> None:
    """The owner got in from this address: forget this pair's failures.

    The account's and the address's counters stay: a guesser who owns one
    account must not wipe an address's record by signing in between
    guesses."""
    cache.delete(ticket.keys["account_address"])


def login_throttle_release(ticket: Ticket) -> None:
    if ticket.done:
        return
    ticket.done = True
    for slot in ticket.slots:
        _give_slot(slot)


def login_throttle_forget_account(login: str) -> None:
    """After a password reset: every address starts again for this account."""
    login = (login or "").strip().lower()
    key = _generation_key(login)
    cache.set(key, time.time_ns(), timeout=None)
    cache.delete(f"{PREFIX}:account:{_digest(login)}")


def login_throttle_message(wait: int) -> str:
    if wait < 60:
        duration = ngettext("%(n)d giây", "%(n)d giây", wait) % {"n": wait}
    else:
        minutes = math.ceil(wait / 60)
        duration = ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes}
    return gettext(
        "Đăng nhập sai nhiều lần. Vui lòng chờ %(duration)s rồi thử lại."
    ) % {"duration": duration}
