namespace Airlock.Policy.Evaluation;

/// <summary>
/// A principal resolved against one snapshot: its groups and grants as bit sets over that snapshot's
/// tables, so that each rule checks membership with a few AND operations. Resolve once per session and
/// again when the snapshot or the principal's grants change.
/// </summary>
public sealed class ResolvedPrincipal
{
    internal ResolvedPrincipal(PolicySnapshot snapshot, PrincipalInfo info, ulong[] groupBits, ulong[] grantBits, IReadOnlyList<string> groups)
    {
        Snapshot = snapshot;
        Info = info;
        GroupBits = groupBits;
        GrantBits = grantBits;
        Groups = groups;
    }

    public PolicySnapshot Snapshot { get; }

    public PrincipalInfo Info { get; }

    public string User => Info.User;

    public bool Mfa => Info.Mfa;

    /// <summary>Every policy group the principal is in, from assertion, static membership and IdP mapping.</summary>
    public IReadOnlyList<string> Groups { get; }

    internal ulong[] GroupBits { get; }

    internal ulong[] GrantBits { get; }

    internal static bool Intersects(ulong[] a, ulong[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if ((a[i] & b[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }

    internal static bool Has(ulong[] bits, int index) => index >= 0 && (bits[index >> 6] & (1UL << (index & 63))) != 0;

    internal static void Set(ulong[] bits, int index) => bits[index >> 6] |= 1UL << (index & 63);
}
