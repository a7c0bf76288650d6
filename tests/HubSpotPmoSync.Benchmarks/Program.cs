using System.Reflection;
using HubSpotPmoSync.Benchmarks;

// The benchmarks, one per class implementing IBenchmark, found by reflection so each area adds its own file.
// Usage: dotnet run -c Release --project tests/HubSpotPmoSync.Benchmarks -- <name> [options]
//        dotnet run -c Release --project tests/HubSpotPmoSync.Benchmarks -- list
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("benchmarks:");
    foreach (var b in benchmarks)
    {
        Console.WriteLine($"  {b.Name,-28} {b.Description}");
    }

    return args.Length == 0 ? 2 : 0;
}

var chosen = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (chosen is null)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; 'list' shows them");
    return 2;
}

Console.WriteLine($"benchmark {chosen.Name} ({RuntimeInformationText()})");
return await chosen.RunAsync(args.Skip(1).ToArray());

static string RuntimeInformationText() =>
    $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} cores, "
    + $"{(typeof(IBenchmark).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "?")}";
