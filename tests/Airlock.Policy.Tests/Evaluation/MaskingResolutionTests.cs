using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Masking;
using Airlock.Masking.Columns;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>Which columns come out masked for whom: unmask grants, then column rules, then sensitive names.</summary>
public sealed class MaskingResolutionTests
{
    private const string Rules = "rules:\n  - id: r1\n    allow: { resources: [db] }\n";

    private const string Masking = """
        masking:
          default: on
          columns:
            customers.card_number: partial
            "card_vault.*": redact
            "*.api_secret": hash
            orders.notes: "null"
          entities:
            email: token
          unmask:
            - id: dba-staging-emails
              groups: [dba]
              resources: { labels: { env: staging } }
              columns: [customers.email]
            - id: carol-sees-phones
              users: [carol]
              entities: [phone]
        """;

    private static PolicySnapshot Snapshot(string masking = Masking)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("masking.yaml", masking), ("rules.yaml", Rules));
        return bundle.Compile();
    }

    private static ColumnMasking Resolve(PolicySnapshot snapshot, string user, string resource, string column) =>
        snapshot.ResolveColumnMasking(snapshot.ResolvePrincipal(Who(user)), resource, column);

    [Theory]
    [InlineData("customers.card_number", MaskingStrategy.Partial, "column rule customers.card_number")]
    [InlineData("public.customers.card_number", MaskingStrategy.Partial, "column rule customers.card_number")]
    [InlineData("card_vault.pan", MaskingStrategy.Redact, "column rule card_vault.*")]
    [InlineData("payments.card_vault.cvv", MaskingStrategy.Redact, "column rule card_vault.*")]
    [InlineData("keys.api_secret", MaskingStrategy.Hash, "column rule *.api_secret")]
    [InlineData("orders.notes", MaskingStrategy.Null, "column rule orders.notes")]
    [InlineData("customers.email", MaskingStrategy.Token, "sensitive column name (email)")]
    [InlineData("customers.billing_email", MaskingStrategy.Token, "sensitive column name (email)")]
    [InlineData("customers.ssn", MaskingStrategy.Redact, "sensitive column name (ssn)")]
    [InlineData("customers.phone_number", MaskingStrategy.Partial, "sensitive column name (phone)")]
    [InlineData("users.password_hash", MaskingStrategy.Redact, "sensitive column name (secret)")]
    public void Sensitive_columns_are_masked_with_their_strategy(string column, MaskingStrategy strategy, string source)
    {
        var masking = Resolve(Snapshot(), "alice", "db", column);

        Assert.True(masking.Masked);
        Assert.Equal(strategy, masking.Strategy);
        Assert.StartsWith(source, masking.Source, StringComparison.Ordinal);
        Assert.Null(masking.UnmaskGrant);
        Assert.Equal(column, masking.Column);
    }

    [Theory]
    [InlineData("orders.amount_cents")]
    [InlineData("orders.id")]
    [InlineData("customers.created_at")]
    [InlineData("orders.notes_count")]
    public void Ordinary_columns_are_left_to_the_detectors(string column)
    {
        var masking = Resolve(Snapshot(), "alice", "db", column);

        Assert.False(masking.Masked);
        Assert.Equal("detectors", masking.Source);
        Assert.Null(masking.Strategy);
    }

    [Fact]
    public void An_unmask_grant_shows_its_columns_raw_to_its_principals_on_its_resources_only()
    {
        var snapshot = Snapshot();

        var granted = Resolve(snapshot, "bob", "db-staging", "customers.email");
        Assert.False(granted.Masked);
        Assert.Equal("dba-staging-emails", granted.UnmaskGrant);
        Assert.Equal("email", granted.EntityType);

        Assert.True(Resolve(snapshot, "bob", "db", "customers.email").Masked);          // not staging
        Assert.True(Resolve(snapshot, "bob", "db-staging", "customers.ssn").Masked);    // not the granted column
        Assert.True(Resolve(snapshot, "alice", "db-staging", "customers.email").Masked); // not in dba
        Assert.True(Resolve(snapshot, "bob", "no-such-db", "customers.email").Masked);   // unknown resource
    }

    [Fact]
    public void An_unmask_grant_by_entity_type_shows_every_column_of_that_type()
    {
        var snapshot = Snapshot();

        Assert.Equal("carol-sees-phones", Resolve(snapshot, "carol", "db", "users.phone_number").UnmaskGrant);
        Assert.False(Resolve(snapshot, "carol", "k8s", "staff.mobile").Masked);
        Assert.True(Resolve(snapshot, "carol", "db", "customers.card_number").Masked);
        Assert.True(Resolve(snapshot, "dave", "db", "users.phone_number").Masked);
    }

    [Fact]
    public void With_masking_off_only_column_rules_mask()
    {
        var snapshot = Snapshot("masking:\n  default: off\n  columns:\n    customers.card_number: redact\n");

        Assert.False(snapshot.Bundle.Masking.Enabled);
        var email = Resolve(snapshot, "alice", "db", "customers.email");
        Assert.False(email.Masked);
        Assert.Equal("masking off", email.Source);
        Assert.True(Resolve(snapshot, "alice", "db", "customers.card_number").Masked);
    }

    [Fact]
    public void A_bundle_without_masking_masks_sensitive_names_by_default_strategy()
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("rules.yaml", Rules));
        var snapshot = bundle.Compile();

        var email = Resolve(snapshot, "alice", "db", "customers.email");

        Assert.True(snapshot.Bundle.Masking.Enabled);
        Assert.True(email.Masked);
        Assert.Equal(EntityTypes.Defaults["email"], email.Strategy);
    }

    [Theory]
    [InlineData("email", "email")]
    [InlineData("EMAIL", "email")]
    [InlineData("billing_email", "email")]
    [InlineData("customer_email_address", "email")]
    [InlineData("ssn", "ssn")]
    [InlineData("customer_ssn", "ssn")]
    [InlineData("pan", "card")]
    [InlineData("card_number", "card")]
    [InlineData("date_of_birth", "date_of_birth")]
    [InlineData("dob", "date_of_birth")]
    [InlineData("last_login_ip", "ip_address")]
    [InlineData("home_address", "address")]
    [InlineData("refresh_token", "secret")]
    [InlineData("amount_cents", null)]
    [InlineData("id", null)]
    [InlineData("ip_hash_x", null)]
    [InlineData("expand", null)]
    public void Column_names_imply_entity_types(string name, string? entity)
    {
        Assert.Equal(entity, SensitiveColumnNames.Classify(name));
    }

    [Theory]
    [InlineData("masking:\n  columns:\n    email: redact\n", PolicyErrors.InvalidValue, "table.column")]
    [InlineData("masking:\n  columns:\n    \"customers. email\": redact\n", PolicyErrors.InvalidValue, "table.column")]
    [InlineData("masking:\n  entities:\n    passport: redact\n", PolicyErrors.UnknownMasking, "known types")]
    [InlineData("masking:\n  unmask:\n    - id: everyone\n      columns: [customers.email]\n", PolicyErrors.MissingKey, "must name 'users' or 'groups'")]
    [InlineData("masking:\n  unmask:\n    - id: nothing\n      users: [alice]\n", PolicyErrors.MissingKey, "must name 'columns' or 'entities'")]
    [InlineData("masking:\n  unmask:\n    - users: [alice]\n      columns: [customers.email]\n", PolicyErrors.MissingKey, "needs an 'id'")]
    [InlineData("masking:\n  unmask:\n    - id: u1\n      users: [alice]\n      columns: [customers.email]\n    - id: u1\n      users: [bob]\n      columns: [customers.email]\n", PolicyErrors.DuplicateDefinition, "defined twice")]
    [InlineData("masking:\n  unmask:\n    - id: u1\n      users: [alise]\n      columns: [customers.email]\n", PolicyErrors.UnknownPrincipal, "did you mean 'alice'")]
    [InlineData("masking:\n  unmask:\n    - id: u1\n      users: [alice]\n      resources: [prod-db]\n      columns: [customers.email]\n", PolicyErrors.UnknownResource, "prod-db")]
    [InlineData("masking:\n  default: maybe\n", PolicyErrors.WrongType, "on or off")]
    public void Masking_mistakes_are_reported(string masking, string id, string message)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("masking.yaml", masking), ("rules.yaml", Rules));

        var result = bundle.Load();

        Assert.Contains(message, result.Single(id).Message, StringComparison.Ordinal);
        Assert.Equal(bundle.PathOf("masking.yaml"), result.Single(id).Location.File);
    }
}
