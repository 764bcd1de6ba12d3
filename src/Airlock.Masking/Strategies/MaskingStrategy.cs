namespace Airlock.Masking;

/// <summary>How a sensitive value is replaced. Each entity type and each column rule picks one.</summary>
public enum MaskingStrategy
{
    /// <summary>Writes the entity type in brackets, e.g. <c>[EMAIL]</c>.</summary>
    Redact,
    /// <summary>Keeps what identifies without exposing: the last 4 of a card, the domain of an email.</summary>
    Partial,
    /// <summary>A deterministic keyed token (HMAC-SHA-256), stable for one key, so GROUP BY and joins still work.</summary>
    Token,
    /// <summary>Format-preserving: same length and character classes, keyed and deterministic.</summary>
    Format,
    /// <summary>The keyed HMAC-SHA-256 of the value, in hex.</summary>
    Hash,
    /// <summary>No value at all: SQL NULL in tables, nothing in text.</summary>
    Null,
}
