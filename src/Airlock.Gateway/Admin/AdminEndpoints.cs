using Airlock.Gateway.Hosting;
using Airlock.Gateway.Identity;
using Airlock.Pipeline;
using Airlock.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Airlock.Gateway.Admin;

/// <summary>The admin API's routes, grouped by feature.</summary>
internal static partial class AdminEndpoints
{
    private const string AdminItem = "airlock.admin";

    public static void MapAdminApi(this IEndpointRouteBuilder routes, GatewayHost host, AdminTokenAuthenticator admins)
    {
        routes.MapGet("/health", () => Results.Json(
            new
            {
                Status = host.Audit.LastFailure is null ? "ok" : "degraded",
                Instance = host.Config.Instance,
                PolicyRevision = host.Policy.Current.Revision.ToString(),
                Audit = new { Ok = host.Audit.LastFailure is null, Error = host.Audit.LastFailure?.Message },
                Sessions = host.Sessions.Open.Count,
            },
            AdminApi.Json));

        var v1 = routes.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
        {
            // An admin token (Bearer), or a person in admin.people's groups with fresh MFA (Basic, as for reviews).
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            var admin = header.StartsWith("Bearer ", StringComparison.Ordinal) ? admins.Authenticate(header.AsSpan(7).Trim()) : null;
            if (admin is null && host.Config.Admin.People is { } people)
            {
                var (person, refusal) = await AdminPersonAsync(host, people, context.HttpContext);
                if (refusal is not null)
                {
                    return refusal;
                }

                admin = person;
            }

            if (admin is null)
            {
                return Results.Json(
                    new { Error = "AL0801: an admin token is required (Authorization: Bearer …)" + (host.Config.Admin.People is null ? string.Empty : ", or your own credentials as a member of admin.people") },
                    AdminApi.Json,
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            context.HttpContext.Items[AdminItem] = admin;
            return await next(context);
        });

        v1.MapSessionsApi(host);
        v1.MapPolicyApi(host);
        routes.MapReviewsApi(host, admins);
        routes.MapAccessApi(host, admins);
        routes.MapTokensApi(host);
        routes.MapLoginApi(host);
        routes.MapGroup("/v1/mfa").AddEndpointFilter(UserFilter(host)).MapPost("/", async (MfaBody body, HttpContext http, CancellationToken cancellationToken) =>
        {
            try
            {
                var at = await host.StepUp.VerifyAsync((GatewayUser)http.Items[UserItem]!, body.Code ?? string.Empty, cancellationToken);
                return Results.Json(new { VerifiedAt = at, ValidUntil = at + MfaStepUp.Freshness }, AdminApi.Json);
            }
            catch (RefusedException ex)
            {
                return ApprovalError(ex, http);
            }
        });
    }

    /// <summary>
    /// <c>/v1/tokens</c>: a user's own API tokens (make, list, revoke), with their own credentials. The
    /// secret is in the answer to the POST and nowhere else, ever.
    /// </summary>
    private static void MapTokensApi(this IEndpointRouteBuilder routes, GatewayHost host)
    {
        var tokens = routes.MapGroup("/v1/tokens").AddEndpointFilter(UserFilter(host));
        tokens.MapPost("/", async (TokenBody body, HttpContext http, CancellationToken cancellationToken) =>
        {
            try
            {
                var (token, secret) = await host.Tokens.CreateAsync(
                    (GatewayUser)http.Items[UserItem]!, body.Name ?? string.Empty, body.Resources ?? [], body.SqlKinds ?? [], Seconds(body.ExpiresInSeconds ?? 0, "expires_in_seconds"), cancellationToken);
                return Results.Json(new { Token = secret, Details = TokenJson(token) }, AdminApi.Json);
            }
            catch (RefusedException ex)
            {
                return ApprovalError(ex);
            }
        });
        tokens.MapGet("/", async (HttpContext http, CancellationToken cancellationToken) =>
            Results.Json((await host.Tokens.ListAsync(((GatewayUser)http.Items[UserItem]!).Name, cancellationToken)).Select(TokenJson), AdminApi.Json));
        tokens.MapPost("/{id}/revoke", async (string id, HttpContext http, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Json(TokenJson(await host.Tokens.RevokeAsync((GatewayUser)http.Items[UserItem]!, id, cancellationToken)), AdminApi.Json);
            }
            catch (RefusedException ex)
            {
                return ApprovalError(ex);
            }
        });
    }

    /// <summary>A token as listed: never its secret, nor its hash.</summary>
    private static object TokenJson(ApiTokenRecord t) => new { t.Id, t.Name, t.User, t.Scopes, t.CreatedAt, t.ExpiresAt, t.RevokedAt };

    private const string UserItem = "airlock.user";

    /// <summary>Authenticates the person (Basic user:token with their own Airlock token) and keeps them for the handler.</summary>
    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> UserFilter(GatewayHost host) => async (context, next) =>
    {
        var (user, refusal) = await PersonAsync(host, context.HttpContext);
        if (refusal is not null)
        {
            return refusal;
        }

        if (user is null)
        {
            return Results.Json(new { Error = "AL0801: your Airlock user and token are required (Authorization: Basic user:token; the CLI reads AIRLOCK_USER and AIRLOCK_TOKEN)" }, AdminApi.Json, statusCode: StatusCodes.Status401Unauthorized);
        }

        context.HttpContext.Items[UserItem] = user;
        return await next(context);
    };

    /// <summary>
    /// The person behind <c>Authorization: Basic user:token</c> (their own static token or airlock login's session
    /// token; never an API token), or null. A token that was theirs but is revoked or expired is refused with
    /// its reason (401): its holder is told which, and that airlock login makes a new one.
    /// </summary>
    private static async ValueTask<(GatewayUser? User, IResult? Refusal)> PersonAsync(GatewayHost host, HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal) || BasicCredentials(header.AsSpan(6).Trim()) is not var (name, token))
        {
            return (null, null);
        }

        try
        {
            return (await host.Users.AuthenticateAsync(name, token, http.RequestAborted), null);
        }
        catch (RefusedException ex)
        {
            return (null, Results.Json(new { Error = $"{ex.ErrorId}: {ex.Message}", ErrorId = ex.ErrorId }, AdminApi.Json, statusCode: StatusCodes.Status401Unauthorized));
        }
    }

    private static (string User, string Token)? BasicCredentials(ReadOnlySpan<char> encoded)
    {
        Span<byte> bytes = stackalloc byte[Math.Min(encoded.Length, 1024)];
        if (encoded.Length > 1024 || !Convert.TryFromBase64Chars(encoded, bytes, out var written))
        {
            return null;
        }

        var text = System.Text.Encoding.UTF8.GetString(bytes[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (text[..colon], text[(colon + 1)..]) : null;
    }

    /// <summary>A TOTP code for MFA step-up.</summary>
    private sealed record MfaBody(string? Code);

    /// <summary>A new API token: its name, the resources and statement kinds it covers, and how long it lives.</summary>
    private sealed record TokenBody(string? Name, string[]? Resources, string[]? SqlKinds, long? ExpiresInSeconds);

    /// <summary>An access request: the grant, where, for how long, and why.</summary>
    private sealed record AccessRequestBody(string? Resource, string? Grant, long? DurationSeconds, string? Reason, bool? BreakGlass);

    /// <summary>The body of approve (an optional comment) and deny (a required reason).</summary>
    private sealed record ReviewDecision(string? Comment, string? Reason);

    private static void MapSessionsApi(this RouteGroupBuilder v1, GatewayHost host)
    {
        v1.MapGet("/sessions", async (CancellationToken cancellationToken) =>
        {
            // From the store: every instance's sessions, not only this one's.
            var open = await host.Store.Sessions.ListOpenAsync(cancellationToken: cancellationToken);
            var now = DateTimeOffset.UtcNow;
            return Results.Json(
                open.Select(s => new
                {
                    s.Id,
                    s.User,
                    s.Resource,
                    Client = s.ClientAddress,
                    s.Application,
                    s.Instance,
                    StartedAt = s.StartedAt,
                    Seconds = (long)(now - s.StartedAt).TotalSeconds,
                    Statements = host.Sessions.Open.FirstOrDefault(l => l.Id == s.Id)?.Statements,
                    KillRequested = s.KillRequestedAt is not null,
                }),
                AdminApi.Json);
        });

        v1.MapDelete("/sessions/{id}", async (string id, HttpContext http, CancellationToken cancellationToken) =>
        {
            var admin = (string)http.Items[AdminItem]!;
            return await host.Sessions.KillAsync(id, "admin " + admin, cancellationToken)
                ? Results.Json(new { Killed = id }, AdminApi.Json)
                : Results.Json(new { Error = $"AL0815: no open session {id}" }, AdminApi.Json, statusCode: StatusCodes.Status404NotFound);
        });
    }

    private static void MapPolicyApi(this RouteGroupBuilder v1, GatewayHost host)
    {
        v1.MapGet("/policy", () =>
        {
            var state = host.Policy.State;
            return Results.Json(new { Revision = state.Snapshot.Revision.ToString(), state.LoadedAt, state.Trigger, state.FromLastGood, Rules = state.Snapshot.Rules.Count }, AdminApi.Json);
        });

        v1.MapPost("/policy/reload", async (CancellationToken cancellationToken) =>
        {
            var result = await host.Policy.ReloadAsync(cancellationToken);
            return Results.Json(
                new { Outcome = result.Outcome.ToString().ToLowerInvariant(), Revision = result.Current.Revision.ToString(), Errors = result.Diagnostics.Select(d => d.ToString()) },
                AdminApi.Json);
        });
    }
}
