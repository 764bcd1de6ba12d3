using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Airlock.Policy.Testing;

/// <summary>Writes a test report in the JUnit XML shape that CI systems read.</summary>
public static class JUnitReport
{
    /// <summary>Drops characters XML 1.0 cannot carry (YAML allows "\a" in a case name); the report must always save.</summary>
    private static string Xml(string text)
    {
        var clean = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                clean.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                clean.Append(text, i++, 2);
            }
        }

        return clean.ToString();
    }

    public static XDocument Build(PolicyTestReport report, string bundle)
    {
        var cases = report.Results.Select(r =>
        {
            var element = new XElement("testcase",
                new XAttribute("classname", Xml(r.Case.Location.File)),
                new XAttribute("name", Xml(r.Case.Name)),
                new XAttribute("time", "0"));
            if (!r.Passed)
            {
                element.Add(new XElement("failure",
                    new XAttribute("message", Xml(string.Join("; ", r.Failures))),
                    Xml($"{r.Case.Location}\n{string.Join("\n", r.Failures)}\nmatched rules: {string.Join(", ", r.MatchedRules)}")));
            }

            return element;
        });

        var suite = new XElement("testsuite",
            new XAttribute("name", Xml($"airlock policy {bundle}")),
            new XAttribute("tests", report.Results.Count),
            new XAttribute("failures", report.Failed),
            new XAttribute("errors", 0),
            new XAttribute("time", report.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "rule_coverage_percent"), new XAttribute("value", report.CoveragePercent.ToString("0.0", CultureInfo.InvariantCulture))),
                new XElement("property", new XAttribute("name", "uncovered_rules"), new XAttribute("value", string.Join(",", report.UncoveredRules.Select(r => r.Id))))),
            cases);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
    }
}
