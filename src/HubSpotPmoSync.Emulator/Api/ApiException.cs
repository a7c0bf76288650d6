namespace HubSpotPmoSync.Emulator.Api;

/// <summary>One entry of a HubSpot error's <c>errors[]</c>.</summary>
internal sealed record ErrorDetail(string Message, string? Code = null, IReadOnlyDictionary<string, string[]>? Context = null, string? In = null);

/// <summary>An error answered in HubSpot's JSON shape (status, message, correlationId, category, subCategory, context, errors[]).</summary>
internal sealed class ApiException : Exception
{
    public ApiException(int status, string category, string message, IReadOnlyList<ErrorDetail>? errors = null,
        IReadOnlyDictionary<string, string[]>? context = null, string? subCategory = null)
        : base(message)
    {
        Status = status;
        Category = category;
        Errors = errors ?? [];
        Context = context;
        SubCategory = subCategory;
    }

    public ApiException()
        : this(500, "INTERNAL_ERROR", "internal error")
    {
    }

    public ApiException(string message)
        : this(400, "VALIDATION_ERROR", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
        Category = "VALIDATION_ERROR";
        Errors = [];
    }

    public int Status { get; }

    public string Category { get; }

    public string? SubCategory { get; }

    public IReadOnlyList<ErrorDetail> Errors { get; }

    public IReadOnlyDictionary<string, string[]>? Context { get; }

    public static ApiException Validation(string message, params ErrorDetail[] errors) =>
        new(400, "VALIDATION_ERROR", message, errors);

    public static ApiException NotFound(string message = "resource not found") => new(404, "OBJECT_NOT_FOUND", message);

    public static ApiException Conflict(string message, params ErrorDetail[] errors) => new(409, "CONFLICT", message, errors);
}
