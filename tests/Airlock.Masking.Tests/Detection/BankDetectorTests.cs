using Airlock.Masking.Detection.Detectors;

namespace Airlock.Masking.Tests.Detection;

public class BankDetectorTests
{
    [Theory]
    [InlineData("411111111111111")]      // Visa 16
    [InlineData("555555555555444")]      // Mastercard
    [InlineData("222300000000000")]      // Mastercard 2-series
    [InlineData("37828224631000")]       // Amex 15
    [InlineData("601100000000000")]      // Discover
    [InlineData("353011133330000")]      // JCB
    [InlineData("424242424242424242")]   // Visa 19
    public void Card_with_valid_issuer_and_luhn_is_found(string body)
    {
        var card = Generate.Luhn(body);
        Assert.Equal([card], Scan.With(new PaymentCardDetector(), $"paid with {card}."));
    }

    [Theory]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("3782 822463 10005")]
    public void Card_with_consistent_separators_is_found(string card) =>
        Assert.Equal([card], Scan.With(new PaymentCardDetector(), $"card={card};"));

    [Theory]
    [InlineData("4111111111111112")]      // Luhn-invalid
    [InlineData("4111-1111 1111-1111")]   // mixed separators
    [InlineData("9111111111111111")]      // no issuer starts with 9
    [InlineData("411111111111")]          // 12 digits
    [InlineData("41111111111111111111")]  // 20 digits
    [InlineData("x4111111111111111")]     // glued to a word
    [InlineData("41111111111111110")]     // part of a longer number
    public void Card_negatives_are_rejected(string text) => Assert.Empty(Scan.With(new PaymentCardDetector(), text));

    [Fact]
    public void Card_at_start_and_end_of_text_is_found()
    {
        Assert.Equal(["4111111111111111"], Scan.With(new PaymentCardDetector(), "4111111111111111"));
        Assert.Equal(["4111111111111111"], Scan.With(new PaymentCardDetector(), "(4111111111111111)"));
    }

    [Theory]
    [InlineData("DE", "370400440532013000")]
    [InlineData("GB", "WEST12345698765432")]
    [InlineData("FR", "20041010050500013M02606")]
    [InlineData("NL", "ABNA0417164300")]
    [InlineData("NO", "86011117947")]
    [InlineData("CH", "00762011623852957")]
    public void Iban_with_registered_length_and_mod97_is_found(string country, string bban)
    {
        var iban = Generate.Iban(country, bban);
        Assert.Equal([iban], Scan.With(new IbanDetector(), $"IBAN: {iban}, thanks"));
        var printed = Generate.Printed(iban);
        Assert.Equal([printed], Scan.With(new IbanDetector(), $"pay to {printed}."));
    }

    [Fact]
    public void Iban_documented_examples_are_found()
    {
        Assert.Equal(["DE89370400440532013000"], Scan.With(new IbanDetector(), "DE89370400440532013000"));
        Assert.Equal(["GB82 WEST 1234 5698 7654 32"], Scan.With(new IbanDetector(), "iban GB82 WEST 1234 5698 7654 32 end"));
    }

    [Theory]
    [InlineData("DE88370400440532013000")]   // wrong check digits
    [InlineData("DE8937040044053201300")]    // one short for DE
    [InlineData("DE893704004405320130000")]  // one long for DE
    [InlineData("ZZ89370400440532013000")]   // no such country
    [InlineData("XDE89370400440532013000")]  // glued to a word
    [InlineData("de89370400440532013000")]   // lower-case country
    [InlineData("DE89 3704 0044 0532 013000")] // broken grouping
    public void Iban_negatives_are_rejected(string text) => Assert.Empty(Scan.With(new IbanDetector(), text));

    [Theory]
    [InlineData("routing number: {0}")]
    [InlineData("ABA {0}")]
    [InlineData("RTN={0}")]
    [InlineData("Routing/transit: {0}.")]
    public void Aba_with_checksum_and_context_is_found(string template)
    {
        var aba = Generate.Aba("02100002");
        Assert.Equal("021000021", aba); // JPMorgan Chase, a published routing number
        Assert.Equal([aba], Scan.With(new AbaRoutingDetector(), string.Format(System.Globalization.CultureInfo.InvariantCulture, template, aba)));
    }

    [Theory]
    [InlineData("order id 021000021")]        // valid checksum, no context
    [InlineData("routing number 021000022")]  // bad checksum
    [InlineData("routing number 991000021")]  // no such Federal Reserve prefix
    [InlineData("routing number 0210000210")] // ten digits
    [InlineData("routing number 000000000")]
    public void Aba_negatives_are_rejected(string text) => Assert.Empty(Scan.With(new AbaRoutingDetector(), text));
}
