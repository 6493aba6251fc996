using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Polycloud.Google.Blobs;

/// <summary>
/// Reads the RFC 3339 timestamps of Cloud Storage object resources (<c>2026-11-25T14:41:24.123Z</c>). The client
/// library's <c>UpdatedDateTimeOffset</c> parses the string with the general-purpose parser on every access (about
/// 0.35 µs, 35 µs for a page of 100 items); the fixed layout the service writes is read here directly, and anything else
/// falls back to the library's parser.
/// </summary>
internal static class GcsTimestamp
{
    /// <summary>The object's update time (its last modification), or <see langword="null"/> when absent.</summary>
    /// <param name="o">The object resource.</param>
    /// <returns>The time.</returns>
    public static DateTimeOffset? Updated(GcsObject o)
        => o.UpdatedRaw is { } raw && TryParse(raw, out var value) ? value : o.UpdatedDateTimeOffset;

    /// <summary>
    /// Parses <c>yyyy-MM-ddTHH:mm:ss</c>, an optional fraction of 1 to 7 digits, then <c>Z</c> or <c>±HH:mm</c>
    /// (the layout Cloud Storage writes; <c>t</c>/<c>z</c> in lower case too, as RFC 3339 allows).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The time.</param>
    /// <returns><see langword="false"/> when the text has another layout or is not a valid time.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out int year) || !Digits(text, 5, 2, out int month) || !Digits(text, 8, 2, out int day)
            || !Digits(text, 11, 2, out int hour) || !Digits(text, 14, 2, out int minute) || !Digits(text, 17, 2, out int second))
        {
            return false;
        }

        int i = 19;
        long fractionTicks = 0;
        if (text[i] == '.')
        {
            int start = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            int digits = i - start;
            if (digits is 0 or > 7)
            {
                return false;
            }

            Digits(text, start, digits, out int fraction);
            fractionTicks = fraction;
            for (int d = digits; d < 7; d++)
            {
                fractionTicks *= 10;
            }
        }

        TimeSpan offset;
        if (i == text.Length - 1 && (text[i] | 0x20) == 'z')
        {
            offset = TimeSpan.Zero;
        }
        else if (i == text.Length - 6 && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':'
            && Digits(text, i + 1, 2, out int offsetHours) && Digits(text, i + 4, 2, out int offsetMinutes)
            && offsetHours <= 14 && offsetMinutes <= 59)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (text[i] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        long utcTicks = ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(ticks, offset);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            char c = text[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
