using Airlock.Gateway.Hosting;

namespace Airlock.Gateway.Tests.Hosting;

/// <summary>One `airlock demo` environment (free ports) shared by the class: the real thing a new user starts.</summary>
public sealed class DemoFixture : IAsyncLifetime
{
    public DemoEnvironment Demo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Airlock.slnx")))
        {
            root = root.Parent;
        }

        var directory = Directory.CreateTempSubdirectory("airlock-demo-test-").FullName;
        Demo = await DemoEnvironment.StartAsync(directory, gatewayPort: 0, httpPort: 0, Path.Combine(root!.FullName, "samples", "policies"));
    }

    public async Task DisposeAsync()
    {
        await Demo.DisposeAsync();
        Directory.Delete(Demo.Directory, recursive: true);
    }
}
