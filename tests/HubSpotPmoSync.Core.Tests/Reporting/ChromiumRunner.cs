using System.Diagnostics;

namespace HubSpotPmoSync.Core.Tests.Reporting;

/// <summary>
/// Opens a local file in headless Chromium (Debian package <c>chromium</c>) with a fresh profile and no network
/// services, and returns the rendered DOM (<c>--dump-dom</c>) and the page's console messages, which Chromium
/// writes to stderr as <c>…:CONSOLE:N] "message", source: …</c> with <c>--enable-logging=stderr</c>.
/// </summary>
internal static class ChromiumRunner
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static (string Dom, IReadOnlyList<string> ConsoleMessages) Open(string htmlPath)
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"Chromium not found at {ChromiumPath}: install the Debian package 'chromium' (apt-get install -y chromium).");
        }

        var profile = Directory.CreateTempSubdirectory("pmo-chromium-");
        try
        {
            var start = new ProcessStartInfo(ChromiumPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.FullName,
                "--enable-logging=stderr", "--v=0", "--dump-dom", new Uri(htmlPath).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("Chromium did not finish within 90 s.");
            }

            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {stderr.Result}");
            var console = stderr.Result.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
            return (stdout.Result, console);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
