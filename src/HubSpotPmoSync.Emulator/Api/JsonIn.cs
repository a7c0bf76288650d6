using System.Globalization;
using System.Text.Json;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>Lenient-but-strict reading of request bodies: wrong shapes become 400s in HubSpot's error shape, never crashes.</summary>
internal static class JsonIn
{
    public static JsonElement Parse(ReadOnlyMemory<byte> body)
    {
        if (body.Length == 0)
        {
            throw ApiException.Validation("Invalid input JSON: the request body is empty.");
        }

        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" on line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : string.Empty;
            throw ApiException.Validation($"Invalid input JSON{where}: the body is not valid JSON.");
        }
    }

    public static JsonElement Object(JsonElement root, string what)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Validation($"Invalid input JSON: {what} must be a JSON object, not {Kind(root)}.");
        }

        return root;
    }

    public static JsonElement? Prop(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static string? String(JsonElement obj, string name, bool required = false)
    {
        var v = Prop(obj, name);
        if (v is null)
        {
            return required ? throw ApiException.Validation($"Invalid input JSON: missing required field '{name}'.") : null;
        }

        return v.Value.ValueKind switch
        {
            JsonValueKind.String => v.Value.GetString(),
            JsonValueKind.Number => v.Value.GetRawText(),
            _ => throw ApiException.Validation($"Invalid input JSON: field '{name}' must be a string, not {Kind(v.Value)}."),
        };
    }

    public static bool? Bool(JsonElement obj, string name)
    {
        var v = Prop(obj, name);
        return v?.ValueKind switch
        {
            null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(v.Value.GetString(), out var b) => b,
            _ => throw ApiException.Validation($"Invalid input JSON: field '{name}' must be a boolean, not {Kind(v!.Value)}."),
        };
    }

    public static long? Long(JsonElement obj, string name)
    {
        var v = Prop(obj, name);
        if (v is null)
        {
            return null;
        }

        if (v.Value.ValueKind == JsonValueKind.Number && v.Value.TryGetInt64(out var n))
        {
            return n;
        }

        if (v.Value.ValueKind == JsonValueKind.String && long.TryParse(v.Value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n))
        {
            return n;
        }

        throw ApiException.Validation($"Invalid input JSON: field '{name}' must be an integer, not {Kind(v.Value)} {Trim(v.Value.GetRawText())}.");
    }

    public static List<JsonElement> Array(JsonElement obj, string name, bool required = false)
    {
        var v = Prop(obj, name);
        if (v is null)
        {
            return required ? throw ApiException.Validation($"Invalid input JSON: missing required field '{name}'.") : [];
        }

        if (v.Value.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.Validation($"Invalid input JSON: field '{name}' must be an array, not {Kind(v.Value)}.");
        }

        return [.. v.Value.EnumerateArray()];
    }

    public static List<string> StringArray(JsonElement obj, string name)
    {
        var list = new List<string>();
        foreach (var e in Array(obj, name))
        {
            list.Add(e.ValueKind switch
            {
                JsonValueKind.String => e.GetString()!,
                JsonValueKind.Number => e.GetRawText(),
                _ => throw ApiException.Validation($"Invalid input JSON: '{name}' must hold strings, not {Kind(e)}."),
            });
        }

        return list;
    }

    /// <summary>A property value as HubSpot takes it: strings, numbers and booleans become strings; null clears.</summary>
    public static string? ScalarText(JsonElement v, string name) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => throw ApiException.Validation(
            $"Property values were not valid: the value of \"{name}\" must be a string, number or boolean, not {Kind(v)}.",
            new ErrorDetail($"Property \"{name}\" has a value of the wrong type ({Kind(v)})", "INVALID_VALUE_TYPE",
                new Dictionary<string, string[]> { ["propertyName"] = [name] })),
    };

    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Trim(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
