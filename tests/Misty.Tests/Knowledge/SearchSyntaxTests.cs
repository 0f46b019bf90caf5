using Misty.Grains.Interfaces.Knowledge;
using Misty.Grains.Knowledge;

namespace Misty.Tests.Knowledge;

public sealed class SearchSyntaxTests
{
    [Fact]
    public void A_plain_question_has_no_operators_and_keeps_its_words()
    {
        var search = SearchSyntax.Parse("  Can I send back a second-hand 7-inch   I don't like?");

        Assert.Equal("Can I send back a second-hand 7-inch I don't like?", search.Text);
        Assert.False(search.Constrained);
    }

    [Fact]
    public void Plain_text_keeps_its_quotes_and_minus_signs_as_characters()
    {
        const string Message = "It says \"dispatched\" but nothing came -- and it's been -5 degrees";

        Assert.Equal(SearchQuery.Plain(Message), SearchSyntax.Read(Message, QuerySyntax.Plain));
        Assert.True(SearchSyntax.Read(Message, QuerySyntax.Web).Constrained);
    }

    [Fact]
    public void Quoted_phrases_are_required_and_ranked_and_minus_terms_are_excluded_and_not_ranked()
    {
        var search = SearchSyntax.Parse("warped \"test   pressing\" -promo -\"white label\" rock - pop");

        Assert.Equal("warped test pressing rock - pop", search.Text);
        Assert.Equal("\"test pressing\"", search.Required);
        Assert.Equal("promo or \"white label\"", search.Excluded);
        Assert.True(search.Constrained);
    }

    [Fact]
    public void An_unclosed_quote_runs_to_the_end_and_an_empty_one_is_nothing()
    {
        Assert.Equal(new SearchQuery("test pressing", "\"test pressing\"", ""), SearchSyntax.Parse("\"\" \"test pressing"));
        Assert.Equal(new SearchQuery("", "", "promo"), SearchSyntax.Parse("-promo"));
    }
}
