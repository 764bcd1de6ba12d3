using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace Airlock.Cli.Gateway;

/// <summary>
/// <c>airlock mfa --code 123456</c>: MFA step-up with the TOTP code from your authenticator app, as yourself.
/// For 15 minutes, policy's <c>mfa: required</c> holds for your sessions on that gateway, open ones too.
/// </summary>
internal static class MfaCommand
{
    public static Command Build(CliContext context)
    {
        var common = ReviewsCommands.Common.Create();
        var code = new Option<string?>("--code") { Description = "The 6 digits your authenticator app shows now (read from standard input when not given).", HelpName = "DIGITS" };
        var command = new Command("mfa", "Step up with MFA (TOTP) so that rules with 'mfa: required' hold for your sessions for 15 minutes.") { code };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var digits = parse.GetValue(code) ?? (await context.In.ReadLineAsync(cancellationToken))?.Trim();
            if (string.IsNullOrEmpty(digits))
            {
                throw new CliUsageException("give the code from your authenticator app: --code 123456");
            }

            using var client = common.Client(parse);
            var (ok, answer, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Post, new Uri("v1/mfa", UriKind.Relative)) { Content = JsonContent.Create(new { code = digits }) }, cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var document = JsonDocument.Parse(answer);
            await context.Out.WriteLineAsync($"MFA verified; it counts until {ReviewsCommands.Text(document.RootElement, "valid_until")}");
            return AirlockCli.Ok;
        });
        return command;
    }
}
