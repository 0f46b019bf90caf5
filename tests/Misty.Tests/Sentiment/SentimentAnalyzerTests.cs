using System.Text;
using Misty.Grains.Sentiment;

namespace Misty.Tests.Sentiment;

[Trait("Category", "Unit")]
public class SentimentAnalyzerTests
{
    private static readonly SentimentAnalyzer Analyzer = SentimentAnalyzer.Default;

    private static double Compound(string text) => Analyzer.Analyze(text).Compound;

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    [InlineData("... !!! ???")]
    [InlineData(null)]
    public void Text_without_words_is_wholly_neutral(string? text)
    {
        var scores = Analyzer.Analyze(text);

        Assert.Equal(0, scores.Compound);
        Assert.Equal(1, scores.Neutral);
        Assert.Equal(SentimentPolarity.Neutral, scores.Polarity);
    }

    [Fact]
    public void Text_without_sentiment_words_is_neutral() =>
        Assert.Equal(0, Compound("Order 143 ships from Leeds on Tuesday."));

    [Theory]
    [InlineData("The record is good.")]
    [InlineData("Great selection, fair prices :)")]
    [InlineData("I love this shop")]
    public void Praise_is_positive(string text) => Assert.Equal(SentimentPolarity.Positive, Analyzer.Analyze(text).Polarity);

    [Theory]
    [InlineData("just picked up the new pressing and holy shit it sounds amazing!!!")]
    [InlineData("hell yeah new album friday!!!")]
    [InlineData("killed it!!! what a performance")]
    [InlineData("fuck yeah, they announced a second night!")]
    public void Swearing_for_emphasis_in_praise_is_positive(string text) =>
        Assert.Equal(SentimentPolarity.Positive, Analyzer.Analyze(text).Polarity);

    [Theory]
    [InlineData("fuck this, worst night ever")]
    [InlineData("the staff were rude as hell")]
    [InlineData("damn, shitty seats again")]
    public void Swearing_in_a_complaint_stays_negative(string text) =>
        Assert.Equal(SentimentPolarity.Negative, Analyzer.Analyze(text).Polarity);

    [Theory]
    [InlineData("The record is bad.")]
    [InlineData("Terrible packaging :(")]
    [InlineData("I hate waiting")]
    public void Complaints_are_negative(string text) => Assert.Equal(SentimentPolarity.Negative, Analyzer.Analyze(text).Polarity);

    [Theory]
    [InlineData("The pressing is good.", "The pressing is not good.")]
    [InlineData("The pressing is good.", "The pressing isn't good.")]
    [InlineData("The pressing is good.", "The pressing isn’t good.")]
    [InlineData("The pressing is good.", "The pressing isnt good.")]
    [InlineData("I like it", "I don't like it")]
    [InlineData("It was great", "It was never great")]
    public void Negation_flips_praise(string plain, string negated)
    {
        Assert.True(Compound(plain) > 0);
        Assert.True(Compound(negated) < 0);
    }

    [Theory]
    [InlineData("That was bad", "That was not bad")]
    [InlineData("Problems with the order", "No problems with the order")]
    [InlineData("I complain", "I can't complain")]
    public void Negation_flips_complaints(string plain, string negated)
    {
        Assert.True(Compound(plain) < 0);
        Assert.True(Compound(negated) > 0);
    }

    [Fact]
    public void Negation_stops_at_punctuation() =>
        Assert.True(Compound("No problem, thanks for the quick reply!") > 0.5);

    [Fact]
    public void Denied_expectations_are_negative()
    {
        Assert.Equal(0, Compound("It works."));
        Assert.True(Compound("It doesn't work.") < -0.3);
        Assert.True(Compound("My parcel never arrived") < -0.3);
    }

    [Fact]
    public void Boosters_strengthen_and_downtoners_weaken()
    {
        var plain = Compound("The sleeve is nice");
        Assert.True(Compound("The sleeve is very nice") > plain);
        Assert.True(Compound("The sleeve is extremely nice") > plain);
        Assert.True(Compound("The sleeve is slightly nice") < plain);
        Assert.True(Compound("The sleeve is kind of nice") < plain);
        Assert.True(Compound("The sleeve is kind of nice") > 0);
        Assert.True(Compound("The sleeve is very bad") < Compound("The sleeve is bad"));
    }

    [Fact]
    public void Capitals_emphasise_when_the_rest_is_not_shouted()
    {
        Assert.True(Compound("This record is GREAT") > Compound("This record is great"));
        Assert.True(Compound("This record is AWFUL") < Compound("This record is awful"));
        Assert.Equal(Compound("this record is great"), Compound("THIS RECORD IS GREAT"), 6);
    }

    [Fact]
    public void Exclamation_marks_amplify()
    {
        var plain = Compound("Great service");
        var one = Compound("Great service!");
        var three = Compound("Great service!!!");
        Assert.True(one > plain);
        Assert.True(three > one);
        Assert.Equal(Compound("Great service!!!!"), Compound("Great service!!!!!!!!"), 6);
        Assert.True(Compound("Awful service!!!") < Compound("Awful service"));
    }

    [Fact]
    public void Several_question_marks_amplify_one_does_not()
    {
        Assert.Equal(Compound("Terrible"), Compound("Terrible?"), 6);
        Assert.True(Compound("Terrible??") < Compound("Terrible?"));
        Assert.True(Compound("Seriously great???") > Compound("Seriously great"));
    }

    [Fact]
    public void Stretched_words_and_laughter_count_with_emphasis()
    {
        Assert.True(Compound("this is goooood") > Compound("this is good"));
        Assert.True(Compound("I loooove it") > Compound("I love it"));
        Assert.True(Compound("sooo boooring") < Compound("so boring"));
        Assert.True(Compound("hahahahaha") > 0);
        Assert.Equal(0, Compound("zzzz aaaah 1111"));
    }

    [Fact]
    public void But_gives_the_last_word_more_weight()
    {
        Assert.True(Compound("The music is great, but the pressing is awful.") < 0);
        Assert.True(Compound("The pressing is awful, but the music is great.") > 0);
        Assert.True(Compound("The pressing is awful. But the music is great.") > 0);
    }

    [Fact]
    public void But_does_not_reach_into_other_sentences() =>
        Assert.Equal(
            Compound("Awful delivery. I ordered records and got tapes."),
            Compound("Awful delivery. I ordered records but got tapes."),
            6);

    [Fact]
    public void Least_and_at_least_differ()
    {
        Assert.True(Compound("At least it isn't a horrible record.") > 0);
        Assert.True(Compound("The least helpful shop I know") < 0);
    }

    [Fact]
    public void Like_counts_only_as_a_verb()
    {
        Assert.True(Compound("I really like it") > 0);
        Assert.Equal(0, Compound("It looks like a reissue."));
        Assert.Equal(0, Compound("Unlike the first pressing, this one is on blue vinyl."));
    }

    [Fact]
    public void Help_asked_for_carries_no_sentiment_and_help_given_does()
    {
        Assert.Equal(0, Compound("Can you help me find my order?"));
        Assert.Equal(0, Compound("please help, the parcel never came"), 3);
        Assert.Equal(0, Compound("I need help with a return"));
        Assert.True(Compound("A sale would help the shop") > 0);
        Assert.True(Compound("Thanks for your help") > Compound("Thanks for your order"));
    }

    [Fact]
    public void An_intensifier_carries_sentiment_only_where_it_modifies_nothing()
    {
        Assert.True(Compound("Arrived early and works perfectly.") > 0);
        Assert.Equal(0, Compound("The lipstick is super drying"));
        Assert.True(Compound("Pictures are blurry unless you hold perfectly still") < 0);
    }

    // Each rule beyond VADER, with a text it changes: switching the rule off must change that text's score.
    [Theory]
    [InlineData(SentimentRules.ClauseScope, "No, good grief")]
    [InlineData(SentimentRules.SentenceContrast, "Great shop. Fair prices but slow post.")]
    [InlineData(SentimentRules.NegativeWeight, "Good sound, bad sleeve")]
    [InlineData(SentimentRules.SwearingAsEmphasis, "hell yeah new album friday")]
    [InlineData(SentimentRules.WordSense, "It looks like a reissue")]
    [InlineData(SentimentRules.ModifierValence, "That was super!")]
    [InlineData(SentimentRules.DerivedForms, "The lyrics are unclever")]
    [InlineData(SentimentRules.StretchedWords, "sooo goooood")]
    [InlineData(SentimentRules.MoreNegators, "It hardly inspires confidence")]
    [InlineData(SentimentRules.DeniedExpectations, "It didn't work")]
    [InlineData(SentimentRules.MoreIdioms, "I am over the moon")]
    [InlineData(SentimentRules.ShopVocabulary, "The record arrived warped")]
    [InlineData(SentimentRules.FixedExpressions, "Kind regards, Anna")]
    [InlineData(SentimentRules.EverydayWords, "Could you please check my order")]
    [InlineData(SentimentRules.EmojiReadings, "new pressing 🔥")]
    [InlineData(SentimentRules.CommonWords, "The case feels flimsy")]
    [InlineData(SentimentRules.NumbersAsQuantities, "Order 143")]
    public void Every_rule_beyond_vader_changes_what_it_claims_to(SentimentRules rule, string text)
    {
        var all = SentimentAnalyzer.WithRules(SentimentRules.All).Analyze(text).Compound;

        Assert.Equal(Compound(text), all);
        Assert.NotEqual(all, SentimentAnalyzer.WithRules(SentimentRules.All & ~rule).Analyze(text).Compound);
    }

    [Theory]
    [InlineData("What a waste of money")]
    [InlineData("It fell apart after a week")]
    [InlineData("Could have been better")]
    [InlineData("Total rip-off")]
    [InlineData("What a joke")]
    public void Negative_idioms_are_negative(string text) => Assert.True(Compound(text) < 0, text);

    [Theory]
    [InlineData("This album is the bomb")]
    [InlineData("Worth every penny")]
    [InlineData("Top notch service")]
    [InlineData("Five stars")]
    public void Positive_idioms_are_positive(string text) => Assert.True(Compound(text) > 0, text);

    [Theory]
    [InlineData("Kind regards, Anna")]
    [InlineData("I would like to order the blue pressing.")]
    [InlineData("What kind of turntable suits this kind of record")]
    public void Formulas_carry_no_sentiment(string text) =>
        Assert.Equal(SentimentPolarity.Neutral, Analyzer.Analyze(text).Polarity);

    [Theory]
    [InlineData("It disappoints", "It disappoint")]
    [InlineData("A stunningly clean pressing", "A stunning clean pressing")]
    [InlineData("The sleeve notes are horribly", "The sleeve notes are horrible")]
    public void Inflected_forms_score_like_their_base(string inflected, string baseForm) =>
        Assert.Equal(Math.Sign(Compound(baseForm)), Math.Sign(Compound(inflected)));

    [Fact]
    public void Un_and_less_deny_their_base()
    {
        Assert.True(Compound("An unexciting reissue") < 0);
        Assert.True(Compound("A humourless sleeve note") < 0);
    }

    [Fact]
    public void Emoticons_count_glued_or_alone()
    {
        Assert.True(Compound(":)") > 0);
        Assert.True(Compound(":(") < 0);
        Assert.True(Compound("Got it :D") > 0);
        Assert.True(Compound("got it:)") > 0);
        Assert.True(Compound("Got it :(.") < 0);
        Assert.True(Compound("I <3 this label") > 0);
    }

    [Fact]
    public void Emoji_carry_the_sentiment_of_their_description()
    {
        Assert.True(Compound("😍") > 0.5);
        Assert.True(Compound("😂") > 0);
        Assert.True(Compound("😭") < 0);
        Assert.True(Compound("😡") < 0);
        Assert.True(Compound("My order arrived 👍") > 0);
        Assert.True(Compound("My order arrived 👎") < 0);
        Assert.True(Compound("arrived😡") < 0);
        Assert.Equal(0, Compound("📦"));
    }

    [Fact]
    public void Emoji_variants_mean_the_same()
    {
        Assert.Equal(Compound("👍"), Compound("👍🏽"), 6);
        Assert.Equal(Compound("👏"), Compound("👏🏿"), 6);
        Assert.Equal(Compound("❤"), Compound("❤️"), 6);
        Assert.True(Compound("Love it ❤️❤️") > Compound("Love it"));
    }

    [Fact]
    public void Sarcastic_emoji_outweigh_faint_praise() =>
        Assert.True(Compound("it's fine 🙄") < 0);

    [Theory]
    [InlineData("Café was lovely, the crème brûlée too")]
    [InlineData("Ünïcödé records are GREAT")]
    public void Accented_text_is_scored(string text) => Assert.True(Compound(text) > 0);

    [Theory]
    [InlineData("这张唱片很好")]
    [InlineData("هذا رائع")]
    [InlineData("Ça marche très bien, merci !")]
    [InlineData("\uD83D")]
    [InlineData("\uDE00 lone low surrogate")]
    [InlineData("e\u0301\u0301\u0301")]
    [InlineData("\u200D\uFE0F\u200D")]
    public void Foreign_scripts_and_broken_text_do_not_fail(string text)
    {
        var scores = Analyzer.Analyze(text);
        Assert.InRange(scores.Compound, -1, 1);
        Assert.Equal(1, scores.Positive + scores.Neutral + scores.Negative, 6);
    }

    [Fact]
    public void Very_long_input_stays_in_range_and_is_fast()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            text.Append(i % 2 == 0 ? "The pressing is great, I love it! " : "Sadly the sleeve was torn and dirty. ");
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var scores = Analyzer.Analyze(text.ToString());

        Assert.InRange(scores.Compound, -1, 1);
        Assert.Equal(1, scores.Positive + scores.Neutral + scores.Negative, 6);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    /// <summary>Inputs built by repeating a unit: the shapes that make naive tokenizers and rule windows quadratic.</summary>
    public static TheoryData<string, string, string, string, int> PathologicalInputs() => new()
    {
        { "punctuation run", "", "!", "", 200_000 },
        { "hyphen chain", "good", "-a", "", 100_000 },
        { "glued emoticons", "", ":)", "", 100_000 },
        { "emoji run", "", "😀", "", 100_000 },
        { "contrast run", "", "but ", "good", 50_000 },
        { "negator run", "", "not ", "good", 50_000 },
        { "booster run", "", "very ", "good", 50_000 },
    };

    /// <summary>
    /// Sixteen times the input may take about sixteen times as long, not 256: compared with itself on the same machine
    /// (fastest of five), so a busy machine does not fail it the way a fixed time limit would.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathologicalInputs))]
    public void Pathological_input_takes_linear_time(string shape, string prefix, string unit, string suffix, int count)
    {
        string Text(int repeats) => prefix + string.Concat(Enumerable.Repeat(unit, repeats)) + suffix;
        var (sixteenth, whole) = (Text(count / 16), Text(count));
        var scores = Analyzer.Analyze(whole);

        // The best of three measurements: a burst of other work on a shared machine can slow all five runs of one.
        var ratio = Enumerable.Range(0, 3).Select(_ => Fastest(sixteenth, whole)).Min();

        Assert.True(ratio < 64, $"{shape}: sixteen times the input took {ratio:0.0} times as long");
        Assert.InRange(scores.Compound, -1, 1);
        Assert.Equal(1, scores.Positive + scores.Neutral + scores.Negative, 6);
    }

    private static double Fastest(string small, string large)
    {
        static TimeSpan Best(string text) => Enumerable.Range(0, 5).Select(_ =>
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            Analyzer.Analyze(text);
            return started.Elapsed;
        }).Min();

        // A floor of a millisecond keeps timer resolution from deciding for tiny inputs.
        return Math.Max(Best(large).TotalMilliseconds, 1) / Math.Max(Best(small).TotalMilliseconds, 1);
    }

    [Fact]
    public void A_word_run_without_spaces_is_handled()
    {
        var scores = Analyzer.Analyze(new string('a', 200_000) + " great");
        Assert.True(scores.Compound > 0);
    }

    [Theory]
    [InlineData("I love this shop but the website keeps crashing.")]
    [InlineData("Absolutely furious. Third time my order is wrong. Never again!")]
    [InlineData("Great")]
    public void Shares_are_proportions(string text)
    {
        var scores = Analyzer.Analyze(text);
        Assert.InRange(scores.Positive, 0, 1);
        Assert.InRange(scores.Neutral, 0, 1);
        Assert.InRange(scores.Negative, 0, 1);
        Assert.Equal(1, scores.Positive + scores.Neutral + scores.Negative, 6);
    }

    [Fact]
    public void Mixed_text_has_both_shares()
    {
        var scores = Analyzer.Analyze("I love the music but hate the sleeve");
        Assert.True(scores.Positive > 0);
        Assert.True(scores.Negative > 0);
        Assert.True(scores.Neutral > 0);
    }

    [Fact]
    public void Shared_instance_is_safe_across_threads()
    {
        string[] texts =
        [
            "The record arrived warped. Really disappointed!", "Thanks so much, it sounds amazing 😍",
            "not bad at all", "This is the WORST service!!!", "I like it but the sleeve is torn",
        ];
        var expected = texts.Select(Compound).ToArray();
        var mismatches = 0;
        Parallel.For(0, 20_000, i =>
        {
            if (Compound(texts[i % texts.Length]) != expected[i % texts.Length])
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.Equal(0, mismatches);
    }
}
