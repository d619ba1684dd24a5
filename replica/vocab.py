"""Word lists for the generated union news: Hanoi places, organisations, people, roles, phrases."""

from __future__ import annotations

# (kind, name): the unit a "LĐLĐ quận/huyện/thị xã ..." belongs to.
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("quận", "Ba Đình"),
    ("quận", "Hoàn Kiếm"),
    ("quận", "Đống Đa"),
    ("quận", "Hai Bà Trưng"),
    ("quận", "Cầu Giấy"),
    ("quận", "Thanh Xuân"),
    ("quận", "Tây Hồ"),
    ("quận", "Long Biên"),
    ("quận", "Hoàng Mai"),
    ("quận", "Hà Đông"),
    ("quận", "Bắc Từ Liêm"),
    ("quận", "Nam Từ Liêm"),
    ("huyện", "Đông Anh"),
    ("huyện", "Gia Lâm"),
    ("huyện", "Sóc Sơn"),
    ("huyện", "Mê Linh"),
    ("huyện", "Thanh Trì"),
    ("huyện", "Thường Tín"),
    ("huyện", "Mỹ Đức"),
    ("huyện", "Ba Vì"),
    ("huyện", "Chương Mỹ"),
    ("huyện", "Quốc Oai"),
    ("thị xã", "Sơn Tây"),
)

WARDS: dict[str, tuple[str, ...]] = {
    "Ba Đình": ("phường Kim Mã", "phường Ngọc Hà"),
    "Hoàn Kiếm": ("phường Hàng Bồ", "phường Tràng Tiền"),
    "Đống Đa": ("phường Láng Hạ", "phường Văn Miếu"),
    "Hai Bà Trưng": ("phường Bạch Mai", "phường Minh Khai"),
    "Cầu Giấy": ("phường Dịch Vọng", "phường Nghĩa Đô"),
    "Thanh Xuân": ("phường Khương Trung", "phường Nhân Chính"),
    "Tây Hồ": ("phường Xuân La", "phường Nhật Tân"),
    "Long Biên": ("phường Việt Hưng", "phường Phúc Lợi"),
    "Hoàng Mai": ("phường Định Công", "phường Hoàng Liệt"),
    "Hà Đông": ("phường Dương Nội", "phường Văn Quán"),
    "Bắc Từ Liêm": ("phường Cổ Nhuế 1", "phường Thượng Cát"),
    "Nam Từ Liêm": ("phường Mỹ Đình 1", "phường Xuân Phương"),
    "Đông Anh": ("xã Kim Chung", "xã Hải Bối"),
    "Gia Lâm": ("xã Kiêu Kỵ", "thị trấn Trâu Quỳ"),
    "Sóc Sơn": ("xã Phù Linh", "xã Mai Đình"),
    "Mê Linh": ("xã Quang Minh", "xã Tiền Phong"),
    "Thanh Trì": ("xã Tứ Hiệp", "xã Ngũ Hiệp"),
    "Thường Tín": ("xã Hà Hồi", "xã Tô Hiệu"),
    "Mỹ Đức": ("xã Hợp Tiến", "xã An Phú"),
    "Ba Vì": ("xã Tản Lĩnh", "xã Vân Hòa"),
    "Chương Mỹ": ("xã Phụng Châu", "thị trấn Xuân Mai"),
    "Quốc Oai": ("xã Phú Cát", "thị trấn Quốc Oai"),
    "Sơn Tây": ("phường Trung Hưng", "phường Xuân Khanh"),
}

KCN: tuple[str, ...] = (
    "KCN Thăng Long",
    "KCN Nội Bài",
    "KCN Quang Minh",
    "KCN Bắc Thăng Long",
    "KCN Sài Đồng B",
    "KCN Phú Nghĩa",
    "KCN Thạch Thất - Quốc Oai",
)

SECTORS: tuple[str, ...] = (
    "Giáo dục",
    "Y tế",
    "Xây dựng",
    "Giao thông vận tải",
    "Công Thương",
    "Nông nghiệp và Phát triển nông thôn",
    "Du lịch",
)

COMPANIES: tuple[str, ...] = (
    "Công ty TNHH Điện tử Minh Quang",
    "Công ty TNHH Kỹ thuật Hoàng Phát",
    "Công ty Cổ phần May Thăng Long Xanh",
    "Công ty TNHH Cơ khí chính xác Đông Anh",
    "Công ty TNHH Thực phẩm Hà Thành",
    "Công ty Cổ phần Môi trường đô thị Kinh Bắc",
    "Công ty TNHH Linh kiện ô tô Nam Việt",
    "Công ty TNHH Bao bì Phú Thịnh",
    "Công ty Cổ phần Xe khách Thủ Đô",
    "Công ty TNHH Nhựa kỹ thuật Sao Mai",
)

SURNAMES: tuple[str, ...] = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Dương",
    "Đinh",
    "Cao",
    "Tạ",
)
MIDDLE_M: tuple[str, ...] = ("Văn", "Đức", "Minh", "Quang", "Đình", "Hữu", "Xuân", "Mạnh")
MIDDLE_F: tuple[str, ...] = ("Thị", "Thu", "Thanh", "Hồng", "Ngọc", "Thị Thu", "Thị Minh")
GIVEN_M: tuple[str, ...] = ("Hùng", "Tuấn", "Ngà", "Tiến", "Thắng", "Toản", "Dũng", "Bình", "Sơn", "Long", "Hải")
GIVEN_F: tuple[str, ...] = ("Lan", "Hoa", "Hương", "Phương", "Hà", "Mai", "Yến", "Thủy", "Hằng", "Nga", "Loan", "Huyền")

BYLINES: tuple[str, ...] = (
    "Đỗ Đạt",
    "N.Hoa",
    "Thu Hà",
    "Hải Anh - Minh Phương",
    "Bảo Anh",
    "Hồng Quân",
    "Phương Ly",
    "Minh Anh",
    "Lan Hương",
    "Bảo Châu",
)

# Editor folders used in image URLs.
EDITORS: tuple[str, ...] = ("dodat", "nguyenhoa", "thuha", "haianh", "baoanh", "hongquan")

QUOTES: tuple[str, ...] = (
    "Tổ chức Công đoàn phải thực sự là chỗ dựa tin cậy của đoàn viên, người lao động",
    "Mọi hoạt động của Công đoàn phải hướng về cơ sở, lấy đoàn viên, người lao động làm trung tâm",
    "Chúng tôi sẽ tiếp tục đồng hành, chăm lo đời sống vật chất, tinh thần cho người lao động",
    "Những phần quà tuy không lớn nhưng là sự động viên kịp thời để người lao động yên tâm gắn bó với doanh nghiệp",
    "Công tác phát triển đoàn viên, thành lập công đoàn cơ sở là nhiệm vụ trọng tâm xuyên suốt",
)

OTHER_TOPICS: dict[str, tuple[str, ...]] = {
    "thoi-su": (
        "Hà Nội đẩy nhanh tiến độ giải ngân vốn đầu tư công tại {district}",
        "Hà Nội điều chỉnh tổ chức giao thông quanh khu vực {ward}",
        "Đoàn đại biểu Quốc hội Thành phố tiếp xúc cử tri {district}",
        "Hà Nội triển khai kế hoạch cải cách hành chính tại {district}",
    ),
    "xa-hoi": (
        "{District}: Ra quân tổng vệ sinh môi trường hưởng ứng “Ngày cuối tuần xanh”",
        "Khám bệnh, cấp thuốc miễn phí cho người có công tại {ward}",
        "Hội Nông dân {district} trao quà cho hộ nghèo",
        "Tuổi trẻ {district} ra quân Chiến dịch “Mùa hè xanh”",
    ),
    "kinh-te": (
        "Hà Nội: Giá rau xanh tại các chợ {district} tăng nhẹ",
        "Doanh nghiệp tại {kcn} đẩy mạnh chuyển đổi số",
        "Kết nối cung cầu nông sản an toàn tại {district}",
        "{District} thu hút thêm nhà đầu tư vào cụm công nghiệp",
    ),
    "van-hoa": (
        "Khai mạc Lễ hội văn hóa ẩm thực tại {district}",
        "Tôn vinh nghệ nhân làng nghề truyền thống {district}",
        "Hội sách Thủ đô thu hút đông đảo bạn đọc {district}",
        "Triển lãm ảnh “Hà Nội - mùa thu lịch sử” tại {ward}",
    ),
}
