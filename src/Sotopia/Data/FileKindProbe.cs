using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Tells a regular file from a special one (character or block device, FIFO, socket) before it is opened:
/// reading <c>/dev/zero</c> never ends and opening a FIFO blocks until someone writes to it. .NET has no public
/// API for the file type (dotnet/runtime#85148), so on Linux this asks <c>statx(2)</c>, whose result layout is
/// the same on every architecture. Elsewhere, or where libc has no <c>statx</c>, the kind is unknown and the
/// caller's size limits are the only guard.</summary>
internal static class FileKindProbe
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;

    /// <summary>Null when <paramref name="path"/> (following symbolic links) is a regular file or its kind cannot
    /// be told; otherwise what it is, e.g. "a character device".</summary>
    public static string? DescribeIfSpecial(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[StatxSize];
        int result;
        try
        {
            result = Statx(AtFdCwd, path, 0, StatxType, buffer);
        }
        catch (Exception exception) when (exception is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        if (result != 0 || (ReadNative32(buffer, 0) & StatxType) == 0)
        {
            return null;
        }

        var mode = BitConverter.IsLittleEndian
            ? BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(StatxModeOffset))
            : BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(StatxModeOffset));
        return (mode & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    private static uint ReadNative32(byte[] buffer, int offset) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset))
        : BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset));

    [DllImport("libc", EntryPoint = "statx", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
