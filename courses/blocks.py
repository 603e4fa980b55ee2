"""Blocks of a lesson's body."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from courses.h5p.blocks import H5PBlock


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Mẹo")), ("warning", _("Cảnh báo"))],
        default="tip",
        label=_("loại"),
    )
    text = blocks.RichTextBlock(
        label=_("nội dung"), features=["bold", "italic", "link", "ul", "ol"]
    )

    class Meta:
        icon = "warning"
        template = "components/streamfield/blocks/callout_block.html"
        label = _("Hộp lưu ý")
        description = _("Một mẹo hoặc cảnh báo nổi bật trong bài học.")
        preview_value = {
            "kind": "tip",
            "text": "<p>Không dùng chung mật khẩu cho nhiều tài khoản.</p>",
        }


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Đoạn văn"),
        icon="pilcrow",
        template="components/streamfield/blocks/paragraph_block.html",
    )
    image = ImageBlock(
        label=_("Hình ảnh"), template="components/streamfield/blocks/image_block.html"
    )
    callout = CalloutBlock()
    h5p = H5PBlock()
