namespace Misty.Benchmarks;

/// <summary>The Misty checkout a benchmark runs from: the first folder holding Misty.sln above the current directory or the benchmark's binaries.</summary>
internal static class MistyRepository
{
    public static string Root() =>
        Find() ?? throw new InvalidOperationException("Run from inside the Misty repository (no Misty.sln above the current directory).");

    /// <returns>The checkout's folder, or null when there is none.</returns>
    public static string? Find() => FindAbove(Directory.GetCurrentDirectory()) ?? FindAbove(AppContext.BaseDirectory);

    private static string? FindAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Misty.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
