namespace Airlock.Postgres.Proxy;

/// <summary>How the gateway reads a value of a PostgreSQL type, to run the detectors on any text inside it.</summary>
internal enum ValueShape
{
    /// <summary>Its text and binary forms are the UTF-8 text (jsonb's binary form adds a version byte).</summary>
    Text,

    /// <summary>Numbers, times, addresses, bit strings, identifiers: no free text inside (docs/security.md, class G).</summary>
    NoText,

    /// <summary>Raw bytes, which may be UTF-8 text (convert_to(note, 'UTF8')).</summary>
    Bytea,

    /// <summary>An array: binary form with a header and the element type's OID (array_send in arrayfuncs.c).</summary>
    Array,

    /// <summary>An anonymous record: binary form with each field's type OID (record_send in rowtypes.c).</summary>
    Record,

    /// <summary>A text-search vector: binary form of lexemes and positions (tsvectorsend in tsvector.c).</summary>
    TsVector,

    /// <summary>Anything else: its text form is scanned, its binary form cannot be read and is nulled.</summary>
    Unknown,
}

/// <summary>Built-in type OIDs (PostgreSQL 15, src/include/catalog/pg_type.dat) by how their values are read.</summary>
internal static class PgTypeShapes
{
    public const int JsonbOid = 3802;

    private static readonly HashSet<int> TextTypes = [25, 1043, 1042, 19, 705, 114, JsonbOid, 142, 2275, 1790, 194];

    // "char" (18) is one byte (charin/charsend in char.c): too short for any detector to match, and no mask fits
    // in it, so a masked "char" is nulled rather than sent as a string its binary form cannot hold.

    private static readonly HashSet<int> NoTextTypes =
    [
        16, 18, 20, 21, 23, 26, 27, 28, 29, 700, 701, 1700, 790, 1082, 1083, 1266, 1114, 1184, 1186, 2950, 2278, 3220, 5069,
        869, 650, 829, 774, 1560, 1562, 600, 601, 602, 603, 604, 628, 718, 22, 30,
        24, 2202, 2203, 2204, 2205, 2206, 4096, 4089, 3734, 3769, 4191,
        3904, 3906, 3908, 3910, 3912, 3926, 4451, 4532, 4533, 4534, 4535, 4536,
    ];

    private static readonly HashSet<int> ArrayTypes =
    [
        1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019,
        1020, 1021, 1022, 1027, 1028, 1034, 1040, 1041, 651, 1115, 1182, 1183, 1185, 1187, 1231, 1270, 1561, 1563, 2201,
        2287, 2951, 199, 3807, 143, 3643, 3645, 1263, 791, 3221, 4073, 3905, 3907, 3909, 3911, 3913, 3927, 2210, 2211,
    ];

    public static ValueShape Of(int oid) => oid switch
    {
        17 => ValueShape.Bytea,
        2249 => ValueShape.Record,
        3614 => ValueShape.TsVector,
        _ when TextTypes.Contains(oid) => ValueShape.Text,
        _ when NoTextTypes.Contains(oid) => ValueShape.NoText,
        _ when ArrayTypes.Contains(oid) => ValueShape.Array,
        _ => ValueShape.Unknown,
    };

    public static bool IsText(int oid) => TextTypes.Contains(oid);
}
