import hashlib
import io
import unicodedata

import pytest
from django.core import mail
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.pdf import render_certificate_pdf
from certificates.services import certificate_issue
from courses.models import Enrolment
from courses.signals import course_completed

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return unicodedata.normalize("NFC", reader.pages[0].extract_text())


def _fonts(pdf: bytes) -> dict[str, bool]:
    """Base font name → whether its file is embedded in the PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        descriptor_owner = descendants[0].get_object() if descendants else font
        descriptor = descriptor_owner["/FontDescriptor"].get_object()
        fonts[str(font["/BaseFont"])] = any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        )
    return fonts


@pytest.fixture(params=["process", "inline"])
def renderer_mode(request, settings):
    """Both ways of rendering: the renderer subprocess and in-process."""
    settings.CERTIFICATE_PDF_RENDERER = request.param
    return request.param


def test_pdf_text_has_title_name_and_number(issued, renderer_mode):
    text = _text(render_certificate_pdf(issued))
    assert "GIẤY CHỨNG NHẬN" in text
    assert "NGUYỄN VĂN AN" in text.upper()
    assert issued.number in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Giỏi" in text
    assert issued.short_code in text


def test_pdf_fonts_are_embedded_noto(issued, renderer_mode):
    fonts = _fonts(render_certificate_pdf(issued))
    assert fonts, "no fonts found"
    assert all(fonts.values()), fonts
    # The face comes from Noto Serif files (renamed by the @font-face family).
    with open("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", "rb") as fh:
        assert fh.read(4) in (b"\x00\x01\x00\x00", b"true")
    assert any("Cert-Serif" in name for name in fonts)


def test_one_font_configuration_is_reused(issued, monkeypatch, settings):
    import weasyprint

    from elearning.pdf import font_config

    settings.CERTIFICATE_PDF_RENDERER = "inline"

    seen = []
    original = weasyprint.HTML.render

    def spy(self, *args, **kwargs):
        seen.append(kwargs.get("font_config"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", spy)
    render_certificate_pdf(issued)
    render_certificate_pdf(issued)
    assert seen == [font_config(), font_config()]
    assert seen[0] is not None


def test_render_task_stores_pdf_hash_and_emails_once(
    learner, course, template, enrol, django_capture_on_commit_callbacks
):
    enrol(learner, course, 95)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(learner=learner, course=course)
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as fh:
        content = fh.read()
    assert content.startswith(b"%PDF")
    assert certificate.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert certificate.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert certificate.number in message.subject
    ((name, data, mime),) = message.attachments
    assert mime == "application/pdf" and data == content
    # Running the task again neither re-renders nor re-sends.
    from certificates.tasks import certificate_render

    certificate_render.delay(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert len(mail.outbox) == 1


def test_course_completed_signal_issues_a_certificate(
    learner, course, template, enrol, django_capture_on_commit_callbacks
):
    enrolment = enrol(learner, course, 70)
    with django_capture_on_commit_callbacks(execute=True):
        course_completed.send(sender=Enrolment, enrolment=enrolment)
    certificate = Certificate.objects.get(learner=learner, course=course)
    assert certificate.grade == "Khá"
    assert certificate.pdf_sha256


def test_pdf_refuses_remote_resources(issued):
    from certificates.pdf import FONT_DIR
    from elearning.pdf import LocalOnlyFetcher

    fetcher = LocalOnlyFetcher(FONT_DIR)
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/font.ttf")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


def test_embedded_font_programs_are_noto_serif(issued, renderer_mode):
    """Not only declared: the font files inside the PDF are Noto Serif subsets
    (read their name tables), regular and bold at least."""
    from fontTools.ttLib import TTFont

    reader = PdfReader(io.BytesIO(render_certificate_pdf(issued)))
    families, styles = set(), set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        owner = font["/DescendantFonts"][0].get_object()
        data = owner["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        names = TTFont(io.BytesIO(data.get_data()))["name"]
        families.add(names.getDebugName(1))
        styles.add(names.getDebugName(2))
    assert families == {"Noto Serif"}, families
    assert {"Regular", "Bold", "Italic"} <= styles, styles


def test_qr_code_is_a_sharp_image_of_the_verification_url(issued):
    """The QR code is embedded as an image drawn without smoothing, 4 pixels
    a module with no quiet zone (the page's margin is one), and a reader
    (zxing-cpp) decodes it to the verification URL."""
    import zxingcpp

    page = PdfReader(io.BytesIO(render_certificate_pdf(issued))).pages[0]
    codes = [
        image.image
        for image in page.images
        if [r.text for r in zxingcpp.read_barcodes(image.image)]
        == [issued.get_verification_url()]
    ]
    assert len(codes) == 1
    image = codes[0].convert("L")
    width, height = image.size
    assert width == height and width % 4 == 0
    side = width // 4
    assert side >= 21 and (side - 21) % 4 == 0  # a QR code's modules, version 1+
    pixels = image.load()
    for row in range(side):
        for col in range(side):
            cell = {
                pixels[4 * col + dx, 4 * row + dy] < 128
                for dx in range(4)
                for dy in range(4)
            }
            assert len(cell) == 1, (row, col)  # one module, one colour
    # The finder pattern's corner module: the code starts at the image's edge.
    assert pixels[0, 0] < 128
    xobjects = page["/Resources"]["/XObject"]
    (qr,) = [
        xobjects[name].get_object()
        for name in xobjects
        if xobjects[name].get_object()["/Width"] == width
    ]
    assert str(qr["/Interpolate"]).lower() == "false"  # no smoothing


def test_issue_task_renders_and_emails_in_the_same_task(
    learner, course, template, enrol, django_capture_on_commit_callbacks, monkeypatch
):
    from certificates import tasks

    queued = []
    monkeypatch.setattr(tasks.certificate_render, "delay", queued.append)
    monkeypatch.setattr(tasks.certificate_email, "delay", queued.append)
    enrol(learner, course, 95)
    with django_capture_on_commit_callbacks(execute=True):
        pk = tasks.certificate_issue_for.delay(learner.pk, course.pk).get()
    certificate = Certificate.objects.get(pk=pk)
    assert certificate.pdf_sha256 and certificate.emailed_at is not None
    with certificate.pdf.open("rb") as fh:
        assert mail.outbox[0].attachments[0][1] == fh.read()
    assert len(mail.outbox) == 1
    assert queued == []  # nothing handed to another task
    # Issuing again: the same certificate, nothing rendered or sent again.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.certificate_issue_for.delay(learner.pk, course.pk).get() == pk
    assert len(mail.outbox) == 1 and queued == []


def test_issue_task_hands_a_failed_render_to_the_render_task(
    learner, course, template, enrol, django_capture_on_commit_callbacks, monkeypatch
):
    from certificates import pdf, tasks

    queued = []
    monkeypatch.setattr(tasks.certificate_render, "delay", queued.append)

    def broken(certificate):
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "render_certificate_pdf", broken)
    enrol(learner, course, 95)
    with django_capture_on_commit_callbacks(execute=True):
        pk = tasks.certificate_issue_for.delay(learner.pk, course.pk).get()
    assert queued == [pk]
    certificate = Certificate.objects.get(pk=pk)
    assert not certificate.pdf_sha256 and certificate.emailed_at is None
    assert mail.outbox == []
    # The queued render (or the issue task run again) finishes the job once.
    monkeypatch.undo()
    tasks.certificate_render.delay(pk)
    tasks.certificate_issue_for.delay(learner.pk, course.pk)
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 and certificate.emailed_at is not None
    assert len(mail.outbox) == 1
    assert Certificate.objects.filter(learner=learner, course=course).count() == 1


def test_a_failed_send_is_handed_to_the_email_task(
    issued, django_capture_on_commit_callbacks, monkeypatch
):
    from certificates import tasks

    queued = []
    monkeypatch.setattr(tasks.certificate_email, "delay", queued.append)

    def refused(self, *args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    tasks.certificate_render.delay(issued.pk, force=True)
    issued.refresh_from_db()
    assert issued.pdf_sha256 and issued.emailed_at is None  # claim given back
    assert queued == [issued.pk]


# Reading the learner and the course, eligibility, the number under lock,
# the record and its audit log entry, then storing the PDF and claiming the
# email (the test database adds its savepoints).
QUERIES_TO_ISSUE = 20

LONG_AGENCY = (
    "Trung tâm Văn hóa, Thông tin và Thể thao Thành phố Long Khánh, tỉnh Đồng Nai"
)
LONG_COURSE = (
    "Bồi dưỡng kiến thức, kỹ năng bảo đảm an toàn thông tin mạng cho cán bộ, "
    "công chức cấp xã năm 2026 (đợt 2)"
)


@pytest.fixture
def on_a5(issued):
    """``issued``'s template printed on A5 (the smallest page)."""
    from certificates import pdf

    template = issued.template()
    template.page_size = "A5"
    pdf._TEMPLATES[issued.template_revision_id] = template
    yield issued
    pdf._TEMPLATES.clear()


def _laid_out(certificate):
    from certificates import pdf
    from certificates.renderer import layout

    html, css = pdf.certificate_html(certificate)
    return layout(html, css, pdf.FONT_DIR)


def test_long_text_is_made_smaller_to_stay_clear_of_the_footer(
    on_a5, renderer_mode, monkeypatch
):
    from certificates import renderer

    Certificate.objects.filter(pk=on_a5.pk).update(
        agency_name=LONG_AGENCY, course_title=LONG_COURSE
    )
    on_a5.refresh_from_db()
    document, step = _laid_out(on_a5)
    assert step >= 1
    assert len(document.pages) == 1
    assert not renderer.runs_into_footer(document.pages[0])
    # At full size the text would have run into the date and signer lines.
    with monkeypatch.context() as patch:
        patch.setattr(renderer, "FIT_FACTORS", ())
        full_size, step = _laid_out(on_a5)
    assert step == 0
    assert renderer.runs_into_footer(full_size.pages[0])
    # The whole text is still there, on one page.
    text = _text(render_certificate_pdf(on_a5)).replace("\n", " ")
    assert "Long Khánh, tỉnh Đồng Nai" in text
    assert "(đợt 2)" in text


def test_a_certificate_that_fits_is_laid_out_once_at_full_size(issued):
    document, step = _laid_out(issued)
    assert step == 0
    assert len(document.pages) == 1
    assert "end-of-text" in document.pages[0].anchors


def test_verify_page_names_the_issuer_the_pdf_prints(client, issued, issuers):
    """The verify page once named the district whose book numbers the
    certificate as its issuer, while the PDF names the Department."""
    from django.urls import reverse

    printed = " ".join(_text(render_certificate_pdf(issued)).split())
    page = client.get(reverse("certificates:verify_token", args=[issued.token]))
    html = page.content.decode()
    assert "UBND TỈNH ĐỒNG NAI SỞ KHOA HỌC VÀ CÔNG NGHỆ" in printed
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ, UBND TỈNH ĐỒNG NAI" in html
    assert "THÔNG TIN VÀ TRUYỀN THÔNG" not in html + printed
    assert issuers["SKHCN"].signer_name in printed
    assert issued.issuer_line == "SỞ KHOA HỌC VÀ CÔNG NGHỆ, UBND TỈNH ĐỒNG NAI"


def test_no_label_without_its_value(issued):
    """A course with no graded quiz gives no grade: the PDF once printed
    "Xếp loại: ." — a line whose placeholders are all empty is left out."""
    assert "Xếp loại: Giỏi." in " ".join(_text(render_certificate_pdf(issued)).split())
    issued.grade = ""
    text = " ".join(_text(render_certificate_pdf(issued)).split())
    assert "Xếp loại" not in text
    assert "Đã hoàn thành khóa bồi dưỡng" in text


def test_the_issue_task_sends_the_certificate_of_the_stored_record(
    learner, course, template, enrol, django_capture_on_commit_callbacks
):
    """What the worker emails after issuing: one page carrying the learner's
    name, the number, the short code, the study dates of the enrolment and a
    QR code that decodes (zxing-cpp) to the verification link; the same
    page is made again from the stored record alone (a later download or
    export), byte for byte but for the creation date WeasyPrint stamps."""
    import zxingcpp

    from certificates import tasks
    from certificates.models import DEFAULT_BODY

    # The score as the issue holds it (92) and as the record keeps it (92.00)
    # prints the same.
    template.body = DEFAULT_BODY + "\nĐiểm: {diem}."
    template.save()
    template.save_revision(log_action=False)
    enrol(learner, course, 92)
    with django_capture_on_commit_callbacks(execute=True):
        pk = tasks.certificate_issue_for.delay(learner.pk, course.pk).get()
    certificate = Certificate.objects.get(pk=pk)
    ((_name, sent, _mime),) = mail.outbox[0].attachments
    text = " ".join(_text(sent).split())
    assert "NGUYỄN VĂN AN" in text.upper()
    assert certificate.number in text and certificate.short_code in text
    # The enrolment's completion (03/02/2026 09:00 UTC) is the end date.
    assert "đến ngày 03/02/2026" in text
    assert "Xếp loại: Xuất sắc." in text
    assert "Điểm: 92." in text
    page = PdfReader(io.BytesIO(sent)).pages[0]
    decoded = [
        result.text
        for image in page.images
        for result in zxingcpp.read_barcodes(image.image)
    ]
    assert decoded == [certificate.get_verification_url()]
    again = render_certificate_pdf(
        Certificate.objects.select_related("issuer", "learner").get(pk=pk)
    )
    assert _text(again) == _text(sent)


@pytest.mark.parametrize("seal", [False, True], ids=["no-seal", "seal"])
def test_issuing_rendering_and_emailing_takes_a_fixed_number_of_queries(
    seal,
    request,
    learner,
    other_learner,
    course,
    template,
    enrol,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    """The worker's one task a certificate: issue (eligibility, number,
    record, audit log), page, storage and email, in a worker that has
    issued before (the template and issuer revisions are kept). The
    enrolment read under lock gives the study dates and the rows just read
    are not checked again (bench/results/history.md, "Certificates: where
    the CPU goes"). An issuer's seal adds none: Wagtail finds its
    rendition in the cache."""
    from certificates import tasks

    if seal:
        request.getfixturevalue("sealed")
    for person in (learner, other_learner):
        enrol(person, course, 92)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.certificate_issue_for.delay(learner.pk, course.pk)
    with (
        django_assert_num_queries(QUERIES_TO_ISSUE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.certificate_issue_for.delay(other_learner.pk, course.pk)
    assert len(mail.outbox) == 2
    issuer = Certificate.objects.get(learner=other_learner).issuer_as_issued()
    assert bool(issuer.signature_image_id) == seal
    if seal:  # and the page carries it
        _seal(PdfReader(io.BytesIO(mail.outbox[1].attachments[0][1])).pages[0])


@pytest.fixture
def sealed(issuers, settings, tmp_path):
    """Every issuer signs with an 800 × 640 transparent PNG: a red disc."""
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from PIL import ImageDraw
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = str(tmp_path)
    upload = io.BytesIO()
    drawing = PILImage.new("RGBA", (800, 640), (0, 0, 0, 0))
    ImageDraw.Draw(drawing).ellipse((200, 120, 600, 520), fill=(200, 0, 0, 255))
    drawing.save(upload, "PNG")
    seal = Image.objects.create(
        title="Con dấu", file=ImageFile(upload, name="con-dau.png")
    )
    for issuer in issuers.values():
        issuer.signature_image = seal
        issuer.save()
        issuer.save_revision(log_action=False)
    return seal


def _seal(page):
    """(name the page draws, image) of the 340-pixel-high seal: the seal is
    a background, which WeasyPrint draws through a form holding the image."""
    xobjects = page["/Resources"]["/XObject"]
    found = []
    for name in xobjects:
        drawn = xobjects[name].get_object()
        inner = drawn.get("/Resources", {}).get("/XObject", {})
        for image in [drawn, *(inner[n].get_object() for n in inner)]:
            if image["/Subtype"] == "/Image" and image["/Height"] == 340:
                found.append((name, image))
    (seal,) = found
    return seal


def test_a_large_seal_is_embedded_at_the_size_it_prints(
    learner, course, template, enrol, sealed
):
    """An 800 × 640 transparent seal is embedded as its 340-pixel-high
    rendition (300 dpi at the 28 mm it prints), a JPEG on white that the PDF
    carries as it is, not as the upload."""
    seal = sealed
    enrol(learner, course, 85)
    certificate = certificate_issue(learner=learner, course=course)
    assert certificate.issuer_as_issued().signature_image_id == seal.pk

    page = PdfReader(io.BytesIO(render_certificate_pdf(certificate))).pages[0]
    sizes = {(image.image.width, image.image.height) for image in page.images}
    assert (425, 340) in sizes
    assert (800, 640) not in sizes
    _name, seal_object = _seal(page)
    assert seal_object["/Filter"] == "/DCTDecode"  # copied, not re-encoded
    assert "/SMask" not in seal_object
    (embedded,) = [i.image for i in page.images if i.image.height == 340]
    red, green, blue = embedded.convert("RGB").getpixel((212, 170))
    assert red > 180 and green < 40 and blue < 40  # the seal
    assert min(embedded.convert("RGB").getpixel((5, 5))) > 245  # white, not black


def _seal_box_mm(reader, page) -> tuple[float, float, float, float]:
    """(left, bottom, width, height) in millimetres where the page prints the
    seal: the unit square of the image under the transformations in force."""
    from pypdf.generic import ContentStream

    def times(a, b):
        return [
            a[0] * b[0] + a[1] * b[2],
            a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4],
            a[4] * b[1] + a[5] * b[3] + b[5],
        ]

    def walk(content, xobjects, ctm):
        saved = []
        for operands, op in ContentStream(content, reader).operations:
            if op == b"q":
                saved.append(ctm)
            elif op == b"Q":
                ctm = saved.pop()
            elif op == b"cm":
                ctm = times([float(x) for x in operands], ctm)
            elif op == b"Do":
                drawn = xobjects[operands[0]].get_object()
                if drawn["/Subtype"] == "/Form":
                    matrix = [
                        float(x) for x in drawn.get("/Matrix", [1, 0, 0, 1, 0, 0])
                    ]
                    if box := walk(
                        drawn, drawn["/Resources"]["/XObject"], times(matrix, ctm)
                    ):
                        return box
                elif drawn["/Height"] == 340:
                    xs = (ctm[4], ctm[0] + ctm[2] + ctm[4])
                    ys = (ctm[5], ctm[1] + ctm[3] + ctm[5])
                    mm = 25.4 / 72
                    return (
                        min(xs) * mm,
                        min(ys) * mm,
                        abs(xs[1] - xs[0]) * mm,
                        abs(ys[1] - ys[0]) * mm,
                    )
        return None

    return walk(page.get_contents(), page["/Resources"]["/XObject"], [1, 0, 0, 1, 0, 0])


def test_the_seal_prints_at_its_size_under_the_signer(sealed, issued):
    """28 mm high on A4 (425 × 340 pixels: 35.0 mm wide), in the middle of
    the signer's column, the right half of the page's footer."""
    reader = PdfReader(io.BytesIO(render_certificate_pdf(issued)))
    page = reader.pages[0]
    left, bottom, width, height = _seal_box_mm(reader, page)
    assert height == pytest.approx(28, abs=0.1)
    assert width == pytest.approx(28 * 425 / 340, abs=0.1)
    page_width = float(page.mediabox.width) * 25.4 / 72
    # The footer starts this far in from each edge: the page's margin, the
    # frame's border and padding, the inner border, the footer's own 12 mm.
    # The signer is its right half.
    inside = 9 + 2.2 + 1.2 + 0.35 + 12
    signer_middle = (page_width / 2 + page_width - inside) / 2
    assert left + width / 2 == pytest.approx(signer_middle, abs=3)
    assert 20 < bottom < 40  # above the signer's name, at the foot of the page


def test_the_revoked_mark_is_drawn_over_the_seal(sealed, issued, province_admin):
    """The seal is opaque (a JPEG on white): the translucent "ĐÃ THU HỒI"
    of a revoked certificate is painted after it, so where they meet on a
    small page the mark shows over the seal, not under it."""
    from pypdf.generic import ContentStream

    from certificates.services import certificate_revoke

    certificate_revoke(
        certificate=issued,
        revoked_by=province_admin,
        category="fraud",
        reason="Hồ sơ giả",
    )
    issued.refresh_from_db()
    reader = PdfReader(io.BytesIO(render_certificate_pdf(issued)))
    page = reader.pages[0]
    assert "ĐÃ THU HỒI" in unicodedata.normalize("NFC", page.extract_text())
    states = page["/Resources"]["/ExtGState"]
    translucent = {name for name in states if float(states[name].get("/ca", 1)) < 0.5}
    operations = ContentStream(page.get_contents(), reader).operations
    seal_drawn = next(
        i
        for i, (operands, op) in enumerate(operations)
        if op == b"Do" and operands[0] == _seal(page)[0]
    )
    mark_drawn = next(
        i
        for i, (operands, op) in enumerate(operations)
        if op == b"gs" and operands[0] in translucent
    )
    assert mark_drawn > seal_drawn
