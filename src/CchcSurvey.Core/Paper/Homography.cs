using MathNet.Numerics.LinearAlgebra;

namespace CchcSurvey.Core.Paper;

/// <summary>
/// A plane-to-plane projective map (page millimetres to image pixels): undoes rotation, scale, shear and the
/// perspective of a phone photo in one step. Solved exactly from four point pairs (8 unknowns, h33 = 1).
/// </summary>
public sealed class Homography
{
    private readonly double[] _h;

    private Homography(double[] h) => _h = h;

    public static Homography? Solve(IReadOnlyList<(double X, double Y)> from, IReadOnlyList<(double X, double Y)> to)
    {
        var a = Matrix<double>.Build.Dense(8, 8);
        var b = Vector<double>.Build.Dense(8);
        for (var i = 0; i < 4; i++)
        {
            var (x, y) = from[i];
            var (u, v) = to[i];
            a.SetRow(2 * i, new[] { x, y, 1, 0, 0, 0, -u * x, -u * y });
            a.SetRow(2 * i + 1, new[] { 0, 0, 0, x, y, 1, -v * x, -v * y });
            b[2 * i] = u;
            b[2 * i + 1] = v;
        }
        var h = a.Solve(b);
        if (h.Any(d => !double.IsFinite(d))) return null;
        return new Homography([.. h, 1]);
    }

    public (double X, double Y) Map(double x, double y)
    {
        var w = _h[6] * x + _h[7] * y + 1;
        return ((_h[0] * x + _h[1] * y + _h[2]) / w, (_h[3] * x + _h[4] * y + _h[5]) / w);
    }

    /// <summary>Image pixels per page millimetre near a point (the mean of the two axes' scales).</summary>
    public double Scale(double x, double y)
    {
        var (x0, y0) = Map(x, y);
        var (x1, y1) = Map(x + 1, y);
        var (x2, y2) = Map(x, y + 1);
        return (Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)) + Math.Sqrt((x2 - x0) * (x2 - x0) + (y2 - y0) * (y2 - y0))) / 2;
    }
}
