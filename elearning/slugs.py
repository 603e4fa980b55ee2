"""Short ASCII slugs for the pages of the platform.

A Vietnamese title gives a readable address without %-encoding:
"Bài 1. Tài khoản và mật khẩu" → ``bai-1-tai-khoan-va-mat-khau``. Wagtail's
editor fills the slug from the title keeping the diacritics; the page
folds it on save, whoever made it (editor, import, copy).
"""

from __future__ import annotations

from django.utils.text import slugify

from elearning.people.names import fold

MAX_LENGTH = 80


def ascii_slug(text: str, *, max_length: int = MAX_LENGTH) -> str:
    """``text`` folded (no diacritics, "đ" → "d"), slugified and cut at a
    hyphen so that it is at most ``max_length`` characters."""
    slug = slugify(fold(text))
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] or slug[:max_length]
    return slug


class AsciiSlugMixin:
    """For Page models: a slug with diacritics (or none at all, once the page
    has its place in the tree) becomes the ASCII slug of itself (or of the
    title), made unique among its siblings (``-2``, ``-3`` …). Done on
    validation and again on save, which copies and moves call without
    validating."""

    def _fold_slug(self) -> None:
        if self.slug and self.slug.isascii():
            return
        base = (
            ascii_slug(self.slug, max_length=255)
            if self.slug
            else ascii_slug(self.title or "")
        )
        if not base or not self.path:
            if base:
                self.slug = base
            return
        parent = self.get_parent()
        taken = (
            set(
                parent.get_children().exclude(pk=self.pk).values_list("slug", flat=True)
            )
            if parent is not None
            else set()
        )
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        self.slug = slug

    def full_clean(self, *args, **kwargs):
        self._fold_slug()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self._fold_slug()
        return super().save(*args, **kwargs)
