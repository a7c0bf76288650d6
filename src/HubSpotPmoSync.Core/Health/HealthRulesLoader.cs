using System.Text;
using System.Text.Json;

namespace HubSpotPmoSync.Core.Health;

/// <summary>
/// Reads and validates the health rules (<c>config/health.json</c>). Pure: the caller reads the file.
/// Every problem is reported with the file, the JSON path, the line and column, and the reason;
/// a setting that is absent keeps its default.
/// </summary>
public static class HealthRulesLoader
{
    private const decimal WeightTolerance = 0.0001m;

    /// <summary>Parses and validates; throws <see cref="HealthRulesException"/> listing every problem.</summary>
    public static HealthRules Parse(string json, string sourceName)
    {
        var (rules, errors) = TryParse(json, sourceName);
        return errors.Count > 0 ? throw new HealthRulesException(errors) : rules!;
    }

    /// <summary>Parses and validates; the rules are null when there is any error.</summary>
    public static (HealthRules? Rules, IReadOnlyList<HealthRuleError> Errors) TryParse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);

        var bytes = Encoding.UTF8.GetBytes(json);
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        Dictionary<string, (int Line, int Column)> positions;
        try
        {
            positions = Positions(bytes);
        }
        catch (JsonException ex)
        {
            var line = (int?)(ex.LineNumber + 1);
            var column = (int?)(ex.BytePositionInLine + 1);
            return (null, [new HealthRuleError(sourceName, ex.Path ?? "$", line, column, "invalid JSON: " + FirstSentence(ex.Message))]);
        }

        using var document = JsonDocument.Parse(bytes, options);
        var context = new Context(sourceName, positions);
        var rules = Read(document.RootElement, context);
        if (context.Errors.Count == 0)
        {
            Validate(rules, context);
        }

        return context.Errors.Count > 0 ? (null, context.Errors) : (rules, []);
    }

    /// <summary>The rules as JSON in the shape the loader reads (used to write the default file).</summary>
    public static string ToJson(HealthRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("weights");
            w.WriteNumber("schedule", rules.Weights.Schedule);
            w.WriteNumber("budget", rules.Weights.Budget);
            w.WriteNumber("tickets", rules.Weights.Tickets);
            w.WriteNumber("staleness", rules.Weights.Staleness);
            w.WriteEndObject();
            w.WriteStartObject("rag");
            w.WriteNumber("greenMin", rules.Rag.GreenMin);
            w.WriteNumber("amberMin", rules.Rag.AmberMin);
            w.WriteNumber("minimumDataWeight", rules.Rag.MinimumDataWeight);
            w.WriteEndObject();
            w.WriteStartObject("schedule");
            w.WriteNumber("spiGood", rules.Schedule.SpiGood);
            w.WriteNumber("spiBad", rules.Schedule.SpiBad);
            w.WriteNumber("overdueGraceDays", rules.Schedule.OverdueGraceDays);
            w.WriteNumber("overduePenalty", rules.Schedule.OverduePenalty);
            w.WriteNumber("overdueRedDays", rules.Schedule.OverdueRedDays);
            w.WriteEndObject();
            w.WriteStartObject("budget");
            w.WriteNumber("cpiGood", rules.Budget.CpiGood);
            w.WriteNumber("cpiBad", rules.Budget.CpiBad);
            w.WriteNumber("burnAheadGoodPoints", rules.Budget.BurnAheadGoodPoints);
            w.WriteNumber("burnAheadBadPoints", rules.Budget.BurnAheadBadPoints);
            w.WriteNumber("overrunGoodPercent", rules.Budget.OverrunGoodPercent);
            w.WriteNumber("overrunBadPercent", rules.Budget.OverrunBadPercent);
            w.WriteEndObject();
            w.WriteStartObject("tickets");
            w.WriteNumber("highPenalty", rules.Tickets.HighPenalty);
            w.WriteNumber("urgentPenalty", rules.Tickets.UrgentPenalty);
            w.WriteNumber("agedAfterDays", rules.Tickets.AgedAfterDays);
            w.WriteNumber("agedMultiplier", rules.Tickets.AgedMultiplier);
            w.WriteEndObject();
            w.WriteStartObject("staleness");
            w.WriteNumber("goodWithinDays", rules.Staleness.GoodWithinDays);
            w.WriteNumber("badAfterDays", rules.Staleness.BadAfterDays);
            w.WriteEndObject();
            w.WriteStartObject("trend");
            w.WriteNumber("window", rules.Trend.Window);
            w.WriteNumber("deadBand", rules.Trend.DeadBand);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static HealthRules Read(JsonElement root, Context c)
    {
        var d = HealthRules.Default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            c.Error("$", "the rules must be a JSON object");
            return d;
        }

        var top = new Section(root, "$", c, "setting");
        var rules = d;
        if (top.Object("weights") is { } w)
        {
            var s = new Section(w, "$.weights", c, "factor");
            rules = rules with
            {
                Weights = new FactorWeights(
                    s.Decimal("schedule", d.Weights.Schedule),
                    s.Decimal("budget", d.Weights.Budget),
                    s.Decimal("tickets", d.Weights.Tickets),
                    s.Decimal("staleness", d.Weights.Staleness)),
            };
            s.ReportUnknown("schedule, budget, tickets, staleness");
        }

        if (top.Object("rag") is { } r)
        {
            var s = new Section(r, "$.rag", c, "setting");
            rules = rules with
            {
                Rag = new RagRules(s.Decimal("greenMin", d.Rag.GreenMin), s.Decimal("amberMin", d.Rag.AmberMin), s.Decimal("minimumDataWeight", d.Rag.MinimumDataWeight)),
            };
            s.ReportUnknown("greenMin, amberMin, minimumDataWeight");
        }

        if (top.Object("schedule") is { } sc)
        {
            var s = new Section(sc, "$.schedule", c, "setting");
            rules = rules with
            {
                Schedule = new ScheduleRules(
                    s.Decimal("spiGood", d.Schedule.SpiGood),
                    s.Decimal("spiBad", d.Schedule.SpiBad),
                    s.Int("overdueGraceDays", d.Schedule.OverdueGraceDays),
                    s.Decimal("overduePenalty", d.Schedule.OverduePenalty),
                    s.Int("overdueRedDays", d.Schedule.OverdueRedDays)),
            };
            s.ReportUnknown("spiGood, spiBad, overdueGraceDays, overduePenalty, overdueRedDays");
        }

        if (top.Object("budget") is { } b)
        {
            var s = new Section(b, "$.budget", c, "setting");
            rules = rules with
            {
                Budget = new BudgetRules(
                    s.Decimal("cpiGood", d.Budget.CpiGood),
                    s.Decimal("cpiBad", d.Budget.CpiBad),
                    s.Decimal("burnAheadGoodPoints", d.Budget.BurnAheadGoodPoints),
                    s.Decimal("burnAheadBadPoints", d.Budget.BurnAheadBadPoints),
                    s.Decimal("overrunGoodPercent", d.Budget.OverrunGoodPercent),
                    s.Decimal("overrunBadPercent", d.Budget.OverrunBadPercent)),
            };
            s.ReportUnknown("cpiGood, cpiBad, burnAheadGoodPoints, burnAheadBadPoints, overrunGoodPercent, overrunBadPercent");
        }

        if (top.Object("tickets") is { } t)
        {
            var s = new Section(t, "$.tickets", c, "setting");
            rules = rules with
            {
                Tickets = new TicketRules(
                    s.Decimal("highPenalty", d.Tickets.HighPenalty),
                    s.Decimal("urgentPenalty", d.Tickets.UrgentPenalty),
                    s.Int("agedAfterDays", d.Tickets.AgedAfterDays),
                    s.Decimal("agedMultiplier", d.Tickets.AgedMultiplier)),
            };
            s.ReportUnknown("highPenalty, urgentPenalty, agedAfterDays, agedMultiplier");
        }

        if (top.Object("staleness") is { } st)
        {
            var s = new Section(st, "$.staleness", c, "setting");
            rules = rules with { Staleness = new StalenessRules(s.Int("goodWithinDays", d.Staleness.GoodWithinDays), s.Int("badAfterDays", d.Staleness.BadAfterDays)) };
            s.ReportUnknown("goodWithinDays, badAfterDays");
        }

        if (top.Object("trend") is { } tr)
        {
            var s = new Section(tr, "$.trend", c, "setting");
            rules = rules with { Trend = new TrendRules(s.Int("window", d.Trend.Window), s.Decimal("deadBand", d.Trend.DeadBand)) };
            s.ReportUnknown("window, deadBand");
        }

        top.Consume("$schema");
        top.ReportUnknown("weights, rag, schedule, budget, tickets, staleness, trend");
        return rules;
    }

    private static void Validate(HealthRules r, Context c)
    {
        var weights = new (string Name, decimal Value)[]
        {
            ("schedule", r.Weights.Schedule), ("budget", r.Weights.Budget), ("tickets", r.Weights.Tickets), ("staleness", r.Weights.Staleness),
        };
        foreach (var (name, value) in weights)
        {
            if (value is < 0m or > 1m)
            {
                c.Error("$.weights." + name, $"a weight must be between 0 and 1 (is {value})");
            }
        }

        var sum = weights.Sum(w => w.Value);
        if (Math.Abs(sum - 1m) > WeightTolerance)
        {
            c.Error("$.weights", $"the weights must sum to 1 (they sum to {sum})");
        }

        Range(c, "$.rag.greenMin", r.Rag.GreenMin, 0m, 100m);
        Range(c, "$.rag.amberMin", r.Rag.AmberMin, 0m, 100m);
        if (r.Rag.AmberMin >= r.Rag.GreenMin)
        {
            c.Error("$.rag.amberMin", $"thresholds out of order: amberMin ({r.Rag.AmberMin}) must be below greenMin ({r.Rag.GreenMin})");
        }

        if (r.Rag.MinimumDataWeight is <= 0m or > 1m)
        {
            c.Error("$.rag.minimumDataWeight", $"must be above 0 and at most 1 (is {r.Rag.MinimumDataWeight})");
        }

        Positive(c, "$.schedule.spiBad", r.Schedule.SpiBad);
        Ordered(c, "$.schedule.spiBad", "spiBad", r.Schedule.SpiBad, "spiGood", r.Schedule.SpiGood);
        Days(c, "$.schedule.overdueGraceDays", r.Schedule.OverdueGraceDays);
        Days(c, "$.schedule.overdueRedDays", r.Schedule.OverdueRedDays);
        if (r.Schedule.OverdueRedDays <= r.Schedule.OverdueGraceDays)
        {
            c.Error("$.schedule.overdueRedDays", $"thresholds out of order: overdueRedDays ({r.Schedule.OverdueRedDays}) must be above overdueGraceDays ({r.Schedule.OverdueGraceDays})");
        }

        Range(c, "$.schedule.overduePenalty", r.Schedule.OverduePenalty, 0m, 100m);

        Positive(c, "$.budget.cpiBad", r.Budget.CpiBad);
        Ordered(c, "$.budget.cpiBad", "cpiBad", r.Budget.CpiBad, "cpiGood", r.Budget.CpiGood);
        Ordered(c, "$.budget.burnAheadBadPoints", "burnAheadGoodPoints", r.Budget.BurnAheadGoodPoints, "burnAheadBadPoints", r.Budget.BurnAheadBadPoints);
        Ordered(c, "$.budget.overrunBadPercent", "overrunGoodPercent", r.Budget.OverrunGoodPercent, "overrunBadPercent", r.Budget.OverrunBadPercent);

        Range(c, "$.tickets.highPenalty", r.Tickets.HighPenalty, 0m, 100m);
        Range(c, "$.tickets.urgentPenalty", r.Tickets.UrgentPenalty, 0m, 100m);
        Days(c, "$.tickets.agedAfterDays", r.Tickets.AgedAfterDays);
        if (r.Tickets.AgedMultiplier < 1m)
        {
            c.Error("$.tickets.agedMultiplier", $"must be at least 1 (is {r.Tickets.AgedMultiplier})");
        }

        Days(c, "$.staleness.goodWithinDays", r.Staleness.GoodWithinDays);
        Days(c, "$.staleness.badAfterDays", r.Staleness.BadAfterDays);
        if (r.Staleness.BadAfterDays <= r.Staleness.GoodWithinDays)
        {
            c.Error("$.staleness.badAfterDays", $"thresholds out of order: badAfterDays ({r.Staleness.BadAfterDays}) must be above goodWithinDays ({r.Staleness.GoodWithinDays})");
        }

        if (r.Trend.Window < 1)
        {
            c.Error("$.trend.window", $"must be at least 1 snapshot (is {r.Trend.Window})");
        }

        if (r.Trend.DeadBand < 0m)
        {
            c.Error("$.trend.deadBand", $"must not be negative (is {r.Trend.DeadBand})");
        }
    }

    private static void Range(Context c, string path, decimal value, decimal min, decimal max)
    {
        if (value < min || value > max)
        {
            c.Error(path, $"must be between {min} and {max} (is {value})");
        }
    }

    private static void Positive(Context c, string path, decimal value)
    {
        if (value <= 0m)
        {
            c.Error(path, $"must be above 0 (is {value})");
        }
    }

    private static void Days(Context c, string path, int value)
    {
        if (value < 0)
        {
            c.Error(path, $"negative days are not allowed (is {value})");
        }
    }

    private static void Ordered(Context c, string path, string lowName, decimal low, string highName, decimal high)
    {
        if (low >= high)
        {
            c.Error(path, $"thresholds out of order: {lowName} ({low}) must be below {highName} ({high})");
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    /// <summary>Line and column of every property name, keyed by JSON path; throws JsonException on bad JSON.</summary>
    private static Dictionary<string, (int Line, int Column)> Positions(byte[] bytes)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        (int, int) At(long index)
        {
            var line = lineStarts.BinarySearch((int)index);
            line = line >= 0 ? line : ~line - 1;
            return (line + 1, (int)index - lineStarts[line] + 1);
        }

        var positions = new Dictionary<string, (int, int)>(StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var stack = new List<string>();
        string? pending = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pending = reader.GetString();
                    positions[string.Join('.', stack) + "." + pending] = At(reader.TokenStartIndex);
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    if (stack.Count == 0)
                    {
                        positions["$"] = At(reader.TokenStartIndex);
                    }

                    stack.Add(pending ?? (stack.Count == 0 ? "$" : "[]"));
                    pending = null;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    stack.RemoveAt(stack.Count - 1);
                    break;
                default:
                    if (stack.Count == 0)
                    {
                        positions["$"] = At(reader.TokenStartIndex);
                    }

                    pending = null;
                    break;
            }
        }

        return positions;
    }

    private sealed class Context(string file, Dictionary<string, (int Line, int Column)> positions)
    {
        public List<HealthRuleError> Errors { get; } = [];

        public void Error(string path, string reason)
        {
            var known = positions.TryGetValue(path, out var p);
            Errors.Add(new HealthRuleError(file, path, known ? p.Line : null, known ? p.Column : null, reason));
        }
    }

    private sealed class Section(JsonElement element, string path, Context context, string noun)
    {
        private readonly HashSet<string> _consumed = new(StringComparer.OrdinalIgnoreCase);

        public void Consume(string name) => _consumed.Add(name);

        public JsonElement? Object(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                context.Error(path + "." + name, $"must be an object (is {Kind(value)})");
                return null;
            }

            return value;
        }

        public decimal Decimal(string name, decimal fallback)
        {
            if (!TryGet(name, out var value))
            {
                return fallback;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var d))
            {
                context.Error(path + "." + name, $"must be a number (is {Kind(value)})");
                return fallback;
            }

            return d;
        }

        public int Int(string name, int fallback)
        {
            if (!TryGet(name, out var value))
            {
                return fallback;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var i))
            {
                context.Error(path + "." + name, $"must be a whole number of days or snapshots (is {(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Kind(value))})");
                return fallback;
            }

            return i;
        }

        public void ReportUnknown(string knownNames)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!_consumed.Contains(property.Name))
                {
                    context.Error(path + "." + property.Name, $"unknown {noun} '{property.Name}' (known: {knownNames})");
                }
            }
        }

        private bool TryGet(string name, out JsonElement value)
        {
            _consumed.Add(name);
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }

            value = default;
            return false;
        }

        private static string Kind(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
