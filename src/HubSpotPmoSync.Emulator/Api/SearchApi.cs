using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Emulator.Model;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>
/// CRM search: filter groups (OR of ANDs), HubSpot's operators and type rules, one sort (ties by id ascending), integer
/// offsets capped at 10,000, total, archived excluded, and the search-index lag.
/// </summary>
internal sealed class SearchApi(EmulatorRuntime rt)
{
    public const int MaxGroups = 5;
    public const int MaxFiltersPerGroup = 6;
    public const int MaxFilters = 18;
    public const int MaxLimit = 200;
    public const int MaxResults = 10_000;
    public const int MaxBodyChars = 3_000;

    private static readonly string[] Operators =
        ["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"];

    [ThreadStatic]
    private static RecordView[]? _threadMatches;

    [ThreadStatic]
    private static double[]? _threadKeys;

    [ThreadStatic]
    private static int[]? _threadOrder;

    private CrmStore Store => rt.Store;

    public Reply Search(ApiRequest req)
    {
        var chars = Encoding.UTF8.GetCharCount(req.Body);
        if (chars > MaxBodyChars)
        {
            throw ApiException.Validation($"The search request is {chars} characters long; the maximum is {MaxBodyChars}.",
                new ErrorDetail("search request too long", "TOO_LONG"));
        }

        var body = req.Body.Length == 0 ? JsonIn.Parse("{}"u8.ToArray()) : req.JsonObject;
        return Store.Read(() => Run(req, JsonIn.Object(body, "the search request")));
    }

    private Reply Run(ApiRequest req, JsonElement body)
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var groups = JsonIn.Array(body, "filterGroups");
        var topFilters = JsonIn.Array(body, "filters");
        if (groups.Count > MaxGroups)
        {
            throw Limit($"Too many filter groups: {groups.Count}. At most {MaxGroups} are allowed.");
        }

        var compiled = new List<List<Func<RecordView, bool>>>();
        var total = 0;
        foreach (var g in groups)
        {
            var filters = JsonIn.Array(JsonIn.Object(g, "each filter group"), "filters");
            if (filters.Count > MaxFiltersPerGroup)
            {
                throw Limit($"Too many filters in a group: {filters.Count}. At most {MaxFiltersPerGroup} are allowed per group.");
            }

            total += filters.Count;
            compiled.Add([.. filters.Select(f => Compile(t, JsonIn.Object(f, "each filter")))]);
        }

        if (topFilters.Count > 0)
        {
            if (topFilters.Count > MaxFiltersPerGroup)
            {
                throw Limit($"Too many filters: {topFilters.Count}. At most {MaxFiltersPerGroup} are allowed per group.");
            }

            total += topFilters.Count;
            compiled.Add([.. topFilters.Select(f => Compile(t, JsonIn.Object(f, "each filter")))]);
        }

        if (total > MaxFilters)
        {
            throw Limit($"Too many filters: {total}. At most {MaxFilters} are allowed in total.");
        }

        var limit = (int)(JsonIn.Long(body, "limit") ?? 10);
        if (limit is < 0 or > MaxLimit)
        {
            throw ApiException.Validation($"limit must be between 0 and {MaxLimit}, not {limit}.",
                new ErrorDetail($"limit out of range", "OUT_OF_RANGE", new Dictionary<string, string[]> { ["limit"] = [limit.ToString(CultureInfo.InvariantCulture)] }));
        }

        var afterText = JsonIn.String(body, "after");
        var after = 0;
        if (!string.IsNullOrEmpty(afterText) && (!int.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            throw ApiException.Validation($"after '{afterText}' must be a non-negative integer offset.",
                new ErrorDetail("invalid after", "INVALID_AFTER", new Dictionary<string, string[]> { ["after"] = [afterText] }));
        }

        if (after >= MaxResults)
        {
            throw ApiException.Validation($"Paging past {MaxResults} results is not supported (after={after}). Narrow the filters instead.",
                new ErrorDetail("after exceeds the 10000 result limit", "PAGING_LIMIT_EXCEEDED",
                    new Dictionary<string, string[]> { ["after"] = [after.ToString(CultureInfo.InvariantCulture)] }));
        }

        var requested = JsonIn.Prop(body, "properties") is null ? null : JsonIn.StringArray(body, "properties");
        var props = ObjectWriter.Select(t, requested);
        var query = JsonIn.String(body, "query");
        var queryMatch = string.IsNullOrWhiteSpace(query) ? null : CompileQuery(t, query);
        var (sortProp, descending) = Sort(t, body);

        // Per-thread buffers: a search over 100k+ records must not allocate large arrays every time (LOH churn).
        var now = Store.Clock.NowMs;
        var matches = _threadMatches ??= new RecordView[1024];
        var count = 0;
        foreach (var r in t.Records)
        {
            if (CrmStore.SearchView(r, now) is not { Archived: false } v)
            {
                continue;
            }

            if (compiled.Count > 0 && !AnyGroupMatches(compiled, v))
            {
                continue;
            }

            if (queryMatch is not null && !queryMatch(v))
            {
                continue;
            }

            if (count == matches.Length)
            {
                Array.Resize(ref matches, count * 2);
                _threadMatches = matches;
            }

            matches[count++] = v;
        }

        var order = sortProp is null ? null : SortMatches(t, matches, count, sortProp, descending);
        var end = Math.Min(Math.Min(count, after + limit), MaxResults);
        var reply = Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("total", count);
            w.WriteStartArray("results");
            for (var i = after; i < end; i++)
            {
                ObjectWriter.Write(w, Store, t, matches[order is null ? i : order[i]], props);
            }

            w.WriteEndArray();
            if (after + limit < count && limit > 0)
            {
                w.WriteStartObject("paging");
                w.WriteStartObject("next");
                w.WriteString("after", (after + limit).ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
        Array.Clear(matches, 0, count);
        return reply;
    }

    private static ApiException Limit(string message) => ApiException.Validation(message, new ErrorDetail(message, "TOO_MANY_FILTERS"));

    private (PropertyDef? Property, bool Descending) Sort(ObjectTypeDef t, JsonElement body)
    {
        var sorts = JsonIn.Array(body, "sorts");
        if (sorts.Count == 0)
        {
            return (null, false);
        }

        // Only the first sort rule is honoured, as in HubSpot.
        var s = sorts[0];
        string name;
        var descending = false;
        if (s.ValueKind == JsonValueKind.String)
        {
            name = s.GetString()!;
            if (name.StartsWith('-'))
            {
                descending = true;
                name = name[1..];
            }
        }
        else
        {
            JsonIn.Object(s, "each sort");
            name = JsonIn.String(s, "propertyName", required: true)!;
            var direction = JsonIn.String(s, "direction") ?? "ASCENDING";
            descending = direction switch
            {
                "ASCENDING" => false,
                "DESCENDING" => true,
                _ => throw ApiException.Validation($"direction must be ASCENDING or DESCENDING, not '{direction}'."),
            };
        }

        var p = t.Property(name) ?? throw UnknownProperty(name);
        return (p, descending);
    }

    private static bool AnyGroupMatches(List<List<Func<RecordView, bool>>> groups, RecordView v)
    {
        foreach (var group in groups)
        {
            var all = true;
            foreach (var f in group)
            {
                if (!f(v))
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The order of the matches sorted by one property; missing values last; ties by id ascending (matches arrive in id order).</summary>
    private int[] SortMatches(ObjectTypeDef t, RecordView[] matches, int n, PropertyDef p, bool descending)
    {
        var order = _threadOrder is { } o && o.Length >= n ? o : (_threadOrder = new int[Math.Max(n, 1024)]);
        if (p.IsNumeric || p.IsTime)
        {
            // Primitive keys sort fast; missing values become +∞ (last in both directions); equal keys keep id order.
            var numeric = _threadKeys is { } k && k.Length >= n ? k : (_threadKeys = new double[Math.Max(n, 1024)]);
            for (var i = 0; i < n; i++)
            {
                var key = Store.NumericValue(t, p, matches[i]);
                numeric[i] = key is { } d ? (descending ? -d : d) : double.PositiveInfinity;
                order[i] = i;
            }

            Array.Sort(numeric, order, 0, n);
            for (var start = 0; start < n;)
            {
                var stop = start + 1;
                while (stop < n && numeric[stop].Equals(numeric[start]))
                {
                    stop++;
                }

                if (stop - start > 1)
                {
                    Array.Sort(order, start, stop - start);
                }

                start = stop;
            }

            return order;
        }

        var keys = new string?[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = Store.Value(t, p, matches[i]);
            order[i] = i;
        }

        var comparer = p.IsEnumeration ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        Array.Sort(order, 0, n, Comparer<int>.Create((a, b) =>
        {
            if (keys[a] is null || keys[b] is null)
            {
                var m = keys[a] is null ? (keys[b] is null ? 0 : 1) : -1;
                return m != 0 ? m : a.CompareTo(b);
            }

            var c = comparer.Compare(keys[a], keys[b]);
            c = descending ? -c : c;
            return c != 0 ? c : a.CompareTo(b);
        }));
        return order;
    }

    private static ApiException UnknownProperty(string name) =>
        ApiException.Validation($"Property \"{name}\" does not exist",
            new ErrorDetail($"Property \"{name}\" does not exist", "PROPERTY_DOESNT_EXIST",
                new Dictionary<string, string[]> { ["propertyName"] = [name] }));

    private Func<RecordView, bool> CompileQuery(ObjectTypeDef t, string query)
    {
        var words = query.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(q => q.Trim('*')).Where(q => q.Length > 0).ToArray();
        var fields = (t.IsCustom ? t.SearchableProperties : t.QueryProperties).Select(t.Property).OfType<PropertyDef>().ToArray();
        return v => words.All(word => fields.Any(f => Store.Value(t, f, v) is { } s && s.Contains(word, StringComparison.OrdinalIgnoreCase)));
    }

    private Func<RecordView, bool> Compile(ObjectTypeDef t, JsonElement f)
    {
        var name = JsonIn.String(f, "propertyName", required: true)!;
        var op = JsonIn.String(f, "operator") ?? "EQ";
        if (!Operators.Contains(op))
        {
            throw ApiException.Validation($"Unknown operator '{op}'. Use one of {string.Join(", ", Operators)}.",
                new ErrorDetail($"invalid operator {op}", "INVALID_OPERATOR"));
        }

        var value = Scalar(f, "value");
        var high = Scalar(f, "highValue");
        var values = JsonIn.Prop(f, "values") is null ? null : JsonIn.Array(f, "values").Select(e => JsonIn.ScalarText(e, "values") ?? string.Empty).ToList();

        if (name.StartsWith("associations.", StringComparison.Ordinal))
        {
            return CompileAssociation(name, op, value, values);
        }

        var p = t.Property(name) ?? throw UnknownProperty(name);
        switch (op)
        {
            case "HAS_PROPERTY":
                return v => Store.Value(t, p, v) is not null;
            case "NOT_HAS_PROPERTY":
                return v => Store.Value(t, p, v) is null;
        }

        if (op is "IN" or "NOT_IN")
        {
            if (values is null || values.Count == 0)
            {
                throw ApiException.Validation($"Operator {op} on {name} needs a non-empty 'values' array.");
            }
        }
        else if (value is null)
        {
            throw ApiException.Validation($"Operator {op} on {name} needs a 'value'.");
        }

        if (op == "BETWEEN" && high is null)
        {
            throw ApiException.Validation($"Operator BETWEEN on {name} needs a 'highValue'.");
        }

        if (op is "CONTAINS_TOKEN" or "NOT_CONTAINS_TOKEN")
        {
            var matcher = TokenMatcher(value!);
            var negate = op == "NOT_CONTAINS_TOKEN";
            return v =>
            {
                var s = Store.Value(t, p, v);
                return s is null ? negate : matcher(s) != negate;
            };
        }

        if (p.IsNumeric || p.IsTime)
        {
            double Num(string text) => (p.IsTime ? CrmStore.ParseTimeMs(text) : ParseDouble(text))
                ?? throw ApiException.Validation($"\"{text}\" is not a valid {(p.IsTime ? "date (epoch milliseconds or ISO-8601)" : "number")} for {name}.",
                    new ErrorDetail($"invalid filter value for {name}", p.IsTime ? "INVALID_DATE" : "INVALID_INTEGER",
                        new Dictionary<string, string[]> { ["propertyName"] = [name] }));
            if (op is "IN" or "NOT_IN")
            {
                var set = values!.Select(Num).ToHashSet();
                var isIn = op == "IN";
                return v => Store.NumericValue(t, p, v) is { } n ? set.Contains(n) == isIn : !isIn;
            }

            var a = Num(value!);
            var b = op == "BETWEEN" ? Num(high!) : 0;
            return op switch
            {
                "EQ" => v => Store.NumericValue(t, p, v) is { } n && n == a,
                "NEQ" => v => Store.NumericValue(t, p, v) is not { } n || n != a,
                "LT" => v => Store.NumericValue(t, p, v) is { } n && n < a,
                "LTE" => v => Store.NumericValue(t, p, v) is { } n && n <= a,
                "GT" => v => Store.NumericValue(t, p, v) is { } n && n > a,
                "GTE" => v => Store.NumericValue(t, p, v) is { } n && n >= a,
                _ => v => Store.NumericValue(t, p, v) is { } n && n >= a && n <= b,
            };
        }

        // Enumerations match case-sensitively (every value of a multi-select counts); other text case-insensitively.
        var enumeration = p.IsEnumeration;
        var comparison = enumeration ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        IEnumerable<string> Parts(string s) => enumeration && p.AllowsMultiple ? s.Split(';') : [s];
        if (op is "IN" or "NOT_IN")
        {
            // IN takes lowercase string values: a stored "Acme" matches "acme", never "ACME" (as documented).
            var set = values!.ToHashSet(StringComparer.Ordinal);
            var isIn = op == "IN";
            return v => Store.Value(t, p, v) is { } s
                ? Parts(s).Any(part => set.Contains(enumeration ? part : part.ToLowerInvariant())) == isIn
                : !isIn;
        }

        var x = value!;
        var y = high;
        return op switch
        {
            "EQ" => v => Store.Value(t, p, v) is { } s && Parts(s).Any(part => string.Equals(part, x, comparison)),
            "NEQ" => v => Store.Value(t, p, v) is not { } s || !Parts(s).Any(part => string.Equals(part, x, comparison)),
            "LT" => v => Store.Value(t, p, v) is { } s && string.Compare(s, x, comparison) < 0,
            "LTE" => v => Store.Value(t, p, v) is { } s && string.Compare(s, x, comparison) <= 0,
            "GT" => v => Store.Value(t, p, v) is { } s && string.Compare(s, x, comparison) > 0,
            "GTE" => v => Store.Value(t, p, v) is { } s && string.Compare(s, x, comparison) >= 0,
            _ => v => Store.Value(t, p, v) is { } s && string.Compare(s, x, comparison) >= 0 && string.Compare(s, y, comparison) <= 0,
        };
    }

    private Func<RecordView, bool> CompileAssociation(string name, string op, string? value, List<string>? values)
    {
        var to = Store.TryResolveType(name["associations.".Length..])
            ?? throw ApiException.Validation($"Unable to infer object type from: {name["associations.".Length..]}");
        if (to.IsCustom)
        {
            throw ApiException.Validation($"Searching by association is not supported for custom objects ({name}).");
        }

        var ids = (op is "IN" or "NOT_IN" ? values ?? [] : [value ?? string.Empty])
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : throw ApiException.Validation($"\"{s}\" is not a record id for {name}.")).ToArray();
        var positive = op is "EQ" or "IN";
        if (!positive && op is not ("NEQ" or "NOT_IN"))
        {
            throw ApiException.Validation($"Operator {op} is not supported on {name}; use EQ, NEQ, IN or NOT_IN.");
        }

        return v => ids.Any(id => Store.Associations.Find(v.Id, to.Key, id) is not null) == positive;
    }

    private static string? Scalar(JsonElement f, string name) =>
        JsonIn.Prop(f, name) is { } v ? JsonIn.ScalarText(v, name) : null;

    private static double? ParseDouble(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>CONTAINS_TOKEN: a whole token (words split on spaces and punctuation), or a <c>*</c> wildcard pattern.</summary>
    private static Func<string, bool> TokenMatcher(string token)
    {
        if (token.Contains('*', StringComparison.Ordinal))
        {
            var pattern = new Regex("^" + Regex.Escape(token).Replace("\\*", ".*", StringComparison.Ordinal) + "$",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return s => pattern.IsMatch(s) || s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(pattern.IsMatch);
        }

        var wanted = Tokens(token);
        return s =>
        {
            var have = Tokens(s);
            return wanted.All(have.Contains);
        };
    }

    private static HashSet<string> Tokens(string s)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0)
            {
                set.Add(sb.ToString());
                sb.Clear();
            }
        }

        if (sb.Length > 0)
        {
            set.Add(sb.ToString());
        }

        return set;
    }
}
