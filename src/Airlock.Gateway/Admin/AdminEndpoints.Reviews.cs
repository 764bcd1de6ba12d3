using System.Globalization;
using System.Text;
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
    /// <c>/v1/reviews</c>: a user's own credentials (<c>Authorization: Basic user:token</c>), because an
    /// approval is a person's decision and the requester must be told apart from the approver. A person sees
    /// only the requests they made or may decide (issue 14, class H); any other id is answered 404, as one that
    /// does not exist, so ids cannot be probed. An admin token lists and shows every request, without the
    /// exact text, and decides nothing: it is nobody in policy.
    /// </summary>
    private static void MapReviewsApi(this IEndpointRouteBuilder routes, GatewayHost host, AdminTokenAuthenticator admins)
    {
        var reviews = routes.MapGroup("/v1/reviews").AddEndpointFilter(ViewerFilter(host, admins));

        reviews.MapGet("/", async (string? state, int? limit, HttpContext http, CancellationToken cancellationToken) =>
        {
            state = state == "all" ? null : state;
            var list = Viewer(http) is { } person
                ? await host.Approvals.ListAsync(state, limit ?? 100, person, cancellationToken)
                : await host.Approvals.ListAsync(state, limit ?? 100, cancellationToken);
            return Results.Json(list.Select(r => ReviewJson(r, null, exact: false)), AdminApi.Json);
        });

        reviews.MapGet("/{id}", async (string id, HttpContext http, CancellationToken cancellationToken) =>
        {
            var person = Viewer(http);
            return await host.Approvals.GetAsync(id, cancellationToken) is var (request, votes) && (person is null || host.Approvals.MaySee(request, person))
                ? Results.Json(ReviewJson(request, votes, exact: person is not null), AdminApi.Json)
                : NoSuchRequest(id);
        });

        reviews.MapPost("/{id}/approve", (string id, ReviewDecision? body, HttpContext http, CancellationToken cancellationToken) =>
            Viewer(http) is { } person ? DecideAsync(() => host.Approvals.ApproveAsync(id, person, body?.Comment, cancellationToken), id) : Task.FromResult(AdminDecidesNothing()));

        reviews.MapPost("/{id}/deny", (string id, ReviewDecision? body, HttpContext http, CancellationToken cancellationToken) =>
            Viewer(http) is { } person ? DecideAsync(() => host.Approvals.DenyAsync(id, person, body?.Reason ?? string.Empty, cancellationToken), id) : Task.FromResult(AdminDecidesNothing()));
    }

    /// <summary>
    /// <c>/v1/requests</c> (ask for a grant) and <c>/v1/grants</c> (list, revoke), as a user: the requester
    /// is who asks, and a grant is revoked by its holder or one of its approvers, who are also the only people
    /// who see it listed (an admin token sees every grant).
    /// </summary>
    private static void MapAccessApi(this IEndpointRouteBuilder routes, GatewayHost host, AdminTokenAuthenticator admins)
    {
        routes.MapGroup("/v1/requests").AddEndpointFilter(UserFilter(host)).MapPost("/", (AccessRequestBody body, HttpContext http, CancellationToken cancellationToken) =>
            DecideAsync(async () =>
            {
                if (string.IsNullOrWhiteSpace(body.Resource) || string.IsNullOrWhiteSpace(body.Grant) || body.DurationSeconds is not > 0)
                {
                    throw new RefusedException(ApprovalErrors.InvalidAccessRequest, "a request needs resource, grant and duration_seconds");
                }

                var user = (GatewayUser)http.Items[UserItem]!;
                var duration = Seconds(body.DurationSeconds.Value, "duration_seconds");
                return body.BreakGlass == true
                    ? (await host.Approvals.BreakGlassAsync(user, body.Resource, body.Grant, duration, body.Reason, cancellationToken)).Review
                    : await host.Approvals.RequestAccessAsync(user, body.Resource, body.Grant, duration, body.Reason, cancellationToken);
            }));

        var grants = routes.MapGroup("/v1/grants").AddEndpointFilter(ViewerFilter(host, admins));
        grants.MapGet("/", async (bool? all, HttpContext http, CancellationToken cancellationToken) =>
        {
            var list = Viewer(http) is { } person
                ? await host.Approvals.ListGrantsAsync(activeOnly: all != true, person, cancellationToken)
                : await host.Approvals.ListGrantsAsync(activeOnly: all != true, cancellationToken);
            return Results.Json(list.Select(GrantJson), AdminApi.Json);
        });
        grants.MapPost("/{id}/revoke", async (string id, HttpContext http, CancellationToken cancellationToken) =>
        {
            if (Viewer(http) is not { } person)
            {
                return AdminDecidesNothing();
            }

            try
            {
                return Results.Json(GrantJson(await host.Approvals.RevokeGrantAsync(id, person, cancellationToken)), AdminApi.Json);
            }
            catch (RefusedException ex) when (ex.ErrorId == ApprovalErrors.NotAnApprover)
            {
                // Neither its holder nor its approver: as for a grant that does not exist (audited by nobody: nothing changed).
                return Results.Json(new { Error = $"{ApprovalErrors.NotFound}: no grant {id}", ErrorId = ApprovalErrors.NotFound }, AdminApi.Json, statusCode: StatusCodes.Status404NotFound);
            }
            catch (RefusedException ex)
            {
                return ApprovalError(ex);
            }
        });
    }

    /// <summary>A person (Basic, as <see cref="UserFilter"/>), or an admin token (Bearer), who reads everything and decides nothing.</summary>
    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> ViewerFilter(GatewayHost host, AdminTokenAuthenticator admins)
    {
        var person = UserFilter(host);
        return async (context, next) =>
        {
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            if (header.StartsWith("Bearer ", StringComparison.Ordinal) && admins.Authenticate(header.AsSpan(7).Trim()) is { } admin)
            {
                context.HttpContext.Items[AdminItem] = admin;
                return await next(context);
            }

            return await person(context, next);
        };
    }

    /// <summary>The person asking, or null for an admin token.</summary>
    private static GatewayUser? Viewer(HttpContext http) => http.Items.TryGetValue(UserItem, out var user) ? user as GatewayUser : null;

    private static IResult NoSuchRequest(string id) =>
        Results.Json(new { Error = $"{ApprovalErrors.NotFound}: no approval request {id}", ErrorId = ApprovalErrors.NotFound }, AdminApi.Json, statusCode: StatusCodes.Status404NotFound);

    private static IResult AdminDecidesNothing() => Results.Json(
        new { Error = $"{ApprovalErrors.NotAnApprover}: an admin token is nobody in policy and decides nothing: decide as yourself (Authorization: Basic user:token)", ErrorId = ApprovalErrors.NotAnApprover },
        AdminApi.Json,
        statusCode: StatusCodes.Status403Forbidden);

    /// <summary>The largest duration the API takes, in seconds (100 years, as policy's durations): beyond it, a 400 rather than an overflow.</summary>
    internal const long MaxDurationSeconds = 100L * 366 * 86_400;

    /// <summary>A duration in seconds from a request body; out of range (an overflowing TimeSpan, or a date past year 9999) is <see cref="ApprovalErrors.BadRequest"/>.</summary>
    private static TimeSpan Seconds(long seconds, string field) => seconds <= MaxDurationSeconds && seconds >= -MaxDurationSeconds
        ? TimeSpan.FromSeconds(seconds)
        : throw new RefusedException(ApprovalErrors.BadRequest, $"{field} is {seconds.ToString(CultureInfo.InvariantCulture)}: out of range (at most {MaxDurationSeconds.ToString(CultureInfo.InvariantCulture)} seconds)");

    private static object GrantJson(GrantRecord g) => new { g.Id, g.User, g.Grant, g.Resource, g.ApprovalId, g.From, g.Until, g.Reason, g.RevokedAt, g.RevokedBy };

    private static IResult ApprovalError(RefusedException ex, HttpContext? http = null)
    {
        var status = ex.ErrorId switch
        {
            ApprovalErrors.NotFound => StatusCodes.Status404NotFound,
            ApprovalErrors.SelfApproval or ApprovalErrors.NotAnApprover or IdentityErrors.MfaFailed or IdentityErrors.MfaNotFresh => StatusCodes.Status403Forbidden,
            ApprovalErrors.ReasonRequired or ApprovalErrors.InvalidAccessRequest or IdentityErrors.InvalidToken or ApprovalErrors.BadRequest
                or IdentityErrors.TokenUnknownResource or IdentityErrors.TokenControlCharacters or ApprovalErrors.GrantDoesNotApply => StatusCodes.Status400BadRequest,
            ApprovalErrors.TooManyPending or IdentityErrors.MfaBackOff or IdentityErrors.MfaLockedOut => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status409Conflict,
        };
        if (http is not null && ex.RetryAfter is { } retryAfter)
        {
            // RFC 9110 §10.2.3: delay-seconds.
            http.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return Results.Json(new { Error = ex.Message, ErrorId = ex.ErrorId }, AdminApi.Json, statusCode: status);
    }

    /// <summary>A decision or an ask; <paramref name="requestId"/> set: someone who may not decide it is told it does not exist.</summary>
    private static async Task<IResult> DecideAsync(Func<ValueTask<ApprovalRequestRecord>> decide, string? requestId = null)
    {
        try
        {
            return Results.Json(ReviewJson(await decide(), null, exact: false), AdminApi.Json);
        }
        catch (RefusedException ex) when (requestId is not null && ex.ErrorId == ApprovalErrors.NotAnApprover)
        {
            // Recorded as approval.refused by the pipeline; the caller learns nothing about the request.
            return NoSuchRequest(requestId);
        }
        catch (RefusedException ex)
        {
            return ApprovalError(ex);
        }
    }

    /// <summary>
    /// A request as the API shows it. <c>action</c> is the masked summary (as webhooks carry it) and
    /// <c>structure</c> the parser's view; <paramref name="exact"/> (one request, to its requester or a person who
    /// may decide it) adds <c>exact</c>: the text and parameter values that will run, with every invisible or
    /// terminal-controlling character written <c>\u{XXXX}</c> (<see cref="VisibleText"/>), and whether they still
    /// hash to the digest the approval is bound to.
    /// </summary>
    private static object ReviewJson(ApprovalRequestRecord r, IReadOnlyList<ApprovalVoteRecord>? votes, bool exact) => new
    {
        r.Id,
        r.Kind,
        r.State,
        r.Requester,
        r.Resource,
        Action = r.ActionSummary,
        Structure = ApprovalStructure.FromJson(r.Structure),
        Exact = exact && r.ExactText is { } text ? ExactJson(r, text) : null,
        r.Grant,
        r.Reason,
        r.Rule,
        r.PolicyRevision,
        r.CreatedAt,
        r.ExpiresAt,
        r.DecidedAt,
        r.DecidedBy,
        r.Comment,
        Votes = votes?.Select(v => new { v.Approver, v.Verdict, v.Comment, v.At }),
    };

    private static object ExactJson(ApprovalRequestRecord r, string text)
    {
        var parameters = r.ExactParameters ?? [];
        var shown = parameters.Select((p, i) => $"${i + 1} = {ParameterText(p)}").ToList();
        return new
        {
            Text = VisibleText.Escape(text, multiline: true),
            Parameters = shown.Select(p => VisibleText.Escape(p)).ToList(),
            Escaped = VisibleText.NeedsEscape(text, multiline: true) || shown.Any(p => VisibleText.NeedsEscape(p)),
            MatchesDigest = r.ActionDigest == ActionApprovals.DigestOf(r.Requester, r.Resource, text, parameters),
        };
    }

    /// <summary>A parameter value as text: quoted when it is UTF-8, else its bytes in hex (a binary-format value).</summary>
    private static string ParameterText(byte[]? value)
    {
        if (value is null)
        {
            return "NULL";
        }

        try
        {
            return "'" + new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value) + "'";
        }
        catch (DecoderFallbackException)
        {
            return "\\x" + Convert.ToHexStringLower(value) + " (binary)";
        }
    }
}
