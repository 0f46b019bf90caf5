using System.CommandLine;
using Misty.Silo.Commands;

var root = new RootCommand("Misty.Silo: a headless Misty cluster member, and the maintenance verbs.")
{
    RunCommand.Create(),
    MigrateCommand.Create(),
    SeedCommand.Create(),
    SentimentCommand.Create(),
    RebuildProjectionsCommand.Create(),
    ForecastCommand.Create(),
    RecommendCommand.Create(),
    ReindexCommand.Create(),
};
// With no verb, run the silo.
root.SetAction((_, cancellationToken) => RunCommand.RunAsync([], cancellationToken));
return await root.Parse(args).InvokeAsync();
