using Airlock.Masking.Strategies;

namespace Airlock.Masking.Tests.Engine;

public sealed class StrategyTests
{
    private static MaskingEngine With(string entity, MaskingStrategy strategy) =>
        TestEngine.Create(new Dictionary<string, MaskingStrategy>(StringComparer.Ordinal) { [entity] = strategy });

    [Fact]
    public void Redact_writes_the_entity_type()
    {
        Assert.Equal("mail [EMAIL] now", With(EntityTypes.Email, MaskingStrategy.Redact).Mask("mail ann@example.com now"));
        Assert.Equal("card [CARD]", With(EntityTypes.Card, MaskingStrategy.Redact).Mask("card 4111111111111111"));
    }

    [Fact]
    public void Partial_keeps_the_last_four_of_a_card_and_the_domain_of_an_email()
    {
        var engine = TestEngine.Create();

        Assert.Equal("**** **** **** 1111", engine.Mask("4111 1111 1111 1111"));
        Assert.Equal("************1111", engine.Mask("4111111111111111"));
        Assert.Equal("***@example.com", engine.Mask("ann@example.com"));
    }

    [Fact]
    public void Token_is_deterministic_for_one_key_and_differs_across_keys_and_values()
    {
        var engine = With(EntityTypes.Email, MaskingStrategy.Token);
        var other = new MaskingEngine(new MaskingProfile
        {
            Key = new MaskingKey("fedcba9876543210fedcba9876543210"u8),
            Strategies = new Dictionary<string, MaskingStrategy>(StringComparer.Ordinal) { [EntityTypes.Email] = MaskingStrategy.Token },
        });

        var first = engine.Mask("ann@example.com");
        Assert.Matches("^tok_[a-z2-7]{16}$", first);
        Assert.Equal(first, engine.Mask("ann@example.com"));
        Assert.NotEqual(first, engine.Mask("bob@example.com"));
        Assert.NotEqual(first, other.Mask("ann@example.com"));
    }

    [Fact]
    public void Format_keeps_length_and_character_classes()
    {
        var engine = With(EntityTypes.Card, MaskingStrategy.Format);

        var masked = engine.Mask("4111-1111-1111-1111");

        Assert.Matches(@"^\d{4}-\d{4}-\d{4}-\d{4}$", masked);
        Assert.NotEqual("4111-1111-1111-1111", masked);
        Assert.Equal(masked, engine.Mask("4111-1111-1111-1111"));
    }

    [Fact]
    public void Hash_is_a_keyed_sha256_in_hex()
    {
        var masked = With(EntityTypes.Email, MaskingStrategy.Hash).Mask("ann@example.com");

        Assert.Matches("^sha256:[0-9a-f]{64}$", masked);
    }

    [Fact]
    public void Null_removes_the_value_from_text_and_gives_null_in_a_column()
    {
        var engine = With(EntityTypes.Email, MaskingStrategy.Null);

        Assert.Equal("mail  now", engine.Mask("mail ann@example.com now"));
        Assert.Null(engine.ForColumn("email").Mask("ann@example.com"));
    }

    [Fact]
    public void Keys_must_be_long_enough()
    {
        Assert.Throws<ArgumentException>(() => new MaskingKey("short"u8));
    }
}
