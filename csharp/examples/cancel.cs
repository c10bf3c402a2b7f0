// Part 3 of the lesson, cancellation and timeouts: a token asks, the work
// decides. The Cancel button of each run is pressed 0.3 s in.
// Run it and draw it:
//   awaitscope run csharp/examples/cancel.cs --trace cancel.json
//   awaitscope replay cancel.json -o cancel.png
using System;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;

static class Cancel
{
    // Work that checks the token (ThrowIfCancellationRequested every 10 ms)
    // stops soon after Cancel.
    static async Task CooperativeAsync(CancellationToken token)
    {
        try { await Lab.Cpu("BuildReport", 1500, token); }
        catch (OperationCanceledException e) { Lab.Observed(e); }
    }

    // Work that never looks at the token runs to its end: cancelling is a
    // request, not a kill.
    static async Task IgnoresTokenAsync(CancellationToken token)
    {
        await Lab.Cpu("BuildReport", 1500);
    }

    // A timeout is a token too: CancelAfter cancels the download at 0.5 s.
    static async Task TimeoutAsync()
    {
        using (var cts = new CancellationTokenSource())
        {
            cts.CancelAfter(Lab.Ms(500));
            try { await Lab.Io("DownloadAsync", 2000, cts.Token); }
            catch (OperationCanceledException e) { Lab.Observed(e); }
        }
    }

    // WhenAny against a delay stops the waiting, not the work: the download
    // goes on after the caller has given up on it.
    static async Task RaceAsync()
    {
        Task download = Lab.Io("DownloadAsync", 1200);
        Task timeout = Lab.Io("Task.Delay(500)", 500);
        if (await Task.WhenAny(download, timeout) == timeout)
            Lab.Mark("gave up waiting; the download goes on");
        else
            await download;                      // done: its result, or its error
    }

    static void Main(string[] args)
    {
        Lab.Init(args);
        Lab.Variant("cooperative", token => Lab.Run("CooperativeAsync", () => CooperativeAsync(token)), 300,
                    title: "Checks the token");
        Lab.Variant("ignores", token => Lab.Run("IgnoresTokenAsync", () => IgnoresTokenAsync(token)), 300,
                    title: "Ignores the token");
        Lab.Variant("timeout", _ => Lab.Run("TimeoutAsync", () => TimeoutAsync()), title: "CancelAfter(500)");
        Lab.Variant("race", _ => Lab.Run("RaceAsync", () => RaceAsync()), title: "WhenAny with a delay");
        Lab.Save();
    }
}
