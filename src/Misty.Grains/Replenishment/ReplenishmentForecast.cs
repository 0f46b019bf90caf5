namespace Misty.Grains.Replenishment;

/// <summary>The demand a plan stocks for, from a stored forecast.</summary>
public static class ReplenishmentForecast
{
    /// <summary>
    /// The forecast's weeks with each week's demand at least the mean of the recent weeks. The forecaster's point is a
    /// median, right for forecast error but short for stock: a record that sells one copy every other week has a
    /// median week of 0 and still needs a copy on the shelf. Upper bounds are raised to stay above the demand.
    /// </summary>
    public static (double[] Forecast, double[] Upper) Demand(double[] forecast, double[] upper, IReadOnlyCollection<double> recentWeeks)
    {
        var mean = recentWeeks.Count == 0 ? 0 : recentWeeks.Average();
        var demand = forecast.Select(week => Math.Max(week, mean)).ToArray();
        return (demand, upper.Select((week, w) => Math.Max(week, w < demand.Length ? demand[w] : week)).ToArray());
    }
}
