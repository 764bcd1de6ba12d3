using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Airlock.Masking.Tests.Engine;

public sealed class JsonMaskerTests
{
    private readonly MaskingEngine _engine = TestEngine.Create();

    private string Mask(string json)
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.True(JsonMasker.TryMask(_engine, Encoding.UTF8.GetBytes(json), output));
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Values_are_masked_and_the_structure_is_kept()
    {
        var masked = Mask("""{"id": 7, "email": "ann@example.com", "tags": ["vip", "card 4111111111111111"], "nested": {"note": "mail bob@example.com", "ok": true, "none": null}}""");

        using var document = JsonDocument.Parse(masked);
        var root = document.RootElement;
        Assert.Equal(7, root.GetProperty("id").GetInt32());
        Assert.Equal("***@example.com", root.GetProperty("email").GetString());
        Assert.Equal("vip", root.GetProperty("tags")[0].GetString());
        Assert.Equal("card ************1111", root.GetProperty("tags")[1].GetString());
        Assert.Equal("mail ***@example.com", root.GetProperty("nested").GetProperty("note").GetString());
        Assert.True(root.GetProperty("nested").GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("nested").GetProperty("none").ValueKind);
        Assert.Equal(["id", "email", "tags", "nested"], root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void A_sensitive_key_masks_its_value_even_when_it_looks_harmless()
    {
        using var document = JsonDocument.Parse(Mask("""{"phone": "12", "card_number": 4111111111111111}"""));

        Assert.NotEqual("12", document.RootElement.GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.String, document.RootElement.GetProperty("card_number").ValueKind);
    }

    [Fact]
    public void Invalid_json_is_refused()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.False(JsonMasker.TryMask(_engine, "{\"email\": \"ann@example.com\""u8, output));
        Assert.Equal(0, output.WrittenCount);
    }
}
