namespace Airlock.Store.Tests.Support;

/// <summary>Checks what the store promises about the trail as a whole.</summary>
public static class AuditChain
{
    /// <summary>
    /// Asserts that <paramref name="rows"/> (the whole trail, in order) are numbered 1, 2, 3… without a gap,
    /// that each body says its own number, that each hash chains from the one before (from the all-zero
    /// genesis hash), and that <paramref name="head"/> is the last row.
    /// </summary>
    public static void AssertGapless(IReadOnlyList<AuditRow> rows, AuditChainHead head)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(head);
        var previous = AuditChainHead.Genesis.Hash;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            Assert.Equal(i + 1, row.Seq);
            Assert.Equal(row.Seq, ChainSealer.SeqInBody(row.Body));
            Assert.True(
                ChainSealer.ChainHash(previous, row.Body).AsSpan().SequenceEqual(row.Hash),
                $"the hash of event {row.Seq} does not chain from event {row.Seq - 1}");
            previous = row.Hash;
        }

        Assert.Equal(rows.Count, head.Seq);
        Assert.Equal(previous, head.Hash);
    }

    /// <summary>Asserts that two rows are equal field by field (records compare arrays by reference).</summary>
    public static void AssertSameRow(AuditRow expected, AuditRow actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.TimeMicros, actual.TimeMicros);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.User, actual.User);
        Assert.Equal(expected.Resource, actual.Resource);
        Assert.Equal(expected.Decision, actual.Decision);
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.Body, actual.Body);
        Assert.Equal(expected.Hash, actual.Hash);
    }
}
