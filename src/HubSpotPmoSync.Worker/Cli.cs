namespace HubSpotPmoSync.Worker;

internal static class Cli
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("hubspot-pmo-sync: the command line is being built");
        return args.Length == 0 ? 2 : 1;
    }
}
