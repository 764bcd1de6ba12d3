using System.Runtime.InteropServices;

namespace Airlock.Cli.Gateway;

/// <summary>
/// Who owns a path, without following a final symlink, and who we are. .NET has file modes but no owner, so this
/// asks Linux directly with statx(2), whose struct has one layout on every architecture (stx_uid at byte 20;
/// linux/include/uapi/linux/stat.h). Elsewhere the owner is unknown and only the mode is checked.
/// </summary>
internal static partial class UnixOwner
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;
    private const int StatxSize = 256;
    private const int UidOffset = 20;

    /// <summary>The owner's uid and ours, or null where the platform cannot say.</summary>
    public static (uint Owner, uint Us)? Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) != 0)
            {
                return null;
            }

            return (BitConverter.ToUInt32(buffer, UidOffset), GetEuid());
        }
        catch (EntryPointNotFoundException)
        {
            // A libc older than glibc 2.28 has no statx wrapper: the mode check alone applies.
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
