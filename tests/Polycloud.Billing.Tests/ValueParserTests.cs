using System.Globalization;
using Polycloud.Billing.Internal;

namespace Polycloud.Billing.Tests;

public sealed class ValueParserTests
{
    [Theory]
    [InlineData("0.00000080000", "0.00000080000")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("6.5E-9", "0.0000000065")]
    [InlineData("5.64902E-05", "0.0000564902")]
    [InlineData("1234567890123456789012.5", "1234567890123456789012.5")]
    [InlineData("0", "0")]
    [InlineData(" 42 ", "42")]
    [InlineData("\"$1,000.00 \"", null)]
    [InlineData("$1,000.00 ", "1000.00")]
    public void Decimals(string text, string? expected)
    {
        bool ok = ValueParser.TryParseDecimal(text.Trim(), out var value);
        if (expected is null)
        {
            Assert.False(ok);
        }
        else
        {
            Assert.True(ok);
            Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value);
        }
    }

    [Fact]
    public void Fast_decimal_path_agrees_with_the_bcl_on_random_inputs()
    {
        var random = new Random(20240901);
        for (int i = 0; i < 20_000; i++)
        {
            int intDigits = random.Next(0, 12), fracDigits = random.Next(0, 12);
            var text = (random.Next(2) == 0 ? "-" : string.Empty) +
                       (intDigits == 0 ? "0" : string.Concat(Enumerable.Range(0, intDigits).Select(_ => (char)('0' + random.Next(10))))) +
                       (fracDigits == 0 ? string.Empty : "." + string.Concat(Enumerable.Range(0, fracDigits).Select(_ => (char)('0' + random.Next(10)))));
            Assert.True(ValueParser.TryParseDecimal(text, out var fast), text);
            Assert.Equal(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), fast);
        }
    }

    [Theory]
    [InlineData("2024-09-18 23:00:00", "2024-09-18T23:00:00Z")]
    [InlineData("2023-11-01T00:00:00.000Z", "2023-11-01T00:00:00Z")]
    [InlineData("2024-09-01T02:00:00+02:00", "2024-09-01T00:00:00Z")]
    [InlineData("2024-09-01 00:00:00 UTC", "2024-09-01T00:00:00Z")]
    [InlineData("9/2/2023", "2023-09-02T00:00:00Z")]
    [InlineData("4/1/25", "2025-04-01T00:00:00Z")]
    [InlineData("2024-09-01", "2024-09-01T00:00:00Z")]
    public void Timestamps_are_utc(string text, string expected)
    {
        Assert.True(ValueParser.TryParseDateTime(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("2023-02-01T30:00:00Z")]
    [InlineData("2023-02-30")]
    [InlineData("yesterday")]
    public void Impossible_timestamps_are_rejected(string text) => Assert.False(ValueParser.TryParseDateTime(text, out _));

    [Theory]
    [InlineData("NULL", true)]
    [InlineData("null", true)]
    [InlineData("", true)]
    [InlineData("Nullx", false)]
    [InlineData("0", false)]
    public void Null_markers(string text, bool isNull) => Assert.Equal(isNull, ValueParser.IsNull(text));

    [Fact]
    public void Tag_encodings()
    {
        Assert.Equal("valueB", TagParser.Parse("\"tagA\": \"valueA\",\"tagB\": \"valueB\"")["tagB"]);
        Assert.Equal("prod", TagParser.Parse("[{\"key\":\"env\",\"value\":\"prod\"}]")["env"]);
        Assert.Equal("b", TagParser.Parse("{a=b, c=d}")["a"]);
        Assert.Empty(TagParser.Parse("NULL"));
        Assert.Equal("3", TagParser.Parse("{\"n\": 3}")["n"]);
    }

    [Theory]
    [InlineData("lineItem/UnblendedCost", "line_item_unblended_cost")]
    [InlineData("savingsPlan/SavingsPlanARN", "savings_plan_savings_plan_a_r_n")]
    [InlineData("product/regionCode", "product_region_code")]
    [InlineData("line_item_usage_type", "line_item_usage_type")]
    public void Legacy_cur_names_become_cur2_names(string legacy, string cur2) => Assert.Equal(cur2, AwsCurMapper.ToSnakeCase(legacy));
}
