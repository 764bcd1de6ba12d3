using Airlock.Audit;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;
using Airlock.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Airlock.Gateway.Admin;

internal static partial class AdminEndpoints
{
    /// <summary>
    /// A person using the admin API as themselves (<c>admin.people</c>): their own credentials (a static
    /// token or <c>airlock login</c>'s session token; never an API token), membership of one of the admin
    /// groups as policy resolves it (IdP groups included), and MFA no older than <c>admin.people.mfa</c>.
    /// Returns the name the audit records, or the refusal to send; a refused person is audited.
    /// </summary>
    private static async ValueTask<(string? Admin, IResult? Refusal)> AdminPersonAsync(GatewayHost host, AdminPeopleConfig people, HttpContext http)
    {
        var (user, refusal) = await PersonAsync(host, http);
        if (user is null)
        {
            return (null, refusal);
        }

        var cancellationToken = http.RequestAborted;

        var groups = host.Policy.Current.ResolvePrincipal(user.PrincipalInfo()).Groups;
        string? why = null;
        string errorId = GatewayErrors.NotAnAdmin;
        if (!people.Groups.Any(groups.Contains))
        {
            why = $"{user.Name} may not use the admin API: not in {string.Join(" or ", people.Groups)} (admin.people.groups)";
        }
        else if (await host.LastMfaAsync(user, cancellationToken) is not { } mfa || host.Time.GetUtcNow() - mfa > people.MfaWithin)
        {
            errorId = IdentityErrors.MfaNotFresh;
            why = $"admin actions need MFA from the last {Policy.Loading.DurationText.Format(people.MfaWithin)}: run airlock mfa --code 123456 (or airlock login again through an IdP that asks for MFA), then try again";
        }

        if (why is null)
        {
            return (user.Name, null);
        }

        await host.Audit.AppendAsync(new AuditEvent { Kind = AuditEventKinds.AuthFailed, User = user.Name, ActionType = "admin", ErrorCode = errorId, Error = why }, cancellationToken);
        return (null, Results.Json(new { Error = $"{errorId}: {why}", ErrorId = errorId }, AdminApi.Json, statusCode: StatusCodes.Status403Forbidden));
    }
}
