using Airlock.Audit;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Audit;

public sealed class AuditRedactionTests
{
    private const string AwsKey = "AKIAIOSFODNN7EXAMPLE";

    [Fact]
    public async Task A_secret_in_event_text_never_reaches_any_output()
    {
        using var store = await AuditTestStore.CreateAsync(events: 4);
        await store.AppendAsync(
            new AuditEvent
            {
                Kind = AuditEventKinds.ActionIntent,
                User = "mallory",
                Resource = "orders-prod",
                Decision = "allow",
                Text = $"SELECT * FROM vault WHERE key = '{AwsKey}'",
                Error = $"failed with {AwsKey}",
                Detail = new Dictionary<string, string> { ["note"] = "aws_access_key_id=" + AwsKey },
            });
        var file = Path.Combine(store.Directory, "export.jsonl");

        var outputs = new[]
        {
            CliRunner.Run("audit", "export", "--store", store.Location),
            CliRunner.Run("audit", "export", "--store", store.Location, "--output", file),
            CliRunner.Run("audit", "tail", "--store", store.Location),
            CliRunner.Run("audit", "tail", "--store", store.Location, "--json"),
            CliRunner.Run("audit", "search", "--store", store.Location, "--user", "mallory"),
            CliRunner.Run("audit", "search", "--store", store.Location, "--user", "mallory", "--json"),
            CliRunner.Run("audit", "verify", "--store", store.Location, "--public-key", store.PublicKeyPath),
        };

        Assert.All(outputs, r => Assert.Equal(0, r.ExitCode));
        Assert.Contains("mallory", outputs[2].Out, StringComparison.Ordinal); // the event is there, its secret is not
        Assert.Contains("mallory", outputs[0].Out, StringComparison.Ordinal);
        Assert.All(outputs, r => Assert.DoesNotContain(AwsKey, r.All, StringComparison.Ordinal));
        var exported = await File.ReadAllTextAsync(file);
        Assert.Contains("mallory", exported, StringComparison.Ordinal);
        Assert.DoesNotContain(AwsKey, exported, StringComparison.Ordinal);
    }
}
