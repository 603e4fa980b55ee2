"""Short ASCII slugs for the pages of the platform.

A Vietnamese title gives a readable address without %-encoding:
"Bài 1. Tài khoản và mật khẩu" → ``bai-1-tai-khoan-va-mat-khau``. Wagtail's
editor fills the slug from the title keeping the diacritics; the page
folds it on save, whoever made it (editor, import, copy).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from elearning.people.names import fold

MAX_LENGTH = 80


def ascii_slug(text: str, *, max_length: int = MAX_LENGTH) -> str:
    """``text`` folded (no diacritics, "đ" → "d"), slugified and cut at a
    hyphen so that it is at most ``max_length`` characters."""
    slug = slugify(fold(text))
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] or slug[:max_length]
    return slug


class AsciiSlugPageForm(WagtailAdminPageForm):
    """The page editor's form: the slug is folded here, as the page would
    fold it on save, so that Wagtail's check that no sibling has it sees
    the slug the page will have. Otherwise a title that folds onto a
    sibling's address ("Bài kiểm tra" next to "bai-kiem-tra", or the
    editor's autosave racing the "Gửi duyệt" button) passed the form and
    failed on save with a server error."""

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug or slug.isascii() or self.parent_page is None:
            return slug
        folded = ascii_slug(slug, max_length=255)
        if not folded:
            return slug
        siblings = self.parent_page.get_children().filter(slug=folded)
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        if siblings.exists():
            raise ValidationError(
                _(
                    "Đường dẫn “%(slug)s” đã được một trang khác trong cùng mục "
                    "sử dụng. Hãy đổi tiêu đề hoặc đường dẫn (thẻ Quảng bá)."
                ),
                code="slug_in_use",
                params={"slug": folded},
            )
        return folded


class AsciiSlugMixin:
    """For Page models: a slug with diacritics (or none at all, once the page
    has its place in the tree) becomes the ASCII slug of itself (or of the
    title), made unique among its siblings (``-2``, ``-3`` …). Done on
    validation and again on save, which copies and moves call without
    validating. The editor's form folds it too (:class:`AsciiSlugPageForm`)."""

    base_form_class = AsciiSlugPageForm

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
