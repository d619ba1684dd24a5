"""The two real MasterCMS article pages of `../shared/real-pages/`: every field a person reads there is exact.

The pages are sister sites' (thoibaonganhang.vn, netbiz.net.vn), read in place and never copied. Their
templates are not the layouts' own: the date, the title and the byline come from the template-independent
rules. The expected values were typed from the pages as a reader sees them (title, sapo, date and time,
byline, tags, body paragraphs, captions).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from laodongthudo.extract import extract
from laodongthudo.layouts import read_article

REAL_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "real-pages"

THOIBAONGANHANG_BODY = (
    (
        "Sở Công thương TP.HCM vừa kiến nghị Bộ Công thương cụ thể hóa, hoàn thiện đầy đủ các thể chế, chính "
        "sách, nâng cao chất lượng, hiệu quả hợp tác đầu tư nước ngoài đến năm 2030, nhằm tạo cơ sở pháp lý "
        "để khắc phục tình trạng “vốn mỏng” và hiện trạng doanh nghiệp hoạt động thua lỗ nhưng không ngừng mở"
        " rộng hoạt động kinh doanh. Điều này nhằm mục đích bảo vệ thị trường phân phối trong nước, tạo điều "
        "kiện cho doanh nghiệp trong nước phát triển và phù hợp với các cam kết quốc tế."
    ),
    (
        "Lãnh đạo Sở Công thương TP.HCM cho biết, báo cáo tài chính của các doanh nghiệp cho thấy, 88/145 "
        "doanh nghiệp có mức lỗ lũy kế nhiều tỷ đồng, trong đó có 10 doanh nghiệp lỗ lũy kế trên 100 tỷ đồng."
        " Đặc biệt, Công ty TNHH Grab có tổng doanh thu trên 3.380 tỷ đồng nhưng lỗ lũy kế trên 4.300 tỷ "
        "đồng, âm vốn chủ sở hữu 4.290 tỷ đồng. Trong khi đó, trong năm chỉ có 31 doanh nghiệp thực hiện thủ "
        "tục điều chỉnh tăng vốn góp, vốn điều lệ để duy trì, mở rộng hoạt động kinh doanh. Về quy mô đầu tư,"
        " trong 149 doanh nghiệp nộp hồ sơ đề nghị cấp Giấy phép kinh doanh (tại Sở Công thương trong năm "
        "2020), thì có 97 dự án có vốn đầu tư dưới 500 ngàn USD; trong đó có 53 dự án vốn đầu tư dưới 100 "
        "ngàn USD, đặc biệt có 10 dự án đăng ký vốn đầu tư dưới 10 ngàn USD. Hầu hết các doanh nghiệp trên "
        "được thành lập chỉ để hoạt động trong lĩnh vực thương mại, dịch vụ đơn thuần, không gắn với hoạt "
        "động đầu tư cơ sở vật chất kỹ thuật."
    ),
    (
        "Theo lãnh đạo Sở Công thương TP.HCM, không ít trường hợp doanh nghiệp có “vốn mỏng” hoặc đang trong "
        "tình trạng thua lỗ mà vẫn đăng ký (mới hoặc bổ sung) kinh doanh đa chủng loại hàng hóa, dịch vụ (bao"
        " gồm những thiết bị máy móc kỹ thuật và dịch vụ đòi hỏi nguồn vốn lớn như thương mại điện tử) với "
        "nguồn vốn hoạt động chủ yếu dựa vào nhà đầu tư."
    ),
    (
        "Hiện Sở Công thương đã có báo cáo, xin ý kiến Bộ Công thương đối với từng hồ sơ cụ thể. Điều này "
        "cũng ảnh hưởng đến kết quả hoạt động kinh doanh và thực hiện nghĩa vụ thuế thu nhập doanh nghiệp, "
        "nộp ngân sách Nhà nước của doanh nghiệp và chất lượng, hiệu quả hợp tác, đầu tư nước ngoài trên lĩnh"
        " vực mua bán hàng hóa và các hoạt động liên quan trực tiếp đến mua bán hàng hóa của Việt Nam."
    ),
    (
        "Trên thực tế, đa số các doanh nghiệp có vốn đầu tư nước ngoài nghiêm chỉnh chấp hành quy định pháp "
        "luật Việt Nam. Tuy nhiên, một số doanh nghiệp chuyển đổi từ doanh nghiệp 100% vốn trong nước thành "
        "doanh nghiệp có vốn đầu tư nước ngoài thường chậm trễ hoặc không chủ động thực hiện thủ tục cấp Giấy"
        " phép kinh doanh, Giấy phép lập cơ sở bán lẻ cho phép cơ sở bán lẻ được tiếp tục hoạt động... Nhưng "
        "Nghị định 09/2018/NĐ-CP không quy định cụ thể thời hạn thực hiện thủ tục nên không đủ cơ sở pháp lý "
        "để xử phạt và ngăn chặn. Tương tự, hiện cũng không có quy định các doanh nghiệp đã hoàn tất thủ tục "
        "đăng ký sàn/ứng dụng cung cấp dịch vụ thương mại điện tử phải ngừng hoạt động khi chưa được cấp Giấy"
        " phép kinh doanh."
    ),
    (
        "Có một số trường hợp, cơ quan quản lý chỉ có thể ban hành quyết định xử phạt vi phạm hành chính đối "
        "với hành vi hoạt động cơ sở bán lẻ khi chưa được cấp giấy phép."
    ),
    (
        "Trong năm 2020, Thanh tra Sở Công thương đã kiểm tra 13 doanh nghiệp có vốn đầu tư nước ngoài hoạt "
        "động trong lĩnh vực mua bán hàng hóa và các hoạt động liên quan trực tiếp đến mua bán hàng hóa trên "
        "địa bàn. Thanh tra Sở Công thương đã ban hành 10 quyết định xử phạt vi phạm hành chính trong lĩnh "
        "vực mua bán hàng hóa và các hoạt động liên quan trực tiếp đến mua bán hàng hóa của nhà đầu tư nước "
        "ngoài, tổ chức kinh tế có vốn đầu tư nước ngoài tại Việt Nam với tổng tiền phạt là 401.000.000 đồng."
        " Các vi phạm bị phạt là do các doanh nghiệp chưa thực hiện đúng quy định pháp luật như không thực "
        "hiện thủ tục điều chỉnh Giấy phép kinh doanh theo quy định khi thay đổi một trong các nội dung ghi "
        "trong Giấy phép kinh doanh; hoạt động khi không có Giấy phép kinh doanh, Giấy phép lập cơ sở bán lẻ;"
        " không thực hiện thủ tục thông báo/đăng ký website thương mại điện tử theo Nghị định số 52/2013/NĐ-"
        "CP..."
    ),
    (
        "“Kiến nghị Bộ Công thương xem xét trình Chính phủ sửa đổi, bổ sung, thay thế Luật Thương mại 2005 "
        "hoặc Nghị định số 09/2018/NĐ-CP nhằm tạo cơ sở pháp lý để khắc phục tình trạng “vốn mỏng” và hiện "
        "trạng doanh nghiệp hoạt động thua lỗ nhưng không ngừng mở rộng hoạt động kinh doanh; Quy định cụ thể"
        " trình tự, thủ tục cấp Giấy phép kinh doanh, Giấy phép lập cơ sở bán lẻ (bao gồm Giấy phép lập cơ sở"
        " bán lẻ cho phép cơ sở bán lẻ tiếp tục hoạt động) đối với các tổ chức kinh tế có vốn đầu tư nước "
        "ngoài hình thành thông qua hình thức nhà đầu tư nước ngoài góp vốn, mua cổ phần, phần vốn góp của tổ"
        " chức kinh tế trong nước…”, Phó Giám đốc Sở Công thương TP.HCM, Lê Huỳnh Minh Tú đề xuất."
    ),
)
NETBIZ_BODY = (
    (
        "Sau bài đăng xin lỗi khán giả vì scandal tình ái chấn động không lâu trước đây của mình, Hiền Hồ "
        "ngay lập tức gửi thư tay đến toàn thể FC Thơm để mong nhận được sự bao dung, tha thứ từ fan. Toàn bộ"
        " bức tâm thư của Hiền Hồ được cô viết bằng tay và gửi đến người hâm mộ."
    ),
    (
        "Nữ ca sĩ chia sẻ: “ Mình là Hiền Hồ đây. Hiền xin lỗi các anh, các chị, các bạn và các em trong gia "
        "đình Thơm. Xin lỗi các bạn Thơn đã luôn quan tâm ủng hồ Hiền trong suốt thời gian qua những phải bị "
        "thất vọng, bị tổn thương bởi câu chuyện mà Hiền đang mắc phải. Hiền xin lỗi vì câu chuyện cá nhân "
        "của Hiền. Câu chuyện mà Hiền xin phép được giữ cho bản thân và dành sự tôn trọng riêng tư cho những "
        "người liên quan....”"
    ),
    (
        "Trong thư, nữ ca sĩ tiết lộ trải qua biến cố vừa qua chính nhờ có sự động viên và hỏi thăm của người"
        " hâm mộ khiến cô có thể vực dậy mạnh mẽ hơn. Bên cạnh đó, Hiền Hồ cũng hứa với fan của mình sẽ thay "
        "đổi bản thân, sẽ nỗ lực hết mình. Cô mong sớm quay lại với các sản phẩm âm nhạc nơi cô và người hâm "
        "mộ của mình được gần nhau hơn."
    ),
    (
        "“Mong được trở lại và nhìn thấy các bạn Thơm. Hiền cầu mong sẽ được các bạn bao dung, ủng hộ bằng "
        "chính những sản phẩm âm nhạc nghiêm túc và chỉnh chu nhất”, Hiền Hồ tâm sự."
    ),
    (
        "Bức thư tay của Hiền Hồ nhận về nhiều phản ứng trái chiều từ cư dân mạng. Những phản ứng tích cực đa"
        " số đều đến từ fan hâm mộ của nữ ca sĩ, mọi người dành lời động viên Hiền Hồ sớm trở lại với đam mê "
        "của mình và họ sẵn sàng tha thứ cho lỗi lầm của cô. Tuy nhiên, phần lớn netizen vẫn khá tiêu cực về "
        "vấn đề của Hiền Hồ, khán giả cho rằng việc tha thứ cho Hiền Hồ là dung túng thói xấu của các nghệ "
        "sĩ. Với nhiều luồng ý kiến trái chiều như thế này, việc Hiền Hồ trở lại showbiz trong thời gian tới "
        "có lẽ sẽ lắm gian nan và thử thách."
    ),
)

CASES = {
    "thoibaonganhang-article-112379.html": {
        "url": "https://laodongthudo.vn/doanh-nghiep-bao-lo-nhung-lai-mo-rong-kinh-doanh-112379.html",
        "title": "Doanh nghiệp báo lỗ nhưng lại mở rộng kinh doanh",
        "sapo": (
            "Kiến nghị Bộ Công thương xem xét trình Chính phủ sửa đổi, bổ sung, thay thế Luật Thương mại 2005 hoặc "
            "Nghị định số 09/2018/NĐ-CP nhằm tạo cơ sở pháp lý để khắc phục tình trạng “vốn mỏng” và hiện trạng "
            "doanh nghiệp hoạt động thua lỗ nhưng không ngừng mở rộng hoạt động kinh doanh"
        ),
        "published_at": "2021-03-10T09:00:00+07:00",  # "09:00 | 10/03/2021": time first
        "author": "Ngọc Hậu",  # p[align=right] > strong after #__MB_MASTERCMS_EL_3
        "tags": ["doanh nghiệp", "Kinh doanh"],
        "body": THOIBAONGANHANG_BODY,
        "captions": ["Công ty TNHH Grab hiện vẫn báo lỗ"],
        "kicker": None,
    },
    "netbiz-article-1527.html": {
        "url": "https://laodongthudo.vn/hien-ho-viet-thu-tay-xin-loi-kin-2-mat-giay-1527.html",
        "title": "Hiền Hồ viết thư tay xin lỗi kín 2 mặt giấy nhưng dân mạng vẫn đồng lòng mỉa mai",
        "sapo": (
            "Bức thư tay được Hiền Hồ gửi tới FC Thơm của mình nhận về nhiều phản ứng trái chiều từ cư dân mạng. "
            "Liệu bức tâm thư xin lỗi kín 2 mặt giấy có đủ sức giúp Hiền Hồ được khán giả tha thứ?"
        ),
        "published_at": "2022-04-19T23:32:00+07:00",  # ten other dates stand in the side lists
        "author": "Hải Thụy",  # a.article-author (/tac-gia/...) in the meta line, before the body
        "tags": ["Hiền Hồ", "Tâm thư xin lỗi", "showbiz việt", "Âm nhạc"],
        "body": NETBIZ_BODY,
        # Six figures; two have an empty caption row.
        "captions": [
            "Nữ ca sĩ Hiền Hồ",
            "Bức thư tay dài kín 2 mặt giấy xin lỗi fan của Hiền Hồ",
            None,
            "Hiền Hồ mong muốn nhận được sự tha thứ từ người hâm mộ",
            "Nhiều netizen vẫn đồng lòng mỉa mai lời xin lỗi của Hiền Hồ",
            None,
        ],
        "kicker": None,
    },
}


def page(name: str) -> bytes:
    path = REAL_PAGES / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read ../shared/real-pages/ beside the repository")
    return path.read_bytes()


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_field_a_reader_sees_is_exact(name: str) -> None:
    want = CASES[name]
    article = extract(page(name), want["url"])
    assert article.title == want["title"]
    assert article.kicker == want["kicker"]
    assert article.sapo == want["sapo"]
    assert article.published_at is not None and article.published_at.isoformat() == want["published_at"]
    assert article.author == want["author"]
    assert article.tags == want["tags"]
    assert article.body.split("\n\n") == list(want["body"])
    assert [image["caption"] for image in article.images] == want["captions"]
    assert article.related == []


def test_the_date_is_the_one_beside_the_title_never_a_join_of_the_page_s_dates() -> None:
    read = read_article(page("netbiz-article-1527.html").decode(), CASES["netbiz-article-1527.html"]["url"])
    assert read.article.date_texts == ["23:32 | 19/04/2022"]
    assert read.article.field_sources["title"] == "generic"


def test_where_the_fields_came_from_is_recorded() -> None:
    name = "thoibaonganhang-article-112379.html"
    article = extract(page(name), CASES[name]["url"])
    # The body by the MasterCMS markers the current layout knows; title, date and byline by the generic rules.
    assert article.field_sources["body"] == "layout"
    assert article.field_sources["published_at"] == "generic"
    assert article.field_sources["author"] == "generic"
    assert article.field_sources["images"] == "layout"
