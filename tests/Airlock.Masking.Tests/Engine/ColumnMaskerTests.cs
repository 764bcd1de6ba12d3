using Airlock.Masking.Strategies;

namespace Airlock.Masking.Tests.Engine;

public sealed class ColumnMaskerTests
{
    private readonly MaskingEngine _engine = TestEngine.Create();

    [Theory]
    [InlineData("email", EntityTypes.Email)]
    [InlineData("customers.card_number", EntityTypes.Card)]
    [InlineData("ssn", EntityTypes.Ssn)]
    [InlineData("billing_email", EntityTypes.Email)]
    public void A_sensitive_column_name_masks_every_value_whole(string column, string entity)
    {
        var masker = _engine.ForColumn(column);

        Assert.True(masker.MasksWholeValues);
        Assert.Equal(entity, masker.EntityType);
        Assert.NotEqual("harmless-looking", masker.Mask("harmless-looking"));
    }

    [Fact]
    public void A_policy_column_rule_overrides_the_name()
    {
        var masker = _engine.ForColumn("notes", MaskingStrategy.Redact, EntityTypes.Secret);

        Assert.Equal("[SECRET]", masker.Mask("anything at all"));
    }

    [Fact]
    public void Other_columns_pass_the_detectors_and_clean_values_are_returned_as_they_are()
    {
        var masker = _engine.ForColumn("comment");
        const string clean = "order shipped on time";

        Assert.False(masker.MasksWholeValues);
        Assert.Same(clean, masker.Mask(clean));
        Assert.Equal("contact ***@example.com", masker.Mask("contact ann@example.com"));
        Assert.Null(masker.Mask(null));
    }

    [Fact]
    public void Counts_are_kept_per_entity_type()
    {
        var counts = new MaskingCounts();
        var email = _engine.ForColumn("email");
        var comment = _engine.ForColumn("comment");

        email.Mask("a@example.com", counts);
        email.Mask("b@example.com", counts);
        comment.Mask("card 4111111111111111 and c@example.com", counts);

        Assert.Equal(3, counts.ByEntityType[EntityTypes.Email]);
        Assert.Equal(1, counts.ByEntityType[EntityTypes.Card]);
        Assert.Equal(4, counts.Total);
    }

    [Fact]
    public void Clean_values_allocate_nothing()
    {
        var masker = _engine.ForColumn("status");
        const string value = "shipped";
        masker.Mask(value);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            masker.Mask(value);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
