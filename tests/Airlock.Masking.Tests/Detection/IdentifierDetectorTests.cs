using Airlock.Masking.Detection.Detectors;

namespace Airlock.Masking.Tests.Detection;

public class IdentifierDetectorTests
{
    [Theory]
    [InlineData("SSN 123-45-6789", "123-45-6789")]
    [InlineData("123-45-6789", "123-45-6789")]
    [InlineData("(078-05-1120)", "078-05-1120")]
    [InlineData("ssn: 123 45 6789.", "123 45 6789")]
    [InlineData("Social Security Number 123456789", "123456789")]
    public void Ssn_positives(string text, string expected) => Assert.Equal([expected], Scan.With(new SsnDetector(), text));

    [Theory]
    [InlineData("000-12-3456")]           // area 000
    [InlineData("666-12-3456")]           // area 666
    [InlineData("900-12-3456")]           // area 9xx
    [InlineData("123-00-4567")]           // group 00
    [InlineData("123-45-0000")]           // serial 0000
    [InlineData("123-45 6789")]           // mixed delimiters
    [InlineData("123456789")]             // undelimited without context
    [InlineData("123 45 6789")]           // spaced without context
    [InlineData("123-45-6789-01")]        // longer id
    [InlineData("A123-45-6789")]
    [InlineData("2024-01-15")]
    public void Ssn_negatives(string text) => Assert.Empty(Scan.With(new SsnDetector(), text));

    [Theory]
    [InlineData("call +1 415 555 2671 now", "+1 415 555 2671")]
    [InlineData("+14155552671", "+14155552671")]
    [InlineData("+44 20 7946 0958", "+44 20 7946 0958")]
    [InlineData("+49-30-12345678,", "+49-30-12345678")]
    [InlineData("phone: (415) 555-2671", "(415) 555-2671")]
    [InlineData("Tel. 415.555.2671", "415.555.2671")]
    [InlineData("mobile 020 7946 0958", "020 7946 0958")]
    [InlineData("phone 4155552671", "4155552671")]
    [InlineData("tel +354 5551234", "+354 5551234")]
    [InlineData("My number is (415) 555-2671.", "(415) 555-2671")]   // the North American shape needs no context
    [InlineData("reached them at 415-555-2671", "415-555-2671")]
    [InlineData("415.555.2671", "415.555.2671")]
    public void Phone_positives(string text, string expected) => Assert.Equal([expected], Scan.With(new PhoneDetector(), text));

    [Theory]
    [InlineData("(123) 555-2671")]                 // not a North American area code, and no context
    [InlineData("ref 415-155-2671")]               // exchange starting with 1: not NANP, no context
    [InlineData("415 555 2671")]                   // spaces: too common in ids to stand alone
    [InlineData("id 4155552671")]
    [InlineData("phone updated 2024-01-15")]       // date shape
    [InlineData("phone at 10:20:30")]
    [InlineData("+0 415 555 2671")]                // no country code starts with 0
    [InlineData("+1234567")]                       // too short
    [InlineData("+1234567890123456")]              // longer than E.164
    [InlineData("1+4155552671")]
    [InlineData("phone 1.2.3")]
    public void Phone_negatives(string text) => Assert.Empty(Scan.With(new PhoneDetector(), text));

    [Theory]
    [InlineData("from 10.0.0.1", "10.0.0.1")]
    [InlineData("192.168.1.254:5432", "192.168.1.254")]
    [InlineData("ip=8.8.8.8.", "8.8.8.8")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("(172.16.0.1)", "172.16.0.1")]
    [InlineData("10.1.2.3/24", "10.1.2.3")]
    public void Ipv4_positives(string text, string expected) => Assert.Equal([expected], Scan.With(new Ipv4Detector(), text));

    [Theory]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("v1.2.3.4")]
    [InlineData("version 1.2.3.4")]
    [InlineData("Version: 10.0.19041.1")]
    [InlineData("release 2.3.4.5")]
    [InlineData("01.02.03.04")]
    [InlineData("pkg@1.2.3.4")]
    [InlineData("1.2.3.4a")]
    public void Ipv4_negatives(string text) => Assert.Empty(Scan.With(new Ipv4Detector(), text));

    [Theory]
    [InlineData("client 2001:db8::1 connected", "2001:db8::1")]
    [InlineData("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:443", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [InlineData("fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a")]
    [InlineData("::ffff:192.0.2.128", "::ffff:192.0.2.128")]
    public void Ipv6_positives(string text, string expected) => Assert.Equal([expected], Scan.With(new Ipv6Detector(), text));

    [Theory]
    [InlineData("at 10:20:30")]
    [InlineData("2024-01-15T10:20:30.123Z")]
    [InlineData("mac 00:1a:2b:3c:4d:5e")]
    [InlineData("std::vector<int>")]
    [InlineData("a::b")]
    [InlineData("::1")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("Foo::Bar::Baz")]
    public void Ipv6_negatives(string text) => Assert.Empty(Scan.With(new Ipv6Detector(), text));

    [Theory]
    [InlineData("DOB: 1980-05-17", "1980-05-17")]
    [InlineData("date of birth 17/05/1980", "17/05/1980")]
    [InlineData("born 05/17/1980.", "05/17/1980")]
    [InlineData("Birthdate=17.05.1980", "17.05.1980")]
    [InlineData("\"birthday\": \"2000-02-29\"", "2000-02-29")]
    public void Date_of_birth_positives(string text, string expected) => Assert.Equal([expected], Scan.With(new DateOfBirthDetector(), text));

    [Theory]
    [InlineData("created 1980-05-17")]        // no context
    [InlineData("dob 1980-13-17")]            // month 13
    [InlineData("dob 2001-02-29")]            // not a leap year
    [InlineData("dob 1850-01-01")]            // out of range
    [InlineData("dob 1980-05-17-01")]
    [InlineData("dob 2024-01-15T10:20:30Z")]  // a timestamp, glued to T
    public void Date_of_birth_negatives(string text) => Assert.Empty(Scan.With(new DateOfBirthDetector(), text));

    [Theory]
    [InlineData("mail alice@example.com.", "alice@example.com")]
    [InlineData("<bob.smith+tag@mail.example.co.uk>", "bob.smith+tag@mail.example.co.uk")]
    public void Email_positives(string text, string expected) => Assert.Equal([expected], Scan.With(new EmailDetector(), text));

    [Theory]
    [InlineData("user@localhost")]
    [InlineData("@Override")]
    [InlineData("git@github")]
    [InlineData("build@host.local")]
    public void Email_negatives(string text) => Assert.Empty(Scan.With(new EmailDetector(), text));
}
