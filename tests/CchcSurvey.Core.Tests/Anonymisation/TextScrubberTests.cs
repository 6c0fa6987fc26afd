using CchcSurvey.Core.Anonymisation;

namespace CchcSurvey.Core.Tests.Anonymisation;

public class TextScrubberTests
{
    [Theory]
    // phones, all common spellings
    [InlineData("Cán bộ hẹn gọi lại qua số 0912345678 nhưng không thấy.", "Cán bộ hẹn gọi lại qua số [số điện thoại] nhưng không thấy.")]
    [InlineData("Liên hệ 0912 345 678 để được hỗ trợ", "Liên hệ [số điện thoại] để được hỗ trợ")]
    [InlineData("SĐT: 0912.345.678, xin cảm ơn", "SĐT: [số điện thoại], xin cảm ơn")]
    [InlineData("Con tôi +84 912 345 678 nộp hộ", "Con tôi [số điện thoại] nộp hộ")]
    [InlineData("zalo 84912345678", "zalo [số điện thoại]")]
    [InlineData("Gọi 0389-123-456 mãi không ai nghe", "Gọi [số điện thoại] mãi không ai nghe")]
    [InlineData("Đường dây nóng (024) 3825 1234 không nghe máy", "Đường dây nóng [số điện thoại] không nghe máy")]
    [InlineData("Số bàn 0205 3870 123 luôn bận", "Số bàn [số điện thoại] luôn bận")]
    // ID numbers
    [InlineData("CCCD của tôi là 001099012345, xin kiểm tra lại", "CCCD của tôi là [số giấy tờ], xin kiểm tra lại")]
    [InlineData("CMND 123456789 bị ghi sai", "CMND [số giấy tờ] bị ghi sai")]
    // e-mail
    [InlineData("Gửi kết quả về nguyen.van.a@gmail.com giúp tôi", "Gửi kết quả về [email] giúp tôi")]
    // dossier codes
    [InlineData("Hồ sơ 000.00.12.H36-230101-0001 bị trễ hẹn", "Hồ sơ [mã hồ sơ] bị trễ hẹn")]
    [InlineData("Mã hồ sơ H36.25-230515-0012 chưa có kết quả.", "Mã hồ sơ [mã hồ sơ] chưa có kết quả.")]
    // several at once
    [InlineData("Tôi là chủ hồ sơ H36.25-230515-0012, sđt 0987654321, email a@b.vn", "Tôi là chủ hồ sơ [mã hồ sơ], sđt [số điện thoại], email [email]")]
    // ordinary numbers survive
    [InlineData("Phải chờ 45 phút mới đến lượt", "Phải chờ 45 phút mới đến lượt")]
    [InlineData("Tôi đến ngày 12/3/2024 lúc 8:30 mà chưa được tiếp", "Tôi đến ngày 12/3/2024 lúc 8:30 mà chưa được tiếp")]
    [InlineData("Bị thu thêm 100.000 đồng ngoài quy định", "Bị thu thêm 100.000 đồng ngoài quy định")]
    [InlineData("Lệ phí 1.500.000 đ, hẹn 15 ngày nhưng 20 ngày mới xong", "Lệ phí 1.500.000 đ, hẹn 15 ngày nhưng 20 ngày mới xong")]
    [InlineData("Quầy số 3 đông quá, có 2 người làm cho 30 người chờ", "Quầy số 3 đông quá, có 2 người làm cho 30 người chờ")]
    [InlineData("Năm 2023 tốt hơn năm 2022, cảm ơn 100%", "Năm 2023 tốt hơn năm 2022, cảm ơn 100%")]
    [InlineData("Thửa đất số 125, tờ bản đồ 07, diện tích 250,5 m2", "Thửa đất số 125, tờ bản đồ 07, diện tích 250,5 m2")]
    [InlineData("Cán bộ rất nhiệt tình, hướng dẫn chu đáo.", "Cán bộ rất nhiệt tình, hướng dẫn chu đáo.")]
    public void Scrub_replaces_personal_data_and_keeps_ordinary_numbers(string comment, string expected) =>
        Assert.Equal(expected, TextScrubber.Scrub(comment));

    [Fact]
    public void Scrub_leaves_empty_text_alone() => Assert.Equal("", TextScrubber.Scrub(""));
}
