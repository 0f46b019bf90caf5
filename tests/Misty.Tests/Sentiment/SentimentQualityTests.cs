using Misty.Grains.Sentiment;
using Xunit.Abstractions;

namespace Misty.Tests.Sentiment;

/// <summary>The analyzer must match or beat VADER on every kind of text: movie and product reviews, editorials, informal posts and customer messages.</summary>
[Trait("Category", "Unit")]
public class SentimentQualityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(SentimentDevelopmentSets.MovieReviews)]
    [InlineData(SentimentDevelopmentSets.NytEditorials)]
    public void Development_set_figures_are_at_least_vaders(string fileName)
    {
        var path = SentimentDevelopmentSets.Locate(fileName);
        Assert.True(path is not null, $"{fileName} is neither in the shared data folder nor in the test output.");
        var texts = RatedText.ReadFile(path);
        var vader = SentimentDevelopmentSets.VaderFigures[fileName];

        var quality = SentimentEvaluation.Evaluate(SentimentAnalyzer.Default, texts);
        output.WriteLine($"{fileName}: {quality} (VADER: {vader})");

        Assert.Equal(vader.Count, quality.Count);
        Assert.True(quality.Pearson >= vader.Pearson, $"r {quality.Pearson:F3} < VADER {vader.Pearson:F3}");
        Assert.True(quality.Accuracy >= vader.Accuracy, $"accuracy {quality.Accuracy:F3} < VADER {vader.Accuracy:F3}");
        Assert.True(quality.WeightedF1 >= vader.WeightedF1, $"weighted F1 {quality.WeightedF1:F3} < VADER {vader.WeightedF1:F3}");
    }

    public static TheoryData<string> OwnSets => new(SentimentDevelopmentSets.OwnSets.SelectMany(set => set.Files));

    [Theory]
    [MemberData(nameof(OwnSets))]
    public void Figures_on_our_own_sets_are_at_least_those_of_vaders_npm_port(string fileName)
    {
        var path = SentimentDevelopmentSets.Locate(fileName);
        Assert.True(path is not null, $"{fileName} is not in the test output.");
        var texts = RatedText.ReadFile(path);

        var quality = SentimentEvaluation.Evaluate(SentimentAnalyzer.Default, texts);
        var vader = SentimentEvaluation.EvaluateReference(texts, SentimentDevelopmentSets.VaderReferenceOf(path));
        output.WriteLine($"{fileName}: {quality} (VADER npm port: {vader})");

        Assert.True(texts.Count >= 60, $"{fileName} has only {texts.Count} rated posts.");
        Assert.True(quality.Pearson >= vader.Pearson, $"r {quality.Pearson:F3} < VADER {vader.Pearson:F3}");
        Assert.True(quality.Accuracy >= vader.Accuracy, $"accuracy {quality.Accuracy:F3} < VADER {vader.Accuracy:F3}");
        Assert.True(quality.WeightedF1 >= vader.WeightedF1, $"weighted F1 {quality.WeightedF1:F3} < VADER {vader.WeightedF1:F3}");
    }
}

public class SentimentEvaluationTests
{
    [Fact]
    public void Pearson_of_linear_relations_is_plus_or_minus_one()
    {
        double[] x = [1, 2, 3, 4];
        Assert.Equal(1, SentimentEvaluation.Pearson(x, [3, 5, 7, 9]), 9);
        Assert.Equal(-1, SentimentEvaluation.Pearson(x, [0, -1, -2, -3]), 9);
        Assert.Equal(0, SentimentEvaluation.Pearson(x, [2, 2, 2, 2]));
    }

    [Fact]
    public void Accuracy_and_weighted_f1_follow_their_definitions()
    {
        // Truth: two positive, one neutral, one negative. Guesses: positive, neutral, neutral, negative.
        var quality = SentimentEvaluation.Compare([0.5, 0.5, 0, -0.5], [0.9, 0.01, -0.02, -0.3]);

        Assert.Equal(0.75, quality.Accuracy, 9);
        // F1: positive 2·1/(2+1) = 2/3, neutral 2·1/(1+2) = 2/3, negative 1; weighted by support 2, 1, 1.
        Assert.Equal((2 * (2.0 / 3) + 2.0 / 3 + 1) / 4, quality.WeightedF1, 9);
    }

    [Fact]
    public void Neutral_band_is_inclusive_at_five_hundredths()
    {
        Assert.Equal(SentimentPolarity.Positive, SentimentLabels.ToPolarity(0.05));
        Assert.Equal(SentimentPolarity.Neutral, SentimentLabels.ToPolarity(0.049));
        Assert.Equal(SentimentPolarity.Neutral, SentimentLabels.ToPolarity(-0.049));
        Assert.Equal(SentimentPolarity.Negative, SentimentLabels.ToPolarity(-0.05));
    }

    [Theory]
    [InlineData(0.6, CaseSentiment.Happy, "happy")]
    [InlineData(0.0, CaseSentiment.Neutral, "neutral")]
    [InlineData(-0.4, CaseSentiment.Frustrated, "frustrated")]
    [InlineData(-0.95, CaseSentiment.Angry, "angry")]
    public void Case_sentiment_bands(double compound, CaseSentiment expected, string label)
    {
        Assert.Equal(expected, SentimentLabels.ToCaseSentiment(compound));
        Assert.Equal(label, expected.ToLabel());
    }

    [Theory]
    [InlineData("Thanks, the record sounds amazing!", CaseSentiment.Happy)]
    [InlineData("Can you tell me when the reissue is back in stock?", CaseSentiment.Neutral)]
    [InlineData("The record arrived scratched.", CaseSentiment.Frustrated)]
    [InlineData("Still waiting for my refund...", CaseSentiment.Frustrated)]
    [InlineData("This is the WORST service ever!!! Absolutely furious.", CaseSentiment.Angry)]
    public void Customer_messages_get_sensible_case_labels(string message, CaseSentiment expected) =>
        Assert.Equal(expected, SentimentAnalyzer.Default.Analyze(message).CaseSentiment);

    [Fact]
    public void Score_maps_compound_onto_zero_to_hundred()
    {
        Assert.Equal(0, SentimentLabels.ToScore(-1));
        Assert.Equal(50, SentimentLabels.ToScore(0));
        Assert.Equal(100, SentimentLabels.ToScore(1));
        Assert.Equal(75, SentimentLabels.ToScore(0.5));
        Assert.Equal(50, SentimentLabels.ToScore(double.NaN));
        Assert.Equal("positive", SentimentPolarity.Positive.ToLabel());
    }

    [Fact]
    public void Rated_lines_parse_and_others_do_not()
    {
        Assert.True(RatedText.TryParse("7_1\t-1.25\tNot good.\tStill text", out var rated));
        Assert.Equal(new RatedText("7_1", -1.25, "Not good.\tStill text"), rated);
        Assert.False(RatedText.TryParse("plain text", out _));
        Assert.False(RatedText.TryParse("id\tnot a number\ttext", out _));
    }
}
