using System.Data.Common;
using System.Net.Sockets;

namespace Polycloud.Databases;

/// <summary>Maps database driver exceptions (Npgsql, MySqlConnector, SQLite) to portable error codes.</summary>
public static class DatabaseErrors
{
    /// <summary>Classifies an exception thrown while connecting or running a command.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The portable code.</returns>
    public static CloudErrorCode Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case CloudException ce:
                    return ce.ErrorCode;
                case Microsoft.Data.Sqlite.SqliteException sqlite:
                    // SQLITE_CANTOPEN, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_AUTH, SQLITE_READONLY, SQLITE_CONSTRAINT
                    return sqlite.SqliteErrorCode switch { 14 => CloudErrorCode.NotFound, 5 or 6 => CloudErrorCode.Unavailable, 23 or 8 => CloudErrorCode.PermissionDenied, 19 => CloudErrorCode.PreconditionFailed, _ => CloudErrorCode.Unknown };
                case MySqlConnector.MySqlException mysql:
                    return FromMySqlNumber((int)mysql.ErrorCode);
                case DbException db when db.SqlState is { } state:
                    return FromSqlState(state);
                case SocketException:
                case TimeoutException:
                    return e is TimeoutException ? CloudErrorCode.Timeout : CloudErrorCode.Unavailable;
                case System.Security.Authentication.AuthenticationException:
                    return CloudErrorCode.Unauthenticated;
            }
        }

        return CloudErrorCode.Unknown;
    }

    /// <summary>The exception's message without anything that could be a secret (drivers never put passwords in messages,
    /// but connection strings can appear in some).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The message.</returns>
    public static string SafeMessage(Exception exception)
    {
        string message = exception.Message;
        int j = message.IndexOf("Password=", StringComparison.OrdinalIgnoreCase);
        return j >= 0 ? message[..j] + "Password=***" : message;
    }

    private static CloudErrorCode FromSqlState(string state) => state switch
    {
        "28P01" or "28000" => CloudErrorCode.Unauthenticated,
        "3D000" => CloudErrorCode.NotFound,
        "42501" => CloudErrorCode.PermissionDenied,
        "53300" or "53400" => CloudErrorCode.Throttled,
        "57P01" or "57P02" or "57P03" or "08000" or "08001" or "08003" or "08004" or "08006" => CloudErrorCode.Unavailable,
        "57014" => CloudErrorCode.Timeout,
        "23505" => CloudErrorCode.AlreadyExists,
        "40001" or "40P01" => CloudErrorCode.PreconditionFailed,
        _ when state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("42", StringComparison.Ordinal) => CloudErrorCode.InvalidArgument,
        _ when state.StartsWith("XX", StringComparison.Ordinal) => CloudErrorCode.Internal,
        _ => CloudErrorCode.Unknown,
    };

    private static CloudErrorCode FromMySqlNumber(int number) => number switch
    {
        1045 => CloudErrorCode.Unauthenticated,
        1049 => CloudErrorCode.NotFound,
        1044 or 1142 => CloudErrorCode.PermissionDenied,
        1040 or 1203 => CloudErrorCode.Throttled,
        1062 => CloudErrorCode.AlreadyExists,
        _ => CloudErrorCode.Unknown,
    };
}
