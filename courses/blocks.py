"""Blocks of a lesson's body.

``LessonStreamBlock`` lists its children as plain class attributes so that
other apps extend it by subclassing or by adding a child in one line (the
H5P block arrives that way).
"""

import secrets

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from courses.h5p.blocks import H5PBlock

BLOCKS = "components/streamfield/blocks/"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Mẹo")), ("warning", _("Cảnh báo"))],
        default="tip",
        label=_("loại"),
        help_text=_("Mẹo: lời khuyên nên làm. Cảnh báo: điều tuyệt đối tránh."),
    )
    text = blocks.RichTextBlock(
        label=_("nội dung"), features=["bold", "italic", "link", "ul", "ol"]
    )

    class Meta:
        icon = "warning"
        template = BLOCKS + "callout_block.html"
        label = _("Hộp lưu ý")
        description = _("Một mẹo hoặc cảnh báo nổi bật trong bài học.")
        preview_value = {
            "kind": "tip",
            "text": "<p>Không dùng chung mật khẩu cho nhiều tài khoản.</p>",
        }


class VideoBlock(blocks.StructBlock):
    """A video: an uploaded file (served by the platform) or an embed."""

    file = DocumentChooserBlock(
        required=False,
        label=_("tệp video"),
        help_text=_("Tệp MP4 hoặc WebM đã tải lên thư viện tài liệu."),
    )
    embed = EmbedBlock(
        required=False,
        label=_("đường dẫn nhúng"),
        help_text=_(
            "Hoặc đường dẫn video trên trang chia sẻ video (nếu không có tệp)."
        ),
    )
    caption = blocks.CharBlock(
        required=False,
        label=_("chú thích"),
        help_text=_("Một câu mô tả nội dung video cho người không xem được."),
    )

    class Meta:
        icon = "media"
        template = BLOCKS + "video_block.html"
        label = _("Video")
        description = _("Video bài giảng: tệp tải lên hoặc video nhúng.")
        preview_value = {"caption": "Video hướng dẫn đặt mật khẩu mạnh"}

    def clean(self, value):
        value = super().clean(value)
        if not value.get("file") and not value.get("embed"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "file": blocks.BlockValidationError(
                        _("Chọn tệp video hoặc nhập đường dẫn nhúng.")
                    )
                }
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("tài liệu"))
    title = blocks.CharBlock(
        required=False,
        label=_("tên hiển thị"),
        help_text=_("Để trống thì dùng tên của tài liệu."),
    )

    class Meta:
        icon = "doc-full"
        template = BLOCKS + "document_block.html"
        label = _("Tài liệu tải về")
        description = _("Một tệp cho học viên tải về (PDF, DOCX...).")
        preview_value = {"title": "Quy chế bảo đảm an toàn thông tin"}


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("phương án"))
    correct = blocks.BooleanBlock(required=False, label=_("đáp án đúng"))
    feedback = blocks.CharBlock(
        required=False,
        label=_("phản hồi"),
        help_text=_("Giải thích hiện ra khi học viên chọn phương án này."),
    )

    class Meta:
        icon = "radio-full"
        label = _("Phương án")


class KnowledgeCheckBlock(blocks.StructBlock):
    """An ungraded question: the learner picks a choice and reads feedback."""

    question = blocks.CharBlock(label=_("câu hỏi"))
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("các phương án"))

    class Meta:
        icon = "help"
        template = BLOCKS + "knowledge_check_block.html"
        label = _("Câu hỏi tự kiểm tra")
        description = _(
            "Câu hỏi không tính điểm: học viên chọn phương án và đọc phản hồi ngay."
        )
        preview_value = {
            "question": "Mật khẩu nào mạnh nhất?",
            "choices": [
                {"text": "123456", "correct": False, "feedback": "Quá dễ đoán."},
                {
                    "text": "Cụm từ dài, dễ nhớ, khó đoán",
                    "correct": True,
                    "feedback": "Đúng: độ dài quan trọng nhất.",
                },
            ],
        }

    def get_context(self, value, parent_context=None):
        # Radio names and label ids must be unique on a page that holds
        # several checks; the stream is rendered without block ids.
        context = super().get_context(value, parent_context=parent_context)
        context["uid"] = secrets.token_hex(4)
        return context


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Đoạn văn"),
        icon="pilcrow",
        template=BLOCKS + "paragraph_block.html",
        description=_("Văn bản có định dạng: tiêu đề, danh sách, liên kết."),
    )
    image = ImageBlock(label=_("Hình ảnh"), template=BLOCKS + "image_block.html")
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    knowledge_check = KnowledgeCheckBlock()
    h5p = H5PBlock()
