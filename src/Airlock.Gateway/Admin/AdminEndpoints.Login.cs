using Airlock.Gateway.Hosting;
using Airlock.Gateway.Identity;
using Airlock.Pipeline;
using Airlock.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Airlock.Gateway.Admin;

internal static partial class AdminEndpoints
{
    /// <summary>
    /// <c>airlock login</c>'s side of the gateway:
    /// <list type="bullet">
    /// <item><c>GET /v1/login</c> (no credentials): where the IdP is and which client and scopes the device flow uses.</item>
    /// <item><c>POST /v1/login</c> with the IdP's token as <c>Authorization: Bearer</c>: validated like any IdP token, then
    /// exchanged for an Airlock session token whose life policy sets (<c>sessions.login</c>, 8 h by default).</item>
    /// <item><c>GET /v1/logins</c>, <c>POST /v1/logins/{id}/revoke</c>: your own logins, and <c>airlock logout</c>.</item>
    /// </list>
    /// </summary>
    private static void MapLoginApi(this IEndpointRouteBuilder routes, GatewayHost host)
    {
        routes.MapGet("/v1/login", () => host.Config.Oidc is { ClientId: { } clientId } oidc
            ? Results.Json(new { oidc.Issuer, ClientId = clientId, oidc.Scopes, PostgresPort = host.Postgres.Endpoint.Port }, AdminApi.Json)
            : NotSetUp(host));

        routes.MapPost("/v1/login", async (HttpContext http, CancellationToken cancellationToken) =>
        {
            if (host.Oidc is null || host.Config.Oidc is not { ClientId: not null } oidc)
            {
                return NotSetUp(host);
            }

            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return Results.Json(new { Error = $"{IdentityErrors.LoginRefused}: send the identity provider's token as Authorization: Bearer …", ErrorId = IdentityErrors.LoginRefused }, AdminApi.Json, statusCode: StatusCodes.Status401Unauthorized);
            }

            var result = await host.Oidc.ValidateAsync(header[7..].Trim(), cancellationToken);
            if (result.Rejection is { } rejection)
            {
                await host.Audit.AppendAsync(OidcTokenValidator.AuthFailedEvent(rejection, client: http.Connection.RemoteIpAddress?.ToString()), cancellationToken);
                return Results.Json(new { Error = $"{IdentityErrors.LoginRefused}: the identity provider's token was refused: {rejection.Reason}", ErrorId = rejection.ErrorId }, AdminApi.Json, statusCode: StatusCodes.Status401Unauthorized);
            }

            var identity = result.Identity!;
            var policy = host.Policy.Current;
            var principal = policy.ResolvePrincipal(identity.ToGatewayUser().PrincipalInfo());
            var lifetime = policy.ResolveLoginLifetime(principal);
            try
            {
                var (token, secret) = await host.Logins.IssueAsync(new LoginIdentity(identity.UserName, identity.Groups, identity.MfaAt, oidc.Issuer, identity.Subject), lifetime, cancellationToken);
                return Results.Json(
                    new { Token = secret, Details = LoginJson(token), Groups = principal.Groups, PostgresPort = host.Postgres.Endpoint.Port },
                    AdminApi.Json);
            }
            catch (RefusedException ex)
            {
                return ApprovalError(ex);
            }
        });

        var logins = routes.MapGroup("/v1/logins").AddEndpointFilter(UserFilter(host));
        logins.MapGet("/", async (HttpContext http, CancellationToken cancellationToken) =>
            Results.Json((await host.Store.LoginTokens.ListAsync(((GatewayUser)http.Items[UserItem]!).Name, cancellationToken)).Select(LoginJson), AdminApi.Json));
        logins.MapPost("/{id}/revoke", async (string id, HttpContext http, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Json(LoginJson(await host.Logins.RevokeAsync((GatewayUser)http.Items[UserItem]!, id, cancellationToken)), AdminApi.Json);
            }
            catch (RefusedException ex)
            {
                return ApprovalError(ex);
            }
        });
    }

    private static IResult NotSetUp(GatewayHost host) => Results.Json(
        new
        {
            Error = $"{IdentityErrors.LoginRefused}: airlock login is not set up on gateway {host.Config.Instance}: its configuration needs oidc: with issuer, audience and client_id (docs/identity.md)",
            ErrorId = IdentityErrors.LoginRefused,
        },
        AdminApi.Json,
        statusCode: StatusCodes.Status404NotFound);

    /// <summary>A login as listed: never its secret, nor its hash.</summary>
    private static object LoginJson(LoginTokenRecord t) => new { t.Id, t.User, t.Groups, t.MfaAt, t.Issuer, t.Subject, t.CreatedAt, t.ExpiresAt, t.RevokedAt };
}
