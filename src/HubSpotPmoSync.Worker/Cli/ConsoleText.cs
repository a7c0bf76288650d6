using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HubSpotPmoSync.Worker.Cli;

/// <summary>
/// Text for people at the width of their terminal: tables laid out by Spectre.Console (cells wrap, low-priority
/// columns are left out by the caller when narrow), prose wrapped at word boundaries. The width is the terminal's
/// when standard output is one, else <c>COLUMNS</c> when set, else unbounded (a pipe or a file gets whole lines).
/// </summary>
internal static class ConsoleText
{
    /// <summary>The width used when neither a terminal nor <c>COLUMNS</c> gives one: in effect, no limit.</summary>
    public const int Unbounded = 4096;

    /// <summary>The width to lay out text written to <paramref name="output"/> at.</summary>
    public static int WidthFor(TextWriter output)
    {
        if (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected)
        {
            try
            {
                if (Console.WindowWidth > 0)
                {
                    return Console.WindowWidth;
                }
            }
            catch (IOException)
            {
                // No terminal after all: fall through to COLUMNS.
            }
        }

        return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0
            ? columns
            : Unbounded;
    }

    /// <summary>A Spectre.Console renderable as plain text (no colours, no escape codes) at <paramref name="width"/> columns.</summary>
    public static string Render(IRenderable renderable, int width)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(renderable);

        // Spectre pads every cell to its column: trailing blanks carry nothing.
        var sb = new StringBuilder();
        foreach (var line in writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            sb.Append(line.TrimEnd()).Append('\n');
        }

        return sb.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>
    /// A table without borders, columns two spaces apart, headers as given, the first column <paramref name="indent"/>
    /// spaces in. Cells are plain text (never markup); <paramref name="right"/> marks the right-aligned (numeric) columns.
    /// </summary>
    public static Table Table(IReadOnlyList<string> header, IReadOnlyList<bool> right, IEnumerable<IReadOnlyList<string>> rows, int indent = 0)
    {
        var table = new Table().Border(TableBorder.None);
        for (var i = 0; i < header.Count; i++)
        {
            var column = new TableColumn(new Text(header[i])).Padding(i == 0 ? indent : 0, 0, i == header.Count - 1 ? 0 : 2, 0);
            table.AddColumn(right[i] ? column.RightAligned() : column);
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(c => (IRenderable)new Text(c)).ToArray());
        }

        return table;
    }

    /// <summary>
    /// Wraps each line longer than <paramref name="width"/> at spaces; continuation lines are indented two more than
    /// the line's own indent. A word longer than the width (a path) is not cut: it stands alone on its line.
    /// </summary>
    public static string Wrap(string text, int width)
    {
        var sb = new StringBuilder();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var l = 0; l < lines.Length; l++)
        {
            var line = lines[l];
            if (l == lines.Length - 1 && line.Length == 0)
            {
                break;
            }

            WrapLine(sb, line, width);
        }

        return sb.ToString();
    }

    private static void WrapLine(StringBuilder sb, string line, int width)
    {
        if (line.Length <= width)
        {
            sb.Append(line).Append('\n');
            return;
        }

        var indent = line.Length - line.TrimStart(' ').Length;
        var continuation = new string(' ', Math.Min(indent + 2, Math.Max(0, width / 2)));
        var current = new StringBuilder(line[..indent]);
        var empty = true;
        foreach (var word in line[indent..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var piece = word;
            while (true)
            {
                var needed = (empty ? 0 : 1) + piece.Length;
                if (current.Length + needed <= width)
                {
                    current.Append(empty ? "" : " ").Append(piece);
                    empty = false;
                    break;
                }

                if (!empty)
                {
                    sb.Append(current).Append('\n');
                    current.Clear().Append(continuation);
                    empty = true;
                    continue;
                }

                // A word longer than the line (a path, a URL) stays whole on a line of its own, to be copied as one.
                sb.Append(current).Append(piece).Append('\n');
                current.Clear().Append(continuation);
                break;
            }
        }

        if (!empty)
        {
            sb.Append(current).Append('\n');
        }
    }

    /// <summary>A writer that wraps every line written through it at <paramref name="width"/> (see <see cref="Wrap"/>).</summary>
    public static TextWriter Wrapping(TextWriter inner, int width) => new WrappingWriter(inner, width);

    private sealed class WrappingWriter(TextWriter inner, int width) : TextWriter(CultureInfo.InvariantCulture)
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                inner.Write(Wrap(_line.Append('\n').ToString(), width));
                _line.Clear();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }

        public override void Flush()
        {
            if (_line.Length > 0)
            {
                inner.Write(Wrap(_line.ToString(), width).TrimEnd('\n'));
                _line.Clear();
            }

            inner.Flush();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Flush();
            }

            base.Dispose(disposing);
        }
    }
}
