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
        var app = builder.Build();
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
