using Xunit.Abstractions;
using Xunit.Sdk;

namespace Airlock.Cli.Tests.Support;

/// <summary>
/// Runs a class's tests in the order they are written, for classes whose tests share one gateway and build
/// on what earlier ones left behind: once bob has stepped up with MFA, he stays fresh for the rest of the
/// class, so the test that shows him refused without it must come first.
/// </summary>
public sealed class WrittenOrder : ITestCaseOrderer
{
    public const string TypeName = "Airlock.Cli.Tests.Support.WrittenOrder";
    public const string AssemblyName = "Airlock.Cli.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases
            .OrderBy(t => t.TestMethod.Method is IReflectionMethodInfo m ? m.MethodInfo.MetadataToken : int.MaxValue)
            .ThenBy(t => t.DisplayName, StringComparer.Ordinal);
}
