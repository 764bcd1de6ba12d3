using Airlock.Cli;

return AirlockCli.Run(args, Console.Out, Console.Error);
