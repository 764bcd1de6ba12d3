using Airlock.Masking.Detection.Detectors;

namespace Airlock.Masking.Tests.Detection;

public class CloudKeyDetectorTests
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    [Theory]
    [InlineData("AKIA")]
    [InlineData("ASIA")]
    [InlineData("AROA")]
    public void Aws_access_key_id_is_found(string prefix)
    {
        var key = prefix + Generate.Random(16, Base32);
        Assert.Equal([key], Scan.With(new AwsAccessKeyDetector(), $"aws_access_key_id={key}"));
        Assert.Equal([key], Scan.With(new AwsAccessKeyDetector(), key));
        Assert.Equal(["AKIAIOSFODNN7EXAMPLE"], Scan.With(new AwsAccessKeyDetector(), "\"AccessKeyId\": \"AKIAIOSFODNN7EXAMPLE\""));
    }

    [Theory]
    [InlineData("AKIAXXXXXXXXXXXXXXXX")]      // placeholder, no entropy
    [InlineData("AKIAIOSFODNN7EXAMPL")]       // 19 chars
    [InlineData("AKIAIOSFODNN7EXAMPLEX")]     // 21 chars
    [InlineData("akiaiosfodnn7example")]      // lower case
    [InlineData("XAKIAIOSFODNN7EXAMPLE")]     // glued
    [InlineData("AKIAIOSFODNN8EXAMPL0")]      // 0, 8 and 1 are not base-32
    [InlineData("ASIA is the largest continent")]
    public void Aws_access_key_negatives(string text) => Assert.Empty(Scan.With(new AwsAccessKeyDetector(), text));

    [Theory]
    [InlineData("aws_secret_access_key = {0}")]
    [InlineData("\"SecretAccessKey\": \"{0}\",")]
    [InlineData("AWS_SECRET_ACCESS_KEY={0}")]
    public void Aws_secret_key_after_keyword_is_found(string template)
    {
        var secret = Generate.Random(40, Base64, seed: 3);
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, secret);
        Assert.Equal([secret], Scan.With(new AwsSecretKeyDetector(), text));
        Assert.Equal(["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"], Scan.With(new AwsSecretKeyDetector(), "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    }

    [Theory]
    [InlineData("aws_secret_access_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE")]   // 39 chars
    [InlineData("aws_secret_access_key is documented below")]
    [InlineData("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]                          // no keyword
    public void Aws_secret_key_negatives(string text) => Assert.Empty(Scan.With(new AwsSecretKeyDetector(), text));

    [Theory]
    [InlineData("ghp_")]
    [InlineData("gho_")]
    [InlineData("ghs_")]
    [InlineData("ghu_")]
    public void Github_classic_tokens_are_found(string prefix)
    {
        var token = prefix + Generate.Random(36);
        Assert.Equal([token], Scan.With(new GithubTokenDetector(), $"GITHUB_TOKEN={token}\n"));
        Assert.Equal([token], Scan.With(new GithubTokenDetector(), token));
    }

    [Fact]
    public void Github_fine_grained_token_is_found()
    {
        var token = "github_pat_" + Generate.Random(22) + "_" + Generate.Random(59, seed: 11);
        Assert.Equal([token], Scan.With(new GithubTokenDetector(), $"token: {token}"));
    }

    [Theory]
    [InlineData("ghp_" + "abc")]
    [InlineData("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("GHP_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")]
    [InlineData("ghp_your_token_here")]
    public void Github_negatives(string text) => Assert.Empty(Scan.With(new GithubTokenDetector(), text));

    [Fact]
    public void Github_token_one_char_too_long_is_rejected() =>
        Assert.Empty(Scan.With(new GithubTokenDetector(), "ghp_" + Generate.Random(37)));

    [Fact]
    public void Slack_tokens_and_webhooks_are_found()
    {
        var bot = "xoxb-1234567890123-1234567890123-" + Generate.Random(24);
        Assert.Equal([bot], Scan.With(new SlackTokenDetector(), $"SLACK_BOT_TOKEN={bot}"));
        var user = "xoxp-1234567890-1234567890-1234567890123-" + Generate.Random(32, "0123456789abcdef");
        Assert.Equal([user], Scan.With(new SlackTokenDetector(), user));
        var secret = Generate.Random(24, seed: 5);
        var webhook = $"https://hooks.slack.com/services/T00000000/B00000000/{secret}";
        Assert.Equal([$"T00000000/B00000000/{secret}"], Scan.With(new SlackTokenDetector(), $"url={webhook} "));
    }

    [Theory]
    [InlineData("xoxb-your-token")]
    [InlineData("xoxb-not-a-real-token-but-long-enough-to-pass")]
    [InlineData("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")]
    [InlineData("https://hooks.slack.com/services/")]
    public void Slack_negatives(string text) => Assert.Empty(Scan.With(new SlackTokenDetector(), text));

    [Theory]
    [InlineData("sk_live_")]
    [InlineData("sk_test_")]
    [InlineData("rk_live_")]
    [InlineData("rk_test_")]
    public void Stripe_keys_are_found(string prefix)
    {
        var key = prefix + Generate.Random(24);
        Assert.Equal([key], Scan.With(new StripeKeyDetector(), $"Stripe.ApiKey = \"{key}\";"));
        var longKey = prefix + Generate.Random(99, seed: 9);
        Assert.Equal([longKey], Scan.With(new StripeKeyDetector(), longKey));
    }

    [Theory]
    [InlineData("pk_live_4eC39HqLyjWDarjtT1zdp7dc")]   // publishable keys are public
    [InlineData("sk_live_short")]
    [InlineData("sk_live_XXXXXXXXXXXXXXXXXXXXXXXXXXXX")]
    [InlineData("SK_LIVE_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("task_live_4eC39HqLyjWDarjtT1zdp7dc")]
    public void Stripe_negatives(string text) => Assert.Empty(Scan.With(new StripeKeyDetector(), text));

    [Fact]
    public void Google_api_key_is_found()
    {
        var key = "AIza" + Generate.Random(35, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
        Assert.Equal([key], Scan.With(new GoogleApiKeyDetector(), $"?key={key}&q=1"));
        Assert.Empty(Scan.With(new GoogleApiKeyDetector(), key + "x"));
        Assert.Empty(Scan.With(new GoogleApiKeyDetector(), key[..^1]));
        Assert.Empty(Scan.With(new GoogleApiKeyDetector(), "AIzaAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    }

    [Fact]
    public void Azure_storage_connection_string_masks_only_the_account_key()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray());
        var text = $"DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey={key};EndpointSuffix=core.windows.net";
        Assert.Equal([key], Scan.With(new AzureKeyDetector(), text));
    }

    [Fact]
    public void Azure_service_bus_shared_access_key_is_found()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 13)).ToArray());
        var text = $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}";
        Assert.Equal([key], Scan.With(new AzureKeyDetector(), text));
    }

    [Fact]
    public void Azure_sas_signature_is_found_only_in_a_sas_query()
    {
        var sig = Uri.EscapeDataString(Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray()));
        var url = $"https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig={sig}";
        Assert.Equal([sig], Scan.With(new AzureKeyDetector(), url));
        Assert.Empty(Scan.With(new AzureKeyDetector(), $"https://example.com/x?a=1&sig={sig}"));
    }

    [Theory]
    [InlineData("AccountKey=short;")]
    [InlineData("AccountKey=notbase64notbase64notbase64notbase64notbase64notbase64notbase64notbase64!!!!")]
    [InlineData("AccountKey=Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9v")]   // 32 bytes where storage keys are 64
    public void Azure_negatives(string text) => Assert.Empty(Scan.With(new AzureKeyDetector(), text));
}
