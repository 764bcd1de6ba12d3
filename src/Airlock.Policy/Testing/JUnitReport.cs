using System.Globalization;
using System.Xml.Linq;

namespace Airlock.Policy.Testing;

/// <summary>Writes a test report in the JUnit XML shape that CI systems read.</summary>
public static class JUnitReport
{
    public static XDocument Build(PolicyTestReport report, string bundle)
    {
        var cases = report.Results.Select(r =>
        {
            var element = new XElement("testcase",
                new XAttribute("classname", r.Case.Location.File),
                new XAttribute("name", r.Case.Name),
                new XAttribute("time", "0"));
            if (!r.Passed)
            {
                element.Add(new XElement("failure",
                    new XAttribute("message", string.Join("; ", r.Failures)),
                    $"{r.Case.Location}\n{string.Join("\n", r.Failures)}\nmatched rules: {string.Join(", ", r.MatchedRules)}"));
            }

            return element;
        });

        var suite = new XElement("testsuite",
            new XAttribute("name", $"airlock policy {bundle}"),
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
