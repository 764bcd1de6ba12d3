namespace Airlock.Policy.Diagnostics;

/// <summary>
/// The stable error ids of policy checking. An id never changes meaning once published;
/// docs/policy-reference.md lists each one with an example, and a test makes each one fire.
/// </summary>
public static class PolicyErrors
{
    // AL01xx: reading files.
    public const string BundleNotFound = "AL0101";
    public const string FileUnreadable = "AL0102";
    public const string FileTooLarge = "AL0103";
    public const string YamlSyntax = "AL0104";
    public const string NestingTooDeep = "AL0105";
    public const string AliasNotAllowed = "AL0106";
    public const string DuplicateKey = "AL0107";
    public const string EmptyBundle = "AL0108";
    public const string MultipleDocuments = "AL0109";

    // AL02xx: the shape of the documents.
    public const string UnknownKey = "AL0201";
    public const string WrongType = "AL0202";
    public const string MissingKey = "AL0203";
    public const string InvalidValue = "AL0204";
    public const string DuplicateDefinition = "AL0205";
    public const string EffectCount = "AL0206";
    public const string InvalidName = "AL0207";

    // AL03xx: references between definitions.
    public const string UnknownGroup = "AL0301";
    public const string UnknownResource = "AL0302";
    public const string UnknownPrincipal = "AL0303";
    public const string UnknownGrant = "AL0304";

    // AL04xx: values that parse but cannot be right.
    public const string BadTimeZone = "AL0401";
    public const string BadRegex = "AL0402";
    public const string LiteralSecret = "AL0403";
    public const string BadDuration = "AL0404";
    public const string BadSchedule = "AL0405";
    public const string UnknownMasking = "AL0406";

    // AL05xx: rules that are valid alone but wrong together.
    public const string ShadowedRule = "AL0501";
    public const string ActionNeverApplies = "AL0502";

    // AL06xx: test cases.
    public const string InvalidTestCase = "AL0601";

    /// <summary>Every id with a one-line title, for documentation and for the test that proves each one fires.</summary>
    public static IReadOnlyDictionary<string, string> Titles { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [BundleNotFound] = "the bundle directory does not exist",
        [FileUnreadable] = "a policy file cannot be read",
        [FileTooLarge] = "a policy file is larger than the limit",
        [YamlSyntax] = "YAML syntax error",
        [NestingTooDeep] = "YAML nested deeper than the limit",
        [AliasNotAllowed] = "YAML anchors and aliases are not allowed",
        [DuplicateKey] = "a key appears twice in one mapping",
        [EmptyBundle] = "the bundle defines no rules",
        [MultipleDocuments] = "a policy file holds more than one YAML document",
        [UnknownKey] = "unknown key",
        [WrongType] = "a value has the wrong type",
        [MissingKey] = "a required key is missing",
        [InvalidValue] = "a value is not one of the allowed values",
        [DuplicateDefinition] = "a name or rule id is defined twice",
        [EffectCount] = "a rule needs exactly one of allow, deny or review",
        [InvalidName] = "a name or id has characters that are not allowed",
        [UnknownGroup] = "a reference to a group that is not defined",
        [UnknownResource] = "a reference to a resource that is not defined, or a pattern that matches none",
        [UnknownPrincipal] = "a reference to a user or service account that is not defined",
        [UnknownGrant] = "a reference to a grant that is not defined",
        [BadTimeZone] = "an unknown IANA time zone",
        [BadRegex] = "a regular expression that does not compile",
        [LiteralSecret] = "a secret written literally instead of as env:NAME or file:PATH",
        [BadDuration] = "a duration that cannot be read",
        [BadSchedule] = "a schedule's days or hours cannot be read",
        [UnknownMasking] = "an unknown masking strategy or entity type",
        [ShadowedRule] = "a rule can never fire because a deny rule covers it",
        [ActionNeverApplies] = "a rule's action matcher fits none of its resources' types",
        [InvalidTestCase] = "a test case is malformed or names something undefined",
    };
}
