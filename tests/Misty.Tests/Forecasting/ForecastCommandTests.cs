using Misty.Silo.Commands;

namespace Misty.Tests.Forecasting;

[Trait("Category", "Unit")]
[Trait("Category", "Unit")]
public sealed class ForecastCommandTests
{
    [Fact]
    public void Writes_one_row_per_item_and_week_and_reports_skipped_lines()
    {
        var input = new StringWriter();
        input.Write("item_id,timestamp,quantity\n");
        for (var week = 1; week <= 20; week++)
        {
            input.Write($"A,{new DateTime(2011, 10, 15).AddDays(-7 * week):yyyy-MM-dd}T12:00:00Z,{week % 3 + 1}\n");
        }

        input.Write("\"B\",2011-10-10T08:00:00Z,\"2\"\nR,2011-10-10T08:00:00Z,-1\nA,2011-10-15T00:00:00Z,999\nbroken line\n");
        var (output, errors) = (new StringWriter(), new StringWriter());

        var code = ForecastCommand.Run(new StringReader(input.ToString()), output, errors, "2011-10-15T00:00:00Z", 3, 80);

        Assert.Equal(0, code);
        var rows = output.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal("item_id,week,forecast,lower,upper", rows[0]);
        Assert.Equal(["A,1", "A,2", "A,3", "B,1", "B,2", "B,3"], rows[1..].Select(r => string.Join(',', r.Split(',')[..2])));
        Assert.All(rows[1..], r => Assert.True(double.Parse(r.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture) >= 0));
        Assert.Contains("Skipped 1 line", errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tomorrow", 8, 80, "--cutoff")]
    [InlineData("2011-10-15T00:00:00Z", 0, 80, "--horizon")]
    [InlineData("2011-10-15T00:00:00Z", 8, 100, "--level")]
    public void Refuses_bad_options_naming_them(string cutoff, int horizon, double level, string option)
    {
        var errors = new StringWriter();

        var code = ForecastCommand.Run(new StringReader(""), new StringWriter(), errors, cutoff, horizon, level);

        Assert.Equal(2, code);
        Assert.StartsWith(option, errors.ToString(), StringComparison.Ordinal);
    }
}
