using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary><c>emulator</c>: the HubSpot emulator standalone on 127.0.0.1, until Ctrl+C or SIGTERM.</summary>
internal static class EmulatorCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var port = new Option<string>("--port") { Description = "TCP port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => "0" };
        var token = new Option<string>("--token") { Description = "The only bearer token accepted.", DefaultValueFactory = _ => "emulator-token" };
        var seed = new Option<string>("--seed") { Description = "Initial data: none, demo, or scale:N.", DefaultValueFactory = _ => "none" };
        var tier = new Option<string>("--tier") { Description = "Rate-limit tier: free, pro, enterprise, addon or unlimited.", DefaultValueFactory = _ => "unlimited" };
        var timeScale = new Option<string>("--time-scale") { Description = "Multiply every rate limit by this factor (10 = ten times the rate, same shape).", DefaultValueFactory = _ => "1" };
        var faults = new Option<string?>("--faults") { Description = "Fault injection, e.g. 429:0.05,503:0.03,reset:0.01,slow:0.02@2s,truncate:0.01." };
        var faultSeed = new Option<int>("--fault-seed")
        {
            Description = "Seed of the fault generator.",
            DefaultValueFactory = _ => 1,
            CustomParser = NumberArguments.WholeNumber("emulator --fault-seed", int.MinValue),
        };
        var indexLag = new Option<string>("--index-lag") { Description = "Delay before a write is visible to search (e.g. 2s, 500ms).", DefaultValueFactory = _ => "0" };
        var latency = new Option<string?>("--latency")
        {
            Description = "Round trip added to every API answer, ±50 % jitter: one value (200ms) or per class, e.g. "
                + "list:250ms,search:400ms,batch:200ms,associations:250ms,write:300ms,default:150ms. Default: none.",
        };
        var latencySeed = new Option<int>("--latency-seed")
        {
            Description = "Seed of the latency jitter generator.",
            DefaultValueFactory = _ => 1,
            CustomParser = NumberArguments.WholeNumber("emulator --latency-seed", int.MinValue),
        };
        var noRetryAfter = new Option<bool>("--no-retry-after") { Description = "Send 429s without a Retry-After header (HubSpot does not always send it)." };
        var scopes = new Option<string?>("--scopes")
        {
            Description = "Grant only these scopes (comma-separated, e.g. crm.objects.deals.read,tickets; 'none' for no scope): "
                + "a call outside them answers 403 MISSING_SCOPES. Default: every scope.",
        };

        var webhookUrl = new Option<string?>("--webhook-url")
        {
            Description = "Deliver every record and association change to this URL as HubSpot's webhooks do (batches of up to 100, v3 and v1 signatures, retries), e.g. http://127.0.0.1:8080/webhooks/hubspot.",
        };
        var webhookSecret = new Option<string?>("--webhook-secret") { Description = "The app client secret that signs the webhook deliveries (with --webhook-url)." };

        var command = new Command("emulator", "Run the HubSpot CRM emulator standalone on 127.0.0.1.")
        {
            port, token, seed, tier, timeScale, faults, faultSeed, indexLag, noRetryAfter, scopes, latency, latencySeed, webhookUrl, webhookSecret,
        };

        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            EmulatorOptions options;
            try
            {
                // The emulator's own parsers: each message starts with the option it is about.
                options = new EmulatorOptions
                {
                    Port = EmulatorOptions.ParsePort(parse.GetValue(port)!),
                    Token = parse.GetValue(token) is { Length: > 0 } t ? t : throw new FormatException("--token must not be empty."),
                    Seed = EmulatorOptions.ParseSeed(parse.GetValue(seed)!),
                    Tier = EmulatorOptions.ParseTier(parse.GetValue(tier)!),
                    TimeScale = EmulatorOptions.ParseTimeScale(parse.GetValue(timeScale)!),
                    Faults = EmulatorOptions.ParseFaults(parse.GetValue(faults)),
                    FaultSeed = parse.GetValue(faultSeed),
                    IndexLag = EmulatorOptions.ParseIndexLag(parse.GetValue(indexLag)!),
                    SendRetryAfter = !parse.GetValue(noRetryAfter),
                    Scopes = parse.GetValue(scopes) is { } granted ? EmulatorOptions.ParseScopes(granted) : null,
                    Latency = EmulatorOptions.ParseLatency(parse.GetValue(latency)),
                    LatencySeed = parse.GetValue(latencySeed),
                    WebhookUrl = parse.GetValue(webhookUrl) is { } url ? EmulatorOptions.ParseWebhookUrl(url) : null,
                    WebhookSecret = parse.GetValue(webhookSecret),
                };
                options.Validate();
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
                throw new UserInputException(message, e);
            }

            HubSpotEmulator emulator;
            try
            {
                emulator = await HubSpotEmulator.StartAsync(options, cancellationToken);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new UserInputException(e.Message, e);
            }
            catch (IOException e) when (IsAddressInUse(e))
            {
                throw new UserInputException($"port {options.Port.ToString(CultureInfo.InvariantCulture)} on 127.0.0.1 is in use — choose another with --port", e);
            }

            await using (emulator)
            {
                await env.Output.WriteLineAsync($"listening on {emulator.BaseAddress.ToString().TrimEnd('/')}");
                await env.Output.FlushAsync(cancellationToken);
                using var stop = new SemaphoreSlim(0);
                using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                    System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Release(); });
                try
                {
                    await stop.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: a normal stop for a foreground server.
                }
            }

            return ExitCodes.Success;
        }));

        return command;
    }

    /// <summary>Kestrel's "address already in use", found by its socket error (the exception types are Kestrel's own).</summary>
    private static bool IsAddressInUse(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
