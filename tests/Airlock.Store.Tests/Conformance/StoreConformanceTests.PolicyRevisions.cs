namespace Airlock.Store.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    private static PolicyRevisionRecord Revision(string revision, int minutes, string source = "/etc/airlock/policy") => new()
    {
        Revision = revision,
        GitCommit = "c0ffee" + revision,
        Source = source,
        LoadedAt = T0.AddMinutes(minutes),
        Files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["world.yaml"] = $"resources:\n  orders-prod: {{ type: postgres }}\n# {revision}\n",
            ["rules/prod.yaml"] = "rules:\n  - id: prod-writes\n    description: \"Écritures — prod ✓\"\n",
        },
    };

    [Fact]
    public async Task An_empty_store_has_no_good_revision()
    {
        await using var store = await OpenStoreAsync();

        Assert.Null(await store.PolicyRevisions.GetLastGoodAsync());
        Assert.Empty(await store.PolicyRevisions.ListAsync());
    }

    [Fact]
    public async Task The_last_good_revision_comes_back_with_its_files()
    {
        await using var store = await OpenStoreAsync();
        var older = Revision("rev-a", 0);
        var newer = Revision("rev-b", 10);
        await store.PolicyRevisions.SaveGoodAsync(older);
        await store.PolicyRevisions.SaveGoodAsync(newer);

        var last = await store.PolicyRevisions.GetLastGoodAsync();

        Assert.NotNull(last);
        Assert.Equal((newer.Revision, newer.GitCommit, newer.Source, newer.LoadedAt), (last.Revision, last.GitCommit, last.Source, last.LoadedAt));
        Assert.Equal(newer.Files.OrderBy(f => f.Key, StringComparer.Ordinal), last.Files.OrderBy(f => f.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Saving_a_revision_again_refreshes_when_it_was_loaded_without_a_second_row()
    {
        await using var store = await OpenStoreAsync();
        await store.PolicyRevisions.SaveGoodAsync(Revision("rev-a", 0));
        await store.PolicyRevisions.SaveGoodAsync(Revision("rev-b", 10));

        await store.PolicyRevisions.SaveGoodAsync(Revision("rev-a", 20, source: "/srv/policy"));

        var listed = await store.PolicyRevisions.ListAsync();
        Assert.Equal(["rev-a", "rev-b"], listed.Select(r => r.Revision));
        Assert.Equal((T0.AddMinutes(20), "/srv/policy"), (listed[0].LoadedAt, listed[0].Source));
        Assert.Equal("rev-a", (await store.PolicyRevisions.GetLastGoodAsync())!.Revision);
        Assert.Equal("2", await RunSqlAsync("SELECT count(*) FROM policy_revisions"));
    }

    [Fact]
    public async Task Revisions_are_listed_newest_first_without_their_files()
    {
        await using var store = await OpenStoreAsync();
        await store.PolicyRevisions.SaveGoodAsync(Revision("rev-b", 10));
        await store.PolicyRevisions.SaveGoodAsync(Revision("rev-c", 20));
        await store.PolicyRevisions.SaveGoodAsync(Revision("rev-a", 0));

        var listed = await store.PolicyRevisions.ListAsync();

        Assert.Equal(["rev-c", "rev-b", "rev-a"], listed.Select(r => r.Revision));
        Assert.All(listed, r => Assert.Empty(r.Files));
        Assert.Equal("c0ffeerev-c", listed[0].GitCommit);
        Assert.Equal(["rev-c", "rev-b"], (await store.PolicyRevisions.ListAsync(limit: 2)).Select(r => r.Revision));
    }
}
