using System.Buffers.Binary;
using System.Diagnostics;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// Debian's <c>chromium</c> in headless mode at a given window width, with a fresh profile and no background network
/// services: the DOM after loading (<c>--dump-dom</c>) with the page's console messages (Chromium writes them to stderr
/// as <c>…:CONSOLE:N] "message", source: …</c> with <c>--enable-logging=stderr</c>), or a PNG of the window.
/// </summary>
internal static class HeadlessChromium
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<(string Dom, IReadOnlyList<string> ConsoleMessages)> DumpDomAsync(Uri url, int width, int height = 1400)
    {
        var (stdout, stderr) = await RunAsync(width, height, "--dump-dom", url);
        return (stdout, stderr.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList());
    }

    /// <summary>Takes a screenshot of the window into <paramref name="pngPath"/>; returns the PNG's width and height.</summary>
    public static async Task<(int Width, int Height)> ScreenshotAsync(Uri url, int width, int height, string pngPath)
    {
        // Every compositor stage runs before the capture, so a long table is painted whole, not tile by tile.
        await RunAsync(width, height, "--screenshot=" + pngPath, url, "--run-all-compositor-stages-before-draw");
        var header = new byte[24];
        await using (var png = File.OpenRead(pngPath))
        {
            await png.ReadExactlyAsync(header);
        }

        // PNG signature (8 bytes), IHDR length and type (8 bytes), then width and height, big-endian.
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, header[..8]);
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }

    private static async Task<(string Stdout, string Stderr)> RunAsync(int width, int height, string mode, Uri url, params string[] extra)
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"Chromium not found at {ChromiumPath}: install the Debian package 'chromium' (apt-get install -y chromium).");
        }

        var profile = Directory.CreateTempSubdirectory("pmo-chromium-");
        try
        {
            var start = new ProcessStartInfo(ChromiumPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            string[] args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile.FullName,
                "--enable-logging=stderr", "--v=0", $"--window-size={width},{height}", .. extra, mode, url.AbsoluteUri,
            ];
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("Chromium did not finish within 120 s.");
            }

            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {await stderr}");
            return (await stdout, await stderr);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
