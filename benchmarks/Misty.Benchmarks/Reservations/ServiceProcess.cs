using System.Diagnostics;
using System.Net;

namespace Misty.Benchmarks.Reservations;

/// <summary>
/// A system under test as a child process (<c>dotnet &lt;dll&gt;</c>), its output in a log file, killed with its
/// whole process tree on dispose so nothing outlives the benchmark.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServiceProcess(Process process, StreamWriter log, Uri address, string logPath)
    {
        _process = process;
        _log = log;
        Address = address;
        LogPath = logPath;
    }

    public Uri Address { get; }

    public string LogPath { get; }

    public int Id => _process.Id;

    /// <summary>Starts <paramref name="dll"/> and waits until GET /health/ready answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string dll, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        Uri address, string logPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (IEnumerable<string>)[dll, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => WriteLine(log, line.Data);
        process.ErrorDataReceived += (_, line) => WriteLine(log, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, log, address, logPath);
        try
        {
            await service.WaitUntilReadyAsync(cancellationToken);
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks run, so only what the service already stored survives.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        // Also waits until the output handlers have drained, so the log is complete before it is closed.
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod: the service drains and exits; false if it had not within the timeout.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await signal.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _log.Dispose();
    }

    private static void WriteLine(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        // The two output streams arrive on different threads.
        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(_process.StartInfo.ArgumentList[0])} exited ({_process.ExitCode}) before it was ready; see {LogPath}.");
            }

            try
            {
                using var response = await client.GetAsync("/health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but not answering yet.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"{Address} was not ready within {StartTimeout.TotalSeconds:0} s; see {LogPath}.");
    }
}
