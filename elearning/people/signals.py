"""Role changes are audited and disabled accounts lose their sessions,
whichever screen or command makes the change; the cached request user
(``people.backends``) is dropped whenever the user, profile or roles change;
a password reset forgets the account's failed sign-ins (``throttle``); a
sign-in remembers the privacy consent in the session."""

from __future__ import annotations

from allauth.account.signals import password_reset
from allauth.mfa.signals import authenticator_removed
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
)
from django.dispatch import receiver
from django.utils import timezone
from wagtail.log_actions import log

from .backends import forget_request_user
from .middleware import consent_remember
from .models import StaffProfile, User
from .throttle import login_throttle_forget_account


@receiver(user_logged_in)
def remember_consent(sender, request, user, **kwargs):
    consent_remember(request, user)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_user(sender, instance, **kwargs):
    forget_request_user(instance.pk)


@receiver(post_save, sender=StaffProfile)
@receiver(post_delete, sender=StaffProfile)
def forget_profile_user(sender, instance, **kwargs):
    forget_request_user(instance.user_id)


@receiver(m2m_changed, sender=User.groups.through)
def forget_role_change(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # the group's members, before
        instance._members_cleared = list(instance.user_set.values_list("pk", flat=True))
    if not action.startswith("post_"):
        return
    if not reverse:
        forget_request_user(instance.pk)
        return
    # From the group's side: the users added or removed, or all on a clear.
    for user_id in pk_set or getattr(instance, "_members_cleared", ()):
        forget_request_user(user_id)


@receiver(post_save, sender=Group)
@receiver(pre_delete, sender=Group)
def forget_group_members(sender, instance, **kwargs):
    """A renamed or deleted group changes its members' roles."""
    if instance.pk is None:
        return
    for user_id in User.objects.filter(groups=instance).values_list("pk", flat=True):
        forget_request_user(user_id)


@receiver(m2m_changed, sender=User.groups.through)
def log_role_change(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse or not isinstance(instance, User):
        # Users added to a group from the group's side: log each of them.
        if reverse and action in ("post_add", "post_remove"):
            for user in User.objects.filter(pk__in=pk_set or ()):
                _log(user, action, [instance.name])
        return
    if action == "pre_clear":
        instance._roles_cleared = list(instance.groups.values_list("name", flat=True))
    elif action == "post_clear":
        _log(instance, "post_remove", getattr(instance, "_roles_cleared", []))
    elif action in ("post_add", "post_remove") and pk_set:
        names = list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        _log(instance, action, names)
    if action.startswith("post_"):
        instance.__dict__.pop("_role_names", None)
        for key in [k for k in instance.__dict__ if k.startswith("_has_role_")]:
            del instance.__dict__[key]  # loaded by UserQuerySet.for_request()


def _log(user: User, action: str, names: list[str]) -> None:
    if not names:
        return
    key = "added" if action == "post_add" else "removed"
    log(instance=user, action="people.role_change", data={key: sorted(names)})


@receiver(authenticator_removed)
def forget_mfa_check(sender, request, user, authenticator, **kwargs):
    """The MFA gate checks the device again on the next request."""
    from .middleware import MFA_SESSION_KEY

    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_SESSION_KEY, None)


@receiver(post_init, sender=User)
def remember_active(sender, instance, **kwargs):
    instance._was_active = instance.is_active


@receiver(post_save, sender=User)
def end_sessions_when_disabled(sender, instance, created, update_fields, **kwargs):
    """An account that stops being active is signed out everywhere.

    Django already refuses an inactive user on the next request; deleting the
    sessions (and allauth's UserSession rows) makes it final and visible.
    ``QuerySet.update(is_active=False)`` bypasses this: use
    ``services.user_set_active``.
    """
    was_active = getattr(instance, "_was_active", True)
    instance._was_active = instance.is_active
    if created or not was_active or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    from .services import user_sessions_end

    user_id = instance.pk
    transaction.on_commit(lambda: user_sessions_end(user_id=user_id))


@receiver(post_save, sender=User)
def note_account_end(sender, instance, **kwargs):
    """``ended_at`` follows ``is_active``: set when the account stops being
    active (from any screen or command), cleared when it is enabled again.
    Written with ``update()``: a save with ``update_fields=["is_active"]``
    would not carry it."""
    ended = None if instance.is_active else (instance.ended_at or timezone.now())
    if ended != instance.ended_at:
        User.objects.filter(pk=instance.pk).update(ended_at=ended)
        instance.ended_at = ended


@receiver(password_reset)
def forget_failed_sign_ins(sender, request, user, **kwargs):
    """Whoever reset the password reads the account's mailbox: the delays
    its failed sign-ins earned, on every address, no longer apply."""
    login_throttle_forget_account(user.email)
