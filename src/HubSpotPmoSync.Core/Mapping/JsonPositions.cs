using System.Text;
using System.Text.Json;

namespace HubSpotPmoSync.Core.Mapping;

/// <summary>
/// Maps each JSON path of a document (<c>$.objects.deals.fields[3].transform</c>) to the 1-based line and
/// column where its value starts, so that semantic errors can point at the spot as precisely as syntax errors.
/// </summary>
internal static class JsonPositions
{
    public static Dictionary<string, (int Line, int Column)> Build(byte[] utf8)
    {
        var map = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var lines = new LineIndex(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (reader.Read())
        {
            Walk(ref reader, "$", map, lines);
        }

        return map;
    }

    /// <summary>Appends a property name to a path: <c>.name</c> for plain names, <c>['odd name']</c> otherwise.</summary>
    public static string Child(string path, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-') && !char.IsAsciiDigit(name[0])
            ? path + "." + name
            : path + "['" + name.Replace("'", "\\'", StringComparison.Ordinal) + "']";

    public static string Index(string path, int index) => path + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    private static void Walk(ref Utf8JsonReader reader, string path, Dictionary<string, (int, int)> map, LineIndex lines)
    {
        map[path] = lines.At(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var child = Child(path, reader.GetString()!);
                    reader.Read();
                    Walk(ref reader, child, map, lines);
                }

                break;
            case JsonTokenType.StartArray:
                var i = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Walk(ref reader, Index(path, i++), map, lines);
                }

                break;
            default:
                break;
        }
    }

    private sealed class LineIndex
    {
        private readonly byte[] _utf8;
        private readonly List<int> _starts = [0];

        public LineIndex(byte[] utf8)
        {
            _utf8 = utf8;
            for (var i = 0; i < utf8.Length; i++)
            {
                if (utf8[i] == (byte)'\n')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        public (int Line, int Column) At(long offset)
        {
            var index = _starts.BinarySearch((int)offset);
            var line = index >= 0 ? index : ~index - 1;
            var start = _starts[line];
            var column = Encoding.UTF8.GetCharCount(_utf8, start, (int)offset - start) + 1;
            return (line + 1, column);
        }
    }
}
