namespace Airlock.Masking.Detection;

/// <summary>What makes the scanner ask a detector to look: a digit, an '@', a ':', or one of its keywords.</summary>
internal enum DetectorTrigger
{
    Digit,
    At,
    Colon,
    Keyword,
}

/// <summary>
/// Finds one kind of sensitive value. The scanner calls <see cref="TryMatch"/> only at trigger positions
/// found by a vectorized prefilter, so a detector may be precise (validators, context) without slowing
/// the common case of text with nothing to find. Every detector validates what its pattern finds: a
/// checksum, a structure, a real TLD, or a context keyword. That is what keeps timestamps from being
/// taken for card numbers.
/// </summary>
internal abstract class Detector
{
    /// <summary>Stable name reported in findings, e.g. <c>card-luhn</c>.</summary>
    public abstract string Name { get; }

    public abstract string EntityType { get; }

    public abstract DetectorTrigger Trigger { get; }

    /// <summary>For <see cref="DetectorTrigger.Keyword"/>: the prefixes or keywords (matched case-insensitively) that trigger it.</summary>
    public virtual IReadOnlyList<string> Keywords => [];

    /// <summary>The longest text a match can span; streaming keeps at least this much between chunks.</summary>
    public virtual int MaxLength => 256;

    /// <summary>
    /// For <see cref="DetectorTrigger.Digit"/>: the fewest digits a match holds. The scanner counts the
    /// digits of the number-like run at the trigger once (digits joined by single spaces, dashes, dots,
    /// slashes or parentheses) and skips detectors that need more, so the short numbers that fill logs
    /// (times, ports, counters) cost one count, not a call to every detector.
    /// </summary>
    public virtual int MinDigits => 1;

    /// <summary>
    /// For <see cref="DetectorTrigger.Digit"/>: whether a match may begin right after a letter (an IBAN's
    /// check digits follow its country code). Most numbers may not, so the digit runs inside hex ids,
    /// hashes and UUIDs that fill logs are passed over without calling them.
    /// </summary>
    public virtual bool AllowsLetterBefore => false;

    /// <summary>
    /// Looks for a valid value involving position <paramref name="index"/> (the trigger: the first digit
    /// of a run, the '@', the ':', or the start of the keyword). Returns the span to mask, which may be
    /// only part of what matched (a password inside a URL). Must not allocate when nothing matches.
    /// </summary>
    public abstract bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length);
}
