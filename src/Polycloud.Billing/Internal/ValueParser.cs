using System.Globalization;
using System.Runtime.CompilerServices;

namespace Polycloud.Billing.Internal;

/// <summary>Allocation-free parsing of the textual values found in cost exports.</summary>
internal static class ValueParser
{
    private static readonly System.Buffers.SearchValues<char> NumberChars = System.Buffers.SearchValues.Create("0123456789+-.eE");
    private static readonly System.Buffers.SearchValues<char> MoneyChars = System.Buffers.SearchValues.Create("$€£¥,");

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.fffK", "yyyy-MM-ddTHH:mmK", "yyyy-MM-dd",
        "M/d/yyyy", "M/d/yy", "M/d/yyyy H:mm", "M/d/yyyy h:mm:ss tt", "M/d/yyyy H:mm:ss", "yyyy-MM-dd HH:mm:ss 'UTC'",
        "yyyy-MM-dd HH:mm:ss.FFFFFF 'UTC'", "yyyyMM",
    ];

    /// <summary>
    /// The value without leading and trailing white space; checks the two ends first, because cells almost never
    /// carry any, so the common case costs two comparisons instead of a call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> value) =>
        value.IsEmpty || (value[0] > ' ' && value[^1] > ' ') ? value : value.Trim();

    /// <summary>True for an empty value or a literal null marker (<c>NULL</c>, <c>null</c>, <c>Null</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNull(ReadOnlySpan<char> value) =>
        value.IsEmpty || (value.Length == 4 && (value[0] | 0x20) == 'n' && value.Equals("null", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the value is a literal null marker rather than an empty field.</summary>
    public static bool IsNullLiteral(ReadOnlySpan<char> value) =>
        value.Length == 4 && value.Equals("null", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the text is a plain number (digits, sign, point, exponent) as FOCUS requires.</summary>
    public static bool IsPlainNumber(ReadOnlySpan<char> s)
    {
        s = s.Trim();
        return !s.IsEmpty && !s.ContainsAnyExcept(NumberChars) &&
            decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    public static decimal? ParseDecimal(ReadOnlySpan<char> s)
    {
        s = Trim(s);
        if (IsNull(s))
        {
            return null;
        }

        if (TryParseDecimal(s, out var d))
        {
            return d;
        }

        throw new FormatException($"'{s}' is not a decimal number.");
    }

    /// <summary>Parses plain decimals (<c>-12.3400</c>) on a fast path and anything else (exponents, long mantissas) with the BCL.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> s, out decimal value)
    {
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            i = 1;
        }

        ulong mantissa = 0;
        int digits = 0;
        bool sawDigit = false;
        int scale = -1;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            uint digit = (uint)(c - '0');
            if (digit <= 9)
            {
                sawDigit = true;
                if (digits == 0 && digit == 0 && scale < 0)
                {
                    continue; // leading zeros of the integer part
                }

                if (++digits > 19)
                {
                    return SlowParse(s, out value);
                }

                mantissa = (mantissa * 10) + digit;
                if (scale >= 0)
                {
                    scale++;
                }
            }
            else if (c == '.' && scale < 0)
            {
                scale = 0;
            }
            else
            {
                return SlowParse(s, out value);
            }
        }

        if (!sawDigit)
        {
            value = 0;
            return false;
        }

        if (scale > 28)
        {
            return SlowParse(s, out value);
        }

        value = new decimal((int)mantissa, (int)(mantissa >> 32), 0, negative, (byte)Math.Max(scale, 0));
        return true;
    }

    private static bool SlowParse(ReadOnlySpan<char> s, out decimal value)
    {
        if (decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        // Spreadsheet-formatted money ("$1,000.00 ") as found in some published examples.
        if (s.ContainsAny(MoneyChars))
        {
            Span<char> cleaned = s.Length <= 64 ? stackalloc char[s.Length] : new char[s.Length];
            int n = 0;
            foreach (var c in s)
            {
                if (c is not ('$' or '€' or '£' or '¥' or ',' or ' '))
                {
                    cleaned[n++] = c;
                }
            }

            if (decimal.TryParse(cleaned[..n], NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                return true;
            }
        }

        // Values below decimal's smallest scale (for example 1E-30) are zero to the cent and far beyond.
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var dbl) && Math.Abs(dbl) < 1e-20)
        {
            value = 0m;
            return true;
        }

        return false;
    }

    public static DateTimeOffset? ParseDateTime(ReadOnlySpan<char> s)
    {
        s = s.Trim();
        if (IsNull(s))
        {
            return null;
        }

        if (TryParseDateTime(s, out var value))
        {
            return value;
        }

        throw new FormatException($"'{s}' is not a date/time.");
    }

    /// <summary>Parses ISO 8601 (with <c>T</c> or a space, optional fraction and zone) fast; US and BigQuery forms on a slow path. Values without a zone are UTC.</summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        if (s.Length >= 10 && s[4] == '-' && s[7] == '-' &&
            TryDigits(s, 0, 4, out int year) && TryDigits(s, 5, 2, out int month) && TryDigits(s, 8, 2, out int day))
        {
            int hour = 0, minute = 0, second = 0;
            int pos = 10;
            if (s.Length >= 16 && (s[10] == 'T' || s[10] == ' ') && s[13] == ':' &&
                TryDigits(s, 11, 2, out hour) && TryDigits(s, 14, 2, out minute))
            {
                pos = 16;
                if (s.Length >= 19 && s[16] == ':' && TryDigits(s, 17, 2, out second))
                {
                    pos = 19;
                }

                long fractionTicks = 0;
                if (pos < s.Length && s[pos] == '.')
                {
                    pos++;
                    long scaleTicks = TimeSpan.TicksPerSecond;
                    while (pos < s.Length && (uint)(s[pos] - '0') <= 9)
                    {
                        scaleTicks /= 10;
                        fractionTicks += (s[pos] - '0') * scaleTicks;
                        pos++;
                    }
                }

                var rest = s[pos..].Trim();
                TimeSpan offset = TimeSpan.Zero;
                if (rest.IsEmpty || rest is "Z" || rest.Equals("UTC", StringComparison.OrdinalIgnoreCase) || rest is "+00:00")
                {
                }
                else if (rest.Length == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
                         TryDigits(rest, 1, 2, out int oh) && TryDigits(rest, 4, 2, out int om))
                {
                    offset = new TimeSpan(oh, om, 0);
                    if (rest[0] == '-')
                    {
                        offset = -offset;
                    }
                }
                else
                {
                    return SlowDate(s, out value);
                }

                if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 24 || minute > 59 || second > 59)
                {
                    return SlowDate(s, out value);
                }

                var dt = hour == 24
                    ? new DateTime(year, month, day, 0, minute, second, DateTimeKind.Unspecified).AddDays(1)
                    : new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
                value = new DateTimeOffset(dt.AddTicks(fractionTicks), offset).ToUniversalTime();
                return true;
            }

            if (s.Length == 10 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
            {
                value = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
                return true;
            }
        }

        return SlowDate(s, out value);
    }

    private static bool SlowDate(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces;
        if (DateTimeOffset.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture, styles, out value) ||
            DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, styles, out value))
        {
            value = value.ToUniversalTime();
            return true;
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}
