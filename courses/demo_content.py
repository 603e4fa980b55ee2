"""The demo course: basic information security for civil servants.

Original Vietnamese text. Each lesson is a list of (block type, value) in
the shape of ``LessonStreamBlock``.
"""

COURSE = {
    "title": "Kỹ năng cơ bản bảo đảm an toàn thông tin cho cán bộ, công chức",
    "slug": "ky-nang-co-ban-bao-dam-an-toan-thong-tin",
    "code": "ATTT-CB-2026",
    "summary": (
        "Khóa bồi dưỡng trực tuyến giúp cán bộ, công chức, viên chức nhận biết các "
        "nguy cơ mất an toàn thông tin thường gặp và thực hành những thói quen an "
        "toàn khi làm việc với máy tính, điện thoại và mạng Internet."
    ),
    "objectives": (
        "<ul><li>Đặt và quản lý mật khẩu mạnh, bật xác thực hai yếu tố.</li>"
        "<li>Nhận biết thư điện tử lừa đảo và tin nhắn giả mạo.</li>"
        "<li>Phòng chống mã độc, sao lưu dữ liệu đúng cách.</li>"
        "<li>Sử dụng an toàn thiết bị di động, mạng Wi-Fi, mạng xã hội.</li>"
        "<li>Bảo vệ dữ liệu cá nhân và bí mật nhà nước; báo cáo sự cố kịp thời.</li></ul>"
    ),
}


def _p(*paragraphs: str) -> tuple[str, str]:
    return ("paragraph", "".join(f"<p>{p}</p>" for p in paragraphs))


def _tip(text: str) -> tuple[str, dict]:
    return ("callout", {"kind": "tip", "text": f"<p>{text}</p>"})


def _warn(text: str) -> tuple[str, dict]:
    return ("callout", {"kind": "warning", "text": f"<p>{text}</p>"})


def _check(question: str, *choices: tuple[str, bool, str]) -> tuple[str, dict]:
    return (
        "knowledge_check",
        {
            "question": question,
            "choices": [
                {"text": t, "correct": c, "feedback": f} for t, c, f in choices
            ],
        },
    )


LESSONS = [
    {
        "title": "Bài 1. Tài khoản và mật khẩu",
        "slug": "tai-khoan-va-mat-khau",
        "minutes": 20,
        "body": [
            _p(
                "Tài khoản thư điện tử công vụ, tài khoản phần mềm quản lý văn bản và "
                "hệ thống một cửa điện tử là chìa khóa để vào kho dữ liệu của cơ quan. "
                "Kẻ xấu không cần phá hệ thống nếu có thể đăng nhập bằng chính mật khẩu "
                "của cán bộ. Phần lớn các vụ lộ lọt thông tin bắt đầu từ một mật khẩu "
                "yếu, dùng lại ở nhiều nơi hoặc bị lừa nhập vào trang giả mạo.",
                "Một mật khẩu mạnh trước hết phải <strong>dài</strong>: tối thiểu 12 ký "
                "tự, tốt hơn là một cụm từ gồm nhiều từ mà chỉ bạn hiểu, ví dụ "
                "“Mua-3-ký-xoài-chợ-Xuân-Lộc!”. Độ dài làm cho việc dò tìm mật khẩu "
                "bằng máy tính mất hàng trăm năm, trong khi các mật khẩu như ngày sinh, "
                "số điện thoại hay “123456” bị dò ra trong vài giây.",
                "Mỗi tài khoản cần một mật khẩu riêng. Khi một trang web bên ngoài bị "
                "lộ dữ liệu, kẻ tấn công sẽ thử ngay cặp thư điện tử và mật khẩu đó "
                "trên thư công vụ của bạn. Hãy dùng trình quản lý mật khẩu được cơ quan "
                "cho phép để ghi nhớ thay bạn, thay vì viết ra giấy dán cạnh màn hình.",
            ),
            _tip(
                "Bật xác thực hai yếu tố (mã xác thực trên ứng dụng điện thoại) cho thư "
                "công vụ và các hệ thống quan trọng: kể cả khi lộ mật khẩu, kẻ xấu vẫn "
                "không đăng nhập được."
            ),
            _p(
                "Không bao giờ cung cấp mật khẩu cho người khác, kể cả người tự xưng là "
                "cán bộ kỹ thuật hay lãnh đạo. Bộ phận công nghệ thông tin không bao giờ "
                "cần biết mật khẩu của bạn để sửa lỗi. Khi nghi ngờ mật khẩu bị lộ, hãy "
                "đổi ngay và báo cho cán bộ phụ trách công nghệ thông tin của đơn vị.",
            ),
            _check(
                "Mật khẩu nào dưới đây an toàn nhất?",
                ("Dongnai2026", False, "Ngắn và dễ đoán từ tên tỉnh và năm."),
                (
                    "01011985",
                    False,
                    "Ngày sinh là thông tin công khai, dò ra rất nhanh.",
                ),
                (
                    "Cụm từ dài như “Mua-3-ký-xoài-chợ-Xuân-Lộc!”",
                    True,
                    "Đúng: dài, dễ nhớ với bạn, khó đoán với người khác.",
                ),
            ),
        ],
    },
    {
        "title": "Bài 2. Nhận biết thư điện tử lừa đảo",
        "slug": "nhan-biet-thu-dien-tu-lua-dao",
        "minutes": 20,
        "body": [
            _p(
                "Thư lừa đảo (phishing) giả danh cơ quan cấp trên, ngân hàng, đơn vị "
                "cung cấp dịch vụ hoặc chính đồng nghiệp để dụ bạn bấm vào đường dẫn, "
                "mở tệp đính kèm hoặc cung cấp mật khẩu. Đây là hình thức tấn công phổ "
                "biến nhất nhắm vào cơ quan nhà nước vì chỉ cần một người mắc bẫy.",
                "Dấu hiệu thường gặp: người gửi dùng địa chỉ gần giống địa chỉ thật "
                "(ví dụ thay chữ “l” bằng số “1”); nội dung hối thúc “xử lý trong 24 "
                "giờ”, “tài khoản sắp bị khóa”; tệp đính kèm có đuôi lạ như .exe, .scr, "
                ".js hoặc tài liệu Office yêu cầu “Enable Content”; đường dẫn hiển thị "
                "một tên nhưng khi di chuột lên lại trỏ tới một trang khác.",
                "Tin tặc thường đọc các văn bản công khai để viết thư rất giống thật: "
                "trích số hiệu công văn, tên lãnh đạo, thời hạn báo cáo. Vì vậy một bức "
                "thư “trông chuyên nghiệp” chưa chắc đã an toàn.",
            ),
            _warn(
                "Không nhập mật khẩu thư công vụ vào trang mở ra từ đường dẫn trong thư. "
                "Hãy tự gõ địa chỉ trang đăng nhập quen thuộc vào trình duyệt."
            ),
            _p(
                "Khi nhận thư đáng ngờ: không trả lời, không bấm đường dẫn, không mở tệp. "
                "Gọi điện xác minh với người gửi qua số điện thoại bạn đã biết (không "
                "dùng số ghi trong thư), rồi chuyển thư cho cán bộ phụ trách công nghệ "
                "thông tin để cảnh báo cả cơ quan.",
            ),
            _check(
                "Bạn nhận thư “Sở Tài chính” yêu cầu mở tệp Bao_cao_quyet_toan.zip và "
                "nhập mật khẩu thư công vụ để xem. Bạn làm gì?",
                (
                    "Mở ngay vì sắp hết hạn báo cáo",
                    False,
                    "Sự hối thúc là dấu hiệu lừa đảo.",
                ),
                (
                    "Gọi điện xác minh và báo cán bộ phụ trách CNTT",
                    True,
                    "Đúng: xác minh qua kênh khác rồi cảnh báo đơn vị.",
                ),
                (
                    "Chuyển tiếp cho đồng nghiệp mở giúp",
                    False,
                    "Như vậy là lan rộng rủi ro.",
                ),
            ),
        ],
    },
    {
        "title": "Bài 3. Mã độc và sao lưu dữ liệu",
        "slug": "ma-doc-va-sao-luu-du-lieu",
        "minutes": 20,
        "body": [
            _p(
                "Mã độc là phần mềm được viết ra để gây hại: đánh cắp mật khẩu, theo dõi "
                "bàn phím, biến máy tính thành một mắt xích trong mạng máy tính ma, hoặc "
                "mã hóa toàn bộ dữ liệu để đòi tiền chuộc (ransomware). Mã độc lây qua tệp "
                "đính kèm, phần mềm bẻ khóa, USB và các trang web không tin cậy.",
                "Để phòng tránh: chỉ cài phần mềm có bản quyền hoặc do cơ quan cung cấp; "
                "luôn bật phần mềm phòng chống mã độc và cập nhật hệ điều hành ngay khi có "
                "bản vá; không tắt cảnh báo an ninh chỉ vì thấy phiền.",
                "Sao lưu là tấm lưới an toàn cuối cùng. Áp dụng quy tắc 3-2-1: ít nhất "
                "3 bản dữ liệu, trên 2 loại phương tiện khác nhau, trong đó 1 bản để ở "
                "nơi tách biệt (không cắm thường xuyên vào máy tính). Ransomware sẽ mã hóa "
                "cả ổ sao lưu nếu ổ đó luôn được kết nối.",
            ),
            _tip(
                "Định kỳ thử khôi phục một vài tệp từ bản sao lưu: bản sao lưu chưa từng "
                "được thử khôi phục thì chưa chắc dùng được."
            ),
            _warn(
                "Nếu màn hình hiện thông báo đòi tiền chuộc, hãy rút cáp mạng, tắt Wi-Fi "
                "và báo ngay cán bộ phụ trách; không tự ý trả tiền hay cài “công cụ giải mã”."
            ),
            _check(
                "Cách sao lưu nào chống được mã độc tống tiền tốt nhất?",
                (
                    "Một ổ cứng gắn ngoài luôn cắm vào máy",
                    False,
                    "Ổ luôn kết nối cũng bị mã hóa.",
                ),
                (
                    "Theo quy tắc 3-2-1, có một bản tách biệt",
                    True,
                    "Đúng: bản tách biệt không bị mã độc chạm tới.",
                ),
            ),
        ],
    },
    {
        "title": "Bài 4. Thiết bị di động và mạng Wi-Fi",
        "slug": "thiet-bi-di-dong-va-wi-fi",
        "minutes": 15,
        "body": [
            _p(
                "Điện thoại thông minh chứa thư công vụ, tin nhắn công việc, ảnh chụp văn "
                "bản và ứng dụng ngân hàng. Mất điện thoại mà không khóa màn hình là trao "
                "cho người khác toàn bộ những thông tin đó.",
                "Hãy đặt khóa màn hình bằng mã số ít nhất 6 chữ số hoặc sinh trắc học; "
                "bật tính năng tìm và xóa dữ liệu từ xa; chỉ cài ứng dụng từ kho ứng dụng "
                "chính thức và xem kỹ quyền ứng dụng xin (một ứng dụng đèn pin không cần "
                "đọc danh bạ và tin nhắn).",
                "Mạng Wi-Fi công cộng ở quán cà phê, sân bay, khách sạn có thể bị kẻ xấu "
                "giả mạo hoặc nghe lén. Không đăng nhập hệ thống công vụ qua Wi-Fi công "
                "cộng; nếu bắt buộc phải làm việc, hãy dùng mạng di động của chính mình "
                "hoặc kết nối mạng riêng ảo (VPN) do cơ quan cung cấp.",
            ),
            _tip(
                "Tắt Wi-Fi và Bluetooth khi không dùng để điện thoại không tự kết nối vào mạng lạ."
            ),
            _check(
                "Đang ở quán cà phê, bạn cần gửi gấp báo cáo qua thư công vụ. Cách nào an toàn hơn?",
                (
                    "Dùng Wi-Fi miễn phí của quán",
                    False,
                    "Mạng công cộng có thể bị nghe lén.",
                ),
                (
                    "Dùng dữ liệu di động của điện thoại mình",
                    True,
                    "Đúng: an toàn hơn Wi-Fi lạ.",
                ),
            ),
        ],
    },
    {
        "title": "Bài 5. Mạng xã hội và bí mật nhà nước",
        "slug": "mang-xa-hoi-va-bi-mat-nha-nuoc",
        "minutes": 20,
        "body": [
            _p(
                "Mạng xã hội giúp kết nối nhưng cũng là nơi thông tin lan đi nhanh nhất "
                "và không thể thu hồi. Một tấm ảnh chụp bàn làm việc có thể để lộ văn bản "
                "mật, sơ đồ phòng máy hoặc mật khẩu dán trên màn hình.",
                "Luật An ninh mạng năm 2025 (hiệu lực từ 01/7/2026) nghiêm cấm đăng tải, "
                "phát tán thông tin sai sự thật, xuyên tạc trên không gian mạng; cán bộ, "
                "công chức càng phải cẩn trọng với những gì mình chia sẻ, bình luận.",
                "Theo Luật Bảo vệ bí mật nhà nước, nghiêm cấm soạn thảo, lưu giữ, trao đổi "
                "thông tin bí mật nhà nước trên máy tính, thiết bị có kết nối Internet, và "
                "nghiêm cấm đăng tải, phát tán bí mật nhà nước trên mạng. Không chụp ảnh, "
                "không trao đổi nội dung tài liệu mật qua Zalo, Facebook hay thư điện tử "
                "thông thường.",
                "Cẩn trọng với tài khoản giả mạo lãnh đạo, đồng nghiệp nhắn tin nhờ chuyển "
                "tiền, mua thẻ cào hay gửi tài liệu. Luôn gọi điện xác minh trực tiếp. Hạn "
                "chế công khai thông tin cá nhân như ngày sinh, số điện thoại, lịch công "
                "tác: đó là nguyên liệu để kẻ xấu đoán mật khẩu và dựng kịch bản lừa đảo.",
            ),
            _warn(
                "Tài liệu có dấu “Mật”, “Tối mật”, “Tuyệt mật” chỉ được xử lý trên máy tính "
                "không kết nối Internet, theo quy chế bảo vệ bí mật nhà nước của cơ quan."
            ),
            _check(
                "Được giao soạn báo cáo có nội dung mật, bạn soạn ở đâu?",
                ("Máy tính làm việc có kết nối Internet", False, "Luật cấm việc này."),
                ("Máy tính riêng không kết nối Internet theo quy chế", True, "Đúng."),
                ("Google Docs để cả nhóm cùng sửa", False, "Tuyệt đối không."),
            ),
        ],
    },
    {
        "title": "Bài 6. Bảo vệ dữ liệu cá nhân",
        "slug": "bao-ve-du-lieu-ca-nhan",
        "minutes": 15,
        "body": [
            _p(
                "Cơ quan nhà nước giữ rất nhiều dữ liệu cá nhân của người dân: họ tên, số "
                "định danh, địa chỉ, tình trạng sức khỏe, hoàn cảnh gia đình. Từ ngày "
                "01/01/2026, Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số "
                "356/2025/NĐ-CP (thay Nghị định 13/2023/NĐ-CP) yêu cầu chỉ thu thập dữ liệu "
                "cần thiết cho công việc, dùng đúng mục đích đã thông báo, bảo vệ dữ liệu "
                "khỏi truy cập trái phép và không giữ lâu hơn thời hạn cần thiết.",
                "Trong công việc hằng ngày: không gửi danh sách có số định danh, số điện "
                "thoại của người dân vào nhóm chat đông người; che bớt thông tin khi chụp "
                "màn hình làm minh chứng; xóa tệp tạm trong thư mục Tải về khi không cần "
                "nữa; đặt mật khẩu cho tệp dữ liệu khi buộc phải gửi qua thư điện tử và "
                "báo mật khẩu qua một kênh khác.",
                "Khi phát hiện dữ liệu cá nhân bị lộ (gửi nhầm người, mất máy tính, tệp "
                "bị công khai), phải báo ngay cho lãnh đạo và cán bộ phụ trách để xử lý và "
                "thông báo theo quy định.",
            ),
            _tip(
                "Trước khi bấm Gửi, đọc lại ô “Người nhận”: gửi nhầm địa chỉ là nguyên nhân lộ dữ liệu rất phổ biến."
            ),
        ],
    },
    {
        "title": "Bài 7. Báo cáo sự cố an toàn thông tin",
        "slug": "bao-cao-su-co",
        "minutes": 15,
        "body": [
            _p(
                "Sự cố an toàn thông tin là việc thông tin, hệ thống bị tấn công hoặc gặp "
                "nguy hại: máy tính nhiễm mã độc, tài khoản bị chiếm, trang thông tin điện "
                "tử bị thay đổi nội dung, dữ liệu bị lộ hoặc bị mã hóa.",
                "Báo cáo sớm giúp ngăn sự cố lan rộng. Khi nghi ngờ có sự cố: ghi lại điều "
                "bạn thấy (thời gian, thông báo lỗi, chụp màn hình nếu được); ngắt kết nối "
                "mạng của máy bị ảnh hưởng nhưng không tắt nguồn; báo ngay cán bộ phụ trách "
                "công nghệ thông tin của đơn vị. Đơn vị báo lên Sở Khoa học và Công nghệ, "
                "đơn vị chuyên trách ứng cứu sự cố của tỉnh (từ ngày 01/3/2025 Sở Thông tin "
                "và Truyền thông hợp nhất vào Sở Khoa học và Công nghệ).",
                "Luật An ninh mạng năm 2025, có hiệu lực từ ngày 01/7/2026, yêu cầu chủ quản "
                "hệ thống thông tin phát hiện, xử lý và báo cáo kịp thời sự cố an ninh mạng. "
                "Khi sự cố làm lộ dữ liệu cá nhân, cơ quan còn phải thông báo theo Luật Bảo "
                "vệ dữ liệu cá nhân: vì vậy mỗi phút báo chậm đều có giá.",
                "Không tự ý xóa tệp, cài lại máy hay “dọn dẹp” trước khi cán bộ kỹ thuật "
                "kiểm tra: dấu vết trên máy là căn cứ để tìm nguyên nhân và bảo vệ các máy "
                "khác.",
            ),
            _warn(
                "Báo cáo sự cố không phải là nhận lỗi: giấu sự cố mới là điều gây hại cho cả cơ quan."
            ),
            _check(
                "Máy tính của bạn bỗng hiện nhiều cửa sổ lạ và chạy rất chậm. Việc đầu tiên nên làm?",
                ("Cài lại Windows cho sạch", False, "Sẽ xóa dấu vết cần điều tra."),
                ("Ngắt mạng và báo cán bộ phụ trách CNTT", True, "Đúng."),
                (
                    "Tiếp tục làm việc, để cuối tuần xử lý",
                    False,
                    "Mã độc có thể lây sang máy khác.",
                ),
            ),
        ],
    },
    {
        "title": "Bài 8. Sử dụng an toàn máy tính cơ quan và USB",
        "slug": "may-tinh-co-quan-va-usb",
        "minutes": 15,
        "body": [
            _p(
                "Máy tính cơ quan là tài sản công dùng cho công việc. Không cài trò chơi, "
                "phần mềm bẻ khóa, tiện ích tải video không rõ nguồn gốc; không cho người "
                "ngoài sử dụng máy; khóa màn hình (phím Windows + L) mỗi khi rời chỗ ngồi, "
                "dù chỉ vài phút.",
                "USB và ổ cứng di động là đường lây mã độc quen thuộc giữa các máy không nối "
                "mạng. Chỉ dùng USB của cơ quan, quét mã độc trước khi mở, không cắm USB "
                "nhặt được hoặc được tặng không rõ nguồn gốc. Không dùng chung một USB cho "
                "máy soạn thảo tài liệu mật và máy có kết nối Internet.",
                "Cuối ngày, tắt máy hoặc đăng xuất; cất tài liệu giấy vào tủ có khóa. Khi "
                "thanh lý hoặc chuyển máy cho người khác, đề nghị bộ phận kỹ thuật xóa dữ "
                "liệu an toàn thay vì chỉ xóa vào Thùng rác.",
            ),
            _tip(
                "Khóa màn hình nhanh: Windows + L trên Windows, Ctrl + Command + Q trên máy Mac."
            ),
            _check(
                "Bạn nhặt được một USB ở bãi đỗ xe của cơ quan. Bạn làm gì?",
                (
                    "Cắm vào máy để tìm tên chủ nhân",
                    False,
                    "Đây là kịch bản tấn công kinh điển.",
                ),
                ("Nộp cho cán bộ phụ trách CNTT, không cắm vào máy", True, "Đúng."),
            ),
        ],
    },
]


# The course of 2024, held while the districts existed: its enrolments,
# class and certificates are the history the reports show across the reform.
HISTORY_COURSE = {
    "title": "Bồi dưỡng kiến thức an toàn thông tin năm 2024",
    "slug": "boi-duong-an-toan-thong-tin-2024",
    "code": "ATTT-CB-2024",
    "summary": (
        "Khóa bồi dưỡng năm 2024 cho cán bộ, công chức cấp huyện: mật khẩu, thư "
        "điện tử lừa đảo. Khóa đã kết thúc; giữ lại làm lịch sử học tập."
    ),
    "lessons": (0, 1),  # lessons 1 and 2 of LESSONS
    "enrolled": (2024, 9, 16),
    "completed": (2024, 10, 25),
}
