using System.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;

namespace Airlock.Policy.Tests.Loading;

/// <summary>The revision names exactly the policy that decided: it moves with content and names, and with nothing else.</summary>
public sealed class BundleRevisionTests
{
    private const string Rules = "rules:\n  - id: r1\n    allow: { resources: [db] }\n";

    private static TempBundle NewBundle() => new(("world.yaml", World.Definitions), ("rules/main.yaml", Rules), ("tests/t.yaml", "cases: []\n"));

    private static string HashOf(TempBundle bundle)
    {
        var result = bundle.Load();
        Assert.True(result.Succeeded, result.Describe());
        return result.Bundle!.Revision.ContentHash;
    }

    [Fact]
    public void The_hash_is_stable_across_loads_and_directories()
    {
        using var first = NewBundle();
        using var second = NewBundle();

        var hash = HashOf(first);

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, HashOf(first));
        Assert.Equal(hash, HashOf(second));
    }

    [Fact]
    public void Changing_any_byte_of_a_file_changes_the_hash()
    {
        using var bundle = NewBundle();
        var before = HashOf(bundle);

        bundle.Write("rules/main.yaml", Rules + " ");
        var trailingSpace = HashOf(bundle);
        bundle.Write("rules/main.yaml", Rules.Replace("r1", "r2", StringComparison.Ordinal));
        var renamedRule = HashOf(bundle);
        bundle.Write("rules/main.yaml", Rules);

        Assert.NotEqual(before, trailingSpace, StringComparer.Ordinal);
        Assert.NotEqual(before, renamedRule, StringComparer.Ordinal);
        Assert.NotEqual(trailingSpace, renamedRule, StringComparer.Ordinal);
        Assert.Equal(before, HashOf(bundle));
    }

    [Theory]
    [InlineData("rules/other.yaml")]
    [InlineData("rules/main.yml")]
    [InlineData("main.yaml")]
    [InlineData("rules/sub/main.yaml")]
    public void Renaming_or_moving_a_file_changes_the_hash(string newPath)
    {
        using var bundle = NewBundle();
        var before = HashOf(bundle);

        File.Delete(bundle.PathOf("rules/main.yaml"));
        bundle.Write(newPath, Rules);

        Assert.NotEqual(before, HashOf(bundle), StringComparer.Ordinal);
    }

    [Fact]
    public void Swapping_the_contents_of_two_files_changes_the_hash()
    {
        using var one = new TempBundle(("a.yaml", World.Definitions), ("b.yaml", Rules));
        using var other = new TempBundle(("a.yaml", Rules), ("b.yaml", World.Definitions));

        Assert.NotEqual(HashOf(one), HashOf(other), StringComparer.Ordinal);
    }

    [Fact]
    public void Adding_a_test_case_changes_the_hash()
    {
        using var bundle = NewBundle();
        var before = HashOf(bundle);

        bundle.Write("tests/more.yaml", "cases: []\n");

        Assert.NotEqual(before, HashOf(bundle), StringComparer.Ordinal);
    }

    [Fact]
    public void Files_that_are_not_policy_and_file_times_do_not_change_the_hash()
    {
        using var bundle = NewBundle();
        var before = HashOf(bundle);

        bundle.Write("README.md", "# notes");
        bundle.Write(".editor/settings.yaml", "x: 1\n");
        bundle.Write(".swap.yaml", "x: 1\n");
        File.SetLastWriteTimeUtc(bundle.PathOf("rules/main.yaml"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(before, HashOf(bundle));
    }

    [Fact]
    public void A_bundle_outside_git_is_named_by_its_hash_alone()
    {
        using var bundle = NewBundle();

        var revision = bundle.Load().Bundle!.Revision;

        Assert.Null(revision.GitCommit);
        Assert.False(revision.GitDirty);
        Assert.Equal($"sha256:{revision.ContentHash[..12]}", revision.ToString());
    }

    [Fact]
    public void A_bundle_in_a_git_work_tree_names_the_commit_and_whether_it_is_dirty()
    {
        using var bundle = NewBundle();
        Git(bundle.Directory, "init", "--quiet");
        Git(bundle.Directory, "add", ".");
        Git(bundle.Directory, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "policy");
        var head = Git(bundle.Directory, "rev-parse", "HEAD");

        var clean = bundle.Load().Bundle!.Revision;
        Assert.Equal(head, clean.GitCommit);
        Assert.False(clean.GitDirty);
        Assert.Equal($"sha256:{clean.ContentHash[..12]}@git:{head[..12]}", clean.ToString());

        bundle.Write("rules/main.yaml", Rules + "# changed\n");
        var dirty = bundle.Load().Bundle!.Revision;
        Assert.Equal(head, dirty.GitCommit);
        Assert.True(dirty.GitDirty);
        Assert.EndsWith("+dirty", dirty.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(clean.ContentHash, dirty.ContentHash, StringComparer.Ordinal);
    }

    [Fact]
    public void The_short_form_shows_twelve_characters_of_each_part()
    {
        var revision = new BundleRevision(new string('a', 64), "0123456789abcdef0123456789abcdef01234567", GitDirty: false);

        Assert.Equal("sha256:aaaaaaaaaaaa@git:0123456789ab", revision.ToString());
        Assert.Equal("sha256:aaaaaaaaaaaa@git:abc1234+dirty", (revision with { GitCommit = "abc1234", GitDirty = true }).ToString());
    }

    private static string Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return output.Trim();
    }
}
