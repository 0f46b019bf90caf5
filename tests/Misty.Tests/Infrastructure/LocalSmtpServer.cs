using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;
using Misty.Grains.Hosting;

namespace Misty.Tests.Infrastructure;

/// <summary>
/// A real SMTP server outside Misty for the email tests: Debian's aiosmtpd (package python3-aiosmtpd), on 127.0.0.1 on a
/// free port, saving every message it accepts into a Maildir that the test reads.
/// </summary>
public sealed class LocalSmtpServer : IAsyncDisposable
{
    /// <summary>Debian's interpreter, which has the package (another python3 on PATH may not).</summary>
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly string _maildir;

    private LocalSmtpServer(Process process, string maildir, int port)
    {
        _process = process;
        _maildir = maildir;
        Port = port;
    }

    public int Port { get; }

    /// <param name="refusing">
    /// Refuse for good instead of accepting, as a real server does: any recipient whose address starts with "gone-" at
    /// RCPT (550 5.1.1), and every other message at the end of DATA (554 5.7.1).
    /// </param>
    public static async Task<LocalSmtpServer> StartAsync(bool refusing = false)
    {
        // Not created here: the Maildir handler creates the folder with its cur, new and tmp parts.
        var maildir = Path.Combine(Path.GetTempPath(), "misty-smtp-" + Guid.NewGuid().ToString("N"));
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", refusing ? "misty_refusing.Refusing" : "aiosmtpd.handlers.Mailbox" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        if (refusing)
        {
            // The handler's module in the (otherwise unused) Maildir's place, so disposing removes it.
            Directory.CreateDirectory(maildir);
            await File.WriteAllTextAsync(Path.Combine(maildir, "misty_refusing.py"), RefusingHandler);
            start.Environment["PYTHONPATH"] = maildir;
        }
        else
        {
            start.ArgumentList.Add(maildir);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start: apt-get install python3-aiosmtpd");
        var server = new LocalSmtpServer(process, maildir, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"aiosmtpd exited: {await process.StandardError.ReadToEndAsync()} (apt-get install python3-aiosmtpd)");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException("aiosmtpd did not listen within 20 s.");
    }

    /// <summary>An aiosmtpd handler (its hooks as aiosmtpd documents them) that accepts nothing.</summary>
    private const string RefusingHandler = """
        class Refusing:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.startswith("gone-"):
                    return "550 5.1.1 <%s>: mailbox unavailable" % address
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                return "554 5.7.1 Message refused by policy"
        """;

    /// <summary>Every message the server accepted so far.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(_maildir, "new");
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Select(file => MimeMessage.Load(file))] : [];
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the messages received; returns them.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(Func<IReadOnlyList<MimeMessage>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var messages = Messages();
            if (condition(messages))
            {
                return messages;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The SMTP server got {messages.Count} message(s): {string.Join(" | ", messages.Select(m => m.Subject))}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (Directory.Exists(_maildir))
        {
            Directory.Delete(_maildir, recursive: true);
        }
    }
}
