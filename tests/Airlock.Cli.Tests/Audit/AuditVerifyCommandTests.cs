using System.Text.Json;
using Airlock.Audit;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Audit;

public sealed class AuditVerifyCommandTests(AuditStoreFixture fixture) : IClassFixture<AuditStoreFixture>
{
    private AuditTestStore Store => fixture.Store;

    [Fact]
    public void An_intact_trail_verifies_with_its_public_key()
    {
        var result = CliRunner.Run("audit", "verify", "--store", Store.Location, "--public-key", Store.PublicKeyPath);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"(?m)^events checked:\s+24$", result.Out);
        Assert.Matches(@"(?m)^checkpoints:\s+3$", result.Out);
        Assert.Matches(@"(?m)^last seq:\s+24$", result.Out);
        Assert.Matches(@"(?m)^last signed seq:\s+24 \(checkpoint at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$", result.Out);
        Assert.Matches(@"(?m)^unsigned tail:\s+0$", result.Out);
        Assert.Matches(@"(?m)^elapsed:\s+\d+\.\d{3} s \([\d,]+ events/s\)$", result.Out);
        Assert.Contains($"checked with key {Store.Key.KeyId}", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^OK$", result.Out);
        Assert.DoesNotContain("WARNING", result.All, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public void The_private_key_file_also_serves_as_the_public_key()
    {
        var result = CliRunner.Run("audit", "verify", "--store", Store.Location, "--public-key", Store.PrivateKeyPath);
        var both = CliRunner.Run("audit", "verify", "--store", Store.Location, "--public-key", Store.PrivateKeyPath, "--public-key", Store.PublicKeyPath);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"(?m)^OK$", result.Out);
        Assert.Equal(0, both.ExitCode);
        Assert.Contains($"checked with key {Store.Key.KeyId}\n", both.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_public_key_the_chain_is_verified_with_a_warning()
    {
        var result = CliRunner.Run("audit", "verify", "--store", Store.Location);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WARNING: signatures were not checked (pass --public-key FILE)", result.Error, StringComparison.Ordinal);
        Assert.Contains("NOT CHECKED: no --public-key given", result.Out, StringComparison.Ordinal);
        Assert.Contains("OK (hash chain only; signatures not checked)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_did_not_sign_the_trail_fails_verification()
    {
        using var other = AuditSigningKey.Generate();
        var otherPath = Path.Combine(Store.Directory, "other-" + Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(otherPath, other.ExportPublicKeyPem());

        var result = CliRunner.Run("audit", "verify", "--store", Store.Location, "--public-key", otherPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"TAMPERED: {AuditErrors.UnknownKey} at seq 10:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_has_stable_snake_case_fields()
    {
        var result = CliRunner.Run("audit", "verify", "--store", Store.Location, "--public-key", Store.PublicKeyPath, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(Store.StorePath, root.GetProperty("store").GetString());
        Assert.Equal(24, root.GetProperty("events_checked").GetInt64());
        Assert.Equal(3, root.GetProperty("checkpoints_checked").GetInt64());
        Assert.Equal(24, root.GetProperty("last_seq").GetInt64());
        Assert.Equal(24, root.GetProperty("last_signed_seq").GetInt64());
        Assert.Equal(0, root.GetProperty("unsigned_tail").GetInt64());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", root.GetProperty("last_checkpoint_time").GetString()!);
        Assert.True(root.GetProperty("signatures_checked").GetBoolean());
        Assert.Equal([Store.Key.KeyId], root.GetProperty("key_ids").EnumerateArray().Select(k => k.GetString()));
        Assert.True(root.GetProperty("elapsed_ms").GetDouble() >= 0);
        Assert.True(root.GetProperty("events_per_second").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("problem").ValueKind);
    }

    [Fact]
    public void Progress_goes_to_standard_error_only_when_asked_for_when_it_is_not_a_terminal()
    {
        var quiet = CliRunner.Run("audit", "verify", "--store", Store.Location, "--public-key", Store.PublicKeyPath);
        var progress = CliRunner.Run("audit", "verify", "--store", Store.Location, "--public-key", Store.PublicKeyPath, "--progress");

        Assert.DoesNotContain("verified", quiet.Error, StringComparison.Ordinal);
        Assert.Contains("verified 24 of 24 events (100%)", progress.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("verified", progress.Out, StringComparison.Ordinal);
    }
}

public sealed class AuditVerifyTamperTests
{
    [Fact]
    public async Task An_edited_event_is_reported_with_its_seq_and_id()
    {
        using var store = await AuditTestStore.CreateAsync();
        store.EditBody(5, "customers", "customerz");

        var text = CliRunner.Run("audit", "verify", "--store", store.Location, "--public-key", store.PublicKeyPath);
        var json = CliRunner.Run("audit", "verify", "--store", store.Location, "--public-key", store.PublicKeyPath, "--json");
        var unkeyed = CliRunner.Run("audit", "verify", "--store", store.Location);

        Assert.Equal(1, text.ExitCode);
        Assert.Matches(@"(?m)^TAMPERED: AL0721 at seq 5: event 5 does not match its hash", text.Out);
        Assert.DoesNotMatch(@"(?m)^OK", text.Out);
        Assert.Matches(@"(?m)^events checked:\s+4$", text.Out);

        Assert.Equal(1, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var root = document.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal("AL0721", root.GetProperty("problem").GetProperty("error_id").GetString());
        Assert.Equal(5, root.GetProperty("problem").GetProperty("seq").GetInt64());
        Assert.Contains("event 5", root.GetProperty("problem").GetProperty("message").GetString(), StringComparison.Ordinal);

        // The chain alone catches an edit: a problem is a failure with or without keys.
        Assert.Equal(1, unkeyed.ExitCode);
        Assert.Contains("TAMPERED: AL0721 at seq 5", unkeyed.Out, StringComparison.Ordinal);
    }
}
