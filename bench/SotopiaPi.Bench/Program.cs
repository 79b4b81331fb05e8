using SotopiaPi.Bench;

return await BenchmarkCli.RunAsync(args);
