using Npgsql;

namespace Airlock.Store.Tests.Locations;

/// <summary>Every form of a store location, and that a password never reaches <see cref="StoreLocation.Description"/> or an error.</summary>
public sealed class StoreLocationTests
{
    [Theory]
    [InlineData("sqlite:/var/lib/airlock/state.db", "/var/lib/airlock/state.db")]
    [InlineData("SQLITE:/var/lib/airlock/state", "/var/lib/airlock/state")]
    [InlineData("/var/lib/airlock/state.db", "/var/lib/airlock/state.db")]
    [InlineData("  /srv/a.sqlite  ", "/srv/a.sqlite")]
    [InlineData("/srv/../srv/b.db", "/srv/b.db")]
    public void Sqlite_locations_are_full_paths(string text, string path)
    {
        var location = StoreLocation.Parse(text);

        Assert.Equal(StoreKind.Sqlite, location.Kind);
        Assert.Equal(path, location.Target);
        Assert.Equal(path, location.Description);
        Assert.Equal(path, location.ToString());
    }

    [Fact]
    public void A_relative_sqlite_path_is_made_full()
    {
        var location = StoreLocation.Parse("sqlite:state/airlock.db");

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "state", "airlock.db"), location.Target);
    }

    [Fact]
    public void A_postgres_uri_gives_every_part_and_a_description_without_the_password()
    {
        var location = StoreLocation.Parse("postgres://gateway:s3cr%40t%3Apw@db.example.com:6543/airlock_state?sslmode=verify-full&application_name=gw-1&connect_timeout=7");

        Assert.Equal(StoreKind.Postgres, location.Kind);
        Assert.Equal("postgres://gateway@db.example.com:6543/airlock_state", location.Description);
        Assert.DoesNotContain("s3cr", location.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr", location.ToString(), StringComparison.Ordinal);

        var target = new NpgsqlConnectionStringBuilder(location.Target);
        Assert.Equal("db.example.com", target.Host);
        Assert.Equal(6543, target.Port);
        Assert.Equal("airlock_state", target.Database);
        Assert.Equal("gateway", target.Username);
        Assert.Equal("s3cr@t:pw", target.Password);
        Assert.Equal(SslMode.VerifyFull, target.SslMode);
        Assert.Equal("gw-1", target.ApplicationName);
        Assert.Equal(7, target.Timeout);
    }

    [Theory]
    [InlineData("postgresql://alice@db/state", "postgres://alice@db:5432/state")]
    [InlineData("postgres://db", "postgres://@db:5432/postgres")]
    [InlineData("postgres://alice:pw@db:5433", "postgres://alice@db:5433/postgres")]
    public void A_postgres_uri_has_defaults_for_what_it_leaves_out(string text, string description)
    {
        Assert.Equal(description, StoreLocation.Parse(text).Description);
    }

    [Theory]
    [InlineData("postgres://alice:hunter2@db/state?sslrootcert=/x", "sslrootcert")]
    [InlineData("postgres://alice:hunter2@db/state?sslmode=sometimes", "sometimes")]
    [InlineData("postgres://alice:hunter2@db/state?password=hunter3", "password")]
    public void A_postgres_uri_with_a_parameter_it_does_not_know_is_refused(string text, string named)
    {
        var ex = Assert.Throws<StoreException>(() => StoreLocation.Parse(text));

        Assert.Equal(StoreErrors.BadLocation, ex.ErrorId);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_connection_string_location_is_described_without_its_password()
    {
        var location = StoreLocation.Parse("postgres:Host=db.internal;Port=5433;Username=gw;Password=hunter2;Database=state");

        Assert.Equal(StoreKind.Postgres, location.Kind);
        Assert.Equal("postgres://gw@db.internal:5433/state", location.Description);
        Assert.Equal("hunter2", new NpgsqlConnectionStringBuilder(location.Target).Password);
    }

    [Fact]
    public void A_bad_postgres_connection_string_is_refused_without_quoting_it()
    {
        var ex = Assert.Throws<StoreException>(() => StoreLocation.Parse("postgres:Host=db;Password=hunter2;Colour=blue"));

        Assert.Equal(StoreErrors.BadLocation, ex.ErrorId);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("sqlite:")]
    [InlineData("postgres:")]
    [InlineData("postgres://")]
    [InlineData("mysql://db/state")]
    [InlineData("state.txt")]
    public void A_location_that_is_not_one_is_refused(string text)
    {
        var ex = Assert.Throws<StoreException>(() => StoreLocation.Parse(text));

        Assert.Equal(StoreErrors.BadLocation, ex.ErrorId);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void An_env_location_whose_variable_is_unset_names_the_variable()
    {
        var name = $"AIRLOCK_TEST_UNSET_{Guid.NewGuid():N}";

        var ex = Assert.Throws<StoreException>(() => StoreLocation.Parse("env:" + name));

        Assert.Equal(StoreErrors.BadLocation, ex.ErrorId);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_env_location_reads_any_other_form_from_the_variable()
    {
        var name = $"AIRLOCK_TEST_STORE_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, "postgres://gw:hunter2@db:5433/state?sslmode=require");
        try
        {
            var location = StoreLocation.Parse("env:" + name);

            Assert.Equal(StoreKind.Postgres, location.Kind);
            Assert.Equal("postgres://gw@db:5433/state", location.Description);
            Assert.Equal(SslMode.Require, new NpgsqlConnectionStringBuilder(location.Target).SslMode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
