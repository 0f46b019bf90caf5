using System.Globalization;
using System.Runtime.InteropServices;

namespace Misty.Benchmarks;

/// <summary>What every benchmark reports alongside its figures, and where it writes them.</summary>
internal static class BenchmarkReport
{
    public static string Command(string mode, string[] args) =>
        $"dotnet run -c Release --project benchmarks/Misty.Benchmarks -- {string.Join(' ', [mode, .. args])}";

    /// <summary>
    /// Date, CPU model, logical CPU count, load, OS and runtime: enough to compare figures across machines, and to
    /// see when other work on the machine held them down.
    /// </summary>
    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? $", load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the start" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd}, {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()} " +
            $"(nproc {Environment.ProcessorCount}{load}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    }

    /// <summary>Replaces the section under <paramref name="heading"/> ("## Name") in a markdown file, or appends it.</summary>
    public static void WriteSection(string path, string heading, string body)
    {
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : ["# Benchmarks", ""];
        var start = lines.FindIndex(l => l.TrimEnd() == heading);
        if (start < 0)
        {
            if (lines[^1].Length > 0)
            {
                lines.Add("");
            }

            start = lines.Count;
        }
        else
        {
            var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            lines.RemoveRange(start, (end < 0 ? lines.Count : end) - start);
        }

        lines.InsertRange(start, [heading, "", .. body.TrimEnd().Split('\n'), ""]);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, string.Join('\n', lines).TrimEnd() + "\n");
    }
}
