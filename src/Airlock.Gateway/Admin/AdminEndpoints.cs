using Airlock.Gateway.Hosting;
using Airlock.Gateway.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Airlock.Gateway.Admin;

/// <summary>The admin API's routes, grouped by feature.</summary>
internal static class AdminEndpoints
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
            // Bearer admin token; the same 401 for a missing, malformed or unknown token.
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            var admin = header.StartsWith("Bearer ", StringComparison.Ordinal) ? admins.Authenticate(header.AsSpan(7).Trim()) : null;
            if (admin is null)
            {
                return Results.Json(new { Error = "AL0801: an admin token is required (Authorization: Bearer …)" }, AdminApi.Json, statusCode: StatusCodes.Status401Unauthorized);
            }

            context.HttpContext.Items[AdminItem] = admin;
            return await next(context);
        });

        v1.MapSessionsApi(host);
        v1.MapPolicyApi(host);
    }

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
