using System.Globalization;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Mapping;

/// <summary>
/// Turns HubSpot's string values into the local model's canonical values (and back): numbers as invariant
/// decimals, dates as <c>yyyy-MM-dd</c>, instants as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, booleans as
/// <c>true</c>/<c>false</c>. Empty and missing values are null.
/// </summary>
public static class ValueTransformer
{
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>Applies a field's inbound transform; false with a reason when the value does not fit.</summary>
    public static bool TryInbound(FieldMapping field, string? raw, out string? canonical, out string? error)
    {
        ArgumentNullException.ThrowIfNull(field);
        canonical = null;
        error = null;
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        switch (field.Transform.Kind)
        {
            case TransformKind.Number:
            case TransformKind.Money:
                if (TryParseDecimal(raw, out var number))
                {
                    canonical = number.ToString(CultureInfo.InvariantCulture);
                    return true;
                }

                error = $"'{raw}' is not a number";
                return false;
            case TransformKind.Date:
                if (TryParseDate(raw, out var date))
                {
                    canonical = date.ToString(DateFormat, CultureInfo.InvariantCulture);
                    return true;
                }

                error = $"'{raw}' is not a date";
                return false;
            case TransformKind.DateTime:
                if (TryParseInstant(raw, out var instant))
                {
                    canonical = FormatInstant(instant);
                    return true;
                }

                error = $"'{raw}' is not a date-time";
                return false;
            case TransformKind.Bool:
                if (raw.Equals("true", StringComparison.OrdinalIgnoreCase) || raw.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    canonical = raw.Equals("true", StringComparison.OrdinalIgnoreCase) ? "true" : "false";
                    return true;
                }

                error = $"'{raw}' is not true or false";
                return false;
            case TransformKind.EnumMap:
                if (field.Transform.EnumMap!.TryGetValue(raw, out var mapped))
                {
                    canonical = mapped;
                    return true;
                }

                error = $"'{raw}' is not in the enum map ({string.Join(", ", field.Transform.EnumMap.Keys)})";
                return false;
            default:
                if (field.LocalField is { Type: LocalFieldType.Enum, AllowedValues: { } allowed } && !allowed.Contains(raw, StringComparer.Ordinal))
                {
                    error = $"'{raw}' is not one of {string.Join(", ", allowed)}";
                    return false;
                }

                canonical = raw;
                return true;
        }
    }

    /// <summary>Parses an invariant decimal (HubSpot sends numbers as decimal strings).</summary>
    public static bool TryParseDecimal(string value, out decimal number) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    /// <summary>Parses a date: <c>yyyy-MM-dd</c>, an ISO-8601 instant (its UTC date) or epoch milliseconds.</summary>
    public static bool TryParseDate(string value, out DateOnly date)
    {
        if (DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        if (TryParseInstant(value, out var instant))
        {
            date = DateOnly.FromDateTime(instant.UtcDateTime);
            return true;
        }

        return false;
    }

    /// <summary>Parses an instant: ISO-8601 (a bare date means midnight UTC) or epoch milliseconds.</summary>
    public static bool TryParseInstant(string value, out DateTimeOffset instant)
    {
        if (value.Length > 0 && value.All(char.IsAsciiDigit) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            try
            {
                instant = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                instant = default;
                return false;
            }
        }

        if (value.Length >= 10 && value[4] == '-'
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant))
        {
            return true;
        }

        instant = default;
        return false;
    }

    /// <summary>Formats an instant canonically (UTC, milliseconds, <c>Z</c>).</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString(InstantFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a canonical instant written by <see cref="FormatInstant"/>.</summary>
    public static DateTimeOffset ParseInstant(string value) =>
        DateTimeOffset.ParseExact(value, InstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
