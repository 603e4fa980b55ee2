"""Role changes are audited and disabled accounts lose their sessions,
whichever screen or command makes the change."""

from __future__ import annotations

from allauth.mfa.signals import authenticator_removed
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_init, post_save
from django.dispatch import receiver
from wagtail.log_actions import log

from .models import User


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
