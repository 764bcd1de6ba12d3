namespace Airlock.Store.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    private static ApiTokenRecord Token(string id, string user, string secret, int minutes) => new()
    {
        Id = id,
        Name = $"{id} for CI",
        User = user,
        Hash = ApiTokenHash.Of(secret),
        Scopes = ["resource:orders-prod", "sql:read"],
        CreatedAt = T0.AddMinutes(minutes),
        ExpiresAt = T0.AddDays(30),
    };

    private static void AssertSameToken(ApiTokenRecord expected, ApiTokenRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal((expected.Id, expected.Name, expected.User), (actual.Id, actual.Name, actual.User));
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.Scopes, actual.Scopes);
        Assert.Equal((expected.CreatedAt, expected.ExpiresAt, expected.RevokedAt), (actual.CreatedAt, actual.ExpiresAt, actual.RevokedAt));
    }

    [Fact]
    public async Task A_token_is_found_by_the_hash_of_its_secret()
    {
        await using var store = await OpenStoreAsync();
        var secret = ApiTokenHash.NewToken();
        var token = Token("t1", "alice", secret, 0);
        var bare = new ApiTokenRecord { Id = "t2", Name = "no scopes", User = "bob", Hash = ApiTokenHash.Of(ApiTokenHash.NewToken()), Scopes = [], CreatedAt = T0 };

        await store.ApiTokens.CreateAsync(token);
        await store.ApiTokens.CreateAsync(bare);

        AssertSameToken(token, await store.ApiTokens.FindByHashAsync(ApiTokenHash.Of(secret)));
        AssertSameToken(bare, await store.ApiTokens.FindByHashAsync(bare.Hash));
        Assert.Null(await store.ApiTokens.FindByHashAsync(ApiTokenHash.Of(secret + "x")));
        Assert.Null(await store.ApiTokens.FindByHashAsync(ApiTokenHash.Of(ApiTokenHash.NewToken())));
    }

    [Fact]
    public async Task Tokens_are_listed_oldest_first_and_by_user()
    {
        await using var store = await OpenStoreAsync();
        await store.ApiTokens.CreateAsync(Token("t-late", "alice", ApiTokenHash.NewToken(), 20));
        await store.ApiTokens.CreateAsync(Token("t-bob", "bob", ApiTokenHash.NewToken(), 10));
        await store.ApiTokens.CreateAsync(Token("t-early", "alice", ApiTokenHash.NewToken(), 0));

        Assert.Equal(["t-early", "t-bob", "t-late"], (await store.ApiTokens.ListAsync()).Select(t => t.Id));
        Assert.Equal(["t-early", "t-late"], (await store.ApiTokens.ListAsync("alice")).Select(t => t.Id));
        Assert.Empty(await store.ApiTokens.ListAsync("carol"));
    }

    [Fact]
    public async Task A_token_is_revoked_once()
    {
        await using var store = await OpenStoreAsync();
        var secret = ApiTokenHash.NewToken();
        await store.ApiTokens.CreateAsync(Token("t1", "alice", secret, 0));

        Assert.True(await store.ApiTokens.RevokeAsync("t1", T0.AddHours(1)));
        Assert.False(await store.ApiTokens.RevokeAsync("t1", T0.AddHours(2)));
        Assert.False(await store.ApiTokens.RevokeAsync("nobody", T0.AddHours(2)));

        // A revoked token is still found (so the gateway can say "revoked"), with the time it was revoked.
        Assert.Equal(T0.AddHours(1), (await store.ApiTokens.FindByHashAsync(ApiTokenHash.Of(secret)))!.RevokedAt);
    }

    [Fact]
    public async Task A_token_is_stored_only_by_a_32_byte_hash()
    {
        await using var store = await OpenStoreAsync();
        var token = Token("t1", "alice", ApiTokenHash.NewToken(), 0) with { Hash = [1, 2, 3, 4, 5] };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.ApiTokens.CreateAsync(token).AsTask());

        Assert.Equal("token", ex.ParamName);
        Assert.Empty(await store.ApiTokens.ListAsync());
    }

    [Fact]
    public async Task Two_tokens_cannot_share_a_hash()
    {
        await using var store = await OpenStoreAsync();
        var secret = ApiTokenHash.NewToken();
        await store.ApiTokens.CreateAsync(Token("t1", "alice", secret, 0));

        await AssertStoreErrorAsync(StoreErrors.Conflict, () => store.ApiTokens.CreateAsync(Token("t2", "mallory", secret, 1)).AsTask());

        Assert.Equal("t1", (await store.ApiTokens.FindByHashAsync(ApiTokenHash.Of(secret)))!.Id);
    }
}
