namespace Airlock.Store.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    private static LoginTokenRecord Login(string id, string user, string secret, int minutes, DateTimeOffset? mfaAt = null) => new()
    {
        Id = id,
        User = user,
        Hash = ApiTokenHash.Of(secret),
        Groups = ["sre-leads", "on call"],
        MfaAt = mfaAt,
        Issuer = "https://idp.example.com/realms/acme",
        Subject = "u-" + user,
        CreatedAt = T0.AddMinutes(minutes),
        ExpiresAt = T0.AddMinutes(minutes).AddHours(8),
    };

    [Fact]
    public async Task A_login_token_is_found_by_its_hash_and_by_its_id_with_everything_the_idp_said()
    {
        await using var store = await OpenStoreAsync();
        var secret = ApiTokenHash.NewToken();
        var token = Login("lgn_1", "dave", secret, 0, mfaAt: T0.AddSeconds(-30));
        var noMfa = Login("lgn_2", "erin", ApiTokenHash.NewToken(), 1) with { Groups = [], Subject = null };
        await store.LoginTokens.CreateAsync(token);
        await store.LoginTokens.CreateAsync(noMfa);

        foreach (var found in new[] { await store.LoginTokens.FindByHashAsync(ApiTokenHash.Of(secret)), await store.LoginTokens.GetAsync("lgn_1") })
        {
            Assert.NotNull(found);
            Assert.Equal((token.Id, token.User, token.Issuer, token.Subject), (found.Id, found.User, found.Issuer, found.Subject));
            Assert.Equal(token.Hash, found.Hash);
            Assert.Equal(token.Groups, found.Groups);
            Assert.Equal((token.MfaAt, token.CreatedAt, token.ExpiresAt, token.RevokedAt), (found.MfaAt, found.CreatedAt, found.ExpiresAt, found.RevokedAt));
        }

        var erin = await store.LoginTokens.GetAsync("lgn_2");
        Assert.Equal((0, (DateTimeOffset?)null, (string?)null), (erin!.Groups.Count, erin.MfaAt, erin.Subject));
        Assert.Null(await store.LoginTokens.FindByHashAsync(ApiTokenHash.Of(secret + "x")));
        Assert.Null(await store.LoginTokens.GetAsync("lgn_nobody"));
    }

    [Fact]
    public async Task Login_tokens_are_listed_by_user_and_revoked_once()
    {
        await using var store = await OpenStoreAsync();
        await store.LoginTokens.CreateAsync(Login("lgn_late", "dave", ApiTokenHash.NewToken(), 20));
        await store.LoginTokens.CreateAsync(Login("lgn_erin", "erin", ApiTokenHash.NewToken(), 10));
        await store.LoginTokens.CreateAsync(Login("lgn_early", "dave", ApiTokenHash.NewToken(), 0));

        Assert.Equal(["lgn_early", "lgn_erin", "lgn_late"], (await store.LoginTokens.ListAsync()).Select(t => t.Id));
        Assert.Equal(["lgn_early", "lgn_late"], (await store.LoginTokens.ListAsync("dave")).Select(t => t.Id));

        Assert.True(await store.LoginTokens.RevokeAsync("lgn_early", T0.AddHours(1)));
        Assert.False(await store.LoginTokens.RevokeAsync("lgn_early", T0.AddHours(2)));
        Assert.False(await store.LoginTokens.RevokeAsync("lgn_nobody", T0.AddHours(2)));
        Assert.Equal(T0.AddHours(1), (await store.LoginTokens.GetAsync("lgn_early"))!.RevokedAt);
        Assert.Null((await store.LoginTokens.GetAsync("lgn_late"))!.RevokedAt);
    }

    [Fact]
    public async Task Revoked_tokens_of_both_kinds_are_found_by_when_they_were_revoked()
    {
        await using var store = await OpenStoreAsync();
        await store.LoginTokens.CreateAsync(Login("lgn_a", "dave", ApiTokenHash.NewToken(), 0));
        await store.LoginTokens.CreateAsync(Login("lgn_b", "dave", ApiTokenHash.NewToken(), 1));
        await store.LoginTokens.CreateAsync(Login("lgn_kept", "dave", ApiTokenHash.NewToken(), 2));
        await store.ApiTokens.CreateAsync(Token("tok_a", "alice", ApiTokenHash.NewToken(), 0));
        await store.ApiTokens.CreateAsync(Token("tok_kept", "alice", ApiTokenHash.NewToken(), 1));
        await store.LoginTokens.RevokeAsync("lgn_a", T0.AddMinutes(10));
        await store.LoginTokens.RevokeAsync("lgn_b", T0.AddMinutes(20));
        await store.ApiTokens.RevokeAsync("tok_a", T0.AddMinutes(20));

        Assert.Equal(["lgn_a", "lgn_b"], await store.LoginTokens.ListRevokedSinceAsync(T0));
        Assert.Equal(["lgn_b"], await store.LoginTokens.ListRevokedSinceAsync(T0.AddMinutes(20)));
        Assert.Empty(await store.LoginTokens.ListRevokedSinceAsync(T0.AddMinutes(21)));
        Assert.Equal(["tok_a"], await store.ApiTokens.ListRevokedSinceAsync(T0.AddMinutes(15)));
        Assert.Empty(await store.ApiTokens.ListRevokedSinceAsync(T0.AddMinutes(21)));
    }

    [Fact]
    public async Task A_login_token_is_stored_only_by_a_32_byte_hash_and_never_shares_one()
    {
        await using var store = await OpenStoreAsync();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.LoginTokens.CreateAsync(Login("lgn_1", "dave", "x", 0) with { Hash = [1, 2, 3] }).AsTask());
        Assert.Equal("token", ex.ParamName);

        var secret = ApiTokenHash.NewToken();
        await store.LoginTokens.CreateAsync(Login("lgn_1", "dave", secret, 0));
        await AssertStoreErrorAsync(StoreErrors.Conflict, () => store.LoginTokens.CreateAsync(Login("lgn_2", "mallory", secret, 1)).AsTask());
        Assert.Equal(["lgn_1"], (await store.LoginTokens.ListAsync()).Select(t => t.Id));
    }

    [Fact]
    public async Task A_step_up_code_counts_once_across_everyone_sharing_the_store()
    {
        await using var store = await OpenStoreAsync();

        Assert.True(await store.MfaStepUps.TryRecordAsync(new MfaStepUpRecord("bob", T0, 100)));

        // The same time step again (a replayed code, or a second gateway racing with it) and an older one lose.
        Assert.False(await store.MfaStepUps.TryRecordAsync(new MfaStepUpRecord("bob", T0.AddSeconds(5), 100)));
        Assert.False(await store.MfaStepUps.TryRecordAsync(new MfaStepUpRecord("bob", T0.AddSeconds(6), 99)));
        Assert.Equal([new MfaStepUpRecord("bob", T0, 100)], await store.MfaStepUps.ListSinceAsync(T0));

        // A later code replaces it; other users are their own.
        Assert.True(await store.MfaStepUps.TryRecordAsync(new MfaStepUpRecord("bob", T0.AddMinutes(1), 102)));
        Assert.True(await store.MfaStepUps.TryRecordAsync(new MfaStepUpRecord("alice", T0.AddMinutes(2), 100)));
        Assert.Equal(
            [new MfaStepUpRecord("alice", T0.AddMinutes(2), 100), new MfaStepUpRecord("bob", T0.AddMinutes(1), 102)],
            await store.MfaStepUps.ListSinceAsync(T0));
        Assert.Equal([new MfaStepUpRecord("alice", T0.AddMinutes(2), 100)], await store.MfaStepUps.ListSinceAsync(T0.AddMinutes(2)));
    }

    [Fact]
    public async Task Two_stores_on_one_database_race_one_code_and_only_one_wins()
    {
        await using var a = await OpenStoreAsync();
        await using var b = await ReopenStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? a : b).MfaStepUps.TryRecordAsync(new MfaStepUpRecord("bob", T0.AddMilliseconds(i), 500)).AsTask()));

        Assert.Single(results, won => won);
    }
}
