namespace CchcSurvey.Web.Tests.Languages;

/// <summary>
/// A complete translation of NHANH for the tests. Its texts are test stand-ins marked [tyz], not Tày: real
/// translations are written by speakers of the language.
/// </summary>
public static class TestTranslations
{
    public const string NhanhTay = """
    {
      "language": "tyz", "name": "Tày (thử nghiệm)",
      "title": "[tyz] Đánh giá nhanh",
      "intro": "[tyz] Chạm một lần.",
      "sections": { "DANH_GIA": "[tyz] Đánh giá" },
      "items": {
        "HL": { "text": "[tyz] Câu hỏi hài lòng", "scale": ["[tyz] mức 1", "[tyz] mức 2", "[tyz] mức 3", "[tyz] mức 4", "[tyz] mức 5"] },
        "LY_DO": { "text": "[tyz] Vì sao chưa hài lòng", "options": {
          "cho_lau": "[tyz] chờ lâu", "huong_dan": "[tyz] hướng dẫn", "thai_do": "[tyz] thái độ",
          "ho_so": "[tyz] hồ sơ", "phi": "[tyz] chi phí", "khac": "[tyz] khác" } },
        "GOP_Y": { "text": "[tyz] Góp ý" }
      }
    }
    """;

    /// <summary>The smallest Ogg/Opus stream the upload accepts: an Ogg page holding an OpusHead.</summary>
    public static byte[] TinyOgg()
    {
        var bytes = new byte[200];
        "OggS"u8.CopyTo(bytes);
        "OpusHead"u8.CopyTo(bytes.AsSpan(28));
        return bytes;
    }
}
