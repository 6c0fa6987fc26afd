using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace CchcSurvey.Tests.Shared;

/// <summary>Decodes QR codes independently of QRCoder (ZXing.Net on ImageSharp pixels); shared by the web and browser tests.</summary>
public static class QrDecoder
{
    /// <summary>Reads a QR code from a PNG the way a phone camera would: pixels → luminance → binarised → decoded.</summary>
    public static string Decode(byte[] png)
    {
        using var image = Image.Load<Rgba32>(png);
        var pixels = new byte[image.Width * image.Height * 4];
        image.CopyPixelDataTo(pixels);
        var source = new RGBLuminanceSource(pixels, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)),
            new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true });
        Assert.NotNull(result);
        return result.Text;
    }
}
