namespace SotopiaPi.Grains.Interfaces;

/// <summary>Which exceptions are store or network failures that say nothing about the work itself (retry or hand
/// the work back), as opposed to errors of the work (record them).</summary>
public static class TransientStoreErrors
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        System.Data.Common.DbException db => db.IsTransient || db.GetType().Name is "NpgsqlException",
        TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}
