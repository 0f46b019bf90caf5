using Misty.Grains.Recommendations;

namespace Misty.Tests.Recommendations;

[Trait("Category", "Unit")]
public sealed class AlbumSuggestionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_storefront_list_leaves_out_bought_unstocked_and_unknown_albums_keeps_two_per_artist_and_says_why()
    {
        var (bought, unstocked, unknown) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var prolific = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        var others = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToArray();
        var albums = new Dictionary<string, AlbumFacts>
        {
            [bought.ToString()] = new("Kind of Blue", "Miles Davis", "Jazz", true),
            [unstocked.ToString()] = new("Out of Print", "Nobody", "Jazz", false),
        };
        foreach (var album in prolific)
        {
            albums[album.ToString()] = new($"Prolific {album}", "The Prolifics", "Jazz", true);
        }

        foreach (var album in others)
        {
            albums[album.ToString()] = new($"Other {album}", $"Artist {album}", "Rock", true);
        }

        // Every fan bought Kind of Blue with the others; the prolific band's albums and the two to leave out sell most.
        var lines = new List<PurchaseLine>();
        for (var fan = 0; fan < 8; fan++)
        {
            foreach (var album in new[] { bought, unstocked, unknown }.Concat(prolific).Concat(others.Take(fan + 5)))
            {
                lines.Add(new PurchaseLine($"fan{fan}", album.ToString(), Now.AddDays(-10), 1));
            }
        }

        lines.Add(new PurchaseLine("newcomer", bought.ToString(), Now.AddDays(-1), 1));
        var history = PurchaseHistory.Build(lines, Now);
        var suggestions = new AlbumSuggestions(history, new Recommender(history, RecommenderOptions.Default), albums);
        history.TryGetCustomer("newcomer", out var newcomer);

        var list = suggestions.For(newcomer, new float[history.ItemCount]);

        Assert.Equal(12 + AlbumSuggestions.MaxPerArtist, list.Count);
        Assert.DoesNotContain(list, s => s.AlbumId == bought || s.AlbumId == unstocked || s.AlbumId == unknown);
        Assert.Equal(AlbumSuggestions.MaxPerArtist, list.Take(10).Count(s => prolific.Contains(s.AlbumId)));
        Assert.Equal("Because you bought Kind of Blue by Miles Davis", list[0].Reason);
        Assert.Equal(100m, list[0].Score);
        Assert.Equal(list.Select(s => s.Score).OrderDescending(), list.Select(s => s.Score));
    }
}
