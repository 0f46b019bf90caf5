using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>Headless Debian chromium on a Misty node's dashboard: pages that record every console error and page error.</summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _address;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, Uri address)
    {
        _playwright = playwright;
        _browser = browser;
        _address = address;
    }

    /// <summary>Console and page errors of every page opened so far.</summary>
    public List<string> Problems { get; } = [];

    public static string Artifacts
    {
        get
        {
            var folder = Path.Combine(MistyWebNode.RepositoryRoot(), "artifacts", "dashboard");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public static async Task<DashboardBrowser> LaunchAsync(MistyWebNode node)
    {
        Assert.True(File.Exists(ChromiumFactAttribute.Executable), $"CI needs {ChromiumFactAttribute.Executable}: .ci/run installs Debian's chromium.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new DashboardBrowser(playwright, browser, node.Address);
    }

    /// <summary>A page in a context of its own (its own session storage), not signed in.</summary>
    public async Task<IPage> OpenAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Problems.Add($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Problems.Add(error);
        return page;
    }

    /// <summary>Signs in by keyboard and waits for the live connection.</summary>
    public async Task<IPage> SignInAsync(string email, string password)
    {
        var page = await OpenAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByLabel("Password").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Live");
        return page;
    }

    /// <summary>axe-core finds no serious or critical violation on the page as it stands.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(violation => violation.Impact is "serious" or "critical")
            .Select(violation => $"{violation.Id} ({violation.Impact}): {violation.Help} at {string.Join(", ", violation.Nodes.Select(node => node.Target))}")
            .ToList();
        Assert.True(serious.Count == 0, $"{page.Url}: {string.Join("; ", serious)}");
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
