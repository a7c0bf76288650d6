using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// The portfolio health table at the terminal's width (Spectre.Console's layout: project names and reasons wrap in
/// their cells). Where even wrapped cells would not fit, the low-priority columns are left out, and a note says which:
/// below <see cref="WithoutClient"/> columns the client (the project's name carries it), below
/// <see cref="Narrow"/> also the trend and SPI. <c>health --format csv</c> always has every column.
/// </summary>
internal static class HealthTable
{
    /// <summary>Below this width the client column is left out.</summary>
    public const int WithoutClient = 150;

    /// <summary>Below this width the trend and SPI columns are left out too.</summary>
    public const int Narrow = 110;

    private static readonly bool[] RightAligned = [false, false, false, true, false, false, true, true, true];

    public static string Render(HealthReport report, int width)
    {
        ArgumentNullException.ThrowIfNull(report);
        var header = HealthReportRenderer.TableHeader;
        var dropped = new List<int>();
        if (width < WithoutClient)
        {
            dropped.Add(1);
        }

        if (width < Narrow)
        {
            dropped.AddRange([4, 7]);
        }

        var keep = Enumerable.Range(0, header.Count).Where(i => !dropped.Contains(i)).ToList();
        var table = ConsoleText.Table(
            keep.Select(i => header[i]).ToList(),
            keep.Select(i => RightAligned[i]).ToList(),
            HealthReportRenderer.TableCells(report).Select(row => (IReadOnlyList<string>)keep.Select(i => row[i]).ToList()));

        var text = new System.Text.StringBuilder();
        text.Append("Portfolio health as of ").Append(report.AsOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        text.Append(ConsoleText.Render(table, width));
        text.Append(ConsoleText.Wrap(HealthReportRenderer.TableFooter(report) + "\n", width));
        if (dropped.Count > 0)
        {
            var names = dropped.Select(i => header[i]).ToList();
            var list = names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
            text.Append(ConsoleText.Wrap($"({list} left out at {width} columns; `health --format csv` has every column)\n", width));
        }

        return text.ToString();
    }
}
