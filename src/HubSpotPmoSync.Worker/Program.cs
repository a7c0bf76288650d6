return HubSpotPmoSync.Worker.Cli.Run(args);
