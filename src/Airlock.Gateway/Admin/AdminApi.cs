using System.Text.Json;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;
using Airlock.Gateway.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Airlock.Gateway.Admin;

/// <summary>
/// The HTTP admin API (default 127.0.0.1:8080): health without a token; everything under <c>/v1</c>
/// needs an admin token (<c>Authorization: Bearer …</c>) from the config, and every change is audited.
/// </summary>
public sealed class AdminApi : IAsyncDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    private readonly WebApplication _app;

    private AdminApi(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<AdminApi> StartAsync(ListenAddress listen, GatewayHost host, AdminTokenAuthenticator admins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "airlock",

            // No appsettings reload: its file watcher covers the working directory recursively, and with the
            // SQLite store there every WAL write woke it (up to 40% of throughput, benchmarks/pg-proxy.sh).
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(listen.ToEndPoint()));
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        // A body or query that does not bind (malformed JSON, a number too large for its field) throws, so that the
        // middleware below answers 400 with an id instead of an empty 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                // The message names the parameter and the type, never the value sent.
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new { Error = $"{Pipeline.ApprovalErrors.BadRequest}: the request is malformed or a value is out of range ({ex.Message})", ErrorId = Pipeline.ApprovalErrors.BadRequest }, Json, context.RequestAborted);
            }
        });
        app.MapAdminApi(host, admins);
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.FirstOrDefault() ?? $"http://{listen}");
        return new AdminApi(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
