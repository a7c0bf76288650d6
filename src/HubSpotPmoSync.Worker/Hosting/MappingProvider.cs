using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Worker.Cli;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// Loads <c>Sync:MappingsPath</c> once. A mapping with errors stops the command with exit code 2 before anything is
/// read from HubSpot or written anywhere; every error names the file, the JSON path (line and column for broken
/// JSON) and the reason.
/// </summary>
internal sealed class MappingProvider(IOptions<SyncOptions> options)
{
    private readonly Lazy<MappingLoadResult> _result = new(() => MappingLoader.Load(WorkerHost.ResolvePath(options.Value.MappingsPath)));

    public string Path => WorkerHost.ResolvePath(options.Value.MappingsPath);

    public MappingLoadResult Result => _result.Value;

    /// <summary>The mappings, or a <see cref="UserInputException"/> listing every error.</summary>
    public MappingSet Mappings
    {
        get
        {
            var result = _result.Value;
            if (!result.Succeeded)
            {
                throw new UserInputException(
                    ["the mappings are not valid:", .. result.Errors.Where(e => e.IsError).Select(e => "  " + e)]);
            }

            return result.Mappings!;
        }
    }
}
