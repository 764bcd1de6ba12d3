using Airlock.Masking.Detection.Detectors;

namespace Airlock.Masking.Detection;

/// <summary>Every detector Airlock ships, in priority order within each trigger kind.</summary>
internal static class DetectorCatalog
{
    public static IReadOnlyList<Detector> All { get; } =
    [
        new PaymentCardDetector(),
        new EmailDetector(),
    ];
}
