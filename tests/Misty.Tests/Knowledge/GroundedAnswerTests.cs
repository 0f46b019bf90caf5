using Misty.Grains.Interfaces.Knowledge;
using Misty.Web.Knowledge;

namespace Misty.Tests.Knowledge;

[Trait("Category", "Unit")]
public sealed class GroundedAnswerTests
{
    private static readonly KnowledgePassage[] Sources =
    [
        new("document", Guid.NewGuid(), "Warped records", "A record that arrives bent counts as faulty. We send a replacement at our cost."),
        new("document", Guid.NewGuid(), "Gift cards", "Gift cards never expire."),
        new("review", Guid.NewGuid(), "Blue Train", "Arrived warped, but the shop swapped it within a week."),
    ];

    [Fact]
    public void The_prompt_numbers_the_sources_in_order_before_the_question()
    {
        var prompt = GroundedAnswer.Prompt("Do you replace warped LPs?", Sources);

        Assert.True(prompt.IndexOf("[1] Warped records (document)\nA record that arrives bent", StringComparison.Ordinal)
            < prompt.IndexOf("[3] Blue Train (review)\nArrived warped", StringComparison.Ordinal));
        Assert.EndsWith("Question: Do you replace warped LPs?", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Citations_are_the_sources_cited_renumbered_as_first_cited_and_a_number_naming_no_source_is_taken_out()
    {
        var answer = GroundedAnswer.Read("A customer swapped one within a week [3]. We replace it at our cost [1, 3] [9]. Not [0].", Sources);

        Assert.Equal("A customer swapped one within a week [1]. We replace it at our cost [2][1]. Not.", answer.Answer);
        Assert.Equal([Sources[2].Id, Sources[0].Id], answer.Citations.Select(citation => citation.Id));
        Assert.Equal(("review", "Blue Train", Sources[2].Text), (answer.Citations[0].Kind, answer.Citations[0].Title, answer.Citations[0].Snippet));
    }

    [Fact]
    public void Without_a_valid_citation_every_source_given_is_cited_as_consulted()
    {
        var answer = GroundedAnswer.Read("The sources do not say whether you open on Sundays. [7]", Sources);

        Assert.Equal("The sources do not say whether you open on Sundays.", answer.Answer);
        Assert.Equal(Sources.Select(source => source.Id), answer.Citations.Select(citation => citation.Id));
        Assert.Equal(KnowledgeAnswer.NothingFound, GroundedAnswer.Read(" [4] ", Sources).Answer);
    }
}
