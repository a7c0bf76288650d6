namespace HubSpotPmoSync.Emulator.Model;

internal sealed class PipelineStage
{
    public required string Id { get; init; }

    public required string Label { get; set; }

    public int DisplayOrder { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; set; }

    public bool Archived { get; set; }

    public long? ArchivedAt { get; set; }
}

internal sealed class Pipeline
{
    public required string Id { get; init; }

    public required string Label { get; set; }

    public int DisplayOrder { get; set; }

    public List<PipelineStage> Stages { get; } = [];

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; set; }

    public bool Archived { get; set; }

    public long? ArchivedAt { get; set; }

    public PipelineStage? Stage(string id) => Stages.Find(s => s.Id == id && !s.Archived);
}
