namespace Airlock.Masking.Detection;

/// <summary>
/// A sensitive value found in text: what it is, where it is (UTF-16 offsets into the scanned text), and
/// which detector found it. Never the value itself, so findings are safe to log and count.
/// </summary>
public readonly record struct Finding(string EntityType, int Start, int Length, string Detector)
{
    public int End => Start + Length;
}
