using System.Text;

namespace HubSpotPmoSync.Worker.Import;

/// <summary>
/// How one kind of import reads its file, resolved from <c>Import</c> and the kind's section: the encoding (null: auto),
/// the culture, and the delimiter (null: detected from the header line) with the setting that chose it.
/// </summary>
internal sealed record ImportFormat(Encoding? Encoding, string EncodingName, ImportCulture Culture, string? Delimiter, string DelimiterKey)
{
    /// <summary>The default format: auto encoding, invariant culture, detected delimiter.</summary>
    public static ImportFormat Default { get; } = new(null, "auto", ImportCulture.Invariant, null, ImportOptions.SectionName + ":Delimiter");

    /// <summary>The format of one kind; <paramref name="kindDelimiter"/> (when set) overrides <c>Import:Delimiter</c>.</summary>
    public static ImportFormat From(ImportOptions common, string? kindDelimiter, string kindSection)
    {
        ArgumentNullException.ThrowIfNull(common);
        var (setting, key) = kindDelimiter is null
            ? (common.Delimiter, ImportOptions.SectionName + ":Delimiter")
            : (kindDelimiter, kindSection + ":Delimiter");
        ImportCulture.TryGet(common.Culture, out var culture);
        TryEncoding(common.Encoding, out var encoding);
        return new ImportFormat(encoding, common.Encoding.Trim(), culture ?? ImportCulture.Invariant, ParseDelimiter(setting), key);
    }

    /// <summary>A delimiter setting as the delimiter: null for <c>auto</c>, a tab for <c>tab</c> or <c>\t</c>.</summary>
    public static string? ParseDelimiter(string setting) => setting.Trim().ToUpperInvariant() switch
    {
        "AUTO" => null,
        "TAB" or "\\T" => "\t",
        _ => setting == "\t" ? "\t" : setting.Trim(),
    };

    /// <summary>
    /// An encoding setting as the encoding: null for <c>auto</c>; UTF-8 (strict), Latin-1 built in, code pages such as
    /// windows-1252 from the code-pages provider. False when the name is not an encoding.
    /// </summary>
    public static bool TryEncoding(string setting, out Encoding? encoding)
    {
        encoding = null;
        var name = (setting ?? "").Trim();
        switch (name.ToUpperInvariant())
        {
            case "AUTO":
                return true;
            case "UTF-8" or "UTF8":
                encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
                return true;
            case "LATIN1" or "LATIN-1" or "ISO-8859-1":
                encoding = System.Text.Encoding.Latin1;
                return true;
            case "":
                return false;
        }

        encoding = CodePagesEncodingProvider.Instance.GetEncoding(name);
        if (encoding is null)
        {
            try
            {
                encoding = System.Text.Encoding.GetEncoding(name);
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A delimiter as shown in messages.</summary>
    public static string Show(string delimiter) => delimiter == "\t" ? "tab" : "'" + delimiter + "'";
}
