using Misty.Grains.Hosting;
using Misty.Web;

try
{
    var app = await MistyWebApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (MistyConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"Misty cannot start: {ex.Message}");
    return 2;
}
