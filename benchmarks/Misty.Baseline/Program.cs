using System.Net;
using Misty.Baseline;
using Npgsql;

var builder = WebApplication.CreateBuilder(args);
// As in Misty (Microsoft.AspNetCore at Warning): no log line per request.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var settings = BaselineSettings.FromConfiguration(builder.Configuration);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, settings.Port));

// Prepared statements spare PostgreSQL re-planning the same few queries; the baseline never changes session state,
// so connections need no reset (and its extra statements) on their way back to the pool.
var connection = new NpgsqlConnectionStringBuilder(settings.Database)
{
    ApplicationName = "misty-baseline",
    MaxAutoPrepare = 16,
    NoResetOnClose = true,
};
await using var database = NpgsqlDataSource.Create(connection);
await BaselineSchema.CreateAsync(database, CancellationToken.None);

builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(database);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ReservationStore>();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapGet("/health/ready", () => TypedResults.Ok());
app.MapReservationApi();
await app.RunAsync();
